"""Logging past time and reporting it: the instants an entry covers, the Log-time form, report
periods and totals, and the cached project and task lists behind typeahead.

Times are the user's wall-clock times in their zone; the zones span the whole range (UTC-12 to
UTC+14, a half-hour one) and Berlin's DST days: 2026-03-29 (02:00-03:00 does not exist) and
2026-10-25 (02:00-03:00 happens twice).
"""

from __future__ import annotations

import asyncio
import time as clock_module
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.blocks.log_form import log_modal
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.logparse import LogError, parse_duration
from bot.services.catalogue import Catalogue, Lists, search_projects, search_tasks
from bot.services.clock import local_day
from bot.services.entries import Entry, LogForm, entry_from_form
from bot.services.entry import range_times, unplaced
from bot.services.reports import (
    NO_PROJECT,
    NO_TASK,
    REPORT_EXAMPLE,
    Period,
    ProjectTotal,
    ReportService,
    TaskTotal,
    parse_period,
    summarize,
)
from bot.storage import Link, SlackUserKey
from bot.trackingtime import Event, Project, RunningTimer, Task, TrackingTime, Unavailable
from tests.unit.test_blocks import FAST

BERLIN = ZoneInfo("Europe/Berlin")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14
GMT_MINUS_12 = ZoneInfo("Etc/GMT+12")  # UTC-12 (the POSIX sign is inverted)
ST_JOHNS = ZoneInfo("America/St_Johns")  # UTC-3:30, DST UTC-2:30
ZONES = (BERLIN, KIRITIMATI, GMT_MINUS_12, ST_JOHNS, UTC)
FALL_BACK = date(2026, 10, 25)  # Berlin: 03:00 CEST becomes 02:00 CET
SPRING_FORWARD = date(2026, 3, 29)  # Berlin: 02:00 CET becomes 03:00 CEST
# Friday 27 November 2026, 15:07:42 in Berlin.
NOW = datetime(2026, 11, 27, 14, 7, 42, tzinfo=UTC)
TODAY = date(2026, 11, 27)
YESTERDAY = date(2026, 11, 26)
H, M = timedelta(hours=1), timedelta(minutes=1)


def at(day: date, hour: int, minute: int = 0, zone: tzinfo = BERLIN, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).replace(fold=fold)


