"""TrackingTime for Slack: track TrackingTime time from Slack."""

import sys

__version__ = "0.1.0"
APP_NAME = "TrackingTimeForSlack"

# httpx imports its command-line tool, and with it rich, pygments and click, whenever those are
# installed (rich is, for the playground): 6 MB of every web process's memory for a tool the app
# never runs. Marking the module absent makes httpx skip it, as it does when they are missing.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
