"""Due instants on SQLite and PostgreSQL: stored when settings, zone or a timer change, selected
by index, and claimed so that two workers never take the same row."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from bot.crypto import Keyring, generate_key
from bot.storage import AccountStore, Database, Link, SlackUserKey, UserSettings
from bot.storage.deliveries import TeamSettingsStore
from bot.storage.models import LinkedAccount, TeamSettings
from bot.storage.pending import due_entries
from bot.storage.schedule import (
    CHECK,
    DIGEST,
    REMINDER,
    SUMMARY,
    ScheduleStore,
    aware,
    due_rows,
)

KEY = generate_key()
ALICE = SlackUserKey(None, "T1", "U1")
MONDAY_0900_BERLIN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def link(key: SlackUserKey = ALICE, zone: str = "Europe/Berlin") -> Link:
    return Link(key, 100, 200, "Acme", f"password-{key.user_id}", zone)


async def row_of(database: Database, key: SlackUserKey = ALICE) -> LinkedAccount:
    async with database.sessions() as session:
        return (await session.exec(select(LinkedAccount).where(*key._where()))).one()


async def due_at(database: Database, column: str, key: SlackUserKey = ALICE) -> datetime | None:
    return aware(getattr(await row_of(database, key), column))


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 wall time in Berlin (UTC+1), as UTC."""
    return datetime(2026, 11, day, hour - 1, minute, tzinfo=UTC)


async def test_a_changed_setting_moves_the_due_time(database: Database) -> None:
    clock = Clock(MONDAY_0900_BERLIN)
    accounts = AccountStore(database.sessions, Keyring([KEY]), clock)
    await accounts.save(link())
    assert await due_at(database, SUMMARY) == berlin(23, 17, 30)  # today, 17:30 by default

    await accounts.save_settings(ALICE, UserSettings(summary_time=time(12, 0)))
    assert await due_at(database, SUMMARY) == berlin(23, 12)
    await accounts.save_settings(ALICE, UserSettings(summary_days=frozenset({2})))  # Wednesday
    assert await due_at(database, SUMMARY) == berlin(25, 17, 30)
    await accounts.save_settings(ALICE, UserSettings(summary_enabled=False))
    assert await due_at(database, SUMMARY) is None
    await accounts.save_settings(ALICE, UserSettings())
    assert await due_at(database, SUMMARY) == berlin(23, 17, 30)

    # A new zone: the same 17:30 is another instant.
    await accounts.set_time_zone(ALICE, "America/New_York")
    assert await due_at(database, SUMMARY) == datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    # Late on Friday in Kolkata it is already Saturday: Monday's is next.
    clock.now = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    await accounts.set_time_zone(ALICE, "Asia/Kolkata")
    assert await due_at(database, SUMMARY) == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def test_a_timer_started_in_the_app_is_due_at_start_plus_limit(database: Database) -> None:
    accounts = AccountStore(database.sessions, Keyring([KEY]), Clock(MONDAY_0900_BERLIN))
    schedule = ScheduleStore(database.sessions, HOUR)
    await accounts.save(link())
    started = MONDAY_0900_BERLIN - timedelta(minutes=5)
    await schedule.timer_started(link(), started, 777, MONDAY_0900_BERLIN)
    row = await row_of(database)
    assert aware(row.timer_remind_at) == started + timedelta(hours=9)
    assert (aware(row.timer_started_at), row.timer_event_id) == (started, 777)
    assert aware(row.active_at) == MONDAY_0900_BERLIN

    # A new limit moves the reminder of the timer that runs; none is none.
    await accounts.save_settings(ALICE, UserSettings(timer_limit=timedelta(hours=2)))
    assert await due_at(database, REMINDER) == started + timedelta(hours=2)
    await accounts.save_settings(ALICE, UserSettings(timer_limit=timedelta(0)))
    assert await due_at(database, REMINDER) is None

    await schedule.timer_stopped(link(), MONDAY_0900_BERLIN)
    row = await row_of(database)
    assert (row.timer_remind_at, row.timer_started_at, row.timer_event_id) == (None, None, None)


async def test_an_active_user_is_checked_on_inside_working_hours(database: Database) -> None:
    accounts = AccountStore(database.sessions, Keyring([KEY]), Clock(MONDAY_0900_BERLIN))
    await accounts.save(link())
    evening = berlin(23, 21)  # after working hours
    await ScheduleStore(database.sessions, HOUR).active(link(), evening)
    first = await due_at(database, CHECK)
    assert first is not None and berlin(24, 7) <= first < berlin(24, 8)  # Tuesday's first hour
    # Seen again: the check already planned stays.
    await ScheduleStore(database.sessions, HOUR).active(link(), evening + HOUR)
    assert await due_at(database, CHECK) == first
    # With the checks off (TIMER_CHECK_MINUTES=0), a newcomer is never checked on.
    bob = SlackUserKey(None, "T1", "U2")
    await accounts.save(link(bob))
    await ScheduleStore(database.sessions, timedelta(0)).active(link(bob), evening)
    assert await due_at(database, CHECK, bob) is None


