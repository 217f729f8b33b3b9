"""The team digest end to end: an admin sets it with a signed ``/track digest`` request to the
real server, and the worker's ``send_digests`` posts it once on a workday, exceptions first.

Slack and TrackingTime are the fakes; the digest's day is a fixed Friday, 27 November 2026, and
the services' clock is set to the instant each round runs at.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.container import Services
from bot.slack_app import slack_client
from bot.storage import Link, SlackUserKey
from bot.worker.batches import RETRY
from bot.worker.digests import send_digests
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.schedule import scheduled_at
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, TEAM_ID, Seeded

CHANNEL = "C0TEAM"
CAROL = SlackUser(TEAM_ID, "U0CAROL", "carol")
CAROL_PASSWORD = "carol-app-password-0003"
DAVE = SlackUser(TEAM_ID, "U0DAVE", "dave")
# Friday 27 November 2026 in Berlin (UTC+1), where Alice, the admin, sets the digest.
BEFORE_TIME = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 17:00
DUE = datetime(2026, 11, 27, 16, 50, tzinfo=UTC)  # 17:50
LATER_THAT_EVENING = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)  # 22:00
SATURDAY = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("blocks")) + message.get("text", "")


@pytest.fixture
def admin(fake_slack: FakeSlack) -> SlackUser:
    """Alice, made a workspace admin."""
    fake_slack.add_user(TEAM_ID, ALICE.user_id, "Alice Liddell", tz="Europe/Berlin", is_admin=True)
    return ALICE


class Clock:
    """The worker's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = BEFORE_TIME

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def worker_services(app: AppHarness, clock: Clock) -> AsyncIterator[Services]:
    """The worker's own services on the app's database, as a separate process would have."""
    services = Services.create(app.settings, clock)
    yield services
    await services.aclose()


def settings_rows(app: AppHarness) -> list[tuple[Any, ...]]:
    return app.rows(
        "select enterprise_id, team_id, digest_channel, digest_time, digest_time_zone "
        "from team_settings"
    )


def test_a_member_who_is_no_admin_is_refused(app: AppHarness, admin: SlackUser) -> None:
    reply = app.reply_to(BOB, f"digest <#{CHANNEL}|team-time>")
    assert reply["response_type"] == "ephemeral"
    assert "Only a workspace admin or owner can set up the team digest" in text_of(reply)
    assert "admin or owner" in text_of(app.reply_to(BOB, "digest off"))
    assert settings_rows(app) == []


def test_an_owner_may_set_it_too(app: AppHarness, fake_slack: FakeSlack) -> None:
    fake_slack.add_user(TEAM_ID, BOB.user_id, "Bob Builder", tz="America/New_York", is_owner=True)
    reply = app.reply_to(BOB, f"digest <#{CHANNEL}>")
    assert "each workday at 17:45 (America/New_York)" in text_of(reply)
    assert settings_rows(app) == [("", TEAM_ID, CHANNEL, "17:45", "America/New_York")]


def test_an_admin_sets_the_channel_and_turns_it_off(app: AppHarness, admin: SlackUser) -> None:
    reply = app.reply_to(admin, f"digest <#{CHANNEL}|team-time>")
    assert (
        f"The team digest goes to <#{CHANNEL}> each workday at 17:45 (Europe/Berlin)."
        in text_of(reply)
    )
    assert settings_rows(app) == [("", TEAM_ID, CHANNEL, "17:45", "Europe/Berlin")]

    unreadable = app.reply_to(admin, "digest #team-time")
    assert "I can't find a channel in “#team-time”" in text_of(unreadable)
    assert "Example: `/track digest #team-time`" in text_of(unreadable)
    assert settings_rows(app) == [("", TEAM_ID, CHANNEL, "17:45", "Europe/Berlin")]

    off = app.reply_to(admin, "digest off")
    assert "The team digest is off." in text_of(off)
    assert settings_rows(app) == [("", TEAM_ID, None, "17:45", "Europe/Berlin")]
    assert "no team digest to turn off" in text_of(app.reply_to(admin, "digest OFF"))


