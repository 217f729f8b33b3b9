"""What every listener needs: who is asking, the services, and failures turned into replies."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.messages import failure, not_linked
from bot.crypto import UnreadableSecret
from bot.services.container import Services
from bot.storage import Link, SlackUserKey
from bot.trackingtime import InvalidCredentials, TrackingTimeError

log = logging.getLogger("handlers")

SERVICES_KEY = "services"
UNREADABLE_LINK = (
    "Your TrackingTime link can no longer be read (the app's encryption keys changed). "
    "Please connect again."
)
INTERNAL_ERROR = (
    "Something went wrong on our side and nothing was changed. Please try again; if it keeps "
    "happening, tell your Slack admin."
)


def services(context: AsyncBoltContext) -> Services:
    return context[SERVICES_KEY]  # type: ignore[no-any-return]


def user_key(context: AsyncBoltContext) -> SlackUserKey:
    """The (enterprise, team, user) a request comes from, as Bolt read it from the payload."""
    return SlackUserKey(
        enterprise_id=context.enterprise_id or None,
        team_id=context.team_id or "",
        user_id=context.user_id or "",
    )


async def reply(respond: AsyncRespond, message: Message, *, replace: bool = False) -> None:
    """An ephemeral reply through the request's ``response_url``."""
    await respond(**message.to_dict(), response_type="ephemeral", replace_original=replace)


def failure_text(error: BaseException) -> str:
    """A failure said plainly: what happened and what to do, no internals."""
    if isinstance(error, TrackingTimeError):
        return error.user_message
    if isinstance(error, UnreadableSecret):
        return UNREADABLE_LINK
    return INTERNAL_ERROR


def failure_message(error: BaseException) -> Message:
    """:func:`failure_text` as a message, with a Connect button when relinking is the fix."""
    reconnect = isinstance(error, InvalidCredentials | UnreadableSecret)
    return failure(failure_text(error), reconnect=reconnect)


async def slack_time_zone(client: AsyncWebClient, user_id: str) -> str | None:
    """The user's time zone as set in Slack (an IANA name); ``None`` when Slack will not say."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as error:
        log.warning("users.info failed: %s", error.response.get("error"))
        return None
    zone = (response.get("user") or {}).get("tz")
    return str(zone) if zone else None


@asynccontextmanager
async def reporting_failures(
    send: Callable[[Message], Awaitable[Any]],
) -> AsyncIterator[None]:
    """Run a step after the ack; if it fails, tell the user instead of going silent."""
    try:
        yield
    except (TrackingTimeError, UnreadableSecret) as error:
        log.warning("request failed: %s: %s", type(error).__name__, error)
        await send(failure_message(error))
    except Exception as error:
        log.exception("unexpected failure")
        await send(failure_message(error))


async def for_linked_user(
    svc: Services,
    key: SlackUserKey,
    tell: Callable[[Message], Awaitable[Any]],
    step: Callable[[Link], Awaitable[None]],
) -> None:
    """Run ``step`` with the user's link, after an ack that left nothing to reply to (a modal's
    submission); ``tell`` says it when they are not linked, or when anything fails."""
    async with reporting_failures(tell):
        link = await svc.accounts.get(key)
        if link is None:
            await tell(not_linked())
            return
        await step(link)


def reporting_privately(
    client: AsyncWebClient, user_id: str, channel_id: str | None = None
) -> AbstractAsyncContextManager[None]:
    """:func:`reporting_failures` for a listener with no reply to send to (a Home button, a
    modal): the failure is shown to the user alone with :func:`send_privately`."""

    async def tell(message: Message) -> None:
        await send_privately(client, user_id, channel_id, message)

    return reporting_failures(tell)


async def send_privately(
    client: AsyncWebClient,
    user_id: str,
    channel_id: str | None,
    message: Message,
    thread_ts: str | None = None,
) -> None:
    """Show ``message`` to the user alone: in the channel they were in when there is one
    (ephemeral, in the thread ``thread_ts`` if they were in one), otherwise, or when the app may
    not post there, as a direct message."""
    if channel_id:
        try:
            await client.chat_postEphemeral(
                channel=channel_id, user=user_id, thread_ts=thread_ts, **message.to_dict()
            )
            return
        except SlackApiError as error:
            log.info("ephemeral reply refused (%s); sending a DM", error.response.get("error"))
    await client.chat_postMessage(channel=user_id, **message.to_dict())


async def current_link(
    client: AsyncWebClient, services: Services, key: SlackUserKey
) -> Link | None:
    """The user's link, with their time zone as Slack has it now (asked at most every few
    hours: ``users.info`` is rate limited and a zone rarely changes)."""
    link = await services.accounts.get(key)
    if link is None or not services.zone_checks.due(key):
        return link
    zone = await slack_time_zone(client, key.user_id)
    if zone and zone != link.time_zone:
        await services.accounts.set_time_zone(key, zone)
        link = dataclasses.replace(link, time_zone=zone)
    # As seldom as the zone: the user is active, so timers they start elsewhere are looked for.
    await services.schedule.active(link, services.clock())
    return link
