"""Linked accounts: each Slack user's TrackingTime credentials, keyed by (enterprise, team, user).

Callers get a :class:`Link` with the App Password decrypted; the database only ever sees the
ciphertext. Every query names all three parts of the key, so a user id that exists in two
workspaces can never reach the other workspace's row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Literal, get_args

from sqlalchemy import Row, bindparam, delete, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import Keyring, UnreadableSecret
from bot.schedule import next_occurrence
from bot.storage.batched import BatchedReads
from bot.storage.models import LinkedAccount
from bot.trackingtime.timefmt import zone_or_utc

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class SlackUserKey:
    """Who a Slack request comes from. ``enterprise_id`` is ``None`` outside Enterprise Grid."""

    enterprise_id: str | None
    team_id: str
    user_id: str

    def _where(self) -> tuple:  # type: ignore[type-arg]
        return (
            col(LinkedAccount.enterprise_id) == (self.enterprise_id or ""),
            col(LinkedAccount.team_id) == self.team_id,
            col(LinkedAccount.slack_user_id) == self.user_id,
        )

    @property
    def _row_key(self) -> tuple[str, str, str]:
        """The key as the table stores it (no enterprise is ``""``)."""
        return (self.enterprise_id or "", self.team_id, self.user_id)


# Built once (building a select costs more CPU than SQLite takes to run it): the rows of a batch
# of keys, which every request's first read joins (bot/storage/batched.py). Plain rows, not ORM
# objects: they are only read, and loading objects would cost a third more.
_LINKED = LinkedAccount.__table__  # type: ignore[attr-defined]
_LINKS_OF_KEYS = select(_LINKED).where(
    tuple_(_LINKED.c.enterprise_id, _LINKED.c.team_id, _LINKED.c.slack_user_id).in_(
        bindparam("keys", expanding=True)
    )
)


@dataclass(frozen=True)
class UserSettings:
    """What a user chose about the messages the app sends them on its own, and their working
    hours (where the gap finder looks for untracked time; a zero ``gap_threshold`` means it
    does not look)."""

    summary_enabled: bool = True
    summary_time: time = time(17, 30)
    summary_days: frozenset[int] = frozenset(range(5))  # Monday is 0
    timer_limit: timedelta = timedelta(hours=9)
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)
    work_days: frozenset[int] = frozenset(range(5))
    gap_threshold: timedelta = timedelta(minutes=15)

    def summary_at(self, time_zone: str, now: datetime) -> datetime | None:
        """When the next summary is due, from the user's local today on (today's, when it is a
        summary day, even if its time has passed: whether it was sent is the worker's to check);
        ``None`` when summaries are off."""
        if not self.summary_enabled:
            return None
        zone = zone_or_utc(time_zone)
        return next_occurrence(
            self.summary_days, self.summary_time, zone, now.astimezone(zone).date()
        )

    @classmethod
    def from_row(cls, row: LinkedAccount | Row) -> UserSettings:
        start, end = _time(row.work_start, cls.work_start), _time(row.work_end, cls.work_end)
        if end <= start:  # only the modal writes them, and it checks; never trust a bad row
            start, end = cls.work_start, cls.work_end
        return cls(
            row.summary_enabled,
            _time(row.summary_time, cls.summary_time),
            _days(row.summary_days),
            timedelta(minutes=row.timer_limit_minutes),
            start,
            end,
            _days(row.work_days),
            timedelta(minutes=max(row.gap_minutes, 0)),
        )


StatusShow = Literal["task", "project", "tracking"]
STATUS_SHOWS: tuple[StatusShow, ...] = get_args(StatusShow)
DEFAULT_STATUS_EMOJI = ":stopwatch:"


@dataclass(frozen=True)
class StatusChoice:
    """What the user chose for their Slack status line (bot.services.status): on or off, what
    it shows (task and project, project only, or just "Tracking time"), the emoji, and whether
    it may replace a status they set themselves."""

    enabled: bool = False
    show: StatusShow = "task"
    emoji: str = DEFAULT_STATUS_EMOJI
    replace: bool = False

    @classmethod
    def from_row(cls, row: LinkedAccount | Row) -> StatusChoice:
        show = row.status_show if row.status_show in STATUS_SHOWS else "task"
        return cls(
            bool(row.status_enabled),
            show,
            row.status_emoji or DEFAULT_STATUS_EMOJI,
            bool(row.status_replace),
        )


def _time(text: str, default: time) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        return default


def _days(text: str) -> frozenset[int]:
    return frozenset(int(d) for d in text if d.isdigit() and int(d) < 7)


def _days_text(days: frozenset[int]) -> str:
    return "".join(str(day) for day in sorted(days))


@dataclass(frozen=True)
class Link:
    """A Slack user's TrackingTime account, with the App Password in the clear (never printed)."""

    key: SlackUserKey
    tt_user_id: int
    account_id: int
    workspace_name: str
    app_password: str = field(repr=False)
    time_zone: str = "UTC"
    tt_user_name: str = ""
    settings: UserSettings = UserSettings()
    reconnect_notified: bool = False
    # The Slack status line (bot.services.status): the user's choice, whether they granted the
    # Slack user token it needs, and why the app turned it off ("" when it did not).
    status: StatusChoice = StatusChoice()
    status_granted: bool = False
    status_problem: str = ""

    @property
    def status_on(self) -> bool:
        """Whether the app keeps the user's Slack status in line with their timer."""
        return self.status.enabled and self.status_granted


