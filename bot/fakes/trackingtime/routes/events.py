"""Time entries: ``events`` (the list), ``events/{id}``, ``events/add``, ``events/update/{id}``
(also ``events/{id}/update``) and ``events/delete/{id}``. The rules are in the package's
docstring; entries of another workspace are status 404. Each change is announced to the
account's webhooks (``event.created``, ``event.updated``, ``event.deleted``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.fakes.trackingtime.hooks import CREATED, DELETED, UPDATED, announce
from bot.fakes.trackingtime.model import MANAGING_ROLES, Ctx, Event, Project, Task, User
from bot.fakes.trackingtime.render import event_json
from bot.fakes.trackingtime.state import State
from bot.fakes.trackingtime.times import (
    GMT_RE,
    now_utc,
    range_bound,
    wall_offsets,
    wall_param,
    zone_param,
)
from bot.fakes.trackingtime.wire import ApiError, Reply, int_param, ok, page_params

EVENTS_DEFAULT_PAGE_SIZE = 50
EVENTS_MAX_PAGE_SIZE = 1000
EVENT_TYPES = frozenset({"WORK", "NOT_LOGGED"})
DURATION_TOLERANCE = 60  # seconds a given ``duration`` may differ from end - start


def get_event(state: State, ctx: Ctx, event_id: int) -> Reply:
    return ok(event_json(state, event_in(state, ctx, event_id)))


def list_events(state: State, ctx: Ctx) -> Reply:
    params = ctx.params
    kind = params.get("filter", "").upper()
    if kind not in {"USER", "PROJECT", "CUSTOMER", "TASK", "COMPANY"}:
        raise ApiError(
            400, "The parameter 'filter' is required: USER, PROJECT, CUSTOMER, TASK or COMPANY"
        )
    entity_id = int_param(params, "id")
    if kind != "COMPANY" and entity_id is None:
        raise ApiError(400, f"The parameter 'id' is required with filter={kind}")
    start = range_bound(params, "from", end_of_day=False)
    end = range_bound(params, "to", end_of_day=True)
    order = params.get("order", "asc").lower()
    if order not in {"asc", "desc"}:
        raise ApiError(400, "The parameter 'order' must be asc or desc")
    page, page_size = page_params(params, EVENTS_DEFAULT_PAGE_SIZE, EVENTS_MAX_PAGE_SIZE)

    def wanted(event: Event) -> bool:
        if event.account_id != ctx.account_id or not start <= event.start <= end:
            return False
        project = state.event_project(event)
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
        state.user_events.get(entity_id or 0, {}) if kind == "USER" else state.events
    ).values()
    chosen = sorted(
        (e for e in candidates if wanted(e)),
        key=lambda e: (e.start, e.id),
        reverse=order == "desc",
    )
    window = chosen[page * page_size : (page + 1) * page_size]
    return ok([event_json(state, e) for e in window])


def add_event(state: State, ctx: Ctx) -> Reply:
    """``events/add``: validate everything, then create (a task or project found by name
    last), so that a refused request changes nothing."""
    params = ctx.params
    start = wall_param(params, "start")
    end = wall_param(params, "end")
    raw_tz = params.get("timezone", "").strip()
    if not raw_tz:
        raise ApiError(400, "The parameter 'timezone' is required (e.g. GMT+02:00)")
    tz, offset = zone_param(raw_tz, start)
    duration = int_param(params, "duration")  # its sign is checked with end - start
    event_type = params.get("event_type", "").strip().upper() or "WORK"
    if event_type not in EVENT_TYPES:
        raise ApiError(400, "The parameter 'event_type' must be WORK or NOT_LOGGED")
    owner = _event_owner(state, ctx, int_param(params, "user_id"))
    end_offset = _checked_end(owner, raw_tz, start, offset, end, duration)
    task, project = _event_target(state, ctx)
    now = now_utc()
    event = Event(
        state.new_id("event"),
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
    state.keep(event)
    state.credit(event, 1)
    announce(state, CREATED, event)
    return ok(event_json(state, event))


def update_event(state: State, ctx: Ctx, event_id: int) -> Reply:
    """``events/update/{id}``: change what is given, with the checks of ``events/add``."""
    event = event_in(state, ctx, event_id)
    _check_may_edit(state, ctx, event.user_id)
    params = ctx.params
    running = event.end is None
    if running and ("end" in params or "duration" in params):
        raise ApiError(400, "The time entry is running: stop its timer to set its end")
    retarget = any(k in params for k in ("task_id", "task_name", "project_id", "project_name"))
    if running and retarget and not ("task_id" in params or "task_name" in params):
        raise ApiError(400, "A running time entry needs a task")
    start = wall_param(params, "start") if "start" in params else event.start
    end = wall_param(params, "end") if "end" in params else event.end
    raw_tz = params["timezone"].strip() if "timezone" in params else event.tz
    tz, offset, end_offset = event.tz, event.offset, event.end_offset
    if any(k in params for k in ("start", "end", "duration", "timezone")):
        tz, offset = zone_param(raw_tz, start)
        end_offset = None
        if end is not None:
            owner = state.users[event.user_id]
            duration = int_param(params, "duration")
            found = _checked_end(owner, raw_tz, start, offset, end, duration)
            end_offset = None if found == offset else found
    task_id, project_id = event.task_id, event.project_id
    if retarget:
        task, project = _event_target(state, ctx)
        task_id = task.id if task else None
        project_id = project.id if project and not task else None
    state.credit(event, -1)
    event.start, event.end, event.tz, event.offset = start, end, tz, offset
    event.end_offset, event.task_id, event.project_id = end_offset, task_id, project_id
    event.notes = params.get("notes", event.notes)
    event.updated_at = now_utc()
    state.credit(event, 1)
    announce(state, UPDATED, event)
    return ok(event_json(state, event))


def delete_event(state: State, ctx: Ctx, event_id: int) -> Reply:
    """``events/delete/{id}``: answers with the entry as it was; a running one's timer ends."""
    event = event_in(state, ctx, event_id)
    _check_may_edit(state, ctx, event.user_id)
    deleted = event_json(state, event)
    announce(state, DELETED, event)
    state.credit(event, -1)
    key = (event.account_id, event.user_id)
    if state.running.get(key) == event.id:
        del state.running[key]
    state.discard_event(event)
    return ok(deleted)


