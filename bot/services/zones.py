"""When to ask Slack again for a user's time zone.

Times are read and written in the user's Slack time zone, which ``users.info`` gives. Asking on
every request would spend Slack's rate limit for an answer that rarely changes, so each process
remembers when it last asked for each user.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.storage import SlackUserKey

CHECK_EVERY_SECONDS = 6 * 3600.0


class ZoneChecks:
    def __init__(
        self, every: float = CHECK_EVERY_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._every = every
        self._monotonic = monotonic
        self._checked: dict[SlackUserKey, float] = {}

    def due(self, key: SlackUserKey) -> bool:
        """Whether to ask Slack now; a ``True`` answer counts as asking."""
        now = self._monotonic()
        last = self._checked.get(key)
        if last is not None and now - last < self._every:
            return False
        self._checked[key] = now
        return True
