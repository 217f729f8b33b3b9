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

# Modals (view_submission callback ids).
CONNECT_VIEW = "connect"
WORKSPACE_VIEW = "choose_workspace"

# Inputs in modals: (block_id, action_id).
APP_PASSWORD_INPUT = ("app_password", "value")
WORKSPACE_INPUT = ("workspace", "value")

TRACKINGTIME_APP_URL = "https://app.trackingtime.co/"
