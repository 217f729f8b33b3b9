"""Shortcuts: "Log time" (global), "Log time for message" and "Log entries from message"
(message)."""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks import ids
from handlers.shortcuts.drafts import log_drafts_shortcut
from handlers.shortcuts.log_time import log_message_shortcut, log_time_shortcut

# Every shortcut the app answers (manifest.yml must declare exactly these callback ids).
SHORTCUTS: dict[str, Callable[..., Awaitable[Any]]] = {
    ids.LOG_SHORTCUT: log_time_shortcut,
    ids.LOG_MESSAGE_SHORTCUT: log_message_shortcut,
    ids.LOG_DRAFTS_SHORTCUT: log_drafts_shortcut,
}


def register(app: AsyncApp) -> None:
    for callback_id, listener in SHORTCUTS.items():
        app.shortcut(callback_id)(listener)
