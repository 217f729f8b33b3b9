"""The time words of the grammar for past time (see :mod:`bot.logparse`): how long, which day,
and from when to when, each read from the tokens at one place and reported in its own part when
it is mistyped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal

from bot.commands import Token

MAX_DURATION = timedelta(hours=24)
MAX_DAYS_BACK = 366
LOG_EXAMPLE = "/track log 1h30m yesterday Design review in Website: header fixes"
DAY_EXAMPLE = "/track log 2h mon Design review"
RANGE_EXAMPLE = "/track log yesterday 9:00-10:30 Design review"

_FLAGS = re.ASCII | re.IGNORECASE
_DURATION = re.compile(
    r"(?P<hours>[0-9]+)h(?:(?P<and_minutes>[0-9]{1,2})(?:m|min)?)?"
    r"|(?P<decimal>[0-9]*\.[0-9]+)h"
    r"|(?P<minutes>[0-9]+)(?:m|min)"
    r"|(?P<clock_hours>[0-9]+):(?P<clock_minutes>[0-9]{2})",
    _FLAGS,
)
_WHOLE_HOURS = re.compile(r"[0-9]+h", _FLAGS)
_WHOLE_MINUTES = re.compile(r"([0-9]+)(?:m|min)", _FLAGS)
_STARTS_LIKE_A_NUMBER = re.compile(r"[0-9.\-]")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAYS_AGO = re.compile(r"-([0-9]+)d", _FLAGS)
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]+-[0-9]+|-[0-9]+d", _FLAGS)
_CLOCK = r"([0-9]{1,2})(?::([0-9]{2}))?(am|pm)?"
_DASHES = ("-", "\N{EN DASH}")
_RANGE = re.compile(f"{_CLOCK}[-\N{EN DASH}]{_CLOCK}", _FLAGS)
_RANGE_SHAPE = re.compile("[0-9][^-\N{EN DASH}]*[-\N{EN DASH}][0-9][^-\N{EN DASH}]*")
# Each side of a range spaced around its dash ("9 - 10:30"): only what could be a time of day, so
# that a duration and a task beginning with a dash ("1h30m - 1h …") are not taken for one.
_CLOCK_SHAPE = re.compile(r"[0-9]+(?::[0-9]+)?(?:am|pm)?", _FLAGS)

_DAYS_BACK = {"today": 0, "yesterday": 1}
_WEEKDAYS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
# Digits are unbounded in the patterns; without traps an absurdly long number becomes a huge or
# infinite Decimal that fails the range check instead of raising.
_DECIMAL = Context(prec=40, traps=[])


@dataclass(frozen=True)
class LogError:
    """Text that is no log request: the ``part`` that could not be read (so a form can point at
    its field), a sentence quoting what the user typed, and a correct full example."""

    part: str
    problem: str
    example: str


def parse_duration(text: str) -> timedelta | None:
    """A duration typed on its own, as in the Log-time modal's field, in the spellings of
    :func:`bot.logparse.parse_log`; ``None`` when it is none or is not between one minute and
    24 hours."""
    tokens = [Token(word) for word in text.split()]
    read = read_duration(tokens, 0, numbers_are_durations=True)
    return read[0] if isinstance(read, tuple) and read[1] == len(tokens) else None


def read_duration(
    tokens: list[Token], at: int, *, numbers_are_durations: bool
) -> tuple[timedelta, int] | LogError | None:
    """The duration at ``at`` and how many tokens it took; ``None`` when there is none.

    With ``numbers_are_durations`` (no length has been given yet) a token that starts like a
    number and is no day or range either is a mistyped duration rather than the task.
    """
    if at >= len(tokens) or tokens[at].quoted or _range_at(tokens, at):
        return None
    text = tokens[at].text
    minutes = duration_minutes(text)
    if minutes is not None:
        after = tokens[at + 1] if at + 1 < len(tokens) else Token("", quoted=True)
        following = "" if after.quoted else after.text
        if _WHOLE_HOURS.fullmatch(text) and (extra_match := _WHOLE_MINUTES.fullmatch(following)):
            text = f"{text} {following}"
            extra = Decimal(extra_match[1])
            if extra >= 60:
                return duration_error(
                    f"I couldn't read “{text}” as a duration: put at most 59m after the hours."
                )
            return _checked_duration(text, minutes + extra, width=2)
        return _checked_duration(text, minutes, width=1)
    if text.startswith("-") and duration_minutes(text[1:]) is not None:
        return duration_error(f"A duration can't be negative, but I got “{text}”.")
    if _DATE_SHAPE.fullmatch(text):
        return None
    if numbers_are_durations and _STARTS_LIKE_A_NUMBER.match(text):
        return duration_error(f"I couldn't read “{text}” as a duration.")
    return None


def parse_time_or_length(text: str) -> tuple[time, time] | timedelta | None:
    """A field that takes a time range or a length on its own (``9:00-10:30``, ``9 - 10:30``,
    ``1h30m``), in the grammar's spellings; ``None`` when it is neither."""
    tokens = [Token(word) for word in text.split()]
    span = read_range(tokens, 0)
    if isinstance(span, tuple):
        return (span[0], span[1]) if span[2] == len(tokens) else None
    return None if span is not None else parse_duration(text)


def duration_minutes(text: str) -> Decimal | None:
    """The minutes a duration spelling means, before rounding; ``None`` for no duration spelling
    (including minutes past 59 in ``1h75m`` or ``1:75``)."""
    match = _DURATION.fullmatch(text)
    if match is None:
        return None
    if match["decimal"]:
        return _DECIMAL.multiply(Decimal(match["decimal"]), 60)
    if match["minutes"]:
        return Decimal(match["minutes"])
    hours = match["hours"] or match["clock_hours"]
    minutes = int(match["and_minutes"] or match["clock_minutes"] or 0)
    return _DECIMAL.add(_DECIMAL.multiply(Decimal(hours), 60), minutes) if minutes < 60 else None