async def many_links(database: Database, count: int, due: datetime) -> None:
    """``count`` linked accounts whose summary is due at ``due`` (in bulk, as the benchmark)."""
    secret = Keyring([KEY]).encrypt("not-opened")
    rows = [
        {
            "enterprise_id": "",
            "team_id": "T1",
            "slack_user_id": f"U{n:05d}",
            "tt_user_id": n,
            "tt_account_id": 1,
            "tt_workspace_name": "Acme",
            "tt_user_name": "",
            "app_password_encrypted": secret,
            "time_zone": "UTC",
            "created_at": due,
            "updated_at": due,
            "summary_due_at": due + timedelta(seconds=n % 7),
        }
        for n in range(count)
    ]
    async with database.sessions() as session:
        await session.exec(LinkedAccount.__table__.insert(), params=rows)  # type: ignore[call-overload,attr-defined]
        await session.commit()


async def test_a_claim_takes_due_rows_earliest_first_and_holds_them(database: Database) -> None:
    now = MONDAY_0900_BERLIN
    await many_links(database, 10, now - timedelta(seconds=6))
    await a_link_due_tonight(database)
    schedule = ScheduleStore(database.sessions, HOUR)

    first = await schedule.claim(SUMMARY, now, timedelta(minutes=5), limit=4)
    assert len(first) == 4
    instants = [aware(d.row.summary_due_at) for d in first]
    assert all(i == now + timedelta(minutes=5) for i in instants)
    rest = await schedule.claim(SUMMARY, now, timedelta(minutes=5), limit=100)
    assert len(rest) == 6  # not the four held, and not the row due tomorrow
    assert not {d.id for d in first} & {d.id for d in rest}
    assert await schedule.claim(SUMMARY, now, timedelta(minutes=5), limit=100) == []
    # Once the lease has run out, they are due again.
    later = now + timedelta(minutes=6)
    assert len(await schedule.claim(SUMMARY, later, timedelta(minutes=5), limit=100)) == 10


async def a_link_due_tonight(database: Database) -> None:
    accounts = AccountStore(database.sessions, Keyring([KEY]), Clock(MONDAY_0900_BERLIN))
    late = SlackUserKey(None, "T1", "ULATE")
    await accounts.save(link(late, zone="America/Los_Angeles"))  # it is midnight there
    assert await due_at(database, SUMMARY, late) == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)


async def test_what_the_worker_writes_back_never_overrides_a_newer_setting(
    database: Database,
) -> None:
    clock = Clock(MONDAY_0900_BERLIN)
    accounts = AccountStore(database.sessions, Keyring([KEY]), clock)
    schedule = ScheduleStore(database.sessions, HOUR)
    await accounts.save(link())
    clock.now = now = berlin(23, 18)  # today's summary is due
    [held] = await schedule.claim(SUMMARY, now, timedelta(minutes=5), limit=10)
    # Meanwhile the user picks another time: the web process stores a fresh instant ...
    await accounts.save_settings(ALICE, UserSettings(summary_time=time(19, 0)))
    # ... which the worker's late write-back leaves alone.
    await schedule.settle(SUMMARY, [(held, {SUMMARY: berlin(24, 17, 30)})])
    assert await due_at(database, SUMMARY) == berlin(23, 19)
    # Where its lease still stands, the write goes through.
    [held] = await schedule.claim(SUMMARY, berlin(23, 19), timedelta(minutes=5), limit=10)
    await schedule.settle(SUMMARY, [(held, {SUMMARY: berlin(24, 19), "active_at": now})])
    row = await row_of(database)
    assert (aware(row.summary_due_at), aware(row.active_at)) == (berlin(24, 19), now)


@pytest.fixture
async def second_database(database: Database) -> AsyncIterator[Database]:
    """Another engine on the same database: a second worker process."""
    other = Database(database.url)
    try:
        yield other
    finally:
        await other.dispose()


