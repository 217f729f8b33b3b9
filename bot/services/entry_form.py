"""The Log-time modal's fields read into an entry, or into errors a user can act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.logparse import MAX_DAYS_BACK, parse_duration
from bot.services.clock import local_day
from bot.services.entry import Entry, at_wall_time, range_times, unplaced, utc_plus


@dataclass(frozen=True)
class LogForm:
    """The Log-time modal as submitted: raw values, ``None`` where a field was left empty.

    ``task``/``project`` are ``(id, label)`` of the chosen options; times are ``HH:MM``.
    """

    day: str | None
    task: tuple[int, str] | None = None
    project: tuple[int, str] | None = None
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    notes: str = ""


LABEL_SEPARATOR = " · "


def entry_from_form(form: LogForm, zone: tzinfo, now: datetime) -> Entry | dict[str, str]:
    """The entry the form describes, or field errors keyed by field name (the modal's block
    ids): what is wrong with each field, in words a user can act on."""
    errors: dict[str, str] = {}
    if form.task is None and form.project is None:
        errors["task"] = "Pick a task (or at least a project)."
    day = _form_day(form.day, errors, local_day(now, zone))
    span = None
    if form.duration:
        span = parse_duration(form.duration)
        if span is None:
            errors["duration"] = (
                f"I couldn't read “{form.duration}” as a duration: try 1h30m, 90m, 1.5h or 1:30."
            )
    start_at = _form_time(form.start, "start", errors)
    end_at = _form_time(form.end, "end", errors)
    if not (start_at or end_at or form.duration or {"start", "end"} & set(errors)):
        errors["duration"] = "Give From and To, or how long (like 1h30m)."
    if errors or day is None:
        return errors
    if start_at and end_at:
        start, end = range_times(day, start_at, end_at, zone)
        if end <= start:
            return {"end": "This must be after From."}
        real = end.astimezone(UTC) - start.astimezone(UTC)
        if span is not None and abs(real - span) > timedelta(minutes=1):
            return {
                "duration": "From and To already say how long: leave this empty or make it match."
            }
    elif start_at or end_at:
        if span is None:
            field = "end" if start_at else "start"
            return {field: "Give both From and To, or fill in how long."}
        if start_at:
            start = at_wall_time(day, start_at, zone)
            end = utc_plus(start, span, zone)
        else:
            end = at_wall_time(day, end_at, zone)  # type: ignore[arg-type]
            start = (end.astimezone(UTC) - span).astimezone(zone)
    else:
        assert span is not None  # checked above: placed in the day's free time when logged
        when = unplaced(day, span, zone)
        start, end = when.start, when.end
    if (start_at or end_at) and end > now + timedelta(minutes=1):
        return {"end": "That ends in the future."}
    task_name = project_name = None
    if form.task is not None:
        task_name, _, project_name = form.task[1].partition(LABEL_SEPARATOR)
    elif form.project is not None:
        project_name = form.project[1]
    return Entry(
        start=start,
        end=end,
        notes=form.notes.strip(),
        task_id=form.task[0] if form.task else None,
        project_id=form.project[0] if form.project else None,
        task_name=task_name or None,
        project_name=project_name or None,
        placed=bool(start_at or end_at),
    )


def _form_day(text: str | None, errors: dict[str, str], today: date) -> date | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        errors["date"] = "Pick the day the work was done."
        return None
    if day > today:
        errors["date"] = "That day is still to come: log time once it's done."
        return None
    if day < today - timedelta(days=MAX_DAYS_BACK):
        errors["date"] = "That is more than a year ago: TrackingTime's own app is better for it."
        return None
    return day


def _form_time(text: str | None, field: str, errors: dict[str, str]) -> time | None:
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        errors[field] = f"“{text}” is not a time of day like 09:30."
        return None
