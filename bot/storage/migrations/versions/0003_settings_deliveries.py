"""User settings, scheduled deliveries, workspace settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("linked_accounts") as batch:
        batch.add_column(
            sa.Column("summary_enabled", sa.Boolean(), nullable=False, server_default="1")
        )
        batch.add_column(
            sa.Column(
                "summary_time",
                sqlmodel.AutoString(length=5),
                nullable=False,
                server_default="17:30",
            )
        )
        batch.add_column(
            sa.Column(
                "summary_days",
                sqlmodel.AutoString(length=7),
                nullable=False,
                server_default="01234",
            )
        )
        batch.add_column(
            sa.Column("timer_limit_minutes", sa.Integer(), nullable=False, server_default="540")
        )
        batch.add_column(
            sa.Column("reconnect_notified", sa.Boolean(), nullable=False, server_default="0")
        )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("slack_user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.AutoString(length=16), nullable=False),
        sa.Column("period", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("sent", sa.Boolean(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "enterprise_id", "team_id", "slack_user_id", "kind", "period", name="uq_deliveries"
        ),
    )
    op.create_table(
        "team_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("digest_channel", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("digest_time", sqlmodel.AutoString(length=5), nullable=False),
        sa.Column("digest_time_zone", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "team_id", name="uq_team_settings"),
    )


def downgrade() -> None:
    op.drop_table("team_settings")
    op.drop_table("deliveries")
    with op.batch_alter_table("linked_accounts") as batch:
        for column in (
            "reconnect_notified",
            "timer_limit_minutes",
            "summary_days",
            "summary_time",
            "summary_enabled",
        ):
            batch.drop_column(column)
