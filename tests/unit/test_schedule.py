"""The instants the worker selects due work by: the next daily message in any zone, right on both
DST changes (the clocks skipping the time, and showing it twice), and the slow timer checks kept
to working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.schedule import (
    WORK_ENDS,
    WORK_STARTS,
    WORKDAYS,
    due_day,
    first_instant,
    in_working_hours,
    next_after,
    next_occurrence,
    spread,
    timer_check_at,
)

# Northern and southern DST, half-hour and 45-minute offsets, a half-hour DST shift (Lord Howe),
# DST changing at midnight (Cairo, Santiago), and zones without DST.
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Africa/Cairo",
    "Asia/Kolkata",
    "UTC",
]
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def change_days(zone: str, years: range = range(2025, 2028)) -> list[date]:
    """The local days on which ``zone``'s offset changes (both directions)."""
    tz = ZoneInfo(zone)
    found = []
    day = date(years.start, 1, 1)
    while day.year < years.stop:
        start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        second = timedelta(seconds=1)
        if (start - second).astimezone(tz).utcoffset() != (end - second).astimezone(tz).utcoffset():
            found.append(day)
        day += timedelta(days=1)
    return found


CHANGES = {zone: change_days(zone) for zone in ZONES}


@st.composite
def zone_and_day(draw: st.DrawFn) -> tuple[str, date]:
    """A zone and a day, half of the time one on which its clocks change."""
    zone = draw(st.sampled_from(ZONES))
    if CHANGES[zone] and draw(st.booleans()):
        return zone, draw(st.sampled_from(CHANGES[zone]))
    return zone, draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))


# Whole minutes, with the tricky hours around midnight and 02:00-03:00 drawn often.
times = st.one_of(
    st.builds(time, st.integers(0, 3), st.integers(0, 59)),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
)
weekday_sets = st.frozensets(st.integers(0, 6))


def wall(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def test_every_zone_here_changes_its_clocks_both_ways_or_never() -> None:
    for zone, days in CHANGES.items():
        assert len(days) in (0, 6), (zone, days)  # twice a year, three years


@given(zone_and_day(), times)
@PROPERTY
def test_the_first_instant_is_where_the_wall_clock_first_reaches_the_time(
    zone_day: tuple[str, date], at: time
) -> None:
    zone, day = zone_day
    instant = first_instant(day, at, ZoneInfo(zone))
    target = datetime.combine(day, at)
    assert instant.tzinfo is UTC
    assert wall(instant, zone) >= target
    assert wall(instant - timedelta(seconds=1), zone) < target
    assert wall(instant, zone).date() == day
    if wall(instant, zone) != target:  # only when the clocks skip over ``at``
        assert (instant - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).utcoffset() != (
            instant.astimezone(ZoneInfo(zone)).utcoffset()
        )


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # Berlin springs forward on Sun 29 Mar 2026, 02:00 -> 03:00 (01:00 UTC).
        ("Europe/Berlin", date(2026, 3, 28), time(17, 30), datetime(2026, 3, 28, 16, 30)),
        ("Europe/Berlin", date(2026, 3, 29), time(17, 30), datetime(2026, 3, 29, 15, 30)),
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(3, 0), datetime(2026, 3, 29, 1, 0)),
        # ... and falls back on Sun 25 Oct 2026, 03:00 -> 02:00: 02:30 happens twice, first 00:30.
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30)),
        ("Europe/Berlin", date(2026, 10, 25), time(17, 30), datetime(2026, 10, 25, 16, 30)),
        # New York: 02:00 -> 03:00 on 8 Mar 2026, 02:00 -> 01:00 on 1 Nov 2026.
        ("America/New_York", date(2026, 3, 8), time(2, 15), datetime(2026, 3, 8, 7, 0)),
        ("America/New_York", date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30)),
        # Lord Howe moves by half an hour (02:00 -> 02:30 on 4 Oct 2026).
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 10), datetime(2026, 10, 3, 15, 30)),
        # Cairo and Santiago change at midnight: the day starts at 01:00 (or 00:00 twice).
        ("Africa/Cairo", date(2026, 4, 24), time(0, 0), datetime(2026, 4, 23, 22, 0)),
        ("America/Santiago", date(2026, 9, 6), time(0, 0), datetime(2026, 9, 6, 4, 0)),
    ],
)
def test_first_instants_on_dst_days(zone: str, day: date, at: time, expected: datetime) -> None:
    assert first_instant(day, at, ZoneInfo(zone)) == expected.replace(tzinfo=UTC)


