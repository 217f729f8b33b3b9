"""Hostile requests to ``POST /slack/events`` of the real server (bot/guard.py): forged headers
get 401, malformed bodies 4xx or a plain ack, oversized ones 413 without being read; none gets a
500, none reaches Slack, TrackingTime or the database, and the log holds no traceback."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import socket
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import command_payload
from bot.fakes.trackingtime import FakeTrackingTime
from bot.guard import MAX_BODY_BYTES
from tests.support.flows import connect
from tests.support.harness import SIGNING_SECRET, AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def linked(app: AppHarness, seeded: Seeded) -> AppHarness:
    connect(app, ALICE, ALICE_PASSWORD)
    return app


def reached(app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime) -> tuple:  # type: ignore[type-arg]
    """What the app has done so far, outside and in its database."""
    time.sleep(0.2)  # a listener, had one run, would have called out by now
    rows = app.rows("select count(*) from linked_accounts")
    return len(fake_slack.calls), len(fake_slack.responses), len(fake_tt.requests), rows


def disconnect_body(app: AppHarness) -> str:
    """A request that would delete Alice's link, if it were taken."""
    return urlencode(
        command_payload(
            ALICE, "disconnect", response_url=app.fake_slack.new_response_url(), trigger_id="1.2"
        )
    )


def post(
    app: AppHarness, body: str | bytes, headers: dict[str, str], content_type: str = FORM
) -> httpx.Response:
    return httpx.post(
        app.slack.url,
        content=body.encode() if isinstance(body, str) else body,
        headers={"Content-Type": content_type, **headers},
        timeout=10,
    )


def signed(body: str | bytes, stamp: str | None = None) -> dict[str, str]:
    stamp = stamp or str(int(time.time()))
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def raw_post(app: AppHarness, headers: dict[str, str], body: str) -> int:
    """POST with header values sent byte for byte, as no well-behaved client would send them
    (spaces around them, control and non-ASCII characters); returns the status code."""
    url = urlsplit(app.slack.url)
    lines = [f"POST {url.path} HTTP/1.1", f"Host: {url.hostname}", f"Content-Type: {FORM}",
             f"Content-Length: {len(body.encode())}", "Connection: close"]  # fmt: skip
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n"
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(request + body.encode())
        status_line = connection.makefile("rb").readline().decode("latin-1")
    return int(status_line.split()[1])


# --- Forged headers -------------------------------------------------------------------------

NOW = str(int(time.time()))
FORGED_TIMESTAMPS = [
    "abc", "1e9", "0x10", " 1", "1 ", "+1", "-1", "1.5", "", "9" * 5000,
    "\u0663\u0664\u0665", "\uff11\uff12\uff13",  # digits, but not ASCII
    str(int(time.time()) - 301), str(int(time.time()) + 301), "0", "\xff" * 20,
]  # fmt: skip
FORGED_SIGNATURES = ["", "v0=", "v0=" + "0" * 64, "v1=" + "a" * 64, "v0=" + "a" * 63,
                     "v0=" + "G" * 64, "v0=" + "a" * 65, "garbage", "v0=" + "é" * 64]  # fmt: skip


def forged_headers(rng: random.Random) -> dict[str, str]:
    """One of the families: bad timestamp, bad signature, one missing, another secret's."""
    family = rng.randrange(5)
    stamp = rng.choice(FORGED_TIMESTAMPS) if family == 0 else NOW
    random_signature = f"v0={rng.getrandbits(256):064x}"
    signature = rng.choice(FORGED_SIGNATURES) if family == 1 else random_signature
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    if family == 2:
        del headers[rng.choice(list(headers))]
    return headers


def test_a_thousand_forged_requests_get_401_and_reach_nothing(
    linked: AppHarness,
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
    log_lines: pytest.LogCaptureFixture,
) -> None:
    before = reached(linked, fake_slack, fake_tt)
    rng = random.Random(17)
    body = disconnect_body(linked)
    statuses = Counter(raw_post(linked, forged_headers(rng), body) for _ in range(1000))
    assert statuses == {401: 1000}
    assert reached(linked, fake_slack, fake_tt) == before
    # One line per kind of refusal, not one per request.
    assert len([r for r in log_lines.records if "refused" in r.getMessage()]) < 20


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stamp=st.one_of(st.text(max_size=30), st.integers().map(str), st.just("7" * 5000)),
    signature=st.one_of(st.text(max_size=80), st.from_regex(r"v0=[0-9a-f]{64}", fullmatch=True)),
)
def test_any_header_values_without_the_secret_are_refused(
    linked: AppHarness, stamp: str, signature: str
) -> None:
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    assert raw_post(linked, headers, disconnect_body(linked)) in (400, 401)


