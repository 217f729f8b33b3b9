"""Slack installations (encrypted tokens) and OAuth states.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("app_id", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("enterprise_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("enterprise_name", sqlmodel.AutoString(length=255), nullable=True),
        sa.Column("enterprise_url", sqlmodel.AutoString(length=255), nullable=True),
        sa.Column("team_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("team_name", sqlmodel.AutoString(length=255), nullable=True),
        sa.Column("bot_token_encrypted", sa.Text(), nullable=False),
        sa.Column("bot_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("bot_user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        sa.Column("bot_refresh_token_encrypted", sa.Text(), nullable=True),
        sa.Column("bot_token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("user_id", sqlmodel.AutoString(length=32), nullable=False),
        sa.Column("user_token_encrypted", sa.Text(), nullable=True),
        sa.Column("user_refresh_token_encrypted", sa.Text(), nullable=True),
        sa.Column("user_scopes", sa.Text(), nullable=False),
        sa.Column("user_token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_type", sqlmodel.AutoString(length=32), nullable=True),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "enterprise_id", "team_id", name="uq_slack_installations"),
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_slack_oauth_states_state", "slack_oauth_states", ["state"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_slack_oauth_states_state", table_name="slack_oauth_states")
    op.drop_table("slack_oauth_states")
    op.drop_table("slack_installations")
