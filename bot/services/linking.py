"""Linking a Slack user to their TrackingTime account with an App Password."""

from __future__ import annotations

from dataclasses import dataclass

from bot.crypto import UnreadableSecret
from bot.services.clock import Clock, system_clock
from bot.services.status import StatusService
from bot.storage import AccountStore, Link, SlackUserKey
from bot.storage.deleted import DeletedEntryStore
from bot.storage.deliveries import DeliveryStore
from bot.storage.pending import PendingEntryStore
from bot.storage.schedule import ScheduleStore
from bot.storage.standup import StandupStore
from bot.trackingtime import TrackingTime, Workspace


@dataclass(frozen=True)
class Linked:
    """A verified, stored link, and every workspace the login may use."""

    link: Link
    workspaces: tuple[Workspace, ...]


class LinkingService:
    def __init__(
        self,
        accounts: AccountStore,
        pending: PendingEntryStore,
        deliveries: DeliveryStore,
        deleted: DeletedEntryStore,
        schedule: ScheduleStore,
        standup: StandupStore,
        trackingtime: TrackingTime,
        clock: Clock = system_clock,
        status: StatusService | None = None,
    ) -> None:
        self._status = status
        self._accounts = accounts
        self._pending = pending
        self._deliveries = deliveries
        self._deleted = deleted
        self._schedule = schedule
        self._standup = standup
        self._trackingtime = trackingtime
        self._clock = clock

    async def connect(self, key: SlackUserKey, app_password: str, time_zone: str) -> Linked:
        """Verify the App Password with ``GET /me`` and store it (encrypted).

        The link points at the workspace selected in TrackingTime; a user with several is then
        offered the others (:meth:`choose_workspace`). Raises
        :class:`bot.trackingtime.InvalidCredentials` for a wrong password.
        """
        me = await self._trackingtime.session(app_password, time_zone=time_zone).me()
        workspace = me.preferred_workspace
        link = Link(
            key=key,
            tt_user_id=me.user_id,
            account_id=workspace.account_id,
            workspace_name=workspace.company,
            app_password=app_password,
            time_zone=time_zone,
            tt_user_name=me.name,
        )
        await self._accounts.save(link)
        await self._schedule.active(link, self._clock())  # a newcomer's timers are looked for
        return Linked(link, me.workspaces)

    async def workspaces(self, link: Link) -> tuple[Workspace, ...]:
        """The workspaces the linked login belongs to, as TrackingTime says now."""
        me = await self._trackingtime.session(link.app_password, time_zone=link.time_zone).me()
        return me.workspaces

    async def choose_workspace(self, key: SlackUserKey, workspace: Workspace) -> bool:
        """Track in ``workspace`` from now on (one the login belongs to, as offered)."""
        return await self._accounts.set_workspace(key, workspace.account_id, workspace.company)

    async def disconnect(self, key: SlackUserKey) -> bool:
        """Delete everything stored for the user; ``True`` when they were linked. The Slack
        status the app set for them is cleared first (their user token goes with the link)."""
        if self._status is not None:
            try:
                link = await self._accounts.get(key)
            except UnreadableSecret:  # its secrets are lost: nothing can act for it any more
                link = None
            if link is not None:
                await self._status.release(link)
        await self._pending.delete_user(key)
        await self._deliveries.delete_user(key)
        await self._deleted.delete_user(key)
        await self._standup.delete_user(key)
        return await self._accounts.delete(key)

    async def forget_workspace(self, enterprise_id: str | None, team_id: str) -> int:
        """Delete everything stored for a workspace the app left; how many links it had."""
        await self._pending.delete_workspace(enterprise_id, team_id)
        await self._deliveries.delete_workspace(enterprise_id, team_id)
        await self._deleted.delete_workspace(enterprise_id, team_id)
        await self._standup.delete_workspace(enterprise_id, team_id)
        return await self._accounts.delete_workspace(enterprise_id, team_id)


def app_password_problem(text: str) -> str | None:
    """Why ``text`` cannot be an App Password, or ``None``. A cheap check before asking
    TrackingTime, so obvious paste mistakes get an instant field error."""
    if not text:
        return "Paste your App Password here."
    if len(text) < 8:
        return "That is too short to be an App Password: copy all of it."
    return None
