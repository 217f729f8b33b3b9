"""The gap finder end to end: the untracked stretches of a working day in a one-day report and
in the daily summary, with the TrackingTime schedule or the user's own hours, and Log this."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.blocks import ids
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.container import Services
from bot.storage import UserSettings
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def alice(app: AppHarness) -> AppHarness:
    connect(app, ALICE, ALICE_PASSWORD)
    return app


@pytest.fixture
async def services(app: AppHarness) -> AsyncIterator[Services]:
    services = Services.create(app.settings)
    yield services
    await services.aclose()


def past_weekday(weekday: int) -> date:
    """The latest day before yesterday that falls on ``weekday`` (Monday is 0)."""
    day = datetime.now(BERLIN).date() - timedelta(days=2)
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return day


def gap_lines(message: dict) -> list[str]:  # type: ignore[type-arg]
    return [b["text"]["text"] for b in message["blocks"] if "untracked" in str(b.get("text"))]


def test_a_days_report_lists_its_gaps_and_log_this_fills_the_form(alice: AppHarness) -> None:
    day = past_weekday(2)  # a Wednesday: 8 h in TrackingTime's default schedule
    alice.reply_to(ALICE, f"log {day} 10:00-12:00 standup")
    alice.reply_to(ALICE, f"log {day} 13:00-13:30 development")
    report = alice.reply_to(ALICE, f"report {day}")
    assert "Untracked in your working hours* (09:00–17:30): *6h 00m* in 3 stretches" in str(
        report["blocks"]
    )
    assert gap_lines(report) == [
        "`13:30-17:30` *4h 00m* untracked",
        "`09:00-10:00` *1h 00m* untracked",
        "`12:00-13:00` *1h 00m* untracked",
    ]
    alice.click(ALICE, report, ids.LOG_GAP)
    form = alice.opened_view(count=2)
    assert form["callback_id"] == ids.LOG_VIEW
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert inputs["date"]["initial_date"] == day.isoformat()
    assert (inputs["start"]["initial_time"], inputs["end"]["initial_time"]) == ("13:30", "17:30")
    # A week has no gap list; nor has a day off.
    assert gap_lines(alice.reply_to(ALICE, "last week")) == []
    assert gap_lines(alice.reply_to(ALICE, f"report {past_weekday(6)}")) == []


async def test_the_summary_lists_gaps_in_the_users_own_hours_and_a_short_scheduled_day(
    alice: AppHarness, services: Services, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    friday = past_weekday(4)
    alice.reply_to(ALICE, f"log {friday} 8:00-9:30 standup")
    own = UserSettings(work_start=time(8), work_end=time(16), gap_threshold=timedelta(minutes=30))
    await services.accounts.save_settings(ALICE.key, own)
    link = await services.accounts.get(ALICE.key)
    assert link is not None
    summary = await services.summaries.summary(link, friday)
    assert [(g.start.time(), g.end.time()) for g in summary.report.gaps] == [
        (time(9, 30), time(16))
    ]
    # TrackingTime now says Friday is a 4-hour day of a 8-hour week: it ends 4 hours earlier.
    fake_tt.set_schedule(seeded.alice_tt_id, {"mon": 8, "tue": 8, "wed": 8, "thu": 8, "fri": 4})
    summary = await services.summaries.summary(link, friday)
    assert [(g.start.time(), g.end.time()) for g in summary.report.gaps] == [
        (time(9, 30), time(12))
    ]
