"""Drafts from a message: the form that shows them (one row per draft), the offer made in a
channel, and the reply to logging them (each entry with its menu, and Undo all).

A modal holds at most 100 blocks. Each row takes :data:`BLOCKS_PER_ROW` (its clause with a
leave-out box, task, day, time or length, notes), and the form two more (what it is, and what
it did not take), so :data:`MAX_DRAFTS` drafts fit; the form says how many more the message
had, to log with a second go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta, tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.entries import entry_line, overlap_note
from bot.blocks.entry_menu import entry_menu, event_line
from bot.blocks.format import duration, escape, truncate
from bot.blocks.log_form import NOTES_LIMIT
from bot.blocks.message import Message
from bot.blocks.parts import button, context, option, section, truncate_json
from bot.digits import parse_id
from bot.logparse import Draft, LeftAlone, format_duration_input, format_log
from bot.services.drafts import DraftOutcome, DraftRow, NotLogged, UndoneAll
from bot.services.outcomes import Kept, Logged, NoRoom, Refused

MAX_VIEW_BLOCKS = 100
BLOCKS_PER_ROW = 5
MAX_DRAFTS = (MAX_VIEW_BLOCKS - 2) // BLOCKS_PER_ROW
LABEL_LIMIT = 150
HINT_LIMIT = 300
# Notes a row starts with: a modal is at most 250 kB, and 19 rows of 3000 emoji would not fit.
# The field still takes up to 3000 characters typed.
PREFILLED_NOTES_LIMIT = 1000
LEAVE_OUT = "leave"
MAX_LEFT_ALONE_SHOWN = 5
MAX_OFFER_LINES = 10
BUTTON_VALUE_LIMIT = 2000
OFFER_NOTES_LIMIT = 300  # of each draft's notes in the offer (the shortcut reads them whole)
MAX_UNDO_IDS = 100
SHORTCUT_NAME = "Log entries from message"


def drafts_modal(
    rows: Sequence[DraftRow], left_alone: Sequence[LeftAlone], metadata: str = ""
) -> View:
    """The form: the first :data:`MAX_DRAFTS` rows, and a line on what is not in it."""
    shown = rows[:MAX_DRAFTS]
    count = f"{len(shown)} entr{'y' if len(shown) == 1 else 'ies'}"
    blocks: list[Block] = [
        context(
            f"*{count}* from your message. Check each one and *Log*: the task, the day, a time "
            "range or how long (placed in free time that day, as `/track log` places it), notes."
        )
    ]
    for index, row in enumerate(shown):
        blocks += _row_blocks(index, row)
    notes = _not_in_form(len(rows) - len(shown), left_alone)
    if notes:
        blocks.append(context(notes))
    return View(
        type="modal",
        callback_id=ids.DRAFTS_VIEW,
        title="Log from message",
        submit="Log",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata or None,
    )


def _row_blocks(index: int, row: DraftRow) -> list[Block]:
    leave = Option(value=LEAVE_OUT, label="Leave this one out")
    when = (
        f"{row.start:%H:%M}-{row.end:%H:%M}"
        if row.start is not None and row.end is not None
        else format_duration_input(row.length)
    )
    task = option(str(row.task.id), row.task.label) if row.task is not None else None
    return [
        InputBlock(
            block_id=ids.draft_block("leave_out", index),
            label=truncate(f"{index + 1}. {row.clause}", LABEL_LIMIT),
            element=CheckboxesElement(
                action_id="value",
                options=[leave],
                initial_options=[leave] if row.leave_out else None,
            ),
            optional=True,
            hint="It ends later than now: log it once it's done." if row.leave_out else None,
        ),
        InputBlock(
            block_id=ids.draft_block("task", index),
            label=f"Task ({index + 1})",
            element=ExternalDataSelectElement(
                action_id=ids.LOG_TASK_INPUT[1],  # the Log-time form's typeahead answers it
                placeholder="Type to search tasks",
                min_query_length=0,
                initial_option=task,
            ),
            optional=True,
            hint=truncate(row.why_no_task, HINT_LIMIT) if row.why_no_task else None,
        ),
        InputBlock(
            block_id=ids.draft_block("day", index),
            label=f"Day ({index + 1})",
            element=DatePickerElement(action_id="value", initial_date=row.day.isoformat()),
        ),
        InputBlock(
            block_id=ids.draft_block("when", index),
            label=f"Time or how long ({index + 1})",
            element=PlainTextInputElement(
                action_id="value", placeholder="9:00-10:30, or 1h30m", initial_value=when
            ),
            optional=True,
        ),
        InputBlock(
            block_id=ids.draft_block("notes", index),
            label=f"Notes ({index + 1})",
            element=PlainTextInputElement(
                action_id="value",
                max_length=NOTES_LIMIT,
                initial_value=truncate(row.notes, PREFILLED_NOTES_LIMIT) or None,
            ),
            optional=True,
        ),
    ]


def _not_in_form(more: int, left_alone: Sequence[LeftAlone]) -> str:
    lines = []
    if more > 0:
        lines.append(
            f":scissors: {more} more entr{'y' if more == 1 else 'ies'} than this form holds "
            f"({MAX_DRAFTS}): log {'it' if more == 1 else 'them'} with `/track log`, or post "
            "them as a message of their own."
        )
    if left_alone:
        read = [
            f"“{escape(truncate(item.clause, 80))}” ({escape(truncate(item.reason, 120))})"
            for item in left_alone[:MAX_LEFT_ALONE_SHOWN]
        ]
        others = len(left_alone) - MAX_LEFT_ALONE_SHOWN
        tail = f" and {others} more" if others > 0 else ""
        lines.append(f"Not read as entries: {' · '.join(read)}{tail}.")
    return "\n".join(lines)


def no_drafts_modal(problem: str) -> View:
    """The shortcut's answer when the message holds nothing to log (or is not the user's)."""
    return View(
        type="modal",
        title="Log from message",
        close="Close",
        blocks=[
            section(f":mag: {problem}"),
            context(
                "I read each part of a message that starts or ends with how long (`2h`, `30m`) "
                "or when (`9:00-10:30`), as `/track log` does; a line like `Yesterday:` sets "
                "the day of what follows. Example: `Yesterday: 2h API review, 30m standup`."
            ),
        ],
    )


def _draft_words(draft: Draft, today: date) -> str:
    """``2h API review, yesterday`` or ``09:00-10:30 design sync in Website``."""
    request = draft.request
    when = (
        f"{request.start:%H:%M}-{request.end:%H:%M}"
        if request.start is not None and request.end is not None
        else format_duration_input(request.duration)
    )
    what = " ".join(word.text for word in request.words)
    days = (today - request.day).days
    day = {0: "", 1: ", yesterday"}.get(days, f", {request.day:%a %d %b}")
    return f"{when} {escape(truncate(what, 100))}{day}"


def offer_value(drafts: Sequence[Draft]) -> tuple[str, int]:
    """The offer button's value: the drafts written as ``/track log`` text, one a line (the
    app keeps nothing of the post), as many as fit in a button; and how many that is."""
    lines: list[str] = []
    for draft in drafts:
        request = draft.request
        if request.notes and len(request.notes) > OFFER_NOTES_LIMIT:
            request = replace(request, notes=truncate(request.notes, OFFER_NOTES_LIMIT))
        candidate = "\n".join([*lines, format_log(request)])
        if truncate_json(candidate, BUTTON_VALUE_LIMIT) != candidate:
            break
        lines.append(format_log(request))
    return "\n".join(lines), len(lines)


def parse_offer_value(value: str) -> list[str]:
    return [line for line in value.splitlines() if line.strip()][:MAX_DRAFTS]


def offer_message(drafts: Sequence[Draft], today: date) -> Message | None:
    """The offer, only to the author of a post: log what it says? ``None`` when not even one
    draft fits in a button (a task name of thousands of characters)."""
    value, count = offer_value(drafts)
    if not count:
        return None
    question = "Log this entry?" if count == 1 else f"Log these {count} entries?"
    listed = [f"• {_draft_words(draft, today)}" for draft in drafts[: min(count, MAX_OFFER_LINES)]]
    if count > MAX_OFFER_LINES:
        listed.append(f"• … and {count - MAX_OFFER_LINES} more")
    blocks: list[Block] = [
        section(f":memo: *{question}* From what you just posted:\n" + "\n".join(listed)),
        ActionsBlock(elements=[button("Review and log", ids.OPEN_DRAFTS, value, style="primary")]),
    ]
    if count < len(drafts):
        blocks.append(
            context(f"Your post has {len(drafts)}: the *{SHORTCUT_NAME}* shortcut reads them all.")
        )
    blocks.append(context("Only you see this. `/track standup off` stops these offers."))
    return Message(text=question, blocks=tuple(blocks))


def _outcome_block(outcome: DraftOutcome, zone: tzinfo) -> Block:
    if isinstance(outcome, Logged):
        text = f":white_check_mark: {event_line(outcome.event, zone)}"
        if outcome.overlaps:
            text += f"\n{overlap_note(outcome.overlaps, zone, lead='It')}"
        return section(text, accessory=entry_menu(outcome.event))
    line = entry_line(outcome.entry, zone)
    if isinstance(outcome, Kept):
        return section(
            f":inbox_tray: {line}: kept, added as soon as TrackingTime answers "
            f"({escape(truncate(outcome.reason, 200))})"
        )
    if isinstance(outcome, Refused):
        return section(
            f":x: {line}: TrackingTime refused it: {escape(truncate(outcome.reason, 300))}",
            accessory=button("Try again", ids.RETRY_ENTRY, str(outcome.kept_id)),
        )
    if isinstance(outcome, NoRoom):
        return section(f":calendar: {line}: no free time that day is that long, not logged.")
    assert isinstance(outcome, NotLogged)
    return section(f":warning: {line}: not logged: {escape(truncate(outcome.reason, 300))}")


def drafts_logged_message(outcomes: Sequence[DraftOutcome], zone: tzinfo) -> Message:
    """What became of each entry, in the form's order, each logged one with its menu; Undo all
    takes back every one that was logged."""
    logged = [outcome for outcome in outcomes if isinstance(outcome, Logged)]
    total = sum((outcome.entry.duration for outcome in logged), timedelta())
    head = f"Logged {len(logged)} of {len(outcomes)}" if len(logged) < len(outcomes) else "Logged"
    summary = f"{head} entr{'y' if len(outcomes) == 1 else 'ies'} from your message"
    blocks: list[Block] = [section(f"*{summary}* · {escape(duration(total))}")]
    blocks += [_outcome_block(outcome, zone) for outcome in outcomes[:MAX_DRAFTS]]
    if logged:
        undo_ids = ",".join(str(outcome.event.id) for outcome in logged)
        blocks.append(ActionsBlock(elements=[button("Undo all", ids.UNDO_ALL, undo_ids)]))
    return Message(text=f"{summary}: {duration(total)}", blocks=tuple(blocks))


def parse_undo_value(value: str) -> list[int] | None:
    """The entry ids of an Undo all button; ``None`` for a value we did not make."""
    ids_ = [parse_id(part) for part in value.split(",")][:MAX_UNDO_IDS]
    if not ids_ or any(event_id is None for event_id in ids_):
        return None
    return [event_id for event_id in ids_ if event_id is not None]


def undone_all_message(undone: UndoneAll) -> Message:
    parts = [
        f":wastebasket: Undone: {undone.removed} entr{'y' if undone.removed == 1 else 'ies'} "
        "deleted from TrackingTime."
    ]
    if undone.gone:
        parts.append(f"{undone.gone} {'was' if undone.gone == 1 else 'were'} gone already.")
    if undone.not_yours:
        parts.append(f"{undone.not_yours} not yours, left alone.")
    text = " ".join(parts)
    return Message(text=text, blocks=(section(text),))


__all__ = [
    "MAX_DRAFTS",
    "drafts_logged_message",
    "drafts_modal",
    "no_drafts_modal",
    "offer_message",
    "offer_value",
    "parse_offer_value",
    "parse_undo_value",
    "undone_all_message",
]
