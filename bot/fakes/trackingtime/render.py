"""The fake TrackingTime's objects as the API shows them (``data`` of a reply), read from a
:class:`State` with the fake's lock held."""

from __future__ import annotations

from typing import Any

from bot.fakes.trackingtime.model import Account, Event, Project, Task, User
from bot.fakes.trackingtime.state import State
from bot.fakes.trackingtime.times import display_time, fmt, hms


def me_json(state: State, user: User) -> dict[str, Any]:
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
        "teams": teams_json(state, user),
    }


def teams_json(state: State, user: User) -> list[dict[str, Any]]:
    return [
        {
            "account_id": account_id,
            "company": state.accounts[account_id].company,
            "role": state.accounts[account_id].roles[user.id],
            "is_selected": index == 0,
            "is_default": index == 0,
            "status": "ACTIVE",
        }
        for index, account_id in enumerate(user.accounts)
    ]


def user_json(user: User, account: Account) -> dict[str, Any]:
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


def customer_ref(state: State, customer_id: int | None) -> dict[str, Any] | None:
    customer = state.customers.get(customer_id) if customer_id else None
    return None if customer is None else {"id": customer.id, "name": customer.name}


def project_totals(state: State, account_id: int) -> dict[int, int]:
    """Project id -> seconds of finished events on its tasks (one pass over the tasks)."""
    totals: dict[int, int] = {}
    for task in state.tasks.values():
        if task.account_id == account_id and task.project_id is not None:
            totals[task.project_id] = totals.get(task.project_id, 0) + task.accumulated
    for project in state.projects.values():
        if project.account_id == account_id and project.direct:
            totals[project.id] = totals.get(project.id, 0) + project.direct
    return totals


def project_json(state: State, project: Project, totals: dict[int, int]) -> dict[str, Any]:
    accumulated = totals.get(project.id, 0)
    return {
        "id": project.id,
        "name": project.name,
        "customer": customer_ref(state, project.customer_id),
        "is_archived": project.archived,
        "color": project.color,
        "accumulated_time": accumulated,
        "worked_hours": round(accumulated / 3600, 2),
    }


def task_json(
    state: State, task: Task, trackers: dict[int, list[Event]], perspective: int | None
) -> dict[str, Any]:
    """A task; ``user``/``tracking_event`` are the ``perspective`` user's timer when they track
    it, else the earliest one."""
    project = state.projects.get(task.project_id) if task.project_id else None
    customer = customer_ref(state, project.customer_id) if project else None
    running = trackers.get(task.id, [])
    shown = next((e for e in running if e.user_id == perspective), running[0] if running else None)
    tracker = state.users[shown.user_id] if shown else None
    return {
        "id": task.id,
        "name": task.name,
        "description": "",
        "project_id": project.id if project else None,
        "project": project.name if project else None,
        "customer": customer["name"] if customer else None,
        "customer_id": customer["id"] if customer else None,
        "type": "EVERYONE",
        "is_archived": state.is_archived(task),
        "accumulated_time": task.accumulated,
        "worked_hours": round(task.accumulated / 3600, 2),
        "tracking": shown is not None,
        "tracking_event": event_json(state, shown) if shown else None,
        "user": (
            {"id": tracker.id, "name": tracker.name, "surname": tracker.surname}
            if tracker
            else None
        ),
        "users": [
            {
                "id": e.user_id,
                "name": state.users[e.user_id].name,
                "surname": state.users[e.user_id].surname,
                "status": "TRACKING",
                "event": {"id": e.id, "start": fmt(e.start), "end": None},
            }
            for e in running
        ],
    }


def event_json(state: State, event: Event) -> dict[str, Any]:
    user = state.users[event.user_id]
    task = state.tasks[event.task_id] if event.task_id is not None else None
    project = state.event_project(event)
    customer = customer_ref(state, project.customer_id) if project else None
    duration = event.duration
    return {
        "id": event.id,
        "type": event.event_type,
        "start": fmt(event.start),
        "end": fmt(event.end),
        "loc_start": display_time(event.start),
        "loc_end": display_time(event.end),
        "duration": duration,
        "loc_duration": f"{duration // 3600}:{duration % 3600 // 60:02d}",
        "formated_duration": hms(duration),
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
