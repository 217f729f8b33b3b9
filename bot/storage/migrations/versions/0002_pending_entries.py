"""Entries kept for retry while TrackingTime is unavailable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("slack_user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("channel_id", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.AutoString(length=255), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pending_entries_team_id", "pending_entries", ["team_id"])
    op.create_index("ix_pending_entries_next_attempt_at", "pending_entries", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_entries_next_attempt_at", table_name="pending_entries")
    op.drop_index("ix_pending_entries_team_id", table_name="pending_entries")
    op.drop_table("pending_entries")
