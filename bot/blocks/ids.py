"""Action, block and callback ids shared by the builders and the handlers that answer them."""

import re

# Buttons (block_actions). Buttons repeated within one block get a ":<n>" suffix, because Slack
# wants action ids unique within a block.
OPEN_CONNECT = "open_connect"
OPEN_TRACKINGTIME = "open_trackingtime"
STOP_TIMER = "stop_timer"
START_TASK = "start_task"
START_TASK_PATTERN = re.compile(rf"^{START_TASK}(:\d+)?$")
CREATE_AND_START = "create_and_start"
DISCONNECT = "disconnect"
OPEN_SETTINGS = "open_settings"

# Modals (view_submission callback ids).
CONNECT_VIEW = "connect"
WORKSPACE_VIEW = "choose_workspace"
SETTINGS_VIEW = "settings"

# Inputs in modals: (block_id, action_id).
APP_PASSWORD_INPUT = ("app_password", "value")
WORKSPACE_INPUT = ("workspace", "value")
SUMMARY_INPUT = ("summary", "value")
SUMMARY_TIME_INPUT = ("summary_time", "value")
SUMMARY_DAYS_INPUT = ("summary_days", "value")
TIMER_LIMIT_INPUT = ("timer_limit", "value")
STATUS_ENABLED_INPUT = ("status_enabled", "value")
STATUS_SHOW_INPUT = ("status_show", "value")
STATUS_EMOJI_INPUT = ("status_emoji", "value")
STATUS_REPLACE_INPUT = ("status_replace", "value")
ALLOW_STATUS = "allow_status"  # link button to Slack's consent page for the status line

TRACKINGTIME_APP_URL = "https://app.trackingtime.co/"

# Logging past time.
LOG_SHORTCUT = "log_time"  # global shortcut
LOG_MESSAGE_SHORTCUT = "log_message"  # message shortcut
LOG_VIEW = "log_entry"
LOG_PROJECT_INPUT = ("project", "log_project")  # external select: options come from the app
LOG_TASK_INPUT = ("task", "log_task")
LOG_DATE_INPUT = ("date", "value")
LOG_START_INPUT = ("start", "value")
LOG_END_INPUT = ("end", "value")
LOG_DURATION_INPUT = ("duration", "value")
LOG_NOTES_INPUT = ("notes", "value")
OPEN_LOG_MODAL = "open_log_modal"
UNDO_ENTRY = "undo_entry"
RETRY_ENTRY = "retry_entry"  # Try again on an entry TrackingTime refused
LOG_CHOICE = "log_choice"
LOG_CHOICE_PATTERN = re.compile(rf"^{LOG_CHOICE}(:\d+)?$")
CREATE_AND_LOG = "create_and_log"
REPORT_MORE = "report_more"

# Fixing what was tracked.
ENTRY_MENU = "entry_menu"  # the overflow menu on every entry shown; its options name the verb
DELETE_ENTRY = "delete_entry"  # the Delete button (with a confirm dialog) that follows
RESTORE_ENTRY = "restore_entry"  # Undo of a delete
CONTINUE_TIMER = "continue_timer"
EDIT_VIEW = "edit_entry"

# The worker's messages.
KEEP_RUNNING = "keep_running"

# Draft entries from a message, and the gap finder.
LOG_DRAFTS_SHORTCUT = "log_drafts"  # message shortcut "Log entries from message"
DRAFTS_VIEW = "drafts"
OPEN_DRAFTS = "open_drafts"  # the channel offer's button
UNDO_ALL = "undo_all"
LOG_GAP = "log_gap"  # "Log this" on an untracked stretch of a working day
DRAFT_FIELDS = ("leave_out", "task", "day", "when", "notes")


def draft_block(field: str, row: int) -> str:
    """The block id of one field of row ``row`` (from 0) of the drafts form."""
    return f"draft_{field}:{row}"


# Working hours, in the settings modal.
WORK_START_INPUT = ("work_start", "value")
WORK_END_INPUT = ("work_end", "value")
WORK_DAYS_INPUT = ("work_days", "value")
GAP_THRESHOLD_INPUT = ("gap_threshold", "value")
