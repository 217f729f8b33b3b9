"""Who and what a workspace holds: ``users``, ``customers``, ``projects``, ``tasks`` and
``tasks/{id}``. ``/tasks`` is always paged (at most 100 a page); ``/projects`` is not."""

from __future__ import annotations

from bot.fakes.trackingtime.model import Ctx, Task
from bot.fakes.trackingtime.render import project_json, project_totals, task_json, user_json
from bot.fakes.trackingtime.state import State
from bot.fakes.trackingtime.wire import ApiError, Reply, choice_param, int_param, ok, page_params

TASKS_MAX_PAGE_SIZE = 100


def list_users(state: State, ctx: Ctx) -> Reply:
    status = choice_param(ctx.params, "filter", "ACTIVE", ("ACTIVE", "ALL", "ARCHIVED", "INVITED"))
    account = state.accounts[ctx.account_id]
    if status in {"ARCHIVED", "INVITED"}:
        return ok([])
    return ok([user_json(state.users[uid], account) for uid in account.roles])


def list_customers(state: State, ctx: Ctx) -> Reply:
    status = choice_param(ctx.params, "filter", "ACTIVE", ("ACTIVE", "ALL", "ARCHIVED"))
    customers = [c for c in state.customers.values() if c.account_id == ctx.account_id]
    if status == "ARCHIVED":
        customers = []
    return ok([{"id": c.id, "name": c.name, "is_archived": False} for c in customers])


def list_projects(state: State, ctx: Ctx) -> Reply:
    status = choice_param(
        ctx.params, "filter", "ACTIVE", ("ACTIVE", "ALL", "ARCHIVED", "FOLLOWING")
    )
    projects = [
        p
        for p in state.projects.values()
        if p.account_id == ctx.account_id
        and (
            status == "ALL"
            or (status == "ARCHIVED" and p.archived)
            or (status in {"ACTIVE", "FOLLOWING"} and not p.archived)
        )
    ]
    totals = project_totals(state, ctx.account_id)
    return ok([project_json(state, p, totals) for p in projects])


def list_tasks(state: State, ctx: Ctx) -> Reply:
    status = choice_param(ctx.params, "filter", "ACTIVE", ("ACTIVE", "ALL", "ARCHIVED", "TRACKING"))
    project_id = int_param(ctx.params, "project_id")
    page, page_size = page_params(ctx.params, TASKS_MAX_PAGE_SIZE, TASKS_MAX_PAGE_SIZE)
    trackers = state.trackers(ctx.account_id)
    chosen: list[Task] = []
    for task in state.tasks.values():
        if task.account_id != ctx.account_id:
            continue
        if project_id is not None and task.project_id != project_id:
            continue
        archived = state.is_archived(task)
        if (
            status == "ALL"
            or (status == "ACTIVE" and not archived)
            or (status == "ARCHIVED" and archived)
            or (status == "TRACKING" and task.id in trackers)
        ):
            chosen.append(task)
    window = chosen[page * page_size : (page + 1) * page_size]
    return ok([task_json(state, t, trackers, ctx.user.id) for t in window])


def get_task(state: State, ctx: Ctx, task_id: int) -> Reply:
    task = state.tasks.get(task_id)
    if task is None or task.account_id != ctx.account_id:
        raise ApiError(404, "Task not found")
    return ok(task_json(state, task, state.trackers(ctx.account_id), ctx.user.id))
