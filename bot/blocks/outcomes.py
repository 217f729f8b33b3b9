"""What the user is told about an entry they logged: each way it can turn out, in one place for
the command, the modal, the buttons and the worker."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import ActionsBlock

from bot.blocks import ids
from bot.blocks.entries import (
    entry_line,
    kept_message,
    logged_later_message,
    logged_message,
    not_logged_message,
)
from bot.blocks.format import duration, escape, truncate
from bot.blocks.message import Message
from bot.blocks.parts import button, context, section
from bot.services.entries import (
    GaveUp,
    Gone,
    InProgress,
    Kept,
    Later,
    Logged,
    Refused,
    Retried,
    Sent,
    TriedAgain,
)
from bot.services.entry import Entry

RANGE_HINT = "/track log yesterday 9:00-10:30 &lt;task&gt;"


def refused_message(refused: Refused, zone: tzinfo, *, earlier: bool = False) -> Message:
    """TrackingTime refused the entry: what it said, and Try again, which sends the same entry
    (and adds it only once, however often it is pressed)."""
    entry = refused.entry
    lead = "the entry you logged earlier" if earlier else "your entry"
    return Message(
        text=f"TrackingTime refused {duration(entry.duration)} on {entry.label}",
        blocks=(
            section(
                f":x: TrackingTime didn't take {lead}, {entry_line(entry, zone)}: "
                f"{escape(truncate(refused.reason, 500))}"
            ),
            ActionsBlock(
                elements=[
                    button("Try again", ids.RETRY_ENTRY, str(refused.kept_id), style="primary")
                ]
            ),
            context("I've kept it for a week. *Try again* sends this same entry, and only once."),
        ),
    )


def no_room_message(entry: Entry, zone: tzinfo, *, earlier: bool = False) -> Message:
    """An entry given only its length that fits nowhere in its day."""
    what = "The entry you logged earlier, " if earlier else ""
    day = entry.start.astimezone(zone).strftime("%a %d %b")
    return Message(
        text=f"No free {duration(entry.duration)} on {day}",
        blocks=(
            section(
                f":calendar: {what}*{escape(duration(entry.duration))}* on "
                f"*{escape(truncate(entry.label, 200))}*, doesn't fit: there is no free "
                f"{escape(duration(entry.duration))} on {day} between your other entries, so "
                "nothing was logged."
            ),
            context(f"Give the times to log it anyway, overlapping: `{RANGE_HINT}`"),
        ),
    )


def sent_message(outcome: Sent, zone: tzinfo) -> Message:
    """The reply to an entry just submitted."""
    if isinstance(outcome, Logged):
        return logged_message(outcome, zone)
    if isinstance(outcome, Kept):
        return kept_message(outcome, zone)
    if isinstance(outcome, Refused):
        return refused_message(outcome, zone)
    return no_room_message(outcome.entry, zone)


def tried_again_message(outcome: TriedAgain, zone: tzinfo) -> Message:
    """The reply to Try again."""
    if isinstance(outcome, InProgress):
        return Message(
            text="Already being added",
            blocks=(section(":hourglass: This entry is being added already; one moment."),),
        )
    if isinstance(outcome, Gone):
        return Message(
            text="That entry is no longer kept",
            blocks=(
                section(
                    ":information_source: That entry is no longer kept (after a week it is "
                    "dropped). Log it again with `/track log`."
                ),
            ),
        )
    return sent_message(outcome, zone)


def retried_message(outcome: Retried, zone: tzinfo) -> Message | None:
    """What the worker tells the user after trying a kept entry again; ``None``: nothing yet."""
    if isinstance(outcome, Later):
        return None
    if isinstance(outcome, Logged):
        return logged_later_message(outcome, zone)
    if isinstance(outcome, GaveUp):
        return not_logged_message(outcome.entry, zone, outcome.reason)
    if isinstance(outcome, Refused):
        return refused_message(outcome, zone, earlier=True)
    return no_room_message(outcome.entry, zone, earlier=True)


__all__ = [
    "no_room_message",
    "refused_message",
    "retried_message",
    "sent_message",
    "tried_again_message",
]
