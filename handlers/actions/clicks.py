"""What every button and menu listener does around its own step: ack, find the clicking user's
link, run the step, and answer where the click happened (the message, or the Home tab), with a
plain message when anything fails."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.messages import not_linked
from bot.services.container import Services
from bot.storage import Link
from handlers.common import reply, reporting_failures, send_privately, services, user_key
from handlers.home import publish_home

STALE_BUTTON = "That button is out of date. Run `/track status` for fresh ones."


@dataclass(frozen=True)
class Click:
    """A button press, with what is needed to answer it where it happened."""

    body: dict[str, Any]
    context: AsyncBoltContext
    client: AsyncWebClient
    respond: AsyncRespond | None  # Bolt gives none without a response_url

    @property
    def in_home(self) -> bool:
        """Pressed in the Home tab (a view): Slack sends no ``response_url`` to reply to."""
        return (self.body.get("container") or {}).get("type") == "view"

    @property
    def value(self) -> str:
        """The button's value, or the chosen option's for a menu."""
        action = (self.body.get("actions") or [{}])[0]
        chosen = action.get("selected_option") or {}
        return str(chosen.get("value") or action.get("value") or "")

    @property
    def channel_id(self) -> str | None:
        return (self.body.get("channel") or {}).get("id")

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id") or "")


# A step gets the click, the services and the user's link; its message is the answer (``None``
# when it answered itself, e.g. by opening a modal).
Step = Callable[[Click, Services, Link], Awaitable[Message | None]]


@dataclass(frozen=True)
class Answering:
    """How a click is answered: see :func:`as_linked_user`."""

    replace: bool = True
    refresh_home: bool = True
    notice_in_home: bool = False


async def as_linked_user(click: Click, step: Step, answering: Answering) -> None:
    """Run ``step`` for the clicking user and answer where the button was, as ``answering``
    says.

    In a message, ``step``'s message replaces it (or follows it, ``replace=False``). In the Home
    tab the refreshed Home is the answer: the message is dropped, or shown at the top of the
    Home with ``notice_in_home`` (for answers with buttons of their own, such as Undo). A
    failure (TrackingTime's, or ours) still comes, as a direct message, so it is never silent.
    After a step that went through, the Home is published again (last, so the reply is not kept
    waiting) unless ``refresh_home`` is off for a step that changes nothing.
    """
    svc, key = services(click.context), user_key(click.context)

    async def send(message: Message) -> None:
        if click.in_home or click.respond is None:  # nothing to reply to: a direct message
            await send_privately(click.client, key.user_id, None, message)
        else:
            await reply(click.respond, message, replace=answering.replace)

    async with reporting_failures(send):
        link = await svc.accounts.get(key)
        message = not_linked() if link is None else await step(click, svc, link)
        if click.in_home:
            if answering.refresh_home or message is not None:
                notice = message if answering.notice_in_home and link is not None else None
                await publish_home(click.client, svc, key, notice=notice)
            return
        if message is not None:
            await send(message)
        if answering.refresh_home and link is not None:
            await publish_home(click.client, svc, key)


Listener = Callable[..., Awaitable[None]]
Route = Callable[[Click], tuple[Step, Answering]]


def routed_click(route: Route, name: str) -> Listener:
    """A Bolt listener that acks at once, then runs the step ``route`` picks for the click
    (a menu's option, say) with :func:`as_linked_user`."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond | None,
    ) -> None:
        await ack()
        click = Click(body, context, client, respond)
        await as_linked_user(click, *route(click))

    listener.__name__ = listener.__qualname__ = name
    return listener


def on_click(
    step: Step, *, replace: bool = True, refresh_home: bool = True, notice_in_home: bool = False
) -> Listener:
    """A Bolt listener for a button: ack at once, then :func:`as_linked_user` with ``step``."""
    answering = Answering(replace, refresh_home, notice_in_home)
    return routed_click(lambda _: (step, answering), step.__name__)
