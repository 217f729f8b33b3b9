"""Fixing what was tracked, against the fake TrackingTime over HTTP, with Undo's copies kept in
the real database (SQLite and PostgreSQL): edit (and an entry changed or deleted meanwhile),
delete and Undo, log again today, start again, the latest entries, notes on the running timer
and continue. Every entry id is checked against its owner first: Ann is her workspace's admin,
whose App Password TrackingTime lets change Bob's entries, and the app must not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.services.catalogue import Catalogue, Lists
from bot.services.editing import (
    Changed,
    Deleted,
    EditingService,
    EntryGone,
    NotYours,
    ProjectOnly,
    Restored,
    Running,
    UndoExpired,
    Updated,
    task_outside_project,
    version,
)
from bot.services.entries import (
    Entry,
    EntryService,
    Kept,
    LogForm,
    Logged,
    NoRoom,
    entry_from_form,
)
from bot.services.timers import (
    NotesSet,
    NothingRunning,
    NothingToContinue,
    Started,
    TimerService,
)
from bot.storage import Database, Link, SlackUserKey
from bot.storage.deleted import UNDO_FOR, DeletedEntryStore
from bot.storage.pending import PendingEntryStore
from bot.storage.schedule import ScheduleStore
from bot.trackingtime import Event, InvalidCredentials, Project, Task, TrackingTime

BERLIN = ZoneInfo("Europe/Berlin")
# Friday 27 November 2026, 15:07:42 in Berlin.
NOW = datetime(2026, 11, 27, 14, 7, 42, tzinfo=UTC)
LONG_NOTES = "Ünïcödé & <b>\n" + "notes that no button value could carry. " * 120


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    fake: FakeTrackingTime
    account: int
    other_account: int
    ann: int
    bob: int
    design: int  # a task in Website
    standup: int  # a task in Internal
    website: int
    internal: int
    ann_link: Link
    bob_link: Link
    editing: EditingService
    timers: TimerService
    entries: EntryService
    deleted: DeletedEntryStore
    pending: PendingEntryStore
    clock: Clock

    def add(self, user: int, task: int, start: str, end: str, notes: str = "") -> int:
        return self.fake.add_event(self.account, user, task, start, end, "Europe/Berlin", notes)

    def event(self, event_id: int) -> dict[str, object]:
        return next(e for e in self.fake.events(self.account) if e["id"] == event_id)


@pytest.fixture
async def world(
    database: Database,
    fake_tt: FakeTrackingTime,
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> AsyncIterator[World]:
    account = fake_tt.add_account("Acme")
    other_account = fake_tt.add_account("Side gig")
    ann = fake_tt.add_user("ann@acme.test", "ann-app-password-1", "Ann", accounts=[account])
    bob = fake_tt.add_user(
        "bob@acme.test", "bob-app-password-2", "Bob", accounts=[account, other_account]
    )
    website = fake_tt.add_project(account, "Website")
    internal = fake_tt.add_project(account, "Internal")
    design = fake_tt.add_task(account, "Design review", website)
    standup = fake_tt.add_task(account, "Standup", internal)
    client = TrackingTime(fake_tt_server[1].api_url)
    clock = Clock()
    catalogue = Catalogue(client)
    pending = PendingEntryStore(database.sessions)
    deleted = DeletedEntryStore(database.sessions)
    entries = EntryService(client, catalogue, pending, clock)
    timers = TimerService(
        client, catalogue, ScheduleStore(database.sessions, timedelta(hours=1)), clock
    )
    editing = EditingService(client, entries, timers, deleted, clock)

    def link(user_id: int, slack_user: str, password: str) -> Link:
        key = SlackUserKey(None, "T0ACME", slack_user)
        return Link(key, user_id, account, "Acme", password, "Europe/Berlin")

    try:
        yield World(
            fake_tt,
            account,
            other_account,
            ann,
            bob,
            design,
            standup,
            website,
            internal,
            link(ann, "U0ANN", "ann-app-password-1"),
            link(bob, "U0BOB", "bob-app-password-2"),
            editing,
            timers,
            entries,
            deleted,
            pending,
            clock,
        )
    finally:
        await client.aclose()


def berlin(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=BERLIN)


def same_instant(a: datetime | None, b: datetime) -> bool:
    return a is not None and a.astimezone(UTC) == b.astimezone(UTC)


# --- Whose entry it is -----------------------------------------------------------------------


async def test_an_own_entry_is_read_as_trackingtime_has_it(world: World) -> None:
    event_id = world.add(world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:30:00")
    event = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(event, Event)
    assert (event.id, event.user_id, event.task_id, event.project) == (
        event_id,
        world.ann,
        world.design,
        "Website",
    )


async def test_a_colleagues_entry_is_refused_though_trackingtime_would_allow_it(
    world: World,
) -> None:
    """Ann is the workspace's admin: TrackingTime lets her App Password change Bob's entries."""
    bobs = world.add(world.bob, world.design, "2026-11-26 09:00:00", "2026-11-26 10:00:00")
    before = world.event(bobs)
    link = world.ann_link
    assert await world.editing.entry(link, bobs) == NotYours(bobs)
    assert await world.editing.delete(link, bobs) == NotYours(bobs)
    assert await world.editing.update(link, bobs, "x", form_entry(world)) == NotYours(bobs)
    assert await world.editing.log_again_today(link, bobs, None) == NotYours(bobs)
    assert await world.editing.start_again(link, bobs) == NotYours(bobs)
    assert await world.editing.undo_logged(link, bobs) == NotYours(bobs)
    assert world.event(bobs) == before
    assert world.fake.events(world.account, world.ann) == []
    assert world.fake.running_task(world.account, world.ann) is None


async def test_an_entry_deleted_or_of_another_workspace_is_gone(world: World) -> None:
    elsewhere = world.fake.add_task(world.other_account, "Gig work")
    theirs = world.fake.add_event(
        world.other_account,
        world.bob,
        elsewhere,
        "2026-11-26 09:00:00",
        "2026-11-26 10:00:00",
        "Europe/Berlin",
    )
    assert await world.editing.entry(world.bob_link, theirs) == EntryGone(theirs)
    assert await world.editing.delete(world.ann_link, 999_999_999) == EntryGone(999_999_999)


async def test_the_running_timers_entry_has_nothing_to_edit(world: World) -> None:
    running = world.fake.start_timer(
        world.account, world.ann, world.design, "2026-11-27 14:00:00", "GMT+01:00"
    )
    outcome = await world.editing.finished_entry(world.ann_link, running)
    assert isinstance(outcome, Running)
    assert await world.editing.delete(world.ann_link, running) == outcome
    assert world.fake.running_task(world.account, world.ann) is not None


# --- Edit --------------------------------------------------------------------------------------


def form_entry(world: World, **fields: object) -> Entry:
    form = LogForm(
        **{  # type: ignore[arg-type]
            "day": "2026-11-26",
            "task": (world.standup, "Standup · Internal"),
            "start": "13:00",
            "end": "14:15",
            "notes": "sprint sync",
            **fields,
        }
    )
    entry = entry_from_form(form, BERLIN, NOW)
    assert isinstance(entry, Entry), entry
    return entry


async def test_edit_saves_the_forms_task_times_and_notes(world: World) -> None:
    event_id = world.add(
        world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:30:00", "old notes"
    )
    shown = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(shown, Event)
    outcome = await world.editing.update(
        world.ann_link, event_id, version(shown), form_entry(world)
    )
    assert isinstance(outcome, Updated)
    assert outcome.before == shown
    stored = world.event(event_id)
    assert (stored["start"], stored["end"], stored["duration"]) == (
        "2026-11-26 13:00:00",
        "2026-11-26 14:15:00",
        75 * 60,
    )
    assert (stored["task_id"], stored["project"], stored["notes"]) == (
        world.standup,
        "Internal",
        "sprint sync",
    )
    assert outcome.after.notes == "sprint sync" and outcome.after.task == "Standup"
    request = next(r for r in reversed(world.fake.requests) if "events/update" in r.path)
    assert request.method == "POST"
    assert request.params["timezone"] == "GMT+01:00"


def listings(world: World) -> list[object]:
    """The fake's requests that listed entries (what reading a day takes)."""
    return [r for r in world.fake.requests if r.path.endswith("/events")]


