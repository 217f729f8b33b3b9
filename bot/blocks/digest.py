"""The team digest in its channel, and the replies to ``/track digest``.

A team may have hundreds of members while a message holds 50 blocks, a section 3000 characters
and 10 fields: every list here is cut to fit, ending in "and N more". What needs a look comes
first (nothing logged, a timer left running, a member who could not be read), then everyone's
total, most first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import (
    Block,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.format import clock_time, duration, escape, truncate
from bot.blocks.message import Message
from bot.blocks.parts import context, section

if TYPE_CHECKING:  # the service imports this module to build its message
    from bot.services.digest import MemberDay, TeamDay

SECTION_LIMIT = 3000
FIELDS_PER_SECTION = 10
# 100 totals in two columns is already a long message; the rest are the smallest totals, and
# whoever logged nothing is named in the exceptions above anyway.
MAX_TOTAL_SECTIONS = 10
MAX_TIMER_LINES = 15
MAX_UNREADABLE_LINES = 15
TASK_LABEL_LIMIT = 80
# Room kept in a section for the "and N more" that may close a list.
_MORE_ROOM = len("\n…and 1000000 more")
DIGEST_EXAMPLE = "/track digest #team-time"


def _amount(span: timedelta) -> str:
    """A total, escaped for mrkdwn (``<1m``); nothing at all is ``0m``, not ``<1m``."""
    return escape(duration(span)) if span else "0m"


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"


def _listing(heading: str, items: Sequence[str], separator: str, max_items: int, more: str) -> str:
    """``heading`` and as many ``items`` as fit in one section (at most ``max_items``), then
    ``more`` with how many were left out."""
    text, shown = heading, 0
    for item in items[:max_items]:
        candidate = text + (separator if shown else "\n") + item
        if len(candidate) + _MORE_ROOM > SECTION_LIMIT:
            break
        text, shown = candidate, shown + 1
    if shown < len(items):
        text += more.format(len(items) - shown)
    return text


def _timer_line(member: MemberDay, team: TeamDay, zone: tzinfo) -> str:
    timer = member.running
    assert timer is not None
    label = escape(truncate(timer.task.label, TASK_LABEL_LIMIT)) or "a timer"
    since = clock_time(timer.started_at, zone)
    elapsed = _amount(timer.elapsed(team.now))
    return f"{_mention(member.user_id)} {label}, since {since} ({elapsed})"


def _total_field(member: MemberDay) -> str:
    if not member.total and member.running is None:
        return f"{_mention(member.user_id)}  _nothing_"
    flag = " :stopwatch:" if member.running is not None else ""
    return f"{_mention(member.user_id)}  *{_amount(member.total)}*{flag}"


def _exceptions(team: TeamDay, zone: tzinfo) -> list[Block]:
    blocks: list[Block] = []
    if nothing := team.nothing_logged:
        blocks.append(
            section(
                _listing(
                    f":zzz: *Nothing logged* ({len(nothing)})",
                    [_mention(m.user_id) for m in nothing],
                    ", ",
                    len(nothing),
                    " and {} more",
                )
            )
        )
    if running := team.running:
        blocks.append(
            section(
                _listing(
                    f":stopwatch: *Timer still running* ({len(running)})",
                    [_timer_line(m, team, zone) for m in running],
                    "\n",
                    MAX_TIMER_LINES,
                    "\n…and {} more",
                )
            )
        )
    if unreadable := team.unreadable:
        blocks.append(
            section(
                _listing(
                    f":warning: *Couldn't read* ({len(unreadable)})",
                    [
                        f"{_mention(m.user_id)} couldn't read ({escape(m.problem or '')})"
                        for m in unreadable
                    ],
                    "\n",
                    MAX_UNREADABLE_LINES,
                    "\n…and {} more",
                )
            )
        )
    return blocks


def _totals(team: TeamDay) -> list[Block]:
    members = team.totals
    if not members:
        return []
    room = FIELDS_PER_SECTION * MAX_TOTAL_SECTIONS
    fields = [_total_field(m) for m in members]
    if len(fields) > room:
        fields = [*fields[: room - 1], f"…and {len(members) - (room - 1)} more"]
    blocks: list[Block] = []
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        chunk = fields[start : start + FIELDS_PER_SECTION]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text="*Everyone's total*") if not start else None,
                fields=[MarkdownTextObject(text=field) for field in chunk],
            )
        )
    return blocks


def _fallback(team: TeamDay, title: str) -> str:
    """The notification text: the counts, for a lock screen or a screen reader."""
    if not team.members:
        return f"{title}: nobody has connected TrackingTime yet"
    count = len(team.members)
    text = f"{title}: {count} member{'s' if count != 1 else ''}, {_amount(team.total)} in all"
    notes = [
        f"{len(team.nothing_logged)} logged nothing" if team.nothing_logged else "",
        f"{len(team.running)} with a timer still running" if team.running else "",
        f"{len(team.unreadable)} couldn't be read" if team.unreadable else "",
    ]
    notes = [note for note in notes if note]
    return f"{text}; {', '.join(notes)}" if notes else text


def digest_message(team: TeamDay, zone: tzinfo) -> Message:
    """The digest for ``team.day``; ``zone`` (the digest's) is the fallback for clock times,
    which Slack otherwise shows in each reader's own zone."""
    day = team.day
    title = f"Team time · {day:%a} {day.day} {day:%b}"
    blocks: list[Block] = [HeaderBlock(text=title)]
    if not team.members:
        blocks.append(
            section(
                ":information_source: Nobody in this workspace has connected TrackingTime yet. "
                "Members connect with `/track connect`."
            )
        )
        return Message(text=_fallback(team, title), blocks=tuple(blocks))
    count = len(team.members)
    blocks.append(
        context(
            f"{count} connected member{'s' if count != 1 else ''} · "
            f"*{_amount(team.total)}* tracked in all"
        )
    )
    exceptions = _exceptions(team, zone)
    if exceptions:
        blocks.extend(exceptions)
    else:
        blocks.append(section(":white_check_mark: Everyone logged time, and no timer is running."))
    totals = _totals(team)
    if totals:
        blocks.append(DividerBlock())
        blocks.extend(totals)
    blocks.append(
        context(
            "Each member's own day, in their time zone. "
            "An admin can stop this digest with `/track digest off`."
        )
    )
    return Message(text=_fallback(team, title), blocks=tuple(blocks))


# --- Replies to /track digest -----------------------------------------------------------------


def digest_set_message(channel_id: str, at: str, zone_name: str) -> Message:
    """The confirmation names the channel and the zone: the admin's own, which the rest of the
    team may not share."""
    when = f"each workday at {at} ({zone_name})"
    return Message(
        text=f"The team digest goes to <#{channel_id}> {when}.",
        blocks=(
            section(f":white_check_mark: The team digest goes to <#{channel_id}> {when}."),
            context(
                "It lists every connected member's time for the day, exceptions first: nothing "
                "logged, a timer left running. For a private channel, invite the app first "
                "(`/invite @TrackingTime`). `/track digest off` stops it."
            ),
        ),
    )


def digest_off_message(was_on: bool) -> Message:
    if not was_on:
        text = "There is no team digest to turn off."
        return Message(text=text, blocks=(section(f":information_source: {text}"),))
    text = "The team digest is off."
    return Message(
        text=text,
        blocks=(
            section(f":no_bell: {text}"),
            context(f"`{DIGEST_EXAMPLE}` starts it again."),
        ),
    )


def digest_refused_message() -> Message:
    """Says who can, so the member knows whom to ask."""
    text = "Only a workspace admin or owner can set up the team digest."
    return Message(
        text=text,
        blocks=(
            section(f":lock: {text}"),
            context(f"Ask one of them to run `{DIGEST_EXAMPLE}`."),
        ),
    )
