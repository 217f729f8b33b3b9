"""Ephemeral replies to ``/track`` and to its buttons."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
)

from bot.blocks import ids
from bot.blocks.format import clock_time, duration, escape, notes_mrkdwn, task_mrkdwn, truncate
from bot.blocks.message import Message
from bot.blocks.parts import button, context, section, truncate_json
from bot.commands import Unknown
from bot.digits import parse_id
from bot.services.matching import Choose, NoMatch
from bot.services.timers import NothingRunning, Started, Stopped, TimerStatus
from bot.trackingtime import Task

NOTES_IN_VALUE_LIMIT = 1500  # leaves room in a button value for the ids and names around it
START_USAGE = "/track start &lt;task&gt; [in &lt;project&gt;]"


def start_task_value(task_id: int, notes: str = "") -> str:
    """A start button's value: which task, and the notes the user typed."""
    payload: dict[str, object] = {"task_id": task_id}
    if notes:
        payload["notes"] = truncate_json(notes, NOTES_IN_VALUE_LIMIT)
    return json.dumps(payload, ensure_ascii=False)


def create_task_value(task_name: str, project_name: str | None, notes: str = "") -> str:
    # Names are one line (the parser folds whitespace); fold before cutting to fit.
    payload: dict[str, object] = {"task": truncate_json(" ".join(task_name.split()), 200)}
    if project_name:
        payload["project"] = truncate_json(project_name, 200)
    if notes:
        payload["notes"] = truncate_json(notes, NOTES_IN_VALUE_LIMIT)
    return json.dumps(payload, ensure_ascii=False)


def _start_buttons(tasks: Sequence[Task], notes: str = "", prefix: str = "") -> ActionsBlock:
    return ActionsBlock(
        elements=[
            button(
                f"{prefix}{task.label}",
                f"{ids.START_TASK}:{index}",
                start_task_value(task.id, notes),
            )
            for index, task in enumerate(tasks)
        ]
    )


def _stopbutton() -> ButtonElement:
    return button("Stop", ids.STOP_TIMER, "stop", style="danger")


def not_linked() -> Message:
    """What a user who has not linked TrackingTime gets instead of an answer."""
    return Message(
        text="Connect your TrackingTime account to track time from Slack.",
        blocks=(
            section(
                ":link: *Connect your TrackingTime account* to start timers and see your time "
                "from Slack. It takes a minute: you need a TrackingTime *App Password*."
            ),
            ActionsBlock(
                elements=[button("Connect TrackingTime", ids.OPEN_CONNECT, "connect", "primary")]
            ),
        ),
    )


HELP_LINES = (
    ("Timers", ""),
    # Literal < and > would start a Slack link even inside code: write them as entities.
    (
        "`/track start &lt;task&gt; [in &lt;project&gt;] [: notes]`",
        "start a timer (stops the running one)",
    ),
    ("`/track stop`", "stop the running timer"),
    ("`/track` or `/track status`", "what is running, and today's total"),
    (
        "`/track note &lt;text&gt;`",
        "set the running timer's notes (`/track note + &lt;text&gt;` adds to them)",
    ),
    ("`/track continue`", "start the last stopped task again, with its notes"),
    ("Past time", ""),
    (
        "`/track log &lt;how long&gt; [day] [from-to] &lt;task&gt; [in &lt;project&gt;] [: notes]`",
        "log time you did not track, e.g. `/track log 1h30m yesterday Design review`",
    ),
    ("`/track log`", "the Log-time form (also the *Log time* shortcut)"),
    (
        "`/track standup #channel`",
        "offer to log what you post there, as drafts to check (`/track standup off` stops it; "
        "the *Log entries from message* shortcut reads any message you wrote)",
    ),
    ("`/track today`, `yesterday`, `week`, `last week` or a date", "what you tracked"),
    (
        "`/track edit`",
        "your latest entries, each with *Edit*, *Delete*, *Log again today* and *Start again* "
        "(`/track edit last` edits the latest)",
    ),
    ("Account", ""),
    ("`/track connect`", "link your TrackingTime account with an App Password"),
    ("`/track account`", "choose which TrackingTime workspace to track in"),
    ("`/track disconnect`", "unlink and delete your stored App Password"),
    (
        "`/track settings`",
        "your daily summary, timer reminder and working hours (also in the app's Home tab)",
    ),
    ("Team", ""),
    (
        "`/track digest #channel`",
        "admins: everyone's time in that channel each workday (`/track digest off` stops it)",
    ),
    ("`/track help`", "this message"),
)


