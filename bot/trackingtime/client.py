"""An async client for the TrackingTime API v4 (see ``docs/trackingtime-api.md``).

:class:`TrackingTime` owns one ``httpx.AsyncClient`` (one connection pool per process) on an
aiohttp transport (:mod:`bot.trackingtime.transport`): httpcore's own pool spends CPU in
proportion to connections times queued requests (encode/httpcore#1035), which under a burst cost
more than every other part of a request together; ``python -m bench.transports`` measures the
candidates. :meth:`TrackingTime.session` binds it to one user's App Password, TrackingTime
workspace and time zone; :class:`TrackingTimeSession` holds the calls the app makes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import aiohttp
import httpx

from bot.metrics import endpoint_of, timed_call
from bot.settings import DEFAULT_TRACKINGTIME_CONTACT
from bot.trackingtime.errors import TrackingTimeError, Unavailable
from bot.trackingtime.models import Event, Me, Project, RunningTimer, Task
from bot.trackingtime.timefmt import to_tt, zone_or_utc
from bot.trackingtime.transport import (
    DEFAULT_TIMEOUT,
    CookielessClient,
    aiohttp_transport,
    transport_failure,
    unwrap,
    user_agent,
)

log = logging.getLogger(__name__)


TASKS_PAGE_SIZE = 100  # /tasks pages at 100 whatever is asked
EVENTS_PAGE_SIZE = 200
MAX_PAGES = 50  # a guard against a server that never returns a short page

# TrackingTime's own integrations authenticate App Passwords with this user name.
APP_PASSWORD_USER = "API_TOKEN"
# What a webhook is registered for: the changes to time entries, as TrackingTime's n8n trigger
# asks for them (docs/trackingtime-api.md, "Webhooks").
WEBHOOK_EVENTS = ("event.created", "event.updated")

Params = dict[str, str | int]


class TrackingTime:
    """The process-wide TrackingTime client."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        contact: str = DEFAULT_TRACKINGTIME_CONTACT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = CookielessClient(
            timeout=timeout,
            headers={"User-Agent": user_agent(contact), "Accept": "application/json"},
            transport=transport or aiohttp_transport(),
        )

    def session(
        self, app_password: str, account_id: int | None = None, time_zone: str | None = None
    ) -> TrackingTimeSession:
        """Calls made as the owner of ``app_password`` in workspace ``account_id``."""
        return TrackingTimeSession(self, app_password, account_id, zone_or_utc(time_zone))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        app_password: str,
        params: Params | None = None,
        form: Params | None = None,
    ) -> Any:
        """One call; returns the envelope's ``data`` or raises a :class:`TrackingTimeError`.
        Counted and timed by endpoint and outcome (bot/metrics.py)."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        with timed_call(f"{method} {endpoint_of(path)}") as call:
            try:
                response = await self._http.request(
                    method,
                    url,
                    params=params,
                    data=form,
                    auth=httpx.BasicAuth(APP_PASSWORD_USER, app_password),
                )
                return unwrap(response, f"{method} {path}")
            except (httpx.RequestError, aiohttp.ClientError, TimeoutError) as exc:
                failure = transport_failure(exc, f"{method} {path}")
                call["outcome"] = type(failure).__name__
                raise failure from None
            except TrackingTimeError as error:
                call["outcome"] = type(error).__name__
                raise


def _records(data: Any, what: str) -> list[dict[str, Any]]:
    """A list endpoint's ``data``: a list of objects (``null`` meaning none), else the reply is
    not TrackingTime's API speaking."""
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise Unavailable(f"{what}: expected a list of objects, got {type(data).__name__}")
    return data


