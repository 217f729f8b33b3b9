"""Linked TrackingTime accounts.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linked_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("slack_user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("tt_user_id", sa.Integer(), nullable=False),
        sa.Column("tt_account_id", sa.Integer(), nullable=False),
        sa.Column("tt_workspace_name", sqlmodel.AutoString(length=255), nullable=False),
        sa.Column("tt_user_name", sqlmodel.AutoString(length=255), nullable=False),
        sa.Column("app_password_encrypted", sa.Text(), nullable=False),
        sa.Column("time_zone", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "enterprise_id", "team_id", "slack_user_id", name="uq_linked_accounts_user"
        ),
    )
    op.create_index("ix_linked_accounts_team_id", "linked_accounts", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_linked_accounts_team_id", table_name="linked_accounts")
    op.drop_table("linked_accounts")
