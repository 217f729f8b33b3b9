"""Requests not signed by Slack are refused and change nothing."""

from __future__ import annotations

import time

import httpx

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SignedSlack, command_payload, event_payload
from bot.fakes.trackingtime import FakeTrackingTime
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded


def _disconnect_payload(app: AppHarness) -> dict[str, str]:
    return command_payload(
        ALICE,
        "disconnect",
        response_url=app.fake_slack.new_response_url(),
        trigger_id=app.fake_slack.new_trigger_id(),
    )


def _calls_after(fake_slack: FakeSlack, fake_tt: FakeTrackingTime) -> tuple[int, int, int]:
    time.sleep(0.3)  # a listener, had one run, would have called out by now
    return len(fake_slack.calls), len(fake_slack.responses), len(fake_tt.requests)


def test_bad_signature_is_refused_and_changes_nothing(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    before = _calls_after(fake_slack, fake_tt)
    forged = "v0=" + "0" * 64
    response = app.slack.command(_disconnect_payload(app), signature=forged)
    assert response.status_code == 401
    assert _calls_after(fake_slack, fake_tt) == before
    assert app.rows("select count(*) from linked_accounts") == [(1,)]


def test_signature_made_with_another_secret_is_refused(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    impostor = SignedSlack(app.server.url, "not-the-signing-secret")
    try:
        assert impostor.command(_disconnect_payload(app)).status_code == 401
        assert impostor.event(event_payload(ALICE, {"type": "app_uninstalled"})).status_code == 401
    finally:
        impostor.close()
    assert app.rows("select count(*) from linked_accounts") == [(1,)]


def test_stale_timestamp_is_refused_even_when_correctly_signed(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    before = _calls_after(fake_slack, fake_tt)
    six_minutes_ago = int(time.time()) - 6 * 60
    response = app.slack.command(_disconnect_payload(app), timestamp=six_minutes_ago)
    assert response.status_code == 401
    assert _calls_after(fake_slack, fake_tt) == before
    assert app.rows("select count(*) from linked_accounts") == [(1,)]


def test_missing_signature_headers_are_refused(app: AppHarness) -> None:
    response = httpx.post(app.slack.url, data={"command": "/track", "text": "disconnect"})
    assert response.status_code == 401


def test_healthz_reports_the_database(app: AppHarness) -> None:
    response = httpx.get(f"{app.server.url}/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
