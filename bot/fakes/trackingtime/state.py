"""The fake TrackingTime's in-memory workspaces and webhooks, and the changes every route and
seeding method makes to them the same way.

:class:`State` is not thread-safe by itself: the fake holds its lock around every use.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.fakes.trackingtime.model import (
    Account,
    Customer,
    Event,
    Project,
    Task,
    User,
    Webhook,
)
from bot.fakes.trackingtime.times import now_utc
from bot.fakes.trackingtime.wire import ApiError

_PROJECT_COLORS = ("#4A90E2", "#50E3C2", "#F5A623", "#D0021B", "#9013FE", "#7ED321", "#BD10E0")
# Ids come from separate ranges, so that a mixed-up id never silently hits another object.
_FIRST_IDS = {
    "account": 1001,
    "user": 2001,
    "customer": 3001,
    "project": 4001,
    "task": 5001,
    "event": 900001,
    "webhook": 6001,
}


class State:
    """Accounts, users, customers, projects, tasks, events, running timers and webhooks."""

    def __init__(self) -> None:
        self._next_ids = dict(_FIRST_IDS)
        self.clear()

    def clear(self) -> None:
        """Forget everything; ids keep increasing, so an id from before never comes back."""
        self.accounts: dict[int, Account] = {}
        self.users: dict[int, User] = {}
        # Look-ups by what identifies a user, so that many users stay cheap to seed and serve.
        self.by_password: dict[str, User] = {}
        self.emails: set[str] = set()
        self.customers: dict[int, Customer] = {}
        self.projects: dict[int, Project] = {}
        self.tasks: dict[int, Task] = {}
        self.events: dict[int, Event] = {}
        self.user_events: dict[int, dict[int, Event]] = {}  # the USER filter's index
        self.running: dict[tuple[int, int], int] = {}  # (account, user) -> event id
        self.hooks: dict[int, Webhook] = {}
        self.hooks_refused: set[int] = set()  # accounts that may not manage webhooks
        # Webhook posts an entry change made, taken by the server once it has answered.
        self.outbox: list[tuple[Webhook, dict[str, Any]]] = []

    def take_outbox(self) -> list[tuple[Webhook, dict[str, Any]]]:
        """The webhook posts waiting to be sent, which are now the caller's to send."""
        posts, self.outbox = self.outbox, []
        return posts

    def new_id(self, kind: str) -> int:
        value = self._next_ids[kind]
        self._next_ids[kind] = value + 1
        return value

    # ---- look-ups -----------------------------------------------------------------------------

    def account(self, account_id: int) -> Account:
        account = self.accounts.get(account_id)
        if account is None:
            raise ValueError(f"unknown account {account_id}")
        return account

    def check_member(self, account_id: int, user_id: int) -> None:
        if user_id not in self.account(account_id).roles:
            raise ValueError(f"user {user_id} is not in account {account_id}")

    def task_in(self, account_id: int, task_id: int) -> Task:
        task = self.tasks.get(task_id)
        if task is None or task.account_id != account_id:
            raise ValueError(f"task {task_id} not in account {account_id}")
        return task

    def tracked_task(self, event: Event) -> Task:
        """A running entry's task: running entries always have one (updates keep it so)."""
        assert event.task_id is not None, f"running event {event.id} has no task"
        return self.tasks[event.task_id]

    def event_project(self, event: Event) -> Project | None:
        """The entry's project: its task's, or its own when it has no task."""
        project_id = event.project_id
        if event.task_id is not None:
            project_id = self.tasks[event.task_id].project_id
        return self.projects.get(project_id) if project_id else None

    def is_archived(self, task: Task) -> bool:
        """A task counts as archived when it or its project is."""
        if task.archived:
            return True
        project = self.projects.get(task.project_id) if task.project_id else None
        return project is not None and project.archived

    def trackers(self, account_id: int) -> dict[int, list[Event]]:
        """Task id -> running events on it in the account, earliest first."""
        result: dict[int, list[Event]] = {}
        for (acc, _user), event_id in self.running.items():
            if acc == account_id:
                event = self.events[event_id]
                result.setdefault(self.tracked_task(event).id, []).append(event)
        for events in result.values():
            events.sort(key=lambda e: e.id)
        return result

    # ---- changes ------------------------------------------------------------------------------

    def create_project(
        self, account_id: int, name: str, customer_id: int | None, archived: bool
    ) -> int:
        project_id = self.new_id("project")
        color = _PROJECT_COLORS[project_id % len(_PROJECT_COLORS)]
        self.projects[project_id] = Project(
            project_id, account_id, name, customer_id, archived, color
        )
        return project_id

    def create_task(
        self, account_id: int, name: str, project_id: int | None, archived: bool
    ) -> int:
        task_id = self.new_id("task")
        self.tasks[task_id] = Task(task_id, account_id, name, project_id, archived)
        return task_id

    def find_or_create_project(self, account_id: int, name: str) -> Project:
        """The active project called ``name`` (any case), created when there is none."""
        for project in self.projects.values():
            if (
                project.account_id == account_id
                and not project.archived
                and project.name.lower() == name.lower()
            ):
                return project
        return self.projects[self.create_project(account_id, name, None, False)]

    def find_or_create_task(self, account_id: int, name: str, project: Project | None) -> Task:
        """The active task called ``name`` (any case) in ``project`` (or in none), else a new
        one."""
        project_id = project.id if project else None
        for task in self.tasks.values():
            if (
                task.account_id == account_id
                and task.project_id == project_id
                and not self.is_archived(task)
                and task.name.lower() == name.lower()
            ):
                return task
        return self.tasks[self.create_task(account_id, name, project_id, False)]

    def create_event(
        self,
        account_id: int,
        user_id: int,
        task_id: int,
        start: datetime,
        tz: str,
        offset: timedelta,
        notes: str,
    ) -> Event:
        """A new running entry (``end`` None), kept."""
        now = now_utc()
        event = Event(
            self.new_id("event"),
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
        self.keep(event)
        return event

    def keep(self, event: Event) -> None:
        self.events[event.id] = event
        self.user_events.setdefault(event.user_id, {})[event.id] = event

    def discard_event(self, event: Event) -> None:
        self.events.pop(event.id, None)
        self.user_events.get(event.user_id, {}).pop(event.id, None)

    def finish(self, event: Event, end_local: datetime, end_offset: timedelta) -> None:
        """End ``event`` at ``end_local`` (given in ``end_offset``), in the event's own zone."""
        end_in_event_zone = end_local - end_offset + event.offset
        if end_in_event_zone < event.start:
            raise ApiError(400, "The end date can't be before the start date")
        event.end = end_in_event_zone
        event.updated_at = now_utc()
        self.credit(event, 1)
        key = (event.account_id, event.user_id)
        if self.running.get(key) == event.id:
            del self.running[key]

    def credit(self, event: Event, sign: int) -> None:
        """Add (``sign`` 1) or take back (-1) a finished entry's seconds on its task or, for an
        entry on a project itself, on the project."""
        if event.end is None:
            return
        seconds = sign * event.duration
        if event.task_id is not None:
            self.tasks[event.task_id].accumulated += seconds
        elif event.project_id is not None:
            self.projects[event.project_id].direct += seconds
