"""``bot.logparse.drafts``: reading entries out of real-looking posts, what is left alone and
why, and round trips of generated posts."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import Token
from bot.logparse import LogRequest, format_log, parse_log, read_post
from bot.logparse.drafts import FUTURE, MIDDLE
from bot.logparse.post_text import plain_lines

TODAY = date(2026, 12, 2)  # a Wednesday
YESTERDAY = date(2026, 12, 1)
MONDAY = date(2026, 11, 30)


def drafted(text: str, today: date = TODAY) -> list[tuple[date, str, str, str | None]]:
    """Each draft as (day, when, task words, notes): ``when`` is ``1h30m`` or ``09:00-10:30``."""
    found = []
    for draft in read_post(text, today).drafts:
        request = draft.request
        when = (
            f"{request.start:%H:%M}-{request.end:%H:%M}"
            if request.start is not None
            else f"{int(request.duration.total_seconds() // 60)}m"
        )
        words = " ".join(token.text for token in request.words)
        found.append((request.day, when, words, request.notes))
    return found


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        # The issue's own example: headings set the day of what follows.
        (
            "Yesterday: 2h API review, 30m standup. Today: 9-10:30 design sync in Website",
            [
                (YESTERDAY, "120m", "API review", None),
                (YESTERDAY, "30m", "standup", None),
                (TODAY, "09:00-10:30", "design sync in Website", None),
            ],
        ),
        # A Geekbot-style post: bold headings on their own lines, bullets, emoji, a mention.
        (
            "*Yesterday*\n• :white_check_mark: 2 hours API review with <@U0BOB|bob>\n"
            "• standup (30 mins)\n*Today*\n• 1h planning\n*Blockers*\n• none :tada:",
            [
                (YESTERDAY, "120m", "API review with @bob", None),
                (YESTERDAY, "30m", "standup", None),
                (TODAY, "60m", "planning", None),
            ],
        ),
        # Numbered items, checkboxes, quotes and links.
        (
            "Monday:\n1. [x] 1,5h <https://github.com/acme/pr/42|PR #42> review\n"
            "2) 45min bugfix: <https://acme.sentry.io/1>\n&gt; 15m triage",
            [
                (MONDAY, "90m", "PR #42 review", None),
                (MONDAY, "45m", "bugfix", "https://acme.sentry.io/1"),
                (MONDAY, "15m", "triage", None),
            ],
        ),
        # Times written after the task, in several ways; words before and after the length.
        (
            "API review 2h; standup - 15m; review: 1h; spent 1 hour 30 minutes on design; "
            "~45m of email; docs for 20m; retro [9:00-9:45]",
            [
                (TODAY, "120m", "API review", None),
                (TODAY, "15m", "standup", None),
                (TODAY, "60m", "review", None),
                (TODAY, "90m", "design", None),
                (TODAY, "45m", "email", None),
                (TODAY, "20m", "docs", None),
                (TODAY, "09:00-09:45", "retro", None),
            ],
        ),
        # Notes after ":" keep their commas; more words after a comma become notes.
        (
            "yesterday 2h Design review: header, footer and nav. 1h QA, regression pass",
            [
                (YESTERDAY, "120m", "Design review", "header, footer and nav"),
                (TODAY, "60m", "QA", "regression pass"),
            ],
        ),
        # "and", "&", "+", "then", "/" join clauses only when a time follows.
        (
            "2h design and build, 1h API & docs + 30m email then 15m standup / 10m chat",
            [
                (TODAY, "120m", "design and build", None),
                (TODAY, "60m", "API & docs", None),
                (TODAY, "30m", "email", None),
                (TODAY, "15m", "standup", None),
                (TODAY, "10m", "chat", None),
            ],
        ),
        # A day in a clause wins over its heading; ISO dates and "-2d" headings; a bold bullet.
        (
            "Yesterday:\n- 1h mon planning\n2026-11-27:\n- *1h* retro\n-2d:\n- 30m sync",
            [
                (MONDAY, "60m", "planning", None),
                (date(2026, 11, 27), "60m", "retro", None),
                (MONDAY, "30m", "sync", None),
            ],
        ),
        # "Monday's work:" and "This morning:" are headings too; a spaced range; am/pm.
        (
            "Monday's work: 9 - 10:30 planning\nThis morning: 1-2:15pm call with ACME",
            [
                (MONDAY, "09:00-10:30", "planning", None),
                (TODAY, "13:00-14:15", "call with ACME", None),
            ],
        ),
        # Quotes keep a task named like a time word together.
        ('1h "Today" page', [(TODAY, "60m", "Today page", None)]),
        # Only a post with no time at all gives nothing.
        ("Morning all! Blockers: none. Shipped v2.4 :rocket:", []),
    ],
)
def test_real_looking_posts(post: str, expected: list[tuple[date, str, str, str | None]]) -> None:
    assert drafted(post) == expected


@pytest.mark.parametrize(
    ("post", "clause", "reason"),
    [
        ("30h on-call", "30h on-call", "more than 24 hours"),
        ("1h75m bugfix", "1h75m bugfix", "couldn't read “1h75m”"),
        ("25:00-26:00 night shift", "25:00-26:00 night shift", "time range"),
        ("1h 2h review", "1h 2h review", "two of them"),
        ("reviewed 3 PRs in 2h for the API team", "reviewed 3 PRs in 2h for the API team", MIDDLE),
        ("Tomorrow: 2h planning", "2h planning", FUTURE),
        ("2h 2026-12-25 party", "2h 2026-12-25 party", "future"),
        ("1h", "1h", "which task"),
    ],
)
def test_what_is_left_alone_and_why(post: str, clause: str, reason: str) -> None:
    result = read_post(post, TODAY)
    assert result.drafts == ()
    [left] = result.left_alone
    assert left.clause == clause and reason in left.reason


def test_tomorrow_holds_until_the_next_heading() -> None:
    post = "Tomorrow:\n- 2h planning\nToday:\n- 1h review"
    assert drafted(post) == [(TODAY, "60m", "review", None)]
    assert [left.clause for left in read_post(post, TODAY).left_alone] == ["2h planning"]


def test_clause_text_is_plain() -> None:
    [draft] = read_post("• :coffee: *2h* _API_ ~review~ `x` &amp; <#C1|general>", TODAY).drafts
    assert draft.clause == "2h API review x & #general"


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("2 hours x\n\n  3 hrs y", ["2h x", "3h y"]),
        ("1.5 hours, .5 hr, 1,5 h, 90 mins, 1 minute", ["1.5h, .5h, 1.5h, 90m, 1m"]),
        ("v1.5 hours x2 hours 10:30 hours", ["v1.5 hours x2 hours 10:30 hours"]),
        ("<!here> <!subteam^S1|@design> hi", ["@design hi"]),
        ("snake_case and __init__ :smile::skin-tone-2: 👍🏽 ✅", ["snake_case and init"]),
        ("Bug:42: fix at 10:30:", ["Bug:42: fix at 10:30:"]),
    ],
)
def test_plain_lines(text: str, lines: list[str]) -> None:
    assert list(plain_lines(text)) == lines


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.dates(date(2000, 1, 1), date(2100, 1, 1)))
def test_reading_any_text_never_raises(text: str, today: date) -> None:
    result = read_post(text, today)
    assert all(draft.request.day <= today for draft in result.drafts)


# --- Round trips: posts written from drafts read back as those drafts -----------------------

WORD = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ#'/", min_size=2, max_size=8)
# Words the reader takes for something else at the start or end of a clause.
RESERVED = {"in", "on", "for", "of", "and", "then", "also", "plus", "did", "had", "was"}
RESERVED |= {"about", "around", "approx", "roughly", "worked", "spent", "doing", "ive", "i'd"}
RESERVED |= {"today", "yesterday", "tomorrow", "tonight", "mon", "tue", "tues", "wed", "thu"}
RESERVED |= {"thur", "thurs", "fri", "sat", "sun", "monday", "tuesday", "wednesday"}
RESERVED |= {"thursday", "friday", "saturday", "sunday", "this", "morning", "afternoon"}
task_words = st.lists(
    WORD.filter(lambda w: w.casefold() not in RESERVED and w[0] not in "#'/"),
    min_size=1,
    max_size=4,
)
# Notes as people write them: words, with commas, semicolons and full stops between them.
notes = st.none() | st.builds(
    lambda first, rest: " ".join(f"{first}{rest}".split()),
    st.sampled_from("abcdefgh"),
    st.text("abcdefgh ,;.", max_size=20),
)


@st.composite
def requests(draw: st.DrawFn, day: date) -> LogRequest:
    if draw(st.booleans()):
        start = draw(st.integers(0, 22 * 60))
        end = draw(st.integers(start + 1, 23 * 60 + 59))
        begin, finish = time(*divmod(start, 60)), time(*divmod(end, 60))
        length = timedelta(minutes=end - start)
    else:
        begin = finish = None
        length = timedelta(minutes=draw(st.integers(1, 24 * 60)))
    words = tuple(Token(word) for word in draw(task_words))
    return LogRequest(day, length, begin, finish, words, draw(notes))


def _clause(request: LogRequest, style: int) -> str:
    """The request as people write it: time first (as typed), or after the task."""
    text = format_log(request, ("day", "duration", "time range")).split(" ", 1)[1]
    if request.start is not None:  # a range says how long itself
        text = format_log(request, ("day", "time range", "duration")).split(" ", 1)[1]
        text = text.replace(f" {_length(request)} ", " ", 1)
    if style == 0 or request.notes:
        return text
    when, _, task = text.partition(" ")
    return {1: f"{task} {when}", 2: f"{task} ({when})", 3: f"{task} - {when}"}[style]


def _length(request: LogRequest) -> str:
    return format_log(request, ("duration", "day", "time range")).split(" ", 1)[0]


@st.composite
def posts(draw: st.DrawFn) -> tuple[str, list[LogRequest]]:
    days = draw(st.lists(st.sampled_from([TODAY, YESTERDAY, MONDAY]), min_size=1, max_size=3))
    lines, expected = [], []
    for day in days:
        heading = {TODAY: "Today:", YESTERDAY: "*Yesterday:*", MONDAY: "Mon:"}[day]
        lines.append(heading)
        for request in draw(st.lists(requests(day), min_size=1, max_size=3)):
            bullet = draw(st.sampled_from(["- ", "• ", "1. ", "", ":white_check_mark: "]))
            lines.append(bullet + _clause(request, draw(st.integers(0, 3))))
            expected.append(request)
    return "\n".join(lines), expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts())
def test_a_post_written_from_drafts_reads_back_as_those_drafts(
    case: tuple[str, list[LogRequest]],
) -> None:
    text, expected = case
    assert [draft.request for draft in read_post(text, TODAY).drafts] == expected


@settings(max_examples=60, deadline=None)
@given(posts())
def test_each_draft_written_back_as_a_log_line_reads_back(
    case: tuple[str, list[LogRequest]],
) -> None:
    """What an offer's button carries (a ``/track log`` line per draft) is the draft again."""
    for draft in read_post(case[0], TODAY).drafts:
        assert parse_log(format_log(draft.request), TODAY) == draft.request
