"""Events API: the Home tab opened, a message posted where its author wants drafts offered, and
the app leaving a workspace."""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from handlers.events.home import app_home_opened
from handlers.events.standup import message_posted
from handlers.events.uninstall import app_uninstalled, tokens_revoked

# Every event type the app listens to.
EVENTS: dict[str, Callable[..., Awaitable[Any]]] = {
    "app_home_opened": app_home_opened,
    "app_uninstalled": app_uninstalled,
    "tokens_revoked": tokens_revoked,
    "message": message_posted,
}
# What manifest.yml's bot_events subscribe to (it must list exactly these), with the event type
# each delivers: messages are subscribed per kind of channel, and arrive as "message".
SUBSCRIPTIONS = {
    "app_home_opened": "app_home_opened",
    "app_uninstalled": "app_uninstalled",
    "tokens_revoked": "tokens_revoked",
    "message.channels": "message",  # public channels
    "message.groups": "message",  # private channels
}


def register(app: AsyncApp) -> None:
    for event_type, listener in EVENTS.items():
        app.event(event_type)(listener)
