"""The menu on every entry the app shows (Edit, Delete, Log again today, Start again), the Delete
button it leads to, and Undo of a delete.

Answers follow the message the menu was in (a report keeps its page), or appear at the top of
the Home tab when the menu was there. Every entry id is checked by
:class:`bot.services.editing.EditingService` against the clicking user's TrackingTime user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.blocks import Message
from bot.blocks.edit import (
    delete_prompt,
    deleted_message,
    project_only_message,
    refused_message,
    restored_message,
    undo_expired_message,
)
from bot.blocks.entries import kept_message, logged_message
from bot.blocks.entry_menu import DELETE, EDIT, LOG_AGAIN, START_AGAIN, parse_menu_value
from bot.blocks.messages import failure, invalid_input, started_message
from bot.logparse import LOG_EXAMPLE
from bot.services.container import Services
from bot.services.editing import Deleted, ProjectOnly, Restored, UndoExpired
from bot.services.entries import InFuture, Kept, Logged
from bot.services.timers import Started
from bot.storage import Link
from bot.trackingtime import Event
from bot.trackingtime.timefmt import zone_or_utc
from handlers.actions.clicks import STALE_BUTTON, Answering, Click, Step, on_click, routed_click
from handlers.edit_modal import open_edit_modal

EntryStep = Callable[[Click, Services, Link, int], Awaitable[Message | None]]


async def _edit(click: Click, svc: Services, link: Link, event_id: int) -> None:
    await open_edit_modal(
        click.client,
        svc,
        link,
        click.trigger_id,
        lambda: svc.editing.finished_entry(link, event_id),
        channel_id=click.channel_id,
        in_home=click.in_home,
    )


async def _ask_to_delete(click: Click, svc: Services, link: Link, event_id: int) -> Message:
    event = await svc.editing.finished_entry(link, event_id)
    if not isinstance(event, Event):
        return refused_message(event)
    return delete_prompt(event, zone_or_utc(link.time_zone))


async def _log_again(click: Click, svc: Services, link: Link, event_id: int) -> Message:
    outcome = await svc.editing.log_again_today(link, event_id, click.channel_id)
    zone = zone_or_utc(link.time_zone)
    if isinstance(outcome, Logged):
        return logged_message(outcome, zone)
    if isinstance(outcome, Kept):
        return kept_message(outcome, zone)
    if isinstance(outcome, InFuture):
        return invalid_input("That would end later than now: log it once it's done.", LOG_EXAMPLE)
    return refused_message(outcome)


async def _start_again(click: Click, svc: Services, link: Link, event_id: int) -> Message:
    outcome = await svc.editing.start_again(link, event_id)
    if isinstance(outcome, Started):
        return started_message(outcome, zone_or_utc(link.time_zone))
    if isinstance(outcome, ProjectOnly):
        return project_only_message(outcome)
    return refused_message(outcome)


@dataclass(frozen=True)
class MenuOption:
    step: EntryStep
    # A new message under the one the menu is in (a report keeps its page); in the Home, the
    # answer goes at its top when it has something to click or read there.
    answering: Answering


MENU: dict[str, MenuOption] = {
    EDIT: MenuOption(_edit, Answering(replace=False, refresh_home=False)),
    DELETE: MenuOption(_ask_to_delete, Answering(False, refresh_home=False, notice_in_home=True)),
    LOG_AGAIN: MenuOption(_log_again, Answering(replace=False, notice_in_home=True)),
    # The Home shows the timer that started.
    START_AGAIN: MenuOption(_start_again, Answering(replace=False)),
}


async def _stale(_: Click, __: Services, ___: Link) -> Message:
    return failure(STALE_BUTTON)


def _chosen(click: Click) -> tuple[Step, Answering]:
    """The step for the menu option chosen, with the entry id its value names."""
    chosen = parse_menu_value(click.value)
    if chosen is None:
        return _stale, Answering(replace=False, refresh_home=False)
    verb, event_id = chosen
    option = MENU[verb]

    async def step(click: Click, svc: Services, link: Link) -> Message | None:
        return await option.step(click, svc, link, event_id)

    return step, option.answering


entry_menu = routed_click(_chosen, "entry_menu")


async def _delete(click: Click, svc: Services, link: Link) -> Message:
    """The Delete button, pressed after Slack's confirm dialog."""
    if not click.value.isdigit():
        return failure(STALE_BUTTON)
    outcome = await svc.editing.delete(link, int(click.value))
    if isinstance(outcome, Deleted):
        return deleted_message(outcome, zone_or_utc(link.time_zone))
    return refused_message(outcome)


async def _restore(click: Click, svc: Services, link: Link) -> Message:
    """Undo of a delete: the value is the id the entry was kept under, for this user only."""
    if not click.value.isdigit():
        return failure(STALE_BUTTON)
    outcome = await svc.editing.restore(link, int(click.value), click.channel_id)
    if isinstance(outcome, Restored):
        return restored_message(outcome, zone_or_utc(link.time_zone))
    if isinstance(outcome, UndoExpired):
        return undo_expired_message()
    return kept_message(outcome, zone_or_utc(link.time_zone))


delete_entry = on_click(_delete, notice_in_home=True)
restore_entry = on_click(_restore, notice_in_home=True)
