"""Webhooks: ``webhooks`` (the account's list), ``webhooks/add`` and ``webhooks/delete/{id}``
(also ``webhooks/{id}/delete``, the official n8n node's spelling).

``webhooks/add`` takes ``url`` (http or https), ``events`` (a comma-separated list of
``event.created``, ``event.updated``, ``event.deleted``) and ``grouped`` (only ``false``: the
fake does not model grouped posts) and answers the new webhook with its ``id`` and ``secret``.
An account set to refuse webhooks (:meth:`FakeTrackingTime.refuse_webhooks`, standing for a
user or plan without the right, which is not documented) answers status 403 on all three.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from bot.fakes.trackingtime.hooks import HOOK_EVENTS, hook_json
from bot.fakes.trackingtime.model import Ctx, Webhook
from bot.fakes.trackingtime.state import State
from bot.fakes.trackingtime.times import now_utc
from bot.fakes.trackingtime.wire import ApiError, Reply, flag, ok


def list_hooks(state: State, ctx: Ctx) -> Reply:
    _check_may_manage(state, ctx)
    return ok([hook_json(h) for h in state.hooks.values() if h.account_id == ctx.account_id])


def add_hook(state: State, ctx: Ctx) -> Reply:
    _check_may_manage(state, ctx)
    url = ctx.params.get("url", "").strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ApiError(400, "The parameter 'url' is required: an http or https URL")
    names = tuple(dict.fromkeys(n.strip() for n in ctx.params.get("events", "").split(",")))
    names = tuple(name for name in names if name)
    if not names or any(name not in HOOK_EVENTS for name in names):
        raise ApiError(400, f"The parameter 'events' must list some of {', '.join(HOOK_EVENTS)}")
    if flag(ctx.params, "grouped"):
        raise ApiError(400, "The parameter 'grouped' must be false: this fake does not group")
    hook = Webhook(
        state.new_id("webhook"),
        ctx.account_id,
        url,
        names,
        secrets.token_hex(16),
        now_utc(),
    )
    state.hooks[hook.id] = hook
    return ok(hook_json(hook))


def delete_hook(state: State, ctx: Ctx, hook_id: int) -> Reply:
    """Answers with the webhook as it was; one of another account is status 404."""
    _check_may_manage(state, ctx)
    hook = state.hooks.get(hook_id)
    if hook is None or hook.account_id != ctx.account_id:
        raise ApiError(404, "Webhook not found")
    del state.hooks[hook_id]
    return ok(hook_json(hook))


def _check_may_manage(state: State, ctx: Ctx) -> None:
    if ctx.account_id in state.hooks_refused:
        raise ApiError(403, "You don't have permission to manage webhooks in this account")
