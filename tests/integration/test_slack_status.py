"""The Slack status line end to end: the grant through Bolt's OAuth routes, the status set and
cleared as timers start and stop, a user's own status left alone, the worker following timers
started in TrackingTime and moving the expiry, refusals, revocation, and isolation. The real
server, signed requests, both fakes; SQLite and (TEST_DATABASE=postgres) PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.blocks import ids
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.services.container import Services
from bot.slack_clients import team_clients_for
from bot.worker import Worker
from tests.integration.test_home import settings_values
from tests.support.databases import app_database
from tests.support.flows import connect, install
from tests.support.harness import CLIENT_ID, CLIENT_SECRET, AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, TEAM_ID, Seeded

PUBLIC_URL = "https://tt.example.com"
STATUS_SCOPES = "users.profile:read,users.profile:write"
GLOBEX_ALICE = SlackUser("T0GLOBEX", ALICE.user_id, "alice-at-globex")  # same id, other team


@pytest.fixture
def status_app(
    tmp_path: Path,
    seeded: Seeded,
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
            env={"PUBLIC_URL": PUBLIC_URL},
        )
        install(harness, ALICE, "Acme")
        connect(harness, ALICE, ALICE_PASSWORD)
        yield harness
        harness.close()


@pytest.fixture
async def services(status_app: AppHarness) -> AsyncIterator[Services]:
    services = Services.create(status_app.settings)
    yield services
    await services.aclose()


def worker(app: AppHarness, services: Services) -> Worker:
    return Worker(services, team_clients_for(app.settings, services.installations))


def grant(
    app: AppHarness, user: SlackUser, url: str, *, rotate_tokens: bool = False
) -> httpx.Response:
    """What the user does after Allow in Slack: Slack's consent page, then back to the app."""
    path = url.removeprefix(PUBLIC_URL)
    with httpx.Client(base_url=app.server.url) as browser:
        start = browser.get(path)
        assert start.status_code == 302, start.text
        query = parse_qs(urlsplit(start.headers["location"]).query)
        assert query["user_scope"] == [STATUS_SCOPES] and not query.get("scope", [""])[0]
        assert query["team"] == [user.team_id]
        code = app.fake_slack.approve_install(
            user.team_id,
            user.user_id,
            scopes="",
            user_scopes=STATUS_SCOPES,
            rotate_tokens=rotate_tokens,
        )
        cookie = start.headers["set-cookie"].split(";", 1)[0]
        return browser.get(
            "/slack/oauth_redirect",
            params={"code": code, "state": query["state"][0]},
            headers={"Cookie": cookie},
        )


def status_values(
    on: bool, show: str = "task", emoji: str = ":stopwatch:", replace: bool = False
) -> dict[str, dict[str, dict[str, Any]]]:
    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": value}, "value": value}

    return {
        **settings_values(True, "17:30", ["0", "1", "2", "3", "4"], "540"),
        "status_enabled": {
            "value": {"type": "checkboxes", "selected_options": [option("on")] if on else []}
        },
        "status_show": {"value": {"type": "static_select", "selected_option": option(show)}},
        "status_emoji": {"value": {"type": "plain_text_input", "value": emoji}},
        "status_replace": {
            "value": {
                "type": "checkboxes",
                "selected_options": [option("replace")] if replace else [],
            }
        },
    }


def save_settings(app: AppHarness, user: SlackUser, **choice: Any) -> None:
    before = len(app.fake_slack.calls_to("views.open"))
    assert app.command(user, "settings")[0].status_code == 200
    opened = app.fake_slack.wait_for_calls("views.open", before + 1)[-1]
    modal = app.fake_slack.views[opened.reply["view"]["id"]]
    homes = len(app.published_homes(user))
    assert app.submit(user, modal, status_values(**choice)).status_code == 200
    app.wait_for_home(user, homes + 1)  # the submission's work is done once the Home shows it


