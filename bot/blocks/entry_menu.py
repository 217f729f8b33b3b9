"""One shown entry: its line of text and its overflow menu (Edit, Delete, Log again today, Start
again), the same wherever the app lists entries (reports, the Home tab, log replies, the daily
summary, ``/track edit``).

Each entry is a section of its own, the menu its accessory, so a message of 50 blocks shows at
most a few dozen entries: the builders that list many page or cap them. An option's value (at
most 150 characters) is ``<verb>:<entry id>``; the id is checked against its owner before
anything is done with it.
"""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import OverflowMenuElement, SectionBlock

from bot.blocks import ids
from bot.blocks.format import clock_time, duration, escape, names_mrkdwn, truncate
from bot.blocks.parts import option, section
from bot.digits import parse_id
from bot.trackingtime import Event

EDIT = "edit"
DELETE = "delete"
LOG_AGAIN = "again"
START_AGAIN = "start"
VERBS = {EDIT: "Edit", DELETE: "Delete", LOG_AGAIN: "Log again today", START_AGAIN: "Start again"}


def event_line(event: Event, zone: tzinfo) -> str:
    """```09:00-10:30` *1h 30m* Task · Project — _notes_``, names and notes cut to fit."""
    span = f"{clock_time(event.start, zone)}-{clock_time(event.end or event.start, zone)}"
    what = names_mrkdwn(event.task, event.project, limits=(120, 80), bold=False)
    line = f"`{span}` *{escape(duration(event.duration))}* {what}"
    if event.notes:
        line += f" — _{escape(truncate(' '.join(event.notes.split()), 200))}_"
    return line


def menu_value(verb: str, event_id: int) -> str:
    return f"{verb}:{event_id}"


def parse_menu_value(value: str) -> tuple[str, int] | None:
    """``(verb, entry id)`` from a menu option's value; ``None`` for a value we did not make."""
    verb, _, text = value.partition(":")
    event_id = parse_id(text)
    if verb not in VERBS or event_id is None:
        return None
    return verb, event_id


def entry_menu(event: Event) -> OverflowMenuElement:
    """The menu of one entry. Start again needs a task: an entry on a project itself has none."""
    verbs = [EDIT, DELETE, LOG_AGAIN] + ([START_AGAIN] if event.task_id is not None else [])
    return OverflowMenuElement(
        action_id=ids.ENTRY_MENU,
        options=[option(menu_value(verb, event.id), VERBS[verb]) for verb in verbs],
    )


def entry_row(event: Event, zone: tzinfo, lead: str = "") -> SectionBlock:
    """The entry's line (after ``lead``, e.g. what just happened to it) with its menu."""
    return section(f"{lead}{event_line(event, zone)}", accessory=entry_menu(event))