def real(start: datetime, end: datetime) -> timedelta:
    """Elapsed time: same-zone subtraction would ignore a DST change in between."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def same_instant(a: datetime, b: datetime) -> bool:
    return a.astimezone(UTC) == b.astimezone(UTC)


def wall(moment: datetime) -> tuple[date, time]:
    return moment.date(), moment.time()


# --- range_times -----------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ZONES)
def test_a_range_on_a_normal_day(zone: tzinfo) -> None:
    start, end = range_times(YESTERDAY, time(9), time(10, 30), zone)
    assert (wall(start), wall(end)) == ((YESTERDAY, time(9)), (YESTERDAY, time(10, 30)))
    assert start.tzinfo is zone and end.tzinfo is zone
    assert real(start, end) == 90 * M


def test_a_range_on_the_night_clocks_go_back_counts_real_time() -> None:
    start, end = range_times(FALL_BACK, time(1, 30), time(3, 30), BERLIN)
    assert start.utcoffset() == 2 * H and end.utcoffset() == H
    assert real(start, end) == 3 * H


def test_an_ambiguous_time_on_the_night_clocks_go_back_is_the_first_one() -> None:
    start, end = range_times(FALL_BACK, time(2, 30), time(3, 30), BERLIN)
    assert start.utcoffset() == 2 * H  # 02:30 CEST, the first 02:30
    assert real(start, end) == 2 * H


def test_a_skipped_time_is_read_so_the_range_lasts_as_written() -> None:
    """02:00-03:00 does not exist on 2026-03-29 in Berlin. An end in it moves forward by the gap
    (02:30 is 03:30 CEST, as a clock not yet put forward reads); a range that starts in it is
    read an hour earlier, end included, so it lasts as long as written."""
    start, end = range_times(SPRING_FORWARD, time(2, 0), time(4, 0), BERLIN)
    assert (start.time(), start.utcoffset(), end.time()) == (time(1), H, time(4))
    assert real(start, end) == 2 * H
    start, end = range_times(SPRING_FORWARD, time(2, 15), time(2, 45), BERLIN)
    assert (start.time(), end.time()) == (time(1, 15), time(1, 45))
    assert real(start, end) == 30 * M
    start, end = range_times(SPRING_FORWARD, time(1, 30), time(2, 30), BERLIN)
    assert (end.time(), real(start, end)) == (time(3, 30), H)
    start, end = range_times(SPRING_FORWARD, time(1, 30), time(3, 30), BERLIN)
    assert real(start, end) == H  # 01:30 CET to 03:30 CEST
    # A start in the skipped hour is read an hour earlier: 02:30-03:30 still lasts an hour.
    start, end = range_times(SPRING_FORWARD, time(2, 30), time(3, 30), BERLIN)
    assert real(start, end) == H and end == at(SPRING_FORWARD, 3, 30)


def test_a_range_starting_in_the_skipped_hour_ends_after_it_starts() -> None:
    start, end = range_times(SPRING_FORWARD, time(2, 30), time(3, 15), BERLIN)
    assert end > start


def _exists(day: date, at_time: time, zone: tzinfo) -> bool:
    """Whether the wall time happens at all (it does not in a DST gap)."""
    local = datetime.combine(day, at_time, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None)


zones = st.sampled_from(ZONES)
moments = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
minutes = st.integers(1, 24 * 60).map(lambda n: timedelta(minutes=n))
clock_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@FAST
@given(zones, moments, st.integers(-2, 400), minutes, clock_times, clock_times)
@example(BERLIN, datetime(2026, 10, 26, 12, tzinfo=UTC), 1, H, time(1, 30), time(3, 30))
@example(BERLIN, datetime(2026, 3, 30, 12, tzinfo=UTC), 1, H, time(1, 30), time(3, 30))
@example(ST_JOHNS, datetime(2026, 11, 2, 12, tzinfo=UTC), 1, H, time(0, 30), time(1, 30))
def test_a_range_keeps_its_wall_times_and_ends_after_it_starts(
    zone: tzinfo, now: datetime, days_back: int, span: timedelta, first: time, second: time
) -> None:
    start_at, end_at = sorted([first, second])
    day = local_day(now, zone) - timedelta(days=days_back)
    start, end = range_times(day, start_at, end_at, zone)
    for moment, typed in ((start, start_at), (end, end_at)):
        if _exists(day, typed, zone):
            assert wall(moment) == (day, typed)
    if start_at < end_at and _exists(day, start_at, zone) and _exists(day, end_at, zone):
        assert end > start


# --- entry_from_form -------------------------------------------------------------------------

MODAL_BLOCK_IDS = {
    block["block_id"] for block in log_modal(TODAY).to_dict()["blocks"] if "block_id" in block
}
DESIGN = (5001, "Design review · Website")
WEBSITE = (4001, "Website")


def form(**changes: Any) -> LogForm:
    values: dict[str, Any] = {"day": "2026-11-26", "task": DESIGN, **changes}
    return LogForm(**values)


def check(log_form: LogForm, zone: tzinfo = BERLIN, now: datetime = NOW) -> Entry | dict[str, str]:
    result = entry_from_form(log_form, zone, now)
    if isinstance(result, dict):
        assert result and set(result) <= MODAL_BLOCK_IDS, result
        assert all(isinstance(text, str) and text for text in result.values())
    return result


def test_the_errors_name_fields_the_modal_has() -> None:
    assert sorted(MODAL_BLOCK_IDS) == [
        "date",
        "duration",
        "end",
        "notes",
        "project",
        "start",
        "task",
    ]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        pytest.param(
            {"task": None, "duration": "1h"},
            {"task": "Pick a task (or at least a project)."},
            id="no task or project",
        ),
        pytest.param(
            {"day": None, "duration": "1h"},
            {"date": "Pick the day the work was done."},
            id="no date",
        ),
        pytest.param(
            {"day": "2026-02-30", "duration": "1h"},
            {"date": "Pick the day the work was done."},
            id="no such date",
        ),
        pytest.param(
            {"day": "yesterday", "duration": "1h"},
            {"date": "Pick the day the work was done."},
            id="not a date",
        ),
        pytest.param(
            {"day": "2026-11-28", "duration": "1h"},
            {"date": "That day is still to come: log time once it's done."},
            id="future date",
        ),
        pytest.param(
            {"start": "9.30", "end": "10:00"},
            {"start": "“9.30” is not a time of day like 09:30."},
            id="bad start",
        ),
        pytest.param(
            {"start": "09:00", "end": "25:00"},
            {"end": "“25:00” is not a time of day like 09:30."},
            id="bad end",
        ),
        pytest.param(
            {"start": "10:00", "end": "09:00"}, {"end": "This must be after From."}, id="end before"
        ),
        pytest.param(
            {"start": "10:00", "end": "10:00"}, {"end": "This must be after From."}, id="end same"
        ),
        pytest.param(
            {"start": "09:00"},
            {"end": "Give both From and To, or fill in how long."},
            id="start only",
        ),
        pytest.param(
            {"end": "10:00"},
            {"start": "Give both From and To, or fill in how long."},
            id="end only",
        ),
        pytest.param(
            {"start": "09:00", "end": "10:00", "duration": "2h"},
            {"duration": "From and To already say how long: leave this empty or make it match."},
            id="duration disagrees",
        ),
        pytest.param(
            {},
            {"duration": "Give From and To, or how long (like 1h30m)."},
            id="no time at all",
        ),
        pytest.param(
            {"day": "2026-11-27", "start": "14:00", "end": "16:00"},
            {"end": "That ends in the future."},
            id="range ends in the future",
        ),
        pytest.param(
            {"day": "2026-11-27", "start": "15:00", "duration": "10m"},
            {"end": "That ends in the future."},
            id="start and duration end in the future",
        ),
        pytest.param(
            {"day": "2026-11-27", "end": "15:09", "duration": "10m"},
            {"end": "That ends in the future."},
            id="end a minute and more from now",
        ),
        pytest.param(
            {"task": None, "day": "x", "start": "x", "duration": "x"},
            {
                "task": "Pick a task (or at least a project).",
                "date": "Pick the day the work was done.",
                "start": "“x” is not a time of day like 09:30.",
                "duration": ("I couldn't read “x” as a duration: try 1h30m, 90m, 1.5h or 1:30."),
            },
            id="everything wrong at once",
        ),
        pytest.param(
            {"start": "nine"},
            {"start": "“nine” is not a time of day like 09:30."},
            id="a bad time is not also a missing duration",
        ),
    ],
)
def test_entry_from_form_errors(changes: dict[str, Any], errors: dict[str, str]) -> None:
    assert check(form(**changes)) == errors


@pytest.mark.parametrize("typed", ["abc", "0m", "25h", "-1h", "1h 30", "1:75", "   "])
def test_an_unreadable_duration_is_quoted_back(typed: str) -> None:
    assert check(form(duration=typed)) == {
        "duration": f"I couldn't read “{typed}” as a duration: try 1h30m, 90m, 1.5h or 1:30."
    }


def _entry(start: datetime, end: datetime, **changes: Any) -> Entry:
    values: dict[str, Any] = {
        "start": start,
        "end": end,
        "notes": "",
        "task_id": 5001,
        "project_id": None,
        "task_name": "Design review",
        "project_name": "Website",
        **changes,
    }
    return Entry(**values)


@pytest.mark.parametrize(
    ("changes", "start", "end"),
    [
        pytest.param({"start": "09:00", "end": "10:30"}, (9, 0), (10, 30), id="range"),
        pytest.param(
            {"start": "09:00", "end": "10:30", "duration": "1h30m"}, (9, 0), (10, 30), id="agreeing"
        ),
        pytest.param(
            {"start": "09:00", "end": "10:30", "duration": "91m"},
            (9, 0),
            (10, 30),
            id="a minute off",
        ),
        pytest.param({"start": "09:00", "duration": "1.5h"}, (9, 0), (10, 30), id="start+duration"),
        pytest.param({"end": "10:30", "duration": "1:30"}, (9, 0), (10, 30), id="end+duration"),
        pytest.param({"start": "23:00", "duration": "2h"}, (23, 0), (25, 0), id="past midnight"),
    ],
)
def test_entry_from_form_on_a_past_day(
    changes: dict[str, Any], start: tuple[int, int], end: tuple[int, int]
) -> None:
    hours, minutes = end
    expected_end = at(YESTERDAY, 0) + timedelta(hours=hours, minutes=minutes)
    assert check(form(**changes)) == _entry(at(YESTERDAY, *start), expected_end)


@pytest.mark.parametrize("day", [YESTERDAY, TODAY])
def test_a_duration_alone_is_placed_when_it_is_logged(day: date) -> None:
    """Where it goes depends on the user's other entries that day: see test_placement."""
    entry = check(form(day=day.isoformat(), duration="1h30m"))
    when = unplaced(day, 90 * M, BERLIN)
    assert entry == _entry(when.start, when.end, placed=False)
    assert isinstance(entry, Entry) and entry.day == day and entry.duration == 90 * M


