"""A user's day as it stands just before an entry is placed or sent: their TrackingTime entries,
their running timer, and the entries the app holds for them (waiting, or being sent)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.services.entry import Entry, entry_from_json, same_entry
from bot.services.placement import Busy
from bot.storage.pending import Held
from bot.trackingtime import Event, RunningTimer


@dataclass(frozen=True)
class DayState:
    """What TrackingTime had around a day when asked at ``read_at``: the user's entries that
    start on that day or a day either side, and their running timer."""

    read_at: datetime
    events: tuple[Event, ...]
    timer: RunningTimer | None

    def like(self, entry: Entry) -> frozenset[int]:
        """The entries that are ``entry`` by what they are (:func:`same_entry`)."""
        return frozenset(event.id for event in self.events if same_entry(event, entry))

    def busy(self, now: datetime, held: Iterable[Held], zone: tzinfo) -> list[Busy]:
        """Everything that takes up the user's time: TrackingTime's entries (a running one up to
        ``now``), the running timer, and the placed entries in ``held`` that TrackingTime did not
        show yet (waiting, being sent, or added since ``read_at``)."""
        seen = {event.id for event in self.events}
        busy = [
            Busy(event.start, event.end or now, _event_label(event), running=event.end is None)
            for event in self.events
        ]
        if self.timer is not None and self.timer.event_id not in seen:
            busy.append(Busy(self.timer.started_at, now, self.timer.task.label, running=True))
        for row in held:
            if row.event_id in seen:
                continue
            entry = entry_from_json(row.entry, zone)
            if entry.placed:
                busy.append(Busy(entry.start, entry.end, entry.label))
        return busy


def _event_label(event: Event) -> str:
    if event.task and event.project:
        return f"{event.task} · {event.project}"
    return event.task or event.project or "(no task)"
