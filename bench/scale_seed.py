"""The world ``bench.worker_scale`` measures: many linked users, few of them with anything due.

Users are spread over workspaces of 100 and over zones around the world, every one with a daily
summary at 17:30 on weekdays and their own encrypted App Password, as if linked on Saturday
(:data:`SEEDED_AT`). Among them:

* up to ``DUE_SET`` users (one per workspace, Berlin) take their summary at 12:00, as many at
  12:15 and a sample at 12:30: the summaries due at once for one worker process and for two, and
  those sent one at a time;
* ``active`` of them (a share) used the app recently, so the slow check looks for timers they
  start elsewhere; one in ten of those left a timer running in TrackingTime's own app on Sunday
  night, one in ten started one from Slack at midnight (its reminder is due at 09:00 UTC).

Only the users the worker will call exist in the fake TrackingTime and the fake Slack; the rest
must never be called, and the benchmark counts that they are not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert

from bot.crypto import Keyring
from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from bot.storage import Database, SlackUserKey, UserSettings
from bot.storage.models import LinkedAccount
from bot.storage.schedule import checks_first
from bot.trackingtime.timefmt import zone_or_utc

TOKEN = "xoxb-scale"
SLACK_TEAM = "T0SCALE"  # one bot token serves every workspace in this benchmark
PER_WORKSPACE = 100
DUE_SET = 1000
# Zones whose 17:30 is not on Monday between 06:00 and 12:00 UTC, when the benchmark runs: no
# summary of theirs is due then.
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Africa/Lagos",
    "UTC",
)
SEEDED_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
ELSEWHERE_STARTED = "2026-11-29 22:00:00"  # Sunday night, UTC
FROM_SLACK_STARTED = MONDAY  # midnight UTC: reminded at 09:00 UTC
FROM_SLACK_TEXT = "2026-11-30 00:00:00"
CHUNK = 5000


@dataclass(frozen=True)
class Person:
    n: int
    key: SlackUserKey
    zone: str
    password: str
    summary_at: time = time(17, 30)
    active: bool = False
    timer: str = ""  # "", "elsewhere" or "slack"

    @property
    def called(self) -> bool:
        """Whether the worker may call TrackingTime or Slack for them."""
        return self.active or self.summary_at != time(17, 30)


SINGLE, DOUBLE, SAMPLE = time(12, 0), time(12, 15), time(12, 30)  # Berlin


def due_set(users: int) -> int:
    return min(DUE_SET, users // 10)


def people(users: int, active_share: float, sequential: int) -> Iterator[Person]:
    stride = users // due_set(users)
    active_every = max(round(1 / active_share), 1) if active_share else 0
    for n in range(users):
        key = SlackUserKey(None, f"T{n // PER_WORKSPACE:05d}", f"U{n:07d}")
        password = f"scale-password-{n:07d}"
        slot, rank = n % stride, n // stride
        special = {0: SINGLE, 1: DOUBLE, 2: SAMPLE}.get(slot)
        if special is not None and (special != SAMPLE or rank < sequential):
            yield Person(n, key, "Europe/Berlin", password, summary_at=special)
        elif active_every and n % active_every == 3 % active_every:
            turn = n // active_every  # every zone in turn, and one in ten of each kind of timer
            kind = {0: "elsewhere", 1: "slack"}.get(turn % 10, "")
            yield Person(n, key, ZONES[turn % len(ZONES)], password, active=True, timer=kind)
        else:
            yield Person(n, key, ZONES[n % len(ZONES)], password)


def row(  # type: ignore[type-arg]
    person: Person, tt_user: int, account: int, secret: str, every: timedelta, event: int | None
) -> dict:
    settings = UserSettings(summary_time=person.summary_at)
    from_slack = person.timer == "slack"
    return {
        "enterprise_id": "",
        "team_id": person.key.team_id,
        "slack_user_id": person.key.user_id,
        "tt_user_id": tt_user,
        "tt_account_id": account,
        "tt_workspace_name": "Scale",
        "tt_user_name": "",
        "app_password_encrypted": secret,
        "time_zone": person.zone,
        "summary_time": person.summary_at.strftime("%H:%M"),
        "created_at": SEEDED_AT,
        "updated_at": SEEDED_AT,
        "summary_due_at": settings.summary_at(person.zone, SEEDED_AT),
        "active_at": SEEDED_AT if person.active else None,
        "timer_check_at": (
            checks_first(person.key, zone_or_utc(person.zone), range(5), every, SEEDED_AT)
            if person.active
            else None
        ),
        "timer_started_at": FROM_SLACK_STARTED if from_slack else None,
        "timer_event_id": event if from_slack else None,
        "timer_remind_at": FROM_SLACK_STARTED + settings.timer_limit if from_slack else None,
    }


async def seed(
    url: str,
    key: str,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    users: int,
    active_share: float,
    sequential: int,
    every: timedelta,
) -> dict[str, int]:
    """Write the links (in bulk) and the fakes' users; returns how many of each kind."""
    keyring = Keyring([key])
    fake_slack.add_team(SLACK_TEAM, TOKEN)
    counts = {"links": 0, "single": 0, "double": 0, "sample": 0, "active": 0, "timers": 0}
    accounts: dict[str, int] = {}
    tasks: dict[int, int] = {}
    database = Database(url)
    try:
        batch: list[dict] = []  # type: ignore[type-arg]
        for person in people(users, active_share, sequential):
            counts["links"] += 1
            counts["single"] += person.summary_at == SINGLE
            counts["double"] += person.summary_at == DOUBLE
            counts["sample"] += person.summary_at == SAMPLE
            counts["active"] += person.active
            tt_user, account, event = 900_000_000 + person.n, 1, None
            if person.called:  # one TrackingTime account per workspace, as teams have
                team = person.key.team_id
                if team not in accounts:
                    accounts[team] = fake_tt.add_account(f"Scale {team}")
                    tasks[accounts[team]] = fake_tt.add_task(accounts[team], "Work")
                account = accounts[team]
                email = f"{person.key.user_id}@scale.test"
                tt_user = fake_tt.add_user(
                    email, person.password, "User", str(person.n), [account], person.zone
                )
                fake_slack.add_user(SLACK_TEAM, person.key.user_id, f"User {person.n}", person.zone)
            if person.timer:
                counts["timers"] += 1
                start = ELSEWHERE_STARTED if person.timer == "elsewhere" else FROM_SLACK_TEXT
                event = fake_tt.start_timer(account, tt_user, tasks[account], start, "UTC")
            secret = keyring.encrypt(person.password)
            batch.append(row(person, tt_user, account, secret, every, event))
            if len(batch) == CHUNK:
                await _insert(database, batch)
                batch = []
        if batch:
            await _insert(database, batch)
    finally:
        await database.dispose()
    return counts


async def _insert(database: Database, rows: list[dict]) -> None:  # type: ignore[type-arg]
    async with database.engine.begin() as connection:
        await connection.execute(insert(LinkedAccount), rows)
