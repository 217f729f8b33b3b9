"""Whose entry an id names, when TrackingTime's reply leaves ``user_id`` out (that every entry
carries it is unconfirmed): the user's own entries of the days around it decide."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import httpx
import pytest

from bot.services.catalogue import Catalogue
from bot.services.editing import EditingService, NotYours
from bot.services.entries import EntryService
from bot.services.timers import TimerService, TimerWatch
from bot.storage import Link, SlackUserKey
from bot.storage.deleted import DeletedEntryStore
from bot.storage.pending import PendingEntryStore
from bot.trackingtime import Event, TrackingTime

LINK = Link(SlackUserKey(None, "T", "U"), 7, 1, "Acme", "app-password-123", "Europe/Berlin")
NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def envelope(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"response": {"status": 200}, "data": data})


def entry_json(event_id: int) -> dict[str, Any]:
    return {
        "id": event_id,
        "start": "2026-11-26 09:00:00",
        "end": "2026-11-26 10:00:00",
        "duration": 3600,
        "timezone": "GMT+01:00",
        "task_id": 5,
        "task": "Standup",
    }


@pytest.mark.parametrize(("listed", "own"), [([41], True), ([40, 42], False), ([], False)])
async def test_an_entry_without_user_id_is_the_users_if_listed_as_theirs(
    listed: list[int], own: bool
) -> None:
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if request.url.path.endswith("/events/41"):
            return envelope(entry_json(41))  # no user_id
        assert request.url.path.endswith("/events")
        return envelope([entry_json(event_id) for event_id in listed])

    client = TrackingTime("https://tt.test/api/v4", transport=httpx.MockTransport(answer))
    entries = EntryService(client, Catalogue(client), cast(PendingEntryStore, None), lambda: NOW)
    timers = TimerService(client, Catalogue(client), cast(TimerWatch, None), lambda: NOW)
    editing = EditingService(client, entries, timers, cast(DeletedEntryStore, None), lambda: NOW)
    try:
        found = await editing.entry(LINK, 41)
    finally:
        await client.aclose()
    if own:
        assert isinstance(found, Event) and found.user_id == LINK.tt_user_id
    else:
        assert found == NotYours(41)
    listing = asked[1].url.params
    assert (listing["filter"], listing["id"]) == ("USER", "7")
    assert (listing["from"], listing["to"]) == ("2026-11-25", "2026-11-27")