@given(zone_and_day(), times, weekday_sets, st.integers(0, 24 * 3600 - 1))
@PROPERTY
def test_the_next_instant_is_the_first_occurrence_after_now(
    zone_day: tuple[str, date], at: time, days: frozenset[int], seconds: int
) -> None:
    zone, day = zone_day
    tz = ZoneInfo(zone)
    now = first_instant(day, time(0), tz) + timedelta(seconds=seconds)
    upcoming = [
        first_instant(day + timedelta(days=n), at, tz)
        for n in range(-1, 9)
        if (day + timedelta(days=n)).weekday() in days
    ]
    expected = min((i for i in upcoming if i > now), default=None)
    assert next_after(days, at, tz, now) == expected
    if expected is not None:
        assert expected.astimezone(tz).weekday() in days


@given(zone_and_day(), times, weekday_sets, st.integers(0, 24 * 3600 - 1))
@PROPERTY
def test_due_today_exactly_when_the_wall_clock_has_reached_the_time(
    zone_day: tuple[str, date], at: time, days: frozenset[int], seconds: int
) -> None:
    zone, day = zone_day
    tz = ZoneInfo(zone)
    now = first_instant(day, time(0), tz) + timedelta(seconds=seconds)
    local = now.astimezone(tz)
    due = due_day(days, at, tz, now)
    assert due in (None, local.date())
    repeated = local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()
    if not repeated:  # in an hour shown twice, the time stays reached once it first was
        assert (due is not None) == (local.weekday() in days and local.time() >= at)
    # What is due at ``now`` was stored as due by then, when computed from any earlier day.
    stored = next_occurrence(days, at, tz, local.date() - timedelta(days=3))
    if due is not None:
        assert stored is not None and stored <= now


def test_no_weekday_means_never() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 27, 17, tzinfo=UTC)
    assert next_occurrence(frozenset(), time(17, 30), berlin, now.date()) is None
    assert next_after(frozenset(), time(17, 30), berlin, now) is None
    assert due_day(frozenset(), time(17, 30), berlin, now) is None


def test_a_summary_sent_moves_to_the_next_chosen_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    friday_1745 = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)
    assert next_after(WORKDAYS, time(17, 30), berlin, friday_1745) == datetime(
        2026, 11, 30, 16, 30, tzinfo=UTC
    )
    friday_1700 = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert next_after(WORKDAYS, time(17, 30), berlin, friday_1700) == datetime(
        2026, 11, 27, 16, 30, tzinfo=UTC
    )


@given(
    st.sampled_from(ZONES),
    st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    weekday_sets,
    st.integers(10, 240),
    st.floats(0, 0.999),
)
@PROPERTY
def test_timer_checks_fall_in_working_hours(
    zone: str, earliest: datetime, days: frozenset[int], minutes: int, offset: float
) -> None:
    tz = ZoneInfo(zone)
    every = timedelta(minutes=minutes)
    at = timer_check_at(earliest, tz, days, every, offset)
    assert at >= earliest
    workdays = days or WORKDAYS
    if in_working_hours(earliest, tz, workdays):
        assert at == earliest
    else:
        local = at.astimezone(tz)
        opening = first_instant(local.date(), WORK_STARTS, tz)
        assert local.weekday() in workdays
        assert at - opening == every * offset
        assert at - earliest < timedelta(days=8)
    assert WORK_STARTS < WORK_ENDS


def test_spread_is_stable_and_spread_out() -> None:
    values = [spread("T0", f"U{n}") for n in range(1000)]
    assert values == [spread("T0", f"U{n}") for n in range(1000)]
    assert all(0 <= v < 1 for v in values)
    assert sum(v < 0.5 for v in values) in range(400, 600)
