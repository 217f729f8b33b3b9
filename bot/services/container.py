"""The services one process shares, built from settings and closed on shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.crypto import Keyring
from bot.services.clock import Clock, system_clock
from bot.services.linking import LinkingService
from bot.services.timers import TimerService
from bot.settings import Settings
from bot.storage import AccountStore, Database
from bot.trackingtime import TrackingTime


@dataclass
class Services:
    database: Database
    accounts: AccountStore
    trackingtime: TrackingTime
    linking: LinkingService
    timers: TimerService

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Services:
        database = Database(settings.database_url)
        accounts = AccountStore(database.sessions, Keyring(settings.encryption_keys))
        trackingtime = TrackingTime(settings.trackingtime_api_url)
        return cls(
            database=database,
            accounts=accounts,
            trackingtime=trackingtime,
            linking=LinkingService(accounts, trackingtime),
            timers=TimerService(trackingtime, clock),
        )

    async def aclose(self) -> None:
        await self.trackingtime.aclose()
        await self.database.dispose()