async def test_two_workers_claiming_at_once_take_each_row_once(
    database: Database, second_database: Database
) -> None:
    """On PostgreSQL both claim at the same time (``FOR UPDATE SKIP LOCKED``: neither waits for
    the other's rows); on SQLite one writer goes at a time. Either way: every due row once."""
    now = MONDAY_0900_BERLIN
    await many_links(database, 300, now - timedelta(minutes=1))
    stores = [ScheduleStore(db.sessions, HOUR) for db in (database, second_database)]

    async def worker(schedule: ScheduleStore) -> list[int]:
        taken: list[int] = []
        while batch := await schedule.claim(SUMMARY, now, timedelta(minutes=5), limit=25):
            taken.extend(due.id for due in batch)
            await asyncio.sleep(0)
        return taken

    first, second = await asyncio.gather(*(worker(s) for s in stores))
    assert len(first) + len(second) == 300
    assert len(set(first) | set(second)) == 300
    if "postgresql" in database.url:
        assert first and second  # the work was split, not done twice


async def query_plan(database: Database, statement: Any) -> str:
    compiled = statement.compile(database.engine, compile_kwargs={"literal_binds": True})
    async with database.engine.connect() as connection:
        if database.engine.dialect.name == "sqlite":
            found = await connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            return " ".join(str(row[-1]) for row in found)
        # With a handful of rows a sequential scan is cheaper; forbid it to see if the index
        # can serve the query at all (the scale benchmark shows it does at 100,000 rows).
        await connection.execute(text("SET enable_seqscan = off"))
        found = await connection.execute(text(f"EXPLAIN {compiled}"))
        return " ".join(str(row[0]) for row in found)


NOW = MONDAY_0900_BERLIN
DUE_QUERIES = {
    "ix_linked_accounts_summary_due_at": due_rows(LinkedAccount, SUMMARY, NOW, 200),
    "ix_linked_accounts_timer_remind_at": due_rows(LinkedAccount, REMINDER, NOW, 200),
    "ix_linked_accounts_timer_check_at": due_rows(LinkedAccount, CHECK, NOW, 200),
    "ix_team_settings_digest_due_at": due_rows(TeamSettings, DIGEST, NOW, 200),
    "ix_pending_entries_due": due_entries(NOW, 20),
}


@pytest.mark.parametrize("index", DUE_QUERIES)
async def test_due_work_is_found_through_an_index(database: Database, index: str) -> None:
    await many_links(database, 50, NOW)
    plan = await query_plan(database, DUE_QUERIES[index])
    assert index in plan, plan
    assert "SCAN " not in plan  # SQLite: neither a full scan nor a sort


async def test_nothing_is_read_for_rows_not_due(database: Database) -> None:
    """The claim's SELECT is bounded by what is due: with 1,000 rows none of which is due, no
    row comes back and no instant is touched."""
    await many_links(database, 1000, MONDAY_0900_BERLIN + timedelta(days=1))
    schedule = ScheduleStore(database.sessions, HOUR)
    assert await schedule.claim(SUMMARY, MONDAY_0900_BERLIN, timedelta(minutes=5), 200) == []
    earliest = select(col(LinkedAccount.summary_due_at)).order_by(col(LinkedAccount.summary_due_at))
    async with database.sessions() as session:
        first = (await session.exec(earliest.limit(1))).one()
    assert aware(first) == MONDAY_0900_BERLIN + timedelta(days=1)


async def test_a_digest_is_due_at_its_time_in_its_zone_and_off_is_never(database: Database) -> None:
    clock = Clock(MONDAY_0900_BERLIN)
    teams = TeamSettingsStore(database.sessions, clock)
    schedule = ScheduleStore(database.sessions, HOUR)
    await teams.set_digest(None, "T1", "C1", "Europe/Berlin", "17:45")
    await teams.set_digest(None, "T2", "C2", "America/New_York", "09:00")
    async with database.sessions() as session:
        rows = {
            r.team_id: aware(r.digest_due_at)
            for r in (await session.exec(select(TeamSettings))).all()
        }
    assert rows == {"T1": berlin(23, 17, 45), "T2": datetime(2026, 11, 23, 14, 0, tzinfo=UTC)}
    lease = timedelta(minutes=15)
    [new_york] = await schedule.claim_digests(datetime(2026, 11, 23, 14, 30, tzinfo=UTC), lease, 10)
    assert new_york.row.team_id == "T2"
    await schedule.settle_digest(new_york, datetime(2026, 11, 24, 14, 0, tzinfo=UTC))
    [berlin_due] = await schedule.claim_digests(berlin(23, 18), lease, 10)
    assert berlin_due.row.team_id == "T1"
    await teams.set_digest(None, "T1", None, "Europe/Berlin", "17:45")  # turned off
    # On Tuesday evening only New York's comes due.
    assert [d.row.team_id for d in await schedule.claim_digests(berlin(24, 18), lease, 10)] == [
        "T2"
    ]
