"""TrackingTime webhooks: a timer started or stopped in TrackingTime itself shows in the Slack
status at once, not at the worker's next poll (issue 14).

When a user turns their status line on, the app asks TrackingTime, with that user's App
Password, to post the account's entry changes to ``{PUBLIC_URL}/trackingtime/hooks/{token}``,
one webhook per TrackingTime account. Nothing in a post is trusted (TrackingTime documents
neither its payload nor a signature, docs/trackingtime-api.md): the unguessable token says which
account it is about, and the post only makes the status of that account's opted-in users due
for a sync, which then asks TrackingTime what runs. A refusal is recorded and not asked again
for a day; without ``PUBLIC_URL``, or refused, the worker's poll covers the account.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from weakref import WeakValueDictionary

from bot.services.clock import Clock, system_clock
from bot.storage import Link
from bot.storage.status import StatusStore
from bot.storage.webhooks import WebhookStore
from bot.trackingtime import (
    Forbidden,
    NotFound,
    RequestRejected,
    TrackingTime,
    TrackingTimeError,
    TrackingTimeSession,
)

log = logging.getLogger(__name__)

HOOKS_PATH = "/trackingtime/hooks"
MAX_BODY_BYTES = 64 * 1024  # a post about one entry is a few hundred bytes
RETRY_REFUSED_AFTER = timedelta(hours=24)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # what WebhookStore makes: anything else is unknown
_MAX_USER_ID = 2**31 - 1  # the most linked_accounts.tt_user_id holds: a larger one is nobody
# What TrackingTime answers when this user, plan or URL may not have a webhook.
_REFUSALS = (Forbidden, NotFound, RequestRejected)


class Hooked(Enum):
    """What :meth:`WebhookService.ensure` did."""

    REGISTERED = "registered"  # TrackingTime registered the account's webhook just now
    KNOWN = "known"  # the account has one already
    REFUSED = "refused"  # TrackingTime refused just now: recorded, the poll covers the account
    WAITING = "waiting"  # refused within RETRY_REFUSED_AFTER: not asked again yet
    NO_PUBLIC_URL = "no public url"  # TrackingTime could not reach this app: poll only
    FAILED = "failed"  # no answer, or an error: nothing recorded, asked again next time


def changed_user(body: bytes) -> int | None:
    """The TrackingTime user a webhook post says the change is about: an integer ``user_id``
    in ``data`` or at the top, else ``None`` (anything malformed is no answer, never an
    error)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError and too many digits included
        return None
    if not isinstance(payload, dict):
        return None
    data = payload.get("data")
    for holder in (data if isinstance(data, dict) else {}, payload):
        user_id: Any = holder.get("user_id")
        if (
            isinstance(user_id, int)
            and not isinstance(user_id, bool)
            and 0 < user_id <= _MAX_USER_ID
        ):
            return user_id
    return None


class WebhookService:
    def __init__(
        self,
        store: WebhookStore,
        status: StatusStore,
        trackingtime: TrackingTime,
        public_url: str,
        clock: Clock = system_clock,
    ) -> None:
        self._store = store
        self._status = status
        self._trackingtime = trackingtime
        self._public_url = public_url.rstrip("/")
        self._clock = clock
        # One registration at a time per account in this process (several processes at once
        # are put right by WebhookStore.mark_registered).
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    @property
    def store(self) -> WebhookStore:
        return self._store

    def url_of(self, path_token: str) -> str:
        """Where TrackingTime posts an account's changes (holds a secret: never logged)."""
        return f"{self._public_url}{HOOKS_PATH}/{path_token}"

    async def ensure(self, link: Link) -> Hooked:
        """Make sure TrackingTime posts the changes of ``link``'s account to this app, asking
        with that user's App Password if the account has no webhook yet. Never raises: the
        status line works without it (the poll)."""
        if not self._public_url:
            return Hooked.NO_PUBLIC_URL
        lock = self._locks.get(link.account_id)
        if lock is None:
            lock = self._locks[link.account_id] = asyncio.Lock()
        try:
            async with lock:
                hooked = await self._ensure(link)
        except Exception:
            log.exception("could not set up the TrackingTime webhook of %s", link.account_id)
            return Hooked.FAILED
        if hooked is not Hooked.KNOWN:
            log.info("TrackingTime webhook of account %s: %s", link.account_id, hooked.value)
        return hooked

    async def _ensure(self, link: Link) -> Hooked:
        hook = await self._store.ensure_token(link.account_id)
        if hook.hook_id is not None:
            return Hooked.KNOWN
        now = self._clock()
        if hook.refused_at is not None and now - hook.refused_at < RETRY_REFUSED_AFTER:
            return Hooked.WAITING
        session = self._session(link)
        try:
            hook_id, secret = await session.add_webhook(self.url_of(hook.path_token))
        except _REFUSALS as refused:
            log.warning("TrackingTime refused a webhook: %s", refused.detail)
            await self._store.mark_refused(link.account_id, now)
            return Hooked.REFUSED
        except TrackingTimeError as error:
            log.warning("TrackingTime did not register a webhook: %s", error.detail)
            return Hooked.FAILED
        if await self._store.mark_registered(link.account_id, hook_id, secret):
            return Hooked.REGISTERED
        # Another process registered the account's webhook meanwhile: this one is one too many.
        await self._delete(session, hook_id)
        return Hooked.KNOWN

    async def remove(self, link: Link) -> bool:
        """Remove the account's webhook from TrackingTime (with ``link``'s App Password) and
        forget it, when nobody in the account wants their status any more. ``False`` when
        TrackingTime could not be asked: the webhook is then kept, still working. Never
        raises."""
        try:
            hook = await self._store.get(link.account_id)
            if hook is None:
                return True
            if hook.hook_id is not None and not await self._delete(
                self._session(link), hook.hook_id
            ):
                return False
            await self._store.forget(link.account_id)
            return True
        except Exception:
            log.exception("could not remove the TrackingTime webhook of %s", link.account_id)
            return False

    async def handle(self, path_token: str, body: bytes, now: datetime) -> bool:
        """A post to the webhook URL with ``path_token``: ``True`` when the token is an
        account's, whose opted-in users' status is then due at ``now`` (only the one user the
        body names, when it names one). The body is never trusted beyond that."""
        if not _TOKEN.fullmatch(path_token):
            return False
        account_id = await self._store.account_of(path_token)
        if account_id is None:
            return False
        await self._status.sync_soon(account_id, changed_user(body[:MAX_BODY_BYTES]), now)
        return True

    def _session(self, link: Link) -> TrackingTimeSession:
        return self._trackingtime.session(link.app_password, link.account_id, link.time_zone)

    @staticmethod
    async def _delete(session: TrackingTimeSession, hook_id: int) -> bool:
        """Delete webhook ``hook_id``; ``True`` when it is gone (or was already)."""
        try:
            await session.delete_webhook(hook_id)
        except NotFound:
            return True
        except TrackingTimeError as error:
            log.warning("could not delete TrackingTime webhook %s: %s", hook_id, error.detail)
            return False
        return True