def test_an_entry_may_end_up_to_a_minute_from_now() -> None:
    """The time pickers have whole minutes: 15:08 is 18 s after now."""
    entry = check(form(day="2026-11-27", start="14:00", end="15:08"))
    assert isinstance(entry, Entry) and entry.end == at(TODAY, 15, 8)


@pytest.mark.parametrize(
    ("task", "project", "expected"),
    [
        ((5001, "Design review · Website"), None, (5001, None, "Design review", "Website")),
        ((5001, "Design review · Website"), WEBSITE, (5001, 4001, "Design review", "Website")),
        ((5002, "Inbox zero"), None, (5002, None, "Inbox zero", None)),
        (None, WEBSITE, (None, 4001, None, "Website")),
        ((5003, "A · B · C"), None, (5003, None, "A", "B · C")),
    ],
    ids=["task", "task and project", "task without project", "project only", "dots in names"],
)
def test_entry_from_form_names(
    task: tuple[int, str] | None,
    project: tuple[int, str] | None,
    expected: tuple[int | None, int | None, str | None, str | None],
) -> None:
    entry = check(form(task=task, project=project, duration="1h"))
    assert isinstance(entry, Entry)
    assert (entry.task_id, entry.project_id, entry.task_name, entry.project_name) == expected


@pytest.mark.parametrize(
    ("typed", "kept"), [("", ""), ("  header fixes\n\n", "header fixes"), (" a\n b ", "a\n b")]
)
def test_entry_from_form_strips_notes(typed: str, kept: str) -> None:
    entry = check(form(duration="1h", notes=typed))
    assert isinstance(entry, Entry) and entry.notes == kept


def test_entry_from_form_reads_the_day_in_the_users_zone() -> None:
    """At 14:07 UTC it is already Saturday in Kiritimati and still Friday morning at UTC-12."""
    entry = check(form(day="2026-11-28", start="01:00", end="02:00"), KIRITIMATI)
    assert isinstance(entry, Entry) and entry.start == at(date(2026, 11, 28), 1, zone=KIRITIMATI)
    assert "date" in check(form(day="2026-11-28", duration="1h"), GMT_MINUS_12)
    assert check(form(day="2026-11-27", start="02:00", end="03:00"), GMT_MINUS_12) == {
        "end": "That ends in the future."  # 02:07 at UTC-12
    }
    entry = check(form(day="2026-11-27", duration="1h"), ST_JOHNS)
    assert isinstance(entry, Entry) and not entry.placed and entry.day == TODAY


def test_entry_from_form_on_the_night_clocks_go_back() -> None:
    """01:30-03:30 lasts 3 hours: a duration must say 3h, not the 2h the clock face shows."""
    day = {"day": FALL_BACK.isoformat()}
    entry = check(form(**day, start="01:30", end="03:30"))
    assert isinstance(entry, Entry) and entry.duration == 3 * H
    assert check(form(**day, start="01:30", end="03:30", duration="3h")) == entry
    assert "duration" in check(form(**day, start="01:30", end="03:30", duration="2h"))
    entry = check(form(**day, start="01:30", duration="3h"))
    assert isinstance(entry, Entry) and wall(entry.end) == (FALL_BACK, time(3, 30))
    entry = check(form(**day, end="03:30", duration="3h"))
    assert isinstance(entry, Entry) and wall(entry.start) == (FALL_BACK, time(1, 30))


def test_entry_from_form_on_the_night_clocks_go_forward() -> None:
    day = {"day": SPRING_FORWARD.isoformat()}
    entry = check(form(**day, start="01:30", end="03:30"))
    assert isinstance(entry, Entry) and entry.duration == H
    # 02:30 does not exist; as a start it is read an hour earlier, so the hour written stays.
    entry = check(form(**day, start="02:30", end="03:30"))
    assert isinstance(entry, Entry) and entry.duration == H
    entry = check(form(**day, start="01:30", duration="2h"))
    assert isinstance(entry, Entry) and wall(entry.end) == (SPRING_FORWARD, time(4, 30))


def test_entry_from_form_refuses_the_first_day_of_the_calendar() -> None:
    assert "date" in check(form(day="0001-01-01", start="00:00", end="01:00"))


texts = st.text(max_size=12)
optional_texts = st.none() | texts


