"""The drafts form as submitted: each row the user kept, read into an entry, or what is wrong
with its fields, in words a user can act on. Pure, so the submission is checked before its ack
(no I/O), and Slack shows the mistakes on the fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.logparse import MAX_DAYS_BACK, parse_time_or_length
from bot.services.clock import local_day
from bot.services.entry import Entry, range_times, unplaced
from bot.services.entry_form import LABEL_SEPARATOR

NO_TASK = "Pick the task for this one, or leave it out."
NO_DAY = "Pick the day the work was done."
FUTURE_DAY = "That day is still to come: log time once it's done."
LONG_AGO = "That is more than a year ago: TrackingTime's own app is better for it."
BAD_WHEN = "Give a time range like 9:00-10:30, or how long, like 1h30m."
ENDS_LATER = "That ends later than now: leave it out, or log it once it's done."
ALL_LEFT_OUT = "Every entry is left out: untick one to log it, or Cancel."


@dataclass(frozen=True)
class DraftFields:
    """One row of the drafts form as submitted: raw values, ``None`` where a field was left
    empty. ``task`` is ``(id, label)`` of the chosen option; ``when`` a range or a length."""

    leave_out: bool
    task: tuple[int, str] | None
    day: str | None
    when: str | None
    notes: str = ""


def entries_from_drafts(
    rows: Sequence[DraftFields], zone: tzinfo, now: datetime
) -> list[tuple[int, Entry]] | dict[tuple[int, str], str]:
    """The entries of the rows not left out, with their row numbers; or the mistakes, keyed by
    ``(row, field)`` with fields ``leave_out``, ``task``, ``day`` and ``when``."""
    today = local_day(now, zone)
    errors: dict[tuple[int, str], str] = {}
    entries: list[tuple[int, Entry]] = []
    for index, row in enumerate(rows):
        if row.leave_out:
            continue
        entry = _entry(row, zone, now, today)
        if isinstance(entry, Entry):
            entries.append((index, entry))
        else:
            errors.update({(index, field): problem for field, problem in entry.items()})
    if not entries and not errors and rows:
        errors[(0, "leave_out")] = ALL_LEFT_OUT
    return errors or entries


def _entry(row: DraftFields, zone: tzinfo, now: datetime, today: date) -> Entry | dict[str, str]:
    errors: dict[str, str] = {}
    if row.task is None:
        errors["task"] = NO_TASK
    day = _day(row.day, today, errors)
    when = parse_time_or_length(row.when or "")
    if when is None:
        errors["when"] = BAD_WHEN
    if errors or day is None or when is None:
        return errors
    if isinstance(when, timedelta):
        entry = unplaced(day, when, zone)
    else:
        start, end = range_times(day, when[0], when[1], zone)
        if end > now + timedelta(minutes=1):
            return {"when": ENDS_LATER}
        entry = Entry(start=start, end=end)
    assert row.task is not None
    task_id, label = row.task
    task_name, _, project_name = label.partition(LABEL_SEPARATOR)
    return Entry(
        start=entry.start,
        end=entry.end,
        notes=row.notes.strip(),
        task_id=task_id,
        task_name=task_name or None,
        project_name=project_name or None,
        placed=entry.placed,
    )


def _day(text: str | None, today: date, errors: dict[str, str]) -> date | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        errors["day"] = NO_DAY
        return None
    if day > today:
        errors["day"] = FUTURE_DAY
        return None
    if day < today - timedelta(days=MAX_DAYS_BACK):
        errors["day"] = LONG_AGO
        return None
    return day
