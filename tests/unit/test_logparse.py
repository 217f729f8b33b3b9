"""``bot.logparse``: the grammar for typing past time, by examples, mistakes and properties."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import permutations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.commands import Token
from bot.logparse import (
    TIME_WORDS,
    LogError,
    LogRequest,
    format_duration_input,
    format_log,
    parse_duration,
    parse_log,
)

TODAY = date(2026, 11, 20)  # a Friday
YESTERDAY = date(2026, 11, 19)
WEEKDAY_NAMES = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
DAY_WORDS = {"today", "yesterday", *WEEKDAY_NAMES}


def words(*texts: str) -> tuple[Token, ...]:
    return tuple(Token(text) for text in texts)


def logged(
    minutes: int,
    task: str | tuple[Token, ...] = "Standup",
    *,
    day: date = TODAY,
    span: tuple[str, str] | None = None,
    notes: str | None = None,
) -> LogRequest:
    """The request expected for ``minutes`` of ``task`` (split on spaces) and an optional span."""
    start, end = (
        (time.fromisoformat(span[0]), time.fromisoformat(span[1])) if span else (None, None)
    )
    return LogRequest(
        day=day,
        duration=timedelta(minutes=minutes),
        start=start,
        end=end,
        words=words(*task.split()) if isinstance(task, str) else task,
        notes=notes,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Durations.
        ("90m Standup", logged(90)),
        ("90min Standup", logged(90)),
        ("90MIN Standup", logged(90)),
        ("1.5h Standup", logged(90)),
        (".5h Standup", logged(30)),
        ("2h Standup", logged(120)),
        ("1:30 Standup", logged(90)),
        ("0:05 Standup", logged(5)),
        ("1h30m Standup", logged(90)),
        ("1H30M Standup", logged(90)),
        ("1h 30m Standup", logged(90)),
        ("1h 30min Standup", logged(90)),
        ("1h30 Standup", logged(90)),
        ("1h30min Standup", logged(90)),
        ("1h5 Standup", logged(65)),
        ("24h Standup", logged(1440)),
        ("24:00 Standup", logged(1440)),
        ("1m Standup", logged(1)),
        # Decimal hours round half-to-even to whole minutes.
        ("1.33h Standup", logged(80)),  # 79.8
        ("0.0125h Standup", logged(1)),  # 0.75
        ("0.025h Standup", logged(2)),  # 1.5
        ("0.075h Standup", logged(4)),  # 4.5
        ("0.125h Standup", logged(8)),  # 7.5
        # Days.
        ("1h today Standup", logged(60)),
        ("1h yesterday Standup", logged(60, day=YESTERDAY)),
        ("1h YESTERDAY Standup", logged(60, day=YESTERDAY)),
        ("1h mon Standup", logged(60, day=date(2026, 11, 16))),
        ("1h Thurs Standup", logged(60, day=YESTERDAY)),
        ("1h fri Standup", logged(60, day=date(2026, 11, 13))),
        ("1h friday Standup", logged(60, day=date(2026, 11, 13))),
        ("1h sun Standup", logged(60, day=date(2026, 11, 15))),
        ("1h 2026-11-20 Standup", logged(60)),
        ("1h 2026-1-5 Standup", logged(60, day=date(2026, 1, 5))),
        ("1h 2024-02-29 Standup", logged(60, day=date(2024, 2, 29))),
        ("1h -2d Standup", logged(60, day=date(2026, 11, 18))),
        ("1h -0d Standup", logged(60)),
        ("1h -002D Standup", logged(60, day=date(2026, 11, 18))),
        ("1h -366d Standup", logged(60, day=date(2025, 11, 19))),
        # Time ranges, with or without a duration that agrees.
        ("9:00-10:30 Standup", logged(90, span=("09:00", "10:30"))),
        ("9-10:30 Standup", logged(90, span=("09:00", "10:30"))),
        ("9-10:30am Standup", logged(90, span=("09:00", "10:30"))),
        ("9am-10:30am Standup", logged(90, span=("09:00", "10:30"))),
        ("9AM-10:30AM Standup", logged(90, span=("09:00", "10:30"))),
        ("1pm-2:15pm Standup", logged(75, span=("13:00", "14:15"))),
        ("1-2:15pm Standup", logged(75, span=("13:00", "14:15"))),
        ("13:00-14:15 Standup", logged(75, span=("13:00", "14:15"))),
        ("11-1pm Standup", logged(120, span=("11:00", "13:00"))),
        ("9-5pm Standup", logged(480, span=("09:00", "17:00"))),
        ("11-12pm Standup", logged(60, span=("11:00", "12:00"))),
        ("12am-1am Standup", logged(60, span=("00:00", "01:00"))),
        ("12pm-1pm Standup", logged(60, span=("12:00", "13:00"))),
        ("9:00am-5pm Standup", logged(480, span=("09:00", "17:00"))),
        ("0:00-23:59 Standup", logged(1439, span=("00:00", "23:59"))),
        ("9\N{EN DASH}10:30 Standup", logged(90, span=("09:00", "10:30"))),
        ("9 - 10:30 Standup", logged(90, span=("09:00", "10:30"))),
        ("9am \N{EN DASH} 10:30am Standup", logged(90, span=("09:00", "10:30"))),
        ("yesterday 9-10:30 Standup", logged(90, day=YESTERDAY, span=("09:00", "10:30"))),
        (
            "1h30m yesterday 9-10:30 Standup",
            logged(90, day=YESTERDAY, span=("09:00", "10:30")),
        ),
        ("1.5h 9-10:30am Standup", logged(90, span=("09:00", "10:30"))),
        # The time words in any order.
        ("9:00-10:30 today Standup", logged(90, span=("09:00", "10:30"))),
        ("today 9-10:30 Standup", logged(90, span=("09:00", "10:30"))),
        ("yesterday 1h Standup", logged(60, day=YESTERDAY)),
        ("-2d 30m Standup", logged(30, day=date(2026, 11, 18))),
        ("yesterday 1h 30m Standup", logged(90, day=YESTERDAY)),
        ("9 - 10:30 yesterday Standup", logged(90, day=YESTERDAY, span=("09:00", "10:30"))),
        ("9-10 1h yesterday Standup", logged(60, day=YESTERDAY, span=("09:00", "10:00"))),
        ("yesterday 9-10 1h Standup", logged(60, day=YESTERDAY, span=("09:00", "10:00"))),
        ("mon 1h 9am-10am Standup", logged(60, day=date(2026, 11, 16), span=("09:00", "10:00"))),
        ("9-10 2nd floor sync", logged(60, "2nd floor sync", span=("09:00", "10:00"))),
        # Only times of day make a range spaced around its dash.
        ("1h30m - 1h", logged(90, words("-", "1h"))),
        # A task named like a time word, in quotes.
        ('1h "yesterday"', logged(60, (Token("yesterday", True),))),
        (
            'yesterday 1h "Today" in Website',
            logged(60, (Token("Today", True), Token("in"), Token("Website")), day=YESTERDAY),
        ),
        (
            '9-10 "9-10" retro',
            logged(60, (Token("9-10", True), Token("retro")), span=("09:00", "10:00")),
        ),
        # The task phrase and notes.
        ("1h Sprint 7 review", logged(60, "Sprint 7 review")),
        ("1h 2026 planning", logged(60, "2026 planning")),
        ("1h 30 Standup", logged(60, "30 Standup")),
        ("1h yesturday Standup", logged(60, "yesturday Standup")),
        (
            "1h 9-10 2026-01-01 Standup yesterday 1h",
            logged(60, "Standup yesterday 1h", day=date(2026, 1, 1), span=("09:00", "10:00")),
        ),
        ("1h Bug:42 fix", logged(60, "Bug:42 fix")),
        ("1h #123", logged(60, "#123")),
        ("1h Design review in Website", logged(60, "Design review in Website")),
        (
            "1h30m yesterday Design review in Website: header fixes",
            logged(90, "Design review in Website", day=YESTERDAY, notes="header fixes"),
        ),
        ("1h Standup:", logged(60)),
        ("1h Standup:   ", logged(60)),
        ("1h Standup:  a   b ", logged(60, notes="a b")),
        ("1h Standup: 10:30: late", logged(60, notes="10:30: late")),
        (
            '1h "Log in page" in Website',
            logged(60, (Token("Log in page", True), Token("in"), Token("Website"))),
        ),
        ('1h "1h": notes', logged(60, (Token("1h", True),), notes="notes")),
        ('1h "a: b": notes', logged(60, (Token("a: b", True),), notes="notes")),
        ("1h “Smart quotes”", logged(60, (Token("Smart quotes", True),))),
        ("1h x::", logged(60, "x:")),
        ("  1h \t yesterday\n Standup  ", logged(60, day=YESTERDAY)),
    ],
)
def test_accepted_forms(text: str, expected: LogRequest) -> None:
    assert parse_log(text, TODAY) == expected
    assert parse_log(format_log(expected), TODAY) == expected


@pytest.mark.parametrize(
    ("text", "part", "typed"),
    [
        ("1.5x Review", "duration", "1.5x"),
        ("1,5h Review", "duration", "1,5h"),
        ("1.5m Review", "duration", "1.5m"),
        ("90 Review", "duration", "90"),
        ("2026 planning", "duration", "2026"),
        ("0m Review", "duration", "0m"),
        ("0:00 Review", "duration", "0:00"),
        ("0.001h Review", "duration", "0.001h"),
        ("-1h Review", "duration", "-1h"),
        ("-5 Review", "duration", "-5"),
        ("25h Review", "duration", "25h"),
        ("24h1m Review", "duration", "24h1m"),
        ("1441m Review", "duration", "1441m"),
        ("9" * 500 + "h Review", "duration", "9" * 500 + "h"),
        ("1h75m Review", "duration", "1h75m"),
        ("1:75 Review", "duration", "1:75"),
        ("1h 90m Review", "duration", "1h 90m"),
        ("Review", "duration", "Review"),
        ("yesterday Review", "duration", "yesterday Review"),
        ('"1h" Review', "duration", '"1h" Review'),
        ("Review 1h", "duration", "Review 1h"),
        ('"today" 1h Review', "duration", '"today" 1h Review'),
        ("yesterday 1.5x Review", "duration", "1.5x"),
        ("yesterday 7 dwarves", "duration", "7"),
        ("1h 2h Review", "duration", "2h"),
        ("1h yesterday 30m Review", "duration", "30m"),
        ("1h today yesterday Review", "day", "yesterday"),
        ("mon 1h -2d Review", "day", "mon"),
        ("9-10 2026-13-01 Review", "day", "2026-13-01"),
        ("9-10 yesterday 10-11 Review", "time range", "10-11"),
        ("yesterday 1h 9:75-10 Review", "time range", "9:75-10"),
        ("1h 9-10:30 Review", "duration", "9-10:30"),
        ("2026-13-01 1h Review", "day", "2026-13-01"),
        ("1h 2026-13-01 Review", "day", "2026-13-01"),
        ("1h 2026-02-30 Review", "day", "2026-02-30"),
        ("1h 2026-001-01 Review", "day", "2026-001-01"),
        ("1h 2026-11-21 Review", "day", "2026-11-21"),
        ("1h 2099-01-01 Review", "day", "2099-01-01"),
        ("1h -367d Review", "day", "-367d"),
        ("1h -99999999999999999999d Review", "day", "-99999999999999999999d"),
        ("9:75-10 Review", "time range", "9:75-10"),
        ("1h 9:75-10 Review", "time range", "9:75-10"),
        ("1h 9:5-10 Review", "time range", "9:5-10"),
        ("1h 25-26 Review", "time range", "25-26"),
        ("1h 13pm-2pm Review", "time range", "13pm-2pm"),
        ("1h 0am-1am Review", "time range", "0am-1am"),
        ("1h 10-9 Review", "time range", "10-9"),
        ("9-9 Review", "time range", "9-9"),
        ("11pm-12am Review", "time range", "11pm-12am"),
        ("1h 2026-11 Review", "time range", "2026-11"),
        ("1h 9 - 10:75 Review", "time range", "9 - 10:75"),
        ("1h", "task", "1h"),
        ("1h yesterday 9-10", "task", "1h yesterday 9-10"),
        ("1h: notes", "task", "1h: notes"),
        ("1h in Website", "task", "1h in Website"),
        ('1h "unclosed', "task", '1h "unclosed'),
        ('1h "unclosed: notes', "task", '1h "unclosed: notes'),
        ("1h Design in", "project", "1h Design in"),
        ("1h Design IN: notes", "project", "1h Design IN: notes"),
    ],
)
def test_mistakes_name_the_part_quote_the_input_and_give_a_working_example(
    text: str, part: str, typed: str
) -> None:
    parsed = parse_log(text, TODAY)
    assert isinstance(parsed, LogError)
    assert parsed.part == part
    assert f"“{typed}”" in parsed.problem
    assert parsed.example.startswith("/track log ")
    assert isinstance(parse_log(parsed.example.removeprefix("/track log "), TODAY), LogRequest)


def test_a_duration_that_disagrees_with_the_range_names_both() -> None:
    parsed = parse_log("1h 9-10:30 Review", TODAY)
    assert isinstance(parsed, LogError)
    assert "“1h”" in parsed.problem
    assert "“9-10:30”" in parsed.problem
    assert "1h30m" in parsed.problem


def test_a_late_duration_is_pointed_out() -> None:
    parsed = parse_log("yesterday Review 1h", TODAY)
    assert isinstance(parsed, LogError)
    assert "before the task" in parsed.problem


def test_a_time_word_typed_twice_names_both_and_suggests_quotes() -> None:
    parsed = parse_log("1h today yesterday Review", TODAY)
    assert isinstance(parsed, LogError)
    assert "“today” and “yesterday”" in parsed.problem
    assert "quotes" in parsed.problem


def test_empty_text_asks_for_a_duration() -> None:
    parsed = parse_log("   ", TODAY)
    assert isinstance(parsed, LogError)
    assert parsed.part == "duration"


@pytest.mark.parametrize("offset", range(7))
@pytest.mark.parametrize(("name", "weekday"), WEEKDAY_NAMES.items())
def test_a_weekday_is_the_latest_one_strictly_before_today(
    offset: int, name: str, weekday: int
) -> None:
    today = date(2026, 11, 16) + timedelta(days=offset)  # Monday .. Sunday
    expected = next(
        today - timedelta(days=back)
        for back in range(1, 8)
        if (today - timedelta(days=back)).weekday() == weekday
    )
    for spelling in (name, name.upper(), name.capitalize()):
        parsed = parse_log(f"1h {spelling} Review", today)
        assert isinstance(parsed, LogRequest)
        assert parsed.day == expected
        assert 1 <= (today - parsed.day).days <= 7


@pytest.mark.parametrize("days", [0, 1, 2, 7, 30, 365, 366])
def test_days_ago(days: int) -> None:
    parsed = parse_log(f"1h -{days}d Review", TODAY)
    assert isinstance(parsed, LogRequest)
    assert parsed.day == TODAY - timedelta(days=days)


def test_today_is_fine_and_tomorrow_is_the_future() -> None:
    assert isinstance(parse_log(f"1h {TODAY} Review", TODAY), LogRequest)
    tomorrow = parse_log(f"1h {TODAY + timedelta(days=1)} Review", TODAY)
    assert isinstance(tomorrow, LogError)
    assert "future" in tomorrow.problem


@pytest.mark.parametrize(
    ("today", "text", "day", "minutes"),
    [
        # Europe springs forward on 2026-03-29 and America falls back on 2026-11-01: days are
        # calendar days and ranges wall-clock spans, as on a timesheet.
        (date(2026, 3, 30), "-1d 1:00-4:00 Night shift", date(2026, 3, 29), 180),
        (date(2026, 3, 30), "yesterday 1:00-4:00 Night shift", date(2026, 3, 29), 180),
        (date(2026, 11, 2), "sun 1am-2am Night shift", date(2026, 11, 1), 60),
        (date(2026, 11, 2), "1h 2026-11-01 Night shift", date(2026, 11, 1), 60),
    ],
)
def test_days_and_ranges_ignore_daylight_saving(
    today: date, text: str, day: date, minutes: int
) -> None:
    parsed = parse_log(text, today)
    assert isinstance(parsed, LogRequest)
    assert parsed.day == day
    assert parsed.duration == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1h30m", 90),
        ("1h 30m", 90),
        ("  90MIN ", 90),
        ("1.5h", 90),
        ("1:30", 90),
        ("24h", 1440),
        ("0m", None),
        ("25h", None),
        ("-1h", None),
        ("1h 75m", None),
        ("", None),
        ("1h Review", None),
        ("9:00 - 10:30", None),
        ("yesterday", None),
    ],
)
def test_parse_duration_reads_a_field_of_its_own(text: str, minutes: int | None) -> None:
    assert parse_duration(text) == (None if minutes is None else timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(minutes=90), "1h30m"),
        (timedelta(minutes=45), "45m"),
        (timedelta(hours=2), "2h"),
        (timedelta(hours=24), "24h"),
        (timedelta(0), "0m"),
        (timedelta(minutes=89, seconds=30), "1h30m"),  # half to even
        (timedelta(minutes=90, seconds=30), "1h30m"),
        (timedelta(minutes=90, seconds=31), "1h31m"),
    ],
)
def test_format_duration_input(span: timedelta, text: str) -> None:
    assert format_duration_input(span) == text


def test_format_duration_input_refuses_a_negative_span() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_duration_input(timedelta(minutes=-1))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("90min yesterday Standup", "1h30m 2026-11-19 Standup"),
        ("tue 9am-10:30am Standup: notes", "1h30m 2026-11-17 09:00-10:30 Standup: notes"),
        ('1h "Log in page" in Website', '1h 2026-11-20 "Log in page" in Website'),
        ('1h “say "hi"”', '1h 2026-11-20 “say "hi"”'),
        ("1h x::", "1h 2026-11-20 x::"),
        ("1h x:: notes", "1h 2026-11-20 x:: notes"),
    ],
)
def test_format_log_writes_the_canonical_form(text: str, canonical: str) -> None:
    parsed = parse_log(text, TODAY)
    assert isinstance(parsed, LogRequest)
    assert format_log(parsed) == canonical


@pytest.mark.parametrize("order", list(permutations(TIME_WORDS)))
def test_format_log_writes_the_time_words_in_the_order_asked(order: tuple[str, ...]) -> None:
    request = logged(90, day=YESTERDAY, span=("09:00", "10:30"), notes="n")
    written = {"duration": "1h30m", "day": "2026-11-19", "time range": "09:00-10:30"}
    expected = " ".join(written[part] for part in order) + " Standup: n"
    assert format_log(request, order) == expected
    assert parse_log(expected, TODAY) == request


@pytest.mark.parametrize("order", [(), ("day", "day", "duration"), ("duration", "day")])
def test_format_log_refuses_an_order_that_is_no_permutation(order: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        format_log(logged(60), order)


# Properties. Days before 1900 are no "today" a user has, and -366d must stay in range.
todays = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
TRICKY_TOKENS = (
    "1h", "30m", "1:30", "1.5h", "1h30", "-1h", "0m", "25h", "today", "yesterday", "mon", "-2d",
    "-400d", "2026-11-01", "2026-02-30", "9-10", "9:75-10", "11-1pm", "9", "-", "\N{EN DASH}",
    "10:30am", "in", "IN", "Review", "x:", "x::", ":", "::", '"a b"', '"in"', '"1h"', "“c: d”",
    "„e“", "«f»", '"', "“", "”", "Bug:42", "#12", "7", "2026",
)  # fmt: skip
soup = st.lists(st.sampled_from(TRICKY_TOKENS) | st.text(max_size=6), max_size=8).map(" ".join)


@settings(max_examples=300)
@given(st.text() | soup, todays)
def test_parsing_never_raises(text: str, today: date) -> None:
    assert isinstance(parse_log(text, today), LogRequest | LogError)


def duration_spellings(minutes: int) -> st.SearchStrategy[str]:
    hours, rest = divmod(minutes, 60)
    spellings = [f"{minutes}m", f"{minutes}min", f"{hours}:{rest:02}", f"{minutes / 60:.4f}h"]
    if minutes % 6 == 0:
        spellings.append(f"{minutes / 60:g}h")
    if hours:
        spellings += [
            f"{hours}h{rest}m",
            f"{hours}h{rest}",
            f"{hours}h {rest}m",
            f"{hours}h {rest}min",
        ]
    if hours and not rest:
        spellings.append(f"{hours}h")
    return st.sampled_from(spellings).flatmap(lambda s: st.sampled_from([s, s.upper()]))


@st.composite
def day_spellings(draw: st.DrawFn, today: date) -> tuple[str, date]:
    kind = draw(st.sampled_from(["today", "yesterday", "weekday", "iso", "ago"]))
    if kind == "today":
        return draw(st.sampled_from(["today", "Today"])), today
    if kind == "yesterday":
        return draw(st.sampled_from(["yesterday", "YESTERDAY"])), today - timedelta(days=1)
    if kind == "weekday":
        name = draw(st.sampled_from(sorted(WEEKDAY_NAMES)))
        back = next(
            n for n in range(1, 8) if (today - timedelta(n)).weekday() == WEEKDAY_NAMES[name]
        )
        return draw(st.sampled_from([name, name.title()])), today - timedelta(days=back)
    back = draw(st.integers(0, 366))
    day = today - timedelta(days=back)
    if kind == "ago":
        return f"-{back}d", day
    return draw(st.sampled_from([day.isoformat(), f"{day.year}-{day.month}-{day.day}"])), day


def clock_spellings(minute_of_day: int) -> list[tuple[str, str]]:
    """(24-hour, 12-hour) spellings of a time of day."""
    hour, minute = divmod(minute_of_day, 60)
    half, hour12 = ("am" if hour < 12 else "pm"), hour % 12 or 12
    spellings = [(f"{hour}:{minute:02}", f"{hour12}:{minute:02}{half}")]
    spellings.append((f"{hour:02}:{minute:02}", f"{hour12}:{minute:02}{half.upper()}"))
    if not minute:
        spellings.append((f"{hour}", f"{hour12}{half}"))
    return spellings


@st.composite
def range_spellings(draw: st.DrawFn, start: int, end: int) -> str:
    start_24, start_12 = draw(st.sampled_from(clock_spellings(start)))
    end_24, end_12 = draw(st.sampled_from(clock_spellings(end)))
    pairs = [(start_24, end_24), (start_12, end_12)]
    if start // 720 == end // 720:  # same half of the day: the end's am/pm carries over
        pairs.append((start_12.rstrip("apmAPM"), end_12))
    first, last = draw(st.sampled_from(pairs))
    dash = draw(st.sampled_from(["-", "\N{EN DASH}", " - ", " \N{EN DASH} "]))
    return f"{first}{dash}{last}"


plain_words = st.text(alphabet="abcdefxyzABC", min_size=1, max_size=8).filter(
    lambda w: w.lower() not in DAY_WORDS | {"in"}
)
# After the first word anything but a separator colon, a quote or "in" is task text.
later_words = plain_words | st.sampled_from(
    ["7", "2026", "1h", "9-10", "-", "yesterday", "mon", "-2d", "Bug:42", "x::y"]
)
quoted_words = (
    st.text(alphabet="ab :-1\N{EN DASH}", min_size=1, max_size=8)
    .map(lambda t: " ".join(t.split()))
    .filter(bool)
)
spaces = st.sampled_from([" ", "  ", "\t", " \n "])


@st.composite
def typed_requests(draw: st.DrawFn) -> tuple[str, date, LogRequest]:
    """A text built from parts, with the request those parts mean."""
    today = draw(todays)
    parts: list[str] = []
    span = None
    if draw(st.booleans()):
        start = draw(st.integers(0, 1438))
        minutes = draw(st.integers(1, 1439 - start))
        span = (start, start + minutes)
    else:
        minutes = draw(st.integers(1, 1440))
    if span is None or draw(st.booleans()):
        parts.append(draw(duration_spellings(minutes)))
    day = today
    if draw(st.booleans()):
        day_text, day = draw(day_spellings(today))
        parts.append(day_text)
    if span is not None:
        parts.append(draw(range_spellings(*span)))
    parts = draw(st.permutations(parts))  # the time words come in any order
    first = draw(plain_words.map(Token) | quoted_words.map(lambda t: Token(t, quoted=True)))
    task = [
        first,
        *draw(
            st.lists(
                later_words.map(Token) | quoted_words.map(lambda t: Token(t, True)), max_size=3
            )
        ),
    ]
    if draw(st.booleans()):
        task += [Token("in"), *map(Token, draw(st.lists(plain_words, min_size=1, max_size=2)))]
    parts += [f'"{token.text}"' if token.quoted else token.text for token in task]
    text = "".join(part + draw(spaces) for part in parts).rstrip()
    raw_notes = draw(st.none() | st.text(max_size=20))
    if raw_notes is not None:
        text += ":" + draw(spaces) + raw_notes
    expected = LogRequest(
        day=day,
        duration=timedelta(minutes=minutes),
        start=time(*divmod(span[0], 60)) if span else None,
        end=time(*divmod(span[1], 60)) if span else None,
        words=tuple(task),
        notes=" ".join(raw_notes.split()) or None if raw_notes is not None else None,
    )
    return text, today, expected


@settings(max_examples=300)
@given(typed_requests())
def test_text_built_from_valid_parts_means_those_parts(case: tuple[str, date, LogRequest]) -> None:
    text, today, expected = case
    assert parse_log(text, today) == expected


@settings(max_examples=300)
@given(typed_requests(), st.permutations(TIME_WORDS))
def test_format_log_round_trips_generated_requests(
    case: tuple[str, date, LogRequest], order: list[str]
) -> None:
    _, today, expected = case
    assert parse_log(format_log(expected, order), today) == expected


prefixes = st.sampled_from(
    ["1h", "90m", "yesterday 9-10:30", "2h mon", "1:30 -3d 9am-10:30am", "9-10 today", "mon 2h"]
) | st.lists(st.sampled_from(TRICKY_TOKENS), max_size=4).map(" ".join)


@settings(max_examples=300)
@given(prefixes, soup, todays, st.permutations(TIME_WORDS))
@example("yesterday 9-10:30", "- 1h", date(2000, 1, 1), ["day", "time range", "duration"])
def test_format_log_round_trips_whatever_the_parser_accepts(
    prefix: str, rest: str, today: date, order: list[str]
) -> None:
    parsed = parse_log(f"{prefix} {rest}", today)
    if isinstance(parsed, LogRequest):
        assert parse_log(format_log(parsed, order), today) == parsed
