"""Installed into many workspaces with "Add to Slack": the OAuth routes against the fake Slack,
commands in two workspaces, a rotated token, and one workspace leaving without a trace while
the other works on. Runs on SQLite and (TEST_DATABASE=postgres) on PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.services.container import Services
from bot.slack_clients import team_clients_for
from bot.storage import UserSettings
from bot.worker import Worker
from tests.support.databases import app_database
from tests.support.flows import connect, install
from tests.support.harness import CLIENT_ID, CLIENT_SECRET, AppHarness
from tests.support.schedule import scheduled_at

ACME = SlackUser("T0ACME", "U0ANN", "ann")
GLOBEX = SlackUser("T0GLOBEX", "U0ANN", "ann-at-globex")  # the same user id, another workspace
TABLES = (
    "linked_accounts",
    "slack_installations",
    "pending_entries",
    "deliveries",
    "team_settings",
)


@pytest.fixture
def oauth_app(
    tmp_path: Path,
    fake_slack: FakeSlack,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> Iterator[AppHarness]:
    fake_slack.set_app(CLIENT_ID, CLIENT_SECRET)
    with app_database(tmp_path) as database_url:
        harness = AppHarness(
            database_url,
            fake_slack,
            fake_slack_server[1].api_url,
            fake_tt_server[1].api_url,
            oauth=True,
        )
        yield harness
        harness.close()


@pytest.fixture
async def services(oauth_app: AppHarness) -> AsyncIterator[Services]:
    services = Services.create(oauth_app.settings)
    yield services
    await services.aclose()


def team_rows(app: AppHarness, team_id: str) -> dict[str, int]:
    return {
        table: app.rows(f"select count(*) from {table} where team_id = '{team_id}'")[0][0]
        for table in TABLES
    }


def text_of(message: dict) -> str:  # type: ignore[type-arg]
    return str(message.get("blocks")) + message.get("text", "")


async def test_two_workspaces_rotation_and_one_leaving(
    oauth_app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, services: Services
) -> None:
    app = oauth_app
    account = fake_tt.add_account("Shared TrackingTime")
    fake_tt.add_task(account, "Standup")
    for user, password, name in (
        (ACME, "ann-acme-password", "Acme"),
        (GLOBEX, "ann-globex-pass", "Globex"),
    ):
        install(app, user, name, rotate_tokens=True)
        fake_tt.add_user(f"{user.team_id}@x.test", password, "Ann", user.team_id, [account])
        connect(app, user, password)
        assert "Started *Standup*" in text_of(app.reply_to(user, "start standup"))

    installed = app.rows(
        "select team_id, bot_token_encrypted from slack_installations order by team_id"
    )
    assert [team for team, _ in installed] == ["T0ACME", "T0GLOBEX"]
    assert all(token.startswith("gAAAA") for _, token in installed)  # encrypted at rest
    assert len(app.rows("select * from linked_accounts")) == 2

    # Acme's token is about to expire: the next request refreshes it before using it.
    bot = await services.installations.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and bot.bot_refresh_token
    old_token = bot.bot_token
    bot.bot_token_expires_at = int(time.time()) + 60
    await services.installations.async_save_bot(bot)
    ack, _ = app.command(ACME, "connect")  # views.open needs the bot token
    assert ack.status_code == 200
    opened = fake_slack.wait_for_calls("views.open", count=3)[-1]
    assert opened.ok and opened.token != old_token
    refreshed = await services.installations.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert refreshed is not None and refreshed.bot_token == opened.token

    # The worker refreshes too, outside any request: Globex's summary goes out with a new token.
    bot = await services.installations.async_find_bot(enterprise_id=None, team_id="T0GLOBEX")
    assert bot is not None
    globex_old = bot.bot_token
    bot.bot_token_expires_at = int(time.time()) + 60
    await services.installations.async_save_bot(bot)
    await services.accounts.save_settings(ACME.key, UserSettings(summary_enabled=False))
    evening = datetime.now(UTC).replace(hour=19, minute=0) - timedelta(days=1)  # 20:00 Berlin
    await services.accounts.save_settings(
        GLOBEX.key, UserSettings(summary_days=frozenset(range(7)))
    )
    await scheduled_at(services, evening - timedelta(hours=1))
    worker = Worker(
        services, team_clients_for(app.settings, services.installations), lambda: evening
    )
    assert await worker.send_summaries() == 1
    dm = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok][-1]
    assert dm.args["channel"] == GLOBEX.user_id and dm.token != globex_old

    # Acme uninstalls: nothing of it remains; Globex works on.
    assert app.event(ACME, {"type": "app_uninstalled"}).status_code == 200
    for _ in range(100):  # events are handled after their ack
        if not any(team_rows(app, "T0ACME").values()):
            break
        await asyncio.sleep(0.05)
    assert team_rows(app, "T0ACME") == dict.fromkeys(TABLES, 0)
    assert team_rows(app, "T0GLOBEX")["linked_accounts"] == 1
    assert "Running for" in text_of(app.reply_to(GLOBEX, "status"))
    # Delivered again (Slack retries) or followed by tokens_revoked: still fine.
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["B1"]}}
    assert app.event(ACME, revoked).status_code == 200
    [(globex_tt_user,)] = app.rows("select tt_user_id from linked_accounts")
    assert fake_tt.running_task(account, int(globex_tt_user)) is not None
