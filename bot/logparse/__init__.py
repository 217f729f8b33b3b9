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

The package: :mod:`bot.logparse.words` reads each time word, :mod:`bot.logparse.phrase` a whole
text, :mod:`bot.logparse.formatting` writes requests and durations back as they are typed, and
:mod:`bot.logparse.drafts` reads every clause with a time out of a whole message (a stand-up
post), after :mod:`bot.logparse.post_text` has made Slack's text plain.
"""

from bot.logparse.drafts import Draft, LeftAlone, Post, read_post
from bot.logparse.formatting import TIME_WORDS, format_duration_input, format_log
from bot.logparse.phrase import LogRequest, parse_log
from bot.logparse.words import (
    LOG_EXAMPLE,
    MAX_DAYS_BACK,
    MAX_DURATION,
    LogError,
    parse_day,
    parse_duration,
    parse_time_or_length,
)

__all__ = [
    "LOG_EXAMPLE",
    "MAX_DAYS_BACK",
    "MAX_DURATION",
    "TIME_WORDS",
    "Draft",
    "LeftAlone",
    "LogError",
    "LogRequest",
    "Post",
    "format_duration_input",
    "format_log",
    "parse_day",
    "parse_duration",
    "parse_log",
    "parse_time_or_length",
    "read_post",
]
