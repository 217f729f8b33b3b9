"""The worker's direct messages: the daily summary, the forgotten-timer reminder, and the one
message asking a user whose App Password stopped working to reconnect."""

from __future__ import annotations

from datetime import datetime, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock

from bot.blocks import ids
from bot.blocks.entry_menu import entry_row
from bot.blocks.format import clock_time, duration, escape, task_mrkdwn, truncate
from bot.blocks.gaps import gap_blocks
from bot.blocks.message import Message
from bot.blocks.parts import button, context, section
from bot.services.summaries import DailySummary
from bot.trackingtime import RunningTimer

MAX_PROJECTS = 10
# Each entry is a section with its menu: with the rest, well inside a message's 50 blocks.
MAX_ENTRIES = 20
MAX_GAPS = 5


def daily_summary_message(summary: DailySummary, zone: tzinfo) -> Message:
    report = summary.report
    total = duration(report.total)
    line = f"*{escape(total)}* tracked"
    if summary.scheduled:
        line += f" of your *{escape(duration(summary.scheduled))}*"
        missing = summary.scheduled - report.total
        if missing.total_seconds() >= 60:
            line += f": {escape(duration(missing))} to go"
        else:
            line += " :tada:"
    blocks: list[Block] = [HeaderBlock(text=truncate(report.period.title, 150)), section(line)]
    for project in report.projects[:MAX_PROJECTS]:
        tasks = ", ".join(
            f"{escape(truncate(t.name, 60))} {escape(duration(t.total))}" for t in project.tasks[:5]
        )
        blocks.append(
            section(
                f"*{escape(truncate(project.name, 150))}* · {escape(duration(project.total))}"
                + (f"\n{tasks}" if tasks else "")
            )
        )
    if len(report.projects) > MAX_PROJECTS:
        blocks.append(context(f"… and {len(report.projects) - MAX_PROJECTS} more projects"))
    blocks += gap_blocks(report, zone, MAX_GAPS)
    if report.entries:
        blocks.append(DividerBlock())
        blocks += [entry_row(event, zone) for event in report.entries[:MAX_ENTRIES]]
        if len(report.entries) > MAX_ENTRIES:
            more = len(report.entries) - MAX_ENTRIES
            blocks.append(context(f"… and {more} more: `/track today` lists them all."))
    if report.running is not None:
        timer = report.running
        blocks.append(
            section(
                f":warning: Your timer on {task_mrkdwn(timer.task)} is still running "
                f"(*{escape(duration(timer.elapsed(report.now)))}*, since "
                f"{clock_time(timer.started_at, zone)}).",
                accessory=button("Stop", ids.STOP_TIMER, "stop", "danger"),
            )
        )
    blocks.append(
        ActionsBlock(
            elements=[button("Log missing time", ids.OPEN_LOG_MODAL, "summary", "primary")]
        )
    )
    blocks.append(context("Change the time or switch this off with `/track settings`."))
    return Message(text=f"{report.period.title}: {total} tracked", blocks=tuple(blocks))


def forgotten_timer_message(timer: RunningTimer, now: datetime, zone: tzinfo) -> Message:
    elapsed = duration(timer.elapsed(now))
    return Message(
        text=f"Your timer on {timer.task.label} has been running for {elapsed}",
        blocks=(
            section(
                f":alarm_clock: Your timer on {task_mrkdwn(timer.task)} has been running for "
                f"*{escape(elapsed)}* (since {clock_time(timer.started_at, zone)}). Still at it?"
            ),
            ActionsBlock(
                elements=[
                    button("Stop now", ids.STOP_TIMER, "stop", "danger"),
                    button("Keep running", ids.KEEP_RUNNING, "keep"),
                ]
            ),
        ),
    )


def keep_running_message() -> Message:
    text = ":ok_hand: I'll leave it running and won't remind you about this timer again."
    return Message(text="Timer left running", blocks=(section(text),))


def reconnect_message() -> Message:
    text = (
        ":warning: TrackingTime no longer accepts your App Password, so I can't send your daily "
        "summary. Connect again to get it back."
    )
    return Message(
        text="Reconnect TrackingTime to keep getting your daily summary",
        blocks=(
            section(text),
            ActionsBlock(elements=[button("Reconnect TrackingTime", ids.OPEN_CONNECT, "connect")]),
        ),
    )
