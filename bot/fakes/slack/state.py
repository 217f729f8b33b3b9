"""What the fake Slack knows (teams, users, tokens, views, messages, recordings, knobs) and the
bookkeeping every Web API area shares.

:class:`SlackState` is the base of each area's mixin (:mod:`~bot.fakes.slack.oauth`,
:mod:`~bot.fakes.slack.chat`, :mod:`~bot.fakes.slack.views`, :mod:`~bot.fakes.slack.users`,
:mod:`~bot.fakes.slack.routes`, :mod:`~bot.fakes.slack.recording`); :class:`FakeSlack` combines
them. Methods whose docstring or section says "lock held" expect the caller to hold ``_lock``.

Threads: the server runs on its own thread and event loop (see :mod:`bot.fakes.server`) while the
test reads and mutates the fake from another. All state lives behind one ``threading.Lock``; the
``threading.Condition`` on it wakes :meth:`FakeSlack.wait_for_calls` and friends. Request handlers
never await while holding the lock. The public containers (``calls``, ``responses``, ``views``,
``home_views``, ``messages``) are the live objects: read them once the traffic you wait for has
arrived (the ``wait_for_*`` helpers return snapshots taken under the lock).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from bot.fakes.slack.models import (
    BOT_SCOPES,
    Access,
    AppHandler,
    Forced,
    Grant,
    Handler,
    Hook,
    PersonMethod,
    ResponsePost,
    SlackCall,
    Team,
    Trigger,
    User,
)


class SlackState:
    """The fake's state and shared helpers; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._seq = 0
        self._last_ts = 0.0
        #: Web API methods by name, filled by :class:`FakeSlack` from each area's tables: those
        #: only the bot token may call, and those a person's user token may call too.
        self._methods: dict[str, Handler] = {}
        self._people_methods: dict[str, PersonMethod] = {}
        #: Methods the app calls with its client credentials instead of a token.
        self._app_methods: dict[str, AppHandler] = {}
        self.url: str | None = None
        self._reset_state()

    def reset(self) -> None:
        """Forget everything (teams, users, views, messages, recordings, knobs) but keep serving.

        Lets one server outlive many tests: reset, then register the teams a test needs. Ids keep
        counting up, so a view id from before the reset is unknown afterwards, not reused.
        """
        with self._changed:
            self._reset_state()
            self._changed.notify_all()

    def _reset_state(self) -> None:
        self._teams: dict[str, Team] = {}
        #: Live access tokens (bot and user) -> whom they belong to.
        self._tokens: dict[str, Access] = {}
        self._users: dict[tuple[str, str], User] = {}
        self._dms: dict[tuple[str, str], str] = {}  # (team, user) -> D… id
        self._mpims: dict[tuple[str, tuple[str, ...]], str] = {}
        self._dm_ids: set[str] = set()
        self._triggers: dict[str, Trigger] = {}
        self._hooks: dict[str, Hook] = {}  # path -> hook
        self._home_owner: dict[str, tuple[str, str]] = {}  # view id -> (team, user)
        self._forced: dict[str, deque[Forced]] = {}
        self._rate_windows: dict[tuple[str, str], deque[float]] = {}
        self._app_credentials: tuple[str, str] | None = None
        self._grants: dict[str, Grant] = {}  # code -> grant
        self._refresh_tokens: dict[str, Access] = {}  # live refresh token -> whose
        #: Ended access tokens -> whose, and the error they answer now.
        self._ended_tokens: dict[str, tuple[Access, str]] = {}
        self._token_deadlines: dict[str, float] = {}  # rotating access token -> monotonic expiry

        self.calls: list[SlackCall] = []
        self.responses: list[ResponsePost] = []
        #: Current views (modals and Home tabs) by view id, as Slack would return them.
        self.views: dict[str, dict[str, Any]] = {}
        #: Last published Home tab per ``(team_id, user_id)``.
        self.home_views: dict[tuple[str, str], dict[str, Any]] = {}
        #: Posted (non-ephemeral) messages by ``(channel_id, ts)``, including ``"channel"``.
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        #: Seconds a ``trigger_id`` stays exchangeable (Slack: about 3 s).
        self.trigger_ttl: float = 3.0
        #: Calls allowed per method per team within :attr:`rate_limit_window` seconds.
        self.rate_limit_per_minute: dict[str, int] = {}
        self.rate_limit_window: float = 60.0
        #: Seconds every answer is delayed by (``asyncio.sleep`` on the server's loop).
        self.latency: float = 0.0
        #: Seconds an OAuth ``code`` stays exchangeable (Slack: 10 minutes).
        self.code_ttl: float = 600.0
        #: ``expires_in`` of rotating tokens, enforced too (Slack: 12 h).
        self.token_ttl: int = 43200

    # ------------------------------------------------------------------ helpers (lock held)

    def _register_team(
        self,
        team_id: str,
        bot_token: str | None,
        name: str,
        enterprise_id: str | None,
        bot_user_id: str,
    ) -> Team:
        """Create the team and its bot user; ``bot_token=None`` leaves the token to the caller."""
        n = len(self._teams) + 1
        team = Team(
            team_id=team_id,
            name=name,
            enterprise_id=enterprise_id,
            bot_user_id=bot_user_id,
            bot_id=f"B{n:08d}",
            app_id=f"A{n:08d}",
        )
        self._teams[team_id] = team
        if bot_token is not None:
            self._tokens[bot_token] = Access(team_id, None, BOT_SCOPES)
        self._users[(team_id, bot_user_id)] = User(
            team_id,
            bot_user_id,
            "TrackingTime",
            "America/Los_Angeles",
            False,
            False,
            None,
            True,
        )
        return team

    def _new_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def _new_ts(self) -> str:
        # Unique and increasing, like Slack's message timestamps within a channel.
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _new_hash(self) -> str:
        return f"{int(time.time())}.{secrets.token_hex(4)}"

    def _live_access(self, token: str) -> Access | None:
        """Whom the live access ``token`` belongs to (``None``: unknown or ended); a rotating
        token past its deadline expires here, as Slack's do on their own."""
        deadline = self._token_deadlines.get(token)
        if deadline is not None and time.monotonic() >= deadline:
            self._expire(token)
        return self._tokens.get(token)

    def _live_token(self, team_id: str, user_id: str | None) -> str | None:
        """The live access token of the team's bot (``user_id`` ``None``) or of one person."""
        token = next(
            (t for t, a in self._tokens.items() if (a.team_id, a.user_id) == (team_id, user_id)),
            None,
        )
        return token if token is not None and self._live_access(token) is not None else None

    def _expire(self, token: str) -> None:
        """The live access ``token`` answers ``token_expired`` from now on."""
        self._token_deadlines.pop(token, None)
        self._ended_tokens[token] = (self._tokens.pop(token), "token_expired")

    def _end_tokens(self, belongs: Callable[[Access], bool], error: str | None) -> None:
        """End every access and refresh token that ``belongs``: its access tokens answer
        ``error`` from now on (``None``: as unknown ones, ``invalid_auth``), its refresh tokens
        ``invalid_refresh_token``."""
        ended = {t: a for t, a in self._tokens.items() if belongs(a)}
        ended.update({t: a for t, (a, _) in self._ended_tokens.items() if belongs(a)})
        for token, access in ended.items():
            self._tokens.pop(token, None)
            self._token_deadlines.pop(token, None)
            if error is None:
                self._ended_tokens.pop(token, None)
            else:
                self._ended_tokens[token] = (access, error)
        for token in [t for t, a in self._refresh_tokens.items() if belongs(a)]:
            del self._refresh_tokens[token]
