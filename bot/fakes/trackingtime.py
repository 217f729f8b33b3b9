"""A fake TrackingTime REST API v4, served over real HTTP, with in-memory state.

What it models
==============
The part of ``https://api.trackingtime.co/api/v4`` that the Slack app uses, following
``docs/trackingtime-api.md`` (the project's API notes), quirks included, so that the real HTTP
client can be tested, benchmarked and played with locally:

* ``GET /me`` (no account prefix): the authenticated user, their default ``account_id`` and
  ``teams[]``.
* ``/{account_id}/...`` routes, or the same routes without the account id, which then use the
  user's default (first) account: ``teams``, ``users``, ``customers``, ``projects``, ``tasks``,
  ``tasks/{id}``, ``tasks/track/{id}``, ``tasks/track`` (by name), ``tasks/stop/{id}``,
  ``users/{uid}/tasks/tracking``, ``events``, ``events/{id}``, ``events/add``,
  ``events/update/{id}`` (also ``events/{id}/update``, the official n8n node's form) and
  ``events/delete/{id}``.
* Workspaces (accounts), users with App Passwords, customers, projects, tasks, time entries
  (events) and running timers (an event whose ``end`` is null).

Wire quirks reproduced on purpose
=================================
* **Failures come as HTTP 200.** Every JSON reply is the envelope
  ``{"response": {"status", "version", "message", "note", "note_type"}, "data"}``; apart from bad
  credentials (a real HTTP 401) and rate limiting (a real HTTP 429), errors are HTTP 200 with the
  failure only in ``response.status`` (400, 403, 404, 500, 502...) and ``data`` null.
* **Status 502 is a "user exception"**, not a gateway error: starting a timer while one runs
  (without ``stop_running_task=true``) or stopping a task that is not being tracked.
* **Method-agnostic**: every route answers GET, POST, PUT, PATCH and DELETE alike. Parameters are
  merged from the query string, a form-urlencoded body and a JSON body (body wins over query;
  JSON ``true``/numbers/lists become the strings ``"true"``/``"3"``/``'[...]'``, as if sent as
  form fields). A gzip request body (``Content-Encoding: gzip``) is accepted.
* **Booleans are Java-style**: only ``"true"`` (any case) is true; ``"1"`` or ``"yes"`` are false.
* ``/tasks`` is always paged (``page`` 0-based, ``page_size`` default and maximum 100): without
  ``page`` you only get the first 100 tasks. ``/projects`` returns everything. ``/events`` pages
  with ``page_size`` default 50, maximum 1000.
* Non-JSON replies exist: injected gateway errors answer ``text/html`` pages.

Choices where the real API is unknown (the client must not depend on them)
==========================================================================
* **Times are local wall-clock time.** ``date`` (track/stop) and event ``start``/``end`` are
  ``yyyy-MM-dd HH:mm:ss`` in the request's ``timezone`` and are stored and returned exactly as
  sent (the API notes say it is unconfirmed whether the real ``start`` is local or UTC). An event
  keeps the time zone it was started with; a stop sent in another zone is converted into it.
  Durations are computed on the real instants (wall time minus UTC offset).
* ``timezone`` accepts ``GMT+02:00``, ``GMT-05:00``, ``GMT+3``, ``UTC+1``, ``GMT`` or an IANA name
  (converted with its offset at that date) and is echoed as ``GMT+HH:MM``. Anything else,
  including ``GMT 02:00`` (an unescaped ``+`` in a query string), is rejected with status 400.
  A missing ``timezone`` falls back to the user's profile time zone.
* ``date`` is strictly ``yyyy-MM-dd HH:mm:ss`` (no ``T``, no fractions) and required on both
  track **and stop** (missing or malformed → status 400 naming the parameter).
* ``tasks/track`` with ``project_id`` but no ``task_name`` (tracking the project itself, which the
  real API models with hidden "GHOST" tasks) is **rejected** with status 400: the fake does not
  model it.
* One running timer per user **per account**. Several users may track the same task; a task
  object's ``user``/``tracking_event`` is the requesting user's timer when they track it, else the
  earliest one; ``users[]`` lists every user tracking it, each with its ``event``.
* A task counts as archived when it or its project is archived. Archived tasks can be stopped
  but not tracked (status 404).
* ``/events`` includes running events (``end`` null, ``duration`` 0); it supports ``filter`` =
  USER, PROJECT, CUSTOMER, TASK (all need ``id``) and COMPANY; ``from``/``to`` are inclusive and a
  date alone means 00:00:00 / 23:59:59 in the events' local time.
* ``events/add`` requires ``start``, ``end`` and ``timezone`` (the official MCP's list; missing →
  status 400 naming the parameter) and takes ``duration``, ``user_id``, ``task_id`` |
  ``task_name``, ``project_id`` | ``project_name``, ``notes`` and ``event_type`` (``WORK`` by
  default, or ``NOT_LOGGED``). ``task_name`` finds or creates the task (and ``project_name`` its
  project) as ``tasks/track`` does; ``project_id``/``project_name`` alone give an entry on the
  project itself, with ``task``/``task_id`` null. With ``task_id``, a ``project_id`` other than
  the task's is status 400 (the task decides the project). Unknown or archived tasks and projects
  are status 404. Nothing is created when a request fails.
* **The fake is strict about ``duration``** (the real rule is unknown): when given, it must match
  the real time between ``start`` and ``end`` within 60 s, else status 400; an ``end`` before the
  ``start`` is status 400 too. The reply's ``duration`` is always the one computed from the times.
* **One timezone per entry, DST inside it.** ``timezone`` is the offset at ``start``; ``end`` is
  the wall time at the end instant, which after a DST change carries another offset. The fake
  reads ``end`` in the zone the wall times are in: the IANA zone when ``timezone`` names one, the
  owner's profile zone when ``timezone`` is the offset that zone has at ``start``, else the fixed
  offset (an ambiguous wall time takes the offset that agrees with ``duration``). So in
  Europe/Berlin, ``01:30``-``03:30`` on 2026-10-25 with ``GMT+02:00`` lasts 3 h and is returned
  with those wall times and ``duration`` 10800. (A timer stopped in another offset is different:
  its ``end`` is converted into the start's offset, as before.)
* ``events/update/{id}`` changes what it is given (``start``, ``end``, ``duration``,
  ``timezone``, ``notes``, ``task_id`` | ``task_name``, ``project_id`` | ``project_name``) with
  the same checks; wall times that are not given keep their text, even when ``timezone`` changes.
  A running entry cannot be given an ``end`` or ``duration`` (stop its timer) and must keep a
  task; its ``notes`` (and its task) can change, which is how the app sets a running timer's
  notes (unconfirmed for the real API, see the API notes). ``events/delete/{id}`` answers with
  the deleted event; deleting a running entry ends its timer. ``events/{id}`` reads one.
  Entries of another workspace are status 404.
* Roles: the first user added to an account is ``ADMIN``, later ones ``CO_WORKER`` (override with
  ``roles=``). Any member may read any other member's timer and events; only ``ADMIN`` and
  ``MANAGER`` may add (``user_id``), update or delete another member's entries (else status
  403; a ``user_id`` that is not a member is status 404).
* Injected ``rate_limit`` and the per-second limiter (keyed by the ``Authorization`` header,
  counting only the requests it lets through) answer HTTP 429 with an envelope status 429 and no
  ``Retry-After`` header: none is documented for the real API.
* Order of checks for every request: record, ``latency``, injected failure, rate limit,
  authentication (HTTP 401), account membership (status 403), routing (status 404),
  parameter validation (status 400).
* Ids come from separate ranges (accounts 1001+, users 2001+, customers 3001+, projects 4001+,
  tasks 5001+, events 900001+) so that a mixed-up id never silently hits another object, and
  they keep increasing across :meth:`FakeTrackingTime.reset`.

Using it
========
>>> fake = FakeTrackingTime()
>>> acc = fake.add_account("Acme")
>>> uid = fake.add_user("ann@acme.test", "app-pw", "Ann", accounts=[acc])
>>> with fake.serve() as server:          # doctest: +SKIP
...     server.api_url                    # 'http://127.0.0.1:PORT/api/v4'
...     # httpx.get(f"{server.api_url}/me", auth=("API_TOKEN", "app-pw"))

The control methods (``add_*``, ``fail_next``, read helpers...) are called from the test's
thread while the server runs on its own thread and event loop, so all state sits behind one
:class:`threading.Lock` that request handlers only hold while not awaiting.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import gzip
import json
import re
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.fakes.server import BackgroundServer

__all__ = ["FAILURE_KINDS", "FakeTrackingTime", "FakeTrackingTimeServer", "RecordedRequest"]

API_PREFIX = "/api/v4"
API_VERSION = "4"
OK_MESSAGE = "Request completed successfully"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

FAILURE_KINDS = frozenset(
    {
        "outage",
        "unavailable",
        "rate_limit",
        "server_error",
        "unauthorized_in_body",
        "hang",
        "not_json",
        "answer_lost",
    }
)
"""The kinds accepted by :meth:`FakeTrackingTime.fail_next`."""

TASKS_MAX_PAGE_SIZE = 100
EVENTS_DEFAULT_PAGE_SIZE = 50
EVENTS_MAX_PAGE_SIZE = 1000
EVENT_TYPES = frozenset({"WORK", "NOT_LOGGED"})
DURATION_TOLERANCE = 60  # seconds a given ``duration`` may differ from end - start
# Roles that may add, update and delete other members' time entries (the fake's choice).
MANAGING_ROLES = frozenset({"ADMIN", "MANAGER"})
DEFAULT_SCHEDULE: dict[str, float] = {
    "mon": 8.0,
    "tue": 8.0,
    "wed": 8.0,
    "thu": 8.0,
    "fri": 8.0,
    "sat": 0.0,
    "sun": 0.0,
}
_WEEKDAYS = tuple(DEFAULT_SCHEDULE)
_PROJECT_COLORS = ("#4A90E2", "#50E3C2", "#F5A623", "#D0021B", "#9013FE", "#7ED321", "#BD10E0")
_SECRET_PARAMS = frozenset({"password", "app_password", "token"})
_REDACTED = "<redacted>"

_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GMT_RE = re.compile(r"^(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE)

_HTML_PAGES: dict[int, str] = {
    200: (
        "<!DOCTYPE html><html><head><title>TrackingTime</title></head><body>"
        "<h1>We'll be back soon</h1><p>TrackingTime is down for maintenance.</p></body></html>"
    ),
    502: (
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        "</h1></center><hr><center>nginx</center></body></html>"
    ),
    503: (
        "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
        "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center>"
        "</body></html>"
    ),
    504: (
        "<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway "
        "Time-out</h1></center><hr><center>nginx</center></body></html>"
    ),
}


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    """One request as the fake received it, for assertions.

    ``params`` merges query string and body (secrets such as a ``password`` parameter are
    replaced by ``"<redacted>"``); ``username`` is the Basic-auth user name (``API_TOKEN`` or an
    email); the Basic-auth password is never kept. ``http_status`` and ``api_status`` (the
    envelope's ``response.status``, None for HTML replies) are filled in once the fake answers.
    """

    method: str
    path: str
    params: dict[str, str]
    username: str | None
    time: float
    user_agent: str | None = None
    http_status: int | None = None
    api_status: int | None = None


class FakeTrackingTimeServer(BackgroundServer):
    """A :class:`BackgroundServer` running a :class:`FakeTrackingTime`.

    ``api_url`` is the base URL a client should be configured with
    (``http://127.0.0.1:PORT/api/v4``). :meth:`stop` first wakes any request held by an injected
    ``hang`` so that shutting down never waits for it.
    """

    def __init__(self, fake: FakeTrackingTime) -> None:
        super().__init__(fake.app)
        self.fake = fake

    @property
    def api_url(self) -> str:
        return f"{self.url}{API_PREFIX}"

    def stop(self) -> None:
        self.fake.release_hangs()
        super().stop()


# --------------------------------------------------------------------------------------------
# Internal state
# --------------------------------------------------------------------------------------------


@dataclass
class _Account:
    id: int
    company: str
    roles: dict[int, str] = field(default_factory=dict)  # user id -> role, in joining order


@dataclass
class _User:
    id: int
    email: str
    app_password: str
    name: str
    surname: str
    accounts: list[int]
    timezone: str
    schedule: dict[str, float]

    @property
    def full_name(self) -> str:
        return f"{self.name} {self.surname}".strip()


@dataclass
class _Customer:
    id: int
    account_id: int
    name: str


@dataclass
class _Project:
    id: int
    account_id: int
    name: str
    customer_id: int | None
    archived: bool
    color: str
    direct: int = 0  # seconds of finished entries on the project itself (no task)


@dataclass
class _Task:
    id: int
    account_id: int
    name: str
    project_id: int | None
    archived: bool
    accumulated: int = 0  # seconds of finished events


@dataclass
class _Event:
    id: int
    account_id: int
    user_id: int
    task_id: int | None  # None: an entry on a project itself (or on nothing); never while running
    start: datetime  # naive local wall time in `offset`
    end: datetime | None  # naive wall time in `end_offset`; None while running
    tz: str  # "GMT+HH:MM"
    offset: timedelta
    notes: str
    created_at: str
    updated_at: str
    project_id: int | None = None  # task-less entries only; otherwise the task's project counts
    end_offset: timedelta | None = None  # when a DST change inside the entry moved the offset
    event_type: str = "WORK"

    @property
    def duration(self) -> int:
        """Real elapsed seconds: wall times minus their offsets, so a DST change counts."""
        if self.end is None:
            return 0
        end_offset = self.offset if self.end_offset is None else self.end_offset
        return int(((self.end - end_offset) - (self.start - self.offset)).total_seconds())


@dataclass
class _Reply:
    http_status: int
    api_status: int | None
    body: str
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Failure:
    kind: str
    times: int
    path_contains: str | None


@dataclass
class _Ctx:
    user: _User
    account_id: int
    params: dict[str, str]


class _ApiError(Exception):
    """Raised by handlers; becomes an HTTP 200 envelope carrying ``status`` and ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------------------------------
# Small pure helpers
# --------------------------------------------------------------------------------------------


def _now_utc() -> str:
    return datetime.now(UTC).strftime(DATETIME_FORMAT)


def _fmt(value: datetime | None) -> str | None:
    return None if value is None else value.strftime(DATETIME_FORMAT)


def _display_time(value: datetime | None) -> str | None:
    """A display string like ``09:05 am``: the real ``loc_*`` fields are preformatted text."""
    return None if value is None else value.strftime("%I:%M %p").lower()


def _hms(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _gmt(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours:02d}:{mins:02d}"


def _parse_local(value: str) -> datetime:
    """Parse ``yyyy-MM-dd HH:mm:ss`` strictly; ValueError otherwise."""
    if not _DATETIME_RE.match(value):
        raise ValueError(f"expected yyyy-MM-dd HH:mm:ss, got {value!r}")
    return datetime.strptime(value, DATETIME_FORMAT)


def _resolve_timezone(raw: str, local: datetime) -> tuple[str, timedelta]:
    """Turn ``GMT+3`` / ``GMT-05:00`` / an IANA name into (``GMT±HH:MM``, offset) at ``local``."""
    value = raw.strip()
    match = _GMT_RE.match(value)
    if match:
        sign, hours, minutes = match.groups()
        if sign is None:
            return "GMT+00:00", timedelta(0)
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if offset > timedelta(hours=14) or int(minutes or 0) >= 60:
            raise ValueError(f"offset out of range: {raw!r}")
        if sign == "-":
            offset = -offset
        return _gmt(offset), offset
    if "/" in value or value.upper() == "UTC":
        try:
            zone = ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {raw!r}") from exc
        offset = local.replace(tzinfo=zone).utcoffset() or timedelta(0)
        return _gmt(offset), offset
    raise ValueError(f"unknown time zone {raw!r}")


def _wall_offsets(zone: ZoneInfo, local: datetime) -> list[timedelta]:
    """The offsets ``zone`` can have at wall time ``local``: two in the hour a DST change repeats
    (or skips), else one."""
    offsets: list[timedelta] = []
    for fold in (0, 1):
        offset = local.replace(tzinfo=zone, fold=fold).utcoffset() or timedelta(0)
        if offset not in offsets:
            offsets.append(offset)
    return offsets


def _stringify(value: Any) -> str:
    """JSON body values become what the same value looks like as a form field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _flag(params: dict[str, str], name: str) -> bool:
    """Java ``Boolean.parseBoolean``: only ``true`` (any case) is true."""
    return params.get(name, "").strip().lower() == "true"


def _int_param(params: dict[str, str], name: str, default: int | None = None) -> int | None:
    raw = params.get(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise _ApiError(400, f"The parameter '{name}' must be an integer") from None


def _envelope(status: int, message: str, data: Any) -> str:
    return json.dumps(
        {
            "response": {
                "status": status,
                "version": API_VERSION,
                "message": message,
                "note": None,
                "note_type": None,
            },
            "data": data,
        }
    )


def _ok(data: Any) -> _Reply:
    return _Reply(200, 200, _envelope(200, OK_MESSAGE, data))


def _error(status: int, message: str, http_status: int = 200) -> _Reply:
    return _Reply(http_status, status, _envelope(status, message, None))


def _html(http_status: int) -> _Reply:
    return _Reply(http_status, None, _HTML_PAGES[http_status], media_type="text/html")


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeTrackingTime:
    """In-memory TrackingTime API v4 with a control API for tests (see the module docstring).

    Attributes meant to be set directly:

    * ``latency``: seconds awaited before answering every request (never blocks the loop).
    * ``rate_limit_per_second``: when set, a credential (the ``Authorization`` header) gets at most
      that many answered requests in any one-second window; more get HTTP 429.
    * ``hang_seconds``: how long an injected ``hang`` holds a request (30 s by default).
    * ``requests``: every request received, as :class:`RecordedRequest`.
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        rate_limit_per_second: float | None = None,
        hang_seconds: float = 30.0,
    ) -> None:
        self.latency = latency
        self.rate_limit_per_second = rate_limit_per_second
        self.hang_seconds = hang_seconds
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._next_ids = {
            "account": 1001,
            "user": 2001,
            "customer": 3001,
            "project": 4001,
            "task": 5001,
            "event": 900001,
        }
        self._init_state()
        self.app = Starlette(
            routes=[
                Route(
                    "/{path:path}",
                    self._endpoint,
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                )
            ]
        )

    def _init_state(self) -> None:
        self._accounts: dict[int, _Account] = {}
        self._users: dict[int, _User] = {}
        # Look-ups by what identifies a user, so that many users stay cheap to seed and serve.
        self._by_password: dict[str, _User] = {}
        self._emails: set[str] = set()
        self._customers: dict[int, _Customer] = {}
        self._projects: dict[int, _Project] = {}
        self._tasks: dict[int, _Task] = {}
        self._events: dict[int, _Event] = {}
        self._user_events: dict[int, dict[int, _Event]] = {}  # the USER filter's index
        self._running: dict[tuple[int, int], int] = {}  # (account, user) -> event id
        self._failures: list[_Failure] = []
        self._hang_generation = 0
        self._windows: dict[str, deque[float]] = {}

    # ---- serving -----------------------------------------------------------------------------

    def serve(self) -> FakeTrackingTimeServer:
        """Serve on a free localhost port; returns the started server (also a context manager).

        Use ``server.api_url`` (``http://127.0.0.1:PORT/api/v4``) as the client's base URL and
        ``server.stop()`` (or leave the ``with`` block) to shut it down.
        """
        return FakeTrackingTimeServer(self).start()

    # ---- seeding -----------------------------------------------------------------------------

    def _new_id(self, kind: str) -> int:
        value = self._next_ids[kind]
        self._next_ids[kind] = value + 1
        return value

    def reset(self) -> None:
        """Forget all data, failures, switches and recorded requests (ids keep increasing)."""
        with self._lock:
            self._hang_generation += 1
            generation = self._hang_generation
            self._init_state()
            self._hang_generation = generation
            self.requests.clear()
            self.latency = 0.0
            self.rate_limit_per_second = None

    def add_account(self, company: str) -> int:
        """Create a workspace; returns its account id."""
        with self._lock:
            account = _Account(self._new_id("account"), company)
            self._accounts[account.id] = account
            return account.id

    def add_user(
        self,
        email: str,
        app_password: str,
        name: str,
        surname: str = "",
        accounts: Sequence[int] = (),
        timezone: str = "Europe/Berlin",
        schedule: dict[str, float] | None = None,
        *,
        roles: dict[int, str] | None = None,
    ) -> int:
        """Create a user belonging to ``accounts`` (the first is the default/selected one).

        ``app_password`` must be unique: with username ``API_TOKEN`` it identifies the user.
        ``schedule`` gives hours per weekday (``mon``..``sun``; days left out are 0), 8 h Mon-Fri
        by default. The first member of an account is ``ADMIN``, later ones ``CO_WORKER`` unless
        ``roles`` (account id -> role) says otherwise.
        """
        if not accounts:
            raise ValueError("a user needs at least one account")
        full_schedule = _full_schedule(schedule)
        ZoneInfo(timezone)  # fail early on a bad profile zone
        with self._lock:
            for account_id in accounts:
                self._account(account_id)
            lowered = email.lower()
            if lowered in self._emails:
                raise ValueError(f"email already used: {email}")
            if app_password in self._by_password:
                raise ValueError("app password already used by another user")
            user = _User(
                self._new_id("user"),
                email,
                app_password,
                name,
                surname,
                list(dict.fromkeys(accounts)),
                timezone,
                full_schedule,
            )
            self._users[user.id] = user
            self._by_password[app_password] = user
            self._emails.add(lowered)
            for account_id in user.accounts:
                account = self._accounts[account_id]
                default_role = "ADMIN" if not account.roles else "CO_WORKER"
                account.roles[user.id] = (roles or {}).get(account_id, default_role)
            return user.id

    def set_schedule(self, user_id: int, schedule: dict[str, float]) -> None:
        """Change a user's schedule (hours per weekday; days left out are 0), as they would in
        TrackingTime's settings."""
        full_schedule = _full_schedule(schedule)
        with self._lock:
            self._users[user_id].schedule = full_schedule

    def add_customer(self, account_id: int, name: str) -> int:
        with self._lock:
            self._account(account_id)
            customer = _Customer(self._new_id("customer"), account_id, name)
            self._customers[customer.id] = customer
            return customer.id

    def add_project(
        self, account_id: int, name: str, customer_id: int | None = None, archived: bool = False
    ) -> int:
        with self._lock:
            self._account(account_id)
            if customer_id is not None:
                customer = self._customers.get(customer_id)
                if customer is None or customer.account_id != account_id:
                    raise ValueError(f"customer {customer_id} not in account {account_id}")
            return self._create_project(account_id, name, customer_id, archived)

    def add_task(
        self, account_id: int, name: str, project_id: int | None = None, archived: bool = False
    ) -> int:
        with self._lock:
            self._account(account_id)
            if project_id is not None:
                project = self._projects.get(project_id)
                if project is None or project.account_id != account_id:
                    raise ValueError(f"project {project_id} not in account {account_id}")
            return self._create_task(account_id, name, project_id, archived)

    def add_event(
        self,
        account_id: int,
        user_id: int,
        task_id: int,
        start: str,
        end: str,
        timezone: str,
        notes: str = "",
    ) -> int:
        """Seed a finished time entry (``start``/``end`` local ``yyyy-MM-dd HH:mm:ss``)."""
        start_local = _parse_local(start)
        end_local = _parse_local(end)
        tz, offset = _resolve_timezone(timezone, start_local)
        _, end_offset = _resolve_timezone(timezone, end_local)
        with self._lock:
            self._check_member(account_id, user_id)
            task = self._task_in(account_id, task_id)
            event = self._create_event(account_id, user_id, task.id, start_local, tz, offset, notes)
            try:
                self._finish(event, end_local, end_offset)
            except _ApiError as exc:
                self._discard_event(event)
                raise ValueError(exc.message) from None
            return event.id

    def start_timer(
        self, account_id: int, user_id: int, task_id: int, start: str, timezone: str
    ) -> int:
        """Seed a running timer; returns the event id. The user must not be tracking already."""
        start_local = _parse_local(start)
        tz, offset = _resolve_timezone(timezone, start_local)
        with self._lock:
            self._check_member(account_id, user_id)
            task = self._task_in(account_id, task_id)
            if (account_id, user_id) in self._running:
                raise ValueError(f"user {user_id} is already tracking in account {account_id}")
            event = self._create_event(account_id, user_id, task.id, start_local, tz, offset, "")
            self._running[(account_id, user_id)] = event.id
            return event.id

    # ---- read helpers (wire format, for assertions) -------------------------------------------

    def events(self, account_id: int, user_id: int | None = None) -> list[dict[str, Any]]:
        """All events of the account (or one user), oldest start first, as the API shows them."""
        with self._lock:
            chosen = [
                e
                for e in self._events.values()
                if e.account_id == account_id and (user_id is None or e.user_id == user_id)
            ]
            chosen.sort(key=lambda e: (e.start - e.offset, e.id))
            return [self._event_json(e) for e in chosen]

    def running_task(self, account_id: int, user_id: int) -> dict[str, Any] | None:
        """The task the user is tracking (with ``tracking_event``), or None."""
        with self._lock:
            event_id = self._running.get((account_id, user_id))
            if event_id is None:
                return None
            task = self._tracked_task(self._events[event_id])
            return self._task_json(task, self._trackers(account_id), user_id)

    def tasks(self, account_id: int) -> list[dict[str, Any]]:
        """Every task of the account, archived ones included."""
        with self._lock:
            trackers = self._trackers(account_id)
            return [
                self._task_json(t, trackers, None)
                for t in self._tasks.values()
                if t.account_id == account_id
            ]

    def projects(self, account_id: int) -> list[dict[str, Any]]:
        """Every project of the account, archived ones included."""
        with self._lock:
            totals = self._project_totals(account_id)
            return [
                self._project_json(p, totals)
                for p in self._projects.values()
                if p.account_id == account_id
            ]

    # ---- failure switches ---------------------------------------------------------------------

    def fail_next(self, kind: str, times: int = 1, path_contains: str | None = None) -> None:
        """Make the next ``times`` requests (whose path contains ``path_contains``) fail.

        Kinds: ``outage`` (HTTP 502 HTML), ``unavailable`` (HTTP 503 HTML), ``rate_limit`` (HTTP
        429, envelope 429), ``server_error`` (HTTP 200, envelope 500), ``unauthorized_in_body``
        (HTTP 200, envelope 401), ``hang`` (hold the request ``hang_seconds``, then answer
        normally; if woken early by :meth:`reset_failures`/:meth:`release_hangs` or server stop,
        answer HTTP 504 HTML without touching state), ``not_json`` (HTTP 200 HTML page),
        ``answer_lost`` (do what was asked, then answer HTTP 504 HTML, as a gateway that gave up
        waiting for TrackingTime's answer would: the client cannot tell it from an outage).
        Rules queue up; each request consumes the first rule that matches it.
        """
        if kind not in FAILURE_KINDS:
            raise ValueError(
                f"unknown failure kind {kind!r}; expected one of {sorted(FAILURE_KINDS)}"
            )
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._failures.append(_Failure(kind, times, path_contains))

    def reset_failures(self) -> None:
        """Drop pending injected failures and wake requests held by ``hang``."""
        with self._lock:
            self._failures.clear()
        self.release_hangs()

    def release_hangs(self) -> None:
        """Wake every request currently held by an injected ``hang`` (it answers 504)."""
        with self._lock:
            self._hang_generation += 1

    # ---- HTTP entry point ---------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        """Pipeline: record → latency → injected failure → rate limit → auth → route."""
        params, body_error = await self._read_params(request)
        credentials = _basic_auth(request.headers.get("authorization"))
        record = RecordedRequest(
            method=request.method,
            path=request.url.path,
            params={
                k: (_REDACTED if k.lower() in _SECRET_PARAMS else v) for k, v in params.items()
            },
            username=credentials[0] if credentials else None,
            time=time.time(),
            user_agent=request.headers.get("user-agent"),
        )
        with self._lock:
            self.requests.append(record)
        reply = await self._answer(request, params, body_error, credentials)
        record.http_status = reply.http_status
        record.api_status = reply.api_status
        return Response(
            reply.body,
            status_code=reply.http_status,
            media_type=reply.media_type,
            headers=reply.headers,
        )

    async def _answer(
        self,
        request: Request,
        params: dict[str, str],
        body_error: str | None,
        credentials: tuple[str, str] | None,
    ) -> _Reply:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        path = request.url.path
        failure = self._take_failure(path)
        if failure == "answer_lost":
            self._carry_out(request, params, body_error, credentials)
            return _html(504)
        if failure is not None:
            if failure == "hang":
                if not await self._hang():
                    return _html(504)
            else:
                return self._injected(failure)
        return self._carry_out(request, params, body_error, credentials)

    def _carry_out(
        self,
        request: Request,
        params: dict[str, str],
        body_error: str | None,
        credentials: tuple[str, str] | None,
    ) -> _Reply:
        """Rate limit, authentication, then the route itself."""
        path = request.url.path
        if self._over_rate_limit(request.headers.get("authorization") or ""):
            return _error(429, "Too many requests. Please slow down.", http_status=429)
        if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            return _error(404, "The requested endpoint doesn't exist")
        with self._lock:
            user = self._authenticate(credentials)
            if user is None:
                reply = _error(401, "Wrong credentials", http_status=401)
                reply.headers["WWW-Authenticate"] = 'Basic realm="TrackingTime"'
                return reply
            if body_error is not None:
                return _error(400, body_error)
            try:
                return self._route(user, path[len(API_PREFIX) :], params)
            except _ApiError as exc:
                return _error(exc.status, exc.message)

    async def _read_params(self, request: Request) -> tuple[dict[str, str], str | None]:
        """Merge query string, form body and JSON body (body wins); report a malformed body."""
        params: dict[str, str] = dict(request.query_params)
        raw = await request.body()
        if not raw:
            return params, None
        if request.headers.get("content-encoding", "").lower() == "gzip":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError):
                return params, "The request body is not valid gzip"
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                return params, "The request body is not valid JSON"
            if not isinstance(body, dict):
                return params, "The JSON body must be an object"
            params.update({str(k): _stringify(v) for k, v in body.items()})
        elif content_type == "application/x-www-form-urlencoded":
            text = raw.decode("utf-8", errors="replace")
            params.update(dict(parse_qsl(text, keep_blank_values=True)))
        return params, None

    def _take_failure(self, path: str) -> str | None:
        with self._lock:
            for rule in self._failures:
                if rule.path_contains is None or rule.path_contains in path:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._failures.remove(rule)
                    return rule.kind
        return None

    async def _hang(self) -> bool:
        """Hold the request; True if the full ``hang_seconds`` elapsed, False if released."""
        with self._lock:
            generation = self._hang_generation
        deadline = time.monotonic() + self.hang_seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self._hang_generation != generation:
                return False
            await asyncio.sleep(min(0.02, remaining))
        return True

    @staticmethod
    def _injected(kind: str) -> _Reply:
        if kind == "outage":
            return _html(502)
        if kind == "unavailable":
            return _html(503)
        if kind == "not_json":
            return _html(200)
        if kind == "rate_limit":
            return _error(429, "Too many requests. Please slow down.", http_status=429)
        if kind == "server_error":
            return _error(500, "An unexpected error occurred. Please try again later.")
        if kind == "unauthorized_in_body":
            return _error(401, "Wrong credentials")
        raise AssertionError(f"unhandled failure kind {kind}")

    def _over_rate_limit(self, key: str) -> bool:
        limit = self.rate_limit_per_second
        if limit is None:
            return False
        now = time.monotonic()
        with self._lock:
            window = self._windows.setdefault(key, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= limit:
                return True
            window.append(now)
            return False

    def _authenticate(self, credentials: tuple[str, str] | None) -> _User | None:
        if credentials is None:
            return None
        username, password = credentials
        user = self._by_password.get(password)
        if user is not None and (username == "API_TOKEN" or username.lower() == user.email.lower()):
            return user
        return None

    # ---- routing ------------------------------------------------------------------------------

    def _route(self, user: _User, subpath: str, params: dict[str, str]) -> _Reply:
        segments = [s for s in subpath.split("/") if s]
        if segments and segments[0].isdigit():
            account_id = int(segments[0])
            segments = segments[1:]
            if account_id not in user.accounts or account_id not in self._accounts:
                raise _ApiError(403, "You don't have permission to access this account")
        else:
            account_id = user.accounts[0]
        ctx = _Ctx(user, account_id, params)
        match segments:
            case ["me"]:
                return _ok(self._me_json(user))
            case ["teams"]:
                return _ok(self._teams_json(user))
            case ["users"]:
                return self._list_users(ctx)
            case ["users", uid, "tasks", "tracking"] if uid.isdigit():
                return self._user_tracking(ctx, int(uid))
            case ["customers"]:
                return self._list_customers(ctx)
            case ["projects"]:
                return self._list_projects(ctx)
            case ["tasks"]:
                return self._list_tasks(ctx)
            case ["tasks", "track"]:
                return self._track_by_name(ctx)
            case ["tasks", "track", tid] if tid.isdigit():
                return self._track(ctx, int(tid))
            case ["tasks", "stop", tid] if tid.isdigit():
                return self._stop(ctx, int(tid))
            case ["tasks", tid] if tid.isdigit():
                task = self._tasks.get(int(tid))
                if task is None or task.account_id != account_id:
                    raise _ApiError(404, "Task not found")
                return _ok(self._task_json(task, self._trackers(account_id), user.id))
            case ["events"]:
                return self._list_events(ctx)
            case ["events", "add"]:
                return self._add_event(ctx)
            case ["events", "update", eid] | ["events", eid, "update"] if eid.isdigit():
                return self._update_event(ctx, int(eid))
            case ["events", "delete", eid] if eid.isdigit():
                return self._delete_event(ctx, int(eid))
            case ["events", eid] if eid.isdigit():
                return _ok(self._event_json(self._event_in(ctx, int(eid))))
        raise _ApiError(404, "The requested endpoint doesn't exist")

    # ---- handlers (called with the lock held) -------------------------------------------------

    def _list_users(self, ctx: _Ctx) -> _Reply:
        status = ctx.params.get("filter", "ACTIVE").upper()
        if status not in {"ACTIVE", "ALL", "ARCHIVED", "INVITED"}:
            raise _ApiError(400, "The parameter 'filter' must be ACTIVE, ALL, ARCHIVED or INVITED")
        account = self._accounts[ctx.account_id]
        if status in {"ARCHIVED", "INVITED"}:
            return _ok([])
        return _ok([self._user_json(self._users[uid], account) for uid in account.roles])

    def _list_customers(self, ctx: _Ctx) -> _Reply:
        status = ctx.params.get("filter", "ACTIVE").upper()
        if status not in {"ACTIVE", "ALL", "ARCHIVED"}:
            raise _ApiError(400, "The parameter 'filter' must be ACTIVE, ALL or ARCHIVED")
        customers = [c for c in self._customers.values() if c.account_id == ctx.account_id]
        if status == "ARCHIVED":
            customers = []
        return _ok([{"id": c.id, "name": c.name, "is_archived": False} for c in customers])

    def _list_projects(self, ctx: _Ctx) -> _Reply:
        status = ctx.params.get("filter", "ACTIVE").upper()
        if status not in {"ACTIVE", "ALL", "ARCHIVED", "FOLLOWING"}:
            raise _ApiError(
                400, "The parameter 'filter' must be ACTIVE, ALL, ARCHIVED or FOLLOWING"
            )
        projects = [
            p
            for p in self._projects.values()
            if p.account_id == ctx.account_id
            and (
                status == "ALL"
                or (status == "ARCHIVED" and p.archived)
                or (status in {"ACTIVE", "FOLLOWING"} and not p.archived)
            )
        ]
        totals = self._project_totals(ctx.account_id)
        return _ok([self._project_json(p, totals) for p in projects])

    def _list_tasks(self, ctx: _Ctx) -> _Reply:
        status = ctx.params.get("filter", "ACTIVE").upper()
        if status not in {"ACTIVE", "ALL", "ARCHIVED", "TRACKING"}:
            raise _ApiError(400, "The parameter 'filter' must be ACTIVE, ALL, ARCHIVED or TRACKING")
        project_id = _int_param(ctx.params, "project_id")
        page = _int_param(ctx.params, "page", 0) or 0
        page_size = _int_param(ctx.params, "page_size", TASKS_MAX_PAGE_SIZE)
        if page < 0 or page_size is None or page_size < 1:
            raise _ApiError(400, "The parameters 'page' and 'page_size' must be positive")
        page_size = min(page_size, TASKS_MAX_PAGE_SIZE)
        trackers = self._trackers(ctx.account_id)
        chosen: list[_Task] = []
        for task in self._tasks.values():
            if task.account_id != ctx.account_id:
                continue
            if project_id is not None and task.project_id != project_id:
                continue
            archived = self._is_archived(task)
            if (
                status == "ALL"
                or (status == "ACTIVE" and not archived)
                or (status == "ARCHIVED" and archived)
                or (status == "TRACKING" and task.id in trackers)
            ):
                chosen.append(task)
        window = chosen[page * page_size : (page + 1) * page_size]
        return _ok([self._task_json(t, trackers, ctx.user.id) for t in window])

    def _user_tracking(self, ctx: _Ctx, user_id: int) -> _Reply:
        if user_id not in self._accounts[ctx.account_id].roles:
            raise _ApiError(404, "User not found")
        event_id = self._running.get((ctx.account_id, user_id))
        if event_id is None:
            return _ok([])
        task = self._tracked_task(self._events[event_id])
        return _ok([self._task_json(task, self._trackers(ctx.account_id), user_id)])

    def _track(self, ctx: _Ctx, task_id: int) -> _Reply:
        date, tz, offset = self._date_and_zone(ctx)
        task = self._tasks.get(task_id)
        if task is None or task.account_id != ctx.account_id or self._is_archived(task):
            raise _ApiError(404, "Task not found")
        self._check_can_start(ctx, date, offset)
        return self._start(ctx, task, date, tz, offset)

    def _track_by_name(self, ctx: _Ctx) -> _Reply:
        date, tz, offset = self._date_and_zone(ctx)
        task_name = ctx.params.get("task_name", "").strip()
        project_name = ctx.params.get("project_name", "").strip()
        project_id = _int_param(ctx.params, "project_id")
        if not task_name:
            if project_id is not None or project_name:
                raise _ApiError(
                    400,
                    "The parameter 'task_name' is required: this fake does not model tracking "
                    "a project itself",
                )
            raise _ApiError(400, "The parameter 'task_name' is required")
        project: _Project | None = None
        if project_id is not None:
            project = self._projects.get(project_id)
            if project is None or project.account_id != ctx.account_id or project.archived:
                raise _ApiError(404, "Project not found")
        self._check_can_start(ctx, date, offset)
        if project is None and project_name:
            project = self._find_or_create_project(ctx.account_id, project_name)
        task = self._find_or_create_task(ctx.account_id, task_name, project)
        return self._start(ctx, task, date, tz, offset)

    def _stop(self, ctx: _Ctx, task_id: int) -> _Reply:
        date, _tz, offset = self._date_and_zone(ctx)
        task = self._tasks.get(task_id)
        if task is None or task.account_id != ctx.account_id:
            raise _ApiError(404, "Task not found")
        event_id = self._running.get((ctx.account_id, ctx.user.id))
        if event_id is None or self._events[event_id].task_id != task.id:
            raise _ApiError(502, "The task is not being tracked")
        event = self._events[event_id]
        self._finish(event, date, offset)
        if _flag(ctx.params, "return_task"):
            return _ok(self._task_json(task, self._trackers(ctx.account_id), ctx.user.id))
        return _ok(self._event_json(event))

    def _list_events(self, ctx: _Ctx) -> _Reply:
        params = ctx.params
        kind = params.get("filter", "").upper()
        if kind not in {"USER", "PROJECT", "CUSTOMER", "TASK", "COMPANY"}:
            raise _ApiError(
                400, "The parameter 'filter' is required: USER, PROJECT, CUSTOMER, TASK or COMPANY"
            )
        entity_id = _int_param(params, "id")
        if kind != "COMPANY" and entity_id is None:
            raise _ApiError(400, f"The parameter 'id' is required with filter={kind}")
        start = self._range_bound(params, "from", end_of_day=False)
        end = self._range_bound(params, "to", end_of_day=True)
        order = params.get("order", "asc").lower()
        if order not in {"asc", "desc"}:
            raise _ApiError(400, "The parameter 'order' must be asc or desc")
        page = _int_param(params, "page", 0) or 0
        page_size = _int_param(params, "page_size", EVENTS_DEFAULT_PAGE_SIZE)
        if page < 0 or page_size is None or page_size < 1:
            raise _ApiError(400, "The parameters 'page' and 'page_size' must be positive")
        page_size = min(page_size, EVENTS_MAX_PAGE_SIZE)

        def wanted(event: _Event) -> bool:
            if event.account_id != ctx.account_id or not start <= event.start <= end:
                return False
            project = self._event_project(event)
            match kind:
                case "USER":
                    return event.user_id == entity_id
                case "TASK":
                    return event.task_id == entity_id
                case "PROJECT":
                    return project is not None and project.id == entity_id
                case "CUSTOMER":
                    return project is not None and project.customer_id == entity_id
            return True

        candidates = (
            self._user_events.get(entity_id or 0, {}) if kind == "USER" else self._events
        ).values()
        chosen = sorted(
            (e for e in candidates if wanted(e)),
            key=lambda e: (e.start, e.id),
            reverse=order == "desc",
        )
        window = chosen[page * page_size : (page + 1) * page_size]
        return _ok([self._event_json(e) for e in window])

    def _add_event(self, ctx: _Ctx) -> _Reply:
        """``events/add``: validate everything, then create (a task or project found by name
        last), so that a refused request changes nothing."""
        params = ctx.params
        start = self._wall_param(params, "start")
        end = self._wall_param(params, "end")
        raw_tz = params.get("timezone", "").strip()
        if not raw_tz:
            raise _ApiError(400, "The parameter 'timezone' is required (e.g. GMT+02:00)")
        tz, offset = self._zone_param(raw_tz, start)
        duration = self._duration_param(params)
        event_type = params.get("event_type", "").strip().upper() or "WORK"
        if event_type not in EVENT_TYPES:
            raise _ApiError(400, "The parameter 'event_type' must be WORK or NOT_LOGGED")
        owner = self._event_owner(ctx, _int_param(params, "user_id"))
        end_offset = self._checked_end(owner, raw_tz, start, offset, end, duration)
        task, project = self._event_target(ctx)
        now = _now_utc()
        event = _Event(
            self._new_id("event"),
            ctx.account_id,
            owner.id,
            task.id if task else None,
            start,
            end,
            tz,
            offset,
            params.get("notes", ""),
            now,
            now,
            project_id=project.id if project and not task else None,
            end_offset=None if end_offset == offset else end_offset,
            event_type=event_type,
        )
        self._keep(event)
        self._credit(event, 1)
        return _ok(self._event_json(event))

    def _update_event(self, ctx: _Ctx, event_id: int) -> _Reply:
        """``events/update/{id}``: change what is given, with the checks of ``events/add``."""
        event = self._event_in(ctx, event_id)
        self._check_may_edit(ctx, event.user_id)
        params = ctx.params
        running = event.end is None
        if running and ("end" in params or "duration" in params):
            raise _ApiError(400, "The time entry is running: stop its timer to set its end")
        retarget = any(k in params for k in ("task_id", "task_name", "project_id", "project_name"))
        if running and retarget and not ("task_id" in params or "task_name" in params):
            raise _ApiError(400, "A running time entry needs a task")
        start = self._wall_param(params, "start") if "start" in params else event.start
        end = self._wall_param(params, "end") if "end" in params else event.end
        raw_tz = params["timezone"].strip() if "timezone" in params else event.tz
        tz, offset, end_offset = event.tz, event.offset, event.end_offset
        if any(k in params for k in ("start", "end", "duration", "timezone")):
            tz, offset = self._zone_param(raw_tz, start)
            end_offset = None
            if end is not None:
                owner = self._users[event.user_id]
                found = self._checked_end(
                    owner, raw_tz, start, offset, end, self._duration_param(params)
                )
                end_offset = None if found == offset else found
        task_id, project_id = event.task_id, event.project_id
        if retarget:
            task, project = self._event_target(ctx)
            task_id = task.id if task else None
            project_id = project.id if project and not task else None
        self._credit(event, -1)
        event.start, event.end, event.tz, event.offset = start, end, tz, offset
        event.end_offset, event.task_id, event.project_id = end_offset, task_id, project_id
        event.notes = params.get("notes", event.notes)
        event.updated_at = _now_utc()
        self._credit(event, 1)
        return _ok(self._event_json(event))

    def _delete_event(self, ctx: _Ctx, event_id: int) -> _Reply:
        """``events/delete/{id}``: answers with the entry as it was; a running one's timer ends."""
        event = self._event_in(ctx, event_id)
        self._check_may_edit(ctx, event.user_id)
        deleted = self._event_json(event)
        self._credit(event, -1)
        key = (event.account_id, event.user_id)
        if self._running.get(key) == event.id:
            del self._running[key]
        self._discard_event(event)
        return _ok(deleted)

    # ---- handler helpers ----------------------------------------------------------------------

    @staticmethod
    def _wall_param(params: dict[str, str], name: str) -> datetime:
        """A required ``yyyy-MM-dd HH:mm:ss`` parameter (status 400 naming it otherwise)."""
        raw = params.get(name, "").strip()
        if not raw:
            raise _ApiError(400, f"The parameter '{name}' is required (yyyy-MM-dd HH:mm:ss)")
        try:
            return _parse_local(raw)
        except ValueError:
            raise _ApiError(
                400, f"The parameter '{name}' has an invalid format, expected yyyy-MM-dd HH:mm:ss"
            ) from None

    @staticmethod
    def _zone_param(raw: str, local: datetime) -> tuple[str, timedelta]:
        try:
            return _resolve_timezone(raw, local)
        except ValueError:
            raise _ApiError(
                400, "The parameter 'timezone' is invalid, expected e.g. GMT+02:00"
            ) from None

    @staticmethod
    def _duration_param(params: dict[str, str]) -> int | None:
        return _int_param(params, "duration")  # its sign is checked with end - start

    def _event_in(self, ctx: _Ctx, event_id: int) -> _Event:
        event = self._events.get(event_id)
        if event is None or event.account_id != ctx.account_id:
            raise _ApiError(404, "Time entry not found")
        return event

    def _check_may_edit(self, ctx: _Ctx, owner_id: int) -> None:
        if owner_id == ctx.user.id:
            return
        if self._accounts[ctx.account_id].roles[ctx.user.id] not in MANAGING_ROLES:
            raise _ApiError(403, "You don't have permission to edit other users' time entries")

    def _event_owner(self, ctx: _Ctx, user_id: int | None) -> _User:
        """Whose entry ``events/add`` creates: the caller, or a member a manager names."""
        if user_id is None or user_id == ctx.user.id:
            return ctx.user
        self._check_may_edit(ctx, user_id)
        if user_id not in self._accounts[ctx.account_id].roles:
            raise _ApiError(404, "User not found")
        return self._users[user_id]

    def _checked_end(
        self,
        owner: _User,
        raw_tz: str,
        start: datetime,
        offset: timedelta,
        end: datetime,
        duration: int | None,
    ) -> timedelta:
        """The UTC offset of wall time ``end`` (see the module docstring), after checking that
        the entry does not end before it starts and that a given ``duration`` matches."""
        zone: ZoneInfo | None
        if not _GMT_RE.match(raw_tz.strip()):
            zone = ZoneInfo(raw_tz.strip())  # an IANA name _resolve_timezone accepted
        else:
            profile = ZoneInfo(owner.timezone)
            zone = profile if offset in _wall_offsets(profile, start) else None
        candidates = _wall_offsets(zone, end) if zone else [offset]

        def elapsed(end_offset: timedelta) -> int:
            return int(((end - end_offset) - (start - offset)).total_seconds())

        end_offset = candidates[0]
        if duration is not None:
            end_offset = min(candidates, key=lambda o: abs(elapsed(o) - duration))
        real = elapsed(end_offset)
        if real < 0:  # first: a negative duration usually just follows from it
            raise _ApiError(400, "The parameter 'end' can't be before 'start'")
        if duration is not None and duration < 0:
            raise _ApiError(400, "The parameter 'duration' must be seconds, 0 or more")
        if duration is not None and abs(duration - real) > DURATION_TOLERANCE:
            raise _ApiError(
                400,
                f"The parameter 'duration' ({duration} s) doesn't match the time from 'start' "
                f"to 'end' ({real} s)",
            )
        return end_offset

    def _event_target(self, ctx: _Ctx) -> tuple[_Task | None, _Project | None]:
        """The task (and its project) an entry is on, from ``task_id`` | ``task_name`` and
        ``project_id`` | ``project_name``; a task or project named but missing is created."""
        params = ctx.params
        project: _Project | None = None
        project_id = _int_param(params, "project_id")
        if project_id is not None:
            project = self._projects.get(project_id)
            if project is None or project.account_id != ctx.account_id or project.archived:
                raise _ApiError(404, "Project not found")
        task_id = _int_param(params, "task_id")
        if task_id is not None:
            task = self._tasks.get(task_id)
            if task is None or task.account_id != ctx.account_id or self._is_archived(task):
                raise _ApiError(404, "Task not found")
            if project is not None and task.project_id != project.id:
                raise _ApiError(400, f"The task {task.id} is not in the project {project.id}")
            return task, self._projects.get(task.project_id) if task.project_id else None
        project_name = params.get("project_name", "").strip()
        if project is None and project_name:
            project = self._find_or_create_project(ctx.account_id, project_name)
        task_name = params.get("task_name", "").strip()
        if task_name:
            return self._find_or_create_task(ctx.account_id, task_name, project), project
        return None, project

    def _find_or_create_project(self, account_id: int, name: str) -> _Project:
        """The active project called ``name`` (any case), created when there is none."""
        for project in self._projects.values():
            if (
                project.account_id == account_id
                and not project.archived
                and project.name.lower() == name.lower()
            ):
                return project
        return self._projects[self._create_project(account_id, name, None, False)]

    def _find_or_create_task(self, account_id: int, name: str, project: _Project | None) -> _Task:
        """The active task called ``name`` (any case) in ``project`` (or in none), else a new
        one."""
        project_id = project.id if project else None
        for task in self._tasks.values():
            if (
                task.account_id == account_id
                and task.project_id == project_id
                and not self._is_archived(task)
                and task.name.lower() == name.lower()
            ):
                return task
        return self._tasks[self._create_task(account_id, name, project_id, False)]

    def _date_and_zone(self, ctx: _Ctx) -> tuple[datetime, str, timedelta]:
        date = self._wall_param(ctx.params, "date")
        zone = ctx.params.get("timezone", "").strip() or ctx.user.timezone
        tz, offset = self._zone_param(zone, date)
        return date, tz, offset

    @staticmethod
    def _range_bound(params: dict[str, str], name: str, *, end_of_day: bool) -> datetime:
        raw = params.get(name, "").strip()
        if not raw:
            raise _ApiError(400, f"The parameter '{name}' is required (YYYY-MM-DD)")
        try:
            if _DATE_RE.match(raw):
                day = datetime.strptime(raw, DATE_FORMAT)
                return day.replace(hour=23, minute=59, second=59) if end_of_day else day
            return _parse_local(raw)
        except ValueError:
            raise _ApiError(
                400, f"The parameter '{name}' has an invalid format, expected YYYY-MM-DD"
            ) from None

    def _check_can_start(self, ctx: _Ctx, date: datetime, offset: timedelta) -> None:
        """Refuse (502) to start while a timer runs, unless ``stop_running_task=true``."""
        event_id = self._running.get((ctx.account_id, ctx.user.id))
        if event_id is None:
            return
        if not _flag(ctx.params, "stop_running_task"):
            raise _ApiError(
                502,
                "There is a task being tracked already. Stop it first or send "
                "stop_running_task=true",
            )
        running = self._events[event_id]
        if date - offset < running.start - running.offset:
            raise _ApiError(400, "The date can't be before the start of the running task")

    def _start(self, ctx: _Ctx, task: _Task, date: datetime, tz: str, offset: timedelta) -> _Reply:
        key = (ctx.account_id, ctx.user.id)
        if key in self._running:
            self._finish(self._events[self._running[key]], date, offset)
        notes = ctx.params.get("notes", "")
        event = self._create_event(ctx.account_id, ctx.user.id, task.id, date, tz, offset, notes)
        self._running[key] = event.id
        if _flag(ctx.params, "return_task"):
            return _ok(self._task_json(task, self._trackers(ctx.account_id), ctx.user.id))
        return _ok(self._event_json(event))

    def _finish(self, event: _Event, end_local: datetime, end_offset: timedelta) -> None:
        """End ``event`` at ``end_local`` (given in ``end_offset``), in the event's own zone."""
        end_in_event_zone = end_local - end_offset + event.offset
        if end_in_event_zone < event.start:
            raise _ApiError(400, "The end date can't be before the start date")
        event.end = end_in_event_zone
        event.updated_at = _now_utc()
        self._credit(event, 1)
        key = (event.account_id, event.user_id)
        if self._running.get(key) == event.id:
            del self._running[key]

    # ---- state helpers (lock held) ------------------------------------------------------------

    def _account(self, account_id: int) -> _Account:
        account = self._accounts.get(account_id)
        if account is None:
            raise ValueError(f"unknown account {account_id}")
        return account

    def _check_member(self, account_id: int, user_id: int) -> None:
        if user_id not in self._account(account_id).roles:
            raise ValueError(f"user {user_id} is not in account {account_id}")

    def _task_in(self, account_id: int, task_id: int) -> _Task:
        task = self._tasks.get(task_id)
        if task is None or task.account_id != account_id:
            raise ValueError(f"task {task_id} not in account {account_id}")
        return task

    def _create_project(
        self, account_id: int, name: str, customer_id: int | None, archived: bool
    ) -> int:
        project_id = self._new_id("project")
        color = _PROJECT_COLORS[project_id % len(_PROJECT_COLORS)]
        self._projects[project_id] = _Project(
            project_id, account_id, name, customer_id, archived, color
        )
        return project_id

    def _create_task(
        self, account_id: int, name: str, project_id: int | None, archived: bool
    ) -> int:
        task_id = self._new_id("task")
        self._tasks[task_id] = _Task(task_id, account_id, name, project_id, archived)
        return task_id

    def _create_event(
        self,
        account_id: int,
        user_id: int,
        task_id: int,
        start: datetime,
        tz: str,
        offset: timedelta,
        notes: str,
    ) -> _Event:
        now = _now_utc()
        event = _Event(
            self._new_id("event"),
            account_id,
            user_id,
            task_id,
            start,
            None,
            tz,
            offset,
            notes,
            now,
            now,
        )
        self._keep(event)
        return event

    def _keep(self, event: _Event) -> None:
        self._events[event.id] = event
        self._user_events.setdefault(event.user_id, {})[event.id] = event

    def _tracked_task(self, event: _Event) -> _Task:
        """A running entry's task: running entries always have one (updates keep it so)."""
        assert event.task_id is not None, f"running event {event.id} has no task"
        return self._tasks[event.task_id]

    def _credit(self, event: _Event, sign: int) -> None:
        """Add (``sign`` 1) or take back (-1) a finished entry's seconds on its task or, for an
        entry on a project itself, on the project."""
        if event.end is None:
            return
        seconds = sign * event.duration
        if event.task_id is not None:
            self._tasks[event.task_id].accumulated += seconds
        elif event.project_id is not None:
            self._projects[event.project_id].direct += seconds

    def _event_project(self, event: _Event) -> _Project | None:
        """The entry's project: its task's, or its own when it has no task."""
        project_id = event.project_id
        if event.task_id is not None:
            project_id = self._tasks[event.task_id].project_id
        return self._projects.get(project_id) if project_id else None

    def _discard_event(self, event: _Event) -> None:
        self._events.pop(event.id, None)
        self._user_events.get(event.user_id, {}).pop(event.id, None)

    def _is_archived(self, task: _Task) -> bool:
        if task.archived:
            return True
        project = self._projects.get(task.project_id) if task.project_id else None
        return project is not None and project.archived

    def _trackers(self, account_id: int) -> dict[int, list[_Event]]:
        """Task id -> running events on it in the account, earliest first."""
        result: dict[int, list[_Event]] = {}
        for (acc, _user), event_id in self._running.items():
            if acc == account_id:
                event = self._events[event_id]
                result.setdefault(self._tracked_task(event).id, []).append(event)
        for events in result.values():
            events.sort(key=lambda e: e.id)
        return result

    # ---- serialisation (lock held) ------------------------------------------------------------

    def _me_json(self, user: _User) -> dict[str, Any]:
        return {
            "id": user.id,
            "account_id": user.accounts[0],
            "email": user.email,
            "name": user.name,
            "surname": user.surname,
            "first_name": user.name,
            "last_name": user.surname,
            "timezone": user.timezone,
            "locale": "en",
            "schedule": dict(user.schedule),
            "teams": self._teams_json(user),
        }

    def _teams_json(self, user: _User) -> list[dict[str, Any]]:
        return [
            {
                "account_id": account_id,
                "company": self._accounts[account_id].company,
                "role": self._accounts[account_id].roles[user.id],
                "is_selected": index == 0,
                "is_default": index == 0,
                "status": "ACTIVE",
            }
            for index, account_id in enumerate(user.accounts)
        ]

    def _user_json(self, user: _User, account: _Account) -> dict[str, Any]:
        return {
            "id": user.id,
            "name": user.name,
            "surname": user.surname,
            "email": user.email,
            "role": account.roles[user.id],
            "status": "VERIFIED",
            "is_archived": False,
            "timezone": user.timezone,
            "schedule": dict(user.schedule),
        }

    def _customer_ref(self, customer_id: int | None) -> dict[str, Any] | None:
        customer = self._customers.get(customer_id) if customer_id else None
        return None if customer is None else {"id": customer.id, "name": customer.name}

    def _project_totals(self, account_id: int) -> dict[int, int]:
        """Project id -> seconds of finished events on its tasks (one pass over the tasks)."""
        totals: dict[int, int] = {}
        for task in self._tasks.values():
            if task.account_id == account_id and task.project_id is not None:
                totals[task.project_id] = totals.get(task.project_id, 0) + task.accumulated
        for project in self._projects.values():
            if project.account_id == account_id and project.direct:
                totals[project.id] = totals.get(project.id, 0) + project.direct
        return totals

    def _project_json(self, project: _Project, totals: dict[int, int]) -> dict[str, Any]:
        accumulated = totals.get(project.id, 0)
        return {
            "id": project.id,
            "name": project.name,
            "customer": self._customer_ref(project.customer_id),
            "is_archived": project.archived,
            "color": project.color,
            "accumulated_time": accumulated,
            "worked_hours": round(accumulated / 3600, 2),
        }

    def _task_json(
        self, task: _Task, trackers: dict[int, list[_Event]], perspective: int | None
    ) -> dict[str, Any]:
        project = self._projects.get(task.project_id) if task.project_id else None
        customer = self._customer_ref(project.customer_id) if project else None
        running = trackers.get(task.id, [])
        shown = next(
            (e for e in running if e.user_id == perspective), running[0] if running else None
        )
        tracker = self._users[shown.user_id] if shown else None
        return {
            "id": task.id,
            "name": task.name,
            "description": "",
            "project_id": project.id if project else None,
            "project": project.name if project else None,
            "customer": customer["name"] if customer else None,
            "customer_id": customer["id"] if customer else None,
            "type": "EVERYONE",
            "is_archived": self._is_archived(task),
            "accumulated_time": task.accumulated,
            "worked_hours": round(task.accumulated / 3600, 2),
            "tracking": shown is not None,
            "tracking_event": self._event_json(shown) if shown else None,
            "user": (
                {"id": tracker.id, "name": tracker.name, "surname": tracker.surname}
                if tracker
                else None
            ),
            "users": [
                {
                    "id": e.user_id,
                    "name": self._users[e.user_id].name,
                    "surname": self._users[e.user_id].surname,
                    "status": "TRACKING",
                    "event": {"id": e.id, "start": _fmt(e.start), "end": None},
                }
                for e in running
            ],
        }

    def _event_json(self, event: _Event) -> dict[str, Any]:
        user = self._users[event.user_id]
        task = self._tasks[event.task_id] if event.task_id is not None else None
        project = self._event_project(event)
        customer = self._customer_ref(project.customer_id) if project else None
        duration = event.duration
        return {
            "id": event.id,
            "type": event.event_type,
            "start": _fmt(event.start),
            "end": _fmt(event.end),
            "loc_start": _display_time(event.start),
            "loc_end": _display_time(event.end),
            "duration": duration,
            "loc_duration": f"{duration // 3600}:{duration % 3600 // 60:02d}",
            "formated_duration": _hms(duration),
            "timezone": event.tz,
            "user": user.full_name,
            "user_id": user.id,
            "task": task.name if task else None,
            "task_id": task.id if task else None,
            "project": project.name if project else None,
            "project_id": project.id if project else None,
            "customer": customer["name"] if customer else None,
            "customer_id": customer["id"] if customer else None,
            "notes": event.notes,
            "is_billable": False,
            "is_billed": False,
            "created_at": event.created_at,
            "updated_at": event.updated_at,
        }


def _full_schedule(schedule: dict[str, float] | None) -> dict[str, float]:
    """Hours for every weekday: 8 h Mon-Fri by default, else ``schedule`` with 0 elsewhere."""
    if schedule is None:
        return dict(DEFAULT_SCHEDULE)
    unknown = set(schedule) - set(_WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekdays in schedule: {sorted(unknown)}")
    return dict.fromkeys(_WEEKDAYS, 0.0) | {day: float(hours) for day, hours in schedule.items()}
