"""What a request to ``/slack/events`` must be before Bolt sees it, and the one line said when
it is not.

Anyone on the internet can post to the endpoint. Bolt verifies signatures, but some forged
headers make slack_sdk's ``SignatureVerifier`` raise instead of answering ``False`` (a
timestamp that is not a plain integer, ``int()`` refusing more than 4,300 digits), and some
bodies a correctly signed request can carry make Bolt raise while reading them (a ``payload``
that is not a JSON object): each was an HTTP 500 and a traceback in the log, for anyone to fill
the log with. So here, before Bolt: the body has a bounded size (413, declared or read; what is
past the limit is never read); the timestamp is a plain decimal within Slack's five minutes and
the signature ``v0=`` and 64 hex digits, and they must verify (401); the body must be one Slack
could send: form-encoded, a ``payload`` that is a JSON object with a ``type``, an event body a
JSON object (400). Bolt's own verification still runs after this. Every refusal is one log line
naming the reason, and a flood of them is counted, not written out (:class:`RefusalLog`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

log = logging.getLogger(__name__)

#: The largest body taken. Slack's largest are view submissions: a view's JSON (Slack caps a view
#: at 250 kB) with up to 100 inputs of up to 3,000 characters each in its state, form-encoded
#: (which can triple non-ASCII text): well under 1 MiB.
MAX_BODY_BYTES = 1024 * 1024
#: Slack's own rule: a request stamped more than five minutes away from now is refused.
MAX_CLOCK_SKEW_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class Refused(Exception):
    """A request refused before Bolt: its HTTP status and, for the log, why."""

    status: int
    reason: str


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, up to ``limit`` bytes; past that the rest is not read (413)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdecimal() or int(declared) > limit):
        raise Refused(413, f"body larger than {limit} bytes (declared)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def check_signature(
    secret: str, raw: bytes, headers: Mapping[str, str], now: float | None = None
) -> None:
    """Slack's signature, checked without trusting the headers' shape (401 when wrong)."""
    stamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if stamp is None or signature is None:
        raise Refused(401, "no timestamp or signature header")
    if not _TIMESTAMP.fullmatch(stamp):
        raise Refused(401, "timestamp not a plain number")
    now = time.time() if now is None else now
    if abs(now - int(stamp)) > MAX_CLOCK_SKEW_SECONDS:
        raise Refused(401, "timestamp more than five minutes away")
    if not _SIGNATURE.fullmatch(signature):
        raise Refused(401, "signature not v0= and 64 hex digits")
    expected = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256)
    if not hmac.compare_digest("v0=" + expected.hexdigest(), signature):
        raise Refused(401, "signature does not match")


def parse_signed_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """The body as Bolt will read it, when it has a shape Slack sends (400 otherwise)."""
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        raise Refused(400, "body not UTF-8") from None
    if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
        body = _json_object(text, "event body")
        if not isinstance(body.get("type"), str):
            raise Refused(400, "event body without a type")
        return body
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" not in text:  # a slash command (Bolt reads it the same way)
        return form
    if "payload" not in form:
        raise Refused(400, "form body that mentions payload without one")
    body = _json_object(form["payload"], "payload")
    if not isinstance(body.get("type"), str):
        raise Refused(400, "payload without a type")
    return body


# What Bolt and the listeners read from each kind of request, so must be there and of the right
# kind (a signed body of another shape is refused with 400 rather than failing inside Bolt).
# Paths are dotted; ``actions.0`` is the first action.
_NEEDS: dict[str, tuple[tuple[str, type], ...]] = {
    "command": (("command", str), ("user_id", str), ("team_id", str)),
    "block_actions": (("user.id", str), ("actions.0.action_id", str)),
    "block_suggestion": (("user.id", str), ("action_id", str)),
    "view_submission": (
        ("user.id", str),
        ("view.type", str),
        ("view.callback_id", str),
        ("view.state.values", dict),
    ),
    "view_closed": (("user.id", str), ("view.type", str), ("view.callback_id", str)),
    "shortcut": (("user.id", str), ("callback_id", str)),
    "message_action": (("user.id", str), ("callback_id", str), ("message", dict)),
    "event_callback": (("event.type", str),),
    "url_verification": (("challenge", str),),
}


# Fields Bolt reads as objects wherever they appear, whatever the kind (its log line for a kind
# nobody handles, among others): present, they must be JSON objects; ``actions`` a list of them.
_OBJECTS = ("view", "event", "message", "container")


def check_shape(body: dict[str, Any]) -> None:
    """Refuse (400) a body of a kind the app handles that lacks what is read from it; kinds
    it does not handle go on to Bolt, which acknowledges them and does nothing."""
    for name in _OBJECTS:
        if name in body and not isinstance(body[name], dict):
            raise Refused(400, f"{name} not a JSON object")
    actions = body.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        raise Refused(400, "actions not a list of JSON objects")
    kind = "command" if "command" in body else body.get("type")
    for path, expected in _NEEDS.get(str(kind), ()):
        value: Any = body
        for step in path.split("."):
            if isinstance(value, dict):
                value = value.get(step)
            elif isinstance(value, list) and step.isdecimal() and int(step) < len(value):
                value = value[int(step)]
            else:
                value = None
        if not isinstance(value, expected):
            raise Refused(400, f"{kind} without {path}")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, f"{what} not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} not a JSON object")
    return value


#: Kinds of refusal written out one by one in a window; more kinds are only counted.
MOST_KINDS_WRITTEN = 20


@dataclass
class RefusalLog:
    """The first refusal of each kind in a window is one log line; the rest are counted, and
    :meth:`flush` (which the web app calls every so often) writes the counts in one line and
    opens the next window. So no request from outside makes the log grow faster than about
    :data:`MOST_KINDS_WRITTEN` lines a window."""

    _written: set[str] = field(default_factory=set)
    _counted: Counter[str] = field(default_factory=Counter)

    def note(self, refused: Refused) -> None:
        if refused.reason in self._written or len(self._written) >= MOST_KINDS_WRITTEN:
            self._counted[refused.reason] += 1
            return
        self._written.add(refused.reason)
        log.warning("refused a request: HTTP %d: %s", refused.status, refused.reason)

    def flush(self) -> None:
        if self._counted:
            kinds = ", ".join(f"{n} x {reason}" for reason, n in self._counted.most_common(5))
            log.warning("refused %d more requests: %s", self._counted.total(), kinds)
        self._counted.clear()
        self._written.clear()
