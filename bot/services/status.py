"""The Slack status line: what the user is tracking, in their Slack status, when they ask for it.

Rules (issue 14):

- Off by default; a user turns it on and grants a user token of their own.
- A running timer shows as the status the user chose (task and project, project only, or just
  "Tracking time") with their emoji, expiring :data:`HOLD` ahead. While the timer runs the
  worker moves the expiry forward, so a status is never left behind by a crashed app: at worst
  it lapses by itself.
- A status the user set themselves is never overwritten (unless they chose to replace it) nor
  cleared: the app clears only the status it set, and only while it is still the one shown.
- A dead token, a refusal or a 429 from Slack stops the sync for that user; the caller tells
  them once why and how to turn it on again. Timers start and stop whatever Slack answers: the
  web process changes the status in a task of its own, after the timer's reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from urllib.parse import urlencode
from weakref import WeakValueDictionary

from bot.schedule import spread, timer_check_at
from bot.services.clock import Clock, system_clock
from bot.slack_profiles import ProfileRefused, ProfileUnreachable, SlackProfiles
from bot.storage import Link, SlackUserKey
from bot.storage.accounts import StatusChoice
from bot.storage.status import Problem, StatusState, StatusStore, UserToken
from bot.trackingtime import RunningTimer
from bot.trackingtime.timefmt import zone_or_utc

log = logging.getLogger(__name__)

STATUS_TEXT_LIMIT = 100  # Slack's limit on status_text
TRACKING = "Tracking time"
HOLD = timedelta(hours=3)  # how far ahead a status set for a running timer expires
RENEW_WITHIN = timedelta(hours=2)  # re-set it (moving the expiry) once less than this is left
RETRY_AFTER = timedelta(minutes=5)  # Slack did not answer: look again this much later

Tell = Callable[[SlackUserKey, Problem], Awaitable[None]]
WatchAccount = Callable[[SlackUserKey], Awaitable[None]]
UnwatchAccount = Callable[[Link], Awaitable[object]]


class Applied(Enum):
    SHOWN = "shown"  # the app set (or renewed) the status
    CLEARED = "cleared"  # the app cleared the status it had set
    UNCHANGED = "unchanged"  # it already was as it should be
    LEFT_ALONE = "left alone"  # the user's own status, which the app does not touch
    OFF = "off"  # the user has no status line (off, or no token)
    TURNED_OFF = "turned off"  # Slack refused: the sync stopped for this user
    UNREACHABLE = "unreachable"  # Slack did not answer; tried again later


def status_line(choice: StatusChoice, timer: RunningTimer) -> str:
    """The status text for a running timer, within Slack's 100 characters. Notes never show."""
    project = (timer.task.project or "").strip()
    task = timer.task.name.strip()
    if choice.show == "tracking":
        text = TRACKING
    elif choice.show == "project":
        text = project or TRACKING
    else:
        text = f"{task} · {project}" if task and project else task or project or TRACKING
    text = " ".join(text.split())
    if len(text) > STATUS_TEXT_LIMIT:
        text = text[: STATUS_TEXT_LIMIT - 1].rstrip() + "…"
    return text


def next_sync(link: Link, running: bool, every: timedelta, now: datetime) -> datetime | None:
    """When the worker next brings the status in line: an interval on while a timer runs (to
    see it stopped elsewhere and to move the expiry); otherwise an interval on within working
    hours, on the user's working days (a timer started in TrackingTime overnight shows the next
    morning, or at once when its webhook arrives). ``every`` zero: only what the app itself
    starts and stops, and the webhooks."""
    if not every:
        return None
    if running:
        return now + every
    key = link.key
    offset = spread(key.enterprise_id or "", key.team_id, key.user_id)
    zone = zone_or_utc(link.time_zone)
    return timer_check_at(now + every, zone, link.settings.work_days, every, offset)


def status_grant_url(public_url: str, team_id: str | None) -> str:
    """Where the status line's "Allow in Slack" button sends a user: Bolt's install route,
    asking Slack for their user token alone (bot.status_grant), their workspace preselected."""
    query = {"grant": STATUS_GRANT, **({"team": team_id} if team_id else {})}
    return f"{public_url}/slack/install?{urlencode(query)}"