def test_header_bytes_http_forbids_get_400_and_a_bounded_log(
    linked: AppHarness, log_lines: pytest.LogCaptureFixture
) -> None:
    """uvicorn refuses them before the app, with a warning it writes once a minute at most."""
    forged = {"X-Slack-Request-Timestamp": NOW + "\x00", "X-Slack-Signature": "v0=" + "0" * 64}
    assert {raw_post(linked, forged, "text=x") for _ in range(200)} == {400}
    invalid = [r for r in log_lines.records if "Invalid HTTP request" in r.getMessage()]
    assert len(invalid) <= 1  # none if this process wrote one in the last minute


def test_a_valid_signature_over_another_body_is_refused(
    linked: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    before = reached(linked, fake_slack, fake_tt)
    harmless = urlencode(command_payload(ALICE, "help", response_url="x", trigger_id="1"))
    response = post(linked, disconnect_body(linked), signed(harmless))
    assert response.status_code == 401
    assert reached(linked, fake_slack, fake_tt) == before


# --- Malformed bodies, correctly signed -------------------------------------------------------


def interaction(payload: Any) -> str:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)})


USER = {"id": ALICE.user_id, "team_id": ALICE.team_id}
TEAM = {"id": ALICE.team_id}
JSON = "application/json"


def by(kind: str, **fields: Any) -> str:
    """An interaction of ``kind`` from Alice, with ``fields`` (``None`` leaves one out)."""
    payload = {"type": kind, "user": USER, "team": TEAM, **fields}
    return interaction({k: v for k, v in payload.items() if v is not None})


def event(**fields: Any) -> str:
    return json.dumps({"type": "event_callback", "team_id": ALICE.team_id, "event": fields})


def command(**fields: str) -> str:
    return urlencode({"command": "/track", "text": "status", **fields})


LOG_FORM = {"callback_id": "log_time", "state": {"values": [1]}, "private_metadata": "{"}
EDIT_FORM = {"callback_id": "edit_entry", "state": {"values": {}}, "private_metadata": "[]"}
MALFORMED: list[tuple[str, str | bytes, str]] = [
    ("empty body", "", FORM),
    ("not form-encoded", "\x00\x01binary", "application/octet-stream"),
    ("not UTF-8", b"payload=\xff\xfe", FORM),
    ("payload not JSON", interaction("not-json"), FORM),
    ("payload a list", interaction([1, 2]), FORM),
    ("payload null", interaction(None), FORM),
    ("payload a string", interaction("just text"), FORM),
    ("payload deeply nested", interaction("[" * 100_000), FORM),
    ("payload without type", interaction({"user": USER, "team": TEAM}), FORM),
    ("payload type not a string", interaction({"type": 5, "user": USER}), FORM),
    ("unknown payload type", by("dialog_submission"), FORM),
    ("a kind nobody handles, its view null",
     interaction({"type": "app_rate_limited", "user": None, "view": None}), FORM),
    ("block_actions without user", by("block_actions", user=None, actions=[]), FORM),
    ("block_actions without team", by("block_actions", team=None, actions=[]), FORM),
    ("block_actions without actions", by("block_actions"), FORM),
    ("block_actions with actions not a list", by("block_actions", actions="x"), FORM),
    ("block_actions with an empty action", by("block_actions", actions=[{}]), FORM),
    ("block_actions by a user that is a string",
     by("block_actions", user="U1", actions=[{"action_id": "stop_timer"}]), FORM),
    ("block_actions with an unknown action",
     by("block_actions", actions=[{"action_id": "nope", "block_id": "b"}]), FORM),
    ("block_actions with a value of the wrong shape",
     by("block_actions", actions=[{"action_id": "start_task", "value": "{]"}]), FORM),
    ("view_submission without view", by("view_submission"), FORM),
    ("view_submission with view a string", by("view_submission", view="x"), FORM),
    ("view_submission without state", by("view_submission", view={"callback_id": "log_time"}),
     FORM),
    ("view_submission with state of the wrong shape", by("view_submission", view=LOG_FORM), FORM),
    ("view_submission of the edit form with nonsense metadata",
     by("view_submission", view=EDIT_FORM), FORM),
    ("view_closed without view", by("view_closed"), FORM),
    ("block_suggestion without value", by("block_suggestion", action_id="task"), FORM),
    ("shortcut without callback_id", by("shortcut"), FORM),
    ("message_action without message", by("message_action", callback_id="log_message"), FORM),
    ("command without user", command(team_id=ALICE.team_id), FORM),
    ("command without team", command(user_id=ALICE.user_id, text="disconnect"), FORM),
    ("unknown command", command(command="/other", user_id="U1", team_id="T1"), FORM),
    ("form of nothing", "a=b&c", FORM),
    ("event body not JSON", "{not json", JSON),
    ("event body a list", "[1, 2]", JSON),
    ("event body without type", json.dumps({"event": {}}), JSON),
    ("event_callback without event", json.dumps({"type": "event_callback", "team_id": "T1"}), JSON),
    ("event_callback with event a list", json.dumps({"type": "event_callback", "event": []}), JSON),
    ("event_callback of an unknown event", event(type="reaction_added", user=ALICE.user_id), JSON),
    ("app_home_opened without user", event(type="app_home_opened"), JSON),
    ("app_home_opened with a user that is a list", event(type="app_home_opened", user=[1]), JSON),
    ("tokens_revoked of the wrong shape", event(type="tokens_revoked", tokens="x"), JSON),
    ("url_verification without challenge", json.dumps({"type": "url_verification"}), JSON),
]  # fmt: skip


