"""The fake TrackingTime's routes, one module per area, and :func:`route`, which picks one.

Every handler takes the :class:`State` (the fake's lock held) and the request's :class:`Ctx`,
and returns a :class:`Reply` or raises :class:`ApiError`.
"""

from __future__ import annotations

from bot.fakes.trackingtime.model import Ctx, User
from bot.fakes.trackingtime.render import me_json, teams_json
from bot.fakes.trackingtime.routes import catalogue, events, timers, webhooks
from bot.fakes.trackingtime.state import State
from bot.fakes.trackingtime.wire import ApiError, Reply, ok


def route(state: State, user: User, subpath: str, params: dict[str, str]) -> Reply:
    """Answer ``subpath`` (after ``/api/v4``) for ``user``. A leading account id must be one of
    theirs (status 403); without one, their default (first) account is used."""
    segments = [s for s in subpath.split("/") if s]
    if segments and segments[0].isdigit():
        account_id = int(segments[0])
        segments = segments[1:]
        if account_id not in user.accounts or account_id not in state.accounts:
            raise ApiError(403, "You don't have permission to access this account")
    else:
        account_id = user.accounts[0]
    ctx = Ctx(user, account_id, params)
    match segments:
        case ["me"]:
            return ok(me_json(state, user))
        case ["teams"]:
            return ok(teams_json(state, user))
        case ["users"]:
            return catalogue.list_users(state, ctx)
        case ["users", uid, "tasks", "tracking"] if uid.isdigit():
            return timers.user_tracking(state, ctx, int(uid))
        case ["customers"]:
            return catalogue.list_customers(state, ctx)
        case ["projects"]:
            return catalogue.list_projects(state, ctx)
        case ["tasks"]:
            return catalogue.list_tasks(state, ctx)
        case ["tasks", "track"]:
            return timers.track_by_name(state, ctx)
        case ["tasks", "track", tid] if tid.isdigit():
            return timers.track(state, ctx, int(tid))
        case ["tasks", "stop", tid] if tid.isdigit():
            return timers.stop(state, ctx, int(tid))
        case ["tasks", tid] if tid.isdigit():
            return catalogue.get_task(state, ctx, int(tid))
        case ["events"]:
            return events.list_events(state, ctx)
        case ["events", "add"]:
            return events.add_event(state, ctx)
        case ["events", "update", eid] | ["events", eid, "update"] if eid.isdigit():
            return events.update_event(state, ctx, int(eid))
        case ["events", "delete", eid] if eid.isdigit():
            return events.delete_event(state, ctx, int(eid))
        case ["events", eid] if eid.isdigit():
            return events.get_event(state, ctx, int(eid))
        case ["webhooks"]:
            return webhooks.list_hooks(state, ctx)
        case ["webhooks", "add"]:
            return webhooks.add_hook(state, ctx)
        case ["webhooks", "delete", hid] | ["webhooks", hid, "delete"] if hid.isdigit():
            return webhooks.delete_hook(state, ctx, int(hid))
    raise ApiError(404, "The requested endpoint doesn't exist")
