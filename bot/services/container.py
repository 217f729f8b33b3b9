"""The services one process shares, built from settings and closed on shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.crypto import Keyring
from bot.services.catalogue import Catalogue
from bot.services.clock import Clock, system_clock
from bot.services.entries import EntryService
from bot.services.linking import LinkingService
from bot.services.reports import ReportService
from bot.services.timers import TimerService
from bot.services.zones import ZoneChecks
from bot.settings import Settings
from bot.storage import AccountStore, Database
from bot.storage.pending import PendingEntryStore
from bot.trackingtime import TrackingTime


@dataclass
class Services:
    database: Database
    accounts: AccountStore
    pending: PendingEntryStore
    trackingtime: TrackingTime
    linking: LinkingService
    catalogue: Catalogue
    timers: TimerService
    entries: EntryService
    reports: ReportService
    zone_checks: ZoneChecks

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Services:
        database = Database(settings.database_url)
        accounts = AccountStore(database.sessions, Keyring(settings.encryption_keys))
        trackingtime = TrackingTime(settings.trackingtime_api_url)
        catalogue = Catalogue(trackingtime)
        pending = PendingEntryStore(database.sessions)
        return cls(
            database=database,
            accounts=accounts,
            pending=pending,
            trackingtime=trackingtime,
            linking=LinkingService(accounts, pending, trackingtime),
            catalogue=catalogue,
            timers=TimerService(trackingtime, catalogue, clock),
            entries=EntryService(trackingtime, catalogue, pending, clock),
            reports=ReportService(trackingtime, clock),
            zone_checks=ZoneChecks(),
        )

    async def aclose(self) -> None:
        await self.trackingtime.aclose()
        await self.database.dispose()
