"""Logging past time: the replies to an entry logged (with its menu and Undo), kept or not
added, and the chooser for a task that needs picking. The form is :mod:`bot.blocks.log_form`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.blocks import ids
from bot.blocks.entry_menu import entry_menu
from bot.blocks.format import clock_time, duration, escape, names_mrkdwn, notes_mrkdwn, truncate
from bot.blocks.message import Message
from bot.blocks.parts import button, context, section, truncate_json
from bot.services.entries import Entry, Kept, Logged, Unresolved
from bot.services.matching import Choose
from bot.services.placement import Busy, Placement

NOTES_IN_VALUE_LIMIT = 1200
NAME_IN_VALUE_LIMIT = 200  # each of task and project: with the notes, well inside 2000
MAX_LENGTH_IN_VALUE = 24 * 3600  # seconds: no entry typed is longer
LOG_USAGE = "/track log 1h30m yesterday &lt;task&gt; in &lt;project&gt;"


def entry_line(entry: Entry, zone: tzinfo) -> str:
    """``*1h 30m* on *Task* · Project, Thu 26 Nov 09:00-10:30`` (no times for an entry still
    to be placed)."""
    day = entry.start.astimezone(zone).strftime("%a %d %b")
    what = names_mrkdwn(entry.task_name, entry.project_name)
    line = f"*{escape(duration(entry.duration))}* on {what}, {day}"
    if entry.placed:
        line += f" {clock_time(entry.start, zone)}-{clock_time(entry.end, zone)}"
    return line


def _busy_line(busy: Busy, zone: tzinfo) -> str:
    if busy.running:
        since = clock_time(busy.start, zone)
        return f"your running timer on {escape(truncate(busy.label, 100))} (since {since})"
    span = f"{clock_time(busy.start, zone)}-{clock_time(busy.end, zone)}"
    return f"{escape(truncate(busy.label, 100))} {span}"


def _placement_note(placement: Placement, zone: tzinfo) -> str:
    """Why an entry given only its length went where it did."""
    neighbour = placement.neighbour
    if placement.rule == "after" and neighbour is not None:
        return (
            f"Placed after your last entry that day, {escape(truncate(neighbour.label, 100))} "
            f"(until {clock_time(neighbour.end, zone)})."
        )
    if placement.rule == "day start":
        return "Placed at the start of your working day: nothing else is logged that day."
    if placement.rule == "before" and neighbour is not None:
        began = clock_time(neighbour.start, zone)
        if neighbour.running:
            return f"Placed to end when your running timer started ({began})."
        return (
            f"Placed to end when {escape(truncate(neighbour.label, 100))} began "
            f"({began}), the latest free time long enough."
        )
    if placement.rule == "now":
        return "Placed to end now."
    return "Placed in the last free time of that day long enough for it."


def overlap_note(
    overlaps: Sequence[Busy], zone: tzinfo, lead: str = "As you gave the times, it"
) -> str:
    """What an entry taken at its own times overlaps, at most three by name."""
    shown = ", ".join(_busy_line(busy, zone) for busy in overlaps[:3])
    more = f" and {len(overlaps) - 3} more" if len(overlaps) > 3 else ""
    return f":warning: {lead} overlaps {shown}{more}."


def logged_message(logged: Logged, zone: tzinfo) -> Message:
    """The confirmation of a logged entry: its menu, where it went or what it overlaps, and
    Undo."""
    entry = logged.entry
    text = f":white_check_mark: Logged {entry_line(entry, zone)}"
    if entry.notes:
        text += f"\n{notes_mrkdwn(entry.notes, 500)}"
    blocks: list[Block] = [section(text, accessory=entry_menu(logged.event))]
    if logged.placement is not None:
        blocks.append(context(_placement_note(logged.placement, zone)))
    if logged.overlaps:
        blocks.append(context(overlap_note(logged.overlaps, zone)))
    blocks.append(ActionsBlock(elements=[button("Undo", ids.UNDO_ENTRY, str(logged.event.id))]))
    return Message(text=f"Logged {duration(entry.duration)} on {entry.label}", blocks=tuple(blocks))


def kept_message(kept: Kept, zone: tzinfo) -> Message:
    """TrackingTime could not take the entry: it is kept, and will be added later."""
    where = (
        ""
        if kept.entry.placed
        else " It goes after your other entries that day, placed when TrackingTime answers."
    )
    blocks: list[Block] = [
        section(
            f":inbox_tray: {escape(truncate(kept.reason, 500))}\nI've kept your entry, "
            f"{entry_line(kept.entry, zone)}, and will add it to TrackingTime as soon as "
            f"it answers. You'll get a message then.{where}"
        )
    ]
    if kept.overlaps:
        blocks.append(context(overlap_note(kept.overlaps, zone)))
    return Message(
        text=f"Kept {duration(kept.entry.duration)} on {kept.entry.label} to add later",
        blocks=tuple(blocks),
    )


def logged_later_message(logged: Logged, zone: tzinfo) -> Message:
    """The worker added an entry that had to wait for TrackingTime."""
    message = logged_message(logged, zone)
    lead = section(":white_check_mark: TrackingTime is back: the entry you logged earlier is in.")
    return Message(text=f"Added later: {message.text}", blocks=(lead, *message.blocks))


def not_logged_message(entry: Entry, zone: tzinfo, reason: str) -> Message:
    """An entry kept for later that could not be added after all: say which, so it can be
    logged again by hand."""
    return Message(
        text=f"Could not log {duration(entry.duration)} on {entry.label}",
        blocks=(
            section(
                ":warning: I couldn't add the entry you logged earlier, "
                f"{entry_line(entry, zone)}: {escape(reason)}"
            ),
            context("Log it again with `/track log` once that is sorted out."),
        ),
    )


def undone_message(removed: bool) -> Message:
    text = (
        ":wastebasket: Undone: the entry was deleted from TrackingTime."
        if removed
        else ":information_source: That entry was already gone from TrackingTime."
    )
    return Message(
        text="Entry removed" if removed else "Entry already gone", blocks=(section(text),)
    )


def entry_value(
    start: datetime, end: datetime, notes: str, *, placed: bool = True, **what: Any
) -> str:
    """A button value that carries an entry still to be logged: times as epoch seconds, or for
    an entry still to be placed (``placed=False``) its day and length."""
    payload: dict[str, Any] = (
        {"start": int(start.timestamp()), "end": int(end.timestamp())}
        if placed
        else {
            "day": start.date().isoformat(),
            "length": int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds()),
        }
    )
    # Names as JSON-sized as the notes: a long (or quote-filled) name must not push the value
    # past Slack's 2000 characters, which would make the whole message fail.
    payload.update(
        {
            key: truncate_json(value, NAME_IN_VALUE_LIMIT) if isinstance(value, str) else value
            for key, value in what.items()
            if value
        }
    )
    if notes:
        payload["notes"] = truncate_json(notes, NOTES_IN_VALUE_LIMIT)
    return json.dumps(payload, ensure_ascii=False)


def parse_entry_value(value: str) -> dict[str, Any] | None:
    """The payload of :func:`entry_value`, or ``None`` for a value we did not make."""
    try:
        payload = json.loads(value)
        if "day" in payload:
            date.fromisoformat(payload["day"])
            if not 0 < int(payload["length"]) <= MAX_LENGTH_IN_VALUE:
                return None
        else:
            int(payload["start"])
            int(payload["end"])
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def unresolved_log_message(unresolved: Unresolved, zone: tzinfo) -> Message:
    """Which task to log on (several match), or an offer to create the typed one."""
    resolution = unresolved.resolution
    start, end, notes = unresolved.start, unresolved.end, unresolved.notes
    span = end.astimezone(UTC) - start.astimezone(UTC)
    when = f"{escape(duration(span))} on {start.astimezone(zone):%a %d %b}"
    if isinstance(resolution, Choose):
        query = escape(truncate(resolution.query, 200))
        lead = (
            f":mag: I couldn't find a task called “{query}”. Log {when} on one of these?"
            if resolution.fuzzy
            else f":mag: {resolution.total} tasks match “{query}”. Which one gets {when}?"
        )
        buttons = [
            button(
                task.label,
                f"{ids.LOG_CHOICE}:{index}",
                entry_value(
                    start,
                    end,
                    notes,
                    placed=unresolved.placed,
                    task_id=task.id,
                    task=task.name,
                    project=task.project,
                ),
            )
            for index, task in enumerate(resolution.tasks)
        ]
        return Message(
            text=f"Which task gets {duration(span)}?",
            blocks=(section(lead), ActionsBlock(elements=buttons)),
        )
    task_name = truncate(resolution.task_name, 200)
    where = (
        f" in *{escape(truncate(resolution.project_name, 200))}*" if resolution.project_name else ""
    )
    label = f"Create “{truncate(resolution.task_name, 30)}” and log"
    return Message(
        text=f"No task called “{resolution.task_name}”",
        blocks=(
            section(f":mag: I couldn't find a task called “{escape(task_name)}”{where}."),
            ActionsBlock(
                elements=[
                    button(
                        label,
                        ids.CREATE_AND_LOG,
                        entry_value(
                            start,
                            end,
                            notes,
                            placed=unresolved.placed,
                            task=task_name,
                            project=resolution.project_name,
                        ),
                        style="primary",
                    )
                ]
            ),
            context(f"Or check the spelling: `{LOG_USAGE}`"),
        ),
    )