@FAST
@given(
    st.none() | texts | st.dates(date(2, 1, 1)).map(date.isoformat),
    st.none() | st.tuples(st.integers(1, 10**12), st.text()),
    st.none() | st.tuples(st.integers(1, 10**12), st.text()),
    optional_texts | clock_times.map(lambda t: t.strftime("%H:%M")),
    optional_texts | clock_times.map(lambda t: t.strftime("%H:%M")),
    optional_texts | st.sampled_from(["1h", "90m", "1.5h", "1:30", "0m", "25h", "24h", "1m"]),
    st.text(),
    zones,
    moments,
)
def test_entry_from_form_never_raises(
    day: str | None,
    task: tuple[int, str] | None,
    project: tuple[int, str] | None,
    start: str | None,
    end: str | None,
    duration: str | None,
    notes: str,
    zone: tzinfo,
    now: datetime,
) -> None:
    log_form = LogForm(day, task, project, start, end, duration, notes)
    result = check(log_form, zone, now)
    if isinstance(result, dict):
        return
    assert end_after_start(result)
    assert result.end <= now + M or not result.placed
    assert result.placed == bool(start or end)
    assert result.notes == notes.strip()
    assert result.task_id == (task[0] if task else None)
    assert result.project_id == (project[0] if project else None)
    span = parse_duration(duration or "")
    if span is not None and (start is None) != (end is None):  # one end and how long
        assert result.duration == span


def end_after_start(entry: Entry) -> bool:
    return entry.end.astimezone(UTC) > entry.start.astimezone(UTC)


# --- parse_period ----------------------------------------------------------------------------

WEEKDAYS = [date(2026, 11, 23) + timedelta(days=n) for n in range(7)]  # Mon 23 .. Sun 29 Nov


@pytest.mark.parametrize(
    ("text", "first", "last", "title"),
    [
        ("today", TODAY, TODAY, "Today · Fri 27 Nov 2026"),
        ("", TODAY, TODAY, "Today · Fri 27 Nov 2026"),
        ("  TODAY ", TODAY, TODAY, "Today · Fri 27 Nov 2026"),
        ("yesterday", YESTERDAY, YESTERDAY, "Yesterday · Thu 26 Nov 2026"),
        ("week", date(2026, 11, 23), TODAY, "This week · 23–27 Nov 2026"),
        ("This  Week", date(2026, 11, 23), TODAY, "This week · 23–27 Nov 2026"),
        ("last week", date(2026, 11, 16), date(2026, 11, 22), "Last week · 16–22 Nov 2026"),
        ("lastweek", date(2026, 11, 16), date(2026, 11, 22), "Last week · 16–22 Nov 2026"),
        ("2026-11-20", date(2026, 11, 20), date(2026, 11, 20), "Friday · Fri 20 Nov 2026"),
        ("2026-11-27", TODAY, TODAY, "Today · Fri 27 Nov 2026"),
        ("mon", date(2026, 11, 23), date(2026, 11, 23), "Monday · Mon 23 Nov 2026"),
        ("fri", date(2026, 11, 20), date(2026, 11, 20), "Friday · Fri 20 Nov 2026"),
        ("Thursday", YESTERDAY, YESTERDAY, "Yesterday · Thu 26 Nov 2026"),
        ("-3d", date(2026, 11, 24), date(2026, 11, 24), "Tuesday · Tue 24 Nov 2026"),
        ("-0d", TODAY, TODAY, "Today · Fri 27 Nov 2026"),
        ("-366d", date(2025, 11, 26), date(2025, 11, 26), "Wednesday · Wed 26 Nov 2025"),
    ],
)
def test_parse_period(text: str, first: date, last: date, title: str) -> None:
    assert parse_period(text, TODAY) == Period(first, last, title)


@pytest.mark.parametrize("today", WEEKDAYS, ids=lambda day: f"{day:%a}")
def test_this_week_runs_from_monday_to_today(today: date) -> None:
    period = parse_period("week", today)
    assert isinstance(period, Period)
    assert (period.first, period.last) == (WEEKDAYS[0], today)
    span = "23 Nov 2026" if today == WEEKDAYS[0] else f"23–{today:%d} Nov 2026"
    assert period.title == f"This week · {span}"
    last = parse_period("last week", today)
    assert isinstance(last, Period)
    assert (last.first, last.last) == (date(2026, 11, 16), date(2026, 11, 22))


@pytest.mark.parametrize(
    ("text", "today", "title"),
    [
        ("week", date(2026, 12, 2), "This week · 30 Nov – 02 Dec 2026"),
        ("last week", date(2026, 12, 2), "Last week · 23–29 Nov 2026"),
        ("week", date(2027, 1, 1), "This week · 28 Dec – 01 Jan 2027"),
        ("last week", date(2027, 1, 4), "Last week · 28 Dec – 03 Jan 2027"),
    ],
)
def test_week_titles_across_months_and_years(text: str, today: date, title: str) -> None:
    period = parse_period(text, today)
    assert isinstance(period, Period) and period.title == title


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("banana", "banana"),
        ("next week", "next week"),
        ("2026-11-28", "2026-11-28"),  # after today
        ("2026-13-01", "2026-13-01"),
        ("-400d", "-400d"),
        ("mon tue", "mon tue"),
        ("<!here>", "<!here>"),
    ],
)
def test_parse_period_refuses_what_it_cannot_show(text: str, quoted: str) -> None:
    error = parse_period(text, TODAY)
    assert isinstance(error, LogError)
    assert error.part == "day"
    assert f"“{quoted}”" in error.problem
    assert error.example == REPORT_EXAMPLE


@FAST
@given(st.text(max_size=20), st.dates(date(1900, 1, 1), date(2200, 1, 1)))
def test_parse_period_never_raises(text: str, today: date) -> None:
    period = parse_period(text, today)
    if isinstance(period, Period):
        assert period.first <= period.last <= today
        assert (period.last - period.first).days <= 6
        assert period.title
    else:
        assert period.problem and period.example == REPORT_EXAMPLE