def event_in(state: State, ctx: Ctx, event_id: int) -> Event:
    event = state.events.get(event_id)
    if event is None or event.account_id != ctx.account_id:
        raise ApiError(404, "Time entry not found")
    return event


def _check_may_edit(state: State, ctx: Ctx, owner_id: int) -> None:
    if owner_id == ctx.user.id:
        return
    if state.accounts[ctx.account_id].roles[ctx.user.id] not in MANAGING_ROLES:
        raise ApiError(403, "You don't have permission to edit other users' time entries")


def _event_owner(state: State, ctx: Ctx, user_id: int | None) -> User:
    """Whose entry ``events/add`` creates: the caller, or a member a manager names."""
    if user_id is None or user_id == ctx.user.id:
        return ctx.user
    _check_may_edit(state, ctx, user_id)
    if user_id not in state.accounts[ctx.account_id].roles:
        raise ApiError(404, "User not found")
    return state.users[user_id]


def _checked_end(
    owner: User,
    raw_tz: str,
    start: datetime,
    offset: timedelta,
    end: datetime,
    duration: int | None,
) -> timedelta:
    """The UTC offset of wall time ``end`` (see the package docstring), after checking that the
    entry does not end before it starts and that a given ``duration`` matches."""
    zone: ZoneInfo | None
    if not GMT_RE.match(raw_tz.strip()):
        zone = ZoneInfo(raw_tz.strip())  # an IANA name resolve_timezone accepted
    else:
        profile = ZoneInfo(owner.timezone)
        zone = profile if offset in wall_offsets(profile, start) else None
    candidates = wall_offsets(zone, end) if zone else [offset]

    def elapsed(end_offset: timedelta) -> int:
        return int(((end - end_offset) - (start - offset)).total_seconds())

    end_offset = candidates[0]
    if duration is not None:
        end_offset = min(candidates, key=lambda o: abs(elapsed(o) - duration))
    real = elapsed(end_offset)
    if real < 0:  # first: a negative duration usually just follows from it
        raise ApiError(400, "The parameter 'end' can't be before 'start'")
    if duration is not None and duration < 0:
        raise ApiError(400, "The parameter 'duration' must be seconds, 0 or more")
    if duration is not None and abs(duration - real) > DURATION_TOLERANCE:
        raise ApiError(
            400,
            f"The parameter 'duration' ({duration} s) doesn't match the time from 'start' "
            f"to 'end' ({real} s)",
        )
    return end_offset


def _event_target(state: State, ctx: Ctx) -> tuple[Task | None, Project | None]:
    """The task (and its project) an entry is on, from ``task_id`` | ``task_name`` and
    ``project_id`` | ``project_name``; a task or project named but missing is created."""
    params = ctx.params
    project: Project | None = None
    project_id = int_param(params, "project_id")
    if project_id is not None:
        project = state.projects.get(project_id)
        if project is None or project.account_id != ctx.account_id or project.archived:
            raise ApiError(404, "Project not found")
    task_id = int_param(params, "task_id")
    if task_id is not None:
        task = state.tasks.get(task_id)
        if task is None or task.account_id != ctx.account_id or state.is_archived(task):
            raise ApiError(404, "Task not found")
        if project is not None and task.project_id != project.id:
            raise ApiError(400, f"The task {task.id} is not in the project {project.id}")
        return task, state.projects.get(task.project_id) if task.project_id else None
    project_name = params.get("project_name", "").strip()
    if project is None and project_name:
        project = state.find_or_create_project(ctx.account_id, project_name)
    task_name = params.get("task_name", "").strip()
    if task_name:
        return state.find_or_create_task(ctx.account_id, task_name, project), project
    return None, project
