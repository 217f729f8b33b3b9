"""Fixing what was tracked: the Edit form, ``/track edit``'s list, and the answers to the entry
menu (saved, deleted with Undo, restored, changed or gone meanwhile, not yours), to
``/track note`` and to ``/track continue``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from slack_sdk.models.blocks import Block, ButtonElement, ConfirmObject, HeaderBlock
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.entries import overlap_note
from bot.blocks.entry_menu import entry_row, event_line
from bot.blocks.format import clock_time, duration, escape, notes_mrkdwn, task_mrkdwn, truncate
from bot.blocks.log_form import entry_inputs
from bot.blocks.message import MAX_MESSAGE_BLOCKS, Message
from bot.blocks.parts import button, context, section
from bot.digits import parse_id
from bot.services.editing import (
    Changed,
    Declined,
    Deleted,
    EntryGone,
    NotYours,
    ProjectOnly,
    Restored,
    Updated,
    version,
)
from bot.services.timers import NotesSet
from bot.trackingtime import Event, Project, Task

# /track edit: a header, the entries and a closing line in one message.
MAX_LISTED = MAX_MESSAGE_BLOCKS - 3
NOTE_USAGE = "/track note &lt;text&gt;"


def _label(event: Event) -> str:
    """``Task · Project`` in plain text, for notifications."""
    if event.task and event.project:
        return f"{event.task} · {event.project}"
    return event.task or event.project or "No task"


def edit_metadata(event: Event, zone: tzinfo, channel_id: str | None, in_home: bool) -> str:
    """What the Edit form's submission needs: which entry, as which version it was shown, and
    where to answer. Checked again on submission: metadata is never trusted."""
    metadata = {"id": event.id, "v": version(event), "tz": str(zone), "channel": channel_id}
    return json.dumps({**metadata, "home": in_home})


def parse_edit_metadata(text: str) -> dict[str, Any] | None:
    """The metadata of :func:`edit_metadata`, or ``None`` for metadata we did not write."""
    try:
        metadata = json.loads(text)
        event_id = parse_id(metadata["id"])
        str(metadata["v"])
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    if not isinstance(metadata, dict) or event_id is None:
        return None
    return {**metadata, "id": event_id}


def edit_modal(event: Event, zone: tzinfo, metadata: str) -> View:
    """The Edit form, filled in with the entry: its project and task, day, from and to (or, for
    an entry that runs past midnight, from and how long) and notes."""
    assert event.end is not None, "a running entry has no end to edit"
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    task = project = None
    # An option needs a label: TrackingTime could leave a name out.
    if event.task_id is not None:
        name = event.task or f"Task {event.task_id}"
        task = Task(event.task_id, name, event.project_id, event.project)
    if event.project_id is not None:
        project = Project(event.project_id, event.project or f"Project {event.project_id}")
    crosses_midnight = end.date() != start.date()
    blocks: list[Block] = [context(f"Editing {event_line(event, zone)}")]
    blocks += entry_inputs(
        start.date(),
        task=task,
        project=project,
        start=start.time(),
        # The form has one day: an entry past midnight is shown as from and how long.
        end=None if crosses_midnight else end.time(),
        how_long=duration(event.duration) if crosses_midnight else "",
        notes=event.notes,
    )
    return View(
        type="modal",
        callback_id=ids.EDIT_VIEW,
        title="Edit entry",
        submit="Save",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata,
    )


def entries_message(events: Sequence[Event], zone: tzinfo) -> Message:
    """``/track edit``: the latest entries, newest first, each with its menu."""
    if not events:
        text = ":zzz: Nothing tracked today or yesterday, so there is nothing to edit yet."
        return Message(
            text="Nothing tracked today or yesterday",
            blocks=(section(text), context("Older days: `/track week` or `/track 2026-11-20`.")),
        )
    blocks: list[Block] = [HeaderBlock(text="Your latest entries")]
    blocks += [entry_row(event, zone) for event in events[:MAX_LISTED]]
    hint = "Today and yesterday, newest first: pick *Edit*, *Delete* … in an entry's menu."
    if len(events) > MAX_LISTED:
        hint = f"The latest {MAX_LISTED} of {len(events)}; `/track today` lists them all."
    blocks.append(context(hint))
    return Message(text=f"Your latest {min(len(events), MAX_LISTED)} entries", blocks=tuple(blocks))


def declined_message(declined: Declined) -> Message:
    """Why nothing was done with an entry, plainly."""
    if isinstance(declined, EntryGone):
        emoji, text = (
            ":information_source:",
            (
                "That entry is no longer in TrackingTime (it was deleted, or is in another "
                "TrackingTime workspace), so there was nothing to change."
            ),
        )
    elif isinstance(declined, NotYours):
        emoji, text = ":no_entry:", "That entry is not one of yours, so I left it alone."
    else:
        emoji, text = (
            ":stopwatch:",
            (
                "That entry is your running timer: stop it first with `/track stop`, or change "
                f"its notes with `{NOTE_USAGE}`."
            ),
        )
    return Message(text=text, blocks=(section(f"{emoji} {text}"),))


def saved_message(updated: Updated, zone: tzinfo) -> Message:
    """The entry as saved, and what its new times overlap, if anything."""
    blocks: list[Block] = [entry_row(updated.after, zone, ":pencil2: Saved: ")]
    if updated.overlaps:
        blocks.append(context(overlap_note(updated.overlaps, zone, "As you set the times, it")))
    return Message(
        text=f"Saved: {duration(updated.after.duration)} on {_label(updated.after)}",
        blocks=tuple(blocks),
    )


def changed_message(changed: Changed, zone: tzinfo) -> Message:
    """The entry changed in TrackingTime while the form was open: nothing was saved over it."""
    return Message(
        text="That entry changed in TrackingTime meanwhile, so nothing was saved",
        blocks=(
            section(
                ":warning: That entry was changed in TrackingTime while you were editing it, so "
                "I didn't save over it. It now reads:"
            ),
            entry_row(changed.event, zone),
            context("Pick *Edit* in its menu to start again from what it says now."),
        ),
    )


def delete_prompt(event: Event, zone: tzinfo) -> Message:
    """The Delete button, behind Slack's confirm dialog (an overflow menu's own confirm would
    ask before every option, Edit included)."""
    delete = ButtonElement(
        text="Delete",
        action_id=ids.DELETE_ENTRY,
        value=str(event.id),
        style="danger",
        confirm=ConfirmObject(
            title="Delete this entry?",
            text="It is removed from TrackingTime. You can undo that right after.",
            confirm="Delete",
            deny="Keep it",
            style="danger",
        ),
    )
    return Message(
        text=f"Delete {duration(event.duration)} on {_label(event)}?",
        blocks=(section(f":wastebasket: Delete {event_line(event, zone)}?", accessory=delete),),
    )


def deleted_message(deleted: Deleted, zone: tzinfo) -> Message:
    undo = button("Undo", ids.RESTORE_ENTRY, str(deleted.undo_id))
    event = deleted.event
    return Message(
        text=f"Deleted {duration(event.duration)} on {_label(event)}",
        blocks=(section(f":wastebasket: Deleted {event_line(event, zone)}", accessory=undo),),
    )


def restored_message(restored: Restored, zone: tzinfo) -> Message:
    """The entry is back, and what has been logged in its place since, if anything."""
    event = restored.event
    blocks: list[Block] = [
        entry_row(event, zone, ":leftwards_arrow_with_hook: Back in TrackingTime: ")
    ]
    if restored.overlaps:
        blocks.append(context(overlap_note(restored.overlaps, zone, "Back at its times, it")))
    return Message(
        text=f"Back: {duration(event.duration)} on {_label(event)}", blocks=tuple(blocks)
    )


def undo_expired_message() -> Message:
    text = (
        ":information_source: There is nothing left to undo: it was undone already, or more "
        "than a day has passed. `/track log` adds an entry again."
    )
    return Message(text="Nothing left to undo", blocks=(section(text),))


def project_only_message(only: ProjectOnly) -> Message:
    name = only.event.project
    project = f"the project *{escape(truncate(name, 200))}*" if name else "a project"
    text = (
        f":information_source: That entry is on {project} itself, and "
        "TrackingTime starts timers on tasks only. *Log again today* adds its time once more."
    )
    return Message(text="TrackingTime starts timers on tasks only", blocks=(section(text),))


def notes_set_message(notes_set: NotesSet, zone: tzinfo) -> Message:
    timer = notes_set.timer
    text = f":memo: Notes on {task_mrkdwn(timer.task)} (running since "
    text += f"{clock_time(timer.started_at, zone)}):"
    text += f"\n{notes_mrkdwn(timer.notes, 2000)}" if timer.notes.strip() else " none"
    stop = button("Stop", ids.STOP_TIMER, "stop", style="danger")
    return Message(
        text=f"Notes on {timer.task.label} saved", blocks=(section(text, accessory=stop),)
    )


def no_timer_for_notes_message() -> Message:
    text = ":zzz: No timer is running, so there are no notes to set."
    return Message(
        text="No timer is running, so there are no notes to set.",
        blocks=(
            section(text),
            context("Start one with notes: `/track start &lt;task&gt;: notes`"),
        ),
    )


def nothing_to_continue_message() -> Message:
    text = ":zzz: There is no stopped timer from the past week to continue."
    return Message(
        text="Nothing to continue",
        blocks=(section(text), context("Start one with `/track start &lt;task&gt;`")),
    )