class TrackingTimeSession:
    """The API as one user in one workspace; times are sent in the user's time zone."""

    def __init__(
        self, client: TrackingTime, app_password: str, account_id: int | None, zone: tzinfo
    ) -> None:
        self._client = client
        self._password = app_password
        self.account_id = account_id
        self.zone = zone

    def __repr__(self) -> str:  # never show the password
        return f"TrackingTimeSession(account_id={self.account_id}, zone={self.zone})"

    def _path(self, path: str) -> str:
        return f"{self.account_id}/{path}" if self.account_id else path

    async def _get(self, path: str, params: Params | None = None) -> Any:
        return await self._client.request("GET", self._path(path), self._password, params=params)

    async def _post(self, path: str, form: Params) -> Any:
        """A form-urlencoded POST: how TrackingTime's official MCP server sends ``*/add``."""
        return await self._client.request("POST", self._path(path), self._password, form=form)

    def _when(self, at: datetime) -> Params:
        local, offset = to_tt(at, self.zone)
        return {"date": local, "timezone": offset}

    async def me(self) -> Me:
        """Who the App Password belongs to and which workspaces they can use (no account prefix)."""
        data = await self._client.request("GET", "me", self._password)
        if not isinstance(data, dict):
            raise Unavailable("GET me: no user in the reply")
        return Me.from_api(data)

    async def projects(self) -> list[Project]:
        data = await self._get("projects", {"filter": "ACTIVE"})
        return [Project.from_api(item) for item in _records(data, "projects")]

    async def tasks(self, project_id: int | None = None) -> list[Task]:
        """Every active task in the workspace (or one project), across pages."""
        params: Params = {"filter": "ACTIVE", "page_size": TASKS_PAGE_SIZE}
        if project_id is not None:
            params["project_id"] = project_id
        return [Task.from_api(item) for item in await self._pages("tasks", params, TASKS_PAGE_SIZE)]

    async def _pages(self, path: str, params: Params, page_size: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[Any] = set()
        for page in range(MAX_PAGES):
            batch = _records(await self._get(path, {**params, "page": page}), path)
            fresh = [item for item in batch if item.get("id") not in seen]
            seen.update(item.get("id") for item in fresh)
            items.extend(fresh)
            # Some list endpoints ignore ``page``: a repeated page ends the walk too.
            if len(batch) < page_size or not fresh:
                break
        return items

    async def track(self, task_id: int, at: datetime, notes: str = "") -> RunningTimer:
        """Start the task's timer, stopping whatever timer the user had running."""
        params: Params = {
            **self._when(at),
            "stop_running_task": "true",
            "return_task": "true",
        }
        if notes:
            params["notes"] = notes
        data = await self._get(f"tasks/track/{task_id}", params)
        return self._running(data, at, notes)

    async def track_by_name(
        self, task_name: str, project_name: str | None, at: datetime, notes: str = ""
    ) -> RunningTimer:
        """Start a timer on a task found by name, which TrackingTime creates (with its project)
        when it does not exist."""
        params: Params = {
            **self._when(at),
            "task_name": task_name,
            "stop_running_task": "true",
            "return_task": "true",
        }
        if project_name:
            params["project_name"] = project_name
        if notes:
            params["notes"] = notes
        data = await self._get("tasks/track", params)
        return self._running(data, at, notes)

    def _running(self, data: Any, at: datetime, notes: str) -> RunningTimer:
        if not isinstance(data, dict) or "id" not in data:
            raise Unavailable("track: no task in the reply")
        timer = RunningTimer.from_task(data, self.zone)
        # Older replies carry no tracking_event; the timer started at ``at`` all the same.
        return timer or RunningTimer(Task.from_api(data), None, at, notes)

    async def stop(self, task_id: int, at: datetime) -> Task:
        """Stop the task's timer at ``at``. :class:`Conflict` when it was not running."""
        data = await self._get(f"tasks/stop/{task_id}", {**self._when(at), "return_task": "true"})
        if not isinstance(data, dict):
            raise Unavailable("stop: no task in the reply")
        return Task.from_api(data)

    async def running_timer(self, user_id: int) -> RunningTimer | None:
        """The user's running timer, if any."""
        data = await self._get(f"users/{user_id}/tasks/tracking")
        for task in _records(data, "tasks/tracking"):
            timer = RunningTimer.from_task(task, self.zone)
            if timer is not None:
                return timer
        return None

    async def events(self, user_id: int, first: date, last: date) -> list[Event]:
        """The user's time entries that start on days ``first``..``last`` (inclusive)."""
        params: Params = {
            "filter": "USER",
            "id": user_id,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "order": "asc",
            "page_size": EVENTS_PAGE_SIZE,
        }
        items = await self._pages("events", params, EVENTS_PAGE_SIZE)
        return [Event.from_api(item, self.zone) for item in items]

    async def add_event(
        self,
        user_id: int,
        start: datetime,
        end: datetime,
        *,
        task_id: int | None = None,
        project_id: int | None = None,
        task_name: str | None = None,
        project_name: str | None = None,
        notes: str = "",
    ) -> Event:
        """Add a finished time entry for ``user_id`` from ``start`` to ``end`` (aware instants,
        to the second), on a task (``task_id``, or ``task_name`` which TrackingTime finds or
        creates) or on a project itself (``project_id`` or ``project_name``).

        A task already belongs to its project, so the project is only sent without a task. Not
        idempotent: when a call fails without saying whether it added the entry (a timeout),
        look for it among :meth:`entries_around` its day before adding it again.
        """
        form: Params = {**self._span(start, end), "user_id": user_id}
        if task_id is not None:
            form["task_id"] = task_id
        else:
            if task_name:
                form["task_name"] = task_name
            if project_id is not None:
                form["project_id"] = project_id
            elif project_name:
                form["project_name"] = project_name
        if notes:
            form["notes"] = notes
        return self._event(await self._post("events/add", form), "events/add")

    def _span(self, start: datetime, end: datetime) -> Params:
        """When an entry runs, as ``events/add`` and ``events/update`` take it."""
        if start.utcoffset() is None or end.utcoffset() is None:
            raise ValueError("an entry's times must be aware datetimes")
        start_wall, offset = to_tt(start, self.zone)
        end_wall, _ = to_tt(end, self.zone)
        return {
            # Sources disagree on which of these are required; send all (the API notes,
            # docs/trackingtime-api.md, "events/add").
            "start": start_wall,
            "end": end_wall,
            # Whole seconds between the instants sent (to_tt drops fractions), via timestamps:
            # subtracting datetimes that share one ZoneInfo would ignore a DST change.
            "duration": int(end.replace(microsecond=0).timestamp())
            - int(start.replace(microsecond=0).timestamp()),
            # TrackingTime takes one timezone per entry: the offset at its start. Across a DST
            # change inside the entry, ``end`` is still the wall time at that instant and
            # ``duration`` the real elapsed time (01:30-03:30 as clocks go back is 3 h).
            "timezone": offset,
        }

    async def event(self, event_id: int) -> Event:
        """One time entry, whoever's it is; :class:`NotFound` when it is not there (any more)."""
        return self._event(await self._get(f"events/{event_id}"), "events/{id}")

    async def update_event(
        self,
        event_id: int,
        *,
        times: tuple[datetime, datetime] | None = None,
        task_id: int | None = None,
        project_id: int | None = None,
        notes: str | None = None,
    ) -> Event:
        """Change a time entry; only what is given changes. ``task_id`` moves it to a task (and
        so to its project), ``project_id`` alone onto that project itself; ``notes=""`` clears
        them. A running entry takes new notes (or a new task) but no ``times``.

        The times always go with their ``timezone``, and nothing else sends one: TrackingTime
        keeps the wall times it has and would read them in a new offset, moving the entry.
        Form-encoded POST, like ``events/add``, because notes may be long for a query string.
        """
        form: Params = {} if times is None else self._span(*times)
        if task_id is not None:
            form["task_id"] = task_id
        elif project_id is not None:
            form["project_id"] = project_id
        if notes is not None:
            form["notes"] = notes
        if not form:
            raise ValueError("update_event needs something to change")
        return self._event(await self._post(f"events/update/{event_id}", form), "events/update")

    async def delete_event(self, event_id: int) -> None:
        """Delete a time entry; :class:`NotFound` when it is not there (any more).

        GET with the id in the path, as TrackingTime's own client calls it.
        """
        await self._get(f"events/delete/{event_id}")

    async def entries_around(self, user_id: int, day: date) -> list[Event]:
        """The user's entries that start on ``day`` or a day either side: what to look through
        before adding an entry again after a failure, so that a retry never adds it twice.

        The days around are searched because whether TrackingTime applies ``from``/``to`` to
        local or UTC dates is unconfirmed (docs/trackingtime-api.md).
        """
        return await self.events(user_id, day - timedelta(days=1), day + timedelta(days=1))

    async def add_webhook(self, url: str) -> tuple[int, str | None]:
        """Have TrackingTime post the workspace's time entry changes to ``url``; returns the
        webhook's id and its secret (``None`` when the reply has none).

        GET with a query string, as TrackingTime's official n8n trigger registers one.
        :class:`Forbidden` (or another refusal) when this user or plan may not.
        """
        params: Params = {"url": url, "events": ",".join(WEBHOOK_EVENTS), "grouped": "false"}
        data = await self._get("webhooks/add", params)
        hook_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(hook_id, str) and hook_id.isdecimal():
            hook_id = int(hook_id)
        if not isinstance(hook_id, int) or isinstance(hook_id, bool):
            raise Unavailable("webhooks/add: no webhook id in the reply")
        secret = data.get("secret")
        return hook_id, str(secret) if secret else None

    async def delete_webhook(self, hook_id: int) -> None:
        """Remove a webhook; :class:`NotFound` when it is gone already.

        The official n8n trigger's spelling, ``webhooks/{id}/delete``.
        """
        await self._get(f"webhooks/{hook_id}/delete")

    def _event(self, data: Any, what: str) -> Event:
        """One event from a reply; a reply without a readable one is not TrackingTime's API."""
        if not isinstance(data, dict) or "id" not in data:
            raise Unavailable(f"{what}: no time entry in the reply")
        try:
            return Event.from_api(data, self.zone)
        except (KeyError, TypeError, ValueError) as exc:
            raise Unavailable(f"{what}: unreadable time entry ({type(exc).__name__})") from None
