"""The real ``TrackingTime`` client over HTTP against the fake TrackingTime, plus the models.

The session-wide fake server (``fake_tt_server``) is reset per test by ``fake_tt``; each test seeds
its own small world. Reply shapes the fake cannot produce go through an ``httpx.MockTransport``.
"""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot import APP_NAME, __version__
from bot.crypto import generate_key
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer, RecordedRequest
from bot.services.container import Services
from bot.settings import DEFAULT_TRACKINGTIME_CONTACT, load_settings
from bot.trackingtime import (
    Conflict,
    Event,
    Forbidden,
    InvalidCredentials,
    Me,
    NotFound,
    Project,
    RateLimited,
    RequestRejected,
    RunningTimer,
    Task,
    TimedOut,
    TrackingTime,
    TrackingTimeError,
    TrackingTimeSession,
    Unavailable,
    Workspace,
)
from bot.trackingtime.client import EVENTS_PAGE_SIZE, TASKS_PAGE_SIZE

ANN_PW = "ann-s3cret-app-pw-9f27"
BOB_PW = "bob-s3cret-app-pw-41c0"
BERLIN = ZoneInfo("Europe/Berlin")
SUMMER = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Berlin (CEST, +02:00)
WINTER = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)  # 11:00 in Berlin (CET, +01:00)

Server = tuple[FakeTrackingTime, FakeTrackingTimeServer]


@dataclass(frozen=True)
class World:
    acc: int
    acc2: int
    foreign_acc: int
    ann: int
    bob: int
    customer: int
    project: int
    archived_project: int
    task: int
    task2: int
    archived_task: int


@pytest.fixture
def world(fake_tt: FakeTrackingTime) -> World:
    acc = fake_tt.add_account("Acme Design")
    acc2 = fake_tt.add_account("Side Gig")
    foreign = fake_tt.add_account("Someone Else Ltd")
    ann = fake_tt.add_user("ann@acme.test", ANN_PW, "Ann", "Arbor", [acc, acc2])
    bob = fake_tt.add_user(
        "bob@acme.test", BOB_PW, "Bob", "Builder", [acc], timezone="America/New_York"
    )
    fake_tt.add_user("zed@else.test", "zed-pw", "Zed", accounts=[foreign])
    customer = fake_tt.add_customer(acc, "Acme Corp")
    project = fake_tt.add_project(acc, "Website", customer)
    archived_project = fake_tt.add_project(acc, "Old site", archived=True)
    return World(
        acc=acc,
        acc2=acc2,
        foreign_acc=foreign,
        ann=ann,
        bob=bob,
        customer=customer,
        project=project,
        archived_project=archived_project,
        task=fake_tt.add_task(acc, "Design review", project),
        task2=fake_tt.add_task(acc, "Standup"),
        archived_task=fake_tt.add_task(acc, "Retired", project, archived=True),
    )


@pytest.fixture
async def tt(fake_tt_server: Server) -> AsyncIterator[TrackingTime]:
    client = TrackingTime(fake_tt_server[1].api_url)
    yield client
    await client.aclose()


@pytest.fixture
def ann(tt: TrackingTime, world: World) -> TrackingTimeSession:
    return tt.session(ANN_PW, world.acc, "Europe/Berlin")


def last(fake: FakeTrackingTime) -> RecordedRequest:
    return fake.requests[-1]


def assert_safe(exc: TrackingTimeError, *secrets: str) -> None:
    """A user-facing message, and no secret or traceback anywhere in the exception's text."""
    assert exc.user_message.strip()
    for text in (exc.user_message, str(exc), repr(exc), exc.detail):
        assert "Traceback" not in text
        assert 'File "' not in text
        for secret in (ANN_PW, BOB_PW, *secrets):
            assert secret not in text


# ---- me, auth, headers, paths ----------------------------------------------------------------


async def test_me(ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime) -> None:
    me = await ann.me()
    assert me.user_id == world.ann
    assert me.account_id == world.acc
    assert me.name == "Ann Arbor"
    assert me.email == "ann@acme.test"
    assert me.time_zone == "Europe/Berlin"
    assert [(w.account_id, w.company, w.role) for w in me.workspaces] == [
        (world.acc, "Acme Design", "ADMIN"),
        (world.acc2, "Side Gig", "ADMIN"),
    ]
    assert me.preferred_workspace.account_id == world.acc
    # /me is never prefixed with an account id, even from a workspace-bound session.
    assert last(fake_tt).path == "/api/v4/me"


async def test_me_of_a_co_worker(tt: TrackingTime, world: World) -> None:
    me = await tt.session(BOB_PW).me()
    assert (me.user_id, me.account_id, me.time_zone) == (world.bob, world.acc, "America/New_York")
    assert [(w.account_id, w.role) for w in me.workspaces] == [(world.acc, "CO_WORKER")]


def _me(teams: list[dict[str, Any]] | None, account_id: int = 1) -> Me:
    return Me.from_api({"id": 9, "account_id": account_id, "teams": teams})


def _team(account_id: int, *, selected: bool = False, default: bool = False) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "company": f"C{account_id}",
        "is_selected": selected,
        "is_default": default,
    }


def test_preferred_workspace_rules() -> None:
    # The workspace selected in TrackingTime wins over the default one...
    teams = [_team(1, default=True), _team(2), _team(3, selected=True)]
    assert _me(teams).preferred_workspace.account_id == 3
    # ...the default one wins when none is selected...
    assert _me([_team(1), _team(2, default=True)]).preferred_workspace.account_id == 2
    # ...and the first one when neither is flagged.
    assert _me([_team(1), _team(2)]).preferred_workspace.account_id == 1


def test_me_keeps_the_teams_when_its_account_is_not_among_them() -> None:
    me = _me([_team(2), _team(3)], account_id=1)
    assert [w.account_id for w in me.workspaces] == [2, 3, 1]
    assert me.preferred_workspace.account_id == 1  # the default account
    me = _me([_team(2, default=True)], account_id=1)
    assert [w.account_id for w in me.workspaces] == [2, 1]
    assert me.preferred_workspace.account_id == 2


async def test_basic_auth_user_agent_and_account_in_path(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    await ann.me()
    await ann.projects()
    await ann.tasks()
    await ann.running_timer(world.ann)
    assert len(fake_tt.requests) == 4
    for request in fake_tt.requests:
        assert request.username == "API_TOKEN"
        assert request.http_status == 200 and request.api_status == 200
        assert request.user_agent is not None
        assert request.user_agent.startswith(f"{APP_NAME}/{__version__} ")
        assert "password" not in json.dumps(request.params).lower()
    paths = [r.path for r in fake_tt.requests]
    assert paths == [
        "/api/v4/me",
        f"/api/v4/{world.acc}/projects",
        f"/api/v4/{world.acc}/tasks",
        f"/api/v4/{world.acc}/users/{world.ann}/tasks/tracking",
    ]


async def test_basic_auth_header_carries_the_app_password() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"response": {"status": 200}, "data": []})

    client = TrackingTime("https://tt.test/api/v4/", transport=httpx.MockTransport(handler))
    try:
        await client.session(ANN_PW, 42).projects()
    finally:
        await client.aclose()
    (request,) = seen
    scheme, _, encoded = request.headers["authorization"].partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == f"API_TOKEN:{ANN_PW}"
    assert str(request.url).startswith("https://tt.test/api/v4/42/projects?")
    assert request.headers["user-agent"].startswith(f"{APP_NAME}/{__version__}")