# --- summarize -------------------------------------------------------------------------------


def event(
    id_: int,
    start: datetime,
    length: timedelta | None,
    task: str | None = "Design review",
    project: str | None = "Website",
) -> Event:
    end = None if length is None else (start.astimezone(UTC) + length).astimezone(start.tzinfo)
    return Event(id_, id_, task, 7, project, start, end, length or timedelta(0), "")


DAY = Period(YESTERDAY, YESTERDAY, "Yesterday")
THIS_WEEK = Period(date(2026, 11, 23), TODAY, "This week")
TODAY_PERIOD = Period(TODAY, TODAY, "Today")


def test_summarize_totals_by_project_and_task_largest_first() -> None:
    events = [
        event(1, at(YESTERDAY, 9), 1 * H, "Standup", "Internal"),
        event(2, at(YESTERDAY, 14), 2 * H, "Development"),
        event(3, at(YESTERDAY, 10), 30 * M),
        event(4, at(YESTERDAY, 11), 2 * H, "Development"),
        event(5, at(YESTERDAY, 17), 15 * M, None, None),
        event(6, at(YESTERDAY, 18), 45 * M, "Standup", None),
        event(7, at(YESTERDAY, 19), 20 * M, None, "Internal"),
    ]
    report = summarize(DAY, events, None, BERLIN, NOW)
    assert report.total == 6 * H + 50 * M
    assert report.projects == (
        ProjectTotal(
            "Website",
            4 * H + 30 * M,
            (TaskTotal("Development", 4 * H), TaskTotal("Design review", 30 * M)),
        ),
        ProjectTotal("Internal", H + 20 * M, (TaskTotal("Standup", H), TaskTotal(NO_TASK, 20 * M))),
        ProjectTotal(NO_PROJECT, H, (TaskTotal("Standup", 45 * M), TaskTotal(NO_TASK, 15 * M))),
    )
    assert [e.id for e in report.entries] == [1, 3, 4, 2, 5, 6, 7]
    assert report.running is None and report.period == DAY and report.now == NOW


def test_summarize_sorts_entries_by_instant_across_zones() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    events = [
        event(1, at(YESTERDAY, 10), H),  # 09:00 UTC
        event(2, at(YESTERDAY, 17, zone=tokyo), H),  # 08:00 UTC
        event(3, datetime(2026, 11, 26, 8, 30, tzinfo=UTC), H),
    ]
    assert [e.id for e in summarize(DAY, events, None, BERLIN, NOW).entries] == [2, 3, 1]


def test_a_running_timer_counts_up_to_now() -> None:
    timer = RunningTimer(Task(9, "Log in page", 7, "Website"), 99, NOW - 45 * M)
    events = [event(1, at(TODAY, 9), H), event(99, NOW - 45 * M, None, "Log in page")]
    report = summarize(TODAY_PERIOD, events, timer, BERLIN, NOW)
    assert report.running == timer
    assert report.total == H + 45 * M
    assert [e.id for e in report.entries] == [1]  # the running entry is not listed (nor counted)
    assert report.projects == (
        ProjectTotal(
            "Website", H + 45 * M, (TaskTotal("Design review", H), TaskTotal("Log in page", 45 * M))
        ),
    )


def test_a_running_entry_reported_with_an_end_is_not_counted_twice() -> None:
    """TrackingTime may list the running entry with an end (say, now): it is the timer."""
    timer = RunningTimer(Task(9, "Log in page"), 99, NOW - 45 * M)
    events = [event(99, NOW - 45 * M, 45 * M, "Log in page", None)]
    report = summarize(TODAY_PERIOD, events, timer, BERLIN, NOW)
    assert report.entries == () and report.total == 45 * M


@pytest.mark.parametrize(
    ("started", "period", "counted"),
    [
        pytest.param(NOW - 45 * M, TODAY_PERIOD, 45 * M, id="today"),
        pytest.param(NOW - 45 * M, DAY, None, id="started after yesterday"),
        pytest.param(at(YESTERDAY, 22), DAY, 2 * H, id="yesterday until midnight"),
        pytest.param(at(YESTERDAY, 22), TODAY_PERIOD, NOW - at(TODAY, 0), id="today from midnight"),
        pytest.param(at(date(2026, 11, 1), 8), THIS_WEEK, NOW - at(THIS_WEEK.first, 0), id="weeks"),
        pytest.param(NOW + 5 * M, TODAY_PERIOD, timedelta(0), id="a clock behind TrackingTime's"),
        pytest.param(at(date(2026, 11, 1), 8), DAY, 24 * H, id="the whole day"),
    ],
)
def test_a_running_timer_counts_only_within_the_period(
    started: datetime, period: Period, counted: timedelta | None
) -> None:
    timer = RunningTimer(Task(9, "Log in page", 7, "Website"), 99, started)
    report = summarize(period, [], timer, BERLIN, NOW)
    if counted is None:
        assert report.running is None and report.total == timedelta(0) and report.projects == ()
    else:
        assert report.running == timer and report.total == counted


def test_a_report_for_a_past_period_ignores_a_timer_started_since() -> None:
    timer = RunningTimer(Task(9, "Log in page"), 99, NOW - H)
    last_week = Period(date(2026, 11, 16), date(2026, 11, 22), "Last week")
    report = summarize(last_week, [], timer, BERLIN, NOW)
    assert report.running is None and report.total == timedelta(0)


def test_entries_crossing_midnight_count_only_within_the_period() -> None:
    before = event(1, at(YESTERDAY - timedelta(days=1), 23), 2 * H)  # 1 h in the period
    after = event(2, at(YESTERDAY, 23, 30), H)  # 30 m in the period
    outside = event(3, at(TODAY, 9), H)
    report = summarize(DAY, [after, before, outside], None, BERLIN, NOW)
    assert report.total == H + 30 * M
    assert report.projects == (
        ProjectTotal("Website", 90 * M, (TaskTotal("Design review", 90 * M),)),
    )
    # Listed as TrackingTime gave them (their whole length shows in the entry's own line).
    assert [e.id for e in report.entries] == [1, 2, 3]


