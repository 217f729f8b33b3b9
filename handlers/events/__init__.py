"""Events API: the Home tab opened, and the app leaving a workspace."""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from handlers.events.home import app_home_opened
from handlers.events.uninstall import app_uninstalled, tokens_revoked

# Every event the app subscribes to (manifest.yml's bot_events must list exactly these).
EVENTS: dict[str, Callable[..., Awaitable[Any]]] = {
    "app_home_opened": app_home_opened,
    "app_uninstalled": app_uninstalled,
    "tokens_revoked": tokens_revoked,
}


def register(app: AsyncApp) -> None:
    for event_type, listener in EVENTS.items():
        app.event(event_type)(listener)