def opt_in(app: AppHarness, user: SlackUser, *, rotate_tokens: bool = False, **choice: Any) -> None:
    """Turn the status line on in /track settings, then allow it in Slack."""
    posts = len(app.fake_slack.calls_to("chat.postEphemeral"))
    save_settings(app, user, on=True, **choice)
    calls = app.fake_slack.wait_for_calls("chat.postEphemeral", posts + 2)
    allow = next(c for c in calls[posts:] if "One step left" in str(c.args.get("blocks")))
    url = str(allow.args["blocks"]).split("'url': '", 1)[1].split("'", 1)[0]
    done = grant(app, user, url, rotate_tokens=rotate_tokens)
    assert done.status_code == 200 and "now shows what you track" in done.text


def status(app: AppHarness, user: SlackUser) -> tuple[str, str]:
    shown = app.fake_slack.status_of(user.team_id, user.user_id)
    return shown.text, shown.emoji


def eventually(done: Callable[[], bool], what: Callable[[], object] = lambda: "") -> None:
    """Wait up to 5 s for ``done`` (the app's work after the ack takes its time)."""
    deadline = time.monotonic() + 5
    while not done():
        assert time.monotonic() < deadline, what()
        time.sleep(0.02)


def wait_for_status(app: AppHarness, user: SlackUser, want: tuple[str, str]) -> None:
    eventually(
        lambda: status(app, user) == want, lambda: f"status {status(app, user)}, wanted {want}"
    )


def profile_sets(app: AppHarness, user: SlackUser) -> int:
    token = app.fake_slack.user_token_of(user.team_id, user.user_id)
    return sum(1 for c in app.fake_slack.calls_to("users.profile.set") if c.token == token)


async def make_due(services: Services) -> None:
    """As if the worker's interval had passed for everyone opted in."""
    async with services.database.engine.begin() as connection:
        await connection.exec_driver_sql(
            "update linked_accounts set status_sync_at = created_at where status_enabled"
        )


def test_grant_then_start_and_stop_set_and_clear_the_status(
    status_app: AppHarness, fake_slack: FakeSlack
) -> None:
    app = status_app
    opt_in(app, ALICE)
    # Back in Slack, the Home already says so (refreshed by the grant itself).
    eventually(
        lambda: "Your Slack status shows" in str(app.published_homes(ALICE)[-1]),
        lambda: app.published_homes(ALICE)[-1],
    )
    [(token, enabled)] = app.rows(
        "select slack_user_token_encrypted, status_enabled from linked_accounts"
    )
    assert token.startswith("gAAAA") and enabled  # encrypted at rest, and on

    app.reply_to(ALICE, "start log in page")
    wait_for_status(app, ALICE, ("Log in page · Website", ":stopwatch:"))
    expiration = fake_slack.status_of(TEAM_ID, ALICE.user_id).expiration
    hours = (expiration - datetime.now(UTC).timestamp()) / 3600
    assert 2.9 < hours <= 3.0  # lapses by itself should the app die

    app.reply_to(ALICE, "stop")
    wait_for_status(app, ALICE, ("", ""))


def test_a_status_of_the_users_own_is_left_alone(
    status_app: AppHarness, fake_slack: FakeSlack
) -> None:
    app = status_app
    opt_in(app, ALICE, show="project", emoji=":rocket:")
    fake_slack.set_status(TEAM_ID, ALICE.user_id, "On vacation", ":palm_tree:")
    app.reply_to(ALICE, "start standup")
    app.reply_to(ALICE, "stop")
    time.sleep(0.3)
    assert status(app, ALICE) == ("On vacation", ":palm_tree:")
    assert profile_sets(app, ALICE) == 0

    # The app's status, replaced by the user while the timer runs: stopping leaves theirs.
    fake_slack.set_status(TEAM_ID, ALICE.user_id, "", "")
    app.reply_to(ALICE, "start standup")
    wait_for_status(app, ALICE, ("Internal", ":rocket:"))
    fake_slack.set_status(TEAM_ID, ALICE.user_id, "In a meeting", ":calendar:")
    app.reply_to(ALICE, "stop")
    time.sleep(0.3)
    assert status(app, ALICE) == ("In a meeting", ":calendar:")