@pytest.mark.parametrize(("day", "hours"), [(FALL_BACK, 25), (SPRING_FORWARD, 23), (YESTERDAY, 24)])
def test_a_day_long_entry_on_a_dst_day(day: date, hours: int) -> None:
    period = Period(day, day, "DST")
    begin, end = period.bounds(BERLIN)
    assert end - begin == hours * H
    whole = event(1, at(day, 0), 30 * H)  # longer than any day: clipped to it
    assert summarize(period, [whole], None, BERLIN, NOW).total == hours * H


def test_totals_on_the_night_clocks_go_back() -> None:
    events = [
        event(1, at(FALL_BACK, 1, 30), 3 * H),  # 01:30 CEST - 03:30 CET
        event(2, at(FALL_BACK, 2, 30, fold=1), 30 * M),  # the second 02:30 (CET)
    ]
    period = Period(FALL_BACK, FALL_BACK, "Sun")
    assert summarize(period, events, None, BERLIN, NOW).total == 3 * H + 30 * M


@pytest.mark.parametrize("zone", ZONES)
def test_the_period_is_the_users_days(zone: tzinfo) -> None:
    begin, end = THIS_WEEK.bounds(zone)
    assert begin == datetime.combine(THIS_WEEK.first, time(0), tzinfo=zone)
    assert end == datetime.combine(TODAY + timedelta(days=1), time(0), tzinfo=zone)
    late = event(1, datetime.combine(TODAY, time(23, 30), tzinfo=zone), H)
    assert summarize(THIS_WEEK, [late], None, zone, NOW).total == 30 * M


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(-2 * 24 * 60, 9 * 24 * 60), st.integers(0, 48 * 60), st.integers(0, 4)
        ),
        max_size=30,
    ),
    zones,
    st.none() | st.integers(-2 * 24 * 60, 9 * 24 * 60),
)
def test_summarize_totals_add_up(
    shapes: list[tuple[int, int, int]], zone: tzinfo, running_from: int | None
) -> None:
    begin, end = THIS_WEEK.bounds(zone)
    events = [
        event(i, begin + offset * M, length * M, f"T{task}", f"P{task % 2}" if task else None)
        for i, (offset, length, task) in enumerate(shapes)
    ]
    now = end - 3 * H
    timer = None
    if running_from is not None:
        timer = RunningTimer(Task(9, "Running", 1, "P0"), 10**6, begin + running_from * M)
    report = summarize(THIS_WEEK, events, timer, zone, now)
    assert report.total == sum((p.total for p in report.projects), timedelta(0))
    for project in report.projects:
        assert project.total == sum((t.total for t in project.tasks), timedelta(0))
        assert [t.total for t in project.tasks] == sorted(
            (t.total for t in project.tasks), reverse=True
        )
    assert [p.total for p in report.projects] == sorted(
        (p.total for p in report.projects), reverse=True
    )
    assert timedelta(0) <= report.total <= (end - begin) * (len(events) + 1)
    starts = [e.start.astimezone(UTC) for e in report.entries]
    assert starts == sorted(starts)


async def test_the_report_service_over_http(
    fake_tt: FakeTrackingTime, fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer]
) -> None:
    account = fake_tt.add_account("Acme")
    user = fake_tt.add_user("r@acme.test", "rita-app-password", "Rita", accounts=[account])
    design = fake_tt.add_task(account, "Design review", fake_tt.add_project(account, "Website"))
    inbox = fake_tt.add_task(account, "Inbox zero")
    for task, start, end in [
        (design, "2026-11-26 09:00:00", "2026-11-26 10:30:00"),
        (inbox, "2026-11-27 08:00:00", "2026-11-27 08:45:00"),
        (inbox, "2026-11-20 08:00:00", "2026-11-20 09:00:00"),  # last week
    ]:
        fake_tt.add_event(account, user, task, start, end, "Europe/Berlin")
    fake_tt.start_timer(account, user, design, "2026-11-27 14:37:00", "Europe/Berlin")
    link = Link(
        SlackUserKey(None, "T", "U"), user, account, "Acme", "rita-app-password", "Europe/Berlin"
    )
    client = TrackingTime(fake_tt_server[1].api_url)
    try:
        service = ReportService(client, lambda: NOW)
        assert service.now() == NOW
        report = await service.report(link, THIS_WEEK)
    finally:
        await client.aclose()
    assert [e.task for e in report.entries] == ["Design review", "Inbox zero"]
    assert report.running is not None and report.running.task.name == "Design review"
    running = NOW - at(TODAY, 14, 37)  # 30 m 42 s
    assert report.total == 90 * M + 45 * M + running
    assert [(p.name, p.total) for p in report.projects] == [
        ("Website", 90 * M + running),
        (NO_PROJECT, 45 * M),
    ]


# --- Catalogue -------------------------------------------------------------------------------

LINK = Link(
    SlackUserKey(None, "T1", "U1"), 2001, 1001, "Acme", "app-password-0001", "Europe/Berlin"
)
OTHER_LINK = Link(SlackUserKey(None, "T1", "U2"), 2002, 1001, "Acme", "app-password-0002", "UTC")


class CountingApi:
    """TrackingTime's task and project lists over an ``httpx.MockTransport``: counts fetches
    (one ``projects`` request each) and holds every reply until ``gate`` is set. A reply holds
    the lists as they were when the request came in."""

    def __init__(self) -> None:
        self.tasks: list[dict[str, Any]] = [
            {"id": 5001, "name": "Design review", "project_id": 4001, "project": "Website"}
        ]
        self.projects: list[dict[str, Any]] = [{"id": 4001, "name": "Website"}]
        self.fetches = 0
        self.failing = False
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        listing = request.url.path.rsplit("/", 1)[-1]
        if listing == "projects":
            self.fetches += 1
        data = list(self.projects if listing == "projects" else self.tasks)
        failing = self.failing
        await self.gate.wait()
        if failing:
            return httpx.Response(503, text="<html>down</html>")
        return httpx.Response(200, json={"response": {"status": 200}, "data": data})


