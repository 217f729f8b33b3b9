"""The TrackingTime webhook of each account, set up through the fake TrackingTime over HTTP and
kept in the real database (SQLite and PostgreSQL): registered once, a refusal recorded and not
asked again for a day, failures left for next time, and what a post to it makes due."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.crypto import Keyring, generate_key
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.services.webhooks import RETRY_REFUSED_AFTER, Hooked, WebhookService, changed_user
from bot.storage import AccountStore, Database, Link, SlackUserKey
from bot.storage.models import LinkedAccount
from bot.storage.schedule import aware
from bot.storage.status import StatusStore, UserToken
from bot.storage.webhooks import WebhookStore
from bot.trackingtime import TrackingTime
from tests.support.clock import SetClock

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PUBLIC_URL = "https://tt-slack.example"


@dataclass
class World:
    fake: FakeTrackingTime
    database: Database
    clock: SetClock
    store: WebhookStore
    status: StatusStore
    tt: TrackingTime
    ann: Link  # status on, Acme
    bob: Link  # status on, Acme
    cyd: Link  # status off, Acme
    dee: Link  # status on, another TrackingTime account

    def service(self, public_url: str = PUBLIC_URL) -> WebhookService:
        return WebhookService(self.store, self.status, self.tt, public_url, self.clock)

    async def due(self) -> dict[str, datetime | None]:
        """Each user's status_sync_at."""
        async with self.database.sessions() as session:
            query = select(LinkedAccount.slack_user_id, LinkedAccount.status_sync_at)
            return {user: aware(at) for user, at in (await session.exec(query)).all()}


@pytest.fixture
async def world(
    database: Database,
    fake_tt: FakeTrackingTime,
    fake_tt_server: tuple[object, FakeTrackingTimeServer],
) -> AsyncIterator[World]:
    keyring = Keyring([generate_key()])
    clock = SetClock(NOW)
    accounts = AccountStore(database.sessions, keyring, clock)
    status = StatusStore(database.sessions, keyring, clock)
    acme, other = fake_tt.add_account("Acme"), fake_tt.add_account("Other")
    links = []
    for name, account, opted_in in (
        ("ann", acme, True),
        ("bob", acme, True),
        ("cyd", acme, False),
        ("dee", other, True),
    ):
        password = f"{name}-app-password"
        tt_id = fake_tt.add_user(f"{name}@x.test", password, name, accounts=[account])
        link = Link(SlackUserKey(None, "T1", name), tt_id, account, "WS", password, "UTC")
        await accounts.save(link)
        if opted_in:
            await status.grant(link.key, UserToken(f"xoxp-{name}"))
            await status.sync_at(link.key, None)  # not due until something says so
        links.append(link)
    tt = TrackingTime(fake_tt_server[1].api_url)
    yield World(
        fake_tt, database, clock, WebhookStore(database.sessions, keyring), status, tt, *links
    )
    await tt.aclose()


def webhook_calls(fake: FakeTrackingTime) -> list[str]:
    return [r.path for r in fake.requests if "/webhooks" in r.path]


async def test_the_account_is_registered_once(world: World) -> None:
    service = world.service()
    assert await service.ensure(world.ann) is Hooked.REGISTERED
    token = (await world.store.ensure_token(world.ann.account_id)).path_token
    [hook] = world.fake.webhooks(world.ann.account_id)
    assert hook["url"] == f"{PUBLIC_URL}/trackingtime/hooks/{token}"
    assert hook["events"] == "event.created,event.updated"
    stored = await world.store.get(world.ann.account_id)
    assert stored is not None and stored.hook_id == hook["id"]
    # Another user of the account, later: nothing more to ask TrackingTime.
    asked = len(webhook_calls(world.fake))
    assert await service.ensure(world.bob) is Hooked.KNOWN
    assert len(webhook_calls(world.fake)) == asked
    # Another account has a webhook (and a token) of its own.
    assert await service.ensure(world.dee) is Hooked.REGISTERED
    assert (await world.store.ensure_token(world.dee.account_id)).path_token != token


async def test_without_a_public_url_nothing_is_asked(world: World) -> None:
    assert await world.service("").ensure(world.ann) is Hooked.NO_PUBLIC_URL
    assert webhook_calls(world.fake) == []
    assert await world.store.get(world.ann.account_id) is None


async def test_a_refusal_is_recorded_and_not_asked_again_for_a_day(world: World) -> None:
    service = world.service()
    world.fake.refuse_webhooks(world.ann.account_id)
    assert await service.ensure(world.ann) is Hooked.REFUSED
    stored = await world.store.get(world.ann.account_id)
    assert stored is not None and (stored.hook_id, stored.refused_at) == (None, NOW)
    asked = len(webhook_calls(world.fake))
    world.clock.now = NOW + RETRY_REFUSED_AFTER - timedelta(minutes=1)
    assert await service.ensure(world.bob) is Hooked.WAITING
    assert len(webhook_calls(world.fake)) == asked
    world.fake.refuse_webhooks(world.ann.account_id, refuse=False)
    world.clock.now = NOW + RETRY_REFUSED_AFTER
    assert await service.ensure(world.bob) is Hooked.REGISTERED
    stored = await world.store.get(world.ann.account_id)
    assert stored is not None and stored.refused_at is None and stored.hook_id is not None


