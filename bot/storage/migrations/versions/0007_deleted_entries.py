"""Entries deleted from Slack, kept a day for Undo.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deleted_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("slack_user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,  # ids are never reused: an Undo button carries one
    )
    op.create_index("ix_deleted_entries_team_id", "deleted_entries", ["team_id"])
    op.create_index("ix_deleted_entries_deleted_at", "deleted_entries", ["deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_deleted_entries_deleted_at", table_name="deleted_entries")
    op.drop_index("ix_deleted_entries_team_id", table_name="deleted_entries")
    op.drop_table("deleted_entries")
