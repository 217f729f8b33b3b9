"""What the fake TrackingTime looks like on the wire: the envelope every JSON reply comes in,
the errors that end up inside it, how parameters are read, and the HTML pages of a gateway.

Everything here is pure: no state, no lock.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

API_PREFIX = "/api/v4"
API_VERSION = "4"
OK_MESSAGE = "Request completed successfully"

FAILURE_KINDS = frozenset(
    {
        "outage",
        "unavailable",
        "rate_limit",
        "server_error",
        "unauthorized_in_body",
        "hang",
        "not_json",
        "answer_lost",
    }
)
"""The kinds accepted by :meth:`FakeTrackingTime.fail_next`."""

# Parameters whose values a recorded request never keeps.
SECRET_PARAMS = frozenset({"password", "app_password", "token"})
REDACTED = "<redacted>"

HTML_PAGES: dict[int, str] = {
    200: (
        "<!DOCTYPE html><html><head><title>TrackingTime</title></head><body>"
        "<h1>We'll be back soon</h1><p>TrackingTime is down for maintenance.</p></body></html>"
    ),
    502: (
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        "</h1></center><hr><center>nginx</center></body></html>"
    ),
    503: (
        "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
        "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center>"
        "</body></html>"
    ),
    504: (
        "<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway "
        "Time-out</h1></center><hr><center>nginx</center></body></html>"
    ),
}


@dataclass
class Reply:
    """What the fake answers: an HTTP status, the envelope's status (None for HTML) and body."""

    http_status: int
    api_status: int | None
    body: str
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """Raised by handlers; becomes an HTTP 200 envelope carrying ``status`` and ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def envelope(status: int, message: str, data: Any) -> str:
    return json.dumps(
        {
            "response": {
                "status": status,
                "version": API_VERSION,
                "message": message,
                "note": None,
                "note_type": None,
            },
            "data": data,
        }
    )


def ok(data: Any) -> Reply:
    return Reply(200, 200, envelope(200, OK_MESSAGE, data))


def error(status: int, message: str, http_status: int = 200) -> Reply:
    return Reply(http_status, status, envelope(status, message, None))


def html(http_status: int) -> Reply:
    return Reply(http_status, None, HTML_PAGES[http_status], media_type="text/html")


def rate_limited() -> Reply:
    """A real HTTP 429 with envelope status 429 and no ``Retry-After`` (none is documented)."""
    return error(429, "Too many requests. Please slow down.", http_status=429)


def basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def stringify(value: Any) -> str:
    """JSON body values become what the same value looks like as a form field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def flag(params: dict[str, str], name: str) -> bool:
    """Java ``Boolean.parseBoolean``: only ``true`` (any case) is true."""
    return params.get(name, "").strip().lower() == "true"


def int_param(params: dict[str, str], name: str, default: int | None = None) -> int | None:
    raw = params.get(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"The parameter '{name}' must be an integer") from None


def choice_param(params: dict[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    """An upper-cased ``filter``-like parameter that must be one of ``allowed`` (status 400)."""
    value = params.get(name, default).upper()
    if value not in allowed:
        listed = ", ".join(allowed[:-1]) + f" or {allowed[-1]}"
        raise ApiError(400, f"The parameter '{name}' must be {listed}")
    return value


def page_params(params: dict[str, str], default_size: int, max_size: int) -> tuple[int, int]:
    """``page`` (0-based) and ``page_size`` (capped at ``max_size``), both checked."""
    page = int_param(params, "page", 0) or 0
    page_size = int_param(params, "page_size", default_size)
    if page < 0 or page_size is None or page_size < 1:
        raise ApiError(400, "The parameters 'page' and 'page_size' must be positive")
    return page, min(page_size, max_size)
