"""Each linked user's TrackingTime projects and tasks, cached briefly.

Typeahead in the Log-time modal asks for options on every keystroke and must be answered within
Slack's 3 s; matching a typed task name needs the same lists. One short-lived cache serves both,
and concurrent requests for the same user share one fetch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.storage import Link
from bot.trackingtime import Project, Task, TrackingTime

CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class Lists:
    tasks: tuple[Task, ...]
    projects: tuple[Project, ...]


class Catalogue:
    def __init__(
        self,
        trackingtime: TrackingTime,
        ttl: float = CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._trackingtime = trackingtime
        self._ttl = ttl
        self._monotonic = monotonic
        self._cached: dict[tuple[int, int], tuple[float, Lists]] = {}
        self._pending: dict[tuple[int, int], asyncio.Task[Lists]] = {}

    @staticmethod
    def _key(link: Link) -> tuple[int, int]:
        return link.account_id, link.tt_user_id

    async def lists(self, link: Link) -> Lists:
        """The user's active tasks and projects, at most ``ttl`` seconds old."""
        key = self._key(link)
        cached = self._cached.get(key)
        if cached and self._monotonic() - cached[0] < self._ttl:
            return cached[1]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(link))
            self._pending[key] = pending
            pending.add_done_callback(lambda done: self._finished(key, done))
        # shield: a caller that gives up waiting (options have a deadline) leaves the fetch
        # running, so the next keystroke finds the cache warm.
        return await asyncio.shield(pending)

    def _finished(self, key: tuple[int, int], done: asyncio.Task[Lists]) -> None:
        if self._pending.get(key) is done:
            del self._pending[key]

    async def _fetch(self, link: Link) -> Lists:
        session = self._trackingtime.session(link.app_password, link.account_id, link.time_zone)
        tasks, projects = await asyncio.gather(session.tasks(), session.projects())
        lists = Lists(tuple(tasks), tuple(projects))
        key = self._key(link)
        if self._pending.get(key) is asyncio.current_task():  # not forgotten meanwhile
            self._cached[key] = (self._monotonic(), lists)
        return lists

    def forget(self, link: Link) -> None:
        """Drop the user's lists (after creating a task or project)."""
        key = self._key(link)
        self._cached.pop(key, None)
        # A fetch under way may have been answered before the change: it must neither be
        # joined nor cached, so the next call fetches anew.
        self._pending.pop(key, None)

    def peek(self, link: Link) -> Lists | None:
        """The cached lists, however old, without fetching."""
        cached = self._cached.get(self._key(link))
        return cached[1] if cached else None


def search_projects(projects: Sequence[Project], query: str, limit: int = 100) -> list[Project]:
    """Projects whose name starts with, then contains, ``query`` (all when it is empty)."""
    return _search(projects, query, lambda p: p.name, limit)


def search_tasks(
    tasks: Sequence[Task], query: str, project_id: int | None = None, limit: int = 100
) -> list[Task]:
    """Tasks matching ``query`` by name or project, within one project when given."""
    pool = [t for t in tasks if project_id is None or t.project_id == project_id]
    return _search(pool, query, lambda t: t.label, limit)


T = TypeVar("T", Task, Project)


def _search(items: Sequence[T], query: str, name: Callable[[T], str], limit: int) -> list[T]:
    folded = " ".join(query.split()).casefold()
    ordered = sorted(items, key=lambda item: name(item).casefold())
    starts = [item for item in ordered if name(item).casefold().startswith(folded)]
    # Not ``item not in starts``: that is quadratic, seconds for a few thousand tasks.
    contains = [
        item
        for item in ordered
        if folded in name(item).casefold() and not name(item).casefold().startswith(folded)
    ]
    return (starts + contains)[:limit]
