""":class:`FakeTrackingTime`: the fake's control API, for tests, benchmarks and the playground:
seeding workspaces, reading them back in wire format, and resetting.
Seeding a time entry or a timer announces it to the account's webhooks as the API would
(``event.created``): that is how a test has TrackingTime itself start a timer the app did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.fakes.trackingtime.hooks import CREATED, WebhookDelivery, announce, hook_json
from bot.fakes.trackingtime.model import Account, Customer, User, full_schedule
from bot.fakes.trackingtime.render import event_json, project_json, project_totals, task_json
from bot.fakes.trackingtime.server import FakeApi, FakeTrackingTimeServer
from bot.fakes.trackingtime.times import parse_local, resolve_timezone
from bot.fakes.trackingtime.wire import ApiError


class FakeTrackingTime(FakeApi):
    """In-memory TrackingTime API v4 with a control API for tests (see the package docstring;
    the switches and failure injection are :class:`FakeApi`'s)."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        rate_limit_per_second: float | None = None,
        hang_seconds: float = 30.0,
    ) -> None:
        super().__init__(
            latency=latency, rate_limit_per_second=rate_limit_per_second, hang_seconds=hang_seconds
        )

    def serve(self) -> FakeTrackingTimeServer:
        """Serve on a free localhost port; returns the started server (also a context manager).

        Use ``server.api_url`` (``http://127.0.0.1:PORT/api/v4``) as the client's base URL and
        ``server.stop()`` (or leave the ``with`` block) to shut it down.
        """
        return FakeTrackingTimeServer(self).start()

    def reset(self) -> None:
        """Forget all data, failures, switches and recorded requests (ids keep increasing)."""
        with self._lock:
            self._reset_switches()
            self._state.clear()

    # ---- seeding -----------------------------------------------------------------------------

    def add_account(self, company: str) -> int:
        """Create a workspace; returns its account id."""
        with self._lock:
            account = Account(self._state.new_id("account"), company)
            self._state.accounts[account.id] = account
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
        hours = full_schedule(schedule)
        ZoneInfo(timezone)  # fail early on a bad profile zone
        with self._lock:
            state = self._state
            for account_id in accounts:
                state.account(account_id)
            lowered = email.lower()
            if lowered in state.emails:
                raise ValueError(f"email already used: {email}")
            if app_password in state.by_password:
                raise ValueError("app password already used by another user")
            user = User(
                state.new_id("user"),
                email,
                app_password,
                name,
                surname,
                list(dict.fromkeys(accounts)),
                timezone,
                hours,
            )
            state.users[user.id] = user
            state.by_password[app_password] = user
            state.emails.add(lowered)
            for account_id in user.accounts:
                account = state.accounts[account_id]
                default_role = "ADMIN" if not account.roles else "CO_WORKER"
                account.roles[user.id] = (roles or {}).get(account_id, default_role)
            return user.id

    def set_schedule(self, user_id: int, schedule: dict[str, float]) -> None:
        """Change a user's schedule (hours per weekday; days left out are 0), as they would in
        TrackingTime's settings."""
        hours = full_schedule(schedule)
        with self._lock:
            self._state.users[user_id].schedule = hours

    def add_customer(self, account_id: int, name: str) -> int:
        with self._lock:
            self._state.account(account_id)
            customer = Customer(self._state.new_id("customer"), account_id, name)
            self._state.customers[customer.id] = customer
            return customer.id

    def add_project(
        self, account_id: int, name: str, customer_id: int | None = None, archived: bool = False
    ) -> int:
        with self._lock:
            self._state.account(account_id)
            if customer_id is not None:
                customer = self._state.customers.get(customer_id)
                if customer is None or customer.account_id != account_id:
                    raise ValueError(f"customer {customer_id} not in account {account_id}")
            return self._state.create_project(account_id, name, customer_id, archived)

    def add_task(
        self, account_id: int, name: str, project_id: int | None = None, archived: bool = False
    ) -> int:
        with self._lock:
            self._state.account(account_id)
            if project_id is not None:
                project = self._state.projects.get(project_id)
                if project is None or project.account_id != account_id:
                    raise ValueError(f"project {project_id} not in account {account_id}")
            return self._state.create_task(account_id, name, project_id, archived)

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
        start_local = parse_local(start)
        end_local = parse_local(end)
        tz, offset = resolve_timezone(timezone, start_local)
        _, end_offset = resolve_timezone(timezone, end_local)
        with self._lock:
            state = self._state
            state.check_member(account_id, user_id)
            task = state.task_in(account_id, task_id)
            event = state.create_event(account_id, user_id, task.id, start_local, tz, offset, notes)
            try:
                state.finish(event, end_local, end_offset)
            except ApiError as exc:
                state.discard_event(event)
                raise ValueError(exc.message) from None
            announce(state, CREATED, event)
        self._send_announcements()
        return event.id

    def start_timer(
        self, account_id: int, user_id: int, task_id: int, start: str, timezone: str
    ) -> int:
        """Seed a running timer; returns the event id. The user must not be tracking already."""
        start_local = parse_local(start)
        tz, offset = resolve_timezone(timezone, start_local)
        with self._lock:
            state = self._state
            state.check_member(account_id, user_id)
            task = state.task_in(account_id, task_id)
            if (account_id, user_id) in state.running:
                raise ValueError(f"user {user_id} is already tracking in account {account_id}")
            event = state.create_event(account_id, user_id, task.id, start_local, tz, offset, "")
            state.running[(account_id, user_id)] = event.id
            announce(state, CREATED, event)
        self._send_announcements()
        return event.id

    # ---- read helpers (wire format, for assertions) -------------------------------------------

    def events(self, account_id: int, user_id: int | None = None) -> list[dict[str, Any]]:
        """All events of the account (or one user), oldest start first, as the API shows them."""
        with self._lock:
            state = self._state
            chosen = [
                e
                for e in state.events.values()
                if e.account_id == account_id and (user_id is None or e.user_id == user_id)
            ]
            chosen.sort(key=lambda e: (e.start - e.offset, e.id))
            return [event_json(state, e) for e in chosen]

    def running_task(self, account_id: int, user_id: int) -> dict[str, Any] | None:
        """The task the user is tracking (with ``tracking_event``), or None."""
        with self._lock:
            state = self._state
            event_id = state.running.get((account_id, user_id))
            if event_id is None:
                return None
            task = state.tracked_task(state.events[event_id])
            return task_json(state, task, state.trackers(account_id), user_id)

    def tasks(self, account_id: int) -> list[dict[str, Any]]:
        """Every task of the account, archived ones included."""
        with self._lock:
            state = self._state
            trackers = state.trackers(account_id)
            return [
                task_json(state, t, trackers, None)
                for t in state.tasks.values()
                if t.account_id == account_id
            ]

    def projects(self, account_id: int) -> list[dict[str, Any]]:
        """Every project of the account, archived ones included."""
        with self._lock:
            state = self._state
            totals = project_totals(state, account_id)
            return [
                project_json(state, p, totals)
                for p in state.projects.values()
                if p.account_id == account_id
            ]

    # ---- webhooks ------------------------------------------------------------------------------

    def refuse_webhooks(self, account_id: int, refuse: bool = True) -> None:
        """Make the account's webhook routes answer status 403, as TrackingTime would for a user
        (or plan) without the right to manage webhooks; ``refuse=False`` allows them again."""
        with self._lock:
            self._state.account(account_id)
            if refuse:
                self._state.hooks_refused.add(account_id)
            else:
                self._state.hooks_refused.discard(account_id)

    def webhooks(self, account_id: int | None = None) -> list[dict[str, Any]]:
        """The registered webhooks (of one account), oldest first, as the API shows them."""
        with self._lock:
            return [
                hook_json(hook)
                for hook in self._state.hooks.values()
                if account_id is None or hook.account_id == account_id
            ]

    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook post made since the last reset, finished ones only, in order."""
        return self._hooks.deliveries()

    def wait_for_deliveries(self, count: int = 1, timeout: float = 5.0) -> list[WebhookDelivery]:
        """The webhook posts once ``count`` have finished (AssertionError after ``timeout``)."""
        return self._hooks.wait(count, timeout)
