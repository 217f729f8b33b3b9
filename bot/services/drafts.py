"""Draft entries from what a user wrote: read out of their message, matched to their tasks as
``/track start`` matches, offered where they asked for it, logged together, undone together.

Nothing of a message is stored: it is read when it arrives (a shortcut's payload, a message
event), its drafts travel in the form and in the offer's button, and only what the user logs
becomes an entry (written first, as every entry is: :mod:`bot.services.entries`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.logparse import (
    Draft,
    LogError,
    LogRequest,
    Post,
    format_duration_input,
    parse_log,
    read_post,
)
from bot.logparse.formatting import format_word
from bot.services.catalogue import Catalogue, Lists
from bot.services.clock import Clock, local_day, system_clock
from bot.services.editing import EditingService, NotYours
from bot.services.entries import EntryService
from bot.services.entry import Entry, range_times
from bot.services.matching import Choose, Match, NoMatch, resolve_task
from bot.services.outcomes import Sent
from bot.storage import AccountStore, Link, SlackUserKey
from bot.storage.standup import StandupStore
from bot.trackingtime import InvalidCredentials, Task, TrackingTimeError
from bot.trackingtime.timefmt import zone_or_utc

SHOWN_CHOICES = 3


@dataclass(frozen=True)
class DraftRow:
    """One draft as the form shows it: when, the task matched (``None``, with ``why_no_task``,
    until the user picks one), and notes. ``leave_out`` starts ticked for a range that ends
    later than now: it cannot be logged yet."""

    clause: str
    day: date
    start: time | None
    end: time | None
    length: timedelta
    notes: str
    task: Task | None
    why_no_task: str | None = None
    leave_out: bool = False


@dataclass(frozen=True)
class NotLogged:
    """TrackingTime refused the entry in a way no retry cures (its task was deleted, say)."""

    entry: Entry
    reason: str


DraftOutcome = Sent | NotLogged


@dataclass(frozen=True)
class UndoneAll:
    """Undo all: how many entries were deleted, were gone already, or were not the user's."""

    removed: int
    gone: int
    not_yours: int


@dataclass(frozen=True)
class Offer:
    """Drafts to offer the author of a post, in the channel they posted in (``today`` is
    theirs, to say the drafts' days in words)."""

    drafts: tuple[Draft, ...]
    today: date


def draft_rows(
    drafts: Sequence[Draft], lists: Lists, zone: tzinfo, now: datetime
) -> tuple[DraftRow, ...]:
    """Each draft with its task matched among the user's ``lists``."""
    return tuple(_row(draft, lists, zone, now) for draft in drafts)


def _row(draft: Draft, lists: Lists, zone: tzinfo, now: datetime) -> DraftRow:
    request = draft.request
    resolution = resolve_task(request.words, request.notes, lists.tasks, lists.projects)
    leave_out = False
    if request.start is not None and request.end is not None:
        _, end = range_times(request.day, request.start, request.end, zone)
        leave_out = end > now + timedelta(minutes=1)
    task, why, notes = None, None, resolution.notes
    if isinstance(resolution, Match):
        task = resolution.task
    elif isinstance(resolution, Choose):
        why = _choices(resolution)
    else:
        why = _no_match(resolution)
        # The typed name stays with the entry, whichever task is picked for it.
        notes = " · ".join(part for part in (resolution.task_name, resolution.notes) if part)
    return DraftRow(
        draft.clause,
        request.day,
        request.start,
        request.end,
        request.duration,
        notes,
        task,
        why,
        leave_out,
    )


def _clause(request: LogRequest) -> str:
    """A draft as a clause of a post: ``2h API review: notes``, ``9:00-10:30 design sync``
    (its day is in the form's own field)."""
    when = (
        f"{request.start:%H:%M}-{request.end:%H:%M}"
        if request.start is not None and request.end is not None
        else format_duration_input(request.duration)
    )
    words = " ".join(format_word(word) for word in request.words)
    return f"{when} {words}" + (f": {request.notes}" if request.notes else "")


def _choices(choose: Choose) -> str:
    shown = ", ".join(task.label for task in choose.tasks[:SHOWN_CHOICES])
    if choose.fuzzy:
        return f"No task is called “{choose.query}”. Did you mean {shown}? Pick one."
    more = f" and {choose.total - SHOWN_CHOICES} more" if choose.total > SHOWN_CHOICES else ""
    return f"{choose.total} tasks match “{choose.query}” ({shown}{more}): pick one."


