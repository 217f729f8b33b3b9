"""Timers: ``tasks/track/{id}``, ``tasks/track`` (by name), ``tasks/stop/{id}`` and
``users/{uid}/tasks/tracking``.

One running timer per user per account. Starting while one runs is status 502 (a "user
exception") unless ``stop_running_task=true``; stopping a task that is not being tracked is 502
too. ``date`` is required on track and stop alike. A start is announced to the account's
webhooks as ``event.created``, a stop as ``event.updated``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.fakes.trackingtime.hooks import CREATED, UPDATED, announce
from bot.fakes.trackingtime.model import Ctx, Project, Task
from bot.fakes.trackingtime.render import event_json, task_json
from bot.fakes.trackingtime.state import State
from bot.fakes.trackingtime.times import wall_param, zone_param
from bot.fakes.trackingtime.wire import ApiError, Reply, flag, int_param, ok


def user_tracking(state: State, ctx: Ctx, user_id: int) -> Reply:
    if user_id not in state.accounts[ctx.account_id].roles:
        raise ApiError(404, "User not found")
    event_id = state.running.get((ctx.account_id, user_id))
    if event_id is None:
        return ok([])
    task = state.tracked_task(state.events[event_id])
    return ok([task_json(state, task, state.trackers(ctx.account_id), user_id)])


def track(state: State, ctx: Ctx, task_id: int) -> Reply:
    date, tz, offset = _date_and_zone(ctx)
    task = state.tasks.get(task_id)
    if task is None or task.account_id != ctx.account_id or state.is_archived(task):
        raise ApiError(404, "Task not found")
    _check_can_start(state, ctx, date, offset)
    return _start(state, ctx, task, date, tz, offset)


def track_by_name(state: State, ctx: Ctx) -> Reply:
    date, tz, offset = _date_and_zone(ctx)
    task_name = ctx.params.get("task_name", "").strip()
    project_name = ctx.params.get("project_name", "").strip()
    project_id = int_param(ctx.params, "project_id")
    if not task_name:
        if project_id is not None or project_name:
            raise ApiError(
                400,
                "The parameter 'task_name' is required: this fake does not model tracking "
                "a project itself",
            )
        raise ApiError(400, "The parameter 'task_name' is required")
    project: Project | None = None
    if project_id is not None:
        project = state.projects.get(project_id)
        if project is None or project.account_id != ctx.account_id or project.archived:
            raise ApiError(404, "Project not found")
    _check_can_start(state, ctx, date, offset)
    if project is None and project_name:
        project = state.find_or_create_project(ctx.account_id, project_name)
    task = state.find_or_create_task(ctx.account_id, task_name, project)
    return _start(state, ctx, task, date, tz, offset)


def stop(state: State, ctx: Ctx, task_id: int) -> Reply:
    date, _tz, offset = _date_and_zone(ctx)
    task = state.tasks.get(task_id)
    if task is None or task.account_id != ctx.account_id:
        raise ApiError(404, "Task not found")
    event_id = state.running.get((ctx.account_id, ctx.user.id))
    if event_id is None or state.events[event_id].task_id != task.id:
        raise ApiError(502, "The task is not being tracked")
    event = state.events[event_id]
    state.finish(event, date, offset)
    announce(state, UPDATED, event)
    if flag(ctx.params, "return_task"):
        return ok(task_json(state, task, state.trackers(ctx.account_id), ctx.user.id))
    return ok(event_json(state, event))


def _date_and_zone(ctx: Ctx) -> tuple[datetime, str, timedelta]:
    """``date`` (required) and ``timezone`` (the user's profile zone when missing)."""
    date = wall_param(ctx.params, "date")
    zone = ctx.params.get("timezone", "").strip() or ctx.user.timezone
    tz, offset = zone_param(zone, date)
    return date, tz, offset


def _check_can_start(state: State, ctx: Ctx, date: datetime, offset: timedelta) -> None:
    """Refuse (502) to start while a timer runs, unless ``stop_running_task=true``."""
    event_id = state.running.get((ctx.account_id, ctx.user.id))
    if event_id is None:
        return
    if not flag(ctx.params, "stop_running_task"):
        raise ApiError(
            502,
            "There is a task being tracked already. Stop it first or send stop_running_task=true",
        )
    running = state.events[event_id]
    if date - offset < running.start - running.offset:
        raise ApiError(400, "The date can't be before the start of the running task")


def _start(state: State, ctx: Ctx, task: Task, date: datetime, tz: str, offset: timedelta) -> Reply:
    key = (ctx.account_id, ctx.user.id)
    if key in state.running:
        stopped = state.events[state.running[key]]
        state.finish(stopped, date, offset)
        announce(state, UPDATED, stopped)
    notes = ctx.params.get("notes", "")
    event = state.create_event(ctx.account_id, ctx.user.id, task.id, date, tz, offset, notes)
    state.running[key] = event.id
    announce(state, CREATED, event)
    if flag(ctx.params, "return_task"):
        return ok(task_json(state, task, state.trackers(ctx.account_id), ctx.user.id))
    return ok(event_json(state, event))
