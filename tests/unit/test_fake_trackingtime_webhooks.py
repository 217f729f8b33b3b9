"""The fake TrackingTime's webhooks: registering them as the official n8n trigger does, the
refusal switch, and the posts it makes when entries change (to a small receiver over HTTP)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.fakes.server import BackgroundServer
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer

PW = "hook-owner-password"
OTHER_PW = "hook-other-password"
DATE = "2026-11-20 09:00:00"
EVENTS = "event.created,event.updated"


@dataclass
class Receiver:
    """Takes webhook posts and keeps them; ``delay`` holds each answer that long."""

    received: list[tuple[str, Any]] = field(default_factory=list)
    delay: float = 0.0

    async def take(self, request: Request) -> Response:
        self.received.append((request.url.path, await request.json()))
        await asyncio.sleep(self.delay)
        return Response(status_code=200)


@dataclass
class World:
    acc: int
    other_acc: int
    ann: int
    task: int
    other_task: int


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/{path:path}", receiver.take, methods=["POST"])])
    with BackgroundServer(app) as server:
        yield receiver, server.url


@pytest.fixture
def receiver(receiver_server: tuple[Receiver, str]) -> tuple[Receiver, str]:
    receiver, url = receiver_server
    receiver.received.clear()
    receiver.delay = 0.0
    return receiver, url


@pytest.fixture
def fake(fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer]) -> FakeTrackingTime:
    fake_tt_server[0].reset()
    return fake_tt_server[0]


@pytest.fixture
def world(fake: FakeTrackingTime) -> World:
    acc = fake.add_account("Acme")
    other_acc = fake.add_account("Elsewhere")
    ann = fake.add_user("ann@acme.test", PW, "Ann", accounts=[acc])
    fake.add_user("olga@else.test", OTHER_PW, "Olga", accounts=[other_acc])
    return World(
        acc, other_acc, ann, fake.add_task(acc, "Design"), fake.add_task(other_acc, "Elsewhere")
    )


@pytest.fixture
def api(fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer]) -> Iterator[httpx.Client]:
    url = fake_tt_server[1].api_url
    with httpx.Client(base_url=url, auth=("API_TOKEN", PW), timeout=5) as client:
        yield client


def answer(resp: httpx.Response) -> tuple[int, Any]:
    assert resp.status_code == 200, resp.text
    return resp.json()["response"]["status"], resp.json()["data"]


def data(resp: httpx.Response) -> Any:
    status, value = answer(resp)
    assert status == 200, resp.text
    return value


def register(api: httpx.Client, acc: int, url: str, events: str = EVENTS) -> dict[str, Any]:
    """As the official n8n trigger registers one: GET with a query string."""
    query = {"url": url, "events": events, "grouped": "false"}
    hook: dict[str, Any] = data(api.get(f"/{acc}/webhooks/add", params=query))
    return hook


def test_add_list_and_delete_both_spellings(
    api: httpx.Client, fake: FakeTrackingTime, world: World
) -> None:
    first = register(api, world.acc, "https://app.example/hooks/a")
    second = register(api, world.acc, "https://app.example/hooks/b")
    assert isinstance(first["id"], int) and first["id"] != second["id"]
    assert first["secret"] and first["secret"] != second["secret"]
    assert first["url"] == "https://app.example/hooks/a"
    listed = data(api.get(f"/{world.acc}/webhooks"))
    assert [hook["id"] for hook in listed] == [first["id"], second["id"]]
    assert fake.webhooks(world.acc) == listed
    assert fake.webhooks(world.other_acc) == []

    assert data(api.get(f"/{world.acc}/webhooks/{first['id']}/delete"))["id"] == first["id"]
    assert data(api.post(f"/{world.acc}/webhooks/delete/{second['id']}"))["id"] == second["id"]
    assert data(api.get(f"/{world.acc}/webhooks")) == []
    assert answer(api.get(f"/{world.acc}/webhooks/delete/{first['id']}"))[0] == 404


def test_another_accounts_webhook_is_not_found(
    api: httpx.Client, fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer], world: World
) -> None:
    theirs = httpx.get(
        f"{fake_tt_server[1].api_url}/{world.other_acc}/webhooks/add",
        params={"url": "https://x.example/h", "events": EVENTS},
        auth=("API_TOKEN", OTHER_PW),
    )
    hook_id = data(theirs)["id"]
    assert answer(api.get(f"/{world.acc}/webhooks/{hook_id}/delete"))[0] == 404
    assert answer(api.get(f"/{world.other_acc}/webhooks"))[0] == 403  # not Ann's account


@pytest.mark.parametrize(
    "query",
    [
        {"events": EVENTS},
        {"url": "not a url", "events": EVENTS},
        {"url": "ftp://x.example/h", "events": EVENTS},
        {"url": "https://x.example/h"},
        {"url": "https://x.example/h", "events": "event.created,task.created"},
        {"url": "https://x.example/h", "events": EVENTS, "grouped": "true"},
    ],
)
def test_add_checks_its_parameters(
    api: httpx.Client, fake: FakeTrackingTime, world: World, query: dict[str, str]
) -> None:
    status, _ = answer(api.get(f"/{world.acc}/webhooks/add", params=query))
    assert status == 400
    assert fake.webhooks() == []


def test_a_refusing_account_answers_403_until_allowed_again(
    api: httpx.Client, fake: FakeTrackingTime, world: World
) -> None:
    hook = register(api, world.acc, "https://x.example/h")
    fake.refuse_webhooks(world.acc)
    query = {"url": "https://x.example/h2", "events": EVENTS, "grouped": "false"}
    for resp in (
        api.get(f"/{world.acc}/webhooks/add", params=query),
        api.get(f"/{world.acc}/webhooks"),
        api.get(f"/{world.acc}/webhooks/{hook['id']}/delete"),
    ):
        status, _ = answer(resp)
        assert status == 403
        assert "permission" in resp.json()["response"]["message"]
    assert len(fake.webhooks(world.acc)) == 1
    fake.refuse_webhooks(world.acc, refuse=False)
    register(api, world.acc, "https://x.example/h2")
    fake.refuse_webhooks(world.acc)
    fake.reset()
    assert fake.webhooks() == []


def test_timer_start_and_stop_are_posted(
    api: httpx.Client, fake: FakeTrackingTime, world: World, receiver: tuple[Receiver, str]
) -> None:
    got, url = receiver
    hook = register(api, world.acc, f"{url}/hooks/acme")
    register(api, world.acc, f"{url}/hooks/created-only", "event.created")
    params = {"date": DATE, "timezone": "GMT+01:00"}
    started = data(api.get(f"/{world.acc}/tasks/track/{world.task}", params=params))
    stop_params = {"date": "2026-11-20 10:00:00", "timezone": "GMT+01:00"}
    data(api.get(f"/{world.acc}/tasks/stop/{world.task}", params=stop_params))

    deliveries = fake.wait_for_deliveries(3)
    mine = [d for d in deliveries if d.hook_id == hook["id"]]
    assert [d.body["event"] for d in sorted(mine, key=lambda d: d.time)] == [
        "event.created",
        "event.updated",
    ]
    assert all(d.status == 200 and d.error == "" for d in deliveries)
    created = next(d.body["data"] for d in mine if d.body["event"] == "event.created")
    assert created["id"] == started["id"] and created["user_id"] == world.ann
    assert created["end"] is None
    assert sorted(path for path, _ in got.received) == [
        "/hooks/acme",
        "/hooks/acme",
        "/hooks/created-only",
    ]


def test_entries_added_changed_and_deleted_are_posted_as_asked(
    api: httpx.Client, fake: FakeTrackingTime, world: World, receiver: tuple[Receiver, str]
) -> None:
    _, url = receiver
    register(api, world.acc, f"{url}/all", "event.created,event.updated,event.deleted")
    form = {
        "start": DATE,
        "end": "2026-11-20 10:00:00",
        "timezone": "GMT+01:00",
        "task_id": world.task,
    }
    entry = data(api.post(f"/{world.acc}/events/add", data=form))
    data(api.post(f"/{world.acc}/events/update/{entry['id']}", data={"notes": "changed"}))
    data(api.get(f"/{world.acc}/events/delete/{entry['id']}"))
    names = sorted(d.body["event"] for d in fake.wait_for_deliveries(3))
    assert names == ["event.created", "event.deleted", "event.updated"]


def test_a_timer_that_replaces_another_posts_both(
    api: httpx.Client, fake: FakeTrackingTime, world: World, receiver: tuple[Receiver, str]
) -> None:
    _, url = receiver
    register(api, world.acc, f"{url}/h")
    first = fake.start_timer(world.acc, world.ann, world.task, DATE, "GMT+01:00")  # seeded
    params = {"date": "2026-11-20 09:30:00", "timezone": "GMT+01:00", "stop_running_task": "true"}
    second = data(api.get(f"/{world.acc}/tasks/track/{world.task}", params=params))
    bodies = {(d.body["event"], d.body["data"]["id"]) for d in fake.wait_for_deliveries(3)}
    assert bodies == {
        ("event.created", first),
        ("event.updated", first),
        ("event.created", second["id"]),
    }


def test_other_accounts_changes_are_not_posted(
    api: httpx.Client, fake: FakeTrackingTime, world: World, receiver: tuple[Receiver, str]
) -> None:
    got, url = receiver
    register(api, world.acc, f"{url}/h")
    other_user = fake.add_user("x@else.test", "x-pw", "X", accounts=[world.other_acc])
    fake.start_timer(world.other_acc, other_user, world.other_task, DATE, "GMT+01:00")
    time.sleep(0.2)
    assert fake.webhook_deliveries() == [] and got.received == []


def test_the_answer_never_waits_for_the_post(
    api: httpx.Client, fake: FakeTrackingTime, world: World, receiver: tuple[Receiver, str]
) -> None:
    got, url = receiver
    got.delay = 1.5
    register(api, world.acc, f"{url}/slow")
    started = time.monotonic()
    data(api.get(f"/{world.acc}/tasks/track/{world.task}", params={"date": DATE}))
    assert time.monotonic() - started < 1.0
    assert fake.webhook_deliveries() == []
    [delivery] = fake.wait_for_deliveries(1, timeout=5)
    assert delivery.status == 200


def test_a_failed_post_is_recorded_and_changes_nothing(
    api: httpx.Client, fake: FakeTrackingTime, world: World
) -> None:
    register(api, world.acc, "http://127.0.0.1:9/nobody-listens")
    data(api.get(f"/{world.acc}/tasks/track/{world.task}", params={"date": DATE}))
    [delivery] = fake.wait_for_deliveries(1)
    assert delivery.status is None and delivery.error
    assert fake.running_task(world.acc, world.ann) is not None


def test_posts_after_the_server_stopped_are_recorded_and_reset_forgets_them() -> None:
    fake = FakeTrackingTime()
    acc = fake.add_account("Acme")
    user = fake.add_user("a@a.test", "pw", "A", accounts=[acc])
    task = fake.add_task(acc, "T")
    with (
        fake.serve() as server,
        httpx.Client(base_url=server.api_url, auth=("API_TOKEN", "pw")) as api,
    ):
        register(api, acc, "http://127.0.0.1:9/h", "event.created")
    fake.start_timer(acc, user, task, DATE, "GMT+01:00")
    [delivery] = fake.webhook_deliveries()
    assert delivery.status is None and "not being served" in delivery.error
    fake.reset()
    assert fake.webhook_deliveries() == []