async def test_edit_says_what_the_new_times_overlap_but_not_the_entry_itself(
    world: World,
) -> None:
    """Times set in the Edit form are taken as given, as a typed range is, and the answer says
    what they overlap: entries never overlap silently."""
    event_id = world.add(world.ann, world.design, "2026-11-26 13:30:00", "2026-11-26 14:30:00")
    world.add(world.ann, world.design, "2026-11-26 14:00:00", "2026-11-26 15:00:00", "review")
    world.add(world.bob, world.design, "2026-11-26 13:00:00", "2026-11-26 14:00:00")  # Bob's
    shown = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(shown, Event)
    listed = len(listings(world))
    moved = form_entry(world)  # 13:00-14:15
    outcome = await world.editing.update(world.ann_link, event_id, version(shown), moved)
    assert isinstance(outcome, Updated) and len(listings(world)) > listed
    [overlap] = outcome.overlaps  # not its own old 13:30-14:30, nor Bob's time
    assert overlap.label == "Design review · Website"
    assert same_instant(overlap.start, berlin(26, 14))
    # Only the notes changed: times left as they were are not looked at again.
    again = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(again, Event)
    listed = len(listings(world))
    notes_only = form_entry(world, notes="sprint sync, notes")
    outcome = await world.editing.update(world.ann_link, event_id, version(again), notes_only)
    assert isinstance(outcome, Updated) and outcome.overlaps == ()
    assert len(listings(world)) == listed