@pytest.mark.parametrize("kind", ["outage", "rate_limit", "not_json", "unauthorized_in_body"])
async def test_a_failure_is_not_recorded_and_the_next_turn_on_asks_again(
    world: World, kind: str
) -> None:
    world.fake.fail_next(kind, path_contains="/webhooks/add")
    service = world.service()
    assert await service.ensure(world.ann) is Hooked.FAILED
    stored = await world.store.get(world.ann.account_id)
    assert stored is not None and (stored.hook_id, stored.refused_at) == (None, None)
    assert await service.ensure(world.ann) is Hooked.REGISTERED
    assert len(world.fake.webhooks(world.ann.account_id)) == 1


async def test_a_registration_whose_answer_was_lost_leaves_a_second_webhook(
    world: World,
) -> None:
    """TrackingTime registered it but its answer never came: the app cannot know, asks again,
    and the account has two webhooks posting to the same token (each post makes the same users
    due; harmless). ``remove`` deletes only the one the app knows."""
    world.fake.fail_next("answer_lost", path_contains="/webhooks/add")
    service = world.service()
    assert await service.ensure(world.ann) is Hooked.FAILED
    assert await service.ensure(world.ann) is Hooked.REGISTERED
    urls = {hook["url"] for hook in world.fake.webhooks(world.ann.account_id)}
    assert len(world.fake.webhooks(world.ann.account_id)) == 2 and len(urls) == 1


async def test_ensure_never_raises(world: World) -> None:
    class Broken(WebhookStore):
        async def ensure_token(self, account_id: int) -> object:  # type: ignore[override]
            raise RuntimeError("database gone")

    service = WebhookService(
        Broken(world.database.sessions, Keyring([generate_key()])),
        world.status,
        world.tt,
        PUBLIC_URL,
    )
    assert await service.ensure(world.ann) is Hooked.FAILED


async def test_processes_registering_at_once_leave_one_webhook(world: World) -> None:
    services = [world.service() for _ in range(3)]  # as three web processes
    results = await asyncio.gather(
        *(
            s.ensure(link)
            for s, link in zip(services, (world.ann, world.bob, world.ann), strict=True)
        )
    )
    assert Hooked.REGISTERED in results
    assert set(results) <= {Hooked.REGISTERED, Hooked.KNOWN}
    [hook] = world.fake.webhooks(world.ann.account_id)
    stored = await world.store.get(world.ann.account_id)
    assert stored is not None and stored.hook_id == hook["id"]


async def test_remove_deletes_it_from_trackingtime_and_forgets_the_token(world: World) -> None:
    service = world.service()
    await service.ensure(world.ann)
    token = (await world.store.ensure_token(world.ann.account_id)).path_token
    world.fake.fail_next("outage", path_contains="/delete")
    assert not await service.remove(world.bob)  # TrackingTime did not answer: kept
    assert await world.store.account_of(token) == world.ann.account_id
    assert await service.remove(world.bob)
    assert world.fake.webhooks(world.ann.account_id) == []
    assert await world.store.account_of(token) is None
    assert await service.remove(world.bob)  # nothing left: fine


async def test_a_post_makes_the_accounts_opted_in_users_due(world: World) -> None:
    service = world.service()
    await service.ensure(world.ann)
    token = (await world.store.ensure_token(world.ann.account_id)).path_token
    later = NOW + timedelta(minutes=3)
    assert await service.handle(token, b'{"event": "event.created"}', later)
    assert await world.due() == {"ann": later, "bob": later, "cyd": None, "dee": None}


async def test_a_post_naming_a_user_makes_only_that_user_due(world: World) -> None:
    service = world.service()
    await service.ensure(world.ann)
    token = (await world.store.ensure_token(world.ann.account_id)).path_token
    body = (
        b'{"event": "event.updated", "data": {"id": 900001, "user_id": %d}}' % world.bob.tt_user_id
    )
    assert await service.handle(token, body, NOW)
    assert await world.due() == {"ann": None, "bob": NOW, "cyd": None, "dee": None}
    # A user of the account who has the status off, or of another account: nobody is due.
    for user in (world.cyd, world.dee):
        await service.handle(token, b'{"user_id": %d}' % user.tt_user_id, NOW + timedelta(hours=1))
    assert await world.due() == {"ann": None, "bob": NOW, "cyd": None, "dee": None}


async def test_unknown_tokens_make_nobody_due(world: World) -> None:
    service = world.service()
    await service.ensure(world.ann)
    token = (await world.store.ensure_token(world.ann.account_id)).path_token
    for wrong in ("", "x", token[:-1], token + "x", token[:-1] + "!", "A" * 43, "../" + token):
        assert not await service.handle(wrong, b"{}", NOW)
    assert set((await world.due()).values()) == {None}


@pytest.mark.parametrize(
    ("body", "user"),
    [
        (b'{"data": {"user_id": 2001}}', 2001),
        (b'{"user_id": 2001}', 2001),
        (b'{"data": {"user_id": 2001}, "user_id": 7}', 2001),
        (b'{"data": {"user_id": "2001"}}', None),
        (b'{"data": {"user_id": true}}', None),
        (b'{"data": {"user_id": -4}}', None),
        (b'{"data": {"user_id": 2.5}}', None),
        (b'{"data": {"user_id": 99999999999999999999}}', None),
        (b'{"data": [1, 2]}', None),
        (b"[1, 2]", None),
        (b"", None),
        (b"not json", None),
        (b"\xff\xfe\x00garbage", None),
        (b'{"user_id": ' + b"9" * 5000 + b"}", None),
        (b"[" * 100_000, None),
    ],
)
def test_the_user_a_post_names(body: bytes, user: int | None) -> None:
    assert changed_user(body) == user
