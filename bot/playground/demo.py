"""The demo workspace the playground starts with: a small studio with a week of tracked time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from bot.trackingtime.timefmt import to_tt

TEAM_ID = "T0PLAYGRND"
BOT_TOKEN = "xoxb-playground-bot-token"


@dataclass(frozen=True)
class DemoUser:
    slack: SlackUser
    real_name: str
    time_zone: str
    email: str
    app_password: str
    linked: bool  # already connected when the playground starts
    admin: bool = False  # a workspace admin (may choose the team digest's channel)


DANA = DemoUser(
    SlackUser(TEAM_ID, "U0DANA", "dana"),
    "Dana Whitfield",
    "Europe/Berlin",
    "dana@northwind.example",
    "dana-demo-app-password-7f3k",
    linked=True,
    admin=True,
)
SAM = DemoUser(
    SlackUser(TEAM_ID, "U0SAM", "sam"),
    "Sam Okafor",
    "America/New_York",
    "sam@northwind.example",
    "sam-demo-app-password-9q2m",
    linked=False,
)
USERS = {user.slack.name: user for user in (DANA, SAM)}

# (customer, project, tasks)
CATALOGUE = (
    ("Acme Corp", "Website redesign", ("Design review", "Development", "Log in page")),
    ("Globex", "Mobile app", ("Sprint planning", "QA testing", "Design review")),
    (None, "Internal", ("Standup", "Email & admin")),
)
# A working day: (start, minutes, project, task, notes)
DAY_PLAN = (
    (time(9, 0), 15, "Internal", "Standup", ""),
    (time(9, 30), 150, "Website redesign", "Development", "checkout flow"),
    (time(13, 0), 90, "Mobile app", "QA testing", "release 2.4 regression pass"),
    (time(14, 45), 75, "Website redesign", "Design review", "header and footer"),
    (time(16, 15), 30, "Internal", "Email & admin", ""),
)


@dataclass(frozen=True)
class DemoWorkspace:
    account_id: int
    tt_user_ids: dict[str, int]
    tasks: dict[tuple[str, str], int]


def seed_demo(fake_tt: FakeTrackingTime, fake_slack: FakeSlack, today: date) -> DemoWorkspace:
    """Fill both fakes; the last week's working days get entries for every demo user."""
    fake_slack.add_team(TEAM_ID, BOT_TOKEN, name="Northwind")
    account = fake_tt.add_account("Northwind Studio")
    tt_users = {}
    for user in USERS.values():
        fake_slack.add_user(
            TEAM_ID,
            user.slack.user_id,
            user.real_name,
            tz=user.time_zone,
            email=user.email,
            is_admin=user.admin,
        )
        first, last = user.real_name.split(" ", 1)
        tt_users[user.slack.name] = fake_tt.add_user(
            user.email, user.app_password, first, last, [account], timezone=user.time_zone
        )
    tasks: dict[tuple[str, str], int] = {}
    for customer, project, task_names in CATALOGUE:
        customer_id = fake_tt.add_customer(account, customer) if customer else None
        project_id = fake_tt.add_project(account, project, customer_id)
        for name in task_names:
            tasks[(project, name)] = fake_tt.add_task(account, name, project_id)

    for user in USERS.values():
        zone = ZoneInfo(user.time_zone)
        for days_ago in range(7, 0, -1):
            day = today - timedelta(days=days_ago)
            if day.weekday() >= 5:
                continue
            for start_time, minutes, project, task, notes in DAY_PLAN:
                start = datetime.combine(day, start_time, tzinfo=zone)
                end = start + timedelta(minutes=minutes)
                local_start, offset = to_tt(start, zone)
                local_end, _ = to_tt(end, zone)
                fake_tt.add_event(
                    account,
                    tt_users[user.slack.name],
                    tasks[(project, task)],
                    local_start,
                    local_end,
                    offset,
                    notes,
                )
    return DemoWorkspace(account, tt_users, tasks)
