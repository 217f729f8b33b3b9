"""Shared fixtures: the fakes (one server each per session, reset per test) and the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from tests.support.databases import app_database
from tests.support.harness import AppHarness
from tests.support.seed import Seeded, seed


@pytest.fixture(scope="session")
def fake_tt_server() -> Iterator[tuple[FakeTrackingTime, FakeTrackingTimeServer]]:
    fake = FakeTrackingTime()
    with fake.serve() as server:
        yield fake, server


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[tuple[FakeSlack, FakeSlackServer]]:
    fake = FakeSlack()
    with fake.serve() as server:
        yield fake, server


@pytest.fixture
def fake_tt(fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer]) -> FakeTrackingTime:
    fake, _ = fake_tt_server
    fake.reset()
    return fake


@pytest.fixture
def fake_slack(fake_slack_server: tuple[FakeSlack, FakeSlackServer]) -> FakeSlack:
    fake, _ = fake_slack_server
    fake.reset()
    return fake


@pytest.fixture
def seeded(fake_tt: FakeTrackingTime, fake_slack: FakeSlack) -> Seeded:
    return seed(fake_tt, fake_slack)


@pytest.fixture
def app(
    tmp_path: Path,
    seeded: Seeded,
    fake_slack: FakeSlack,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> Iterator[AppHarness]:
    with app_database(tmp_path) as database_url:
        harness = AppHarness(
            database_url, fake_slack, fake_slack_server[1].api_url, fake_tt_server[1].api_url
        )
        yield harness
        harness.close()
