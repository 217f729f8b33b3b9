"""Slash commands: ``/track`` and its subcommands."""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from handlers.commands.track import TRACK_COMMAND, track

# Every slash command the app answers (manifest.yml must declare exactly these).
COMMANDS: dict[str, Callable[..., Awaitable[Any]]] = {TRACK_COMMAND: track}


def register(app: AsyncApp) -> None:
    for command, listener in COMMANDS.items():
        app.command(command)(listener)