def test_replace_my_status_when_the_user_chose_it(
    status_app: AppHarness, fake_slack: FakeSlack
) -> None:
    app = status_app
    opt_in(app, ALICE, show="tracking", replace=True)
    fake_slack.set_status(TEAM_ID, ALICE.user_id, "Focus", ":headphones:")
    app.reply_to(ALICE, "start standup")
    wait_for_status(app, ALICE, ("Tracking time", ":stopwatch:"))
    app.reply_to(ALICE, "stop")
    wait_for_status(app, ALICE, ("", ""))


async def test_the_worker_follows_timers_started_in_trackingtime_and_moves_the_expiry(
    status_app: AppHarness,
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    services: Services,
) -> None:
    app = status_app
    opt_in(app, ALICE)
    the_worker = worker(app, services)
    await the_worker.sync_statuses()  # the grant made it due: nothing running, nothing set
    assert status(app, ALICE) == ("", "")

    now = datetime.now(UTC).astimezone(UTC)
    start = (now - timedelta(minutes=5)).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    offset = datetime.now().astimezone().strftime("%z")
    fake_tt.start_timer(
        seeded.account_id,
        seeded.alice_tt_id,
        seeded.tasks["Log in page/Website"],
        start,
        f"GMT{offset[:3]}:{offset[3:]}",
    )
    await make_due(services)
    assert await the_worker.sync_statuses() == 1
    assert status(app, ALICE) == ("Log in page · Website", ":stopwatch:")
    first = fake_slack.status_of(TEAM_ID, ALICE.user_id).expiration

    # An hour and a half on, the expiry is moved forward; sooner it is left as it is.
    sets = profile_sets(app, ALICE)
    await make_due(services)
    await the_worker.sync_statuses()
    assert profile_sets(app, ALICE) == sets
    async with services.database.engine.begin() as connection:
        await connection.exec_driver_sql(
            "update linked_accounts set status_shown_until = created_at"
        )
    await make_due(services)
    await the_worker.sync_statuses()
    assert profile_sets(app, ALICE) == sets + 1
    assert fake_slack.status_of(TEAM_ID, ALICE.user_id).expiration >= first

    # Stopped from Slack, though started elsewhere: the app's status goes at once.
    app.reply_to(ALICE, "stop")
    wait_for_status(app, ALICE, ("", ""))


def test_a_revoked_token_turns_the_sync_off_with_one_message(
    status_app: AppHarness, fake_slack: FakeSlack
) -> None:
    app = status_app
    opt_in(app, ALICE)
    fake_slack.revoke_user_token(TEAM_ID, ALICE.user_id)
    dms = len(fake_slack.calls_to("chat.postMessage"))
    reply = app.reply_to(ALICE, "start standup")
    assert "Started" in str(reply)  # the timer runs whatever Slack says about the status
    posted = fake_slack.wait_for_calls("chat.postMessage", dms + 1)[-1]
    assert "stopped showing what you track" in posted.args["text"]
    assert "no longer lets the app" in posted.args["text"]
    [(token, enabled, problem)] = app.rows(
        "select slack_user_token_encrypted, status_enabled, status_problem from linked_accounts"
    )
    assert (token, bool(enabled), problem) == (None, False, "revoked")
    app.reply_to(ALICE, "stop")
    time.sleep(0.3)
    assert len(fake_slack.calls_to("chat.postMessage")) == dms + 1  # told once


@pytest.mark.parametrize(
    ("error", "problem", "said"),
    [
        ("ratelimited", "rate_limited", "slow down"),
        ("profile_set_failed", "refused", "Slack refused a status"),
    ],
)
def test_a_429_or_a_refusal_turns_the_sync_off_and_the_timer_still_starts(
    status_app: AppHarness,
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    error: str,
    problem: str,
    said: str,
) -> None:
    app = status_app
    opt_in(app, ALICE)
    fake_slack.fail_next("users.profile.set", error, retry_after=30)
    assert "Started" in str(app.reply_to(ALICE, "start standup"))
    posted = fake_slack.wait_for_calls("chat.postMessage")[-1]
    assert said in posted.args["text"] and "/track settings" in posted.args["text"]
    [(enabled, stored, token)] = app.rows(
        "select status_enabled, status_problem, slack_user_token_encrypted from linked_accounts"
    )
    assert (bool(enabled), stored) == (False, problem) and token  # kept: turning on is one tick
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is not None