@pytest.mark.parametrize(("what", "body", "content_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_signed_bodies_get_no_5xx_and_change_nothing(
    linked: AppHarness,
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
    log_lines: pytest.LogCaptureFixture,
    what: str,
    body: str | bytes,
    content_type: str,
) -> None:
    before = reached(linked, fake_slack, fake_tt)
    response = post(linked, body, signed(body), content_type)
    assert response.status_code < 500, (what, response.status_code, response.text)
    assert reached(linked, fake_slack, fake_tt)[3] == before[3]  # Alice is still linked


# --- Size --------------------------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413(linked: AppHarness) -> None:
    body = "text=" + "x" * (MAX_BODY_BYTES + 1)
    assert post(linked, body, signed(body)).status_code == 413


def test_a_declared_size_over_the_limit_gets_413_before_the_body_is_sent(
    linked: AppHarness,
) -> None:
    """The answer comes with only the headers sent: the rest is never read."""
    url = urlsplit(linked.slack.url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as connection:
        connection.sendall(
            f"POST {url.path} HTTP/1.1\r\nHost: {url.hostname}\r\n"
            f"Content-Type: {FORM}\r\nContent-Length: {50 * MAX_BODY_BYTES}\r\n"
            f"X-Slack-Request-Timestamp: {int(time.time())}\r\n"
            f"X-Slack-Signature: v0={'0' * 64}\r\n\r\ntext=".encode()
        )
        answer = connection.recv(200).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")


def test_a_body_just_under_the_limit_is_read_and_checked(linked: AppHarness) -> None:
    body = "text=" + "x" * (MAX_BODY_BYTES - 10)
    forged = {"X-Slack-Signature": "v0=" + "0" * 64, "X-Slack-Request-Timestamp": NOW}
    assert post(linked, body, forged).status_code == 401


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
kinds = st.sampled_from(
    ["block_actions", "view_submission", "view_closed", "block_suggestion", "shortcut",
     "message_action", "event_callback", "url_verification", "app_rate_limited"]
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=kinds,
    fields=st.dictionaries(
        st.sampled_from(["user", "team", "actions", "view", "event", "callback_id", "value",
                         "action_id", "message", "trigger_id", "response_url", "state"]),
        json_values,
        max_size=6,
    ),
    as_event=st.booleans(),
)  # fmt: skip
def test_any_signed_body_of_any_kind_gets_no_5xx(
    linked: AppHarness, log_lines: pytest.LogCaptureFixture, kind: str, fields: dict, as_event: bool
) -> None:
    payload = {**fields, "type": kind}
    body = json.dumps(payload) if as_event else interaction(payload)
    response = post(linked, body, signed(body), JSON if as_event else FORM)
    assert response.status_code < 500, (payload, response.status_code)
