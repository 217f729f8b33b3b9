"""Due instants as the app would have stored them at another moment.

Links and digests set up through the app are scheduled from the real clock. A test that replays a
day in the past stores, for every row, the instants the web process would have computed had the
row been written at that moment (the same functions it uses), before running the worker then.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.services.container import Services
from bot.storage import SlackUserKey, UserSettings
from bot.storage.deliveries import digest_at
from bot.storage.models import LinkedAccount, TeamSettings
from bot.storage.schedule import checks_first
from bot.trackingtime.timefmt import zone_or_utc


async def scheduled_at(services: Services, moment: datetime) -> None:
    every = services.schedule.timer_checks
    async with services.database.sessions() as session:
        for row in (await session.exec(select(LinkedAccount))).all():
            settings = UserSettings.from_row(row)
            row.summary_due_at = settings.summary_at(row.time_zone, moment)
            if row.active_at is not None:
                row.active_at = moment
                key = SlackUserKey(row.enterprise_id or None, row.team_id, row.slack_user_id)
                zone = zone_or_utc(row.time_zone)
                row.timer_check_at = (
                    checks_first(key, zone, settings.summary_days, every, moment) if every else None
                )
            session.add(row)
        for team in (await session.exec(select(TeamSettings))).all():
            team.digest_due_at = digest_at(team, moment)
            session.add(team)
        await session.commit()