async def test_the_user_agent_names_the_app_its_version_and_a_contact(
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer], world: World
) -> None:
    fake_tt = fake_tt_server[0]
    for contact in ("ops@acme.test", "https://acme.test/timebot"):
        client = TrackingTime(fake_tt_server[1].api_url, contact=contact)
        try:
            await client.session(ANN_PW, world.acc).projects()
        finally:
            await client.aclose()
        assert last(fake_tt).user_agent == (
            f"{APP_NAME}/{__version__} ({contact}) python-httpx/{httpx.__version__}"
        )
    default = TrackingTime(fake_tt_server[1].api_url)
    try:
        await default.session(ANN_PW, world.acc).projects()
    finally:
        await default.aclose()
    assert f"({DEFAULT_TRACKINGTIME_CONTACT})" in str(last(fake_tt).user_agent)


async def test_the_contact_comes_from_the_setting(
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer], world: World, tmp_path: Path
) -> None:
    settings = load_settings(
        {
            "TRACKINGTIME_API_URL": fake_tt_server[1].api_url,
            "TRACKINGTIME_CONTACT": "time-ops@acme.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
            "ENCRYPTION_KEYS": generate_key(),
        },
        need_encryption=True,
    )
    services = Services.create(settings)
    try:
        await services.trackingtime.session(ANN_PW, world.acc).projects()
    finally:
        await services.aclose()
    assert "(time-ops@acme.test)" in str(last(fake_tt_server[0]).user_agent)


async def test_session_without_account_uses_the_default_account(
    tt: TrackingTime, world: World, fake_tt: FakeTrackingTime
) -> None:
    projects = await tt.session(ANN_PW).projects()
    assert last(fake_tt).path == "/api/v4/projects"
    assert [p.id for p in projects] == [world.project]


async def test_session_repr_hides_the_app_password(tt: TrackingTime) -> None:
    session = tt.session(ANN_PW, 1001, "Europe/Berlin")
    assert ANN_PW not in repr(session)
    assert ANN_PW not in str(session)
    assert "1001" in repr(session) and "Europe/Berlin" in repr(session)


def test_session_with_an_unknown_zone_uses_utc(tt: TrackingTime) -> None:
    assert tt.session(ANN_PW, 1, "Not/AZone").zone is UTC
    assert tt.session(ANN_PW, 1, None).zone is UTC
    assert tt.session(ANN_PW, 1, "Asia/Kolkata").zone == ZoneInfo("Asia/Kolkata")


# ---- projects and tasks ----------------------------------------------------------------------


async def test_projects(
    tt: TrackingTime, world: World, fake_tt: FakeTrackingTime, ann: TrackingTimeSession
) -> None:
    internal = fake_tt.add_project(world.acc, "Internal")
    fake_tt.add_project(world.acc2, "Elsewhere")
    projects = await ann.projects()
    assert projects == [
        Project(world.project, "Website", "Acme Corp"),
        Project(internal, "Internal", None),
    ]  # the archived project is left out, and so are other workspaces'
    assert last(fake_tt).params["filter"] == "ACTIVE"
    other = await tt.session(ANN_PW, world.acc2).projects()
    assert [p.name for p in other] == ["Elsewhere"]


async def test_tasks_of_one_page(ann: TrackingTimeSession, world: World) -> None:
    tasks = await ann.tasks()
    assert tasks == [
        Task(world.task, "Design review", world.project, "Website"),
        Task(world.task2, "Standup", None, None),
    ]
    assert tasks[0].label == "Design review · Website"
    assert tasks[1].label == "Standup"


