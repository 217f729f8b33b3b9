"""Due work by index: each user's and workspace's next due instants, the running timer the app
knows of, when the user was last active; indexes for the worker's claims and purges.

Existing summaries and digests are made due at once: the worker's first round works out each
one's real next instant from its settings (without decrypting anything or calling TrackingTime)
and stores it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_COLUMNS = ("summary_due_at", "timer_remind_at", "timer_check_at")


def _instant(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("linked_accounts") as batch:
        for name in (*DUE_COLUMNS, "timer_started_at", "active_at"):
            batch.add_column(_instant(name))
        batch.add_column(sa.Column("timer_event_id", sa.BigInteger(), nullable=True))
    for name in DUE_COLUMNS:
        op.create_index(f"ix_linked_accounts_{name}", "linked_accounts", [name])
    with op.batch_alter_table("team_settings") as batch:
        batch.add_column(_instant("digest_due_at"))
    op.create_index("ix_team_settings_digest_due_at", "team_settings", ["digest_due_at"])

    op.drop_index("ix_pending_entries_next_attempt_at", table_name="pending_entries")
    op.create_index(
        "ix_pending_entries_due",
        "pending_entries",
        ["done_at", "awaiting_user", "next_attempt_at"],
    )
    op.create_index("ix_pending_entries_created_at", "pending_entries", ["created_at"])
    op.create_index("ix_deliveries_created_at", "deliveries", ["created_at"])

    # Typed, so that SQLite stores it in the same text form as every other instant.
    now = sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True))
    op.execute(
        sa.text(
            "UPDATE linked_accounts SET summary_due_at = :now WHERE summary_enabled"
        ).bindparams(now)
    )
    op.execute(
        sa.text(
            "UPDATE team_settings SET digest_due_at = :now WHERE digest_channel IS NOT NULL"
        ).bindparams(now)
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_created_at", table_name="deliveries")
    op.drop_index("ix_pending_entries_created_at", table_name="pending_entries")
    op.drop_index("ix_pending_entries_due", table_name="pending_entries")
    op.create_index("ix_pending_entries_next_attempt_at", "pending_entries", ["next_attempt_at"])
    op.drop_index("ix_team_settings_digest_due_at", table_name="team_settings")
    with op.batch_alter_table("team_settings") as batch:
        batch.drop_column("digest_due_at")
    for name in DUE_COLUMNS:
        op.drop_index(f"ix_linked_accounts_{name}", table_name="linked_accounts")
    with op.batch_alter_table("linked_accounts") as batch:
        for name in ("timer_event_id", "active_at", "timer_started_at", *reversed(DUE_COLUMNS)):
            batch.drop_column(name)