class AccountStore:
    """Reads and writes :class:`Link` rows, encrypting the App Password on the way in."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._keyring = keyring
        self._clock = clock
        self._engine: AsyncEngine = sessions.kw["bind"]
        self._reads = BatchedReads(self._rows)

    async def get(self, key: SlackUserKey) -> Link | None:
        """The user's link, or ``None``. Raises :class:`bot.crypto.UnreadableSecret` when the
        password was written with a key that has since been removed. Reads asked for at the
        same time share one query."""
        row = await self._reads.get(key._row_key)
        return None if row is None else self.link_of(row)

    async def _rows(self, keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], Row]:
        async with self._engine.connect() as connection:
            rows = (await connection.execute(_LINKS_OF_KEYS, {"keys": keys})).all()
        return {(row.enterprise_id, row.team_id, row.slack_user_id): row for row in rows}

    def link_of(self, row: LinkedAccount | Row) -> Link:
        """The row's link, its App Password decrypted (:class:`UnreadableSecret` when no key
        can); the one place a stored password is opened."""
        return Link(
            key=SlackUserKey(row.enterprise_id or None, row.team_id, row.slack_user_id),
            tt_user_id=row.tt_user_id,
            account_id=row.tt_account_id,
            workspace_name=row.tt_workspace_name,
            app_password=self._keyring.decrypt(row.app_password_encrypted),
            time_zone=row.time_zone,
            tt_user_name=row.tt_user_name,
            settings=UserSettings.from_row(row),
            reconnect_notified=row.reconnect_notified,
            status=StatusChoice.from_row(row),
            status_granted=bool(row.slack_user_token_encrypted),
            status_problem=row.status_problem,
        )

    async def team_links(self, enterprise_id: str | None, team_id: str) -> list[Link]:
        """Every link of one workspace, for its team digest (each member is read with their own
        App Password). A row whose password no key can read is skipped: its user is asked to
        reconnect when they next act."""
        query = select(LinkedAccount).where(
            col(LinkedAccount.enterprise_id) == (enterprise_id or ""),
            col(LinkedAccount.team_id) == team_id,
        )
        async with self._sessions() as session:
            rows = (await session.exec(query.order_by(col(LinkedAccount.id)))).all()
        links = []
        for row in rows:
            try:
                links.append(self.link_of(row))
            except UnreadableSecret:
                continue
        return links

    async def save_settings(self, key: SlackUserKey, settings: UserSettings) -> bool:
        async with self._sessions() as session:
            row = (await session.exec(select(LinkedAccount).where(*key._where()))).first()
            if row is None:
                return False
            row.summary_enabled = settings.summary_enabled
            row.summary_time = settings.summary_time.strftime("%H:%M")
            row.summary_days = _days_text(settings.summary_days)
            row.timer_limit_minutes = int(settings.timer_limit.total_seconds() // 60)
            row.work_start = settings.work_start.strftime("%H:%M")
            row.work_end = settings.work_end.strftime("%H:%M")
            row.work_days = _days_text(settings.work_days)
            row.gap_minutes = int(settings.gap_threshold.total_seconds() // 60)
            row.summary_due_at = settings.summary_at(row.time_zone, self._clock())
            # A known timer's reminder follows a changed limit (a limit of zero: no reminder).
            if row.timer_started_at is not None:
                started = row.timer_started_at.replace(tzinfo=row.timer_started_at.tzinfo or UTC)
                limit = settings.timer_limit
                row.timer_remind_at = started + limit if limit else None
            row.updated_at = datetime.now(UTC)
            session.add(row)
            await session.commit()
            return True

    async def save(self, link: Link) -> None:
        """Create or replace the user's link."""
        for attempt in range(2):
            async with self._sessions() as session:
                row = (await session.exec(select(LinkedAccount).where(*link.key._where()))).first()
                if row is None:
                    row = LinkedAccount(
                        enterprise_id=link.key.enterprise_id or "",
                        team_id=link.key.team_id,
                        slack_user_id=link.key.user_id,
                        tt_user_id=link.tt_user_id,
                        tt_account_id=link.account_id,
                        tt_workspace_name=link.workspace_name,
                        app_password_encrypted="",
                    )
                row.tt_user_id = link.tt_user_id
                row.tt_account_id = link.account_id
                row.tt_workspace_name = link.workspace_name
                row.tt_user_name = link.tt_user_name
                row.app_password_encrypted = self._keyring.encrypt(link.app_password)
                row.time_zone = link.time_zone
                row.summary_due_at = UserSettings.from_row(row).summary_at(
                    row.time_zone, self._clock()
                )
                row.reconnect_notified = False  # a fresh password: tell again if it fails
                row.updated_at = datetime.now(UTC)
                session.add(row)
                try:
                    await session.commit()
                    return
                except IntegrityError:
                    # Two requests linked the same user at once; the second updates the first's row.
                    await session.rollback()
                    if attempt:
                        raise

    async def set_workspace(self, key: SlackUserKey, account_id: int, workspace_name: str) -> bool:
        """Point an existing link at another TrackingTime workspace of the same login."""
        async with self._sessions() as session:
            row = (await session.exec(select(LinkedAccount).where(*key._where()))).first()
            if row is None:
                return False
            row.tt_account_id = account_id
            row.tt_workspace_name = workspace_name
            row.updated_at = datetime.now(UTC)
            session.add(row)
            await session.commit()
            return True

    async def set_time_zone(self, key: SlackUserKey, time_zone: str) -> None:
        """Follow the user's Slack time zone (they travelled, or changed it)."""
        async with self._sessions() as session:
            row = (await session.exec(select(LinkedAccount).where(*key._where()))).first()
            if row is not None and row.time_zone != time_zone:
                row.time_zone = time_zone
                row.summary_due_at = UserSettings.from_row(row).summary_at(time_zone, self._clock())
                row.updated_at = datetime.now(UTC)
                session.add(row)
                await session.commit()

    async def delete(self, key: SlackUserKey) -> bool:
        """Forget the user's link; ``True`` when there was one."""
        async with self._sessions() as session:
            result = await session.exec(delete(LinkedAccount).where(*key._where()))  # type: ignore[call-overload]
            await session.commit()
            return bool(result.rowcount)

    async def delete_workspace(self, enterprise_id: str | None, team_id: str) -> int:
        """Forget every link of one Slack workspace (when the app is uninstalled)."""
        async with self._sessions() as session:
            result = await session.exec(
                delete(LinkedAccount).where(  # type: ignore[call-overload]
                    col(LinkedAccount.enterprise_id) == (enterprise_id or ""),
                    col(LinkedAccount.team_id) == team_id,
                )
            )
            await session.commit()
            return int(result.rowcount or 0)

    async def reencrypt_all(self) -> int:
        """Re-encrypt every stored password under the newest key; returns how many rows."""
        async with self._sessions() as session:
            rows = (await session.exec(select(LinkedAccount))).all()
            for row in rows:
                row.app_password_encrypted = self._keyring.rotate(row.app_password_encrypted)
                # The Slack user token and its refresh token, when the user granted one.
                for column in ("slack_user_token_encrypted", "slack_user_refresh_token_encrypted"):
                    if secret := getattr(row, column):
                        setattr(row, column, self._keyring.rotate(secret))
                session.add(row)
            await session.commit()
            return len(rows)
