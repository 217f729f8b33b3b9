"""``/track log`` and the reports (``/track today``, ``week``, …)."""

from __future__ import annotations

from bot.blocks.entries import unresolved_log_message
from bot.blocks.messages import invalid_input, not_linked
from bot.blocks.outcomes import sent_message
from bot.blocks.reports import report_message
from bot.commands import Log, Report
from bot.logparse import LOG_EXAMPLE, LogError, parse_log
from bot.services.clock import local_day
from bot.services.entries import InFuture, Logged, Unresolved
from bot.services.reports import parse_period
from bot.trackingtime.timefmt import zone_or_utc
from handlers.commands.request import TrackRequest
from handlers.home import publish_home
from handlers.log_modal import open_log_modal


async def log(request: TrackRequest, command: Log) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    zone = zone_or_utc(link.time_zone)
    today = local_day(request.services.entries.now(), zone)
    if not command.text:
        await open_log_modal(
            request.client,
            request.services,
            link,
            request.trigger_id,
            channel_id=request.channel_id,
        )
        return
    parsed = parse_log(command.text, today)
    if isinstance(parsed, LogError):
        await request.reply(invalid_input(parsed.problem, parsed.example))
        return
    outcome = await request.services.entries.log_text(link, parsed, request.channel_id)
    if isinstance(outcome, InFuture):
        problem = "That ends later than now: log time once it's done."
        await request.reply(invalid_input(problem, LOG_EXAMPLE))
    elif isinstance(outcome, Unresolved):
        await request.reply(unresolved_log_message(outcome, zone))
    else:
        await request.reply(sent_message(outcome, zone))
        if isinstance(outcome, Logged):
            await publish_home(request.client, request.services, request.key)


async def report(request: TrackRequest, command: Report) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    zone = zone_or_utc(link.time_zone)
    period = parse_period(command.period, local_day(request.services.reports.now(), zone))
    if isinstance(period, LogError):
        await request.reply(invalid_input(period.problem, period.example))
        return
    result = await request.services.reports.day_report(link, period)
    await request.reply(report_message(result, zone))