@pytest.fixture
async def api() -> AsyncIterator[tuple[CountingApi, TrackingTime]]:
    counting = CountingApi()
    client = TrackingTime("https://tt.test/api/v4", transport=httpx.MockTransport(counting))
    yield counting, client
    await client.aclose()


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_lists_are_cached_for_the_ttl(api: tuple[CountingApi, TrackingTime]) -> None:
    counting, client = api
    monotonic = FakeMonotonic()
    catalogue = Catalogue(client, ttl=60, monotonic=monotonic)
    assert catalogue.peek(LINK) is None
    first = await catalogue.lists(LINK)
    assert first == Lists(
        (Task(5001, "Design review", 4001, "Website"),), (Project(4001, "Website"),)
    )
    monotonic.now += 59
    assert await catalogue.lists(LINK) is first
    assert counting.fetches == 1
    counting.tasks = []
    monotonic.now += 1  # 60 s old: fetched again
    second = await catalogue.lists(LINK)
    assert counting.fetches == 2 and second.tasks == ()
    assert catalogue.peek(LINK) is second


async def test_peek_gives_old_lists_without_fetching(api: tuple[CountingApi, TrackingTime]) -> None:
    counting, client = api
    monotonic = FakeMonotonic()
    catalogue = Catalogue(client, ttl=60, monotonic=monotonic)
    lists = await catalogue.lists(LINK)
    monotonic.now += 3600
    assert catalogue.peek(LINK) is lists
    assert catalogue.peek(OTHER_LINK) is None
    assert counting.fetches == 1


async def test_forget_makes_the_next_call_fetch(api: tuple[CountingApi, TrackingTime]) -> None:
    counting, client = api
    catalogue = Catalogue(client, monotonic=FakeMonotonic())
    await catalogue.lists(LINK)
    await catalogue.lists(OTHER_LINK)
    counting.tasks.append(
        {"id": 5002, "name": "Homepage", "project_id": 4001, "project": "Website"}
    )
    catalogue.forget(LINK)
    assert catalogue.peek(LINK) is None and catalogue.peek(OTHER_LINK) is not None
    assert [t.id for t in (await catalogue.lists(LINK)).tasks] == [5001, 5002]
    assert counting.fetches == 3
    catalogue.forget(LINK)
    catalogue.forget(LINK)  # forgetting what is not there is fine


async def test_each_user_has_their_own_lists(api: tuple[CountingApi, TrackingTime]) -> None:
    counting, client = api
    catalogue = Catalogue(client, monotonic=FakeMonotonic())
    await asyncio.gather(catalogue.lists(LINK), catalogue.lists(OTHER_LINK))
    assert counting.fetches == 2


async def test_concurrent_calls_share_one_fetch(api: tuple[CountingApi, TrackingTime]) -> None:
    counting, client = api
    catalogue = Catalogue(client, monotonic=FakeMonotonic())
    counting.gate.clear()
    waiting = [asyncio.create_task(catalogue.lists(LINK)) for _ in range(5)]
    await asyncio.sleep(0.01)
    assert counting.fetches == 1
    counting.gate.set()
    results = await asyncio.gather(*waiting)
    assert all(result is results[0] for result in results)
    assert counting.fetches == 1


async def test_a_caller_that_gives_up_leaves_the_fetch_running(
    api: tuple[CountingApi, TrackingTime],
) -> None:
    """Typeahead waits a bounded time; the fetch goes on and fills the cache for the next one."""
    counting, client = api
    catalogue = Catalogue(client, monotonic=FakeMonotonic())
    counting.gate.clear()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(catalogue.lists(LINK), 0.02)
    assert counting.fetches == 1 and catalogue.peek(LINK) is None
    counting.gate.set()
    for _ in range(100):  # the fetch finishes with nobody waiting for it
        if catalogue.peek(LINK) is not None:
            break
        await asyncio.sleep(0.001)
    lists = catalogue.peek(LINK)
    assert lists is not None
    assert await catalogue.lists(LINK) is lists
    assert counting.fetches == 1


async def test_a_caller_that_gives_up_then_asks_again_joins_the_fetch(
    api: tuple[CountingApi, TrackingTime],
) -> None:
    counting, client = api
    catalogue = Catalogue(client, monotonic=FakeMonotonic())
    counting.gate.clear()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(catalogue.lists(LINK), 0.02)
    again = asyncio.create_task(catalogue.lists(LINK))
    await asyncio.sleep(0.01)
    counting.gate.set()
    assert (await again).tasks[0].id == 5001
    assert counting.fetches == 1


async def test_a_failed_fetch_fails_every_waiter_and_is_not_kept(
    api: tuple[CountingApi, TrackingTime],
) -> None:
    counting, client = api
    catalogue = Catalogue(client, monotonic=FakeMonotonic())
    counting.failing = True
    counting.gate.clear()
    waiting = [asyncio.create_task(catalogue.lists(LINK)) for _ in range(2)]
    await asyncio.sleep(0.01)
    counting.gate.set()
    outcomes = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(outcome, Unavailable) for outcome in outcomes)
    assert catalogue.peek(LINK) is None
    counting.failing = False
    assert (await catalogue.lists(LINK)).projects == (Project(4001, "Website"),)
    assert counting.fetches == 2


