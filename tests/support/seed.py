"""A small TrackingTime workspace and Slack team that tests build on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime

TEAM_ID = "T0ACME"
BOT_TOKEN = "xoxb-test-acme"
ALICE = SlackUser(TEAM_ID, "U0ALICE", "alice")
BOB = SlackUser(TEAM_ID, "U0BOB", "bob")
ALICE_PASSWORD = "alice-app-password-0001"
BOB_PASSWORD = "bob-app-password-0002"


@dataclass(frozen=True)
class Seeded:
    account_id: int
    second_account_id: int
    alice_tt_id: int
    bob_tt_id: int
    projects: dict[str, int]
    tasks: dict[str, int]


def seed(fake_tt: FakeTrackingTime, fake_slack: FakeSlack) -> Seeded:
    """Alice (Berlin) belongs to one TrackingTime workspace, Bob (New York) to two."""
    fake_slack.add_team(TEAM_ID, BOT_TOKEN, name="Acme")
    fake_slack.add_user(TEAM_ID, ALICE.user_id, "Alice Liddell", tz="Europe/Berlin")
    fake_slack.add_user(TEAM_ID, BOB.user_id, "Bob Builder", tz="America/New_York")

    account = fake_tt.add_account("Acme Design")
    other = fake_tt.add_account("Bob's Side Gig")
    alice = fake_tt.add_user("alice@acme.test", ALICE_PASSWORD, "Alice", "Liddell", [account])
    bob = fake_tt.add_user(
        "bob@acme.test",
        BOB_PASSWORD,
        "Bob",
        "Builder",
        [account, other],
        timezone="America/New_York",
    )
    customer = fake_tt.add_customer(account, "Acme Corp")
    projects = {
        "Website": fake_tt.add_project(account, "Website", customer),
        "Mobile app": fake_tt.add_project(account, "Mobile app", customer),
        "Internal": fake_tt.add_project(account, "Internal"),
    }
    tasks = {
        "Design review/Website": fake_tt.add_task(account, "Design review", projects["Website"]),
        "Design review/Mobile app": fake_tt.add_task(
            account, "Design review", projects["Mobile app"]
        ),
        "Log in page/Website": fake_tt.add_task(account, "Log in page", projects["Website"]),
        "Standup/Internal": fake_tt.add_task(account, "Standup", projects["Internal"]),
        "Development/Website": fake_tt.add_task(account, "Development", projects["Website"]),
    }
    fake_tt.add_task(other, "Gig work")
    return Seeded(account, other, alice, bob, projects, tasks)
