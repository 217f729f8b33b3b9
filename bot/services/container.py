"""The services one process shares, built from settings and closed on shutdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.crypto import Keyring
from bot.services.catalogue import Catalogue
from bot.services.clock import Clock, system_clock
from bot.services.drafts import DraftService
from bot.services.editing import EditingService
from bot.services.entries import EntryService
from bot.services.home import HomeService
from bot.services.linking import LinkingService
from bot.services.reports import ReportService
from bot.services.status import Availability, StatusService
from bot.services.summaries import SummaryService
from bot.services.timers import TimerService
from bot.services.webhooks import WebhookService
from bot.services.zones import ZoneChecks
from bot.settings import Settings
from bot.slack_http import SlackHttp
from bot.slack_profiles import SlackProfiles
from bot.storage import AccountStore, Database, SlackUserKey
from bot.storage.deleted import DeletedEntryStore
from bot.storage.deliveries import DeliveryStore, TeamSettingsStore
from bot.storage.installations import DatabaseOAuthStateStore, EncryptedInstallationStore
from bot.storage.pending import PendingEntryStore
from bot.storage.schedule import ScheduleStore
from bot.storage.standup import StandupStore
from bot.storage.status import StatusStore
from bot.storage.webhooks import WebhookStore
from bot.trackingtime import TrackingTime


@dataclass
class Services:
    clock: Clock
    database: Database
    keyring: Keyring
    accounts: AccountStore
    schedule: ScheduleStore
    pending: PendingEntryStore
    installations: EncryptedInstallationStore
    oauth_states: DatabaseOAuthStateStore
    deliveries: DeliveryStore
    deleted: DeletedEntryStore
    standup: StandupStore
    team_settings: TeamSettingsStore
    trackingtime: TrackingTime
    linking: LinkingService
    catalogue: Catalogue
    timers: TimerService
    entries: EntryService
    editing: EditingService
    drafts: DraftService
    reports: ReportService
    zone_checks: ZoneChecks
    summaries: SummaryService
    home: HomeService
    slack_http: SlackHttp
    status: StatusService
    webhooks: WebhookService

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Services:
        database = Database(settings.database_url)
        keyring = Keyring(settings.encryption_keys)
        accounts = AccountStore(database.sessions, keyring, clock)
        schedule = ScheduleStore(database.sessions, timedelta(minutes=settings.timer_check_minutes))
        trackingtime = TrackingTime(
            settings.trackingtime_api_url, contact=settings.trackingtime_contact
        )
        catalogue = Catalogue(trackingtime)
        reports = ReportService(trackingtime, clock)
        slack_http = SlackHttp()
        status = StatusService(
            StatusStore(database.sessions, keyring, clock),
            SlackProfiles(
                settings.slack_api_url,
                slack_http.session,
                settings.slack_client_id,
                settings.slack_client_secret,
            ),
            timedelta(minutes=settings.status_sync_minutes),
            status_availability(settings),
            clock,
        )
        timers = TimerService(trackingtime, catalogue, schedule, clock, status)
        pending = PendingEntryStore(database.sessions)
        deliveries = DeliveryStore(database.sessions)
        deleted = DeletedEntryStore(database.sessions)
        standup = StandupStore(database.sessions)
        webhooks = WebhookService(
            WebhookStore(database.sessions, keyring),
            status.store,
            trackingtime,
            settings.public_url,
            clock,
        )

        async def watch_account(key: SlackUserKey) -> None:
            # The status line was turned on: TrackingTime's webhook for the user's account, so
            # timers started there show at once (once per account; never raises).
            link = await accounts.get(key)
            if link is not None:
                await webhooks.ensure(link)

        status.watch_accounts_with(watch_account, webhooks.remove)  # (remove never raises)
        entries = EntryService(trackingtime, catalogue, pending, clock)
        editing = EditingService(trackingtime, entries, timers, deleted, clock)
        return cls(
            clock=clock,
            database=database,
            keyring=keyring,
            accounts=accounts,
            schedule=schedule,
            pending=pending,
            installations=EncryptedInstallationStore(
                database.sessions, keyring, settings.slack_client_id
            ),
            oauth_states=DatabaseOAuthStateStore(database.sessions),
            deliveries=deliveries,
            deleted=deleted,
            standup=standup,
            team_settings=TeamSettingsStore(database.sessions, clock),
            trackingtime=trackingtime,
            linking=LinkingService(
                accounts,
                pending,
                deliveries,
                deleted,
                schedule,
                standup,
                trackingtime,
                clock,
                status,
            ),
            catalogue=catalogue,
            timers=timers,
            entries=entries,
            editing=editing,
            drafts=DraftService(entries, editing, catalogue, accounts, standup, clock),
            reports=reports,
            zone_checks=ZoneChecks(),
            summaries=SummaryService(trackingtime, reports),
            home=HomeService(timers, reports, clock, status),
            slack_http=slack_http,
            status=status,
            webhooks=webhooks,
        )

    async def aclose(self) -> None:
        await self.status.drain(5)
        await self.slack_http.aclose()
        await self.trackingtime.aclose()
        await self.database.dispose()


def status_availability(settings: Settings) -> Availability:
    """The status line needs each user's own Slack token, granted through OAuth on this app's
    public address."""
    missing = [
        name
        for name, value in (
            ("SLACK_CLIENT_ID", settings.slack_client_id),
            ("SLACK_CLIENT_SECRET", settings.slack_client_secret),
            ("PUBLIC_URL", settings.public_url),
        )
        if not value
    ]
    return Availability(" and ".join(missing), settings.public_url)
