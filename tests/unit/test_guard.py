"""The checks before Bolt (bot/guard.py): they refuse with a status and a reason, and never
raise anything else, whatever the headers and body."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.guard import (
    MOST_KINDS_WRITTEN,
    RefusalLog,
    Refused,
    check_shape,
    check_signature,
    parse_signed_body,
)
from bot.logs import UVICORN_PER_REQUEST, Throttle

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_531_420_618.0


def sign(body: bytes, stamp: str = str(int(NOW))) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {"x-slack-request-timestamp": stamp, "x-slack-signature": "v0=" + digest.hexdigest()}


def test_slacks_own_example_passes() -> None:
    """Slack's documented test vector (tests/reference/slack/README.md)."""
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
        b"-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F39770"
        b"0885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d"
        b"2c447fce8b6703c"
    )
    headers = {
        "x-slack-request-timestamp": "1531420618",
        "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    check_signature(SECRET, body, headers, now=NOW)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "no timestamp or signature header"),
        ({"x-slack-request-timestamp": "abc", "x-slack-signature": "v0="}, "not a plain number"),
        ({"x-slack-request-timestamp": "9" * 5000, "x-slack-signature": "v0="},
         "not a plain number"),
        ({"x-slack-request-timestamp": "\u0663\u0664", "x-slack-signature": "v0="},
         "not a plain number"),
        ({"x-slack-request-timestamp": str(int(NOW) - 301), "x-slack-signature": "v0="},
         "five minutes"),
        ({"x-slack-request-timestamp": str(int(NOW)), "x-slack-signature": "v1=" + "0" * 64},
         "v0= and 64 hex"),
        ({"x-slack-request-timestamp": str(int(NOW)), "x-slack-signature": "v0=" + "0" * 64},
         "does not match"),
    ],
)  # fmt: skip
def test_forged_headers_are_refused_with_their_reason(headers: dict[str, str], reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check_signature(SECRET, b"command=%2Ftrack", headers, now=NOW)
    assert refused.value.status == 401 and reason in refused.value.reason


@given(stamp=st.text(max_size=40), signature=st.text(max_size=80), body=st.binary(max_size=200))
def test_any_headers_are_refused_or_verified_never_an_error(
    stamp: str, signature: str, body: bytes
) -> None:
    headers = {"x-slack-request-timestamp": stamp, "x-slack-signature": signature}
    with pytest.raises(Refused):
        check_signature(SECRET, body, headers, now=NOW)


def test_a_correct_signature_over_other_bytes_is_refused() -> None:
    headers = sign(b"text=help")
    with pytest.raises(Refused, match="does not match"):
        check_signature(SECRET, b"text=disconnect", headers, now=NOW)


@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_body_is_read_or_refused_with_400(body: bytes) -> None:
    for content_type in ("application/x-www-form-urlencoded", "application/json", ""):
        try:
            parsed = parse_signed_body(body, content_type)
        except Refused as refused:
            assert refused.status == 400
            continue
        assert isinstance(parsed, dict)
        with pytest.raises(Refused) if _lacking(parsed) else _nothing():
            check_shape(parsed)


def _lacking(body: dict[str, Any]) -> bool:
    try:
        check_shape(body)
    except Refused:
        return True
    return False


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (urlencode({"payload": "[1]"}), "payload not a JSON object"),
        (urlencode({"payload": "{"}), "payload not JSON"),
        (urlencode({"payload": json.dumps({"user": {}})}), "payload without a type"),
        ("payload", "payload not JSON"),
        ("text=1&payload", "payload not JSON"),
        ("text=payload", "mentions payload without one"),
        ('{"event": {}}', "event body without a type"),
        ("{not json", "event body not JSON"),
    ],
)
def test_bodies_slack_would_not_send_are_refused(body: str, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        parse_signed_body(body.encode(), "application/x-www-form-urlencoded")


def test_an_event_body_must_be_an_object() -> None:
    with pytest.raises(Refused, match="event body not a JSON object"):
        parse_signed_body(b"[1]", "application/json")


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"command": "/track", "team_id": "T1"}, "user_id"),
        ({"type": "block_actions", "user": {"id": "U1"}, "actions": []}, "actions.0.action_id"),
        ({"type": "block_actions", "user": "U1", "actions": [{"action_id": "a"}]}, "user.id"),
        ({"type": "view_submission", "user": {"id": "U1"}, "view": {}}, "view.type"),
        ({"type": "view_submission", "user": {"id": "U1"}, "view": "x"}, "view not a JSON"),
        ({"type": "event_callback", "event": {}}, "event.type"),
        ({"type": "event_callback", "event": []}, "event not a JSON object"),
        ({"type": "app_rate_limited", "view": None}, "view not a JSON object"),
        ({"type": "block_actions", "user": {"id": "U1"}, "actions": [None]}, "actions not a"),
    ],
)
def test_bodies_lacking_what_is_read_from_them_are_refused(
    body: dict[str, Any], missing: str
) -> None:
    with pytest.raises(Refused, match=missing):
        check_shape(body)


def test_kinds_the_app_does_not_handle_go_on() -> None:
    check_shape({"type": "dialog_submission"})
    check_shape({"type": "app_rate_limited", "minute_rate_limited": 1})


def test_a_flood_of_refusals_is_counted_not_written_out(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    log = RefusalLog()
    for n in range(10_000):
        log.note(Refused(401, "signature does not match" if n % 2 else "no signature"))
    for n in range(MOST_KINDS_WRITTEN + 50):
        log.note(Refused(400, f"kind {n}"))
    assert len(caplog.records) == MOST_KINDS_WRITTEN
    log.flush()
    summary = caplog.records[-1].getMessage()
    assert "refused 10050 more requests" in summary
    assert "4999 x signature does not match" in summary
    log.flush()  # nothing counted since: nothing written
    assert len(caplog.records) == MOST_KINDS_WRITTEN + 1
    log.note(Refused(401, "no signature"))  # a new window writes the first of a kind again
    assert len(caplog.records) == MOST_KINDS_WRITTEN + 2


def test_a_line_anyone_can_cause_is_written_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    server_log = logging.getLogger("test.throttled")
    server_log.addFilter(Throttle(UVICORN_PER_REQUEST, every=60, clock=lambda: now[0]))
    caplog.set_level(logging.WARNING)
    for second in range(120):
        now[0] = float(second)
        for _ in range(10):
            server_log.warning("Invalid HTTP request received.")
        server_log.warning("something else")
    throttled = [r.getMessage() for r in caplog.records if "Invalid HTTP" in r.getMessage()]
    assert throttled == [
        "Invalid HTTP request received.",
        "Invalid HTTP request received. (599 more since the last one)",
    ]
    assert len([r for r in caplog.records if r.getMessage() == "something else"]) == 120