def test_tokens_revoked_event_forgets_the_users_token(
    status_app: AppHarness, fake_slack: FakeSlack
) -> None:
    app = status_app
    opt_in(app, ALICE)
    event = {"type": "tokens_revoked", "tokens": {"oauth": [ALICE.user_id], "bot": []}}
    assert app.event(ALICE, event).status_code == 200
    eventually(
        lambda: app.rows("select slack_user_token_encrypted from linked_accounts") == [(None,)]
    )
    assert app.rows("select status_problem from linked_accounts") == [("revoked",)]


async def test_turning_it_off_and_disconnecting_take_back_the_apps_status(
    status_app: AppHarness, fake_slack: FakeSlack, services: Services
) -> None:
    app = status_app
    opt_in(app, ALICE)
    app.reply_to(ALICE, "start standup")
    wait_for_status(app, ALICE, ("Standup · Internal", ":stopwatch:"))
    save_settings(app, ALICE, on=False)
    await worker(app, services).sync_statuses()
    assert status(app, ALICE) == ("", "")

    save_settings(app, ALICE, on=True)
    await worker(app, services).sync_statuses()
    assert status(app, ALICE) == ("Standup · Internal", ":stopwatch:")
    assert "Disconnected" in str(app.reply_to(ALICE, "disconnect"))
    assert status(app, ALICE) == ("", "")


