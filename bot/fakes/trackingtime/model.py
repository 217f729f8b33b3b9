"""The fake TrackingTime's records: what a test may read back (:class:`RecordedRequest`) and the
objects its in-memory workspaces are made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
WEEKDAYS = tuple(DEFAULT_SCHEDULE)


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


@dataclass
class Account:
    id: int
    company: str
    roles: dict[int, str] = field(default_factory=dict)  # user id -> role, in joining order


@dataclass
class User:
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
class Customer:
    id: int
    account_id: int
    name: str


@dataclass
class Project:
    id: int
    account_id: int
    name: str
    customer_id: int | None
    archived: bool
    color: str
    direct: int = 0  # seconds of finished entries on the project itself (no task)


@dataclass
class Task:
    id: int
    account_id: int
    name: str
    project_id: int | None
    archived: bool
    accumulated: int = 0  # seconds of finished events


@dataclass
class Event:
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
class Webhook:
    """A URL TrackingTime posts an account's entry changes to (``webhooks/add``)."""

    id: int
    account_id: int
    url: str
    events: tuple[str, ...]  # the changes it asked for: ``event.created``, ``event.updated``…
    secret: str
    created_at: str


@dataclass
class Ctx:
    """One authenticated request: who asks, in which account, with which parameters."""

    user: User
    account_id: int
    params: dict[str, str]


def full_schedule(schedule: dict[str, float] | None) -> dict[str, float]:
    """Hours for every weekday: 8 h Mon-Fri by default, else ``schedule`` with 0 elsewhere."""
    if schedule is None:
        return dict(DEFAULT_SCHEDULE)
    unknown = set(schedule) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekdays in schedule: {sorted(unknown)}")
    return dict.fromkeys(WEEKDAYS, 0.0) | {day: float(hours) for day, hours in schedule.items()}
