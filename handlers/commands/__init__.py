"""Slash commands: ``/track`` and its subcommands."""

from slack_bolt.async_app import AsyncApp

from handlers.commands.track import TRACK_COMMAND, track


def register(app: AsyncApp) -> None:
    app.command(TRACK_COMMAND)(track)