async def test_edit_moves_an_entry_onto_a_project_itself(world: World) -> None:
    event_id = world.add(world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:00:00")
    shown = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(shown, Event)
    entry = form_entry(world, task=None, project=(world.internal, "Internal"))
    assert isinstance(
        await world.editing.update(world.ann_link, event_id, version(shown), entry), Updated
    )
    stored = world.event(event_id)
    assert (stored["task_id"], stored["project_id"]) == (None, world.internal)


async def test_times_left_as_shown_keep_their_seconds(world: World) -> None:
    """A timer's entry has seconds; the form shows minutes. Only the notes change here."""
    event_id = world.add(world.ann, world.design, "2026-11-26 09:00:37", "2026-11-26 10:29:51")
    shown = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(shown, Event)
    entry = form_entry(
        world,
        task=(world.design, "Design review · Website"),
        start="09:00",
        end="10:29",
        notes="only this",
    )
    outcome = await world.editing.update(world.ann_link, event_id, version(shown), entry)
    assert isinstance(outcome, Updated)
    stored = world.event(event_id)
    assert (stored["start"], stored["end"], stored["notes"]) == (
        "2026-11-26 09:00:37",
        "2026-11-26 10:29:51",
        "only this",
    )
    request = next(r for r in reversed(world.fake.requests) if "events/update" in r.path)
    assert "timezone" not in request.params and "start" not in request.params


async def test_an_entry_changed_meanwhile_is_not_saved_over(world: World) -> None:
    event_id = world.add(world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:30:00")
    shown = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(shown, Event)
    # Someone changes it in TrackingTime's own app while the form is open.
    session = world.editing._session(world.ann_link)
    await session.update_event(event_id, notes="changed in the web app")
    outcome = await world.editing.update(
        world.ann_link, event_id, version(shown), form_entry(world)
    )
    assert isinstance(outcome, Changed)
    assert outcome.event.notes == "changed in the web app"
    assert world.event(event_id)["notes"] == "changed in the web app"
    assert world.event(event_id)["task_id"] == world.design


async def test_an_entry_deleted_meanwhile_is_gone(world: World) -> None:
    event_id = world.add(world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:30:00")
    shown = await world.editing.entry(world.ann_link, event_id)
    assert isinstance(shown, Event)
    await world.editing._session(world.ann_link).delete_event(event_id)
    outcome = await world.editing.update(
        world.ann_link, event_id, version(shown), form_entry(world)
    )
    assert outcome == EntryGone(event_id)
    assert world.fake.events(world.account, world.ann) == []


async def test_the_version_changes_with_anything_the_form_shows() -> None:
    start = berlin(26, 9)
    event = Event(1, 2, "A", 3, "P", start, start + timedelta(hours=1), timedelta(hours=1), "n")
    assert version(event) == version(replace(event, task="renamed", duration=timedelta(0)))
    for change in (
        {"start": start - timedelta(minutes=1)},
        {"end": start + timedelta(hours=2)},
        {"task_id": 9},
        {"project_id": 9},
        {"notes": "m"},
    ):
        assert version(replace(event, **change)) != version(event), change


# --- Delete and Undo ---------------------------------------------------------------------------


async def test_delete_then_undo_brings_back_the_same_task_times_and_notes(world: World) -> None:
    event_id = world.add(
        world.ann, world.design, "2026-11-26 09:00:37", "2026-11-26 10:29:51", LONG_NOTES
    )
    before = world.event(event_id)
    deleted = await world.editing.delete(world.ann_link, event_id)
    assert isinstance(deleted, Deleted)
    assert deleted.event.notes == LONG_NOTES
    assert world.fake.events(world.account, world.ann) == []

    restored = await world.editing.restore(world.ann_link, deleted.undo_id, "C1")
    assert isinstance(restored, Restored)
    [back] = world.fake.events(world.account, world.ann)
    assert back["id"] != event_id  # TrackingTime cannot undelete: it is added again
    same = ("start", "end", "duration", "timezone", "task_id", "project_id", "notes")
    assert {k: back[k] for k in same} == {k: before[k] for k in same}
    assert restored.event.id == back["id"]
    # Spent: a second click finds nothing to undo, and adds nothing.
    assert await world.editing.restore(world.ann_link, deleted.undo_id, "C1") == UndoExpired()
    assert len(world.fake.events(world.account, world.ann)) == 1


async def deleted_design_review(world: World) -> Deleted:
    """Ann's Design review of yesterday 09:00-10:00, deleted from Slack."""
    event_id = world.add(world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:00:00")
    deleted = await world.editing.delete(world.ann_link, event_id)
    assert isinstance(deleted, Deleted)
    return deleted


async def test_undo_whose_answer_was_lost_is_found_by_the_retry_not_added_twice(
    world: World,
) -> None:
    deleted = await deleted_design_review(world)
    # TrackingTime adds it back, but its answer never comes: the entry is kept, as any entry.
    world.fake.fail_next("answer_lost", path_contains="/events/add")
    outcome = await world.editing.restore(world.ann_link, deleted.undo_id, None)
    assert isinstance(outcome, Kept)
    [back] = world.fake.events(world.account, world.ann)
    assert await world.editing.restore(world.ann_link, deleted.undo_id, None) == UndoExpired()
    # The worker's retry takes the entry TrackingTime added for this one, and adds nothing.
    [item] = await world.pending.claim(NOW, timedelta(minutes=2))
    retried = await world.entries.retry_kept(
        world.ann_link, item, give_up=False, next_try=NOW + timedelta(minutes=5)
    )
    assert isinstance(retried, Logged) and retried.event.id == back["id"]
    assert len(world.fake.events(world.account, world.ann)) == 1
    assert await world.pending.count() == 0


async def test_undo_clicked_twice_at_once_adds_the_entry_once(world: World) -> None:
    deleted = await deleted_design_review(world)
    outcomes = await asyncio.gather(
        *(world.editing.restore(world.ann_link, deleted.undo_id, None) for _ in range(2))
    )
    assert sorted(type(o).__name__ for o in outcomes) in (
        ["InProgress", "Restored"],
        ["Restored", "UndoExpired"],
    )
    assert len(world.fake.events(world.account, world.ann)) == 1


async def test_undo_that_trackingtime_would_not_even_be_asked_stays_for_another_click(
    world: World,
) -> None:
    deleted = await deleted_design_review(world)
    world.fake.fail_next("unauthorized_in_body")
    with pytest.raises(InvalidCredentials):
        await world.editing.restore(world.ann_link, deleted.undo_id, None)
    assert world.fake.events(world.account, world.ann) == []
    assert isinstance(await world.editing.restore(world.ann_link, deleted.undo_id, None), Restored)
    assert len(world.fake.events(world.account, world.ann)) == 1


async def test_undo_says_what_was_logged_in_the_entrys_place_meanwhile(world: World) -> None:
    deleted = await deleted_design_review(world)
    world.add(world.ann, world.standup, "2026-11-26 09:30:00", "2026-11-26 10:30:00")
    restored = await world.editing.restore(world.ann_link, deleted.undo_id, None)
    assert isinstance(restored, Restored)
    [overlap] = restored.overlaps
    assert overlap.label == "Standup · Internal"
    assert same_instant(overlap.start, berlin(26, 9, 30))


async def test_undo_while_trackingtime_is_down_keeps_the_entry_for_the_worker(
    world: World,
) -> None:
    deleted = await deleted_design_review(world)
    world.fake.fail_next("outage", times=2)
    outcome = await world.editing.restore(world.ann_link, deleted.undo_id, "C1")
    assert isinstance(outcome, Kept)
    assert await world.pending.count() == 1
    assert await world.editing.restore(world.ann_link, deleted.undo_id, "C1") == UndoExpired()


async def test_undo_is_only_for_the_user_who_deleted_and_only_for_a_day(world: World) -> None:
    deleted = await deleted_design_review(world)
    assert await world.editing.restore(world.bob_link, deleted.undo_id, None) == UndoExpired()
    world.clock.now = NOW + UNDO_FOR + timedelta(seconds=1)
    assert await world.editing.restore(world.ann_link, deleted.undo_id, None) == UndoExpired()
    assert world.fake.events(world.account) == []


async def test_deleted_copies_are_purged_and_go_with_the_user(world: World) -> None:
    store = world.deleted
    old = await store.keep(world.ann_link.key, "{}", NOW - UNDO_FOR - timedelta(minutes=1))
    kept = await store.keep(world.ann_link.key, '{"a": 1}', NOW)
    assert kept > old  # never a reused id: an old Undo button must not bring back another entry
    assert await store.get(world.ann_link.key, old, NOW - UNDO_FOR) is None  # purged by keep
    assert await store.get(world.ann_link.key, kept, NOW) == '{"a": 1}'
    grid = SlackUserKey("E1", "T0ACME", "U0ANN")  # the same ids under an Enterprise Grid org
    assert await store.get(grid, kept, NOW) is None
    await store.delete_user(world.bob_link.key)
    assert await store.get(world.ann_link.key, kept, NOW) == '{"a": 1}'
    await store.delete_user(world.ann_link.key)
    assert await store.get(world.ann_link.key, kept, NOW) is None
    again = await store.keep(world.ann_link.key, "{}", NOW)
    await store.delete_workspace(None, "T0OTHER")
    assert await store.get(world.ann_link.key, again, NOW) == "{}"
    await store.delete_workspace(None, "T0ACME")
    assert await store.get(world.ann_link.key, again, NOW) is None


# --- Log again today, start again, undo of a logged entry -------------------------------------


async def test_log_again_today_adds_the_same_task_length_and_notes_ending_now(
    world: World,
) -> None:
    event_id = world.add(
        world.ann, world.design, "2026-11-24 09:00:00", "2026-11-24 10:30:00", "review"
    )
    outcome = await world.editing.log_again_today(world.ann_link, event_id, "C1")
    assert isinstance(outcome, Logged)
    again = outcome.event
    assert (again.task_id, again.notes, again.duration) == (
        world.design,
        "review",
        timedelta(minutes=90),
    )
    # Placed as `/track log 1h30m` places it today: ending now (to the minute).
    assert same_instant(again.end, berlin(27, 15, 7))
    assert len(world.fake.events(world.account, world.ann)) == 2


async def test_log_again_today_never_overlaps_todays_time(world: World) -> None:
    """Placed by the same rule as ``/track log 1h30m``: ending where the running timer began,
    and before the entry that starts before it when that leaves no room."""
    event_id = world.add(world.ann, world.design, "2026-11-24 09:00:00", "2026-11-24 10:30:00")
    world.add(world.ann, world.standup, "2026-11-27 13:00:00", "2026-11-27 14:00:00")
    world.fake.start_timer(
        world.account, world.ann, world.standup, "2026-11-27 14:30:00", "GMT+01:00"
    )
    first = await world.editing.log_again_today(world.ann_link, event_id, None)
    assert isinstance(first, Logged) and first.placement is not None
    assert same_instant(first.event.start, berlin(27, 11, 30))
    assert same_instant(first.event.end, berlin(27, 13))
    assert first.placement.rule == "before"
    second = await world.editing.log_again_today(world.ann_link, event_id, None)
    assert isinstance(second, Logged)
    assert same_instant(second.event.end, berlin(27, 11, 30))  # before the first one
    world.clock.now = berlin(27, 1)  # at 01:00 no 1h30m is free today: nothing is logged
    assert isinstance(await world.editing.log_again_today(world.ann_link, event_id, None), NoRoom)
    assert len(world.fake.events(world.account, world.ann)) == 5


async def test_log_again_today_of_an_entry_on_a_project(world: World) -> None:
    session = world.editing._session(world.ann_link)
    on_project = await session.add_event(
        world.ann, berlin(26, 9), berlin(26, 10), project_id=world.internal
    )
    outcome = await world.editing.log_again_today(world.ann_link, on_project.id, None)
    assert isinstance(outcome, Logged)
    assert (outcome.event.task_id, outcome.event.project_id) == (None, world.internal)
    started = await world.editing.start_again(world.ann_link, on_project.id)
    assert isinstance(started, ProjectOnly) and started.event.id == on_project.id
    assert world.fake.running_task(world.account, world.ann) is None


async def test_start_again_starts_the_entrys_task_with_its_notes(world: World) -> None:
    event_id = world.add(
        world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:00:00", "homepage"
    )
    outcome = await world.editing.start_again(world.ann_link, event_id)
    assert isinstance(outcome, Started)
    running = world.fake.running_task(world.account, world.ann)
    assert running is not None
    assert (running["id"], running["tracking_event"]["notes"]) == (world.design, "homepage")


async def test_undo_of_a_logged_entry(world: World) -> None:
    event_id = world.add(world.ann, world.design, "2026-11-26 09:00:00", "2026-11-26 10:00:00")
    assert await world.editing.undo_logged(world.ann_link, event_id) is True
    assert await world.editing.undo_logged(world.ann_link, event_id) is False  # already gone


# --- /track edit ------------------------------------------------------------------------------


async def test_the_latest_entries_are_today_and_yesterday_newest_first(world: World) -> None:
    older = world.add(world.ann, world.design, "2026-11-25 09:00:00", "2026-11-25 10:00:00")
    yesterday = world.add(world.ann, world.design, "2026-11-26 16:00:00", "2026-11-26 17:00:00")
    morning = world.add(world.ann, world.standup, "2026-11-27 09:00:00", "2026-11-27 09:15:00")
    noon = world.add(world.ann, world.design, "2026-11-27 11:00:00", "2026-11-27 12:00:00")
    world.add(world.bob, world.design, "2026-11-27 13:00:00", "2026-11-27 14:00:00")
    world.fake.start_timer(
        world.account, world.ann, world.standup, "2026-11-27 14:30:00", "GMT+01:00"
    )
    latest = await world.editing.latest(world.ann_link)
    assert [e.id for e in latest] == [noon, morning, yesterday]
    assert older not in [e.id for e in latest]
    last = await world.editing.latest_entry(world.ann_link)
    assert last is not None and last.id == noon
    assert await world.editing.latest_entry(world.bob_link) is not None
    world.clock.now = NOW + timedelta(days=5)
    assert await world.editing.latest_entry(world.ann_link) is None


# --- Notes on the running timer, and continue --------------------------------------------------


async def test_note_sets_then_adds_to_the_running_timers_notes(world: World) -> None:
    world.fake.start_timer(
        world.account, world.ann, world.design, "2026-11-27 14:00:00", "GMT+01:00"
    )
    first = await world.timers.set_notes(world.ann_link, "hero section", append=False)
    assert isinstance(first, NotesSet) and first.timer.notes == "hero section"
    second = await world.timers.set_notes(world.ann_link, "then the footer", append=True)
    assert isinstance(second, NotesSet)
    assert second.timer.notes == "hero section\nthen the footer"
    running = world.fake.running_task(world.account, world.ann)
    assert running is not None
    assert running["tracking_event"]["notes"] == "hero section\nthen the footer"
    assert running["tracking_event"]["end"] is None  # still running, from the same start
    assert running["tracking_event"]["start"] == "2026-11-27 14:00:00"
    replaced = await world.timers.set_notes(world.ann_link, "all new", append=False)
    assert isinstance(replaced, NotesSet) and replaced.timer.notes == "all new"


async def test_note_adds_to_empty_notes_without_a_blank_line(world: World) -> None:
    world.fake.start_timer(
        world.account, world.ann, world.design, "2026-11-27 14:00:00", "GMT+01:00"
    )
    outcome = await world.timers.set_notes(world.ann_link, "first", append=True)
    assert isinstance(outcome, NotesSet) and outcome.timer.notes == "first"


async def test_note_with_no_timer_running(world: World) -> None:
    assert await world.timers.set_notes(world.ann_link, "x", append=False) == NothingRunning()
    assert [r for r in world.fake.requests if "events/update" in r.path] == []


async def test_continue_starts_the_last_stopped_task_with_its_notes(world: World) -> None:
    world.add(world.ann, world.standup, "2026-11-27 09:00:00", "2026-11-27 09:15:00", "daily")
    world.add(world.ann, world.design, "2026-11-27 10:00:00", "2026-11-27 12:00:00", "footer")
    world.add(world.ann, world.standup, "2026-11-26 09:00:00", "2026-11-26 09:15:00", "old")
    outcome = await world.timers.continue_last(world.ann_link)
    assert isinstance(outcome, Started)
    running = world.fake.running_task(world.account, world.ann)
    assert running is not None
    assert (running["id"], running["tracking_event"]["notes"]) == (world.design, "footer")
    # While Design review runs, continuing means the task stopped before it.
    again = await world.timers.continue_last(world.ann_link)
    assert isinstance(again, Started) and again.previous is not None
    assert again.previous.task.id == world.design
    running = world.fake.running_task(world.account, world.ann)
    assert running is not None and running["id"] == world.standup


async def test_continue_with_nothing_stopped_this_week(world: World) -> None:
    world.add(world.ann, world.design, "2026-11-10 09:00:00", "2026-11-10 10:00:00")
    assert await world.timers.continue_last(world.ann_link) == NothingToContinue()
    status = await world.timers.status(world.ann_link)
    assert status.last_stopped is None


async def test_status_names_what_continue_would_resume(world: World) -> None:
    event_id = world.add(world.ann, world.design, "2026-11-27 10:00:00", "2026-11-27 12:00:00")
    status = await world.timers.status(world.ann_link)
    assert status.last_stopped is not None and status.last_stopped.id == event_id


# --- A task outside the project the form names -------------------------------------------------


def test_a_task_outside_the_chosen_project_is_said_on_the_task_field() -> None:
    lists = Lists(
        (Task(1, "Design review", 10, "Website"), Task(2, "Inbox", None, None)),
        (Project(10, "Website"), Project(11, "Mobile app")),
    )
    form = LogForm(
        day="2026-11-26", task=(1, "Design review · Website"), project=(11, "Mobile app")
    )
    problem = task_outside_project(form, lists)
    assert list(problem) == ["task"]
    assert "Design review is in Website, not Mobile app" in problem["task"]
    loose = replace(form, task=(2, "Inbox"))
    assert "is in no project" in task_outside_project(loose, lists)["task"]
    assert task_outside_project(replace(form, project=(10, "Website")), lists) == {}
    assert task_outside_project(replace(form, project=None), lists) == {}
    assert task_outside_project(form, None) == {}  # nothing cached: not guessed
    assert task_outside_project(replace(form, task=(99, "Other · X")), lists) == {}