async def test_tasks_across_pages(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    second = fake_tt.add_project(world.acc, "Mobile app")
    in_project = [fake_tt.add_task(world.acc, f"M{i:03d}", second) for i in range(130)]
    loose = [fake_tt.add_task(world.acc, f"L{i:03d}") for i in range(120)]
    fake_tt.requests.clear()

    tasks = await ann.tasks()
    ids = [t.id for t in tasks]
    assert len(ids) == len(set(ids)) == 2 + 130 + 120
    assert set(ids) == {world.task, world.task2, *in_project, *loose}
    pages = [(r.params["page"], r.params["page_size"]) for r in fake_tt.requests]
    assert pages == [("0", str(TASKS_PAGE_SIZE)), ("1", "100"), ("2", "100")]

    fake_tt.requests.clear()
    by_project = await ann.tasks(second)
    assert [t.id for t in by_project] == in_project
    assert {(t.project_id, t.project) for t in by_project} == {(second, "Mobile app")}
    assert [r.params["page"] for r in fake_tt.requests] == ["0", "1"]
    assert {r.params["project_id"] for r in fake_tt.requests} == {str(second)}


async def test_tasks_with_exactly_one_full_page(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    for i in range(TASKS_PAGE_SIZE - 2):
        fake_tt.add_task(world.acc, f"T{i}")
    fake_tt.requests.clear()
    assert len(await ann.tasks()) == TASKS_PAGE_SIZE
    assert [r.params["page"] for r in fake_tt.requests] == ["0", "1"]  # page 1 comes back empty


# ---- track / stop / running timer ------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "wall", "offset"),
    [
        (SUMMER, "2026-07-01 12:00:00", "GMT+02:00"),
        (WINTER, "2026-01-15 11:00:00", "GMT+01:00"),
    ],
)
async def test_track_sends_local_date_and_offset_at_that_instant(
    ann: TrackingTimeSession,
    world: World,
    fake_tt: FakeTrackingTime,
    at: datetime,
    wall: str,
    offset: str,
) -> None:
    timer = await ann.track(world.task, at, notes="kick-off")
    params = last(fake_tt).params
    assert last(fake_tt).path == f"/api/v4/{world.acc}/tasks/track/{world.task}"
    assert params["date"] == wall
    assert params["timezone"] == offset
    assert params["stop_running_task"] == "true"
    assert params["return_task"] == "true"
    assert params["notes"] == "kick-off"

    assert timer.task == Task(world.task, "Design review", world.project, "Website")
    assert timer.started_at == at
    assert timer.started_at.utcoffset() is not None
    assert timer.notes == "kick-off"
    running = fake_tt.running_task(world.acc, world.ann)
    assert running is not None
    assert timer.event_id == running["tracking_event"]["id"]
    assert running["tracking_event"]["start"] == wall
    assert running["tracking_event"]["timezone"] == offset


@pytest.mark.parametrize(
    ("zone", "at", "wall", "offset"),
    [
        ("America/St_Johns", SUMMER, "2026-07-01 07:30:00", "GMT-02:30"),
        ("America/St_Johns", WINTER, "2026-01-15 06:30:00", "GMT-03:30"),
        ("Asia/Kathmandu", SUMMER, "2026-07-01 15:45:00", "GMT+05:45"),
        ("Pacific/Kiritimati", SUMMER, "2026-07-02 00:00:00", "GMT+14:00"),
        ("Etc/GMT+12", SUMMER, "2026-06-30 22:00:00", "GMT-12:00"),
        ("Unknown/Zone", SUMMER, "2026-07-01 10:00:00", "GMT+00:00"),
    ],
)
async def test_track_in_other_zones(
    tt: TrackingTime,
    world: World,
    fake_tt: FakeTrackingTime,
    zone: str,
    at: datetime,
    wall: str,
    offset: str,
) -> None:
    timer = await tt.session(ANN_PW, world.acc, zone).track(world.task, at)
    assert (last(fake_tt).params["date"], last(fake_tt).params["timezone"]) == (wall, offset)
    assert timer.started_at == at
    assert "notes" not in last(fake_tt).params


async def test_track_with_microseconds_starts_at_the_whole_second(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    at = SUMMER.replace(second=7, microsecond=654_321)
    timer = await ann.track(world.task, at)
    assert last(fake_tt).params["date"] == "2026-07-01 12:00:07"
    assert timer.started_at == at.replace(microsecond=0)


async def test_track_while_another_timer_runs_stops_it(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.start_timer(world.acc, world.ann, world.task2, "2026-07-01 09:00:00", "GMT+02:00")
    timer = await ann.track(world.task, SUMMER)
    assert last(fake_tt).params["stop_running_task"] == "true"
    assert timer.task.id == world.task
    first, second = fake_tt.events(world.acc, world.ann)
    assert (first["task_id"], first["end"], first["duration"]) == (
        world.task2,
        "2026-07-01 12:00:00",
        3 * 3600,
    )
    assert (second["task_id"], second["start"], second["end"]) == (
        world.task,
        "2026-07-01 12:00:00",
        None,
    )
    running = fake_tt.running_task(world.acc, world.ann)
    assert running is not None and running["id"] == world.task


async def test_track_by_name_creates_task_and_project(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    timer = await ann.track_by_name("Write report", "Quarterly", WINTER, notes="Q1")
    params = last(fake_tt).params
    assert last(fake_tt).path == f"/api/v4/{world.acc}/tasks/track"
    assert params["task_name"] == "Write report"
    assert params["project_name"] == "Quarterly"
    assert (params["date"], params["timezone"]) == ("2026-01-15 11:00:00", "GMT+01:00")
    assert params["stop_running_task"] == "true" and params["return_task"] == "true"
    assert params["notes"] == "Q1"

    (project,) = [p for p in fake_tt.projects(world.acc) if p["name"] == "Quarterly"]
    (task,) = [t for t in fake_tt.tasks(world.acc) if t["name"] == "Write report"]
    assert task["project_id"] == project["id"]
    assert timer.task == Task(task["id"], "Write report", project["id"], "Quarterly")
    assert timer.started_at == WINTER
    assert timer.notes == "Q1"


async def test_track_by_name_reuses_existing_and_may_omit_the_project(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    timer = await ann.track_by_name("design REVIEW", "website", SUMMER)
    assert timer.task.id == world.task
    timer = await ann.track_by_name("Loose end", None, SUMMER + timedelta(minutes=5))
    assert "project_name" not in last(fake_tt).params
    assert (timer.task.name, timer.task.project_id, timer.task.project) == ("Loose end", None, None)
    assert len(fake_tt.projects(world.acc)) == 2  # no project was created


async def test_stop(ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime) -> None:
    await ann.track(world.task, SUMMER)
    task = await ann.stop(world.task, SUMMER + timedelta(minutes=90))
    params = last(fake_tt).params
    assert last(fake_tt).path == f"/api/v4/{world.acc}/tasks/stop/{world.task}"
    assert (params["date"], params["timezone"]) == ("2026-07-01 13:30:00", "GMT+02:00")
    assert params["return_task"] == "true"
    assert task == Task(world.task, "Design review", world.project, "Website")
    (event,) = fake_tt.events(world.acc, world.ann)
    assert (event["end"], event["duration"]) == ("2026-07-01 13:30:00", 5400)
    assert fake_tt.running_task(world.acc, world.ann) is None
    assert await ann.running_timer(world.ann) is None


async def test_stop_when_not_running_is_a_conflict(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    with pytest.raises(Conflict) as caught:
        await ann.stop(world.task, SUMMER)
    assert last(fake_tt).api_status == 502
    assert_safe(caught.value)
    # Stopping a task other than the running one is the same conflict.
    fake_tt.start_timer(world.acc, world.ann, world.task2, "2026-07-01 09:00:00", "GMT+02:00")
    with pytest.raises(Conflict):
        await ann.stop(world.task, SUMMER)


async def test_running_timer(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    assert await ann.running_timer(world.ann) is None
    event_id = fake_tt.start_timer(
        world.acc, world.ann, world.task, "2026-01-15 11:00:00", "GMT+01:00"
    )
    timer = await ann.running_timer(world.ann)
    assert timer is not None
    assert timer.task == Task(world.task, "Design review", world.project, "Website")
    assert timer.event_id == event_id
    assert timer.started_at == WINTER
    assert timer.started_at.utcoffset() == timedelta(hours=1)
    assert timer.elapsed(WINTER + timedelta(minutes=5)) == timedelta(minutes=5)
    assert timer.elapsed(WINTER - timedelta(minutes=5)) == timedelta(0)


async def test_running_timer_keeps_the_events_own_zone(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    # Bob started in New York; Ann's session (Berlin) reads the same instant.
    fake_tt.start_timer(world.acc, world.bob, world.task2, "2026-07-01 06:00:00", "GMT-04:00")
    timer = await ann.running_timer(world.bob)
    assert timer is not None
    assert timer.started_at == SUMMER
    assert timer.started_at.utcoffset() == timedelta(hours=-4)
    assert await ann.running_timer(world.ann) is None


async def test_a_timer_started_through_the_client_reads_back_as_the_same_instant(
    ann: TrackingTimeSession, world: World
) -> None:
    started = await ann.track(world.task, WINTER)
    timer = await ann.running_timer(world.ann)
    assert timer is not None
    assert timer.started_at == started.started_at == WINTER
    assert timer.event_id == started.event_id


# ---- events ----------------------------------------------------------------------------------


async def test_events_of_a_day(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    add = fake_tt.add_event
    morning = add(
        world.acc, world.ann, world.task, "2026-07-01 09:00:00", "2026-07-01 10:30:00",
        "GMT+02:00", notes="review",
    )  # fmt: skip
    evening = add(
        world.acc, world.ann, world.task2, "2026-07-01 18:15:00", "2026-07-01 18:45:30",
        "America/New_York",
    )  # fmt: skip
    add(world.acc, world.ann, world.task, "2026-06-30 09:00:00", "2026-06-30 10:00:00", "GMT+2")
    add(world.acc, world.ann, world.task, "2026-07-02 09:00:00", "2026-07-02 10:00:00", "GMT+2")
    add(world.acc, world.bob, world.task, "2026-07-01 09:00:00", "2026-07-01 10:00:00", "GMT+2")
    running = fake_tt.start_timer(
        world.acc, world.ann, world.task, "2026-07-01 20:00:00", "GMT+02:00"
    )
    fake_tt.requests.clear()

    day = date(2026, 7, 1)
    events = await ann.events(world.ann, day, day)
    (request,) = fake_tt.requests
    assert request.path == f"/api/v4/{world.acc}/events"
    assert {k: request.params[k] for k in ("filter", "id", "from", "to", "order", "page")} == {
        "filter": "USER",
        "id": str(world.ann),
        "from": "2026-07-01",
        "to": "2026-07-01",
        "order": "asc",
        "page": "0",
    }
    assert [e.id for e in events] == [morning, evening, running]

    first, second, third = events
    assert first == Event(
        id=morning,
        task_id=world.task,
        task="Design review",
        project_id=world.project,
        project="Website",
        start=datetime(2026, 7, 1, 7, 0, tzinfo=UTC),
        end=datetime(2026, 7, 1, 8, 30, tzinfo=UTC),
        duration=timedelta(minutes=90),
        notes="review",
        user_id=world.ann,
    )
    assert first.start.utcoffset() == timedelta(hours=2)
    assert not first.is_running
    # Stored in the zone it was recorded in (the fake echoes IANA names as GMT offsets).
    assert second.start == datetime(2026, 7, 1, 22, 15, tzinfo=UTC)
    assert second.start.utcoffset() == timedelta(hours=-4)
    assert second.end == datetime(2026, 7, 1, 22, 45, 30, tzinfo=UTC)
    assert second.duration == timedelta(minutes=30, seconds=30)
    assert (second.task, second.project_id, second.project) == ("Standup", None, None)
    assert third.is_running and third.end is None
    assert third.duration == timedelta(0)
    assert third.start == datetime(2026, 7, 1, 18, 0, tzinfo=UTC)


async def test_events_over_several_days_and_pages(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    count = EVENTS_PAGE_SIZE + 37
    seeded = []
    for i in range(count):
        day = 1 + i % 3
        start = datetime(2026, 1, day, 8) + timedelta(minutes=i)
        end = start + timedelta(seconds=30)
        seeded.append(
            fake_tt.add_event(
                world.acc,
                world.ann,
                world.task,
                start.strftime("%Y-%m-%d %H:%M:%S"),
                end.strftime("%Y-%m-%d %H:%M:%S"),
                "Europe/Berlin",
            )
        )
    fake_tt.requests.clear()

    events = await ann.events(world.ann, date(2026, 1, 1), date(2026, 1, 3))
    assert len(events) == count
    assert sorted(e.id for e in events) == sorted(seeded)
    assert [e.start for e in events] == sorted(e.start for e in events)
    assert all(e.duration == timedelta(seconds=30) for e in events)
    assert all(e.start.utcoffset() == timedelta(hours=1) for e in events)
    assert [(r.params["page"], r.params["page_size"]) for r in fake_tt.requests] == [
        ("0", str(EVENTS_PAGE_SIZE)),
        ("1", str(EVENTS_PAGE_SIZE)),
    ]


async def test_events_of_an_empty_day(ann: TrackingTimeSession, world: World) -> None:
    assert await ann.events(world.ann, date(2026, 7, 1), date(2026, 7, 1)) == []


# ---- add, find and delete time entries -------------------------------------------------------

NOTES = 'Überprüfung ✅ — 日本語 🚀 & a+b=c; 100% "quoted"'


@pytest.mark.parametrize(
    ("start", "walls", "offset"),
    [
        (SUMMER, ("2026-07-01 12:00:00", "2026-07-01 13:30:00"), "GMT+02:00"),
        (WINTER, ("2026-01-15 11:00:00", "2026-01-15 12:30:00"), "GMT+01:00"),
    ],
)
async def test_add_event_sends_local_times_and_the_offset_at_the_start(
    ann: TrackingTimeSession,
    world: World,
    fake_tt: FakeTrackingTime,
    start: datetime,
    walls: tuple[str, str],
    offset: str,
) -> None:
    end = start + timedelta(minutes=90)
    event = await ann.add_event(world.ann, start, end, task_id=world.task, notes="review")
    request = last(fake_tt)
    assert (request.method, request.path) == ("POST", f"/api/v4/{world.acc}/events/add")
    assert request.params == {
        "start": walls[0],
        "end": walls[1],
        "duration": "5400",
        "timezone": offset,
        "user_id": str(world.ann),
        "task_id": str(world.task),
        "notes": "review",
    }
    assert event == Event(
        id=event.id,
        task_id=world.task,
        task="Design review",
        project_id=world.project,
        project="Website",
        start=start,
        end=end,
        duration=timedelta(minutes=90),
        notes="review",
        user_id=world.ann,
    )
    (stored,) = fake_tt.events(world.acc, world.ann)
    assert stored["id"] == event.id
    assert (stored["start"], stored["end"], stored["timezone"]) == (*walls, offset)


@pytest.mark.parametrize(
    ("day", "walls", "offset", "hours"),
    [
        # Clocks go back at 03:00 CEST: 01:30 (+02:00) to 03:30 (+01:00) is 3 hours.
        (date(2026, 10, 25), ("2026-10-25 01:30:00", "2026-10-25 03:30:00"), "GMT+02:00", 3),
        # Clocks go forward at 02:00 CET: 01:30 (+01:00) to 03:30 (+02:00) is 1 hour.
        (date(2026, 3, 29), ("2026-03-29 01:30:00", "2026-03-29 03:30:00"), "GMT+01:00", 1),
    ],
)
async def test_add_event_across_a_dst_change(
    ann: TrackingTimeSession,
    world: World,
    fake_tt: FakeTrackingTime,
    day: date,
    walls: tuple[str, str],
    offset: str,
    hours: int,
) -> None:
    start = datetime(day.year, day.month, day.day, 1, 30, tzinfo=BERLIN)
    end = datetime(day.year, day.month, day.day, 3, 30, tzinfo=BERLIN)
    assert end - start == timedelta(hours=2)  # what same-zone subtraction wrongly says
    event = await ann.add_event(world.ann, start, end, task_id=world.task)
    params = last(fake_tt).params
    assert (params["start"], params["end"]) == walls
    assert (params["timezone"], params["duration"]) == (offset, str(hours * 3600))

    assert (event.start, event.end) == (start, end)  # the same instants came back
    assert event.duration == timedelta(hours=hours)
    assert event.end is not None and event.end.strftime("%Y-%m-%d %H:%M:%S") == walls[1]
    (stored,) = fake_tt.events(world.acc, world.ann)
    assert (stored["start"], stored["end"], stored["timezone"]) == (*walls, offset)
    assert stored["duration"] == hours * 3600
    assert event in await around(ann, world.ann, start)


@pytest.mark.parametrize(
    ("zone", "walls", "offset"),
    [
        ("Pacific/Kiritimati", ("2026-07-01 23:30:00", "2026-07-02 00:45:00"), "GMT+14:00"),
        ("Etc/GMT+12", ("2026-06-30 21:30:00", "2026-06-30 22:45:00"), "GMT-12:00"),
    ],
)
async def test_add_event_in_the_extreme_zones(
    tt: TrackingTime,
    world: World,
    fake_tt: FakeTrackingTime,
    zone: str,
    walls: tuple[str, str],
    offset: str,
) -> None:
    session = tt.session(ANN_PW, world.acc, zone)
    start, end = SUMMER - timedelta(minutes=30), SUMMER + timedelta(minutes=45)
    event = await session.add_event(world.ann, start, end, task_id=world.task2)
    params = last(fake_tt).params
    assert (params["start"], params["end"], params["timezone"]) == (*walls, offset)
    assert params["duration"] == "4500"
    assert (event.start, event.end, event.duration) == (start, end, timedelta(seconds=4500))
    assert event.start.utcoffset() == session.zone.utcoffset(SUMMER)
    assert event in await around(session, world.ann, start)


async def test_add_event_on_a_project_only_with_unicode_notes(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    end = WINTER + timedelta(hours=1)
    event = await ann.add_event(world.ann, WINTER, end, project_id=world.project, notes=NOTES)
    params = last(fake_tt).params
    assert params["project_id"] == str(world.project)
    assert "task_id" not in params and "task_name" not in params
    assert params["notes"] == NOTES
    assert (event.task_id, event.task, event.project_id, event.project) == (
        None,
        None,
        world.project,
        "Website",
    )
    assert event.notes == NOTES
    (stored,) = fake_tt.events(world.acc, world.ann)
    assert stored["notes"] == NOTES
    assert event in await around(ann, world.ann, WINTER)


async def test_add_event_sends_the_project_only_without_a_task(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    end = SUMMER + timedelta(minutes=5)
    await ann.add_event(world.ann, SUMMER, end, task_id=world.task, project_id=world.project)
    params = last(fake_tt).params
    assert params["task_id"] == str(world.task) and "project_id" not in params
    assert "notes" not in params

    named = await ann.add_event(
        world.ann, SUMMER, end, task_name="Write report", project_name="Quarterly"
    )
    params = last(fake_tt).params
    assert (params["task_name"], params["project_name"]) == ("Write report", "Quarterly")
    assert (named.task, named.project) == ("Write report", "Quarterly")
    assert named.task_id is not None and named.task_id not in (world.task, world.task2)


async def test_add_event_drops_fractions_of_seconds(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    start = SUMMER.replace(microsecond=900_000)
    end = SUMMER.replace(second=1, microsecond=100_000)
    event = await ann.add_event(world.ann, start, end, task_id=world.task)
    params = last(fake_tt).params
    assert (params["start"], params["end"], params["duration"]) == (
        "2026-07-01 12:00:00",
        "2026-07-01 12:00:01",
        "1",
    )
    assert (event.start, event.end) == (SUMMER, SUMMER.replace(second=1))
    assert event in await around(ann, world.ann, start)


async def test_add_event_needs_aware_datetimes(ann: TrackingTimeSession, world: World) -> None:
    with pytest.raises(ValueError):
        await ann.add_event(world.ann, datetime(2026, 7, 1, 9), SUMMER, task_id=world.task)


async def test_add_event_posts_a_form_body() -> None:
    seen: list[httpx.Request] = []
    reply = {"id": 5, "start": "2026-07-01 12:00:00", "end": "2026-07-01 12:01:00"}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _json(_envelope(200, {**reply, "duration": 60, "timezone": "GMT+02:00"}))

    client = _mock_client(handler)
    try:
        session = client.session(ANN_PW, 7, "Europe/Berlin")
        event = await session.add_event(9, SUMMER, SUMMER + timedelta(minutes=1), task_id=3)
    finally:
        await client.aclose()
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == "https://tt.test/api/v4/7/events/add"  # nothing in the query
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(request.content.decode())) == {
        "start": "2026-07-01 12:00:00",
        "end": "2026-07-01 12:01:00",
        "duration": "60",
        "timezone": "GMT+02:00",
        "user_id": "9",
        "task_id": "3",
    }
    assert (event.id, event.start, event.duration) == (5, SUMMER, timedelta(minutes=1))


@pytest.mark.parametrize("data", [None, [], {"name": "no id"}, {"id": 1}, {"id": 1, "start": "?"}])
async def test_add_event_reply_without_a_readable_event_is_unavailable(data: Any) -> None:
    client = _mock_client(lambda request: _json(_envelope(200, data)))
    try:
        with pytest.raises(Unavailable) as caught:
            await client.session(ANN_PW, 7).add_event(1, SUMMER, SUMMER, task_id=2)
    finally:
        await client.aclose()
    assert type(caught.value) is Unavailable
    assert_safe(caught.value)


async def test_delete_event(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    event = await ann.add_event(world.ann, SUMMER, SUMMER + timedelta(hours=1), task_id=world.task)
    assert await ann.delete_event(event.id) is None
    assert last(fake_tt).path == f"/api/v4/{world.acc}/events/delete/{event.id}"
    assert fake_tt.events(world.acc) == []
    assert await around(ann, world.ann, event.start) == []
    for event_id in (event.id, 999_999):
        with pytest.raises(NotFound) as caught:
            await ann.delete_event(event_id)
        assert_safe(caught.value)


async def test_one_event_says_whose_it_is(
    tt: TrackingTime, ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    event = await ann.add_event(world.ann, SUMMER, SUMMER + timedelta(hours=1), task_id=world.task)
    read = await ann.event(event.id)
    assert read == event and read.user_id == world.ann
    assert (last(fake_tt).method, last(fake_tt).path) == (
        "GET",
        f"/api/v4/{world.acc}/events/{event.id}",
    )
    # Bob reads Ann's entry too (TrackingTime lets members read each other's): the app has to
    # look at user_id itself.
    bob = tt.session(BOB_PW, world.acc, "America/New_York")
    assert (await bob.event(event.id)).user_id == world.ann
    # Another workspace's entry, and one that never was, are not found.
    elsewhere = tt.session(ANN_PW, world.acc2, "Europe/Berlin")
    for session, event_id in ((elsewhere, event.id), (ann, 999_999)):
        with pytest.raises(NotFound) as caught:
            await session.event(event_id)
        assert_safe(caught.value, ANN_PW)


async def test_update_event_sends_only_what_changes(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    event = await ann.add_event(
        world.ann, WINTER, WINTER + timedelta(hours=1), task_id=world.task, notes="draft"
    )
    # Times go with their duration and the offset at the start (summer here, winter before).
    start, end = SUMMER, SUMMER + timedelta(minutes=45)
    moved = await ann.update_event(event.id, times=(start, end), task_id=world.task2)
    request = last(fake_tt)
    assert (request.method, request.path) == (
        "POST",
        f"/api/v4/{world.acc}/events/update/{event.id}",
    )
    assert request.params == {
        "start": "2026-07-01 12:00:00",
        "end": "2026-07-01 12:45:00",
        "duration": "2700",
        "timezone": "GMT+02:00",
        "task_id": str(world.task2),
    }
    assert (moved.start, moved.end, moved.task_id, moved.notes) == (
        start,
        end,
        world.task2,
        "draft",
    )
    # Notes alone: nothing about times, so an entry's wall times are never re-read in a new zone.
    noted = await ann.update_event(event.id, notes=NOTES)
    assert last(fake_tt).params == {"notes": NOTES}
    assert (noted.start, noted.notes) == (start, NOTES)
    cleared = await ann.update_event(event.id, notes="")
    assert cleared.notes == ""
    # Onto the project itself.
    on_project = await ann.update_event(event.id, project_id=world.project)
    assert last(fake_tt).params == {"project_id": str(world.project)}
    assert (on_project.task_id, on_project.project_id) == (None, world.project)
    with pytest.raises(ValueError):
        await ann.update_event(event.id)
    with pytest.raises(ValueError):
        await ann.update_event(event.id, times=(datetime(2026, 7, 1, 9), datetime(2026, 7, 1, 10)))


async def test_update_a_running_entrys_notes(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    timer = await ann.track(world.task, SUMMER, "first")
    assert timer.event_id is not None
    updated = await ann.update_event(timer.event_id, notes="first, then more")
    assert updated.is_running and updated.notes == "first, then more"
    running = await ann.running_timer(world.ann)
    assert running is not None and running.notes == "first, then more"
    assert running.started_at == SUMMER
    # A running entry has no end to move: TrackingTime refuses (stop its timer first).
    with pytest.raises(RequestRejected) as caught:
        await ann.update_event(timer.event_id, times=(SUMMER, SUMMER + timedelta(hours=1)))
    assert "running" in caught.value.user_message


async def test_a_co_worker_may_not_update_for_others(
    tt: TrackingTime, world: World, ann: TrackingTimeSession
) -> None:
    event = await ann.add_event(world.ann, SUMMER, SUMMER + timedelta(hours=1), task_id=world.task)
    bob = tt.session(BOB_PW, world.acc, "America/New_York")
    with pytest.raises(Forbidden):
        await bob.update_event(event.id, notes="mine now")
    assert (await ann.event(event.id)).notes == ""


async def test_a_co_worker_may_not_add_or_delete_for_others(
    tt: TrackingTime, world: World, fake_tt: FakeTrackingTime, ann: TrackingTimeSession
) -> None:
    bob = tt.session(BOB_PW, world.acc, "America/New_York")
    end = SUMMER + timedelta(hours=1)
    with pytest.raises(Forbidden):
        await bob.add_event(world.ann, SUMMER, end, task_id=world.task)
    event = await ann.add_event(world.ann, SUMMER, end, task_id=world.task)
    with pytest.raises(Forbidden):
        await bob.delete_event(event.id)
    assert [e["id"] for e in fake_tt.events(world.acc)] == [event.id]
    with pytest.raises(NotFound):
        await ann.add_event(world.ann, SUMMER, end, task_id=world.archived_task)


async def around(session: TrackingTimeSession, user_id: int, at: datetime) -> list[Event]:
    """The user's entries around the local day of ``at``, as the app reads them before adding
    an entry again."""
    return await session.entries_around(user_id, at.astimezone(session.zone).date())


async def test_entries_around_reads_the_day_either_side_of_one_users_entries(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    start, end = SUMMER, SUMMER + timedelta(hours=1)
    added = await ann.add_event(world.ann, start, end, task_id=world.task)
    other_task = await ann.add_event(world.ann, start, end, task_id=world.task2)
    day_before = await ann.add_event(
        world.ann, start - timedelta(days=1), end - timedelta(days=1), task_id=world.task
    )
    await ann.add_event(
        world.ann, start - timedelta(days=2), end - timedelta(days=2), task_id=world.task
    )
    fake_tt.add_event(
        world.acc, world.bob, world.task, "2026-07-01 06:00:00", "2026-07-01 07:00:00", "GMT-4"
    )
    fake_tt.start_timer(world.acc, world.ann, world.task, "2026-07-01 15:00:00", "GMT+02:00")
    fake_tt.requests.clear()

    found = await ann.entries_around(world.ann, date(2026, 7, 1))
    (request,) = fake_tt.requests
    assert request.path == f"/api/v4/{world.acc}/events"
    assert {k: request.params[k] for k in ("filter", "id", "from", "to")} == {
        "filter": "USER",
        "id": str(world.ann),
        "from": "2026-06-30",
        "to": "2026-07-02",
    }
    finished = [event for event in found if event.end is not None]
    assert finished == [day_before, added, other_task]  # not Bob's, not two days back
    assert [event.task_id for event in found if event.end is None] == [world.task]


@pytest.mark.parametrize(("kind", "error"), [("outage", Unavailable), ("rate_limit", RateLimited)])
async def test_add_event_failures_add_nothing(
    ann: TrackingTimeSession,
    world: World,
    fake_tt: FakeTrackingTime,
    kind: str,
    error: type[TrackingTimeError],
) -> None:
    end = SUMMER + timedelta(hours=1)
    fake_tt.fail_next(kind, path_contains="/events/add")
    with pytest.raises(error) as caught:
        await ann.add_event(world.ann, SUMMER, end, task_id=world.task)
    assert type(caught.value) is error
    assert_safe(caught.value)
    # What the app does before retrying: nothing is there, so adding again is safe.
    assert await around(ann, world.ann, SUMMER) == []
    event = await ann.add_event(world.ann, SUMMER, end, task_id=world.task)
    assert await around(ann, world.ann, SUMMER) == [event]


async def test_add_event_refused_in_the_body_carries_the_message(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    with pytest.raises(RequestRejected) as caught:
        await ann.add_event(world.ann, SUMMER, SUMMER - timedelta(minutes=1), task_id=world.task)
    assert (last(fake_tt).http_status, last(fake_tt).api_status) == (200, 400)
    assert "The parameter 'end' can't be before 'start'" in caught.value.user_message
    assert_safe(caught.value)
    assert fake_tt.events(world.acc) == []


# ---- failures over HTTP ----------------------------------------------------------------------


async def test_wrong_password_is_invalid_credentials(
    tt: TrackingTime, world: World, fake_tt: FakeTrackingTime
) -> None:
    wrong = "wr0ng-app-password-value"
    with pytest.raises(InvalidCredentials) as caught:
        await tt.session(wrong, world.acc).projects()
    assert last(fake_tt).http_status == 401
    assert_safe(caught.value, wrong)
    with pytest.raises(InvalidCredentials):
        await tt.session(wrong).me()


async def test_unauthorized_in_body_is_invalid_credentials(
    ann: TrackingTimeSession, world: World, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.fail_next("unauthorized_in_body")
    with pytest.raises(InvalidCredentials) as caught:
        await ann.tasks()
    assert (last(fake_tt).http_status, last(fake_tt).api_status) == (200, 401)
    assert_safe(caught.value)


async def test_workspace_the_user_is_not_in_is_forbidden(
    tt: TrackingTime, world: World, fake_tt: FakeTrackingTime
) -> None:
    session = tt.session(BOB_PW, world.acc2, "America/New_York")
    with pytest.raises(Forbidden) as caught:
        await session.projects()
    assert last(fake_tt).api_status == 403
    assert_safe(caught.value)
    with pytest.raises(Forbidden):
        await tt.session(ANN_PW, world.foreign_acc).track(world.task, SUMMER)


async def test_unknown_or_archived_task_is_not_found(
    ann: TrackingTimeSession, world: World
) -> None:
    with pytest.raises(NotFound) as caught:
        await ann.track(999_999, SUMMER)
    assert_safe(caught.value)
    with pytest.raises(NotFound):
        await ann.track(world.archived_task, SUMMER)
    with pytest.raises(NotFound):
        await ann.stop(999_999, SUMMER)


@pytest.mark.parametrize(
    ("kind", "error", "http_status"),
    [
        ("rate_limit", RateLimited, 429),
        ("outage", Unavailable, 502),
        ("unavailable", Unavailable, 503),
        ("not_json", Unavailable, 200),
        ("unauthorized_in_body", InvalidCredentials, 200),
        ("server_error", RequestRejected, 200),
    ],
)
async def test_injected_failures(
    ann: TrackingTimeSession,
    world: World,
    fake_tt: FakeTrackingTime,
    kind: str,
    error: type[TrackingTimeError],
    http_status: int,
) -> None:
    fake_tt.fail_next(kind)
    with pytest.raises(error) as caught:
        await ann.track(world.task, SUMMER)
    assert type(caught.value) is error
    assert last(fake_tt).http_status == http_status
    assert_safe(caught.value)
    assert fake_tt.running_task(world.acc, world.ann) is None
    # The failure was one-off: the retry works.
    timer = await ann.track(world.task, SUMMER)
    assert timer.task.id == world.task


async def test_server_error_carries_the_servers_message(
    ann: TrackingTimeSession, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.fail_next("server_error")
    with pytest.raises(RequestRejected) as caught:
        await ann.projects()
    assert last(fake_tt).api_status == 500
    assert "An unexpected error occurred. Please try again later." in caught.value.user_message
    assert_safe(caught.value)


async def test_hang_times_out(
    fake_tt_server: Server, world: World, fake_tt: FakeTrackingTime
) -> None:
    client = TrackingTime(fake_tt_server[1].api_url, timeout=0.3)
    fake_tt.fail_next("hang")
    started = time.monotonic()
    try:
        with pytest.raises(TimedOut) as caught:
            await client.session(ANN_PW, world.acc).projects()
    finally:
        fake_tt.release_hangs()
        await client.aclose()
    assert time.monotonic() - started < 2
    assert isinstance(caught.value, Unavailable)
    assert_safe(caught.value)
    assert caught.value.user_message != Unavailable.default_message


async def test_connection_refused_is_unavailable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = TrackingTime(f"http://127.0.0.1:{port}/api/v4", timeout=2)
    try:
        with pytest.raises(Unavailable) as caught:
            await client.session(ANN_PW, 1).projects()
    finally:
        await client.aclose()
    assert not isinstance(caught.value, TimedOut)
    assert_safe(caught.value)


# ---- reply shapes the fake cannot produce ----------------------------------------------------


def _mock_client(respond: Callable[[httpx.Request], httpx.Response]) -> TrackingTime:
    return TrackingTime("https://tt.test/api/v4", transport=httpx.MockTransport(respond))


def _json(body: Any, status: int = 200, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": content_type}
    )


def _envelope(status: Any, data: Any = None, **extra: Any) -> dict[str, Any]:
    return {"response": {"status": status, "message": "m", **extra}, "data": data}


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(_json({"data": []}), id="no-response-key"),
        pytest.param(_json({"response": "OK", "data": []}), id="response-not-an-object"),
        pytest.param(_json({"response": {"message": "hi"}, "data": []}), id="no-status"),
        pytest.param(_json(_envelope("OK", [])), id="status-not-a-number"),
        pytest.param(_json(_envelope(None, [])), id="status-null"),
        pytest.param(_json(_envelope([200], [])), id="status-a-list"),
        pytest.param(_json([{"id": 1, "name": "x"}]), id="json-array-body"),
        pytest.param(_json("just a string"), id="json-string-body"),
        pytest.param(_json(None), id="json-null-body"),
        pytest.param(_json(_envelope(200, []), content_type="text/plain"), id="not-json-type"),
        pytest.param(httpx.Response(200, content=b""), id="empty-body"),
        pytest.param(
            httpx.Response(200, content=b"{not json", headers={"content-type": "application/json"}),
            id="broken-json",
        ),
        pytest.param(
            httpx.Response(
                200, content=b"\xff\xfe\x00{", headers={"content-type": "application/json"}
            ),
            id="undecodable-json",
        ),
        pytest.param(
            httpx.Response(
                200,
                stream=httpx.ByteStream(b"definitely not gzip"),  # decoded only when read
                headers={"content-type": "application/json", "content-encoding": "gzip"},
            ),
            id="broken-gzip",  # used to escape as httpx.DecodingError
        ),
        pytest.param(_json(_envelope(200, []), status=503), id="http-503-with-json"),
        pytest.param(httpx.Response(404, text="<html>nginx</html>"), id="http-404-html"),
    ],
)
async def test_replies_without_a_usable_envelope_are_unavailable(reply: httpx.Response) -> None:
    client = _mock_client(lambda request: reply)
    try:
        with pytest.raises(Unavailable) as caught:
            await client.session(ANN_PW, 7).projects()
    finally:
        await client.aclose()
    assert type(caught.value) is Unavailable
    assert_safe(caught.value)


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (_json(_envelope(402)), Forbidden),
        (_json(_envelope(403)), Forbidden),
        (_json(_envelope(404)), NotFound),
        (_json(_envelope(429)), RateLimited),
        (_json(_envelope(502)), Conflict),
        (_json(_envelope("404")), NotFound),  # a numeric string is still a status
        (_json(_envelope(400)), RequestRejected),
        (_json(_envelope(200), status=400), RequestRejected),
        (_json(_envelope(200), status=403), Forbidden),
        (_json(_envelope(401), status=401), InvalidCredentials),
        (httpx.Response(401, text="Unauthorized"), InvalidCredentials),
        (httpx.Response(429, text="slow down"), RateLimited),
    ],
)
async def test_envelope_statuses_map_to_exceptions(
    reply: httpx.Response, error: type[TrackingTimeError]
) -> None:
    client = _mock_client(lambda request: reply)
    try:
        with pytest.raises(error) as caught:
            await client.session(ANN_PW, 7).tasks()
    finally:
        await client.aclose()
    assert type(caught.value) is error
    assert_safe(caught.value)


async def test_rejection_prefers_the_note_for_the_user() -> None:
    reply = _json(_envelope(400, note="You reached the tasks limit of your plan"))
    client = _mock_client(lambda request: reply)
    try:
        with pytest.raises(RequestRejected) as caught:
            await client.session(ANN_PW, 7).projects()
    finally:
        await client.aclose()
    assert "tasks limit" in caught.value.user_message
    assert "400" in caught.value.detail


@pytest.mark.parametrize(
    ("call", "data"),
    [
        ("me", []),
        ("me", None),
        ("track", None),
        ("track", {"name": "no id"}),
        ("stop", "done"),
    ],
)
async def test_replies_missing_the_expected_object_are_unavailable(call: str, data: Any) -> None:
    client = _mock_client(lambda request: _json(_envelope(200, data)))
    session = client.session(ANN_PW, 7, "Europe/Berlin")
    try:
        with pytest.raises(Unavailable) as caught:
            if call == "me":
                await session.me()
            elif call == "track":
                await session.track(1, SUMMER)
            else:
                await session.stop(1, SUMMER)
    finally:
        await client.aclose()
    assert_safe(caught.value)


async def test_track_reply_without_tracking_event_starts_at_the_requested_instant() -> None:
    task = {"id": 5, "name": "Old API", "project_id": 4, "project": "P", "tracking_event": None}
    client = _mock_client(lambda request: _json(_envelope(200, task)))
    try:
        timer = await client.session(ANN_PW, 7, "Europe/Berlin").track(5, SUMMER, notes="n")
    finally:
        await client.aclose()
    assert timer == RunningTimer(Task(5, "Old API", 4, "P"), None, SUMMER, "n")


async def test_a_list_endpoint_that_ignores_page_stops_on_a_repeated_page() -> None:
    page = [{"id": i, "name": f"T{i}"} for i in range(TASKS_PAGE_SIZE)]
    calls: list[str] = []

    def respond(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.params["page"])
        return _json(_envelope(200, page))

    client = _mock_client(respond)
    try:
        tasks = await client.session(ANN_PW, 7).tasks()
    finally:
        await client.aclose()
    assert len(tasks) == TASKS_PAGE_SIZE
    assert calls == ["0", "1"]


# ---- models: lenient parsing -----------------------------------------------------------------


def test_project_parsing() -> None:
    assert Project.from_api({"id": "7"}) == Project(7, "", None)
    assert (
        Project.from_api({"id": 7, "name": "P", "customer": {"id": 1, "name": "C"}}).customer == "C"
    )
    assert Project.from_api({"id": 7, "customer": "C"}).customer == "C"
    assert Project.from_api({"id": 7, "customer": {"id": 1}}).customer is None
    assert Project.from_api({"id": 7, "customer": None}).customer is None
    assert Project.from_api({"id": 7, "customer": ""}).customer is None


def test_task_parsing() -> None:
    assert Task.from_api({"id": 3}) == Task(3, "", None, None)
    assert Task.from_api({"id": 3, "name": "T", "project_id": "4", "project": "P"}) == Task(
        3, "T", 4, "P"
    )
    assert Task.from_api({"id": 3, "project": {"id": 4, "name": "P"}}).project == "P"
    assert Task.from_api({"id": 3, "project_id": None, "project": None}).label == ""
    assert Task.from_api({"id": 3, "name": "T", "project": {"id": 4}}).label == "T"


def test_me_parsing() -> None:
    me = Me.from_api({"id": "5", "account_id": "6"})
    assert me == Me(5, 6, "", "", None, (Workspace(6, "Workspace 6", is_default=True),))
    assert me.preferred_workspace == Workspace(6, "Workspace 6", is_default=True)
    assert Me.from_api({"id": 5, "account_id": 6, "teams": None}).workspaces == me.workspaces
    assert Me.from_api({"id": 5, "account_id": 6, "teams": []}).workspaces == me.workspaces
    named = Me.from_api({"id": 5, "account_id": 6, "name": "Ann", "surname": "Arbor"})
    assert named.name == "Ann Arbor"
    assert Me.from_api({"id": 5, "account_id": 6, "first_name": "Ann"}).name == "Ann"
    workspace = Workspace.from_api({"account_id": 6})
    assert workspace == Workspace(6, "Workspace 6", "", False, False)


def test_event_parsing() -> None:
    zone = ZoneInfo("Europe/Berlin")
    minimal = Event.from_api({"id": 1, "start": "2026-07-01 10:00:00"}, zone)
    assert minimal == Event(
        1, None, None, None, None, SUMMER - timedelta(hours=2), None, timedelta(0)
    )
    assert minimal.is_running and minimal.notes == ""
    # No usable timezone on the event: the session's zone (with its DST) is used.
    for tz in (None, "", "garbage", "GMT+99"):
        winter = Event.from_api({"id": 1, "start": "2026-01-15 11:00:00", "timezone": tz}, zone)
        assert winter.start == WINTER
    fixed = Event.from_api(
        {
            "id": 2,
            "start": "2026-07-01 06:00:00",
            "end": "2026-07-01 07:00:00",
            "duration": "3600",
            "timezone": "GMT-4",
            "task_id": 0,
            "project_id": "",
        },
        zone,
    )
    assert fixed.start == SUMMER and fixed.end == SUMMER + timedelta(hours=1)
    assert fixed.duration == timedelta(hours=1)
    assert (fixed.task_id, fixed.project_id) == (None, None)
    iana = Event.from_api(
        {"id": 3, "start": "2026-07-01 19:00:00", "timezone": "Asia/Kathmandu"}, zone
    )
    assert iana.start == datetime(2026, 7, 1, 13, 15, tzinfo=UTC)


def test_running_timer_from_task() -> None:
    zone = timezone(timedelta(hours=2))
    task = {"id": 1, "name": "T"}
    assert RunningTimer.from_task(task, zone) is None
    assert RunningTimer.from_task({**task, "tracking_event": None}, zone) is None
    assert RunningTimer.from_task({**task, "tracking_event": {"id": 9}}, zone) is None
    timer = RunningTimer.from_task(
        {**task, "tracking_event": {"start": "2026-07-01 12:00:00", "notes": None}}, zone
    )
    assert timer == RunningTimer(Task(1, "T"), None, SUMMER, "")


def test_event_end_across_a_dst_change() -> None:
    zone = ZoneInfo("Europe/Berlin")
    autumn = {"id": 1, "start": "2026-10-25 01:30:00", "end": "2026-10-25 03:30:00"}
    # One timezone (the offset at the start); the duration says 3 h really passed.
    event = Event.from_api({**autumn, "timezone": "GMT+02:00", "duration": 10800}, zone)
    assert event.start == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert event.end == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    assert event.end.utcoffset() == timedelta(hours=1)  # 03:30 CET, the wall time given
    spring = {"id": 2, "start": "2026-03-29 01:30:00", "end": "2026-03-29 03:30:00"}
    event = Event.from_api({**spring, "timezone": "GMT+01:00", "duration": 3600}, zone)
    assert event.end == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # An IANA zone already puts each wall time in its own offset.
    event = Event.from_api({**autumn, "timezone": "Europe/Berlin", "duration": 10800}, zone)
    assert event.end == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    # Disagreements no DST change explains leave the wall time alone.
    for duration in (None, 0, 10830, 7200 + 3 * 3600):
        odd = Event.from_api({**autumn, "timezone": "GMT+02:00", "duration": duration}, zone)
        assert odd.end == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
