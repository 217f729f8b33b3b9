"""A whole ``/track log`` text: the time words in any order, then the task phrase and notes
(see :mod:`bot.logparse`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.commands import Token, split_notes, tokenize
from bot.logparse.formatting import format_duration_input
from bot.logparse.words import (
    DAY_EXAMPLE,
    LOG_EXAMPLE,
    RANGE_EXAMPLE,
    LogError,
    as_typed,
    clock_difference,
    duration_error,
    duration_minutes,
    read_day,
    read_duration,
    read_range,
)

QUOTE_EXAMPLE = '/track log 1h "Log in page" in Website'


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


@dataclass
class _TimeWords:
    """The time words read so far, each with where it was typed (token index and width)."""

    duration: tuple[timedelta, int, int] | None = None
    day: tuple[date, int] | None = None
    span: tuple[time, time, int, int] | None = None


def parse_log(text: str, today: date, default_day: date | None = None) -> LogRequest | LogError:
    """Read the text after ``/track log``; days are resolved against ``today``, and a text that
    names no day is on ``default_day`` (today unless given: a post's ``Yesterday:`` heading
    gives the day of the clauses under it). Never raises."""
    text = " ".join(text.split())
    phrase, notes = split_notes(text)
    tokens = None if phrase is None else tokenize(phrase)
    if tokens is None:
        return LogError(
            "task",
            f"There is an opening quote without a closing one in “{text}”.",
            QUOTE_EXAMPLE,
        )
    read = _read_time_words(tokens, today)
    if isinstance(read, LogError):
        return read
    found, position = read
    words = tuple(tokens[position:])
    day = found.day[0] if found.day else (default_day or today)
    if found.span is not None:
        start, end, at, width = found.span
        length = clock_difference(start, end)
        if found.duration is not None and found.duration[0] != length:
            typed_duration = as_typed(tokens, found.duration[1], found.duration[2])
            typed_range = as_typed(tokens, at, width)
            return LogError(
                "duration",
                f"The duration “{typed_duration}” and the time range “{typed_range}” "
                f"({format_duration_input(length)}) don't agree; give one, or make them match.",
                RANGE_EXAMPLE,
            )
        return _with_task(text, LogRequest(day, length, start, end, words, notes))
    if found.duration is not None:
        return _with_task(text, LogRequest(day, found.duration[0], None, None, words, notes))
    return _no_duration(text, words)


def time_words_at_start(tokens: list[Token], today: date) -> int | LogError:
    """How many of ``tokens`` at the start are time words (0: the first is none), or the
    mistake in them. Reading a post uses it to find time words written after the task."""
    read = _read_time_words(tokens, today)
    return read if isinstance(read, LogError) else read[1]


def _read_time_words(tokens: list[Token], today: date) -> tuple[_TimeWords, int] | LogError:
    """The duration, day and range at the start, in whatever order they were typed, and where
    the task begins: at the first token that is none of them (a quoted one never is)."""
    found = _TimeWords()
    position = 0
    while position < len(tokens) and not tokens[position].quoted:
        # A range first: "9:00 - 10:30" starts with a duration spelling.
        span = read_range(tokens, position)
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
        duration = read_duration(tokens, position, numbers_are_durations=needs_length)
        if isinstance(duration, LogError):
            return duration
        if duration is not None:
            if found.duration is not None:
                return _twice(tokens, "duration", found.duration[1:], (position, duration[1]))
            found.duration = (duration[0], position, duration[1])
            position += duration[1]
            continue
        day = read_day(tokens[position], today)
        if isinstance(day, LogError):
            return day
        if day is None:
            break
        if found.day is not None:
            return _twice(tokens, "day", (found.day[1], 1), (position, 1))
        found.day = (day, position)
        position += 1
    return found, position


_TWICE_EXAMPLES = {"duration": LOG_EXAMPLE, "day": DAY_EXAMPLE, "time range": RANGE_EXAMPLE}


def _twice(
    tokens: list[Token], part: str, first: tuple[int, int], second: tuple[int, int]
) -> LogError:
    """The same kind of time word typed twice (``1h today yesterday Standup``)."""
    one, other = as_typed(tokens, *first), as_typed(tokens, *second)
    return LogError(
        part,
        f"I got two of them, “{one}” and “{other}”: give one {part}. A task named like that "
        "goes in quotes.",
        _TWICE_EXAMPLES[part],
    )


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
    elif any(not word.quoted and duration_minutes(word.text) is not None for word in words):
        problem = f"Say how long before the task, not after it: I got “{text}”."
    else:
        problem = (
            f"Tell me how long (like 1h30m) or when (like 9:00-10:30) before the task: "
            f"I got “{text}”."
        )
    return duration_error(problem)


def _is_in(token: Token) -> bool:
    return not token.quoted and token.text.casefold() == "in"