def _no_match(no_match: NoMatch) -> str:
    where = f" in {no_match.project_name}" if no_match.project_name else ""
    return f"No task is called “{no_match.task_name}”{where}: pick one."


def sending_order(entries: Sequence[Entry], today: date) -> list[int]:
    """Entries at given times first, so that lengths are placed around them; then lengths in
    the order written (on a past day each goes after the one before), except today's, latest
    first (each is placed to end where the one after it began), so days read as written."""
    placed = [index for index, entry in enumerate(entries) if entry.placed]
    lengths = [index for index, entry in enumerate(entries) if not entry.placed]
    earlier = [index for index in lengths if entries[index].day != today]
    todays = [index for index in lengths if entries[index].day == today]
    return placed + earlier + todays[::-1]


class DraftService:
    def __init__(
        self,
        entries: EntryService,
        editing: EditingService,
        catalogue: Catalogue,
        accounts: AccountStore,
        standup: StandupStore,
        clock: Clock = system_clock,
    ) -> None:
        self._entries = entries
        self._editing = editing
        self._catalogue = catalogue
        self._accounts = accounts
        self._standup = standup
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    def today(self, link: Link) -> date:
        return local_day(self._clock(), zone_or_utc(link.time_zone))

    def read(self, link: Link, text: str) -> Post:
        """The drafts in a message the user wrote, their days counted from their own today."""
        return read_post(text, self.today(link))

    async def rows(self, link: Link, drafts: Sequence[Draft]) -> tuple[DraftRow, ...]:
        """The drafts as the form shows them, matched against the user's tasks."""
        lists = await self._catalogue.lists(link)
        return draft_rows(drafts, lists, zone_or_utc(link.time_zone), self._clock())

    async def offer(
        self, key: SlackUserKey, channel_id: str, message_ts: str, text: str
    ) -> Offer | None:
        """The drafts to offer for a post, if its author asked for offers in this channel, is
        linked, wrote a time in it, and nobody offered them this post yet (a retried event)."""
        if not await self._standup.offers_in(key, channel_id):
            return None
        link = await self._accounts.get(key)
        if link is None:
            return None
        post = self.read(link, text)
        if not post.drafts:
            return None
        if not await self._standup.claim_offer(key, channel_id, message_ts, self._clock()):
            return None
        return Offer(post.drafts, self.today(link))

    def drafts_from_lines(self, link: Link, lines: Sequence[str]) -> tuple[Draft, ...]:
        """Drafts written back as ``/track log`` text (an offer's button), read again; a line
        that no longer reads (a date now past a year) is left out."""
        today = self.today(link)
        requests = (parse_log(line, today) for line in lines)
        return tuple(
            Draft(request, _clause(request))
            for request in requests
            if not isinstance(request, LogError)
        )

    async def log_all(
        self, link: Link, entries: Sequence[Entry], channel_id: str | None
    ) -> tuple[DraftOutcome, ...]:
        """Log the chosen drafts, each as any entry is logged (written first, placed in free
        time, matched by what it is on a retry), in the order that keeps them apart; the
        outcomes come back in the order given. A wrong App Password stops it (nothing was
        logged: it fails the first one)."""
        outcomes: dict[int, DraftOutcome] = {}
        for index in sending_order(entries, self.today(link)):
            try:
                outcomes[index] = await self._entries.log_or_keep(link, entries[index], channel_id)
            except InvalidCredentials:
                raise
            except TrackingTimeError as error:
                outcomes[index] = NotLogged(entries[index], error.user_message)
        return tuple(outcomes[index] for index in range(len(entries)))

    async def undo_all(self, link: Link, event_ids: Sequence[int]) -> UndoneAll:
        """Delete the entries just logged; each only if it is the user's own."""
        removed = gone = not_yours = 0
        for event_id in dict.fromkeys(event_ids):
            undone = await self._editing.undo_logged(link, event_id)
            if isinstance(undone, NotYours):
                not_yours += 1
            elif undone:
                removed += 1
            else:
                gone += 1
        return UndoneAll(removed, gone, not_yours)
