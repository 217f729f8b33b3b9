"""How every process of the app logs: one line per event on standard error."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Bolt logs request bodies at DEBUG and on failed verification at INFO: keep user input out.
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    # httpx logs every request at INFO: a line per TrackingTime call, and CPU under load.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


class Throttle(logging.Filter):
    """Lets a record with one of ``messages`` through once per ``every`` seconds; the next one
    let through says how many like it were held back. For lines anyone outside can cause, such
    as uvicorn's "Invalid HTTP request received." for each malformed request: however many come,
    the log grows by one such line a minute."""

    def __init__(
        self,
        messages: frozenset[str],
        every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._messages = messages
        self._every = every
        self._clock = clock
        self._last: dict[str, float] = {}
        self._held: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message not in self._messages:
            return True
        now = self._clock()
        last = self._last.get(message)
        if last is not None and now - last < self._every:
            self._held[message] += 1
            return False
        self._last[message] = now
        held = self._held.pop(message, 0)
        if held:
            record.msg, record.args = f"{message} ({held} more since the last one)", ()
        return True


# What uvicorn logs, once for every malformed HTTP request anyone sends.
UVICORN_PER_REQUEST = frozenset({"Invalid HTTP request received."})


def throttle_uvicorn() -> None:
    """Bound uvicorn's per-request warnings (once per process, however often it is called)."""
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, Throttle) for f in server_log.filters):
        server_log.addFilter(Throttle(UVICORN_PER_REQUEST))
