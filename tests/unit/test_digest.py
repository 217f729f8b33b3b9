"""The team digest's pure parts: when it is due, what its message says, and that Slack takes it.

Messages go through the checks of ``test_blocks`` (``slack_sdk`` models, the KnownBlocks JSON
schema vendored in ``tests/reference/slack``, a ``slack_sdk`` round trip and the limits neither
checks) for teams of every size, since a workspace may link hundreds of members.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.digest import (
    FIELDS_PER_SECTION,
    MAX_TIMER_LINES,
    digest_message,
    digest_off_message,
    digest_refused_message,
    digest_set_message,
)
from bot.commands import channel_ref
from bot.services.digest import (
    MemberDay,
    TeamDay,
    digest_due,
    member_day,
    problem_text,
)
from bot.services.reports import Period, Report, ReportService
from bot.storage import Link, SlackUserKey
from bot.storage.models import TeamSettings
from bot.trackingtime import (
    InvalidCredentials,
    RateLimited,
    RunningTimer,
    Task,
    TimedOut,
    TrackingTimeError,
    Unavailable,
)
from handlers.commands.digest import is_workspace_admin, zone_name
from tests.unit.test_blocks import (
    BERLIN,
    FAST,
    HOSTILE,
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    all_text,
    blocks_of,
    check_message,
    mrkdwn_texts,
)

FRIDAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 16, 50, tzinfo=UTC)  # 17:50 in Berlin
DESIGN = Task(101, "Design review", 7, "Website")


def row(
    zone: str = "Europe/Berlin", at: str = "17:45", channel: str | None = "C0TEAM"
) -> TeamSettings:
    return TeamSettings(
        team_id="T0ACME", digest_channel=channel, digest_time_zone=zone, digest_time=at
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- When the digest is due -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        # Berlin, a Friday in winter (UTC+1): due from 17:45 local until midnight.
        ("Europe/Berlin", "2026-11-27 16:44:59", None),
        ("Europe/Berlin", "2026-11-27 16:45:00", date(2026, 11, 27)),
        ("Europe/Berlin", "2026-11-27 22:59:00", date(2026, 11, 27)),
        ("Europe/Berlin", "2026-11-27 23:00:00", None),  # Saturday 00:00 in Berlin
        ("Europe/Berlin", "2026-11-28 17:00:00", None),  # Saturday
        ("Europe/Berlin", "2026-11-29 17:00:00", None),  # Sunday
        ("Europe/Berlin", "2026-11-30 16:45:00", date(2026, 11, 30)),  # Monday
        # New York: Saturday in UTC is still Friday evening there.
        ("America/New_York", "2026-11-28 02:00:00", date(2026, 11, 27)),
        ("America/New_York", "2026-11-27 20:00:00", None),  # 15:00 in New York
        # Kiritimati (UTC+14): Sunday in UTC is Monday evening there; Friday in UTC is Saturday.
        ("Pacific/Kiritimati", "2026-11-29 04:00:00", None),  # Sunday 18:00 local
        ("Pacific/Kiritimati", "2026-11-30 04:00:00", date(2026, 11, 30)),  # Monday 18:00
        ("Pacific/Kiritimati", "2026-11-27 04:00:00", date(2026, 11, 27)),  # Friday 18:00
        ("Pacific/Kiritimati", "2026-11-27 12:00:00", None),  # Friday UTC, Saturday 02:00 local
        # Europe's DST starts on Sunday 29 March 2026: the Friday before is UTC+1, the Monday
        # after UTC+2, so 17:45 local moves from 16:45 to 15:45 UTC.
        ("Europe/Berlin", "2026-03-27 16:00:00", None),
        ("Europe/Berlin", "2026-03-27 16:45:00", date(2026, 3, 27)),
        ("Europe/Berlin", "2026-03-29 16:00:00", None),  # the DST day itself is a Sunday
        ("Europe/Berlin", "2026-03-30 15:44:00", None),
        ("Europe/Berlin", "2026-03-30 15:45:00", date(2026, 3, 30)),
        # Egypt's DST started on a workday, Friday 26 April 2024 at midnight (UTC+2 to UTC+3).
        ("Africa/Cairo", "2024-04-25 14:45:00", None),  # Thursday, 16:45 local
        ("Africa/Cairo", "2024-04-25 15:45:00", date(2024, 4, 25)),
        ("Africa/Cairo", "2024-04-26 14:44:00", None),
        ("Africa/Cairo", "2024-04-26 14:45:00", date(2024, 4, 26)),
        # The US changes on Sunday 8 March 2026; Monday's 17:45 is 21:45 UTC (EDT).
        ("America/New_York", "2026-03-08 22:45:00", None),
        ("America/New_York", "2026-03-09 21:44:00", None),
        ("America/New_York", "2026-03-09 21:45:00", date(2026, 3, 9)),
        # An unknown zone is read as UTC rather than stopping the digest.
        ("Mars/Olympus_Mons", "2026-11-27 17:45:00", date(2026, 11, 27)),
    ],
)
def test_digest_due(zone: str, now: str, expected: date | None) -> None:
    assert digest_due(row(zone), utc(now)) == expected


def test_digest_due_needs_a_channel() -> None:
    assert digest_due(row(channel=None), utc("2026-11-27 20:00:00")) is None


def test_digest_due_at_another_time_and_with_a_broken_one() -> None:
    assert digest_due(row(at="09:00"), utc("2026-11-27 07:59:00")) is None
    assert digest_due(row(at="09:00"), utc("2026-11-27 08:00:00")) == FRIDAY
    # A malformed stored time falls back to 17:45 instead of failing every round.
    assert digest_due(row(at="late"), utc("2026-11-27 16:44:00")) is None
    assert digest_due(row(at="late"), utc("2026-11-27 16:45:00")) == FRIDAY


@given(st.datetimes(timezones=st.just(UTC)), st.sampled_from(["Europe/Berlin", "Asia/Tokyo"]))
@FAST
def test_digest_due_is_a_local_workday_at_or_after_the_time(now: datetime, zone: str) -> None:
    local = now.astimezone(ZoneInfo(zone))
    due = digest_due(row(zone), now)
    if local.weekday() < 5 and (local.hour, local.minute) >= (17, 45):
        assert due == local.date()
    else:
        assert due is None


# --- Reading the command's target -----------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "channel"),
    [
        ("<#C0123|team-time>", "C0123"),
        ("<#C0123>", "C0123"),
        ("  <#G0PRIV|secret>  ", "G0PRIV"),
        ("#team-time", None),  # Slack could not resolve it
        ("team-time", None),
        ("<@U0ALICE|alice>", None),
        ("<#C0123|team-time> extra", None),
        ("<#C0123|a> <#C0456|b>", None),
        ("off", None),
        ("", None),
    ],
)
def test_digest_channel(target: str, channel: str | None) -> None:
    assert channel_ref(target) == channel


def test_who_is_an_admin_and_which_zone() -> None:
    assert is_workspace_admin({"is_admin": True})
    assert is_workspace_admin({"is_owner": True})
    assert is_workspace_admin({"is_primary_owner": True})
    assert not is_workspace_admin({"is_admin": False, "is_owner": False})
    assert not is_workspace_admin({})
    assert zone_name({"tz": "Europe/Berlin"}) == "Europe/Berlin"
    assert zone_name({"tz": "Nowhere/Special"}) == "UTC"
    assert zone_name({}) == "UTC"


# --- The members' days ----------------------------------------------------------------------


def running(minutes: int = 65, task: Task = DESIGN) -> RunningTimer:
    return RunningTimer(task, 9001, NOW - timedelta(minutes=minutes))


def member(
    user_id: str,
    minutes: int = 0,
    *,
    timer: RunningTimer | None = None,
    problem: str | None = None,
) -> MemberDay:
    return MemberDay(user_id, timedelta(minutes=minutes), timer, problem)


def team(*members: MemberDay) -> TeamDay:
    return TeamDay(FRIDAY, NOW, tuple(members))


def test_team_day_sorts_exceptions_and_totals() -> None:
    day = team(
        member("U5", 300),
        member("U3"),
        member("U4", 120, timer=running(200)),
        member("U1", problem="TrackingTime not answering"),
        member("U2", 480),
        member("U0"),
        member("U6", 30, timer=running(30)),
    )
    assert [m.user_id for m in day.nothing_logged] == ["U0", "U3"]
    assert [m.user_id for m in day.running] == ["U4", "U6"]  # the longest running first
    assert [m.user_id for m in day.unreadable] == ["U1"]
    assert [m.user_id for m in day.totals] == ["U2", "U5", "U4", "U6", "U0", "U3"]
    assert day.total == timedelta(minutes=930)


def test_problem_text_is_short_and_says_what_happened() -> None:
    assert problem_text(InvalidCredentials()) == "App Password no longer accepted"
    assert problem_text(RateLimited()) == "TrackingTime rate limit"
    assert problem_text(TimedOut()) == "TrackingTime too slow"
    assert problem_text(Unavailable()) == "TrackingTime not answering"
    assert problem_text(TrackingTimeError()) == "TrackingTime error"
    assert problem_text(KeyError("x")) == "unexpected error"


class _Reports(ReportService):
    """Answers from a table, failing for some users, and counts how many calls overlap."""

    def __init__(self, failures: dict[str, Exception]) -> None:
        self.failures = failures
        self.active = 0
        self.most = 0

    async def report(self, link: Link, period: Period) -> Report:
        self.active += 1
        self.most = max(self.most, self.active)
        try:
            await asyncio.sleep(0.001)
            if link.key.user_id in self.failures:
                raise self.failures[link.key.user_id]
            return Report(period, NOW, (), None, timedelta(hours=2), ())
        finally:
            self.active -= 1


def _link(user_id: str) -> Link:
    return Link(SlackUserKey(None, "T0ACME", user_id), 1, 2, "Acme", "secret")


async def test_member_days_are_read_a_few_at_a_time_and_failures_become_problems() -> None:
    reports = _Reports({"U3": InvalidCredentials(), "U7": ValueError("bad JSON")})
    limit = asyncio.Semaphore(4)
    days = await asyncio.gather(
        *(member_day(reports, _link(f"U{n}"), FRIDAY, limit) for n in range(20))
    )
    assert reports.most == 4
    assert days[0] == MemberDay("U0", timedelta(hours=2))
    assert days[3] == MemberDay("U3", problem="App Password no longer accepted")
    assert days[7] == MemberDay("U7", problem="unexpected error")


# --- The message ----------------------------------------------------------------------------

# The markup the digest writes itself: member mentions and Slack dates.
DIGEST_MARKUP = re.compile(r"<@U[A-Z0-9]+>|<!date\^-?\d+\^\{time\}\|\d\d:\d\d>")


def check_digest(day: TeamDay) -> dict[str, Any]:
    payload = check_message(digest_message(day, BERLIN))
    assert len(payload["blocks"]) <= MAX_MESSAGE_BLOCKS
    for block in payload["blocks"]:
        assert len(block.get("fields", [])) <= FIELDS_PER_SECTION
        assert len(block.get("text", {}).get("text", "")) <= MAX_SECTION_TEXT
    for text in mrkdwn_texts(payload):
        rest = DIGEST_MARKUP.sub("", text)
        assert "<" not in rest and ">" not in rest, text
    return payload


def mix(count: int) -> TeamDay:
    """``count`` members: most with time, some with nothing, a timer running, or unreadable."""
    members = []
    for n in range(count):
        user_id = f"U{n:09d}"
        if n % 7 == 3:
            members.append(member(user_id))
        elif n % 11 == 5:
            members.append(member(user_id, n, timer=running(n + 1)))
        elif n % 13 == 6:
            members.append(member(user_id, problem="TrackingTime not answering"))
        else:
            members.append(member(user_id, 30 + n))
    return team(*members)


def section_texts(payload: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in blocks_of(payload, "section") if "text" in b]


def fields(payload: dict[str, Any]) -> list[str]:
    return [f["text"] for b in blocks_of(payload, "section") for f in b.get("fields", [])]


def test_no_members() -> None:
    payload = check_digest(team())
    assert payload["blocks"][0]["text"]["text"] == "Team time · Fri 27 Nov"
    assert "Nobody in this workspace has connected TrackingTime yet" in all_text(payload)
    assert "nobody has connected" in payload["text"]


def test_one_member() -> None:
    payload = check_digest(team(member("U0ALICE", 450)))
    header = payload["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"] == "Team time · Fri 27 Nov"
    assert "1 connected member · *7h 30m* tracked in all" in all_text(payload)
    assert "Everyone logged time" in all_text(payload)
    assert fields(payload) == ["<@U0ALICE>  *7h 30m*"]
    assert payload["text"] == "Team time · Fri 27 Nov: 1 member, 7h 30m in all"


def test_five_members_exceptions_come_first_then_totals_sorted() -> None:
    day = team(
        member("U0BOB", 200),
        member("U0CAROL"),
        member("U0ALICE", 95, timer=running(65, Task(1, HOSTILE, 2, "Web"))),
        member("U0DAVE", problem="App Password no longer accepted"),
        member("U0ERIN", 480),
    )
    payload = check_digest(day)
    kinds = [b["type"] for b in payload["blocks"]]
    assert kinds == [
        "header",
        "context",
        "section",
        "section",
        "section",
        "divider",
        "section",
        "context",
    ]
    nothing, timers, unreadable = section_texts(payload)[:3]
    assert nothing == ":zzz: *Nothing logged* (1)\n<@U0CAROL>"
    assert timers.startswith(":stopwatch: *Timer still running* (1)\n<@U0ALICE> ")
    assert "&lt;!here&gt;" in timers and "(1h 05m)" in timers
    assert unreadable == (
        ":warning: *Couldn't read* (1)\n<@U0DAVE> couldn't read (App Password no longer accepted)"
    )
    assert fields(payload) == [
        "<@U0ERIN>  *8h 00m*",
        "<@U0BOB>  *3h 20m*",
        "<@U0ALICE>  *1h 35m* :stopwatch:",
        "<@U0CAROL>  _nothing_",
    ]
    assert payload["text"] == (
        "Team time · Fri 27 Nov: 5 members, 12h 55m in all; 1 logged nothing, "
        "1 with a timer still running, 1 couldn't be read"
    )


def test_three_hundred_members_fit_and_say_how_many_more() -> None:
    day = mix(300)
    payload = check_digest(day)
    shown = fields(payload)
    readable = len(day.totals)
    assert len(shown) == 100 and shown[-1] == f"…and {readable - 99} more"
    texts = section_texts(payload)
    assert texts[0].startswith(f":zzz: *Nothing logged* ({len(day.nothing_logged)})")
    assert texts[1].count("\n") == MAX_TIMER_LINES + 1  # the heading, 15 lines, "and N more"
    assert texts[1].endswith(f"…and {len(day.running) - MAX_TIMER_LINES} more")
    assert texts[2].startswith(f":warning: *Couldn't read* ({len(day.unreadable)})")


@pytest.mark.parametrize("state", ["nothing", "running", "unreadable", "tracked"])
def test_three_hundred_members_in_one_state(state: str) -> None:
    def one(n: int) -> MemberDay:
        user_id = f"W{n:010d}"
        return {
            "nothing": member(user_id),
            "running": member(user_id, 60, timer=running(60, Task(n, "x" * 300, n, "y" * 300))),
            "unreadable": member(user_id, problem="TrackingTime rate limit"),
            "tracked": member(user_id, n),
        }[state]

    payload = check_message(digest_message(team(*(one(n) for n in range(300))), BERLIN))
    assert "more" in all_text(payload)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 24 * 60),
            st.sampled_from(["ok", "nothing", "running", "unreadable"]),
            st.text(max_size=300),
        ),
        max_size=400,
    )
)
@FAST
def test_any_team_gives_a_valid_message(people: list[tuple[int, str, str]]) -> None:
    members = []
    for n, (minutes, state, name) in enumerate(people):
        user_id = f"U{n:08d}"
        if state == "nothing":
            members.append(member(user_id))
        elif state == "running":
            members.append(member(user_id, minutes, timer=running(minutes, Task(n, name))))
        elif state == "unreadable":
            members.append(member(user_id, problem=name or "x"))
        else:
            members.append(member(user_id, minutes))
    check_digest(team(*members))


# --- Replies to /track digest -----------------------------------------------------------------


def test_replies_to_the_command() -> None:
    confirmed = all_text(check_message(digest_set_message("C0TEAM", "17:45", "Europe/Berlin")))
    assert "The team digest goes to <#C0TEAM> each workday at 17:45 (Europe/Berlin)." in confirmed
    assert "The team digest is off." in all_text(check_message(digest_off_message(True)))
    assert "no team digest to turn off" in all_text(check_message(digest_off_message(False)))
    assert "admin or owner" in all_text(check_message(digest_refused_message()))
