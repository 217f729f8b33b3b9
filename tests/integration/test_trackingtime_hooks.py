"""TrackingTime's webhook posts to ``POST /trackingtime/hooks/{token}`` of the real server: a
timer started in the fake TrackingTime itself reaches the app at once and makes the opted-in
users of that account due for a status sync, nobody else; any other token is 404, any body at
most a 413, never a 500, and nothing in the log is a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.services.container import Services
from bot.services.webhooks import MAX_BODY_BYTES, Hooked
from bot.settings import Settings
from bot.storage import Link, SlackUserKey
from bot.storage.models import LinkedAccount
from bot.storage.schedule import aware
from bot.storage.status import UserToken
from tests.support.databases import LoopThread, app_database
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, TEAM_ID, Seeded

METRICS_TOKEN = "hooks-metrics-token"
CAROL_PASSWORD = "carol-app-password-0003"


@dataclass
class HookedApp:
    app: AppHarness
    token: str
    seeded: Seeded
    # The test's own services, on the app's database, on a loop of their own.
    services: Services
    loop: LoopThread

    @property
    def hook_url(self) -> str:
        return f"{self.app.server.url}/trackingtime/hooks/{self.token}"

    def due(self) -> dict[str, datetime | None]:
        """Each linked user's status_sync_at."""

        async def read() -> dict[str, datetime | None]:
            async with self.services.database.sessions() as session:
                query = select(LinkedAccount.slack_user_id, LinkedAccount.status_sync_at)
                return {user: aware(at) for user, at in (await session.exec(query)).all()}

        return self.loop.run(read())


