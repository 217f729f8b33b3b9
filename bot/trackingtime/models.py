"""What the client returns: small immutable records parsed from TrackingTime's JSON.

Parsing is lenient about missing optional keys (the API's shapes are only partly documented) and
strict about the ones the app relies on (ids, names, times).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from bot.trackingtime.timefmt import parse_offset, parse_tt_datetime

# A DST change moves a zone's offset by a multiple of 15 minutes, by 2 hours at most.
_DST_STEP = timedelta(minutes=15)
_MAX_DST_SHIFT = timedelta(hours=2)


@dataclass(frozen=True)
class Workspace:
    """A TrackingTime account (company) the user belongs to."""

    account_id: int
    company: str
    role: str = ""
    is_default: bool = False
    is_selected: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Workspace:
        return cls(
            account_id=int(data["account_id"]),
            company=str(data.get("company") or f"Workspace {data['account_id']}"),
            role=str(data.get("role") or ""),
            is_default=bool(data.get("is_default")),
            is_selected=bool(data.get("is_selected")),
        )


WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _schedule(data: Any) -> tuple[float, ...] | None:
    """Hours per weekday from ``schedule`` (``{"mon": 8, …}``, in hours); ``None`` if absent."""
    if not isinstance(data, dict):
        return None
    try:
        return tuple(float(data.get(day) or 0) for day in WEEKDAY_KEYS)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Me:
    """The user an App Password belongs to (``GET /me``)."""

    user_id: int
    account_id: int
    name: str
    email: str
    time_zone: str | None
    workspaces: tuple[Workspace, ...]
    # Hours the user is scheduled to work, Monday first; None when TrackingTime says nothing.
    schedule: tuple[float, ...] | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Me:
        first = data.get("first_name") or data.get("name") or ""
        last = data.get("last_name") or data.get("surname") or ""
        workspaces = tuple(Workspace.from_api(team) for team in data.get("teams") or ())
        account_id = int(data["account_id"])
        if not any(w.account_id == account_id for w in workspaces):
            # Keep the listed teams: the default account is added, not substituted for them.
            is_default = not any(w.is_default for w in workspaces)
            default = Workspace(account_id, f"Workspace {account_id}", is_default=is_default)
            workspaces = (*workspaces, default)
        return cls(
            user_id=int(data["id"]),
            account_id=account_id,
            name=f"{first} {last}".strip(),
            email=str(data.get("email") or ""),
            time_zone=data.get("timezone"),
            workspaces=workspaces,
            schedule=_schedule(data.get("schedule")),
        )

    @property
    def preferred_workspace(self) -> Workspace:
        """The workspace to link first: the one selected in TrackingTime, else the default."""
        for test in (lambda w: w.is_selected, lambda w: w.is_default):
            for workspace in self.workspaces:
                if test(workspace):
                    return workspace
        return self.workspaces[0]


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    customer: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Project:
        customer = data.get("customer")
        if isinstance(customer, dict):
            customer = customer.get("name")
        return cls(id=int(data["id"]), name=str(data.get("name") or ""), customer=customer or None)


@dataclass(frozen=True)
class Task:
    id: int
    name: str
    project_id: int | None = None
    project: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Task:
        project = data.get("project")
        if isinstance(project, dict):
            project = project.get("name")
        project_id = data.get("project_id")
        return cls(
            id=int(data["id"]),
            name=str(data.get("name") or ""),
            project_id=int(project_id) if project_id else None,
            project=project or None,
        )

    @property
    def label(self) -> str:
        """``Task · Project`` as shown to users."""
        return f"{self.name} · {self.project}" if self.project else self.name


@dataclass(frozen=True)
class Event:
    """A time entry. ``end`` is ``None`` while its timer runs."""

    id: int
    task_id: int | None
    task: str | None
    project_id: int | None
    project: str | None
    start: datetime
    end: datetime | None
    duration: timedelta
    notes: str = ""
    # Whose entry it is: an admin's App Password reads (and may change) colleagues' entries too.
    user_id: int | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any], zone: tzinfo) -> Event:
        # Start and end are wall-clock times in the event's own time zone when it states one.
        event_zone = parse_offset(data.get("timezone"), zone)
        start = parse_tt_datetime(data["start"], event_zone)
        duration = timedelta(seconds=int(data.get("duration") or 0))
        end = data.get("end")
        return cls(
            id=int(data["id"]),
            task_id=int(data["task_id"]) if data.get("task_id") else None,
            task=data.get("task") or None,
            project_id=int(data["project_id"]) if data.get("project_id") else None,
            project=data.get("project") or None,
            start=start,
            end=_end_instant(end, start, duration, event_zone) if end else None,
            duration=duration,
            notes=str(data.get("notes") or ""),
            user_id=int(data["user_id"]) if data.get("user_id") else None,
        )

    @property
    def is_running(self) -> bool:
        return self.end is None


def _end_instant(text: str, start: datetime, duration: timedelta, zone: tzinfo) -> datetime:
    """When an entry ended, from its ``end`` wall time.

    An entry carries one ``timezone``, the offset at its start. When a DST change falls inside it
    (01:30-03:30 on the night Berlin's clocks go back), ``end`` is the wall time after the change,
    and read in the start's offset it is off by the shift. ``duration`` is real elapsed seconds,
    so when the two disagree by what a DST change can shift, the end is ``start + duration``,
    keeping the wall time given (03:30 at +01:00). Any other disagreement is not a DST change,
    and the wall time stands.
    """
    end = parse_tt_datetime(text, zone)
    if duration <= timedelta(0):
        return end
    shift = (end.astimezone(UTC) - start.astimezone(UTC)) - duration
    if not shift or abs(shift) > _MAX_DST_SHIFT or shift % _DST_STEP:
        return end
    wall = end.replace(tzinfo=None)
    real_end = (start.astimezone(UTC) + duration).replace(tzinfo=None)
    return wall.replace(tzinfo=timezone(wall - real_end))


@dataclass(frozen=True)
class RunningTimer:
    """The user's running timer: the task and when its time entry started."""

    task: Task
    event_id: int | None
    started_at: datetime
    notes: str = ""

    @classmethod
    def from_task(cls, data: dict[str, Any], zone: tzinfo) -> RunningTimer | None:
        """From a task object with ``tracking_event``; ``None`` when it is not being tracked."""
        event = data.get("tracking_event")
        if not isinstance(event, dict) or not event.get("start"):
            return None
        event_zone = parse_offset(event.get("timezone"), zone)
        return cls(
            task=Task.from_api(data),
            event_id=int(event["id"]) if event.get("id") else None,
            started_at=parse_tt_datetime(event["start"], event_zone),
            notes=str(event.get("notes") or ""),
        )

    def elapsed(self, now: datetime) -> timedelta:
        # In UTC: same-tzinfo subtraction would ignore a DST change in between.
        return max(now.astimezone(UTC) - self.started_at.astimezone(UTC), timedelta(0))
