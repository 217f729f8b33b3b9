"""Buttons and menus (``block_actions``)."""

from slack_bolt.async_app import AsyncApp

from bot.blocks import ids
from handlers.actions.connect import open_connect, open_trackingtime
from handlers.actions.drafts import log_gap, open_drafts, undo_all
from handlers.actions.entries import (
    log_choice,
    open_log_modal_button,
    report_more,
    retry_entry,
    undo_entry,
)
from handlers.actions.entry_menu import delete_entry, entry_menu, restore_entry
from handlers.actions.home import disconnect, open_settings
from handlers.actions.reminders import keep_running
from handlers.actions.timers import continue_timer, create_and_start, start_task, stop_timer


def register(app: AsyncApp) -> None:
    app.action(ids.OPEN_CONNECT)(open_connect)
    app.action(ids.OPEN_TRACKINGTIME)(open_trackingtime)
    app.action(ids.ALLOW_STATUS)(open_trackingtime)  # a link button too: only acknowledged
    app.action(ids.STOP_TIMER)(stop_timer)
    app.action(ids.START_TASK_PATTERN)(start_task)
    app.action(ids.CREATE_AND_START)(create_and_start)
    app.action(ids.CONTINUE_TIMER)(continue_timer)
    app.action(ids.UNDO_ENTRY)(undo_entry)
    app.action(ids.RETRY_ENTRY)(retry_entry)
    app.action(ids.LOG_CHOICE_PATTERN)(log_choice)
    app.action(ids.CREATE_AND_LOG)(log_choice)
    app.action(ids.REPORT_MORE)(report_more)
    app.action(ids.ENTRY_MENU)(entry_menu)
    app.action(ids.DELETE_ENTRY)(delete_entry)
    app.action(ids.RESTORE_ENTRY)(restore_entry)
    app.action(ids.KEEP_RUNNING)(keep_running)
    app.action(ids.OPEN_LOG_MODAL)(open_log_modal_button)
    app.action(ids.DISCONNECT)(disconnect)
    app.action(ids.OPEN_SETTINGS)(open_settings)
    app.action(ids.OPEN_DRAFTS)(open_drafts)
    app.action(ids.UNDO_ALL)(undo_all)
    app.action(ids.LOG_GAP)(log_gap)
