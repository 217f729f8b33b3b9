"""The fake TrackingTime API, exercised over real HTTP with httpx.

One server serves the whole module (starting uvicorn costs ~0.2 s); each test resets the fake's
state and seeds its own small world.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer

ANN_PW = "ann-app-password"
BOB_PW = "bob-app-password"
EVE_PW = "eve-app-password"


@dataclass
class World:
    acc: int
    other_acc: int
    foreign_acc: int
    ann: int
    bob: int
    eve: int
    customer: int
    project: int
    archived_project: int
    task: int
    task2: int
    archived_task: int
    task_in_archived_project: int


@pytest.fixture
def served(
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> tuple[FakeTrackingTime, FakeTrackingTimeServer]:
    return fake_tt_server


@pytest.fixture
def fake(served: tuple[FakeTrackingTime, FakeTrackingTimeServer]) -> FakeTrackingTime:
    served[0].reset()
    return served[0]


@pytest.fixture
def api_url(served: tuple[FakeTrackingTime, FakeTrackingTimeServer]) -> str:
    return served[1].api_url


@pytest.fixture
def world(fake: FakeTrackingTime) -> World:
    acc = fake.add_account("Acme")
    other_acc = fake.add_account("Side Gig")
    foreign_acc = fake.add_account("Not Yours Inc")
    ann = fake.add_user("ann@acme.test", ANN_PW, "Ann", "Smith", accounts=[acc, other_acc])
    bob = fake.add_user("bob@acme.test", BOB_PW, "Bob", accounts=[acc], timezone="America/New_York")
    eve = fake.add_user("eve@else.test", EVE_PW, "Eve", accounts=[foreign_acc])
    customer = fake.add_customer(acc, "Globex")
    project = fake.add_project(acc, "Website", customer_id=customer)
    archived_project = fake.add_project(acc, "Old site", archived=True)
    task = fake.add_task(acc, "Design", project_id=project)
    task2 = fake.add_task(acc, "Meetings")
    archived_task = fake.add_task(acc, "Legacy", project_id=project, archived=True)
    task_in_archived_project = fake.add_task(acc, "Cleanup", project_id=archived_project)
    return World(
        acc,
        other_acc,
        foreign_acc,
        ann,
        bob,
        eve,
        customer,
        project,
        archived_project,
        task,
        task2,
        archived_task,
        task_in_archived_project,
    )


@pytest.fixture
def ann(api_url: str, world: World) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, auth=("API_TOKEN", ANN_PW), timeout=5) as client:
        yield client


@pytest.fixture
def bob(api_url: str, world: World) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, auth=("bob@acme.test", BOB_PW), timeout=5) as client:
        yield client


def body(resp: httpx.Response) -> tuple[int, Any]:
    """(envelope status, data) of a JSON reply that came as HTTP 200."""
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    payload = resp.json()
    envelope = payload["response"]
    assert set(envelope) == {"status", "version", "message", "note", "note_type"}
    assert envelope["version"] == "4"
    if envelope["status"] != 200:
        assert payload["data"] is None
        assert envelope["message"]
    return envelope["status"], payload["data"]


def ok(resp: httpx.Response) -> Any:
    status, data = body(resp)
    assert status == 200, resp.text
    return data


def track_params(date: str, **extra: Any) -> dict[str, Any]:
    return {"date": date, "timezone": "GMT+01:00", **extra}


# ---- auth and accounts -------------------------------------------------------------------------


def test_me_with_api_token_and_with_email(api_url: str, world: World) -> None:
    me = ok(httpx.get(f"{api_url}/me", auth=("API_TOKEN", ANN_PW)))
    assert me["id"] == world.ann
    assert me["account_id"] == world.acc
    assert (me["email"], me["name"], me["surname"]) == ("ann@acme.test", "Ann", "Smith")
    assert (me["first_name"], me["last_name"]) == ("Ann", "Smith")
    assert me["timezone"] == "Europe/Berlin"
    assert me["schedule"]["mon"] == 8 and me["schedule"]["sun"] == 0
    assert me["teams"] == [
        {
            "account_id": world.acc,
            "company": "Acme",
            "role": "ADMIN",
            "is_selected": True,
            "is_default": True,
            "status": "ACTIVE",
        },
        {
            "account_id": world.other_acc,
            "company": "Side Gig",
            "role": "ADMIN",
            "is_selected": False,
            "is_default": False,
            "status": "ACTIVE",
        },
    ]
    bob_me = ok(httpx.get(f"{api_url}/me", auth=("bob@acme.test", BOB_PW)))
    assert bob_me["id"] == world.bob
    assert bob_me["teams"][0]["role"] == "CO_WORKER"


@pytest.mark.parametrize(
    "auth", [None, ("API_TOKEN", "wrong"), ("ann@acme.test", BOB_PW), ("nobody", ANN_PW)]
)
def test_bad_credentials_are_a_real_http_401(
    api_url: str, world: World, auth: tuple[str, str] | None
) -> None:
    resp = httpx.get(f"{api_url}/{world.acc}/projects", auth=auth)
    assert resp.status_code == 401
    assert resp.json()["response"]["status"] == 401
    assert resp.json()["response"]["message"] == "Wrong credentials"
    assert resp.json()["data"] is None


def test_foreign_account_is_403_in_a_200_body(ann: httpx.Client, world: World) -> None:
    for acc in (world.foreign_acc, 999999):
        status, _ = body(ann.get(f"/{acc}/projects"))
        assert status == 403


def test_routes_without_account_use_the_default_account(ann: httpx.Client, world: World) -> None:
    assert ok(ann.get("/projects")) == ok(ann.get(f"/{world.acc}/projects"))
    assert ok(ann.get("/tasks")) == ok(ann.get(f"/{world.acc}/tasks"))
    assert ok(ann.get(f"/{world.other_acc}/projects")) == []


def test_unknown_route_is_404_in_a_200_body(ann: httpx.Client, api_url: str, world: World) -> None:
    for path in (f"/{world.acc}/nope", "/tasks/track/abc", f"/{world.acc}"):
        status, _ = body(ann.get(path))
        assert status == 404
    status, _ = body(httpx.get(api_url.replace("/api/v4", "/whatever")))
    assert status == 404


# ---- projects and tasks ------------------------------------------------------------------------


def test_projects_and_filters(ann: httpx.Client, world: World) -> None:
    active = ok(ann.get(f"/{world.acc}/projects"))
    assert [p["id"] for p in active] == [world.project]
    project = active[0]
    assert project["name"] == "Website"
    assert project["customer"] == {"id": world.customer, "name": "Globex"}
    assert project["is_archived"] is False
    assert project["color"].startswith("#")
    assert project["accumulated_time"] == 0
    archived = ok(ann.get(f"/{world.acc}/projects", params={"filter": "ARCHIVED"}))
    assert [p["id"] for p in archived] == [world.archived_project]
    assert archived[0]["customer"] is None
    every = ok(ann.get(f"/{world.acc}/projects", params={"filter": "ALL"}))
    assert {p["id"] for p in every} == {world.project, world.archived_project}


def test_tasks_filters_and_project(ann: httpx.Client, world: World) -> None:
    active = ok(ann.get(f"/{world.acc}/tasks"))
    assert [t["id"] for t in active] == [world.task, world.task2]
    design = active[0]
    assert design["name"] == "Design"
    assert (design["project_id"], design["project"]) == (world.project, "Website")
    assert (design["customer_id"], design["customer"]) == (world.customer, "Globex")
    assert design["type"] == "EVERYONE"
    assert design["is_archived"] is False
    assert design["tracking"] is False
    assert design["tracking_event"] is None and design["user"] is None and design["users"] == []
    assert active[1]["project_id"] is None and active[1]["project"] is None

    archived = ok(ann.get(f"/{world.acc}/tasks", params={"filter": "ARCHIVED"}))
    # A task in an archived project counts as archived.
    assert {t["id"] for t in archived} == {world.archived_task, world.task_in_archived_project}
    assert len(ok(ann.get(f"/{world.acc}/tasks", params={"filter": "ALL"}))) == 4
    in_project = ok(
        ann.get(f"/{world.acc}/tasks", params={"filter": "ALL", "project_id": world.project})
    )
    assert {t["id"] for t in in_project} == {world.task, world.archived_task}
    status, _ = body(ann.get(f"/{world.acc}/tasks", params={"filter": "BOGUS"}))
    assert status == 400


def test_tasks_are_paged_by_100(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    for n in range(148):
        fake.add_task(world.acc, f"Bulk {n}")
    # 150 active tasks: without `page` only the first 100 come back.
    first = ok(ann.get(f"/{world.acc}/tasks"))
    assert len(first) == 100
    second = ok(ann.get(f"/{world.acc}/tasks", params={"page": 1}))
    assert len(second) == 50
    assert not {t["id"] for t in first} & {t["id"] for t in second}
    assert ok(ann.get(f"/{world.acc}/tasks", params={"page": 2})) == []
    assert len(ok(ann.get(f"/{world.acc}/tasks", params={"page_size": 500}))) == 100
    small = ok(ann.get(f"/{world.acc}/tasks", params={"page": 3, "page_size": 7}))
    assert [t["id"] for t in small] == [t["id"] for t in first[21:28]]


# ---- tracking ----------------------------------------------------------------------------------


def test_track_starts_an_event(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    event = ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}",
            params=track_params("2025-01-10 09:00:00", notes="kick-off"),
        )
    )
    assert event["type"] == "WORK"
    assert event["start"] == "2025-01-10 09:00:00"
    assert event["end"] is None and event["duration"] == 0
    assert event["formated_duration"] == "00:00:00"
    assert event["timezone"] == "GMT+01:00"
    assert (event["user_id"], event["user"]) == (world.ann, "Ann Smith")
    assert (event["task_id"], event["task"]) == (world.task, "Design")
    assert (event["project_id"], event["project"]) == (world.project, "Website")
    assert (event["customer_id"], event["customer"]) == (world.customer, "Globex")
    assert event["notes"] == "kick-off"
    assert event["is_billable"] is False and event["is_billed"] is False
    assert event["created_at"] and event["updated_at"]
    running = fake.running_task(world.acc, world.ann)
    assert running is not None and running["tracking_event"]["id"] == event["id"]


def test_track_with_return_task(ann: httpx.Client, world: World) -> None:
    task = ok(
        ann.post(
            f"/{world.acc}/tasks/track/{world.task}",
            params=track_params("2025-01-10 09:00:00", return_task="true"),
        )
    )
    assert task["id"] == world.task
    assert task["tracking"] is True
    assert task["tracking_event"]["start"] == "2025-01-10 09:00:00"
    assert task["user"] == {"id": world.ann, "name": "Ann", "surname": "Smith"}
    assert task["users"][0]["id"] == world.ann
    assert task["users"][0]["event"]["id"] == task["tracking_event"]["id"]


def test_track_while_running_is_502_unless_stop_running_task(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    first = ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}", params=track_params("2025-01-10 09:00:00")
        )
    )
    status, _ = body(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task2}", params=track_params("2025-01-10 10:00:00")
        )
    )
    assert status == 502
    # Java-style booleans: "1" is not true.
    status, _ = body(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task2}",
            params=track_params("2025-01-10 10:00:00", stop_running_task="1"),
        )
    )
    assert status == 502
    second = ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task2}",
            params=track_params("2025-01-10 10:30:00", stop_running_task="TRUE"),
        )
    )
    events = {e["id"]: e for e in fake.events(world.acc, world.ann)}
    assert events[first["id"]]["end"] == "2025-01-10 10:30:00"
    assert events[first["id"]]["duration"] == 5400
    assert events[second["id"]]["end"] is None
    assert fake.running_task(world.acc, world.ann)["id"] == world.task2  # type: ignore[index]


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({}, "date"),
        ({"date": "2025-01-10T09:00:00"}, "date"),
        ({"date": "10/01/2025 09:00"}, "date"),
        ({"date": "2025-01-10 09:00:00", "timezone": "GMT 01:00"}, "timezone"),
        ({"date": "2025-01-10 09:00:00", "timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_track_and_stop_validate_date_and_timezone(
    ann: httpx.Client, world: World, params: dict[str, str], word: str
) -> None:
    for action in ("track", "stop"):
        status, _ = body(ann.get(f"/{world.acc}/tasks/{action}/{world.task}", params=params))
        assert status == 400
        assert (
            word
            in ann.get(f"/{world.acc}/tasks/{action}/{world.task}", params=params).json()[
                "response"
            ]["message"]
        )


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("GMT+3", "GMT+03:00"),
        ("GMT-05:00", "GMT-05:00"),
        ("Europe/Berlin", "GMT+01:00"),
        ("America/New_York", "GMT-05:00"),
        ("", "GMT+01:00"),  # the user's profile zone (Europe/Berlin) in January
    ],
)
def test_timezone_is_normalised(ann: httpx.Client, world: World, zone: str, expected: str) -> None:
    event = ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}",
            params={"date": "2025-01-10 09:00:00", "timezone": zone},
        )
    )
    assert event["timezone"] == expected


def test_track_unknown_or_archived_task_is_404(ann: httpx.Client, world: World) -> None:
    for task_id in (123456, world.archived_task, world.task_in_archived_project):
        status, _ = body(
            ann.get(
                f"/{world.acc}/tasks/track/{task_id}", params=track_params("2025-01-10 09:00:00")
            )
        )
        assert status == 404


def test_track_by_name_creates_project_and_task(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    task = ok(
        ann.get(
            f"/{world.acc}/tasks/track",
            params=track_params(
                "2025-01-10 09:00:00",
                task_name="Research",
                project_name="New Thing",
                return_task="true",
            ),
        )
    )
    assert task["name"] == "Research" and task["project"] == "New Thing" and task["tracking"]
    assert any(p["name"] == "New Thing" for p in fake.projects(world.acc))

    # Same names in another case: found, not created again.
    again = ok(
        ann.get(
            f"/{world.acc}/tasks/track",
            params=track_params(
                "2025-01-10 10:00:00",
                task_name="research",
                project_name="NEW THING",
                stop_running_task="true",
                return_task="true",
            ),
        )
    )
    assert again["id"] == task["id"]
    assert sum(p["name"] == "New Thing" for p in fake.projects(world.acc)) == 1

    # Existing task found through project_id.
    event = ok(
        ann.get(
            f"/{world.acc}/tasks/track",
            params=track_params(
                "2025-01-10 11:00:00",
                task_name="DESIGN",
                project_id=world.project,
                stop_running_task="true",
            ),
        )
    )
    assert event["task_id"] == world.task

    # No project at all: a project-less task.
    event = ok(
        ann.get(
            f"/{world.acc}/tasks/track",
            params=track_params(
                "2025-01-10 12:00:00", task_name="Inbox zero", stop_running_task="true"
            ),
        )
    )
    assert event["project_id"] is None and event["task"] == "Inbox zero"


def test_track_by_name_rejections(ann: httpx.Client, world: World) -> None:
    # Tracking the project itself is not modelled.
    status, _ = body(
        ann.get(
            f"/{world.acc}/tasks/track",
            params=track_params("2025-01-10 09:00:00", project_id=world.project),
        )
    )
    assert status == 400
    status, _ = body(
        ann.get(
            f"/{world.acc}/tasks/track",
            params=track_params("2025-01-10 09:00:00", task_name="x", project_id=999999),
        )
    )
    assert status == 404
    # 502 comes before anything is created.
    ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}", params=track_params("2025-01-10 09:00:00")
        )
    )
    status, _ = body(
        ann.get(
            f"/{world.acc}/tasks/track",
            params=track_params("2025-01-10 10:00:00", task_name="Fresh", project_name="Brand new"),
        )
    )
    assert status == 502
    assert "Brand new" not in {p["name"] for p in ok(ann.get(f"/{world.acc}/projects"))}


def test_stop_computes_duration(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}", params=track_params("2025-01-10 09:00:00")
        )
    )
    event = ok(
        ann.get(f"/{world.acc}/tasks/stop/{world.task}", params=track_params("2025-01-10 10:15:30"))
    )
    assert event["end"] == "2025-01-10 10:15:30"
    assert event["duration"] == 4530
    assert event["formated_duration"] == "01:15:30"
    assert fake.running_task(world.acc, world.ann) is None
    projects = ok(ann.get(f"/{world.acc}/projects"))
    assert projects[0]["accumulated_time"] == 4530


def test_stop_in_another_zone_is_converted(ann: httpx.Client, world: World) -> None:
    ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}", params=track_params("2025-01-10 09:00:00")
        )
    )
    task = ok(
        ann.get(
            f"/{world.acc}/tasks/stop/{world.task}",
            params={"date": "2025-01-10 10:00:00", "timezone": "GMT+02:00", "return_task": "true"},
        )
    )
    assert task["id"] == world.task and task["tracking"] is False
    assert task["tracking_event"] is None
    assert task["accumulated_time"] == 0  # 10:00 at +02:00 is 09:00 at +01:00


def test_stop_when_not_tracking_is_502_in_a_200_body(ann: httpx.Client, world: World) -> None:
    status, _ = body(
        ann.get(f"/{world.acc}/tasks/stop/{world.task}", params=track_params("2025-01-10 10:00:00"))
    )
    assert status == 502
    ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}", params=track_params("2025-01-10 09:00:00")
        )
    )
    status, _ = body(
        ann.get(
            f"/{world.acc}/tasks/stop/{world.task2}", params=track_params("2025-01-10 10:00:00")
        )
    )
    assert status == 502
    status, _ = body(
        ann.get(f"/{world.acc}/tasks/stop/{world.task}", params=track_params("2025-01-10 08:00:00"))
    )
    assert status == 400  # before the start
    status, _ = body(
        ann.get(f"/{world.acc}/tasks/stop/123456", params=track_params("2025-01-10 10:00:00"))
    )
    assert status == 404


def test_tracking_endpoint_and_tracking_filter(
    fake: FakeTrackingTime, ann: httpx.Client, bob: httpx.Client, world: World
) -> None:
    assert ok(ann.get(f"/{world.acc}/users/{world.ann}/tasks/tracking")) == []
    fake.start_timer(world.acc, world.bob, world.task, "2025-01-10 08:00:00", "America/New_York")
    ok(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}", params=track_params("2025-01-10 09:00:00")
        )
    )

    mine = ok(ann.get(f"/{world.acc}/users/{world.ann}/tasks/tracking"))
    assert len(mine) == 1
    assert mine[0]["id"] == world.task and mine[0]["user"]["id"] == world.ann
    assert mine[0]["tracking_event"]["user_id"] == world.ann
    bobs = ok(ann.get(f"/{world.acc}/users/{world.bob}/tasks/tracking"))
    assert bobs[0]["user"]["id"] == world.bob
    assert bobs[0]["tracking_event"]["timezone"] == "GMT-05:00"

    tracking = ok(bob.get(f"/{world.acc}/tasks", params={"filter": "TRACKING"}))
    assert [t["id"] for t in tracking] == [world.task]
    assert tracking[0]["user"]["id"] == world.bob  # the requester's own timer
    assert {u["id"] for u in tracking[0]["users"]} == {world.ann, world.bob}

    status, _ = body(ann.get(f"/{world.acc}/users/{world.eve}/tasks/tracking"))
    assert status == 404


# ---- events ------------------------------------------------------------------------------------


def seed_days(fake: FakeTrackingTime, world: World) -> None:
    for day in range(1, 6):
        for hour in (9, 11, 14):
            fake.add_event(
                world.acc,
                world.ann,
                world.task if hour != 14 else world.task2,
                f"2025-03-0{day} {hour:02d}:00:00",
                f"2025-03-0{day} {hour:02d}:30:00",
                "Europe/Berlin",
                notes=f"d{day}h{hour}",
            )
    fake.add_event(
        world.acc, world.bob, world.task, "2025-03-02 10:00:00", "2025-03-02 12:00:00", "GMT-05:00"
    )


def test_events_by_day_range(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    seed_days(fake, world)
    day = ok(
        ann.get(
            f"/{world.acc}/events",
            params={"filter": "USER", "id": world.ann, "from": "2025-03-02", "to": "2025-03-02"},
        )
    )
    assert [e["notes"] for e in day] == ["d2h9", "d2h11", "d2h14"]
    assert all(e["duration"] == 1800 and e["formated_duration"] == "00:30:00" for e in day)
    assert day[0]["timezone"] == "GMT+01:00"
    span = ok(
        ann.get(
            f"/{world.acc}/events",
            params={"filter": "USER", "id": world.ann, "from": "2025-03-02", "to": "2025-03-04"},
        )
    )
    assert len(span) == 9
    desc = ok(
        ann.get(
            f"/{world.acc}/events",
            params={
                "filter": "USER",
                "id": world.ann,
                "from": "2025-03-02",
                "to": "2025-03-02",
                "order": "desc",
            },
        )
    )
    assert [e["notes"] for e in desc] == ["d2h14", "d2h11", "d2h9"]
    timed = ok(
        ann.get(
            f"/{world.acc}/events",
            params={
                "filter": "USER",
                "id": world.ann,
                "from": "2025-03-02 10:00:00",
                "to": "2025-03-02 23:59:59",
            },
        )
    )
    assert [e["notes"] for e in timed] == ["d2h11", "d2h14"]
    company = ok(
        ann.get(
            f"/{world.acc}/events",
            params={"filter": "COMPANY", "from": "2025-03-02", "to": "2025-03-02"},
        )
    )
    assert {e["user_id"] for e in company} == {world.ann, world.bob}
    per_task = ok(
        ann.get(
            f"/{world.acc}/events",
            params={"filter": "TASK", "id": world.task2, "from": "2025-03-01", "to": "2025-03-31"},
        )
    )
    assert len(per_task) == 5


def test_events_paging(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    seed_days(fake, world)
    query = {"filter": "USER", "id": world.ann, "from": "2025-03-01", "to": "2025-03-31"}
    assert len(ok(ann.get(f"/{world.acc}/events", params=query))) == 15
    pages = [
        ok(ann.get(f"/{world.acc}/events", params={**query, "page": page, "page_size": 4}))
        for page in range(5)
    ]
    assert [len(p) for p in pages] == [4, 4, 4, 3, 0]
    ids = [e["id"] for p in pages for e in p]
    assert len(set(ids)) == 15


def test_events_default_page_size_is_50(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    for minute in range(60):
        fake.add_event(
            world.acc,
            world.ann,
            world.task,
            f"2025-03-01 10:{minute:02d}:00",
            f"2025-03-01 10:{minute:02d}:30",
            "GMT+01:00",
        )
    query = {"filter": "USER", "id": world.ann, "from": "2025-03-01", "to": "2025-03-01"}
    assert len(ok(ann.get(f"/{world.acc}/events", params=query))) == 50
    assert len(ok(ann.get(f"/{world.acc}/events", params={**query, "page": 1}))) == 10


@pytest.mark.parametrize(
    "params",
    [
        {"filter": "USER", "id": 1, "to": "2025-03-01"},
        {"filter": "USER", "id": 1, "from": "2025-03-01"},
        {"filter": "USER", "id": 1, "from": "01.03.2025", "to": "2025-03-01"},
        {"filter": "USER", "from": "2025-03-01", "to": "2025-03-01"},
        {"from": "2025-03-01", "to": "2025-03-01"},
    ],
)
def test_events_parameter_errors(ann: httpx.Client, world: World, params: dict[str, Any]) -> None:
    status, _ = body(ann.get(f"/{world.acc}/events", params=params))
    assert status == 400


def test_running_events_are_listed(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    fake.start_timer(world.acc, world.ann, world.task, "2025-03-01 09:00:00", "GMT+01:00")
    events = ok(
        ann.get(
            f"/{world.acc}/events",
            params={"filter": "USER", "id": world.ann, "from": "2025-03-01", "to": "2025-03-01"},
        )
    )
    assert len(events) == 1 and events[0]["end"] is None and events[0]["duration"] == 0


def test_events_by_project_and_customer(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    seed_days(fake, world)  # Ann: Design (in Website) at 9 and 11, Meetings (no project) at 14
    on_project = ok(
        ann.post(
            f"/{world.acc}/events/add",
            data=add_params("2025-03-03 16:00:00", "2025-03-03 17:00:00", project_id=world.project),
        )
    )
    month = {"from": "2025-03-01", "to": "2025-03-31"}
    for kind, entity in (("PROJECT", world.project), ("CUSTOMER", world.customer)):
        found = ok(ann.get(f"/{world.acc}/events", params={**month, "filter": kind, "id": entity}))
        assert len(found) == 5 * 2 + 1 + 1  # Ann's Design entries, Bob's, the project's own
        assert on_project["id"] in {e["id"] for e in found}
        assert {e["project_id"] for e in found} == {world.project}
    by_task = ok(
        ann.get(f"/{world.acc}/events", params={**month, "filter": "TASK", "id": world.task})
    )
    assert len(by_task) == 11 and on_project["id"] not in {e["id"] for e in by_task}
    other = {**month, "filter": "PROJECT", "id": world.archived_project}
    assert ok(ann.get(f"/{world.acc}/events", params=other)) == []


def test_events_paging_over_several_days_in_both_orders(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    seed_days(fake, world)
    query = {"filter": "USER", "id": world.ann, "from": "2025-03-02", "to": "2025-03-04"}
    expected = [f"d{day}h{hour}" for day in (2, 3, 4) for hour in (9, 11, 14)]
    for order, notes in (("asc", expected), ("desc", expected[::-1])):
        pages = [
            ok(
                ann.get(
                    f"/{world.acc}/events",
                    params={**query, "order": order, "page": page, "page_size": 4},
                )
            )
            for page in range(4)
        ]
        assert [len(p) for p in pages] == [4, 4, 1, 0]
        assert [e["notes"] for p in pages for e in p] == notes
    status, _ = body(ann.get(f"/{world.acc}/events", params={**query, "order": "newest"}))
    assert status == 400
    status, _ = body(ann.get(f"/{world.acc}/events", params={**query, "page": -1}))
    assert status == 400


# ---- events: add, read, update, delete ---------------------------------------------------------


def add_params(
    start: str = "2025-03-03 09:00:00", end: str = "2025-03-03 10:30:00", **extra: Any
) -> dict[str, Any]:
    return {"start": start, "end": end, "timezone": "GMT+01:00", **extra}


def test_add_event_with_a_form_body(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    event = ok(
        ann.post(
            f"/{world.acc}/events/add",
            data=add_params(duration=5400, user_id=world.ann, task_id=world.task, notes="Kick ✅"),
        )
    )
    assert fake.requests[-1].method == "POST"
    assert event["type"] == "WORK"
    assert (event["start"], event["end"], event["timezone"]) == (
        "2025-03-03 09:00:00",
        "2025-03-03 10:30:00",
        "GMT+01:00",
    )
    assert (event["duration"], event["formated_duration"]) == (5400, "01:30:00")
    assert (event["user_id"], event["user"]) == (world.ann, "Ann Smith")
    assert (event["task_id"], event["project_id"], event["customer_id"]) == (
        world.task,
        world.project,
        world.customer,
    )
    assert event["notes"] == "Kick ✅"
    assert fake.events(world.acc) == [event]
    assert ok(ann.get(f"/{world.acc}/events/{event['id']}")) == event
    assert ok(ann.get(f"/{world.acc}/tasks/{world.task}"))["accumulated_time"] == 5400
    assert ok(ann.get(f"/{world.acc}/projects"))[0]["accumulated_time"] == 5400


def test_add_event_by_query_with_defaults(
    fake: FakeTrackingTime, bob: httpx.Client, world: World
) -> None:
    event = ok(
        bob.get(
            f"/{world.acc}/events/add",
            params=add_params(task_id=world.task2, event_type="not_logged"),
        )
    )
    assert event["user_id"] == world.bob  # the caller by default
    assert event["type"] == "NOT_LOGGED"
    assert (event["duration"], event["notes"]) == (5400, "")  # duration computed when not given
    assert (event["task"], event["project_id"], event["project"]) == ("Meetings", None, None)
    # Within 60 s of end - start is fine; the reply keeps the computed duration.
    for duration in (5340, 5460):
        again = ok(bob.get(f"/{world.acc}/events/add", params=add_params(duration=duration)))
        assert again["duration"] == 5400
        assert again["task_id"] is None and again["project_id"] is None


@pytest.mark.parametrize("missing", ["start", "end", "timezone"])
def test_add_event_requires_start_end_and_timezone(
    fake: FakeTrackingTime, ann: httpx.Client, world: World, missing: str
) -> None:
    params = add_params(task_id=world.task)
    del params[missing]
    resp = ann.post(f"/{world.acc}/events/add", data=params)
    status, _ = body(resp)
    assert status == 400
    assert f"'{missing}'" in resp.json()["response"]["message"]
    assert fake.events(world.acc) == []


@pytest.mark.parametrize(
    ("extra", "word"),
    [
        ({"start": "2025-03-03T09:00:00"}, "'start'"),
        ({"end": "03/03/2025 10:30"}, "'end'"),
        ({"timezone": "GMT 01:00"}, "'timezone'"),
        ({"end": "2025-03-03 08:59:59"}, "'end'"),  # before the start
        ({"duration": 5461}, "'duration'"),
        ({"duration": 5339}, "'duration'"),
        ({"duration": -1}, "'duration'"),
        ({"duration": "1h"}, "'duration'"),
        ({"event_type": "HOLIDAY"}, "'event_type'"),
        ({"task_id": "abc"}, "'task_id'"),
        ({"task_id": "TASK2", "project_id": "PROJECT"}, "not in the project"),
    ],
)
def test_add_event_validation(
    fake: FakeTrackingTime, ann: httpx.Client, world: World, extra: dict[str, Any], word: str
) -> None:
    names = {"TASK2": world.task2, "PROJECT": world.project}
    params = {**add_params(task_id=world.task), **{k: names.get(v, v) for k, v in extra.items()}}
    resp = ann.post(f"/{world.acc}/events/add", data=params)
    status, _ = body(resp)
    assert status == 400
    assert word in resp.json()["response"]["message"]
    assert fake.events(world.acc) == []


def test_add_event_unknown_or_archived_task_or_project_is_404(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    for target in (
        {"task_id": 999999},
        {"task_id": world.archived_task},
        {"task_id": world.task_in_archived_project},
        {"project_id": 999999},
        {"project_id": world.archived_project},
        {"project_id": 999999, "task_name": "Would be new"},
    ):
        status, _ = body(ann.post(f"/{world.acc}/events/add", data=add_params(**target)))
        assert status == 404, target
    assert fake.events(world.acc) == []
    assert "Would be new" not in {t["name"] for t in fake.tasks(world.acc)}


def test_add_event_by_name_finds_or_creates(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    url = f"/{world.acc}/events/add"
    created = ok(ann.post(url, data=add_params(task_name="Report", project_name="Quarterly")))
    (project,) = [p for p in fake.projects(world.acc) if p["name"] == "Quarterly"]
    assert (created["task"], created["project_id"]) == ("Report", project["id"])
    again = ok(ann.post(url, data=add_params(task_name="REPORT", project_name="quarterly")))
    assert again["task_id"] == created["task_id"]
    existing = ok(ann.post(url, data=add_params(task_name="design", project_id=world.project)))
    assert existing["task_id"] == world.task
    # A project alone: an entry on the project itself, which its totals count.
    own = ok(ann.post(url, data=add_params(project_name="Fresh")))
    assert (own["task"], own["task_id"], own["project"]) == (None, None, "Fresh")
    on_website = ok(ann.post(url, data=add_params(project_id=world.project)))
    assert (on_website["task_id"], on_website["project_id"]) == (None, world.project)
    assert on_website["customer_id"] == world.customer
    totals = {p["name"]: p["accumulated_time"] for p in ok(ann.get(f"/{world.acc}/projects"))}
    assert totals == {"Website": 2 * 5400, "Quarterly": 2 * 5400, "Fresh": 5400}


def test_add_event_for_another_user_needs_a_managing_role(
    fake: FakeTrackingTime, api_url: str, ann: httpx.Client, bob: httpx.Client, world: World
) -> None:
    url = f"/{world.acc}/events/add"
    for_bob = ok(ann.post(url, data=add_params(user_id=world.bob, task_id=world.task)))  # ADMIN
    assert for_bob["user_id"] == world.bob
    status, _ = body(bob.post(url, data=add_params(user_id=world.ann, task_id=world.task)))
    assert status == 403  # CO_WORKER
    status, _ = body(ann.post(url, data=add_params(user_id=world.eve, task_id=world.task)))
    assert status == 404  # not a member of this workspace
    fake.add_user(
        "max@acme.test", "max-pw", "Max", accounts=[world.acc], roles={world.acc: "MANAGER"}
    )
    with httpx.Client(base_url=api_url, auth=("API_TOKEN", "max-pw")) as manager:
        assert ok(manager.post(url, data=add_params(user_id=world.ann)))["user_id"] == world.ann
    assert len(fake.events(world.acc)) == 2


@pytest.mark.parametrize(
    ("who", "timezone", "duration", "accepted"),
    [
        # Ann's profile zone is Europe/Berlin and +02:00 its offset at 01:30: the end is in CET.
        ("ann", "GMT+02:00", 10800, True),
        ("ann", "GMT+02:00", None, True),
        ("ann", "GMT+02:00", 7200, False),
        ("ann", "Europe/Berlin", 10800, True),
        # Bob's is America/New_York: +02:00 is just a fixed offset, with no DST inside.
        ("bob", "GMT+02:00", 7200, True),
        ("bob", "GMT+02:00", 10800, False),
        ("bob", "Europe/Berlin", 10800, True),
    ],
)
def test_add_event_across_the_end_of_summer_time(
    fake: FakeTrackingTime,
    ann: httpx.Client,
    bob: httpx.Client,
    world: World,
    who: str,
    timezone: str,
    duration: int | None,
    accepted: bool,
) -> None:
    client = {"ann": ann, "bob": bob}[who]
    params = {"start": "2026-10-25 01:30:00", "end": "2026-10-25 03:30:00", "timezone": timezone}
    if duration is not None:
        params["duration"] = str(duration)
    status, event = body(client.post(f"/{world.acc}/events/add", data=params))
    if not accepted:
        assert status == 400
        return
    assert status == 200
    assert (event["start"], event["end"]) == ("2026-10-25 01:30:00", "2026-10-25 03:30:00")
    assert event["timezone"] == "GMT+02:00"
    assert event["duration"] == (7200 if who == "bob" and timezone != "Europe/Berlin" else 10800)
    assert fake.events(world.acc) == [event]


def test_add_event_ending_in_the_repeated_hour_follows_duration(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    # 02:15 happens twice on 2026-10-25 in Berlin: 30 min or 90 min after 01:45 CEST.
    params = {"start": "2026-10-25 01:45:00", "end": "2026-10-25 02:15:00", "timezone": "GMT+2"}
    for duration in (1800, 5400):
        event = ok(ann.post(f"/{world.acc}/events/add", data={**params, "duration": duration}))
        assert event["duration"] == duration and event["end"] == "2026-10-25 02:15:00"
    status, _ = body(ann.post(f"/{world.acc}/events/add", data={**params, "duration": 3600}))
    assert status == 400


def test_get_one_event(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    event_id = fake.add_event(
        world.acc, world.bob, world.task, "2025-03-03 09:00:00", "2025-03-03 10:00:00", "GMT-05:00"
    )
    event = ok(ann.get(f"/{world.acc}/events/{event_id}"))  # any member reads any member's
    assert (event["id"], event["user_id"], event["duration"]) == (event_id, world.bob, 3600)
    assert ok(ann.get(f"/events/{event_id}")) == event  # the default account
    for path in (f"/{world.acc}/events/999999", f"/{world.other_acc}/events/{event_id}"):
        status, _ = body(ann.get(path))
        assert status == 404


def test_update_event(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    url = f"/{world.acc}/events/add"
    event = ok(ann.post(url, data=add_params(task_id=world.task, notes="draft")))
    update = f"/{world.acc}/events/update/{event['id']}"

    noted = ok(ann.get(update, params={"notes": "final"}))
    assert noted["notes"] == "final"
    assert {k: v for k, v in noted.items() if k not in {"notes", "updated_at"}} == {
        k: v for k, v in event.items() if k not in {"notes", "updated_at"}
    }
    moved = ok(
        ann.put(
            update, json={"start": "2025-03-03 08:00:00", "task_id": world.task2, "duration": 9000}
        )
    )
    assert (moved["start"], moved["end"], moved["duration"]) == (
        "2025-03-03 08:00:00",
        "2025-03-03 10:30:00",
        9000,
    )
    assert (moved["task_id"], moved["project_id"], moved["notes"]) == (world.task2, None, "final")
    totals = {t["id"]: t["accumulated_time"] for t in fake.tasks(world.acc)}
    assert (totals[world.task], totals[world.task2]) == (0, 9000)

    # The official n8n node's path form; wall times keep their text in the new zone.
    zoned = ok(
        ann.post(f"/{world.acc}/events/{event['id']}/update", data={"timezone": "GMT-05:00"})
    )
    assert (zoned["start"], zoned["timezone"], zoned["duration"]) == (
        "2025-03-03 08:00:00",
        "GMT-05:00",
        9000,
    )
    on_project = ok(ann.get(update, params={"project_id": world.project}))
    assert (on_project["task_id"], on_project["project_id"]) == (None, world.project)
    assert ok(ann.get(f"/{world.acc}/projects"))[0]["accumulated_time"] == 9000

    for params, word in (
        ({"duration": 100}, "'duration'"),
        ({"start": "2025-03-03 11:00:00"}, "'end'"),
        ({"end": "tomorrow"}, "'end'"),
        ({"timezone": "Mars/Olympus"}, "'timezone'"),
    ):
        resp = ann.get(update, params=params)
        assert body(resp)[0] == 400 and word in resp.json()["response"]["message"]
    for params in ({"task_id": world.archived_task}, {"project_id": 999999}):
        assert body(ann.get(update, params=params))[0] == 404
    assert ok(ann.get(f"/{world.acc}/events/{event['id']}"))["duration"] == 9000  # unchanged
    assert body(ann.get(f"/{world.acc}/events/update/999999", params={"notes": "x"}))[0] == 404


def test_update_a_running_event(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    event_id = fake.start_timer(world.acc, world.ann, world.task, "2025-03-03 09:00:00", "GMT+1")
    update = f"/{world.acc}/events/update/{event_id}"
    changed = ok(ann.get(update, params={"start": "2025-03-03 08:30:00", "task_id": world.task2}))
    assert (changed["start"], changed["end"], changed["task_id"]) == (
        "2025-03-03 08:30:00",
        None,
        world.task2,
    )
    assert fake.running_task(world.acc, world.ann)["id"] == world.task2  # type: ignore[index]
    for params in ({"end": "2025-03-03 10:00:00"}, {"duration": 60}, {"project_id": world.project}):
        assert body(ann.get(update, params=params))[0] == 400


def test_delete_event(fake: FakeTrackingTime, ann: httpx.Client, world: World) -> None:
    event = ok(ann.post(f"/{world.acc}/events/add", data=add_params(task_id=world.task)))
    deleted = ok(ann.delete(f"/{world.acc}/events/delete/{event['id']}"))
    assert deleted == event
    assert fake.events(world.acc) == []
    assert ok(ann.get(f"/{world.acc}/tasks/{world.task}"))["accumulated_time"] == 0
    for path in (f"/{world.acc}/events/{event['id']}", f"/{world.acc}/events/delete/{event['id']}"):
        assert body(ann.get(path))[0] == 404
    assert body(ann.get(f"/{world.acc}/events/delete/999999"))[0] == 404


def test_delete_permissions_and_running_events(
    fake: FakeTrackingTime, ann: httpx.Client, bob: httpx.Client, world: World
) -> None:
    anns = fake.add_event(
        world.acc, world.ann, world.task, "2025-03-03 09:00:00", "2025-03-03 10:00:00", "GMT+1"
    )
    bobs = fake.start_timer(world.acc, world.bob, world.task, "2025-03-03 09:00:00", "GMT-05:00")
    assert body(bob.get(f"/{world.acc}/events/delete/{anns}"))[0] == 403  # CO_WORKER
    assert body(bob.get(f"/{world.acc}/events/update/{anns}", params={"notes": "x"}))[0] == 403
    assert body(ann.get(f"/{world.other_acc}/events/delete/{anns}"))[0] == 404  # other workspace
    # An ADMIN deletes anyone's; deleting a running entry ends the timer.
    assert ok(ann.get(f"/{world.acc}/events/delete/{bobs}"))["end"] is None
    assert fake.running_task(world.acc, world.bob) is None
    assert ok(bob.get(f"/{world.acc}/users/{world.bob}/tasks/tracking")) == []
    assert [e["id"] for e in fake.events(world.acc)] == [anns]


# ---- request formats and recording ------------------------------------------------------------


def test_params_from_form_json_and_gzip_bodies(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    ok(
        ann.post(
            f"/{world.acc}/tasks/track/{world.task}",
            data={"date": "2025-01-10 09:00:00", "timezone": "GMT+01:00"},
        )
    )
    task = ok(
        ann.put(
            f"/{world.acc}/tasks/track/{world.task2}",
            json={
                "date": "2025-01-10 10:00:00",
                "timezone": "GMT+01:00",
                "stop_running_task": True,
                "return_task": True,
            },
        )
    )
    assert task["id"] == world.task2 and task["tracking"] is True
    gz = gzip.compress(json.dumps({"date": "2025-01-10 11:00:00"}).encode())
    event = ok(
        ann.post(
            f"/{world.acc}/tasks/stop/{world.task2}",
            content=gz,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
    )
    assert event["duration"] == 3600
    status, _ = body(
        ann.post(
            f"/{world.acc}/tasks/track/{world.task}",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        )
    )
    assert status == 400


def test_requests_are_recorded_without_password(
    fake: FakeTrackingTime, api_url: str, world: World
) -> None:
    headers = {"User-Agent": "TestBot/1.0 (ops@example.test)"}
    httpx.get(
        f"{api_url}/{world.acc}/tasks",
        params={"filter": "ALL", "password": "leak"},
        auth=("API_TOKEN", ANN_PW),
        headers=headers,
    )
    httpx.post(f"{api_url}/me", data={"x": "1"}, auth=("ann@acme.test", "nope"))
    first, second = fake.requests
    assert first.method == "GET" and first.path == f"/api/v4/{world.acc}/tasks"
    assert first.params == {"filter": "ALL", "password": "<redacted>"}
    assert first.username == "API_TOKEN"
    assert first.user_agent == headers["User-Agent"]
    assert (first.http_status, first.api_status) == (200, 200)
    assert second.username == "ann@acme.test" and second.params == {"x": "1"}
    assert (second.http_status, second.api_status) == (401, 401)
    assert second.time >= first.time
    assert ANN_PW not in repr(fake.requests) and "nope" not in repr(fake.requests)


def test_seeding_helpers(fake: FakeTrackingTime, world: World) -> None:
    event_id = fake.add_event(
        world.acc, world.ann, world.task, "2025-01-10 09:00:00", "2025-01-10 11:00:00", "GMT+1"
    )
    (event,) = fake.events(world.acc, world.ann)
    assert event["id"] == event_id and event["duration"] == 7200
    assert (
        next(t for t in fake.tasks(world.acc) if t["id"] == world.task)["accumulated_time"] == 7200
    )
    with pytest.raises(ValueError):
        fake.add_event(
            world.acc, world.ann, world.task, "2025-01-10 09:00:00", "2025-01-10 08:00:00", "GMT"
        )
    with pytest.raises(ValueError):
        fake.add_user("x@y.test", "pw", "X")  # no account
    with pytest.raises(ValueError):
        fake.add_task(world.acc, "x", project_id=123456)
    fake.start_timer(world.acc, world.ann, world.task2, "2025-01-10 12:00:00", "GMT+01:00")
    with pytest.raises(ValueError):
        fake.start_timer(world.acc, world.ann, world.task, "2025-01-10 12:00:00", "GMT+01:00")
    assert fake.running_task(world.acc, world.ann)["id"] == world.task2  # type: ignore[index]


# ---- failure injection, latency, rate limits ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "http_status", "api_status", "content_type"),
    [
        ("outage", 502, None, "text/html"),
        ("unavailable", 503, None, "text/html"),
        ("rate_limit", 429, 429, "application/json"),
        ("server_error", 200, 500, "application/json"),
        ("unauthorized_in_body", 200, 401, "application/json"),
        ("not_json", 200, None, "text/html"),
    ],
)
def test_injected_failures(
    fake: FakeTrackingTime,
    ann: httpx.Client,
    world: World,
    kind: str,
    http_status: int,
    api_status: int | None,
    content_type: str,
) -> None:
    fake.fail_next(kind, times=2)
    for _ in range(2):
        resp = ann.get("/me")
        assert resp.status_code == http_status
        assert resp.headers["content-type"].startswith(content_type)
        if api_status is None:
            assert resp.text.lstrip().startswith("<")
        else:
            assert resp.json()["response"]["status"] == api_status
            assert resp.json()["data"] is None
    assert ok(ann.get("/me"))["id"] == world.ann


def test_injected_failure_hits_only_matching_paths(
    fake: FakeTrackingTime, ann: httpx.Client, api_url: str, world: World
) -> None:
    fake.fail_next("server_error", path_contains="/tasks/track")
    ok(ann.get("/me"))  # not matching: untouched
    status, _ = body(
        ann.get(
            f"/{world.acc}/tasks/track/{world.task}", params=track_params("2025-01-10 09:00:00")
        )
    )
    assert status == 500
    assert fake.running_task(world.acc, world.ann) is None  # the failure changed nothing
    # Failures come before auth: even a bad password sees them.
    fake.fail_next("outage")
    assert httpx.get(f"{api_url}/me", auth=("API_TOKEN", "bad")).status_code == 502
    fake.fail_next("outage", times=5)
    fake.reset_failures()
    ok(ann.get("/me"))
    with pytest.raises(ValueError):
        fake.fail_next("meteor")


def test_hang_makes_the_client_time_out(fake: FakeTrackingTime, api_url: str, world: World) -> None:
    fake.fail_next("hang")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{api_url}/me", auth=("API_TOKEN", ANN_PW), timeout=0.2)
    assert time.monotonic() - started < 1
    fake.reset_failures()  # wakes the held request: it answers 504 and changes nothing
    deadline = time.monotonic() + 1
    while fake.requests[0].http_status is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.requests[0].http_status == 504
    assert ok(httpx.get(f"{api_url}/me", auth=("API_TOKEN", ANN_PW)))["id"] == world.ann


def test_answer_lost_does_the_work_and_answers_a_gateway_time_out(
    fake: FakeTrackingTime, ann: httpx.Client, world: World
) -> None:
    fake.fail_next("answer_lost", times=2, path_contains="/events/add")
    ok(ann.get("/me"))  # not matching: untouched
    params = {
        "start": "2025-01-10 09:00:00",
        "end": "2025-01-10 10:00:00",
        "timezone": "GMT+01:00",
        "task_id": str(world.task),
    }
    for added in (1, 2):  # each request takes one of the two
        lost = ann.post(f"/{world.acc}/events/add", data=params)
        assert lost.status_code == 504 and lost.headers["content-type"].startswith("text/html")
        assert len(fake.events(world.acc, world.ann)) == added  # added all the same
    event = fake.events(world.acc, world.ann)[0]
    assert (event["start"], event["end"]) == ("2025-01-10 09:00:00", "2025-01-10 10:00:00")
    ok(ann.post(f"/{world.acc}/events/add", data=params))  # the rule is used up
    assert len(fake.events(world.acc, world.ann)) == 3


async def test_latency_is_added_without_blocking(
    fake: FakeTrackingTime, api_url: str, world: World
) -> None:
    fake.latency = 0.2
    async with httpx.AsyncClient(base_url=api_url, auth=("API_TOKEN", ANN_PW)) as client:
        started = time.monotonic()
        replies = await asyncio.gather(*(client.get("/me") for _ in range(5)))
        elapsed = time.monotonic() - started
    assert all(r.status_code == 200 for r in replies)
    assert 0.2 <= elapsed < 0.6  # five requests waited concurrently, not one after another


def test_rate_limit_per_second_per_credential(
    fake: FakeTrackingTime, ann: httpx.Client, bob: httpx.Client
) -> None:
    fake.rate_limit_per_second = 3
    codes = [ann.get("/me").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = ann.get("/me")
    assert limited.json()["response"]["status"] == 429
    assert bob.get("/me").status_code == 200  # another credential has its own budget
    time.sleep(1.05)
    assert ann.get("/me").status_code == 200