def test_isolation_between_users_and_workspaces(
    status_app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    app = status_app
    fake_slack.add_user(TEAM_ID, BOB.user_id, "Bob Builder")
    connect(app, BOB, BOB_PASSWORD)
    opt_in(app, ALICE)
    # Alice's id in another workspace is another person, never opted in.
    install(app, GLOBEX_ALICE, "Globex")
    fake_tt.add_user("alice@globex.test", "globex-password-01", "Alice", "G", [seeded.account_id])
    connect(app, GLOBEX_ALICE, "globex-password-01")

    app.reply_to(BOB, "start standup")
    app.reply_to(GLOBEX_ALICE, "start log in page")
    app.reply_to(ALICE, "start development")
    wait_for_status(app, ALICE, ("Development · Website", ":stopwatch:"))
    assert status(app, BOB) == ("", "")
    assert status(app, GLOBEX_ALICE) == ("", "")
    tokens = {c.token for c in fake_slack.calls_to("users.profile.set")}
    assert tokens == {fake_slack.user_token_of(TEAM_ID, ALICE.user_id)}

    # A grant link opened by another user grants that user's own token, nobody else's.
    bob_link = f"{PUBLIC_URL}/slack/install?grant=status&team={TEAM_ID}"
    done = grant(app, BOB, bob_link)
    assert "now shows" in done.text
    rows = dict(
        app.rows(
            f"select slack_user_id, status_enabled from linked_accounts where team_id = '{TEAM_ID}'"
        )
    )
    assert rows[BOB.user_id] and rows[ALICE.user_id]


def test_a_grant_by_someone_not_linked_keeps_nothing(status_app: AppHarness) -> None:
    stranger = SlackUser(TEAM_ID, "U0STRANGER", "stranger")
    status_app.fake_slack.add_user(TEAM_ID, stranger.user_id, "Stranger")
    done = grant(status_app, stranger, f"{PUBLIC_URL}/slack/install?grant=status&team={TEAM_ID}")
    assert done.status_code == 200 and "Link TrackingTime first" in done.text
    assert status_app.rows("select count(*) from linked_accounts") == [(1,)]


def test_without_oauth_the_settings_say_what_the_operator_must_set(app: AppHarness) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    before = len(app.fake_slack.calls_to("views.open"))
    app.command(ALICE, "settings")
    opened = app.fake_slack.wait_for_calls("views.open", before + 1)[-1]
    modal = app.fake_slack.views[opened.reply["view"]["id"]]
    text = str(modal["blocks"])
    assert "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET and PUBLIC_URL" in text
    assert ids.STATUS_ENABLED_INPUT[0] not in text


def test_a_rotating_user_token_is_refreshed_before_it_is_used(
    status_app: AppHarness, fake_slack: FakeSlack
) -> None:
    app = status_app
    fake_slack.token_ttl = 300  # five minutes: inside the app's ten-minute margin
    opt_in(app, ALICE, rotate_tokens=True)
    granted = fake_slack.user_token_of(TEAM_ID, ALICE.user_id)
    [(stored,)] = app.rows("select slack_user_token_encrypted from linked_accounts")
    app.reply_to(ALICE, "start standup")
    wait_for_status(app, ALICE, ("Standup · Internal", ":stopwatch:"))
    refreshed = fake_slack.user_token_of(TEAM_ID, ALICE.user_id)
    assert refreshed != granted and refreshed is not None
    refreshes = [c for c in fake_slack.calls_to("oauth.v2.access") if c.args.get("grant_type")]
    assert [c.args["grant_type"] for c in refreshes] == ["refresh_token"]
    [(now_stored,)] = app.rows("select slack_user_token_encrypted from linked_accounts")
    assert now_stored != stored and now_stored.startswith("gAAAA")
    assert {c.token for c in fake_slack.calls_to("users.profile.set")} == {refreshed}


def test_continue_from_the_home_sets_it_and_uninstall_deletes_the_token(
    status_app: AppHarness, fake_slack: FakeSlack
) -> None:
    app = status_app
    opt_in(app, ALICE)
    app.reply_to(ALICE, "start standup")
    app.reply_to(ALICE, "stop")
    wait_for_status(app, ALICE, ("", ""))
    homes = len(app.published_homes(ALICE))
    assert app.home(ALICE).status_code == 200
    view = app.wait_for_home(ALICE, homes + 1)
    assert app.click_in_home(ALICE, view, ids.CONTINUE_TIMER).status_code == 200
    wait_for_status(app, ALICE, ("Standup · Internal", ":stopwatch:"))

    assert app.event(ALICE, {"type": "app_uninstalled"}).status_code == 200
    eventually(lambda: app.rows("select count(*) from linked_accounts") == [(0,)])


async def test_turning_it_on_registers_trackingtime_webhook_whose_posts_sync_at_once(
    status_app: AppHarness,
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    services: Services,
) -> None:
    app = status_app
    opt_in(app, ALICE)
    [hook] = fake_tt.webhooks(seeded.account_id)
    prefix = f"{PUBLIC_URL}/trackingtime/hooks/"
    assert hook["url"].startswith(prefix)
    save_settings(app, ALICE, on=True, show="project")  # on again: no second webhook
    assert len(fake_tt.webhooks(seeded.account_id)) == 1

    the_worker = worker(app, services)
    await the_worker.sync_statuses()
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    standup = seeded.tasks["Standup/Internal"]
    fake_tt.start_timer(seeded.account_id, seeded.alice_tt_id, standup, started, "GMT+00:00")
    assert await the_worker.sync_statuses() == 0  # nothing due: the poll is 10 minutes away
    # TrackingTime's post, as the fake would make it to the app's public address.
    path = hook["url"].removeprefix(PUBLIC_URL)
    body = {"event": "event.created", "data": {"user_id": seeded.alice_tt_id}}
    async with httpx.AsyncClient(base_url=app.server.url) as client:
        assert (await client.post(path, json=body)).status_code == 200
    assert await the_worker.sync_statuses() == 1
    assert status(app, ALICE) == ("Internal", ":stopwatch:")


def test_the_webhook_goes_when_the_accounts_last_user_turns_the_line_off(
    status_app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    app = status_app
    fake_slack.add_user(TEAM_ID, BOB.user_id, "Bob Builder")
    connect(app, BOB, BOB_PASSWORD)
    opt_in(app, ALICE)
    opt_in(app, BOB)
    assert len(fake_tt.webhooks(seeded.account_id)) == 1
    save_settings(app, ALICE, on=False)  # Bob still wants it
    assert len(fake_tt.webhooks(seeded.account_id)) == 1
    assert "Disconnected" in str(app.reply_to(BOB, "disconnect"))  # the last one goes
    assert fake_tt.webhooks(seeded.account_id) == []
    assert app.rows("select count(*) from trackingtime_webhooks") == [(0,)]
    save_settings(app, ALICE, on=True)  # on again (her token kept): registered again
    assert len(fake_tt.webhooks(seeded.account_id)) == 1
