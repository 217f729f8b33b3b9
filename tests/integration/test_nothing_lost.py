"""An entry logged while TrackingTime is down is kept, added later by the worker, never twice;
kept entries keep their identity, so ten that look alike all arrive, each once, whether one worker
or two add them, and an add whose answer was lost is found rather than repeated."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.container import Services
from bot.slack_app import slack_client
from bot.storage.pending import Claimed
from bot.trackingtime import Event
from bot.worker import LEASE, Worker
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


BERLIN = ZoneInfo("Europe/Berlin")
# More failures than the requests ten commands make: TrackingTime stays down throughout.
WHOLE_OUTAGE = 200
TEN = 10


def alices_events(fake_tt: FakeTrackingTime, seeded: Seeded) -> list[Event]:
    """Alice's entries as the app reads them (instants, notes), oldest first."""
    return [
        Event.from_api(e, BERLIN) for e in fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    ]


def arrived(events: Sequence[Event]) -> dict[str, int]:
    """How many entries carry each note."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.notes] = counts.get(event.notes, 0) + 1
    return counts


def assert_no_overlaps(events: Sequence[Event]) -> None:
    ordered = sorted(events, key=lambda e: e.start)
    for before, after in itertools.pairwise(ordered):
        assert before.end is not None and before.end <= after.start, (before, after)


def log_ten_while_down(app: AppHarness, fake_tt: FakeTrackingTime, kind: str) -> list[dict]:  # type: ignore[type-arg]
    """Alice logs half an hour (which arrives: the day's first entry), then, TrackingTime down,
    ten quarter hours yesterday, each with its own note."""
    connect(app, ALICE, ALICE_PASSWORD)
    assert "Logged" in text_of(app.reply_to(ALICE, "log 30m yesterday Standup: first"))
    fake_tt.fail_next(kind, times=WHOLE_OUTAGE)
    replies = [app.reply_to(ALICE, f"log 15m yesterday Standup: note {k}") for k in range(TEN)]
    fake_tt.reset_failures()
    return replies


async def two_workers_at_once(app: AppHarness, services: Services) -> None:
    """Two workers, each with its own connections to the database, claim five kept entries each
    and add them at the same time, as two worker processes would."""
    other = Services.create(app.settings)
    try:
        now = datetime.now(UTC)
        workers = [
            (Worker(mine, slack_client(app.settings)), await mine.pending.claim(now, LEASE, 5))
            for mine in (services, other)
        ]
        assert [len(claimed) for _, claimed in workers] == [5, 5]

        async def drain(worker: Worker, claimed: list[Claimed]) -> None:
            for item in claimed:  # one after another, as a worker's round does
                await worker._retry(item, now)

        await asyncio.gather(*(drain(worker, claimed) for worker, claimed in workers))
        assert await workers[0][0].retry_pending() == 0
    finally:
        await other.aclose()


@pytest.mark.parametrize("kind", ["unavailable", "outage"])
async def test_ten_entries_kept_in_an_outage_all_arrive_each_once_stacked(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    seeded: Seeded,
    worker_services: Services,
    kind: str,
) -> None:
    replies = log_ten_while_down(app, fake_tt, kind)
    for reply in replies:
        assert "I've kept your entry" in text_of(reply)
        assert "placed when TrackingTime answers" in text_of(reply)
    assert await worker_services.pending.count() == TEN

    worker = Worker(worker_services, slack_client(app.settings))
    assert await worker.retry_pending() == TEN
    assert await worker.retry_pending() == 0  # the worker ran twice; nothing left, nothing twice

    events = alices_events(fake_tt, seeded)
    counts = arrived(events)
    assert counts == {"first": 1, **{f"note {k}": 1 for k in range(TEN)}}  # all ten, once each
    assert_no_overlaps(events)
    first = events[0]
    assert first.notes == "first" and first.start.astimezone(BERLIN).hour == 9  # an empty day
    # The ten follow, one after the other, from where the first ended.
    starts = [e.start for e in events[1:]]
    assert starts == [first.end + timedelta(minutes=15 * k) for k in range(TEN)]
    assert await worker_services.pending.count() == 0
    told = [
        c for c in fake_slack.calls_to("chat.postMessage") if "TrackingTime is back" in str(c.args)
    ]
    assert len(told) == TEN


async def test_two_workers_at_once_place_the_ten_without_collisions(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    worker_services: Services,
) -> None:
    log_ten_while_down(app, fake_tt, "unavailable")
    await two_workers_at_once(app, worker_services)
    events = alices_events(fake_tt, seeded)
    assert arrived(events) == {"first": 1, **{f"note {k}": 1 for k in range(TEN)}}
    assert_no_overlaps(events)


async def test_ten_entries_at_the_same_times_all_arrive_and_lost_answers_are_not_doubled(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    worker_services: Services,
) -> None:
    """The case that used to lose nine of ten: the same task and times, different notes. Three
    of the first adds reached TrackingTime but their answers were lost; the rest failed."""
    connect(app, ALICE, ALICE_PASSWORD)
    fake_tt.fail_next("answer_lost", times=3, path_contains="/events/add")
    fake_tt.fail_next("unavailable", times=TEN - 3, path_contains="/events/add")
    replies = [
        app.reply_to(ALICE, f"log yesterday 9:00-9:15 Standup: note {k}") for k in range(TEN)
    ]
    assert all("I've kept your entry" in text_of(reply) for reply in replies)
    # The later ones say they overlap those TrackingTime (or the app) already has.
    assert "overlaps" not in text_of(replies[0]) and "overlaps" in text_of(replies[-1])
    assert len(alices_events(fake_tt, seeded)) == 3  # the three lost answers

    await two_workers_at_once(app, worker_services)
    events = alices_events(fake_tt, seeded)
    assert arrived(events) == {f"note {k}": 1 for k in range(TEN)}
    assert {(e.start.astimezone(BERLIN).time().isoformat(), e.task_id) for e in events} == {
        ("09:00:00", seeded.tasks["Standup/Internal"])
    }
    assert await worker_services.pending.count() == 0


async def test_an_entry_like_one_logged_before_is_added_not_taken_for_it(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    worker_services: Services,
) -> None:
    """Logged twice on purpose, the second time during an outage: both are added."""
    connect(app, ALICE, ALICE_PASSWORD)
    app.reply_to(ALICE, "log yesterday 14:00-15:00 Standup: retro")
    fake_tt.fail_next("unavailable", path_contains="/events/add")
    reply = app.reply_to(ALICE, "log yesterday 14:00-15:00 Standup: retro")
    assert "I've kept your entry" in text_of(reply) and "overlaps" in text_of(reply)
    worker = Worker(worker_services, slack_client(app.settings))
    assert await worker.retry_pending() == 1
    assert arrived(alices_events(fake_tt, seeded)) == {"retro": 2}