@pytest.fixture
def hooked(
    tmp_path: Path,
    seeded: Seeded,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> Iterator[HookedApp]:
    """Alice has her status on, Bob (same TrackingTime account) has it off, Carol (another
    account) has it on; the account's webhook is registered, pointing at the running app."""
    carol_tt = fake_tt.add_user(
        "carol@else.test", CAROL_PASSWORD, "Carol", accounts=[seeded.second_account_id]
    )
    links = {
        "alice": Link(_key(ALICE.user_id), seeded.alice_tt_id, seeded.account_id, "Acme",
                      ALICE_PASSWORD, "Europe/Berlin"),
        "bob": Link(_key(BOB.user_id), seeded.bob_tt_id, seeded.account_id, "Acme",
                    BOB_PASSWORD, "America/New_York"),
        "carol": Link(_key("U0CAROL"), carol_tt, seeded.second_account_id, "Gig",
                      CAROL_PASSWORD, "UTC"),
    }  # fmt: skip
    with app_database(tmp_path) as url:
        env = {"METRICS_TOKEN": METRICS_TOKEN}
        app = AppHarness(url, fake_slack, fake_slack_server[1].api_url, fake_tt_server[1].api_url,
                         env=env)  # fmt: skip
        loop = LoopThread()
        services = loop.run(_services(replace(app.settings, public_url=app.server.url)))
        try:
            token = loop.run(_link_and_register(services, links))
            yield HookedApp(app, token, seeded, services, loop)
        finally:
            loop.run(services.aclose())
            loop.close()
            app.close()


async def _services(settings: Settings) -> Services:
    return Services.create(settings)  # made on the loop that uses it


async def _link_and_register(services: Services, links: dict[str, Link]) -> str:
    """Link everyone, turn the status on for all but Bob, register Alice's account's webhook;
    returns its token."""
    for name, link in links.items():
        await services.accounts.save(link)
        if name != "bob":
            await services.status.store.grant(link.key, UserToken(f"xoxp-{name}"))
            await services.status.store.sync_at(link.key, None)  # not due until told
    assert await services.webhooks.ensure(links["alice"]) is Hooked.REGISTERED
    return (await services.webhooks.store.ensure_token(links["alice"].account_id)).path_token


def _key(user_id: str) -> SlackUserKey:
    return SlackUserKey(None, TEAM_ID, user_id)


def track_in_trackingtime(api_url: str, account_id: int, password: str, task: int) -> None:
    """Start a timer as TrackingTime's own web app would: through its API, not the Slack app."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    reply = httpx.get(
        f"{api_url}/{account_id}/tasks/track/{task}",
        params={"date": now, "timezone": "GMT+00:00", "stop_running_task": "true"},
        auth=("API_TOKEN", password),
    )
    assert reply.json()["response"]["status"] == 200, reply.text


def test_a_timer_started_in_trackingtime_makes_its_opted_in_user_due_at_once(
    hooked: HookedApp,
    fake_tt: FakeTrackingTime,
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
    log_lines: pytest.LogCaptureFixture,
) -> None:
    [hook] = fake_tt.webhooks(hooked.seeded.account_id)
    assert hook["url"] == hooked.hook_url
    before = datetime.now(UTC)
    api_url, account = fake_tt_server[1].api_url, hooked.seeded.account_id
    task = hooked.seeded.tasks["Design review/Website"]
    track_in_trackingtime(api_url, account, ALICE_PASSWORD, task)
    [delivery] = fake_tt.wait_for_deliveries(1)
    assert (delivery.url, delivery.status) == (hooked.hook_url, 200)
    assert delivery.body["data"]["user_id"] == hooked.seeded.alice_tt_id
    due = hooked.due()
    alice_due = due[ALICE.user_id]
    assert alice_due is not None and before - timedelta(seconds=1) <= alice_due
    assert alice_due <= datetime.now(UTC)
    assert due[BOB.user_id] is None  # status off
    assert due["U0CAROL"] is None  # another TrackingTime account

    # Bob (status off) starts one too: the post is taken, and nobody else becomes due.
    track_in_trackingtime(api_url, account, BOB_PASSWORD, task)
    assert [d.status for d in fake_tt.wait_for_deliveries(2)] == [200, 200]
    assert hooked.due() == due


def test_other_tokens_are_404_and_no_body_is_a_500(
    hooked: HookedApp, log_lines: pytest.LogCaptureFixture
) -> None:
    base = f"{hooked.app.server.url}/trackingtime/hooks"
    with httpx.Client(timeout=10) as client:
        for token in ("A" * 43, hooked.token[:-1], hooked.token + "x", "x", "%00"):
            assert client.post(f"{base}/{token}", content=b"{}").status_code == 404, token
        assert client.get(hooked.hook_url).status_code == 405
        bodies = [
            b"",
            b"not json",
            b"[1, 2]",
            b"\xff\xfe\x00",
            b'{"data": {"user_id": "2001"}}',
            b'{"data": {"user_id": 99999999999999999999999}}',
            b'{"user_id": ' + b"9" * 5000 + b"}",
            b"[" * 60_000,
            b"x" * MAX_BODY_BYTES,
        ]
        for body in bodies:
            response = client.post(hooked.hook_url, content=body)
            assert response.status_code == 200, body[:40]
        form = client.post(hooked.hook_url, data={"user_id": "1"})
        assert form.status_code == 200
        too_big = b"{" + b" " * MAX_BODY_BYTES + b"}"
        assert client.post(hooked.hook_url, content=too_big).status_code == 413
        streamed = client.post(hooked.hook_url, content=iter([b" " * 40_000] * 3))
        assert streamed.status_code == 413
        metrics = client.get(
            f"{hooked.app.server.url}/metrics",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
        ).text
    assert 'trackingtime_slack_trackingtime_hooks_total{outcome="known"}' in metrics
    assert 'trackingtime_slack_trackingtime_hooks_total{outcome="unknown"}' in metrics
    assert 'trackingtime_slack_trackingtime_hooks_total{outcome="too_large"}' in metrics
    app_lines = [r.getMessage() for r in log_lines.records if r.name.startswith("bot")]
    assert not [line for line in app_lines if hooked.token in line]
