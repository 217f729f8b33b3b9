"""Tests that log time ending now, or look for it in today's lists, need that much of today
behind them: ``/track log 45m`` at 00:10 has no room today (an entry given only its length is
placed inside its day, never across midnight), and an entry from 23:30 to 00:05 is yesterday's.
Run in the first minutes after midnight, such a test is skipped, saying why, rather than failing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

BERLIN = ZoneInfo("Europe/Berlin")  # the zone of the seeded users and the playground's Dana
MARGIN = timedelta(minutes=5)  # for the test's own run, and a slow machine


def needs_today(minutes: int, zone: ZoneInfo = BERLIN) -> None:
    """Skip unless ``minutes`` (and a margin) of today in ``zone`` have passed."""
    now = datetime.now(zone)
    midnight = datetime.combine(now.date(), time(0), tzinfo=zone)
    if now - midnight < timedelta(minutes=minutes) + MARGIN:
        pytest.skip(f"needs {minutes} minutes of today behind it; it is {now:%H:%M} in {zone}")