STATUS_GRANT = "status"  # /slack/install?grant=status


@dataclass(frozen=True)
class StatusOffer:
    """The status line as a user's settings and Home show it."""

    choice: StatusChoice
    granted: bool  # the user granted the Slack user token
    problem: str  # why the app turned it off ("" when it did not)
    grant_url: str  # where "Allow in Slack" goes ("" when this deployment cannot offer it)
    missing: str  # what the operator must set for it ("" when nothing)

    @property
    def waiting(self) -> bool:
        """On, but the user has not allowed it in Slack yet."""
        return self.choice.enabled and not self.granted


@dataclass(frozen=True)
class Availability:
    """Whether this deployment can offer the status line, and if not, what the operator must
    set (shown to users who try to turn it on)."""

    missing: str = ""
    public_url: str = ""

    @property
    def available(self) -> bool:
        return not self.missing


class StatusService:
    def __init__(
        self,
        store: StatusStore,
        profiles: SlackProfiles,
        every: timedelta,
        availability: Availability,
        clock: Clock = system_clock,
    ) -> None:
        self._store = store
        self._profiles = profiles
        self.every = every
        self.availability = availability
        self._clock = clock
        self._tell: Tell | None = None
        self._watch_account: WatchAccount | None = None
        self._unwatch_account: UnwatchAccount | None = None
        self._running: set[asyncio.Task[None]] = set()
        # One change at a time per user, in the order the timers changed.
        self._locks: WeakValueDictionary[SlackUserKey, asyncio.Lock] = WeakValueDictionary()

    @property
    def store(self) -> StatusStore:
        return self._store

    def offer(self, link: Link) -> StatusOffer:
        availability = self.availability
        url = ""
        if availability.available:
            url = status_grant_url(availability.public_url, link.key.team_id)
        return StatusOffer(
            link.status, link.status_granted, link.status_problem, url, availability.missing
        )

    async def choose(self, link: Link, choice: StatusChoice) -> StatusOffer:
        """Save the user's choice. With a token, the worker brings the status in line at its
        next round (seconds): shows the timer, or clears what the app set when turned off."""
        await self._store.choose(link.key, choice, sync=link.status_granted)
        if choice.enabled and link.status_granted:
            await self._watch(link.key)
        elif not choice.enabled and link.status.enabled:
            await self._unwatch(link)
        problem = "" if choice.enabled else link.status_problem
        return replace(self.offer(link), choice=choice, problem=problem)

    async def grant(self, key: SlackUserKey, token: UserToken) -> bool:
        """The user granted their token: keep it and turn the status line on (due at once);
        ``False`` when they have no linked account, and then nothing is kept."""
        if not await self._store.grant(key, token):
            return False
        await self._watch(key)
        return True

    def watch_accounts_with(self, watch: WatchAccount, unwatch: UnwatchAccount) -> None:
        """What to do when a user's status line comes on: register TrackingTime's webhook for
        their account (bot.services.webhooks), so that what happens there shows at once; and
        when it goes off (or the user disconnects): remove it if nobody else there wants it."""
        self._watch_account = watch
        self._unwatch_account = unwatch

    async def _watch(self, key: SlackUserKey) -> None:
        if self._watch_account is None:
            return
        try:
            await self._watch_account(key)
        except Exception:  # the poll covers the account all the same
            log.exception("could not register TrackingTime's webhook for %s", key.user_id)

    async def _unwatch(self, link: Link) -> None:
        if self._unwatch_account is None:
            return
        try:
            if not await self._store.others_on(link.account_id, link.key):
                await self._unwatch_account(link)
        except Exception:  # a webhook left behind only makes no one due
            log.exception("could not remove TrackingTime's webhook for %s", link.key.user_id)

    async def release(self, link: Link) -> None:
        """Before the user's data is deleted (``/track disconnect``): clear the status the app
        set, if it is still shown (best effort: failing that, it lapses by its expiry), and
        give up the account's webhook if nobody else there wants it."""
        if link.status.enabled:
            await self._unwatch(link)
        key = link.key
        state = await self._store.get(key)
        if state is None or state.token is None or not state.text_shown:
            return
        try:
            token = await self._profiles.refresh(state.token, self._clock())
            current = await self._profiles.get(token.token)
            if current.same(state.text_shown, state.emoji_shown):
                await self._profiles.set(token.token, "", "", None)
        except (ProfileRefused, ProfileUnreachable) as e:
            log.warning("could not clear the status of %s on disconnect (%s)", key.user_id, e)

    def tell_with(self, tell: Tell) -> None:
        """How a user is told the sync stopped (the web process and the worker each send it
        with their own Slack client)."""
        self._tell = tell

    async def apply(self, state: StatusState, timer: RunningTimer | None) -> Applied:
        """Make the user's Slack status match ``timer`` (``None``: no timer running)."""
        if state.token is None:
            return Applied.OFF
        if not state.choice.enabled:  # turned off: only take back what the app set
            if not state.text_shown:
                return Applied.OFF
            timer = None
        now = self._clock()
        key = state.key
        try:
            token = await self._profiles.refresh(state.token, now)
            if token != state.token:
                await self._store.refreshed(key, token)
            return await self._apply(state, token.token, timer, now)
        except ProfileRefused as refused:
            log.warning("Slack refused the status of %s (%s): sync off", key.user_id, refused.error)
            await self._store.turn_off(
                key, refused.problem, forget_token=refused.problem == "revoked"
            )
            if self._tell is not None:
                await self._tell(key, refused.problem)
            return Applied.TURNED_OFF
        except ProfileUnreachable as e:
            log.warning("Slack did not answer about the status of %s (%s)", key.user_id, e)
            return Applied.UNREACHABLE

    async def _apply(
        self, state: StatusState, token: str, timer: RunningTimer | None, now: datetime
    ) -> Applied:
        """Slack is asked for the status shown only when the app may change it: with nothing of
        its own shown and no timer, or its own still fresh, there is nothing to do."""
        choice = state.choice
        text = status_line(choice, timer) if timer is not None else ""
        if not text and not state.text_shown:
            return Applied.UNCHANGED
        fresh = state.shown_until is not None and state.shown_until - now > RENEW_WITHIN
        if text and (text, choice.emoji) == (state.text_shown, state.emoji_shown) and fresh:
            return Applied.UNCHANGED
        current = await self._profiles.get(token)
        ours = bool(state.text_shown) and current.same(state.text_shown, state.emoji_shown)
        if not text:
            if ours:
                await self._profiles.set(token, "", "", None)
                await self._store.shown(state.key, "", "", None)
                return Applied.CLEARED
            # The user replaced it meanwhile: it is theirs now.
            await self._store.shown(state.key, "", "", None)
            return Applied.LEFT_ALONE
        if not current.empty and not ours and not choice.replace:
            if state.text_shown:
                await self._store.shown(state.key, "", "", None)
            return Applied.LEFT_ALONE
        until = now + HOLD
        await self._profiles.set(token, text, choice.emoji, until)
        await self._store.shown(state.key, text, choice.emoji, until)
        return Applied.SHOWN

    def follow(self, link: Link, timer: RunningTimer | None) -> None:
        """The app just started (``timer``) or stopped (``None``) the user's timer: change the
        status in a task of its own, so the timer's reply never waits on Slack."""
        if not link.status_on:
            return
        task = asyncio.get_running_loop().create_task(self._follow(link, timer))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _follow(self, link: Link, timer: RunningTimer | None) -> None:
        lock = self._locks.get(link.key)
        if lock is None:
            lock = self._locks[link.key] = asyncio.Lock()
        async with lock:
            try:
                state = await self._store.get(link.key)
                if state is None:
                    return
                applied = await self.apply(state, timer)
                if applied is Applied.TURNED_OFF:
                    return
                now = self._clock()
                later = (
                    now + RETRY_AFTER
                    if applied is Applied.UNREACHABLE
                    else next_sync(link, timer is not None, self.every, now)
                )
                await self._store.sync_at(link.key, later)
            except Exception:  # the worker's next sync puts it right
                log.exception("could not change the Slack status of %s", link.key.user_id)

    async def drain(self, seconds: float) -> None:
        """Let status changes in flight finish (on shutdown), for at most ``seconds``."""
        if self._running:
            await asyncio.wait(set(self._running), timeout=seconds)
