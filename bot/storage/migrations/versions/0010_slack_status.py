"""The Slack status line: each user's choice, their Slack user token, and what the app shows;
TrackingTime webhooks registered per account.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns() -> tuple[sa.Column, ...]:  # type: ignore[type-arg]
    # Fresh columns each time: a Column belongs to the one table it is added to.
    return (
        sa.Column("status_enabled", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column(
            "status_show", sqlmodel.AutoString(length=8), nullable=False, server_default="task"
        ),
        sa.Column(
            "status_emoji",
            sqlmodel.AutoString(length=100),
            nullable=False,
            server_default=":stopwatch:",
        ),
        sa.Column("status_replace", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("slack_user_token_encrypted", sa.Text(), nullable=True),
        sa.Column("slack_user_refresh_token_encrypted", sa.Text(), nullable=True),
        sa.Column("slack_user_token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_text_shown", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "status_emoji_shown", sqlmodel.AutoString(length=100), nullable=False, server_default=""
        ),
        sa.Column("status_shown_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status_problem", sqlmodel.AutoString(length=32), nullable=False, server_default=""
        ),
        sa.Column("status_sync_at", sa.DateTime(timezone=True), nullable=True),
    )


def upgrade() -> None:
    with op.batch_alter_table("linked_accounts") as batch:
        for column in _columns():
            batch.add_column(column)
    op.create_index("ix_linked_accounts_status_sync_at", "linked_accounts", ["status_sync_at"])
    op.create_table(
        "trackingtime_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tt_account_id", sa.BigInteger(), nullable=False),
        sa.Column("path_token", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("hook_id", sa.BigInteger(), nullable=True),
        sa.Column("secret_encrypted", sa.Text(), nullable=True),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tt_account_id"),
    )
    op.create_index(
        "ix_trackingtime_webhooks_path_token", "trackingtime_webhooks", ["path_token"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_trackingtime_webhooks_path_token", table_name="trackingtime_webhooks")
    op.drop_table("trackingtime_webhooks")
    op.drop_index("ix_linked_accounts_status_sync_at", table_name="linked_accounts")
    with op.batch_alter_table("linked_accounts") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