def _checked_duration(typed: str, minutes: Decimal, width: int) -> tuple[timedelta, int] | LogError:
    whole = minutes.to_integral_value(rounding=ROUND_HALF_EVEN, context=_DECIMAL)
    if whole < 1:
        return duration_error(f"A duration must be at least one minute, but I got “{typed}”.")
    if whole > MAX_DURATION // timedelta(minutes=1):
        return duration_error(f"“{typed}” is more than 24 hours; log each day on its own.")
    return timedelta(minutes=int(whole)), width


def duration_error(problem: str) -> LogError:
    return LogError("duration", problem, LOG_EXAMPLE)


def parse_day(text: str, today: date) -> date | LogError | None:
    """A day named on its own (``yesterday``, ``mon``, ``2026-11-20``, ``-2d``); ``None`` when
    the text is no day at all. Reports use it for a single day."""
    words = text.split()
    return read_day(Token(words[0]), today) if len(words) == 1 else None


def read_day(token: Token | None, today: date) -> date | LogError | None:
    """The day a token names; ``None`` when it names none (and is no try at a date)."""
    if token is None or token.quoted:
        return None
    word = token.text.lower()
    if word in _DAYS_BACK:
        return today - timedelta(days=_DAYS_BACK[word])
    if word in _WEEKDAYS:
        # Counting back 1..7 days: on a Monday, "mon" is the Monday before.
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[word] - 1) % 7 + 1)
    if match := _DAYS_AGO.fullmatch(word):
        digits = match[1].lstrip("0") or "0"
        if len(digits) > len(str(MAX_DAYS_BACK)) or int(digits) > MAX_DAYS_BACK:
            return _day_error(
                f"“{token.text}” is more than {MAX_DAYS_BACK} days back; type the date instead."
            )
        return today - timedelta(days=int(digits))
    if match := _ISO_DATE.fullmatch(word):
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return _day_error(f"There is no date “{token.text}”.")
        if day > today:
            return _day_error(
                f"I can't log time in the future: “{token.text}” is after today ({today})."
            )
        return day
    if _DATE_SHAPE.fullmatch(word):
        return _day_error(f"There is no date “{token.text}”.")
    return None


def _day_error(problem: str) -> LogError:
    return LogError("day", problem, DAY_EXAMPLE)


def read_range(tokens: list[Token], at: int) -> tuple[time, time, int] | LogError | None:
    """The time range at ``at`` and how many tokens it took; ``None`` when there is none (and no
    try at one)."""
    found = _range_at(tokens, at)
    if found is None:
        return None
    joined, width = found
    span = _range_times(joined)
    if isinstance(span, str):
        return LogError("time range", span.format(as_typed(tokens, at, width)), RANGE_EXAMPLE)
    return (*span, width)


def _range_at(tokens: list[Token], at: int) -> tuple[str, int] | None:
    """What looks like a time range at ``at`` (one token, or three when the dash stands alone),
    dash-joined, and how many tokens it spans."""
    if at < len(tokens) and not tokens[at].quoted and _RANGE_SHAPE.fullmatch(tokens[at].text):
        return tokens[at].text, 1
    if (
        at + 2 < len(tokens)
        and not any(token.quoted for token in tokens[at : at + 3])
        and tokens[at + 1].text in _DASHES
        and _CLOCK_SHAPE.fullmatch(tokens[at].text)
        and _CLOCK_SHAPE.fullmatch(tokens[at + 2].text)
        and _RANGE_SHAPE.fullmatch(joined := f"{tokens[at].text}-{tokens[at + 2].text}")
    ):
        return joined, 3
    return None


def _range_times(text: str) -> tuple[time, time] | str:
    """Start and end of a range such as ``9-10:30am``, or the problem with ``{}`` for the range.

    An am/pm on the end also applies to a bare start when that keeps the start before the end
    (``9-10:30am``, ``1-2pm``), and not otherwise (``11-1pm`` is 11:00 to 13:00).
    """
    match = _RANGE.fullmatch(text)
    if match is None:
        return "I couldn't read “{}” as a time range."
    start_hour, start_minute, start_half, end_hour, end_minute, end_half = match.groups()
    end = _clock(end_hour, end_minute, end_half)
    start = _clock(start_hour, start_minute, start_half)
    if start_half is None and end_half is not None:
        with_half = _clock(start_hour, start_minute, end_half)
        if with_half is not None and end is not None and with_half < end:
            start = with_half
    if start is None or end is None:
        return (
            "I couldn't read “{}” as a time range: hours go from 0 to 23 (1 to 12 with am/pm) "
            "and minutes from 00 to 59."
        )
    if end <= start:
        return "The time range “{}” must end after it starts, on the same day."
    return start, end


def _clock(hour: str, minute: str | None, half: str | None) -> time | None:
    """The time of day of ``9``, ``9:30``, ``9pm``…; ``None`` when there is no such time."""
    hours, minutes = int(hour), int(minute or 0)
    if minutes > 59:
        return None
    if half is None:
        return time(hours, minutes) if hours <= 23 else None
    if not 1 <= hours <= 12:
        return None
    return time(hours % 12 + (12 if half.lower() == "pm" else 0), minutes)


def clock_difference(start: time, end: time) -> timedelta:
    """Wall-clock time between two times of one day; a range on a DST change day counts as
    written, like on a timesheet."""
    return timedelta(hours=end.hour - start.hour, minutes=end.minute - start.minute)


def as_typed(tokens: list[Token], at: int, width: int) -> str:
    return " ".join(token.text for token in tokens[at : at + width])
