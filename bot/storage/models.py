"""The tables. Slack ids stay in plain text for look-ups; secrets are stored encrypted."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _due_column() -> Column:  # type: ignore[type-arg]
    """A nullable UTC instant the worker selects rows by (indexed)."""
    return Column(DateTime(timezone=True), nullable=True, index=True)


class LinkedAccount(SQLModel, table=True):
    """One Slack user's link to their TrackingTime account.

    ``enterprise_id`` is ``""`` outside Enterprise Grid rather than NULL, because NULLs never
    collide in a unique constraint and the key (enterprise, team, user) must be unique.
    """

    __tablename__ = "linked_accounts"
    __table_args__ = (
        UniqueConstraint(
            "enterprise_id", "team_id", "slack_user_id", name="uq_linked_accounts_user"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(max_length=32, index=True)
    slack_user_id: str = Field(max_length=32)
    tt_user_id: int
    tt_account_id: int
    tt_workspace_name: str = Field(max_length=255)
    tt_user_name: str = Field(default="", max_length=255)
    # Fernet tokens are far longer than the secret: keep them in an unbounded column.
    app_password_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    time_zone: str = Field(default="UTC", max_length=64)
    # The user's settings (see bot.services.settings), on by default once linked.
    summary_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    summary_time: str = Field(
        default="17:30", max_length=5, sa_column_kwargs={"server_default": "17:30"}
    )
    summary_days: str = Field(
        default="01234", max_length=7, sa_column_kwargs={"server_default": "01234"}
    )
    timer_limit_minutes: int = Field(default=540, sa_column_kwargs={"server_default": "540"})
    # Working hours, where the gap finder looks for untracked time (see bot.services.gaps).
    work_start: str = Field(
        default="09:00", max_length=5, sa_column_kwargs={"server_default": "09:00"}
    )
    work_end: str = Field(
        default="17:30", max_length=5, sa_column_kwargs={"server_default": "17:30"}
    )
    work_days: str = Field(
        default="01234", max_length=7, sa_column_kwargs={"server_default": "01234"}
    )
    gap_minutes: int = Field(default=15, sa_column_kwargs={"server_default": "15"})
    # Set once the user has been told TrackingTime rejects their App Password (told only once).
    reconnect_notified: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # When the worker next looks at this user (UTC; NULL: never), each indexed so that a round
    # reads only the rows that are due (see bot.schedule and bot.storage.schedule): the daily
    # summary, the reminder of a known running timer, and the slow check for a timer started
    # outside the app. While a worker holds one, it is that worker's lease.
    summary_due_at: datetime | None = Field(default=None, sa_column=_due_column())
    timer_remind_at: datetime | None = Field(default=None, sa_column=_due_column())
    timer_check_at: datetime | None = Field(default=None, sa_column=_due_column())
    # The running timer the app knows of (started from Slack, or seen by the worker).
    timer_started_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    timer_event_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # When the user was last seen using the app or tracking time: who the slow check is for.
    active_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # The Slack status line (bot.services.status): off until the user turns it on and grants a
    # user token of their own (users.profile:read/write), kept encrypted like the App Password.
    status_enabled: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    status_show: str = Field(
        default="task", max_length=8, sa_column_kwargs={"server_default": "task"}
    )
    status_emoji: str = Field(
        default=":stopwatch:", max_length=100, sa_column_kwargs={"server_default": ":stopwatch:"}
    )
    status_replace: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    slack_user_token_encrypted: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True)
    )
    slack_user_refresh_token_encrypted: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True)
    )
    slack_user_token_expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # The status the app set and believes is shown ("" when none): stopping clears the status
    # only while it is still this one, so a status the user set meanwhile is never touched.
    status_text_shown: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    status_emoji_shown: str = Field(
        default="", max_length=100, sa_column_kwargs={"server_default": ""}
    )
    status_shown_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # Why the status sync was turned off by the app ("" when it was not): told once, shown in
    # the settings until the user turns it on again.
    status_problem: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    # When the worker next brings the status in line with the running timer (UTC; NULL: never).
    status_sync_at: datetime | None = Field(default=None, sa_column=_due_column())


class Delivery(SQLModel, table=True):
    """A scheduled message (daily summary, forgotten-timer reminder, team digest) claimed or
    sent. The unique key makes "once per user and local day" a database fact: only one worker
    can insert the row, and a claim whose lease ran out can be taken over.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint(
            "enterprise_id", "team_id", "slack_user_id", "kind", "period", name="uq_deliveries"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(max_length=32)
    slack_user_id: str = Field(default="", max_length=32)  # "" for a workspace's digest
    kind: str = Field(max_length=16)
    period: str = Field(max_length=32)  # the local date, or the timer's event id
    sent: bool = False
    claimed_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )


