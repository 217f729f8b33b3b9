"""A fake of Slack's Web API and of the ``response_url`` hooks, spoken over real HTTP.

Tests point slack_sdk's ``AsyncWebClient(base_url=server.api_url)`` at it, so the real client code
(argument encoding, ``Authorization`` header, error raising, retry handlers) runs unchanged. Bolt's
``respond()`` posts to URLs handed out by :meth:`FakeSlack.new_response_url`.

What it models, in Slack's response shapes (checked against the samples in
``tests/reference/slack/payload-samples/json-logs/samples/api`` and the Web API OpenAPI spec):

* tokens: ``Authorization: Bearer …`` or a ``token`` argument; none → ``not_authed``, unknown →
  ``invalid_auth`` (HTTP 200, as Slack does);
* arguments as query string, form body or JSON body, merged; JSON-string ``blocks``, ``view``,
  ``attachments`` and ``metadata`` are decoded, so recorded calls look the same however they came;
* Slack's OAuth v2 install and token rotation (``oauth.v2.access``, see below);
* ``auth.test``, ``chat.postMessage``, ``chat.postEphemeral``, ``chat.update``, ``chat.delete``,
  ``conversations.open``, ``users.info``, ``views.open``, ``views.push``, ``views.update``,
  ``views.publish``; any other method → ``unknown_method``;
* one-shot ``trigger_id`` s that expire after :attr:`FakeSlack.trigger_ttl` seconds (3 s);
* view ids, ``hash`` optimistic locking (``hash_conflict``), Home tabs per user;
* ``response_url`` s that take five posts, then answer HTTP 404 ``used_url``;
* rate limits (HTTP 429 + ``Retry-After``), forced failures and added latency;
* every request is recorded (``calls``, ``responses``), rejected ones too, with the error it got.

Choices where Slack's behaviour is unclear: ``chat.postEphemeral`` to an unknown user answers
``user_not_found`` (Slack may say ``user_not_in_channel``); ``views.publish`` to an unknown user
answers ``invalid_arguments``; ``unknown_method`` comes with HTTP 200.

Deliberately left out (documented so tests do not rely on them): Slack's normalisation of
submitted views and blocks (it would add ``block_id`` s and ``emoji`` flags; the fake echoes them
verbatim), view ``state`` values (always ``{"values": {}}``), work-object/unfurl view fields
(``entity_url``, ``external_ref``, ``app_unfurl_url``, ``message_ts``, ``thread_ts``,
``channel``), ``has_2fa``/``is_stranger`` and
custom-avatar/guest/bot-only profile fields in ``users.info`` for human users, the 30-minute
lifetime of ``response_url`` s, channel membership and channel names (any ``C…``/``G…`` id is a
channel the bot may post to).

OAuth v2: :meth:`FakeSlack.set_app` registers the app's ``client_id``/``client_secret``;
:meth:`FakeSlack.approve_install` stands in for a user clicking "Allow" and returns the one-time
``code`` the app exchanges at ``oauth.v2.access`` (credentials by HTTP Basic auth, as slack_sdk
sends them, or as ``client_id``/``client_secret`` arguments). The exchange creates the team if
needed and issues a fresh bot token; ``rotate_tokens=True`` adds ``refresh_token``/``expires_in``
and gives ``xoxe.xoxb-1-…`` tokens, as Slack does with token rotation on. ``auth.test`` then also
answers ``expires_in``. Stricter than Slack, on purpose, so tests prove what they claim: a refresh
ends the previous access token at once (``token_expired``; Slack keeps it until its own expiry),
and a re-install always issues a new token and ends the old one (``invalid_auth``; Slack may hand
back the same token). :meth:`FakeSlack.expire_token` and :meth:`FakeSlack.revoke_team` end tokens
on demand. ``client_secret``, ``code`` and ``refresh_token`` are recorded in ``args`` as ``***``.
Left out: user tokens (``user_scope``), ``incoming_webhook``, org-wide installs, ``state``.

Threads: the server runs on its own thread and event loop (see :mod:`bot.fakes.server`) while the
test reads and mutates the fake from another. All state lives behind one ``threading.Lock``; the
``threading.Condition`` on it wakes :meth:`FakeSlack.wait_for_calls` and friends. Request handlers
never await while holding the lock. The public containers (``calls``, ``responses``, ``views``,
``home_views``, ``messages``) are the live objects: read them once the traffic you wait for has
arrived (the ``wait_for_*`` helpers return snapshots taken under the lock).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import copy
import json
import math
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.fakes.server import BackgroundServer

#: Arguments Slack takes as JSON-encoded strings in form posts; decoded before recording.
JSON_ARGS = ("blocks", "view", "attachments", "metadata")

#: Arguments recorded as ``***``: the fake's recordings end up in assertion messages and logs.
SECRET_ARGS = ("client_secret", "code", "refresh_token")

#: How many posts one ``response_url`` accepts (Slack: "up to 5 times within 30 minutes").
RESPONSE_URL_MAX_POSTS = 5

#: Long time-zone names Slack shows as ``tz_label``; zoneinfo only knows abbreviations.
_TZ_LABELS = {
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
}


@dataclass(frozen=True)
class SlackCall:
    """One Web API request as the fake received it.

    ``args`` holds every argument except ``token`` (query, form and JSON merged; JSON-string
    ``blocks``/``view``/``attachments``/``metadata`` decoded). ``error`` is the error the fake
    answered (``None`` on ``ok: true``), so rejected attempts such as 429s are visible too.
    ``reply`` is the JSON body the fake answered (e.g. the stored view, with its id).
    """

    method: str
    args: dict[str, Any]
    token: str | None
    at: float
    error: str | None = None
    reply: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ResponsePost:
    """One post to a ``response_url``; ``error`` is Slack's error body (``None`` when accepted)."""

    url: str
    body: dict[str, Any]
    at: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Team:
    team_id: str
    bot_token: str
    name: str
    enterprise_id: str | None
    bot_user_id: str
    bot_id: str
    app_id: str
    scope: str = "commands,chat:write"

    @property
    def domain(self) -> str:
        return "".join(c for c in self.name.lower() if c.isalnum()) or "workspace"