def help_message(unknown: Unknown | None = None) -> Message:
    """The command reference; for an unknown subcommand, led by a "did you mean"."""
    blocks: list[Block] = []
    if unknown is not None:
        line = f":thinking_face: I don't know `/track {escape(unknown.word)}`."
        if unknown.suggestion:
            line += f" Did you mean `/track {unknown.suggestion}`?"
        blocks.append(section(line))
    blocks.append(HeaderBlock(text="TrackingTime for Slack"))
    for title, text in HELP_LINES:
        blocks.append(section(f"*{title}*" if not text else f"{title}  {text}"))
    blocks.append(
        context(
            "Examples: `/track start Design review in Website: header fixes` · "
            '`/track start "Log in page"` · `/track start #1234`'
        )
    )
    text = (
        "TrackingTime for Slack: /track start, stop, status, note, continue, log, standup, edit, "
        "today, week, connect, account, disconnect, settings, help"
    )
    return Message(text=text, blocks=tuple(blocks))


BUSY_TEXT = (
    ":hourglass_flowing_sand: TrackingTime for Slack is very busy right now and did nothing "
    "with this. Please try again in a minute."
)


def busy_command_text(command: str, text: str) -> str:
    """The ack of a command turned away because the app is full: said at once, with what was
    typed, ready to send again (Slack sends the text with ``&``, ``<`` and ``>`` escaped)."""
    typed = truncate(f"{command} {text}".strip(), 2000)
    if not text.strip() or "`" in typed:
        return BUSY_TEXT
    return f"{BUSY_TEXT} What you sent:\n```{typed}```"


def invalid_input(problem: str, example: str) -> Message:
    return Message(
        text=escape(f"{problem} Example: {example}"),
        blocks=(section(f":warning: {escape(problem)}"), context(f"Example: `{example}`")),
    )


def failure(user_message: str, *, reconnect: bool = False) -> Message:
    """A TrackingTime or app failure, said plainly; with a Connect button when relinking helps."""
    blocks: list[Block] = [section(f":warning: {user_message}")]
    if reconnect:
        blocks.append(
            ActionsBlock(elements=[button("Reconnect TrackingTime", ids.OPEN_CONNECT, "connect")])
        )
    return Message(text=escape(user_message), blocks=tuple(blocks))


def status_message(status: TimerStatus, zone: tzinfo) -> Message:
    blocks: list[Block] = []
    if status.running is not None:
        timer = status.running
        elapsed = duration(timer.elapsed(status.now))
        text = f":stopwatch: {task_mrkdwn(timer.task)}\nRunning for *{escape(elapsed)}* (since "
        text += f"{clock_time(timer.started_at, zone)})"
        if timer.notes:
            text += f"\n{notes_mrkdwn(timer.notes, 500)}"
        blocks.append(section(text, accessory=_stopbutton()))
        fallback = f"Running: {timer.task.label} for {elapsed}"
    else:
        blocks.append(section(":zzz: No timer is running."))
        fallback = "No timer is running"
    blocks.append(context(f"Today: *{escape(duration(status.today_total))}* tracked"))
    if status.recent_tasks:
        prefix = "Switch to " if status.running else "Start "
        blocks.append(_start_buttons(status.recent_tasks, prefix=prefix))
    else:
        blocks.append(context(f"Start a timer with `{START_USAGE}`"))
    return Message(text=f"{fallback}. Today: {duration(status.today_total)}", blocks=tuple(blocks))


def started_message(started: Started, zone: tzinfo) -> Message:
    timer = started.timer
    text = f":arrow_forward: Started {task_mrkdwn(timer.task)} at "
    text += clock_time(timer.started_at, zone)
    if timer.notes:
        text += f"\n{notes_mrkdwn(timer.notes, 500)}"
    blocks: list[Block] = [section(text, accessory=_stopbutton())]
    previous = started.previous
    if previous is not None:
        blocks.append(
            context(
                f"Stopped {task_mrkdwn(previous.task)} after "
                f"*{escape(duration(previous.elapsed(started.now)))}*"
            )
        )
    return Message(text=f"Started {timer.task.label}", blocks=tuple(blocks))


