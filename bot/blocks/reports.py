"""``/track today``, ``week`` …: totals by project and task, then the entries, page by page.

A message holds at most 50 blocks; every entry is a section of its own with its menu (see
:mod:`bot.blocks.entry_menu`), so a long week is cut into pages and the last block of a page is
a "Show more" button that asks for the next one.
"""

from __future__ import annotations

import json
from datetime import date, timedelta, tzinfo
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock

from bot.blocks import ids
from bot.blocks.entry_menu import entry_row
from bot.blocks.format import clock_time, duration, escape, task_mrkdwn, truncate
from bot.blocks.gaps import gap_blocks
from bot.blocks.message import MAX_MESSAGE_BLOCKS, Message
from bot.blocks.parts import button, context, section
from bot.services.reports import Period, Report

ENTRIES_PER_PAGE = 30
TASKS_PER_PROJECT = 8
MAX_PROJECTS = 15
MAX_GAPS = 8


def _entry_pages(report: Report, zone: tzinfo, first_room: int, room: int) -> list[list[Block]]:
    """The entries, each a section with its menu, under day headings, cut into pages: at most
    ``ENTRIES_PER_PAGE`` entries, and ``first_room`` (then ``room``) blocks, a page."""
    multi_day = report.period.first != report.period.last
    day_totals: dict[date, timedelta] = {}
    for event in report.entries:
        day = event.start.astimezone(zone).date()
        day_totals[day] = day_totals.get(day, timedelta()) + event.duration
    pages: list[list[Block]] = []
    blocks: list[Block] = []
    count, current_day, budget = 0, None, first_room
    for event in report.entries:
        day = event.start.astimezone(zone).date()
        # An entry may add a day heading as well as its own section: keep room for both.
        if count == ENTRIES_PER_PAGE or len(blocks) + 2 > budget:
            pages.append(blocks)
            blocks, count, current_day, budget = [], 0, None, room
        if multi_day and day != current_day:
            blocks.append(context(f"*{day:%A %d %b}* · {escape(duration(day_totals[day]))}"))
        current_day = day
        blocks.append(entry_row(event, zone))
        count += 1
    pages.append(blocks)
    return pages


def more_value(period: Period, page: int) -> str:
    return json.dumps(
        {
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
            "title": period.title,
            "page": page,
        },
        ensure_ascii=False,
    )


def parse_more_value(value: str) -> tuple[Period, int] | None:
    """The period and page a "Show more" button asks for; ``None`` for a value we did not make."""
    try:
        payload: dict[str, Any] = json.loads(value)
        period = Period(
            date.fromisoformat(payload["first"]),
            date.fromisoformat(payload["last"]),
            str(payload["title"])[:100],
        )
        page = int(payload["page"])
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError):
        return None
    return (period, page) if page >= 0 and period.first <= period.last else None


def _summary_blocks(report: Report, zone: tzinfo) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=truncate(report.period.title, 150))]
    total = f"*Total: {escape(duration(report.total))}*"
    if report.running is not None:
        timer = report.running
        total += (
            f"\n:stopwatch: Running: {task_mrkdwn(timer.task)} for "
            f"*{escape(duration(timer.elapsed(report.now)))}* (since "
            f"{clock_time(timer.started_at, zone)})"
        )
        blocks.append(section(total, accessory=button("Stop", ids.STOP_TIMER, "stop", "danger")))
    else:
        blocks.append(section(total))
    projects = report.projects[:MAX_PROJECTS]
    for project in projects:
        lines = [f"*{escape(truncate(project.name, 150))}* · {escape(duration(project.total))}"]
        lines += [
            f"• {escape(truncate(task.name, 150))} · {escape(duration(task.total))}"
            for task in project.tasks[:TASKS_PER_PROJECT]
        ]
        if len(project.tasks) > TASKS_PER_PROJECT:
            lines.append(f"• … {len(project.tasks) - TASKS_PER_PROJECT} more tasks")
        blocks.append(section("\n".join(lines)))
    if len(report.projects) > MAX_PROJECTS:
        blocks.append(context(f"… and {len(report.projects) - MAX_PROJECTS} more projects"))
    return blocks + gap_blocks(report, zone, MAX_GAPS)


def report_message(report: Report, zone: tzinfo, page: int = 0) -> Message:
    """Page ``page`` of the report (0: the summary and the first entries)."""
    if not report.entries and report.running is None:
        text = f"Nothing tracked: {report.period.title}."
        return Message(
            text=text,
            blocks=(
                HeaderBlock(text=truncate(report.period.title, 150)),
                section(":zzz: Nothing tracked."),
                *gap_blocks(report, zone, MAX_GAPS),
                context("Log past time with `/track log 1h30m yesterday Design review`"),
            ),
        )
    head = [*_summary_blocks(report, zone), DividerBlock()]
    # One block of each page is kept for "Show more", and later pages start with a heading.
    entry_pages = _entry_pages(
        report, zone, MAX_MESSAGE_BLOCKS - len(head) - 1, MAX_MESSAGE_BLOCKS - 2
    )
    heading = context(f"*{escape(truncate(report.period.title, 150))}*, continued")
    pages = [head + entry_pages[0], *([heading, *more] for more in entry_pages[1:])]
    page = min(max(page, 0), len(pages) - 1)
    blocks = pages[page]
    if page + 1 < len(pages):
        blocks = [
            *blocks,
            ActionsBlock(
                elements=[button("Show more", ids.REPORT_MORE, more_value(report.period, page + 1))]
            ),
        ]
    fallback = f"{report.period.title}: {duration(report.total)} tracked"
    return Message(text=fallback, blocks=tuple(blocks))
