"""The client's webhook calls against the fake TrackingTime (and replies it cannot make)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.trackingtime import Forbidden, NotFound, TrackingTime, TrackingTimeSession, Unavailable

PW = "hooks-client-app-pw"


@pytest.fixture
async def tt(
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> AsyncIterator[TrackingTime]:
    client = TrackingTime(fake_tt_server[1].api_url)
    yield client
    await client.aclose()


@pytest.fixture
def account(fake_tt: FakeTrackingTime) -> int:
    acc = fake_tt.add_account("Acme")
    fake_tt.add_user("ann@acme.test", PW, "Ann", accounts=[acc])
    return acc


@pytest.fixture
def ann(tt: TrackingTime, account: int) -> TrackingTimeSession:
    return tt.session(PW, account, "Europe/Berlin")


async def test_add_webhook_registers_as_the_official_trigger_does(
    ann: TrackingTimeSession, account: int, fake_tt: FakeTrackingTime
) -> None:
    hook_id, secret = await ann.add_webhook("https://bot.example/trackingtime/hooks/tok")
    request = fake_tt.requests[-1]
    assert (request.method, request.path) == ("GET", f"/api/v4/{account}/webhooks/add")
    assert request.params == {
        "url": "https://bot.example/trackingtime/hooks/tok",
        "events": "event.created,event.updated",
        "grouped": "false",
    }
    [hook] = fake_tt.webhooks(account)
    assert (hook["id"], hook["secret"]) == (hook_id, secret)


async def test_delete_webhook_and_a_second_delete_is_not_found(
    ann: TrackingTimeSession, account: int, fake_tt: FakeTrackingTime
) -> None:
    hook_id, _ = await ann.add_webhook("https://bot.example/h")
    await ann.delete_webhook(hook_id)
    assert fake_tt.requests[-1].path == f"/api/v4/{account}/webhooks/{hook_id}/delete"
    assert fake_tt.webhooks(account) == []
    with pytest.raises(NotFound):
        await ann.delete_webhook(hook_id)


async def test_a_refusal_is_forbidden(
    ann: TrackingTimeSession, account: int, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.refuse_webhooks(account)
    with pytest.raises(Forbidden):
        await ann.add_webhook("https://bot.example/h")
    assert fake_tt.webhooks(account) == []


def _replying(data: Any) -> TrackingTime:
    envelope = {"response": {"status": 200, "message": "ok"}, "data": data}
    return TrackingTime(
        "https://tt.example/api/v4",
        transport=httpx.MockTransport(
            lambda _: httpx.Response(200, content=json.dumps(envelope).encode(),
                                     headers={"content-type": "application/json"})
        ),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"id": 7, "secret": "s3"}, (7, "s3")),
        ({"id": "7"}, (7, None)),
        ({"id": 7, "secret": ""}, (7, None)),
    ],
)
async def test_add_webhook_reads_the_id_and_an_optional_secret(
    data: Any, expected: tuple[int, str | None]
) -> None:
    client = _replying(data)
    try:
        assert await client.session(PW, 1).add_webhook("https://bot.example/h") == expected
    finally:
        await client.aclose()


@pytest.mark.parametrize("data", [None, [], {"secret": "s"}, {"id": True}, {"id": "x7"}])
async def test_a_reply_without_a_webhook_id_is_unavailable(data: Any) -> None:
    client = _replying(data)
    try:
        with pytest.raises(Unavailable):
            await client.session(PW, 1).add_webhook("https://bot.example/h")
    finally:
        await client.aclose()
