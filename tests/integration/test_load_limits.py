"""A full web process answers at once and loses nothing (bot/admission.py), through the real
server: reads beyond its limit get a plain "busy" in the ack, what a user submits still goes
through, forged requests are still refused, and admitted work takes its turn after the ack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.blocks.messages import BUSY_TEXT
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.slack_requests import command_payload
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from tests.support.databases import app_database
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded

LATENCY = 0.6  # TrackingTime's, so that admitted commands stay in flight a while


@pytest.fixture
def small_app(
    tmp_path: Path,
    seeded: Seeded,
    fake_slack: FakeSlack,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
    request: pytest.FixtureRequest,
) -> Iterator[AppHarness]:
    """An app that takes on four requests (one more for submissions), ``param`` running."""
    env = {"MAX_IN_FLIGHT": "4", "MAX_RUNNING": str(getattr(request, "param", 4))}
    with app_database(tmp_path) as database_url:
        harness = AppHarness(
            database_url,
            fake_slack,
            fake_slack_server[1].api_url,
            fake_tt_server[1].api_url,
            env=env,
        )
        connect(harness, ALICE, ALICE_PASSWORD)
        yield harness
        harness.close()


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("blocks")) + message.get("text", "")


def test_reads_beyond_the_limit_are_told_busy_and_submissions_still_go_through(
    small_app: AppHarness, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.latency = LATENCY
    admitted = []
    for _ in range(4):
        ack, response_url = small_app.command(ALICE, "status")
        assert ack.status_code == 200 and ack.text == ""  # taken on: the reply follows
        admitted.append(response_url)

    busy, busy_url = small_app.command(ALICE, "today")
    assert busy.status_code == 200
    answer = busy.json()
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith(BUSY_TEXT)
    assert "/track today" in answer["text"]

    logged, log_url = small_app.command(ALICE, "log 30m yesterday Standup: still taken")
    assert logged.status_code == 200 and logged.text == ""  # a submission: room was kept

    for response_url in admitted:
        assert "Today:" in text_of(small_app.wait_for_post(response_url, timeout=15).body)
    assert "Logged" in text_of(small_app.wait_for_post(log_url, timeout=15).body)
    assert not [post for post in small_app.fake_slack.responses if post.url == busy_url]


def test_a_forged_request_is_refused_even_when_the_process_is_full(
    small_app: AppHarness, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.latency = LATENCY
    for _ in range(4):
        small_app.command(ALICE, "status")
    payload = command_payload(ALICE, "status", response_url="https://x.test/", trigger_id="1.2")
    forged = small_app.slack.command(payload, signature="v0=" + "0" * 64)
    assert forged.status_code == 401


@pytest.mark.parametrize("small_app", [1], indirect=True)
def test_admitted_commands_are_acked_at_once_and_run_one_at_a_time(
    small_app: AppHarness, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.latency = LATENCY
    seen = len(fake_tt.requests)
    sent = []
    for _ in range(3):
        ack, response_url = small_app.command(ALICE, "status")
        assert ack.status_code == 200 and ack.text == ""
        sent.append(response_url)
    for response_url in sent:
        assert "Today:" in text_of(small_app.wait_for_post(response_url, timeout=15).body)
    # Each status asks TrackingTime two things at once; with one running at a time, never more
    # than those two calls were open together.
    calls = [r.time for r in fake_tt.requests[seen:]]
    assert len(calls) == 6
    most_at_once = max(sum(1 for t in calls if s <= t < s + LATENCY) for s in calls)
    assert most_at_once == 2
