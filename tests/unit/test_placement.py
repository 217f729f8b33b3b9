"""``bot.services.placement``: where an entry given only its length goes, by examples across a
day with entries and a running timer, and by properties over any day (DST ones included)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.services.placement import (
    DEFAULT_WORKDAY_START,
    Busy,
    Placement,
    overlapping,
    place,
    workday_start,
)
from bot.storage import Link, SlackUserKey, UserSettings
from tests.unit.test_blocks import FAST

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = (
    BERLIN,
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("Etc/GMT+12"),
    ZoneInfo("America/St_Johns"),
    ZoneInfo("America/Santiago"),  # its DST changes happen at midnight
    UTC,
)
# Friday 27 November 2026, 15:07:42 in Berlin.
NOW = datetime(2026, 11, 27, 14, 7, 42, tzinfo=UTC)
TODAY, YESTERDAY = date(2026, 11, 27), date(2026, 11, 26)
FALL_BACK, SPRING_FORWARD = date(2026, 10, 25), date(2026, 3, 29)
H, M = timedelta(hours=1), timedelta(minutes=1)


def at(day: date, hour: int, minute: int = 0, zone: tzinfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def entry(day: date, start: tuple[int, int], end: tuple[int, int], label: str = "x") -> Busy:
    return Busy(at(day, *start), at(day, *end), label)


def wall(moment: datetime, zone: tzinfo = BERLIN) -> tuple[date, time]:
    local = moment.astimezone(zone)
    return local.date(), local.time()


def real(start: datetime, end: datetime) -> timedelta:
    return end.astimezone(UTC) - start.astimezone(UTC)


def placed(day: date, length: timedelta, busy: list[Busy], now: datetime = NOW) -> Placement:
    spot = place(day, length, busy, BERLIN, now)
    assert spot is not None
    return spot


# --- past days -------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("day", [YESTERDAY, date(2025, 2, 28), FALL_BACK, SPRING_FORWARD])
def test_an_empty_past_day_starts_at_the_start_of_the_working_day(zone: tzinfo, day: date) -> None:
    spot = place(day, 10 * H, [], zone, NOW)
    assert spot is not None and spot.rule == "day start"
    assert wall(spot.start, zone) == (day, time(9))
    assert real(spot.start, spot.end) == 10 * H  # real time, also across a DST change
    assert spot.start.tzinfo is zone and spot.end.tzinfo is zone


def test_the_working_day_starts_when_the_user_says_nine_unless_they_change_it() -> None:
    link = Link(SlackUserKey(None, "T1", "U1"), 1, 2, "Acme", "pw")
    assert workday_start(link, YESTERDAY) == DEFAULT_WORKDAY_START == time(9)
    early = replace(link, settings=UserSettings(work_start=time(7, 30)))
    assert workday_start(early, YESTERDAY) == time(7, 30)
    spot = place(YESTERDAY, H, [], BERLIN, NOW, day_start=workday_start(early, YESTERDAY))
    assert spot is not None and wall(spot.start) == (YESTERDAY, time(7, 30))


def test_a_past_day_goes_after_the_days_last_entry() -> None:
    standup, review = entry(YESTERDAY, (9, 0), (10, 0)), entry(YESTERDAY, (13, 0), (14, 15), "R")
    spot = placed(YESTERDAY, H, [standup, review])
    assert (spot.rule, spot.neighbour) == ("after", review)
    assert (wall(spot.start), wall(spot.end)) == (
        (YESTERDAY, time(14, 15)),
        (YESTERDAY, time(15, 15)),
    )


def test_entries_logged_one_after_another_stack_up() -> None:
    """``/track log 1h yesterday Meeting: A`` then ``…: B`` no longer lie on top of each other."""
    busy = [entry(YESTERDAY, (9, 0), (9, 30))]
    starts = []
    for _ in range(4):
        spot = placed(YESTERDAY, 45 * M, busy)
        busy.append(Busy(spot.start, spot.end, "meeting"))
        starts.append(wall(spot.start)[1])
    assert starts == [time(9, 30), time(10, 15), time(11, 0), time(11, 45)]


def test_after_the_last_entry_is_rounded_up_to_a_whole_minute() -> None:
    last = Busy(at(YESTERDAY, 10, 0), at(YESTERDAY, 10, 14).replace(second=20), "timer")
    spot = placed(YESTERDAY, 15 * M, [last])
    assert wall(spot.start)[1] == time(10, 15)


def test_no_room_after_the_last_entry_takes_the_latest_free_time_long_enough() -> None:
    busy = [
        entry(YESTERDAY, (9, 0), (10, 0)),
        entry(YESTERDAY, (13, 0), (14, 0), "Review"),
        entry(YESTERDAY, (22, 30), (23, 30), "Late"),
    ]
    spot = placed(YESTERDAY, 2 * H, busy)
    assert spot.rule == "before" and spot.neighbour == busy[2]
    assert wall(spot.end) == (YESTERDAY, time(22, 30))
    spot = placed(YESTERDAY, 9 * H, busy)  # only the morning is long enough
    assert wall(spot.end) == (YESTERDAY, time(9, 0)) and spot.neighbour == busy[0]


def test_a_long_entry_on_an_empty_day_ends_at_midnight_rather_than_spill_over() -> None:
    spot = placed(YESTERDAY, 16 * H, [])
    assert spot.rule == "day end"
    assert (wall(spot.start), wall(spot.end)) == ((YESTERDAY, time(8)), (TODAY, time(0)))


def test_a_full_day_has_no_room() -> None:
    busy = [entry(YESTERDAY, (0, 0), (12, 0)), entry(YESTERDAY, (12, 30), (23, 59))]
    assert place(YESTERDAY, H, busy, BERLIN, NOW) is None
    assert placed(YESTERDAY, 30 * M, busy).rule == "before"  # the half hour at noon


def test_a_timer_running_since_a_past_evening_is_kept_clear_of() -> None:
    timer = Busy(at(YESTERDAY, 22, 0), NOW, "Deploy", running=True)
    day = entry(YESTERDAY, (9, 0), (21, 30))
    spot = placed(YESTERDAY, 30 * M, [day, timer])
    assert (spot.rule, spot.neighbour) == ("before", timer)
    assert wall(spot.start) == (YESTERDAY, time(21, 30))
    spot = placed(YESTERDAY, H, [day, timer])  # 21:30-22:00 is too short for an hour
    assert (spot.neighbour, wall(spot.end)) == (day, (YESTERDAY, time(9, 0)))
    assert place(TODAY, H, [timer], BERLIN, NOW) is None  # it has run all day today


def test_an_entry_from_the_night_before_counts_on_this_day() -> None:
    overnight = Busy(at(YESTERDAY - timedelta(days=1), 23, 0), at(YESTERDAY, 8, 0), "Night")
    spot = placed(YESTERDAY, H, [overnight])
    assert spot.rule == "after" and wall(spot.start) == (YESTERDAY, time(8, 0))


# --- today -----------------------------------------------------------------------------------


def test_today_ends_now_to_the_minute() -> None:
    spot = placed(TODAY, 90 * M, [entry(TODAY, (9, 0), (10, 0))])
    assert spot.rule == "now"
    assert (wall(spot.start), wall(spot.end)) == ((TODAY, time(13, 37)), (TODAY, time(15, 7)))


def test_today_ends_where_the_running_timer_began() -> None:
    timer = Busy(at(TODAY, 14, 20), NOW, "Standup", running=True)
    spot = placed(TODAY, 30 * M, [entry(TODAY, (9, 0), (10, 0)), timer])
    assert (spot.rule, spot.neighbour) == ("before", timer)
    assert (wall(spot.start), wall(spot.end)) == ((TODAY, time(13, 50)), (TODAY, time(14, 20)))


def test_today_goes_before_an_entry_that_leaves_no_room_after_it() -> None:
    """A timer stopped seven minutes ago: 30 minutes end where it began."""
    stopped = entry(TODAY, (13, 0), (15, 0), "Design")
    timer = Busy(at(TODAY, 12, 40), at(TODAY, 12, 50), "Call")
    spot = placed(TODAY, 30 * M, [stopped, timer])
    assert (spot.neighbour, wall(spot.end)) == (timer, (TODAY, time(12, 40)))
    assert placed(TODAY, 10 * M, [stopped, timer]).neighbour == stopped


def test_just_after_midnight_there_is_no_room_for_an_hour_today() -> None:
    just_after = datetime(2026, 11, 26, 23, 10, tzinfo=UTC)  # 00:10 on the 27th in Berlin
    assert place(TODAY, H, [], BERLIN, just_after) is None
    assert placed(TODAY, 10 * M, [], just_after).rule == "now"


def test_overlapping_ignores_touching_ends() -> None:
    busy = [entry(YESTERDAY, (9, 0), (10, 0)), entry(YESTERDAY, (11, 0), (12, 0))]
    assert overlapping(at(YESTERDAY, 10), at(YESTERDAY, 11), busy) == []
    assert overlapping(at(YESTERDAY, 9, 59), at(YESTERDAY, 11, 1), busy) == busy


# --- properties ------------------------------------------------------------------------------

moments = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
lengths = st.integers(1, 24 * 60).map(lambda n: timedelta(minutes=n))
spans = st.lists(st.tuples(st.integers(-300, 1700), st.integers(1, 600)), max_size=6)


def _minutes_free(day: date, busy: list[Busy], zone: tzinfo, now: datetime) -> list[datetime]:
    """Every whole UTC minute of the day, up to now, that no busy interval touches."""
    first = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    last = min(
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC),
        now.astimezone(UTC).replace(second=0, microsecond=0),
    )
    free, minute = [], first
    while minute + M <= last:
        if not overlapping(minute, minute + M, busy):
            free.append(minute)
        minute += M
    return free


def _longest_run(free: list[datetime]) -> timedelta:
    best = run = timedelta(0)
    for before, after in zip([None, *free], free, strict=False):
        run = run + M if before is not None and after - before == M else M
        best = max(best, run)
    return best


@FAST
@given(st.sampled_from(ZONES), moments, st.integers(0, 3), lengths, spans, st.integers(0, 59))
@example(BERLIN, datetime(2026, 10, 26, 12, tzinfo=UTC), 1, 20 * H, [], 0)
@example(BERLIN, datetime(2026, 3, 30, 12, tzinfo=UTC), 1, 20 * H, [], 0)
@example(BERLIN, datetime(2026, 10, 25, 2, 30, tzinfo=UTC), 0, 3 * H, [], 0)
@example(ZONES[4], datetime(2026, 9, 7, 12, tzinfo=UTC), 1, 2 * H, [(0, 90)], 0)
def test_a_placed_entry_lasts_as_long_as_asked_and_overlaps_nothing(
    zone: tzinfo,
    now: datetime,
    days_back: int,
    length: timedelta,
    spans: list[tuple[int, int]],
    seconds: int,
) -> None:
    day = now.astimezone(zone).date() - timedelta(days=days_back)
    midnight = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    busy = [
        Busy(midnight + start * M + seconds * timedelta(seconds=1), midnight + (start + n) * M, "b")
        for start, n in spans
    ]
    spot = place(day, length, busy, zone, now)
    free = _minutes_free(day, busy, zone, now)
    if spot is None:
        assert _longest_run(free) < length  # None only when no free time is long enough
        return
    assert real(spot.start, spot.end) == length
    assert spot.start.second == 0 and spot.end.second == 0
    assert not overlapping(spot.start, spot.end, busy)
    assert spot.start.astimezone(UTC) >= midnight
    assert spot.end.astimezone(UTC) <= now.astimezone(UTC)
    assert spot.start.astimezone(zone).date() == day  # it starts on its day
    within = [b for b in busy if b.end.astimezone(UTC) > midnight and b.start < spot.end]
    if days_back == 0:  # today: nothing free later that would fit
        later = [minute for minute in free if minute >= spot.end.astimezone(UTC)]
        assert _longest_run(later) < length or not later
    elif spot.rule == "after":
        last_end = max(b.end.astimezone(UTC) for b in busy if b.start.astimezone(UTC) < now)
        assert spot.start.astimezone(UTC) - last_end < M
    elif spot.rule == "day start":
        assert not within
