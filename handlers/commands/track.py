"""``/track``: ack at once, parse, then hand the subcommand to its handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.messages import help_message, invalid_input
from bot.commands import (
    Command,
    Connect,
    Continue,
    Digest,
    Disconnect,
    EditEntries,
    Help,
    Invalid,
    Log,
    Note,
    Report,
    SettingsCommand,
    Standup,
    Start,
    Status,
    Stop,
    SwitchAccount,
    Unknown,
    parse_command,
)
from handlers.commands import account, digest, editing, entries, settings, standup, timers
from handlers.commands.request import TrackRequest
from handlers.common import reporting_failures, services, user_key

TRACK_COMMAND = "/track"


async def _help(request: TrackRequest, command: Command) -> None:
    await request.reply(help_message(command if isinstance(command, Unknown) else None))


async def _invalid(request: TrackRequest, command: Command) -> None:
    assert isinstance(command, Invalid)
    await request.reply(invalid_input(command.problem, command.example))


SUBCOMMANDS: dict[type, Callable[[TrackRequest, Any], Awaitable[None]]] = {
    Help: _help,
    Unknown: _help,
    Invalid: _invalid,
    Log: entries.log,
    Report: entries.report,
    Connect: account.connect,
    Disconnect: account.disconnect,
    SwitchAccount: account.switch_account,
    SettingsCommand: settings.settings,
    Digest: digest.digest,
    Standup: standup.standup,
    Status: timers.status,
    Start: timers.start,
    Stop: timers.stop,
    EditEntries: editing.edit,
    Note: editing.note,
    Continue: editing.continue_,
}


async def track(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    # The command is declared with should_escape: Slack sends channels as <#C…|name> and the
    # characters &, < and > as entities.
    text = (command.get("text") or "").replace("&lt;", "<").replace("&gt;", ">")
    parsed = parse_command(text.replace("&amp;", "&"))
    request = TrackRequest(
        key=user_key(context),
        services=services(context),
        respond=respond,
        client=client,
        trigger_id=command.get("trigger_id") or "",
        channel_id=command.get("channel_id") or None,
    )
    async with reporting_failures(request.reply):
        await SUBCOMMANDS[type(parsed)](request, parsed)
