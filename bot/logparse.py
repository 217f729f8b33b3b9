"""The grammar for typing past time: ``<time words> <task> [: notes]``.

Every text entry of time already spent (``/track log …`` through :func:`parse_log`, the Log-time
modal's duration field through :func:`parse_duration`) reads the same spellings, and explains a
mistake the same way. Like :mod:`bot.commands` it is pure: "today" is passed in, because only the
caller knows the user's time zone.

The time words come first, in any order, each at most once (``1h yesterday``, ``yesterday 1h``,
``9:00-10:30 today``, ``today 9-10:30`` all mean what they say):

* duration: ``90m``, ``90min``, ``2h``, ``1.5h`` (decimal hours, rounded half-to-even to whole
  minutes), ``1:30`` (h:mm), ``1h30m``, ``1h30``, ``1h 30m``; more than 0 and at most 24 hours;
* day (default today): ``today``, ``yesterday``, a weekday (``mon``/``monday``, ``tue``/``tues``,
  …; the latest one strictly before today), ``2026-11-20``, ``-2d`` (2 days ago, at most 366);
* time range: ``9:00-10:30``, ``9-10:30am``, ``1pm-2:15pm``, ``13:00-14:15``, ``11-1pm``, with
  a hyphen or an en dash, also spaced (``9 - 10:30``); with a range the duration may be left out.

Then the task phrase, as in ``/track start``: words (quoted ones kept whole) possibly ending in
``in <project>``, then ``: notes``. The task begins at the first token that is no time word, and
from there every token is task text (``1h Sprint 7 review``); a task named like a time word goes
in quotes (``1h "Today" in Website``). A time word typed twice is a mistake, and so is a token
that looks like a try at a part (``1.5x`` before any length is given, ``2026-13-01``,
``9:75-10``): each is reported in that part rather than taken for a task name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from bot.commands import QUOTES, Token, split_notes, tokenize

MAX_DURATION = timedelta(hours=24)
MAX_DAYS_BACK = 366

LOG_EXAMPLE = "/track log 1h30m yesterday Design review in Website: header fixes"
_DAY_EXAMPLE = "/track log 2h mon Design review"
_RANGE_EXAMPLE = "/track log yesterday 9:00-10:30 Design review"
_QUOTE_EXAMPLE = '/track log 1h "Log in page" in Website'

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
class LogRequest:
    """Time to log, as typed. ``words`` is still a phrase (task, maybe ``in <project>``, maybe
    trailing notes) because which words name what is settled against the user's TrackingTime
    data, as for :class:`bot.commands.Start`."""

    day: date
    duration: timedelta
    start: time | None
    end: time | None
    words: tuple[Token, ...]
    notes: str | None


@dataclass(frozen=True)
class LogError:
    """Text that is no log request: the ``part`` that could not be read (so a form can point at
    its field), a sentence quoting what the user typed, and a correct full example."""

    part: str
    problem: str
    example: str


@dataclass
class _TimeWords:
    """The time words read so far, each with where it was typed (token index and width)."""

    duration: tuple[timedelta, int, int] | None = None
    day: tuple[date, int] | None = None
    span: tuple[time, time, int, int] | None = None


def parse_log(text: str, today: date) -> LogRequest | LogError:
    """Read the text after ``/track log``; days are resolved against ``today``. Never raises."""
    text = " ".join(text.split())
    phrase, notes = split_notes(text)
    tokens = None if phrase is None else tokenize(phrase)
    if tokens is None:
        return LogError(
            "task",
            f"There is an opening quote without a closing one in “{text}”.",
            _QUOTE_EXAMPLE,
        )
    read = _read_time_words(tokens, today)
    if isinstance(read, LogError):
        return read
    found, position = read
    words = tuple(tokens[position:])
    day = found.day[0] if found.day else today
    if found.span is not None:
        start, end, at, width = found.span
        length = _clock_difference(start, end)
        if found.duration is not None and found.duration[0] != length:
            typed_duration = _typed(tokens, found.duration[1], found.duration[2])
            typed_range = _typed(tokens, at, width)
            return LogError(
                "duration",
                f"The duration “{typed_duration}” and the time range “{typed_range}” "
                f"({format_duration_input(length)}) don't agree; give one, or make them match.",
                _RANGE_EXAMPLE,
            )
        return _with_task(text, LogRequest(day, length, start, end, words, notes))
    if found.duration is not None:
        return _with_task(text, LogRequest(day, found.duration[0], None, None, words, notes))
    return _no_duration(text, words)


def _read_time_words(tokens: list[Token], today: date) -> tuple[_TimeWords, int] | LogError:
    """The duration, day and range at the start, in whatever order they were typed, and where
    the task begins: at the first token that is none of them (a quoted one never is)."""
    found = _TimeWords()
    position = 0
    while position < len(tokens) and not tokens[position].quoted:
        # A range first: "9:00 - 10:30" starts with a duration spelling.
        span = _read_range(tokens, position)
        if isinstance(span, LogError):
            return span
        if span is not None:
            if found.span is not None:
                return _twice(tokens, "time range", found.span[2:], (position, span[2]))
            found.span = (span[0], span[1], position, span[2])
            position += span[2]
            continue
        # Until a duration or a range is read, a token that starts like a number is a try at one.
        needs_length = found.duration is None and found.span is None
        duration = _read_duration(tokens, position, numbers_are_durations=needs_length)
        if isinstance(duration, LogError):
            return duration
        if duration is not None:
            if found.duration is not None:
                return _twice(tokens, "duration", found.duration[1:], (position, duration[1]))
            found.duration = (duration[0], position, duration[1])
            position += duration[1]
            continue
        day = _read_day(tokens[position], today)
        if isinstance(day, LogError):
            return day
        if day is None:
            break
        if found.day is not None:
            return _twice(tokens, "day", (found.day[1], 1), (position, 1))
        found.day = (day, position)
        position += 1
    return found, position


_TWICE_EXAMPLES = {"duration": LOG_EXAMPLE, "day": _DAY_EXAMPLE, "time range": _RANGE_EXAMPLE}


def _twice(
    tokens: list[Token], part: str, first: tuple[int, int], second: tuple[int, int]
) -> LogError:
    """The same kind of time word typed twice (``1h today yesterday Standup``)."""
    one, other = _typed(tokens, *first), _typed(tokens, *second)
    return LogError(
        part,
        f"I got two of them, “{one}” and “{other}”: give one {part}. A task named like that "
        "goes in quotes.",
        _TWICE_EXAMPLES[part],
    )


def parse_duration(text: str) -> timedelta | None:
    """A duration typed on its own, as in the Log-time modal's field, in the spellings of
    :func:`parse_log`; ``None`` when it is none or is not between one minute and 24 hours."""
    tokens = [Token(word) for word in text.split()]
    read = _read_duration(tokens, 0, numbers_are_durations=True)
    return read[0] if isinstance(read, tuple) and read[1] == len(tokens) else None


TIME_WORDS = ("duration", "day", "time range")


def format_log(request: LogRequest, order: Sequence[str] = TIME_WORDS) -> str:
    """The text of an accepted request, which :func:`parse_log` reads back unchanged, with the
    time words in ``order`` (a permutation of :data:`TIME_WORDS`; canonical by default).

    Only words that were quoted are quoted again: quoting another word would change its
    :attr:`Token.quoted`, and none needs it, as every word after the time words is task text.
    """
    if sorted(order) != sorted(TIME_WORDS):
        raise ValueError(f"order must list each of {TIME_WORDS} once, got {order!r}")
    written = {
        "duration": format_duration_input(request.duration),
        "day": request.day.isoformat(),
        "time range": f"{request.start:%H:%M}-{request.end:%H:%M}"
        if request.start is not None and request.end is not None
        else None,
    }
    parts = [written[part] for part in order if written[part] is not None]
    parts.extend(_format_word(word) for word in request.words)
    text = " ".join(part for part in parts if part)
    if request.notes is not None:
        return f"{text}: {request.notes}"
    # A last word ending in ":" (typed as "x::") would read as "x" plus empty notes; writing the
    # empty notes separator keeps its colon.
    return f"{text}:" if text.endswith(":") else text


def format_duration_input(span: timedelta) -> str:
    """A duration as a user would type it (``1h30m``, ``45m``, ``2h``), e.g. to prefill a field.

    Rounded half-to-even to whole minutes, the finest unit the grammar has.
    """
    if span < timedelta(0):
        raise ValueError(f"a duration to type can't be negative: {span}")
    hours, minutes = divmod(round(Fraction(span // timedelta(microseconds=1), 60_000_000)), 60)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h{minutes}m" if minutes else f"{hours}h"


def _read_duration(
    tokens: list[Token], at: int, *, numbers_are_durations: bool
) -> tuple[timedelta, int] | LogError | None:
    """The duration at ``at`` and how many tokens it took; ``None`` when there is none.

    With ``numbers_are_durations`` (no length has been given yet) a token that starts like a
    number and is no day or range either is a mistyped duration rather than the task.
    """
    if at >= len(tokens) or tokens[at].quoted or _range_at(tokens, at):
        return None
    text = tokens[at].text
    minutes = _duration_minutes(text)
    if minutes is not None:
        after = tokens[at + 1] if at + 1 < len(tokens) else Token("", quoted=True)
        following = "" if after.quoted else after.text
        if _WHOLE_HOURS.fullmatch(text) and (extra_match := _WHOLE_MINUTES.fullmatch(following)):
            text = f"{text} {following}"
            extra = Decimal(extra_match[1])
            if extra >= 60:
                return _duration_error(
                    f"I couldn't read “{text}” as a duration: put at most 59m after the hours."
                )
            return _checked_duration(text, minutes + extra, width=2)
        return _checked_duration(text, minutes, width=1)
    if text.startswith("-") and _duration_minutes(text[1:]) is not None:
        return _duration_error(f"A duration can't be negative, but I got “{text}”.")
    if _DATE_SHAPE.fullmatch(text):
        return None
    if numbers_are_durations and _STARTS_LIKE_A_NUMBER.match(text):
        return _duration_error(f"I couldn't read “{text}” as a duration.")
    return None


def _duration_minutes(text: str) -> Decimal | None:
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
        return _duration_error(f"A duration must be at least one minute, but I got “{typed}”.")
    if whole > MAX_DURATION // timedelta(minutes=1):
        return _duration_error(f"“{typed}” is more than 24 hours; log each day on its own.")
    return timedelta(minutes=int(whole)), width


def _duration_error(problem: str) -> LogError:
    return LogError("duration", problem, LOG_EXAMPLE)


def parse_day(text: str, today: date) -> date | LogError | None:
    """A day named on its own (``yesterday``, ``mon``, ``2026-11-20``, ``-2d``); ``None`` when
    the text is no day at all. Reports use it for a single day."""
    words = text.split()
    return _read_day(Token(words[0]), today) if len(words) == 1 else None


def _read_day(token: Token | None, today: date) -> date | LogError | None:
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
    return LogError("day", problem, _DAY_EXAMPLE)


def _read_range(tokens: list[Token], at: int) -> tuple[time, time, int] | LogError | None:
    """The time range at ``at`` and how many tokens it took; ``None`` when there is none (and no
    try at one)."""
    found = _range_at(tokens, at)
    if found is None:
        return None
    joined, width = found
    span = _range_times(joined)
    if isinstance(span, str):
        return LogError("time range", span.format(_typed(tokens, at, width)), _RANGE_EXAMPLE)
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


def _clock_difference(start: time, end: time) -> timedelta:
    """Wall-clock time between two times of one day; a range on a DST change day counts as
    written, like on a timesheet."""
    return timedelta(hours=end.hour - start.hour, minutes=end.minute - start.minute)


def _with_task(text: str, request: LogRequest) -> LogRequest | LogError:
    """The request, unless its task phrase is missing or misuses ``in``."""
    words = request.words
    if not words:
        return LogError(
            "task", f"Tell me which task the time was for: I got only “{text}”.", LOG_EXAMPLE
        )
    if _is_in(words[0]):
        return LogError(
            "task", f"The task name comes before `in <project>`: I got “{text}”.", LOG_EXAMPLE
        )
    if _is_in(words[-1]):
        return LogError(
            "project", f"`in` must be followed by a project name: I got “{text}”.", LOG_EXAMPLE
        )
    return request


def _no_duration(text: str, words: tuple[Token, ...]) -> LogError:
    """Neither a duration nor a range: say so, pointing at a duration typed too late if any."""
    if not text:
        problem = "Tell me how long (like 1h30m) or when (like 9:00-10:30), and for which task."
    elif any(not word.quoted and _duration_minutes(word.text) is not None for word in words):
        problem = f"Say how long before the task, not after it: I got “{text}”."
    else:
        problem = (
            f"Tell me how long (like 1h30m) or when (like 9:00-10:30) before the task: "
            f"I got “{text}”."
        )
    return _duration_error(problem)


def _is_in(token: Token) -> bool:
    return not token.quoted and token.text.casefold() == "in"


def _typed(tokens: list[Token], at: int, width: int) -> str:
    return " ".join(token.text for token in tokens[at : at + width])


def _format_word(token: Token) -> str:
    if not token.quoted:
        return token.text
    # Any pair whose closing mark is not in the text; the one the user typed always qualifies.
    opening, closing = next((o, c) for o, c in QUOTES.items() if c not in token.text)
    return f"{opening}{token.text}{closing}"
