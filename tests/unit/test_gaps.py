"""The gap finder: working hours from the schedule or the settings, and the untracked stretches
in them, across zones, DST days, a running timer and overlapping entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.gaps import Gap, WorkingDay, find_gaps, working_day
from bot.services.reports import Period, summarize, with_gaps
from bot.storage.accounts import UserSettings
from bot.trackingtime import Event, RunningTimer, Task

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
WEDNESDAY = date(2026, 12, 2)
DEFAULT = UserSettings()
FIFTEEN = timedelta(minutes=15)
WEEK_OF_8 = (8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def wall(gaps: tuple[Gap, ...], zone: ZoneInfo = BERLIN) -> list[str]:
    return [f"{g.start.astimezone(zone):%H:%M}-{g.end.astimezone(zone):%H:%M}" for g in gaps]


def hours_of(day: date, zone: ZoneInfo = BERLIN, **changes: object) -> WorkingDay:
    found = working_day(day, UserSettings(**changes), None, zone)  # type: ignore[arg-type]
    assert found is not None
    return found


# --- Working hours ---------------------------------------------------------------------------


def test_default_working_hours_are_nine_to_half_past_five_monday_to_friday() -> None:
    found = working_day(WEDNESDAY, DEFAULT, None, BERLIN)
    assert found == WorkingDay(at(WEDNESDAY, 9), at(WEDNESDAY, 17, 30))
    assert working_day(date(2026, 12, 5), DEFAULT, None, BERLIN) is None  # Saturday


def test_the_settings_days_and_hours_count_without_a_schedule() -> None:
    chosen = UserSettings(work_start=time(7), work_end=time(15), work_days=frozenset({5}))
    assert working_day(WEDNESDAY, chosen, None, BERLIN) is None
    saturday = date(2026, 12, 5)
    assert working_day(saturday, chosen, None, BERLIN) == WorkingDay(
        at(saturday, 7), at(saturday, 15)
    )


def test_the_trackingtime_schedule_decides_the_days_and_shortens_a_short_day() -> None:
    schedule = (8.0, 8.0, 8.0, 8.0, 4.0, 2.5, 0.0)
    assert working_day(WEDNESDAY, DEFAULT, schedule, BERLIN) == WorkingDay(
        at(WEDNESDAY, 9), at(WEDNESDAY, 17, 30)
    )
    friday, saturday = date(2026, 12, 4), date(2026, 12, 5)
    assert working_day(friday, DEFAULT, schedule, BERLIN) == WorkingDay(
        at(friday, 9), at(friday, 13, 30)
    )
    # Saturday is no working day in the settings, but the schedule gives it hours.
    assert working_day(saturday, DEFAULT, schedule, BERLIN) == WorkingDay(
        at(saturday, 9), at(saturday, 12)
    )
    assert working_day(date(2026, 12, 6), DEFAULT, schedule, BERLIN) is None


@pytest.mark.parametrize("schedule", [(0.0,) * 7, (8.0, 8.0), None])
def test_an_empty_or_malformed_schedule_leaves_the_settings(
    schedule: tuple[float, ...] | None,
) -> None:
    assert working_day(WEDNESDAY, DEFAULT, schedule, BERLIN) is not None
    assert working_day(date(2026, 12, 6), DEFAULT, schedule, BERLIN) is None


def test_a_day_shortened_to_nothing_is_no_working_day() -> None:
    short = UserSettings(work_start=time(9), work_end=time(10))
    assert working_day(date(2026, 12, 4), short, (8.0, 8.0, 8.0, 8.0, 1.0, 0, 0), BERLIN) is None


@pytest.mark.parametrize(
    ("day", "real_hours"),
    [(date(2026, 3, 29), 2), (date(2026, 10, 25), 4), (date(2026, 6, 1), 3)],
)
def test_working_hours_across_a_dst_change_last_as_long_as_the_clocks_say(
    day: date, real_hours: int
) -> None:
    night = UserSettings(work_start=time(1), work_end=time(4), work_days=frozenset(range(7)))
    found = working_day(day, night, None, BERLIN)
    assert found is not None
    assert found.end.astimezone(UTC) - found.start.astimezone(UTC) == timedelta(hours=real_hours)
    [gap] = find_gaps(found, [], at(day, 23), FIFTEEN)
    assert gap.length == timedelta(hours=real_hours)


# --- Finding the gaps ------------------------------------------------------------------------


def test_gaps_between_entries_longest_first() -> None:
    hours = hours_of(WEDNESDAY)
    busy = [
        (at(WEDNESDAY, 10), at(WEDNESDAY, 12)),
        (at(WEDNESDAY, 13), at(WEDNESDAY, 13, 30)),
        (at(WEDNESDAY, 17, 20), at(WEDNESDAY, 18)),  # past the end of the day
    ]
    gaps = find_gaps(hours, busy, at(WEDNESDAY, 20), FIFTEEN)
    assert wall(gaps) == ["13:30-17:20", "09:00-10:00", "12:00-13:00"]
    assert gaps[0].length == timedelta(hours=3, minutes=50)


def test_overlapping_entries_and_a_running_timer_cover_their_time_once() -> None:
    hours = hours_of(WEDNESDAY)
    busy = [
        (at(WEDNESDAY, 9), at(WEDNESDAY, 11)),
        (at(WEDNESDAY, 10), at(WEDNESDAY, 10, 30)),  # inside the one before
        (at(WEDNESDAY, 10, 45), at(WEDNESDAY, 12)),  # overlapping it
        (at(WEDNESDAY, 14), at(WEDNESDAY, 15, 30)),  # the running timer, until now
    ]
    assert wall(find_gaps(hours, busy, at(WEDNESDAY, 15, 30), FIFTEEN)) == ["12:00-14:00"]


def test_nothing_after_now_is_a_gap_and_nothing_before_the_day_starts() -> None:
    hours = hours_of(WEDNESDAY)
    busy = [(at(WEDNESDAY, 7), at(WEDNESDAY, 9, 30))]
    assert wall(find_gaps(hours, busy, at(WEDNESDAY, 11, 5), FIFTEEN)) == ["09:30-11:05"]
    assert find_gaps(hours, [], at(WEDNESDAY, 8), FIFTEEN) == ()


def test_short_gaps_are_left_out_and_a_zero_threshold_looks_for_none() -> None:
    hours = hours_of(WEDNESDAY)
    busy = [
        (at(WEDNESDAY, 9, 10), at(WEDNESDAY, 12)),
        (at(WEDNESDAY, 12, 15), at(WEDNESDAY, 17, 30)),
    ]
    evening = at(WEDNESDAY, 18)
    assert wall(find_gaps(hours, busy, evening, FIFTEEN)) == ["12:00-12:15"]
    assert wall(find_gaps(hours, busy, evening, timedelta(minutes=5))) == [
        "12:00-12:15",
        "09:00-09:10",
    ]
    assert find_gaps(hours, busy, evening, timedelta(0)) == ()


def test_gaps_are_whole_minutes() -> None:
    hours = hours_of(WEDNESDAY)
    busy = [(at(WEDNESDAY, 9), at(WEDNESDAY, 10) + timedelta(seconds=20))]
    end = at(WEDNESDAY, 11) + timedelta(seconds=50)
    [gap] = find_gaps(hours, busy, end, FIFTEEN)
    assert (gap.start, gap.end) == (at(WEDNESDAY, 10, 1), at(WEDNESDAY, 11))


def test_the_same_entries_leave_other_gaps_in_other_zones() -> None:
    busy = [(datetime(2026, 12, 2, 14, tzinfo=UTC), datetime(2026, 12, 2, 16, tzinfo=UTC))]
    late = datetime(2026, 12, 3, 12, tzinfo=UTC)
    in_berlin = find_gaps(hours_of(WEDNESDAY), busy, late, FIFTEEN)
    assert wall(in_berlin) == ["09:00-15:00", "17:00-17:30"]
    in_new_york = find_gaps(hours_of(WEDNESDAY, NEW_YORK), busy, late, FIFTEEN)
    assert wall(in_new_york, NEW_YORK) == ["11:00-17:30"]  # 09:00-11:00 there
    in_kolkata = find_gaps(hours_of(WEDNESDAY, KOLKATA), busy, late, FIFTEEN)
    assert wall(in_kolkata, KOLKATA) == ["09:00-17:30"]  # 19:30-21:30 there: after hours


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 24 * 60), st.integers(1, 6 * 60)), max_size=8),
    st.integers(0, 24 * 60),
    st.integers(1, 120),
)
def test_gaps_are_exactly_the_uncovered_minutes(
    spans: list[tuple[int, int]], now_minute: int, threshold: int
) -> None:
    """Checked minute by minute: every minute of a gap is uncovered, and every uncovered run of
    ``threshold`` minutes or more inside the hours up to now is one gap."""
    midnight = at(WEDNESDAY, 0)
    hours = hours_of(WEDNESDAY)
    busy = [
        (midnight + timedelta(minutes=s), midnight + timedelta(minutes=s + length))
        for s, length in spans
    ]
    now = midnight + timedelta(minutes=now_minute)
    gaps = find_gaps(hours, busy, now, timedelta(minutes=threshold))
    first, last = 9 * 60, min(17 * 60 + 30, now_minute)
    covered = {m for s, length in spans for m in range(s, s + length)}
    runs: list[tuple[int, int]] = []
    for minute in range(first, last):
        if minute in covered:
            continue
        if runs and runs[-1][1] == minute:
            runs[-1] = (runs[-1][0], minute + 1)
        else:
            runs.append((minute, minute + 1))
    wanted = sorted(
        (run for run in runs if run[1] - run[0] >= threshold), key=lambda r: (r[0] - r[1], r[0])
    )
    assert [
        (
            int((g.start - midnight) / timedelta(minutes=1)),
            int((g.end - midnight) / timedelta(minutes=1)),
        )
        for g in gaps
    ] == wanted


# --- In a report ---------------------------------------------------------------------------------


def _event(n: int, start: datetime, end: datetime | None) -> Event:
    duration = (end or start) - start
    return Event(n, 1, "Task", 2, "Project", start, end, duration, "")


def test_a_one_day_report_gets_its_gaps_a_week_and_a_day_off_do_not() -> None:
    now = at(WEDNESDAY, 18)
    events = [_event(1, at(WEDNESDAY, 9), at(WEDNESDAY, 12))]
    timer = RunningTimer(Task(1, "Task", 2, "Project"), 9, at(WEDNESDAY, 16))
    day = Period(WEDNESDAY, WEDNESDAY, "Wednesday")
    report = with_gaps(summarize(day, events, timer, BERLIN, now), DEFAULT, WEEK_OF_8, BERLIN)
    assert wall(report.gaps) == ["12:00-16:00"]
    assert report.working == hours_of(WEDNESDAY)

    week = Period(WEDNESDAY - timedelta(days=2), WEDNESDAY, "This week")
    whole = summarize(week, events, timer, BERLIN, now)
    assert with_gaps(whole, DEFAULT, WEEK_OF_8, BERLIN) == whole
    sunday = Period(date(2026, 12, 6), date(2026, 12, 6), "Sunday")
    off = summarize(sunday, [], None, BERLIN, now + timedelta(days=4))
    assert with_gaps(off, DEFAULT, WEEK_OF_8, BERLIN) == off
    unwanted = UserSettings(gap_threshold=timedelta(0))
    plain = summarize(day, events, timer, BERLIN, now)
    assert with_gaps(plain, unwanted, WEEK_OF_8, BERLIN) == plain


def test_gap_type_reports_its_length_in_real_time() -> None:
    fall_back = date(2026, 10, 25)
    gap = Gap(at(fall_back, 1), at(fall_back, 4))
    assert gap.length == timedelta(hours=4)