def stopped_message(stopped: Stopped) -> Message:
    text = f":white_check_mark: Stopped {task_mrkdwn(stopped.task)}: "
    text += f"*{escape(duration(stopped.tracked))}* tracked"
    return Message(
        text=f"Stopped {stopped.task.label}: {duration(stopped.tracked)}",
        blocks=(
            # This task again with its notes (the Home's Continue resumes whichever stopped last).
            section(
                text,
                accessory=button(
                    "Continue",
                    f"{ids.START_TASK}:0",
                    start_task_value(stopped.task.id, stopped.notes),
                ),
            ),
            context(f"Today: *{escape(duration(stopped.today_total))}* tracked"),
        ),
    )


def nothing_running_message(_: NothingRunning | None = None) -> Message:
    return Message(
        text="No timer is running, so there was nothing to stop.",
        blocks=(
            section(":zzz: No timer is running, so there was nothing to stop."),
            context(f"Start one with `{START_USAGE}`"),
        ),
    )


def choose_task_message(choose: Choose) -> Message:
    query = escape(truncate(choose.query, 200))
    if choose.fuzzy:
        lead = f":mag: I couldn't find a task called “{query}”. Did you mean one of these?"
    else:
        lead = f":mag: {choose.total} tasks match “{query}”. Which one should I start?"
    blocks: list[Block] = [section(lead), _start_buttons(choose.tasks, choose.notes)]
    if choose.total > len(choose.tasks):
        blocks.append(
            context(
                f"Showing {len(choose.tasks)} of {choose.total}. Type more of the name, or add "
                "`in &lt;project&gt;`, to narrow it down."
            )
        )
    return Message(text=f"Several tasks match “{choose.query}”", blocks=tuple(blocks))


def no_match_message(no_match: NoMatch) -> Message:
    task = escape(truncate(no_match.task_name, 200))
    where = ""
    if no_match.project_name:
        where = f" in *{escape(truncate(no_match.project_name, 200))}*"
    lead = f":mag: I couldn't find a task called “{task}”{where}."
    create_label = f"Create “{truncate(no_match.task_name, 40)}” and start"
    if no_match.project_name and no_match.project is None:
        lead += " That project doesn't exist either."
        create_label = "Create both and start"
    return Message(
        text=f"No task called “{no_match.task_name}”",
        blocks=(
            section(lead),
            ActionsBlock(
                elements=[
                    button(
                        create_label,
                        ids.CREATE_AND_START,
                        create_task_value(
                            no_match.task_name, no_match.project_name, no_match.notes
                        ),
                        style="primary",
                    )
                ]
            ),
            context("Or check the spelling: `/track start &lt;task&gt; in &lt;project&gt;`"),
        ),
    )


def disconnected_message(was_linked: bool) -> Message:
    if not was_linked:
        text = "You weren't connected, so there was nothing to delete."
        return Message(text=text, blocks=(section(f":information_source: {text}"),))
    text = (
        ":wave: Disconnected. Your App Password and everything else this app stored for you "
        "has been deleted."
    )
    return Message(
        text="Disconnected from TrackingTime.",
        blocks=(
            section(text),
            context(
                "You can also revoke the App Password in TrackingTime: "
                "Settings → Apps & Integrations → App Passwords."
            ),
        ),
    )


def parse_start_task_value(value: str) -> tuple[int, str] | None:
    """``(task_id, notes)`` from a start button's value; ``None`` for a value we did not make."""
    try:
        payload = json.loads(value)
        task_id = parse_id(payload["task_id"])
        notes = str(payload.get("notes") or "")
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    return None if task_id is None else (task_id, notes)


def parse_create_task_value(value: str) -> tuple[str, str | None, str] | None:
    """``(task name, project name, notes)`` from a create-and-start button's value."""
    try:
        payload = json.loads(value)
        task = payload["task"]
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
        return None
    if not isinstance(task, str) or not task.strip():
        return None
    task = task.strip()
    project = str(payload.get("project") or "").strip() or None
    return task, project, str(payload.get("notes") or "")
