"""The App Home tab: the link, the running timer, quick starts, today, and the settings.

A Home tab holds at most 100 blocks and a section 3000 characters. Today's entries, each a
section with its menu, are capped (``MAX_HOME_ENTRIES``, the latest first), so even a busy day
of the longest names stays well inside both; ``/track today`` has the full list.
"""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DividerBlock,
    HeaderBlock,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.entry_menu import entry_row
from bot.blocks.format import clock_time, duration, escape, notes_mrkdwn, task_mrkdwn, truncate
from bot.blocks.message import Message
from bot.blocks.messages import start_task_value
from bot.blocks.parts import button, context, section
from bot.blocks.settings import reminder_words, summary_words, working_words
from bot.blocks.status import status_home_blocks
from bot.services.home import HomeState
from bot.services.timers import TimerStatus
from bot.trackingtime import Task

MAX_HOME_ENTRIES = 20
MAX_QUICK_STARTS = 5  # with "Log time", one row of buttons
NAME_LIMIT = 200  # of a user or workspace name: escaped, still far inside a section


MAX_NOTICE_BLOCKS = 4


def home_view(state: HomeState, zone: tzinfo, notice: Message | None = None) -> View:
    """The Home tab for ``state``; ``zone`` is the user's, for times of day and "today".

    ``notice`` is the answer to a button pressed in the Home (which has nowhere else to show
    one, such as Undo after a delete): its blocks come first, until the next refresh."""
    blocks = _linked(state, zone) if state.linked else _not_linked(state)
    if notice is not None and state.linked:
        blocks[1:1] = [*notice.blocks[:MAX_NOTICE_BLOCKS], DividerBlock()]
    return View(type="home", blocks=blocks)


def _error(state: HomeState) -> list[Block]:
    if not state.error:
        return []
    reconnect = None
    if state.reconnect:
        reconnect = button("Reconnect TrackingTime", ids.OPEN_CONNECT, "connect", "primary")
    return [section(f":warning: {escape(state.error)}", accessory=reconnect)]


def _not_linked(state: HomeState) -> list[Block]:
    return [
        HeaderBlock(text="TrackingTime for Slack"),
        *_error(state),
        section(
            "Track time in *your own TrackingTime account* without leaving Slack: start and stop "
            "timers, log time you forgot to track, see what you tracked today, and get a summary "
            "at the end of the day."
        ),
        ActionsBlock(
            elements=[button("Connect TrackingTime", ids.OPEN_CONNECT, "connect", "primary")]
        ),
        context(
            "Connecting takes a minute: you need a TrackingTime *App Password*, and the form "
            "says where to make one. It is stored encrypted and used only to act as you."
        ),
    ]


def _disconnect_button() -> ButtonElement:
    return ButtonElement(
        text="Disconnect and delete my data",
        action_id=ids.DISCONNECT,
        value="disconnect",
        confirm=ConfirmObject(
            title="Delete your data?",
            text="Your App Password, settings and anything waiting to be sent are deleted from "
            "this app. Your time in TrackingTime stays as it is.",
            confirm="Delete",
            deny="Cancel",
            style="danger",
        ),
    )


def _account_line(state: HomeState) -> str:
    workspace = f"*{escape(truncate(state.workspace, NAME_LIMIT))}*"
    if not state.user_name:
        return f":link: Connected to the TrackingTime workspace {workspace}"
    who = f"*{escape(truncate(state.user_name, NAME_LIMIT))}*"
    return f":link: Connected as {who} in workspace {workspace}"


def _timer(status: TimerStatus, zone: tzinfo) -> Block:
    timer = status.running
    if timer is None:
        last = status.last_stopped
        resume = None
        if last is not None and last.task_id is not None:
            task = Task(last.task_id, last.task or "the last task", last.project_id, last.project)
            resume = button(f"Continue {task.label}", ids.CONTINUE_TIMER, "continue", "primary")
        return section(":zzz: No timer running.", accessory=resume)
    text = f":stopwatch: {task_mrkdwn(timer.task)}\nRunning for "
    text += f"*{escape(duration(timer.elapsed(status.now)))}* (since "
    text += f"{clock_time(timer.started_at, zone)})"
    if timer.notes:
        text += f"\n{notes_mrkdwn(timer.notes, 500)}"
    return section(text, accessory=button("Stop", ids.STOP_TIMER, "stop", style="danger"))


def _quick_starts(status: TimerStatus | None) -> ActionsBlock:
    """Start (or switch to) a recent task, or log time: what people do from here most."""
    elements: list[ButtonElement] = []
    if status is not None:
        prefix = "Switch to " if status.running else "Start "
        elements += [
            button(f"{prefix}{task.label}", f"{ids.START_TASK}:{index}", start_task_value(task.id))
            for index, task in enumerate(status.recent_tasks[:MAX_QUICK_STARTS])
        ]
    elements.append(button("Log time", ids.OPEN_LOG_MODAL, "log"))
    return ActionsBlock(elements=elements)


def _today(state: HomeState, zone: tzinfo) -> list[Block]:
    report = state.today
    if report is None:
        if state.status is None:
            return []  # the error says why
        total = state.status.today_total
        return [section(f"*Today* · *{escape(duration(total))}* tracked")]
    blocks: list[Block] = [section(f"*Today* · *{escape(duration(report.total))}* tracked")]
    if not report.entries:
        if report.running is None:
            blocks.append(context("Nothing tracked yet today."))
        return blocks
    latest = list(reversed(report.entries))
    blocks += [entry_row(event, zone) for event in latest[:MAX_HOME_ENTRIES]]
    hidden = len(latest) - MAX_HOME_ENTRIES
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more: `/track today` lists them all."))
    return blocks


def _linked(state: HomeState, zone: tzinfo) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text="TrackingTime"),
        section(_account_line(state), accessory=_disconnect_button()),
        *_error(state),
        DividerBlock(),
    ]
    if state.status is not None:
        blocks.append(_timer(state.status, zone))
    blocks += [_quick_starts(state.status), DividerBlock(), *_today(state, zone), DividerBlock()]
    settings = state.settings
    blocks += [
        section(
            f"*{summary_words(settings)}*\n{reminder_words(settings)}\n{working_words(settings)}",
            accessory=button("Edit settings", ids.OPEN_SETTINGS, "settings"),
        ),
        *(status_home_blocks(state.status_line) if state.status_line is not None else ()),
        context(
            f"Times are in your Slack time zone, {escape(str(zone))}. "
            "`/track help` lists every command."
        ),
    ]
    return blocks
