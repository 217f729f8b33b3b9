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
    declined_message,
    delete_prompt,
    deleted_message,
    project_only_message,
    restored_message,
    undo_expired_message,
)
from bot.blocks.entry_menu import DELETE, EDIT, LOG_AGAIN, START_AGAIN, parse_menu_value
from bot.blocks.messages import failure, started_message
from bot.blocks.outcomes import sent_message, tried_again_message
from bot.digits import ROW_ID_MAX, parse_id
from bot.services.container import Services
from bot.services.editing import Declined, Deleted, ProjectOnly, Restored, UndoExpired
from bot.services.outcomes import InProgress
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
        return declined_message(event)
    return delete_prompt(event, zone_or_utc(link.time_zone))


async def _log_again(click: Click, svc: Services, link: Link, event_id: int) -> Message:
    """Placed and sent as ``/track log`` with a length: logged, kept, refused or no room."""
    outcome = await svc.editing.log_again_today(link, event_id, click.channel_id)
    if isinstance(outcome, Declined):
        return declined_message(outcome)
    return sent_message(outcome, zone_or_utc(link.time_zone))


async def _start_again(click: Click, svc: Services, link: Link, event_id: int) -> Message:
    outcome = await svc.editing.start_again(link, event_id)
    if isinstance(outcome, Started):
        return started_message(outcome, zone_or_utc(link.time_zone))
    if isinstance(outcome, ProjectOnly):
        return project_only_message(outcome)
    return declined_message(outcome)


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
    event_id = parse_id(click.value)
    if event_id is None:
        return failure(STALE_BUTTON)
    outcome = await svc.editing.delete(link, event_id)
    if isinstance(outcome, Deleted):
        return deleted_message(outcome, zone_or_utc(link.time_zone))
    return declined_message(outcome)


async def _restore(click: Click, svc: Services, link: Link) -> Message:
    """Undo of a delete: the value is the id the entry was kept under, for this user only."""
    undo_id = parse_id(click.value, ROW_ID_MAX)
    if undo_id is None:
        return failure(STALE_BUTTON)
    outcome = await svc.editing.restore(link, undo_id, click.channel_id)
    zone = zone_or_utc(link.time_zone)
    if isinstance(outcome, Restored):
        return restored_message(outcome, zone)
    if isinstance(outcome, UndoExpired):
        return undo_expired_message()
    if isinstance(outcome, InProgress):
        return tried_again_message(outcome, zone)
    return sent_message(outcome, zone)


delete_entry = on_click(_delete, notice_in_home=True)
restore_entry = on_click(_restore, notice_in_home=True)