class TeamSettings(SQLModel, table=True):
    """A workspace's settings: where (and when, in whose zone) the team digest goes."""

    __tablename__ = "team_settings"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id", name="uq_team_settings"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(max_length=32)
    digest_channel: str | None = Field(default=None, max_length=32)
    digest_time: str = Field(default="17:45", max_length=5)
    digest_time_zone: str = Field(default="UTC", max_length=64)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    digest_due_at: datetime | None = Field(default=None, sa_column=_due_column())


class PendingEntry(SQLModel, table=True):
    """A time entry a user submitted, written before it is sent to TrackingTime and kept until
    TrackingTime has it, so nothing a user logs is lost (see :mod:`bot.storage.pending`).

    ``claimed_until`` is the lease of whoever is sending it (the web process, the worker, a Try
    again click): one that dies mid-attempt leaves the row to be claimed again once it runs out.
    ``known_event_ids`` (JSON) lists the user's TrackingTime entries that already looked like
    this one before it was first sent, so a retry never takes one of them for it; NULL means it
    was never sent. ``event_id`` is the TrackingTime entry it became, at most one row per entry
    (the unique index), and ``done_at`` when; done rows stay a while so their entries stay
    taken. ``awaiting_user``: TrackingTime refused it, and it waits for the user's Try again.
    """

    __tablename__ = "pending_entries"
    __table_args__ = (
        Index(
            "uq_pending_entries_event",
            "enterprise_id",
            "team_id",
            "slack_user_id",
            "event_id",
            unique=True,
        ),
        # What the worker claims: entries not done and not waiting for the user, by when they
        # are due; done rows (kept a week) are never read to find it.
        Index("ix_pending_entries_due", "done_at", "awaiting_user", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(max_length=32, index=True)
    slack_user_id: str = Field(max_length=32)
    entry: str = Field(sa_column=Column(Text, nullable=False))  # JSON, see bot.services.entries
    channel_id: str | None = Field(default=None, max_length=32)
    attempts: int = 0
    last_error: str = Field(default="", max_length=255)
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    claimed_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    known_event_ids: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    event_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    done_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    awaiting_user: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class DeletedEntry(SQLModel, table=True):
    """A time entry the user deleted from Slack, kept for a day so that Undo can add it back
    exactly (same task, times and notes, however long the notes: a button value holds 2000
    characters, notes may hold more).
    """

    __tablename__ = "deleted_entries"
    # An Undo button carries the row id: SQLite must never hand a deleted row's id to a new row,
    # or an old button would bring back another entry.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(max_length=32, index=True)
    slack_user_id: str = Field(max_length=32)
    entry: str = Field(sa_column=Column(Text, nullable=False))  # JSON, see bot.services.entry
    deleted_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    # The lease of the Undo click adding it back: a second click meanwhile adds nothing.
    claimed_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class SlackInstallation(SQLModel, table=True):
    """This app's installation in one Slack workspace (or Enterprise Grid org), as Bolt's OAuth
    flow hands it over: the bot token, and the installer's user token if user scopes were asked.

    We keep our own table rather than slack_sdk's SQLAlchemy store because its token columns are
    ``String(200)`` and plain text: Fernet ciphertext of a rotated token does not fit, and tokens
    must be encrypted at rest. ``enterprise_id`` and ``team_id`` are ``""`` rather than NULL (an
    org-wide install has no team) so the unique key holds; ``client_id`` is in the key so two
    Slack apps (say staging and production) sharing a database never serve each other's tokens.
    """

    __tablename__ = "slack_installations"
    __table_args__ = (
        UniqueConstraint("client_id", "enterprise_id", "team_id", name="uq_slack_installations"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64)
    app_id: str | None = Field(default=None, max_length=32)
    enterprise_id: str = Field(default="", max_length=32)
    enterprise_name: str | None = Field(default=None, max_length=255)
    enterprise_url: str | None = Field(default=None, max_length=255)
    team_id: str = Field(default="", max_length=32)
    team_name: str | None = Field(default=None, max_length=255)
    # Tokens are Fernet ciphertext, several times longer than the token: unbounded columns.
    bot_token_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    bot_id: str = Field(max_length=32)
    bot_user_id: str = Field(max_length=32)
    bot_scopes: str = Field(default="", sa_column=Column(Text, nullable=False))  # comma-separated
    bot_refresh_token_encrypted: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True)
    )
    bot_token_expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    is_enterprise_install: bool = False
    user_id: str = Field(default="", max_length=32)  # the installer; "" when only the bot is known
    user_token_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    user_refresh_token_encrypted: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True)
    )
    user_scopes: str = Field(default="", sa_column=Column(Text, nullable=False))
    user_token_expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    token_type: str | None = Field(default=None, max_length=32)
    installed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class SlackOAuthState(SQLModel, table=True):
    """An OAuth ``state`` this server issued for "Add to Slack": single-use, until it expires.
    Kept in the database so the redirect may land on another web process than the install page.
    """

    __tablename__ = "slack_oauth_states"

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class StandupChannel(SQLModel, table=True):
    """A channel where a user asked to be offered drafts of what they post (``/track standup
    #channel``). The unique key, in the order a message event looks it up (workspace, channel,
    author), is also the index that look-up uses."""

    __tablename__ = "standup_channels"
    __table_args__ = (
        UniqueConstraint(
            "enterprise_id", "team_id", "channel_id", "slack_user_id", name="uq_standup_channels"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    slack_user_id: str = Field(max_length=32)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class StandupOffer(SQLModel, table=True):
    """An offer of drafts made for one post: the unique key is the post (workspace, channel,
    message ts, author), so a retried event, or two processes handling one, offer it once. No
    text of the post is kept; rows are purged after a day, long after Slack's last retry."""

    __tablename__ = "standup_offers"
    __table_args__ = (
        UniqueConstraint(
            "enterprise_id",
            "team_id",
            "channel_id",
            "message_ts",
            "slack_user_id",
            name="uq_standup_offers",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    slack_user_id: str = Field(max_length=32)
    offered_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )


class TrackingTimeWebhook(SQLModel, table=True):
    """A webhook registered with TrackingTime (``/webhooks/add``) for one TrackingTime account,
    so that a timer started or stopped there changes opted-in users' Slack status at once.

    TrackingTime's payload and signature are not documented (docs/trackingtime-api.md), so the
    app trusts neither: the unguessable ``path_token`` in the URL says which account a call is
    about, and the call only makes those users' status due for a sync (which asks TrackingTime).
    ``hook_id`` is NULL when TrackingTime refused to register one (``refused_at``): that account
    is left to the poll until the refusal is old enough to try again.
    """

    __tablename__ = "trackingtime_webhooks"

    id: int | None = Field(default=None, primary_key=True)
    tt_account_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    path_token: str = Field(max_length=64, unique=True, index=True)
    hook_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    secret_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    refused_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