async def test_forget_during_a_fetch_is_not_undone_by_it(
    api: tuple[CountingApi, TrackingTime],
) -> None:
    """A fetch that was answered before a task was created must not put the old lists back."""
    counting, client = api
    catalogue = Catalogue(client, monotonic=FakeMonotonic())
    counting.gate.clear()
    before = asyncio.create_task(catalogue.lists(LINK))
    await asyncio.sleep(0.01)  # answered with the lists as they were
    counting.tasks.append(
        {"id": 5002, "name": "Homepage", "project_id": 4001, "project": "Website"}
    )
    catalogue.forget(LINK)  # as EntryService.log does after creating a task by name
    after = asyncio.create_task(catalogue.lists(LINK))
    await asyncio.sleep(0.01)
    counting.gate.set()
    assert [t.id for t in (await before).tasks] == [5001]  # asked before the change
    assert [t.id for t in (await after).tasks] == [5001, 5002]
    assert [t.id for t in (await catalogue.lists(LINK)).tasks] == [5001, 5002]


async def test_the_catalogue_over_http(
    fake_tt: FakeTrackingTime, fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer]
) -> None:
    """Against the fake TrackingTime: active lists only, and a slow answer still fills the
    cache after the first caller gave up."""
    account = fake_tt.add_account("Acme")
    user = fake_tt.add_user("a@acme.test", "alice-app-password", "Alice", accounts=[account])
    website = fake_tt.add_project(account, "Website")
    fake_tt.add_project(account, "Old", archived=True)
    design = fake_tt.add_task(account, "Design review", website)
    fake_tt.add_task(account, "Inbox zero")
    fake_tt.add_task(account, "Gone", archived=True)
    link = Link(SlackUserKey(None, "T", "U"), user, account, "Acme", "alice-app-password", "UTC")
    client = TrackingTime(fake_tt_server[1].api_url)
    try:
        catalogue = Catalogue(client)
        fake_tt.latency = 0.15
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(catalogue.lists(link), 0.03)
        started = clock_module.monotonic()
        lists = await catalogue.lists(link)  # joins the fetch under way
        assert clock_module.monotonic() - started < 0.15
        assert {t.name for t in lists.tasks} == {"Design review", "Inbox zero"}
        assert [p.name for p in lists.projects] == ["Website"]
        assert next(t for t in lists.tasks if t.id == design).project == "Website"
        requests = len(fake_tt.requests)
        assert await catalogue.lists(link) is lists
        assert len(fake_tt.requests) == requests
    finally:
        await client.aclose()


# --- Searching the lists ---------------------------------------------------------------------

PROJECTS = [
    Project(1, "Website"),
    Project(2, "Mobile app"),
    Project(3, "web shop"),
    Project(4, "Internal web tools"),
    Project(5, "Archive"),
    Project(6, "WEBINARS"),
]
TASKS = [
    Task(11, "Design review", 1, "Website"),
    Task(12, "Development", 1, "Website"),
    Task(13, "Design review", 2, "Mobile app"),
    Task(14, "Web design", 3, "web shop"),
    Task(15, "Inbox zero"),
    Task(16, "design system", 4, "Internal web tools"),
    Task(17, "Redesign", 2, "Mobile app"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("web", [3, 6, 1, 4]),  # prefix first (alphabetical, case-insensitive), then substring
        ("  WEB ", [3, 6, 1, 4]),
        ("", [5, 4, 2, 3, 6, 1]),
        ("app", [2]),
        ("web shop", [3]),
        ("zzz", []),
    ],
)
def test_search_projects(query: str, expected: list[int]) -> None:
    assert [p.id for p in search_projects(PROJECTS, query)] == expected


@pytest.mark.parametrize(
    ("query", "project_id", "expected"),
    [
        ("design", None, [13, 11, 16, 17, 14]),  # by label: "Design review · Mobile app" < …
        ("DESIGN", 2, [13, 17]),
        ("website", None, [11, 12]),  # the project is part of the label
        ("", 1, [11, 12]),
        ("", None, [13, 11, 16, 12, 15, 17, 14]),
        ("inbox", 1, []),
    ],
)
def test_search_tasks(query: str, project_id: int | None, expected: list[int]) -> None:
    assert [t.id for t in search_tasks(TASKS, query, project_id)] == expected


def test_search_limits() -> None:
    assert [p.id for p in search_projects(PROJECTS, "web", limit=2)] == [3, 6]
    assert [t.id for t in search_tasks(TASKS, "design", limit=3)] == [13, 11, 16]
    many = [Task(i, f"Task {i:05d}", i % 50, f"Project {i % 50}") for i in range(3000)]
    assert len(search_tasks(many, "")) == 100


def test_searching_thousands_of_tasks_is_quick() -> None:
    """Typeahead answers within Slack's 3 s, after waiting up to 2 s for the lists: searching
    must take a fraction of the rest even for a large workspace (50 pages of 100 tasks)."""
    many = [Task(i, f"Task {i:05d}", i % 50, f"Project {i % 50}") for i in range(5000)]
    started = clock_module.perf_counter()
    for query in ("", "t", "task 0", "project 7"):
        search_tasks(many, query)
    assert clock_module.perf_counter() - started < 0.5


@FAST
@given(
    st.lists(
        st.builds(
            Task,
            st.integers(1, 50),
            st.text(max_size=8),
            st.none() | st.integers(1, 3),
            st.none() | st.text(max_size=5),
        ),
        max_size=40,
    ),
    st.text(max_size=4),
    st.none() | st.integers(1, 3),
    st.integers(1, 50),
)
def test_search_tasks_finds_each_match_once_prefixes_first(
    found: list[Task], query: str, project_id: int | None, limit: int
) -> None:
    result = search_tasks(found, query, project_id, limit)
    folded = " ".join(query.split()).casefold()
    pool = [t for t in found if project_id is None or t.project_id == project_id]
    matching = [t for t in pool if folded in t.label.casefold()]
    assert len(result) == min(limit, len(matching))
    assert all(t in matching for t in result)
    prefixed = [t.label.casefold().startswith(folded) for t in result]
    assert prefixed == sorted(prefixed, reverse=True)  # every prefix match before the others
