"""An entry logged while TrackingTime is down is kept, added later by the worker, never twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.container import Services
from bot.slack_app import slack_client
from bot.worker import Worker
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded


def text_of(message: dict) -> str:  # type: ignore[type-arg]
    return str(message.get("blocks")) + message.get("text", "")


@pytest.fixture
async def worker_services(app: AppHarness) -> AsyncIterator[Services]:
    """The worker's own services on the app's database, as a separate process would have."""
    services = Services.create(app.settings)
    yield services
    await services.aclose()


def keep_one_entry(app: AppHarness, fake_tt: FakeTrackingTime) -> dict:  # type: ignore[type-arg]
    connect(app, ALICE, ALICE_PASSWORD)
    fake_tt.fail_next("outage", path_contains="/events/add")
    return app.reply_to(ALICE, "log 1h yesterday standup: kept")


async def test_kept_then_added_by_the_worker_and_the_user_is_told(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    seeded: Seeded,
    worker_services: Services,
) -> None:
    reply = keep_one_entry(app, fake_tt)
    assert "TrackingTime is not answering right now" in text_of(reply)
    assert "I've kept your entry" in text_of(reply)
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []
    assert await worker_services.pending.count() == 1

    worker = Worker(worker_services, slack_client(app.settings))
    assert await worker.retry_pending() == 1
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert event["notes"] == "kept" and event["duration"] == 3600
    assert await worker_services.pending.count() == 0
    dm = fake_slack.wait_for_calls("chat.postMessage")[-1]
    assert dm.args["channel"] == ALICE.user_id
    assert "TrackingTime is back" in str(dm.args["blocks"])
    assert "undo_entry" in str(dm.args["blocks"])
    assert await worker.retry_pending() == 0  # nothing left, nothing added twice
    assert len(fake_tt.events(seeded.account_id, seeded.alice_tt_id)) == 1


async def test_an_entry_that_did_reach_trackingtime_is_not_added_again(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    worker_services: Services,
) -> None:
    keep_one_entry(app, fake_tt)
    # The first attempt's add arrived after all (its answer was lost): the entry exists.
    yesterday = (datetime.now(ZoneInfo("Europe/Berlin")) - timedelta(days=1)).date()
    fake_tt.add_event(
        seeded.account_id,
        seeded.alice_tt_id,
        seeded.tasks["Standup/Internal"],
        f"{yesterday} 09:00:00",
        f"{yesterday} 10:00:00",
        "GMT+01:00",
        "kept",
    )
    worker = Worker(worker_services, slack_client(app.settings))
    assert await worker.retry_pending() == 1
    assert len(fake_tt.events(seeded.account_id, seeded.alice_tt_id)) == 1
    assert await worker_services.pending.count() == 0


async def test_still_down_means_try_again_later(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    worker_services: Services,
) -> None:
    keep_one_entry(app, fake_tt)
    fake_tt.fail_next("outage", times=5)
    worker = Worker(worker_services, slack_client(app.settings))
    assert await worker.retry_pending() == 1
    assert await worker.retry_pending() == 0  # not due again for a minute
    assert await worker_services.pending.count() == 1
    fake_tt.reset_failures()
    later = Worker(
        worker_services,
        slack_client(app.settings),
        lambda: datetime.now(UTC) + timedelta(minutes=2),
    )
    assert await later.retry_pending() == 1
    assert len(fake_tt.events(seeded.account_id, seeded.alice_tt_id)) == 1


async def test_after_a_day_of_failures_the_user_gets_the_entry_back(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    worker_services: Services,
) -> None:
    keep_one_entry(app, fake_tt)
    fake_tt.fail_next("outage", times=5)
    tomorrow = Worker(
        worker_services, slack_client(app.settings), lambda: datetime.now(UTC) + timedelta(hours=25)
    )
    assert await tomorrow.retry_pending() == 1
    assert await worker_services.pending.count() == 0
    dm = fake_slack.wait_for_calls("chat.postMessage")[-1]
    assert "couldn't add the entry you logged earlier" in str(dm.args["blocks"])
    assert "*1h 00m* on *Standup*" in str(dm.args["blocks"])


async def test_disconnecting_forgets_kept_entries(
    app: AppHarness, fake_tt: FakeTrackingTime, worker_services: Services
) -> None:
    keep_one_entry(app, fake_tt)
    app.reply_to(ALICE, "disconnect")
    assert await worker_services.pending.count() == 0
