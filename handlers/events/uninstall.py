"""Forget a workspace's TrackingTime links when the app is uninstalled or its bot token revoked,
and users' Slack user tokens (the status line's) when Slack revokes those.

Both events may arrive, in either order, and be retried: deleting is idempotent.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from handlers.common import services

log = logging.getLogger(__name__)


async def _forget_workspace(context: AsyncBoltContext) -> None:
    svc, enterprise_id, team_id = services(context), context.enterprise_id, context.team_id
    # The installation (its tokens) first: with it gone nothing can act for the workspace.
    await svc.installations.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
    removed = await svc.linking.forget_workspace(enterprise_id or None, team_id or "")
    log.info("forgot workspace %s: %d linked accounts deleted", context.team_id, removed)


async def app_uninstalled(context: AsyncBoltContext) -> None:
    await _forget_workspace(context)


async def tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
    tokens = event.get("tokens") or {}
    # A revoked bot token ends the app's life in the workspace.
    if tokens.get("bot"):
        await _forget_workspace(context)
        return
    # User tokens are the status line's: those users' tokens go, and their sync stops.
    users = [u for u in tokens.get("oauth") or () if isinstance(u, str)]
    if users:
        forgotten = await services(context).status.store.forget_tokens(
            context.enterprise_id or None, context.team_id or "", users
        )
        log.info("Slack revoked %d user tokens in %s", forgotten, context.team_id)
