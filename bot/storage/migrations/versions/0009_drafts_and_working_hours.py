"""Working hours and the gap threshold; channels offering drafts, and the offers made.

Revision ID: 0009
Revises: 0007 (to become 0008 once issue 13's migration is merged before it)
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORKING_HOURS = (
    ("work_start", 5, "09:00"),
    ("work_end", 5, "17:30"),
    ("work_days", 7, "01234"),
)


def upgrade() -> None:
    with op.batch_alter_table("linked_accounts") as batch:
        for name, length, default in _WORKING_HOURS:
            batch.add_column(
                sa.Column(
                    name,
                    sqlmodel.AutoString(length=length),
                    nullable=False,
                    server_default=default,
                )
            )
        batch.add_column(
            sa.Column("gap_minutes", sa.Integer(), nullable=False, server_default="15")
        )
    op.create_table(
        "standup_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("channel_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("slack_user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "enterprise_id", "team_id", "channel_id", "slack_user_id", name="uq_standup_channels"
        ),
    )
    op.create_table(
        "standup_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("channel_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("message_ts", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("slack_user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "enterprise_id",
            "team_id",
            "channel_id",
            "message_ts",
            "slack_user_id",
            name="uq_standup_offers",
        ),
    )
    op.create_index("ix_standup_offers_offered_at", "standup_offers", ["offered_at"])


def downgrade() -> None:
    op.drop_index("ix_standup_offers_offered_at", table_name="standup_offers")
    op.drop_table("standup_offers")
    op.drop_table("standup_channels")
    with op.batch_alter_table("linked_accounts") as batch:
        for column in ("gap_minutes", "work_days", "work_end", "work_start"):
            batch.drop_column(column)