def test_slack_not_saying_who_is_admin_changes_nothing(
    app: AppHarness, admin: SlackUser, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("users.info", "internal_error")
    reply = app.reply_to(admin, f"digest <#{CHANNEL}|team-time>")
    assert "nothing was changed" in text_of(reply)
    assert settings_rows(app) == []


async def a_team_with_a_digest(
    app: AppHarness,
    admin: SlackUser,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    seeded: Seeded,
    services: Services,
) -> None:
    """Alice: 2h logged and a timer running since 15:00; Bob (New York): 3h 30m; Carol:
    nothing; Dave: a link whose App Password TrackingTime no longer accepts."""
    fake_slack.add_user(TEAM_ID, CAROL.user_id, "Carol Danvers", tz="Europe/London")
    carol = fake_tt.add_user(
        "carol@acme.test", CAROL_PASSWORD, "Carol", "Danvers", [seeded.account_id]
    )
    for user, password in ((admin, ALICE_PASSWORD), (BOB, BOB_PASSWORD), (CAROL, CAROL_PASSWORD)):
        connect(app, user, password)
    await services.accounts.save(
        Link(
            SlackUserKey(None, TEAM_ID, DAVE.user_id),
            tt_user_id=carol + 1000,
            account_id=seeded.account_id,
            workspace_name="Acme Design",
            app_password="revoked-app-password",
            time_zone="Europe/Berlin",
        )
    )
    standup, design = seeded.tasks["Standup/Internal"], seeded.tasks["Design review/Website"]
    account = seeded.account_id
    fake_tt.add_event(
        account,
        seeded.alice_tt_id,
        standup,
        "2026-11-27 08:00:00",
        "2026-11-27 10:00:00",
        "Europe/Berlin",
    )
    fake_tt.start_timer(account, seeded.alice_tt_id, design, "2026-11-27 15:00:00", "Europe/Berlin")
    fake_tt.add_event(
        account,
        seeded.bob_tt_id,
        design,
        "2026-11-27 09:00:00",
        "2026-11-27 12:30:00",
        "America/New_York",
    )
    # Something on another day, which the digest must leave out.
    fake_tt.add_event(
        account,
        seeded.bob_tt_id,
        design,
        "2026-11-26 09:00:00",
        "2026-11-26 17:00:00",
        "America/New_York",
    )
    assert "17:45 (Europe/Berlin)" in text_of(app.reply_to(admin, f"digest <#{CHANNEL}|team-time>"))
    await scheduled_at(services, BEFORE_TIME)  # as if it had been set that afternoon
    fake_slack.clear()


def digests_posted(fake_slack: FakeSlack) -> list[dict[str, Any]]:
    return [
        call.args
        for call in fake_slack.calls_to("chat.postMessage")
        if call.ok and call.args.get("channel") == CHANNEL
    ]


async def test_the_digest_is_posted_once_on_a_workday_exceptions_first(
    app: AppHarness,
    admin: SlackUser,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    seeded: Seeded,
    worker_services: Services,
    clock: Clock,
) -> None:
    await a_team_with_a_digest(app, admin, fake_tt, fake_slack, seeded, worker_services)
    slack = slack_client(app.settings)

    clock.now = BEFORE_TIME
    assert await send_digests(worker_services, slack, BEFORE_TIME) == 0
    assert digests_posted(fake_slack) == []

    clock.now = DUE
    assert await send_digests(worker_services, slack, DUE) == 1
    [posted] = digests_posted(fake_slack)
    blocks = posted["blocks"]
    assert blocks[0]["text"]["text"] == "Team time · Fri 27 Nov"
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert sections[0] == ":zzz: *Nothing logged* (1)\n<@U0CAROL>"
    assert sections[1].startswith(":stopwatch: *Timer still running* (1)\n<@U0ALICE> ")
    assert "Design review · Website" in sections[1] and "(2h 50m)" in sections[1]
    assert sections[2] == (
        ":warning: *Couldn't read* (1)\n<@U0DAVE> couldn't read (App Password no longer accepted)"
    )
    totals = [f["text"] for b in blocks for f in b.get("fields", [])]
    assert totals == [
        "<@U0ALICE>  *4h 50m* :stopwatch:",
        "<@U0BOB>  *3h 30m*",
        "<@U0CAROL>  _nothing_",
    ]
    assert "4 connected members · *8h 20m* tracked in all" in text_of(posted)

    for moment in (LATER_THAT_EVENING, SATURDAY):  # sent today; no digest on weekends
        clock.now = moment
        assert await send_digests(worker_services, slack, moment) == 0
    assert len(digests_posted(fake_slack)) == 1
    assert app.rows("select team_id, slack_user_id, kind, period, sent from deliveries") == [
        (TEAM_ID, "", "digest", "2026-11-27", 1)
    ]


async def test_a_slack_failure_is_retried_a_minute_later(
    app: AppHarness,
    admin: SlackUser,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    seeded: Seeded,
    worker_services: Services,
    clock: Clock,
) -> None:
    await a_team_with_a_digest(app, admin, fake_tt, fake_slack, seeded, worker_services)
    slack = slack_client(app.settings)
    clock.now = DUE
    fake_slack.fail_next("chat.postMessage", "internal_error")
    assert await send_digests(worker_services, slack, DUE) == 0
    assert digests_posted(fake_slack) == []
    assert await send_digests(worker_services, slack, DUE + timedelta(seconds=10)) == 0
    assert await send_digests(worker_services, slack, DUE + RETRY) == 1
    assert len(digests_posted(fake_slack)) == 1


async def test_a_channel_the_app_cannot_post_in_is_retried_after_the_lease(
    app: AppHarness,
    admin: SlackUser,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    seeded: Seeded,
    worker_services: Services,
    clock: Clock,
) -> None:
    await a_team_with_a_digest(app, admin, fake_tt, fake_slack, seeded, worker_services)
    slack = slack_client(app.settings)
    clock.now = DUE
    fake_slack.fail_next("chat.postMessage", "not_in_channel")
    assert await send_digests(worker_services, slack, DUE) == 0
    # Not every round: each try reads every member's TrackingTime again.
    assert await send_digests(worker_services, slack, DUE + timedelta(seconds=10)) == 0
    assert await send_digests(worker_services, slack, DUE + timedelta(minutes=16)) == 1
    assert len(digests_posted(fake_slack)) == 1