@dataclass
class _User:
    team_id: str
    user_id: str
    name: str
    tz: str
    is_admin: bool
    is_owner: bool
    email: str | None
    is_bot: bool = False


@dataclass
class _Trigger:
    issued_at: float
    view_id: str | None
    used: bool = False


@dataclass
class _Grant:
    """What one click on "Allow" approved; ``oauth.v2.access`` turns it into a token once."""

    team_id: str
    user_id: str
    team_name: str
    enterprise_id: str | None
    rotate_tokens: bool
    scopes: str
    redirect_uri: str | None
    issued_at: float
    used: bool = False


@dataclass
class _Hook:
    url: str
    team_id: str
    posts: int = 0


@dataclass
class _Forced:
    error: str
    retry_after: int


class _ApiError(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": …}``."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages


@dataclass
class _Reply:
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlackServer(BackgroundServer):
    """A running fake: ``url`` is the server root, ``api_url`` the Web API base (``…/api/``).

    Started already when returned by :meth:`FakeSlack.serve`; ``with`` stops it on exit.
    """

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"


class FakeSlack:
    """In-memory Slack workspace(s) behind a Starlette app; see the module docstring.

    Typical use::

        fake = FakeSlack()
        fake.add_team("T1", "xoxb-1")
        fake.add_user("T1", "U1", "Ada Lovelace", tz="Europe/London")
        with fake.serve() as server:
            client = AsyncWebClient(token="xoxb-1", base_url=server.api_url)
            ...
            fake.wait_for_calls("chat.postMessage")
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._seq = 0
        self._last_ts = 0.0
        self._methods: dict[str, Callable[[_Team, dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }
        # Methods the app calls with its client credentials instead of a token.
        self._app_methods: dict[
            str, Callable[[dict[str, Any], tuple[str, str] | None], dict[str, Any]]
        ] = {"oauth.v2.access": self._oauth_v2_access}
        self.url: str | None = None
        self._reset_state()

        self.app = Starlette(
            routes=[
                Route("/api/{method}", self._handle_api, methods=["GET", "POST"]),
                Route("/hooks/commands/{team}/{n}/{secret}", self._handle_hook, methods=["POST"]),
            ]
        )

    def reset(self) -> None:
        """Forget everything (teams, users, views, messages, recordings, knobs) but keep serving.

        Lets one server outlive many tests: reset, then register the teams a test needs. Ids keep
        counting up, so a view id from before the reset is unknown afterwards, not reused.
        """
        with self._changed:
            self._reset_state()
            self._changed.notify_all()

    def _reset_state(self) -> None:
        self._teams: dict[str, _Team] = {}
        self._teams_by_token: dict[str, _Team] = {}
        self._users: dict[tuple[str, str], _User] = {}
        self._dms: dict[tuple[str, str], str] = {}  # (team, user) -> D… id
        self._mpims: dict[tuple[str, tuple[str, ...]], str] = {}
        self._dm_ids: set[str] = set()
        self._triggers: dict[str, _Trigger] = {}
        self._hooks: dict[str, _Hook] = {}  # path -> hook
        self._home_owner: dict[str, tuple[str, str]] = {}  # view id -> (team, user)
        self._forced: dict[str, deque[_Forced]] = {}
        self._rate_windows: dict[tuple[str, str], deque[float]] = {}
        self._app_credentials: tuple[str, str] | None = None
        self._grants: dict[str, _Grant] = {}  # code -> grant
        self._refresh_tokens: dict[str, str] = {}  # live refresh token -> team id
        self._expired_tokens: dict[str, str] = {}  # access token -> team id
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

    # ------------------------------------------------------------------ serving

    def serve(self) -> FakeSlackServer:
        """Serve :attr:`app` on a free localhost port; returns the started server.

        Use it as ``with fake.serve() as server:`` or call ``server.stop()`` yourself.
        """
        server = FakeSlackServer(self.app)
        self.url = server.url  # known before start, so response URLs can be issued right away
        return server.start()

    @property
    def api_url(self) -> str:
        """The Web API base URL of the most recent :meth:`serve` (``http://127.0.0.1:P/api/``)."""
        if self.url is None:
            raise RuntimeError("FakeSlack is not served yet: call serve() first")
        return f"{self.url}/api/"

    # ------------------------------------------------------------------ registry

    def add_team(
        self,
        team_id: str,
        bot_token: str,
        name: str = "Acme",
        enterprise_id: str | None = None,
        bot_user_id: str = "UBOT",
    ) -> None:
        """Register a workspace whose bot token the fake accepts; its bot user is added too."""
        with self._lock:
            self._register_team(team_id, bot_token, name, enterprise_id, bot_user_id)

    def _register_team(
        self,
        team_id: str,
        bot_token: str | None,
        name: str,
        enterprise_id: str | None,
        bot_user_id: str,
    ) -> _Team:
        """Create the team and its bot user; ``bot_token=None`` leaves the token to the caller."""
        n = len(self._teams) + 1
        team = _Team(
            team_id=team_id,
            bot_token=bot_token or "",
            name=name,
            enterprise_id=enterprise_id,
            bot_user_id=bot_user_id,
            bot_id=f"B{n:08d}",
            app_id=f"A{n:08d}",
        )
        self._teams[team_id] = team
        if bot_token is not None:
            self._teams_by_token[bot_token] = team
        self._users[(team_id, bot_user_id)] = _User(
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

    # ------------------------------------------------------------------ OAuth v2

    def set_app(self, client_id: str, client_secret: str) -> None:
        """Register the app credentials ``oauth.v2.access`` checks (none set: every call fails)."""
        with self._lock:
            self._app_credentials = (client_id, client_secret)

    def approve_install(
        self,
        team_id: str,
        user_id: str,
        *,
        team_name: str = "Acme",
        enterprise_id: str | None = None,
        rotate_tokens: bool = False,
        scopes: str = "commands,chat:write",
        redirect_uri: str | None = None,
    ) -> str:
        """What the user clicking "Allow" gives the app: a one-time ``code``, valid
        :attr:`code_ttl` seconds, for ``oauth.v2.access``.

        Nothing changes until the exchange: it creates the team (as :meth:`add_team` would) or
        replaces its token, and registers ``user_id`` as a user of it. ``redirect_uri``, if
        given, must be sent again with the exchange (``bad_redirect_uri``), as in Slack.
        """
        with self._lock:
            self._seq += 1
            code = f"{self._seq}.{secrets.randbelow(10**12):012d}.{secrets.token_hex(32)}"
            self._grants[code] = _Grant(
                team_id,
                user_id,
                team_name,
                enterprise_id,
                rotate_tokens,
                scopes,
                redirect_uri,
                time.monotonic(),
            )
            return code

    def expire_token(self, token: str) -> None:
        """Make a working access token answer ``token_expired`` from now on.

        Tests use it to prove the app refreshes before use rather than on failure.
        """
        with self._lock:
            if token not in self._teams_by_token:
                raise KeyError(f"unknown or already dead token {token[:10]!r}…")
            self._expire(token)

    def revoke_team(self, team_id: str) -> None:
        """Uninstall the app from ``team_id``: its access tokens answer ``invalid_auth`` and its
        refresh tokens ``invalid_refresh_token``; users, views and messages stay."""
        with self._lock:
            if team_id not in self._teams:
                raise KeyError(f"unknown team {team_id!r}")
            self._forget_tokens(team_id)

    def add_user(
        self,
        team_id: str,
        user_id: str,
        name: str,
        tz: str = "Europe/Berlin",
        is_admin: bool = False,
        is_owner: bool = False,
        email: str | None = None,
    ) -> None:
        """Register a human user; ``name`` is the real name, ``tz`` an IANA zone name.

        ``email=None`` leaves ``profile.email`` out, as Slack does without ``users:read.email``.
        """
        ZoneInfo(tz)  # fail here, not in a request handler, on a misspelt zone
        with self._lock:
            if team_id not in self._teams:
                raise KeyError(f"unknown team {team_id!r}: call add_team() first")
            self._users[(team_id, user_id)] = _User(
                team_id, user_id, name, tz, is_admin, is_owner, email
            )

    def new_trigger_id(self, view_id: str | None = None) -> str:
        """A trigger id ``views.open`` accepts once within :attr:`trigger_ttl` seconds.

        Pass ``view_id`` for a trigger that comes from inside that modal (needed by ``views.push``).
        """
        with self._lock:
            self._seq += 1
            trigger_id = f"{self._seq}.{secrets.randbelow(10**11):011d}.{secrets.token_hex(16)}"
            self._triggers[trigger_id] = _Trigger(time.monotonic(), view_id)
            return trigger_id

    def new_response_url(self, team_id: str | None = None) -> str:
        """A ``response_url`` taking :data:`RESPONSE_URL_MAX_POSTS` posts; needs :meth:`serve`.

        ``team_id`` defaults to the first registered team (``T00000000`` if none).
        """
        if self.url is None:
            raise RuntimeError("FakeSlack is not served yet: call serve() first")
        with self._lock:
            if team_id is None:
                team_id = next(iter(self._teams), "T00000000")
            self._seq += 1
            path = f"/hooks/commands/{team_id}/{self._seq}{secrets.randbelow(10**8):08d}/"
            path += secrets.token_urlsafe(18)
            hook = _Hook(url=f"{self.url}{path}", team_id=team_id)
            self._hooks[path] = hook
            return hook.url

    # ------------------------------------------------------------------ behaviour knobs

    def fail_next(self, method: str, error: str = "ratelimited", retry_after: int = 1) -> None:
        """Make the next call of ``method`` fail once (queued; call again to fail more).

        ``ratelimited`` answers HTTP 429 with ``Retry-After: retry_after``; any other error is an
        ordinary HTTP 200 ``{"ok": false, "error": error}``.
        """
        with self._lock:
            self._forced.setdefault(method, deque()).append(_Forced(error, retry_after))

    # ------------------------------------------------------------------ recording

    def calls_to(self, method: str) -> list[SlackCall]:
        """Snapshot of the recorded calls of ``method``, failed ones included."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[SlackCall]:
        """Block until ``count`` calls of ``method`` were recorded; returns them all.

        Blocks the calling thread: from a test whose event loop also runs the code under test,
        use :meth:`wait_for_calls_async` instead.
        """
        with self._changed:
            done = self._changed.wait_for(
                lambda: sum(c.method == method for c in self.calls) >= count, timeout
            )
            matching = [c for c in self.calls if c.method == method]
            seen = Counter(c.method for c in self.calls)
        if not done:
            raise AssertionError(
                f"waited {timeout}s for {count} {method} call(s), got {len(matching)}; "
                f"all calls seen: {dict(seen)}; {method} args: {[c.args for c in matching]}"
            )
        return matching

    def wait_for_responses(self, count: int = 1, timeout: float = 5.0) -> list[ResponsePost]:
        """Block until ``count`` ``response_url`` posts were recorded; returns them all."""
        with self._changed:
            done = self._changed.wait_for(lambda: len(self.responses) >= count, timeout)
            seen = list(self.responses)
        if not done:
            raise AssertionError(
                f"waited {timeout}s for {count} response_url post(s), got {len(seen)}: "
                f"{[r.body for r in seen]}; Web API calls seen: "
                f"{dict(Counter(c.method for c in self.calls))}"
            )
        return seen

    # The timeout bounds the threaded wait and mirrors the sync signature, hence the noqa.
    async def wait_for_calls_async(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SlackCall]:
        """:meth:`wait_for_calls` in a worker thread, so the caller's event loop keeps running."""
        return await asyncio.to_thread(self.wait_for_calls, method, count, timeout)

    async def wait_for_responses_async(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ResponsePost]:
        """:meth:`wait_for_responses` in a worker thread, so the caller's loop keeps running."""
        return await asyncio.to_thread(self.wait_for_responses, count, timeout)

    def clear(self) -> None:
        """Forget recorded calls and responses; teams, users, views and messages stay."""
        with self._lock:
            self.calls.clear()
            self.responses.clear()

    # ------------------------------------------------------------------ HTTP handlers

    async def _handle_api(self, request: Request) -> Response:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        method = request.path_params["method"]
        args: dict[str, Any] = dict(request.query_params)
        body_error: str | None = None
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        if raw and content_type.startswith("application/json"):
            try:
                parsed = json.loads(raw)
            except ValueError:
                body_error = "invalid_json"
            else:
                if isinstance(parsed, dict):
                    args.update(parsed)
                else:
                    body_error = "json_not_object"
        elif raw:
            args.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        header_token = _bearer(request.headers.get("authorization"))
        basic = _basic(request.headers.get("authorization"))
        arg_token = args.pop("token", None)
        token = header_token or (str(arg_token) if arg_token else None)
        for name in JSON_ARGS:
            if isinstance(args.get(name), str):
                # Undecodable values stay strings; the method then answers invalid_arguments.
                with contextlib.suppress(ValueError):
                    args[name] = json.loads(args[name])

        with self._changed:
            if body_error is not None:
                reply = _Reply({"ok": False, "error": body_error})
            else:
                reply = self._dispatch(method, args, token, basic)
            # Serialise under the lock: the reply shares objects with the stored state.
            payload = json.dumps(reply.body)
            self.calls.append(
                SlackCall(
                    method,
                    {k: "***" if k in SECRET_ARGS else v for k, v in args.items()},
                    token,
                    time.monotonic(),
                    reply.body.get("error"),
                    json.loads(payload),
                )
            )
            self._changed.notify_all()
        headers = {"X-Slack-Req-Id": secrets.token_hex(16), **reply.headers}
        return Response(
            payload,
            status_code=reply.status,
            headers=headers,
            media_type="application/json; charset=utf-8",
        )

    async def _handle_hook(self, request: Request) -> Response:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self._changed:
            hook = self._hooks.get(request.url.path)
            url = hook.url if hook else f"{self.url}{request.url.path}"
            status, text = 200, "ok"
            if hook is None:
                status, text = 404, "no_service"
            elif not isinstance(body, dict):
                status, text = 400, "invalid_payload"
            elif hook.posts >= RESPONSE_URL_MAX_POSTS:
                status, text = 404, "used_url"
            elif not _has_content(body) and not body.get("delete_original"):
                status, text = 400, "no_text"
            else:
                hook.posts += 1
            recorded = body if isinstance(body, dict) else {}
            error = None if status == 200 else text
            self.responses.append(ResponsePost(url, recorded, time.monotonic(), error))
            self._changed.notify_all()
        return Response(text, status_code=status, media_type="text/html")

    # ------------------------------------------------------------------ dispatch (lock held)

    def _dispatch(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        basic: tuple[str, str] | None = None,
    ) -> _Reply:
        forced = self._forced.get(method)
        if forced:
            f = forced.popleft()
            if f.error == "ratelimited":
                return _Reply(
                    {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(f.retry_after)}
                )
            return _Reply({"ok": False, "error": f.error})
        app_handler = self._app_methods.get(method)
        if app_handler is not None:
            return self._answer(lambda: app_handler(args, basic))
        handler = self._methods.get(method)
        if handler is None:
            return _Reply({"ok": False, "error": "unknown_method", "req_method": method})
        if not token:
            return _Reply({"ok": False, "error": "not_authed"})
        deadline = self._token_deadlines.get(token)
        if deadline is not None and time.monotonic() >= deadline:
            self._expire(token)
        if token in self._expired_tokens:
            return _Reply({"ok": False, "error": "token_expired"})
        team = self._teams_by_token.get(token)
        if team is None:
            return _Reply({"ok": False, "error": "invalid_auth"})
        retry_after = self._rate_limited(team.team_id, method)
        if retry_after is not None:
            return _Reply(
                {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(retry_after)}
            )
        return self._answer(lambda: handler(team, args))

    def _answer(self, run: Callable[[], dict[str, Any]]) -> _Reply:
        """Run a method handler: its result is ``ok: true``, its ``_ApiError`` Slack's error."""
        try:
            return _Reply({"ok": True, **run()})
        except _ApiError as e:
            body: dict[str, Any] = {"ok": False, "error": e.error}
            if e.messages:
                body["response_metadata"] = {"messages": e.messages}
            return _Reply(body)

    def _rate_limited(self, team_id: str, method: str) -> int | None:
        """Seconds to wait if this call exceeds ``rate_limit_per_minute``; else count it."""
        limit = self.rate_limit_per_minute.get(method)
        if limit is None:
            return None
        now = time.monotonic()
        window = self._rate_windows.setdefault((team_id, method), deque())
        while window and now - window[0] >= self.rate_limit_window:
            window.popleft()
        if len(window) >= limit:
            return max(1, math.ceil(window[0] + self.rate_limit_window - now))
        window.append(now)
        return None

    # ------------------------------------------------------------------ helpers (lock held)

    def _expire(self, token: str) -> None:
        """The live access ``token`` answers ``token_expired`` from now on."""
        team = self._teams_by_token.pop(token)
        self._token_deadlines.pop(token, None)
        self._expired_tokens[token] = team.team_id

    def _forget_tokens(self, team_id: str) -> None:
        """End every access and refresh token of ``team_id``; they answer as unknown ones."""
        for tokens in (self._teams_by_token, self._expired_tokens, self._refresh_tokens):
            for token in [t for t, v in tokens.items() if _team_id_of(v) == team_id]:
                del tokens[token]
                self._token_deadlines.pop(token, None)

    def _issue_tokens(self, team: _Team, rotate: bool) -> dict[str, Any]:
        """A new bot token for ``team`` (plus refresh token if ``rotate``) in Slack's fields."""
        secret = f"{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}"
        token = f"xoxb-{secret}-{secrets.token_urlsafe(18)}"
        if rotate:
            token = f"xoxe.xoxb-1-{secret}-{secrets.token_hex(32)}"
        team.bot_token = token
        self._teams_by_token[token] = team
        issued: dict[str, Any] = {"access_token": token}
        if rotate:
            refresh_token = f"xoxe-1-{secrets.token_hex(64)}"
            self._refresh_tokens[refresh_token] = team.team_id
            self._token_deadlines[token] = time.monotonic() + self.token_ttl
            issued.update({"refresh_token": refresh_token, "expires_in": self.token_ttl})
        return issued

    def _check_client(self, args: dict[str, Any], basic: tuple[str, str] | None) -> None:
        """HTTP Basic credentials win over ``client_id``/``client_secret`` arguments."""
        client_id, client_secret = basic or (
            str(args.get("client_id") or ""),
            str(args.get("client_secret") or ""),
        )
        if self._app_credentials is None or client_id != self._app_credentials[0]:
            raise _ApiError("invalid_client_id")
        if not secrets.compare_digest(client_secret, self._app_credentials[1]):
            raise _ApiError("bad_client_secret")

    def _new_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def _new_ts(self) -> str:
        # Unique and increasing, like Slack's message timestamps within a channel.
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _new_hash(self) -> str:
        return f"{int(time.time())}.{secrets.token_hex(4)}"

    def _dm_channel(self, team_id: str, user_id: str) -> str:
        key = (team_id, user_id)
        if key not in self._dms:
            self._dms[key] = self._new_id("D")
            self._dm_ids.add(self._dms[key])
        return self._dms[key]

    def _resolve_channel(self, team: _Team, channel: Any) -> str:
        """Channel id a message lands in: user ids mean the DM with that user, as in Slack."""
        if not isinstance(channel, str) or not channel:
            raise _ApiError("channel_not_found")
        if channel[0] in "CG":
            return channel
        if channel[0] == "D" and channel in self._dm_ids:
            return channel
        if channel[0] in "UW" and (team.team_id, channel) in self._users:
            return self._dm_channel(team.team_id, channel)
        raise _ApiError("channel_not_found")

    def _check_message_content(self, args: dict[str, Any]) -> None:
        blocks = args.get("blocks")
        if blocks is not None and not isinstance(blocks, list):
            raise _ApiError("invalid_blocks_format")
        if isinstance(blocks, list) and len(blocks) > 50:
            raise _ApiError("invalid_blocks", ["[ERROR] must be at most 50 items [json-pointer:]"])
        if not _has_content(args):
            raise _ApiError("no_text")
        if len(str(args.get("text") or "")) > 40000:
            raise _ApiError("msg_too_long")

    def _require_view(self, args: dict[str, Any], types: tuple[str, ...]) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict):
            raise _ApiError("invalid_arguments", ["[ERROR] missing required field: view"])
        if view.get("type") not in types:
            raise _ApiError(
                "invalid_arguments",
                [f"[ERROR] must be one of {list(types)} [json-pointer:/view/type]"],
            )
        blocks = view.get("blocks")
        if not isinstance(blocks, list) or len(blocks) > 100:
            raise _ApiError(
                "invalid_arguments",
                ["[ERROR] must be a list of at most 100 blocks [json-pointer:/view/blocks]"],
            )
        if view["type"] == "modal":
            title = view.get("title")
            if not isinstance(title, dict) or title.get("type") != "plain_text":
                raise _ApiError(
                    "invalid_arguments",
                    ["[ERROR] missing required field: title [json-pointer:/view]"],
                )
        return copy.deepcopy(view)

    def _check_external_id(self, team: _Team, view: dict[str, Any], own_id: str | None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for stored in self.views.values():
            if (
                stored["team_id"] == team.team_id
                and stored.get("external_id") == external_id
                and stored["id"] != own_id
            ):
                raise _ApiError("duplicate_external_id")

    def _exchange_trigger(self, args: dict[str, Any]) -> _Trigger:
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise _ApiError("invalid_arguments", ["[ERROR] missing required field: trigger_id"])
        trigger = self._triggers.get(str(trigger_id))
        if trigger is None:
            raise _ApiError("invalid_trigger_id")
        if trigger.used:
            raise _ApiError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise _ApiError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _build_view(
        self,
        team: _Team,
        view: dict[str, Any],
        view_id: str,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
    ) -> dict[str, Any]:
        """The view object as Slack returns it from views.open/update/push/publish."""
        built: dict[str, Any] = {"id": view_id, "team_id": team.team_id, "type": view["type"]}
        if "title" in view:
            built["title"] = view["title"]
        built.update(
            {
                "submit": view.get("submit"),
                "close": view.get("close"),
                "blocks": view["blocks"],
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "external_id": view.get("external_id", ""),
                "state": {"values": {}},
                "hash": self._new_hash(),
                "clear_on_close": bool(view.get("clear_on_close", False)),
                "notify_on_close": bool(view.get("notify_on_close", False)),
                "root_view_id": root_view_id or view_id,
                "previous_view_id": previous_view_id,
                "app_id": team.app_id,
                "app_installed_team_id": team.team_id,
                "bot_id": team.bot_id,
            }
        )
        if view["type"] == "modal":
            built["submit_disabled"] = bool(view.get("submit_disabled", False))
        return built

    def _message(self, team: _Team, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "text": args.get("text") or "",
            "user": team.bot_user_id,
            "ts": ts,
            "bot_id": team.bot_id,
            "app_id": team.app_id,
            "team": team.team_id,
        }
        for name in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(name):
                message[name] = args[name]
        return message

    # ------------------------------------------------------------------ Web API methods

    def _auth_test(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "trackingtime",
            "team_id": team.team_id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": team.app_id,
            "app_name": "TrackingTime",
            "is_enterprise_install": False,
        }
        if team.enterprise_id:
            reply["enterprise_id"] = team.enterprise_id
        deadline = self._token_deadlines.get(team.bot_token)
        if deadline is not None:
            reply["expires_in"] = max(0, math.floor(deadline - time.monotonic()))
        return reply

    def _oauth_v2_access(
        self, args: dict[str, Any], basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        """Install (``code``) or rotate (``refresh_token``); tokenless, so not in ``_methods``."""
        self._check_client(args, basic)
        grant_type = args.get("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            return self._refresh(str(args.get("refresh_token") or ""))
        if grant_type != "authorization_code":
            raise _ApiError("invalid_grant_type")
        grant = self._grants.get(str(args.get("code") or ""))
        if grant is None or grant.used or time.monotonic() - grant.issued_at > self.code_ttl:
            raise _ApiError("invalid_code")
        if grant.redirect_uri is not None and args.get("redirect_uri") != grant.redirect_uri:
            raise _ApiError("bad_redirect_uri")
        grant.used = True
        team = self._teams.get(grant.team_id)
        if team is None:
            team = self._register_team(
                grant.team_id, None, grant.team_name, grant.enterprise_id, self._new_id("U")
            )
        else:
            self._forget_tokens(team.team_id)
            team.name, team.enterprise_id = grant.team_name, grant.enterprise_id
        team.scope = grant.scopes
        if (team.team_id, grant.user_id) not in self._users:
            self._users[(team.team_id, grant.user_id)] = _User(
                team.team_id,
                grant.user_id,
                f"Installer {grant.user_id}",
                "Europe/Berlin",
                False,
                False,
                None,
            )
        issued = self._issue_tokens(team, grant.rotate_tokens)
        return _oauth_reply(team, issued, {"authed_user": {"id": grant.user_id}})

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """Rotate: a new access and refresh token; the old access token ends right away."""
        team_id = self._refresh_tokens.pop(refresh_token, None)
        if team_id is None:
            raise _ApiError("invalid_refresh_token")
        team = self._teams[team_id]
        if team.bot_token in self._teams_by_token:
            self._expire(team.bot_token)
        return _oauth_reply(team, self._issue_tokens(team, rotate=True), {})

    def _chat_post_message(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(team, args.get("channel"))
        self._check_message_content(args)
        ts = self._new_ts()
        message = self._message(team, args, ts)
        self.messages[(channel, ts)] = {**message, "channel": channel}
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        self._resolve_channel(team, args.get("channel"))
        if (team.team_id, args.get("user")) not in self._users:
            raise _ApiError("user_not_found")
        self._check_message_content(args)
        return {"message_ts": self._new_ts()}

    def _find_message(self, team: _Team, args: dict[str, Any]) -> tuple[str, str]:
        channel = self._resolve_channel(team, args.get("channel"))
        key = (channel, str(args.get("ts") or ""))
        if key not in self.messages:
            raise _ApiError("message_not_found")
        return key

    def _chat_update(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._find_message(team, args)
        self._check_message_content(args)
        stored = self.messages[(channel, ts)]
        stored["text"] = args.get("text") or ""
        for name in ("blocks", "attachments"):
            if name in args:
                stored[name] = args[name]
        message = {k: v for k, v in stored.items() if k not in ("channel", "ts", "type")}
        return {"channel": channel, "ts": ts, "text": stored["text"], "message": message}

    def _chat_delete(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._find_message(team, args)
        del self.messages[(channel, ts)]
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        """Any message in a channel the fake knows of: Slack checks the message exists, but
        messages the tests "saw" were posted by people, not through this fake."""
        channel = self._resolve_channel(team, args.get("channel"))
        ts = str(args.get("message_ts") or "")
        if not ts:
            raise _ApiError("invalid_arguments")
        link = f"https://{team.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def _conversations_open(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            channel = args.get("channel")
            if not channel:
                raise _ApiError("users_list_not_supplied")
            if channel not in self._dm_ids and channel not in self._mpims.values():
                raise _ApiError("channel_not_found")
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        for user_id in users:
            if (team.team_id, user_id) not in self._users:
                raise _ApiError("user_not_found")
        if len(users) == 1:
            existed = (team.team_id, users[0]) in self._dms
            channel_id = self._dm_channel(team.team_id, users[0])
        else:
            key = (team.team_id, tuple(sorted(set(users))))
            existed = key in self._mpims
            if not existed:
                self._mpims[key] = self._new_id("G")
            channel_id = self._mpims[key]
        channel: dict[str, Any] = {"id": channel_id}
        if len(users) == 1 and str(args.get("return_im", "")).lower() in ("1", "true"):
            channel.update(
                {
                    "created": int(time.time()),
                    "is_im": True,
                    "is_org_shared": False,
                    "user": users[0],
                    "last_read": "0000000000.000000",
                    "latest": None,
                    "unread_count": 0,
                    "unread_count_display": 0,
                    "is_open": True,
                    "priority": 0,
                }
            )
        reply: dict[str, Any] = {"channel": channel}
        if existed:
            reply = {"no_op": True, "already_open": True, **reply}
        return reply

    def _users_info(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get((team.team_id, str(args.get("user") or "")))
        if user is None:
            raise _ApiError("user_not_found")
        include_locale = str(args.get("include_locale", "")).lower() in ("1", "true")
        return {"user": _user_object(team, user, include_locale)}

    def _views_open(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        view = self._require_view(args, ("modal",))
        self._check_external_id(team, view, None)
        self._exchange_trigger(args)
        view_id = self._new_id("V")
        built = self._build_view(team, view, view_id)
        self.views[view_id] = built
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}

    def _views_push(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        view = self._require_view(args, ("modal",))
        self._check_external_id(team, view, None)
        trigger = self._exchange_trigger(args)
        parent = self.views.get(trigger.view_id or "")
        if parent is None or parent["type"] != "modal":
            raise _ApiError("invalid_arguments", ["[ERROR] trigger_id does not come from a modal"])
        depth = 1
        node = parent
        while node.get("previous_view_id"):
            depth += 1
            node = self.views[node["previous_view_id"]]
        if depth >= 3:
            raise _ApiError("push_limit_reached")
        view_id = self._new_id("V")
        built = self._build_view(team, view, view_id, parent["root_view_id"], parent["id"])
        self.views[view_id] = built
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}

    def _views_update(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        view = self._require_view(args, ("modal", "home"))
        stored: dict[str, Any] | None = None
        if args.get("view_id"):
            stored = self.views.get(str(args["view_id"]))
        elif args.get("external_id"):
            stored = next(
                (
                    v
                    for v in self.views.values()
                    if v["team_id"] == team.team_id and v["external_id"] == args["external_id"]
                ),
                None,
            )
        else:
            raise _ApiError("invalid_arguments", ["[ERROR] either view_id or external_id required"])
        if stored is None or stored["team_id"] != team.team_id:
            raise _ApiError("not_found")
        if args.get("hash") and args["hash"] != stored["hash"]:
            raise _ApiError("hash_conflict")
        if view["type"] != stored["type"]:
            raise _ApiError("invalid_arguments", ["[ERROR] view type cannot change"])
        self._check_external_id(team, view, stored["id"])
        if "external_id" not in view:
            view["external_id"] = stored["external_id"]
        built = self._build_view(
            team, view, stored["id"], stored["root_view_id"], stored["previous_view_id"]
        )
        self.views[stored["id"]] = built
        owner = self._home_owner.get(stored["id"])
        if owner is not None:
            self.home_views[owner] = built
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}

    def _views_publish(self, team: _Team, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user_id") or "")
        if (team.team_id, user_id) not in self._users:
            raise _ApiError("invalid_arguments", ["[ERROR] invalid `user_id`"])
        view = self._require_view(args, ("home",))
        key = (team.team_id, user_id)
        existing = self.home_views.get(key)
        if existing and args.get("hash") and args["hash"] != existing["hash"]:
            raise _ApiError("hash_conflict")
        view_id = existing["id"] if existing else self._new_id("V")
        self._check_external_id(team, view, view_id)
        built = self._build_view(team, view, view_id)
        self.views[view_id] = built
        self.home_views[key] = built
        self._home_owner[view_id] = key
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _basic(header: str | None) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` from ``Authorization: Basic …``, as slack_sdk sends them."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret


def _team_id_of(value: _Team | str) -> str:
    return value.team_id if isinstance(value, _Team) else value


def _oauth_reply(team: _Team, issued: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``oauth.v2.access``'s answer in Slack's key order (see the API sample)."""
    enterprise = {"id": team.enterprise_id, "name": team.name} if team.enterprise_id else None
    reply: dict[str, Any] = {"app_id": team.app_id, **extra, "scope": team.scope}
    reply.update({"token_type": "bot", "access_token": issued["access_token"]})
    reply["bot_user_id"] = team.bot_user_id
    reply.update({k: issued[k] for k in ("refresh_token", "expires_in") if k in issued})
    reply.update(
        {
            "team": {"id": team.team_id, "name": team.name},
            "enterprise": enterprise,
            "is_enterprise_install": False,
        }
    )
    return reply


def _has_content(body: dict[str, Any]) -> bool:
    return bool(body.get("text") or body.get("blocks") or body.get("attachments"))


def _user_object(team: _Team, user: _User, include_locale: bool) -> dict[str, Any]:
    """A ``users.info`` user, with the tz fields computed for the current instant."""
    now = datetime.now(UTC).astimezone(ZoneInfo(user.tz))
    offset = now.utcoffset()
    abbreviation = now.tzname() or user.tz
    handle = ".".join(user.name.lower().split()) or user.user_id.lower()
    first, _, last = user.name.partition(" ")
    avatar = f"https://secure.gravatar.com/avatar/{user.user_id.lower()}"
    profile: dict[str, Any] = {
        "title": "",
        "phone": "",
        "skype": "",
        "real_name": user.name,
        "real_name_normalized": user.name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "fields": None,
        "status_text": "",
        "status_emoji": "",
        "status_emoji_display_info": [],
        "status_expiration": 0,
        "avatar_hash": f"g{user.user_id.lower()[-11:]}",
        "first_name": first,
        "last_name": last,
        "image_24": f"{avatar}?s=24",
        "image_32": f"{avatar}?s=32",
        "image_48": f"{avatar}?s=48",
        "image_72": f"{avatar}?s=72",
        "image_192": f"{avatar}?s=192",
        "image_512": f"{avatar}?s=512",
        "status_text_canonical": "",
        "status_emoji_url": "",
        "team": team.team_id,
        "huddle_state": "default_unset",
        "huddle_state_expiration_ts": 0,
    }
    if user.email is not None:
        profile["email"] = user.email
    if user.is_bot:
        profile.update({"api_app_id": team.app_id, "always_active": True, "bot_id": team.bot_id})
    obj: dict[str, Any] = {
        "id": user.user_id,
        "team_id": team.team_id,
        "name": handle,
        "deleted": False,
        "color": "9f69e7",
        "real_name": user.name,
        "tz": user.tz,
        "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "profile": profile,
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": int(time.time()),
        "is_email_confirmed": user.email is not None,
        "who_can_share_contact_card": "EVERYONE",
        "is_workflow_bot": False,
        "is_invited_user": False,
        "is_connector_bot": False,
    }
    if include_locale:
        obj["locale"] = "en-US"
    if team.enterprise_id:
        obj["enterprise_user"] = {
            "id": user.user_id,
            "enterprise_id": team.enterprise_id,
            "enterprise_name": team.name,
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_primary_owner": False,
            "teams": [team.team_id],
        }
        obj["teams"] = [team.team_id]
        obj["enterprise_id"] = team.enterprise_id
        obj["enterprise_name"] = team.name
    return obj
