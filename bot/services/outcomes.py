"""What can become of an entry a user logs, as the entry service reports it to the handlers,
the worker and the message builders (:mod:`bot.blocks.outcomes`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.entry import Entry
from bot.services.matching import Choose, NoMatch
from bot.services.placement import Busy, Placement
from bot.trackingtime import Event


@dataclass(frozen=True)
class Logged:
    """The entry is in TrackingTime: where it was placed (for an entry given only its length),
    or what it overlaps (for one given a range)."""

    entry: Entry
    event: Event
    placement: Placement | None = None
    overlaps: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class Kept:
    """TrackingTime could not take the entry now: it is stored and will be added later (with
    what it overlaps, for one given a range, when TrackingTime could still be read)."""

    entry: Entry
    reason: str
    overlaps: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class Refused:
    """TrackingTime answered and refused the entry (``reason`` is what it said); it is kept as
    ``kept_id`` for the user's Try again."""

    entry: Entry
    reason: str
    kept_id: int


@dataclass(frozen=True)
class NoRoom:
    """No free time on the entry's day is long enough for an entry given only its length."""

    entry: Entry


@dataclass(frozen=True)
class Unresolved:
    """The typed task needs a choice (or creating) before anything is logged. ``placed`` is
    ``False`` for an entry given only its length (see :attr:`Entry.placed`)."""

    resolution: Choose | NoMatch
    start: datetime
    end: datetime
    notes: str
    placed: bool = True


@dataclass(frozen=True)
class InFuture:
    """The typed range ends after now: time is logged once it is done."""

    end: datetime


@dataclass(frozen=True)
class Later:
    """Still not added: the worker tries again later."""


@dataclass(frozen=True)
class GaveUp:
    """A kept entry that will not be added after all, and why."""

    entry: Entry
    reason: str


@dataclass(frozen=True)
class InProgress:
    """Someone else (another click, the worker) is adding this entry right now."""


@dataclass(frozen=True)
class Gone:
    """Nothing is kept under that id for this user (never theirs, or long since dropped)."""


class NoFreeTime(Exception):
    """A kept entry given only its length finds no free time on its day any more."""


Sent = Logged | Kept | Refused | NoRoom
LogOutcome = Sent | Unresolved | InFuture
Retried = Logged | Later | GaveUp | Refused | NoRoom
TriedAgain = Sent | InProgress | Gone
