"""How every process of the app logs: one line per event on standard error, as text (the
default) or, with ``LOG_FORMAT=json``, one JSON object per line.

A JSON line carries ``time``, ``level``, ``logger`` and ``message``, and while a Slack request's
work runs (its ack and everything after it) also ``request_id``, ``team``, ``user`` (a hash of the
Slack user id, never the id) and ``kind`` (``command:status``, ``block_actions``…): set once per
request in :func:`request_context`, they follow the work into the tasks Bolt starts after the ack
(asyncio copies context variables into new tasks). In either format, the process's own secrets
(signing secret, tokens, client secret, encryption keys, metrics token) are blanked out of every
line, should one ever be written; nothing in the app logs App Passwords or request bodies.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import secrets as random_tokens
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

_REQUEST: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "slack_request", default=None
)
BLANKED = "[secret]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_format: str = "text", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    lines = JsonLines() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(BlankSecrets(lines, secrets))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    # Bolt logs request bodies at DEBUG and on failed verification at INFO: keep user input out.
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    # httpx logs every request at INFO: a line per TrackingTime call, and CPU under load.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def request_context(team: str | None, user: str | None, kind: str) -> None:
    """Name the Slack request now being handled in every line logged for it from here on."""
    _REQUEST.set(
        {
            "request_id": random_tokens.token_hex(6),
            "team": team or "",
            "user": hashlib.sha256(user.encode()).hexdigest()[:12] if user else "",
            "kind": kind,
        }
    )


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in (_REQUEST.get() or {}).items() if v})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class BlankSecrets(logging.Formatter):
    """``inner``'s lines with the process's own secrets blanked out, tracebacks included (a
    token quoted in an upstream error message)."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self._inner = inner
        self._secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        line = self._inner.format(record)
        for secret in self._secrets:
            line = line.replace(secret, BLANKED)
        return line


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
