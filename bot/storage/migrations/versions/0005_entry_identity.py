"""Every submitted entry is written before it is sent: what it became, what it must not be
mistaken for, and whether it waits for the user's Try again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pending_entries") as batch:
        batch.add_column(sa.Column("known_event_ids", sa.Text(), nullable=True))
        batch.add_column(sa.Column("event_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("awaiting_user", sa.Boolean(), nullable=False, server_default="0")
        )
    op.create_index(
        "uq_pending_entries_event",
        "pending_entries",
        ["enterprise_id", "team_id", "slack_user_id", "event_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_pending_entries_event", table_name="pending_entries")
    with op.batch_alter_table("pending_entries") as batch:
        batch.drop_column("awaiting_user")
        batch.drop_column("done_at")
        batch.drop_column("event_id")
        batch.drop_column("known_event_ids")
