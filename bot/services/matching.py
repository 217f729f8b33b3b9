"""Which TrackingTime task a typed phrase means. Pure functions over the user's tasks.

A phrase such as ``design rev in website fixing header`` holds a task, maybe ``in <project>``, and
maybe trailing notes. Which words are which is settled against the user's own data:

* a task is matched by id (``123`` or ``#123``), then exact name, then case-insensitive name, then
  case-insensitive prefix, then a case-insensitive substring; fuzzy matches are only suggested;
* ``in`` splits task from project where the words after it name a project (task names may
  contain "in" themselves: "Log in page");
* when notes were not separated with ``:``, trailing words that match nothing become notes.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.commands import Token
from bot.digits import parse_id
from bot.trackingtime.models import Project, Task

MAX_CHOICES = 5


@dataclass(frozen=True)
class Match:
    """Exactly one task; start it."""

    task: Task
    notes: str


@dataclass(frozen=True)
class Choose:
    """Several tasks fit (or only fuzzily): let the user pick. ``total`` counts them all."""

    query: str
    tasks: tuple[Task, ...]
    total: int
    notes: str
    fuzzy: bool = False


@dataclass(frozen=True)
class NoMatch:
    """Nothing fits: offer to create ``task_name`` (in ``project_name`` when one was given;
    ``project`` is set when that project exists)."""

    task_name: str
    project_name: str | None
    project: Project | None
    notes: str


Resolution = Match | Choose | NoMatch


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _task_id(query: str) -> int | None:
    return parse_id(query.removeprefix("#"))


_Named = Task | Project
T = TypeVar("T", Task, Project)
_Tier = Callable[[str, _Named], bool]
_STRICT_TIERS: tuple[_Tier, ...] = (
    lambda q, item: item.name == q,
    lambda q, item: _fold(item.name) == _fold(q),
    lambda q, item: _fold(item.name).startswith(_fold(q)),
)
_LOOSE_TIER: _Tier = lambda q, item: _fold(q) in _fold(item.name)  # noqa: E731


def _by_tiers(query: str, items: Sequence[T], tiers: Sequence[_Tier]) -> list[T]:
    """The items of the first tier that matches anything."""
    if not query.strip():
        return []
    for tier in tiers:
        found = [item for item in items if tier(query, item)]
        if found:
            return found
    return []


def _phrase(tokens: Sequence[Token]) -> str:
    return " ".join(token.text for token in tokens)


def _match_with_notes(
    tokens: Sequence[Token], notes: str | None, items: Sequence[T]
) -> tuple[list[T], str, str]:
    """Match the whole phrase, or when ``notes`` is ``None`` its longest matching head, the
    rest becoming notes. The whole phrase may match loosely; a shortened one only strictly.
    Returns ``(matches, the words that matched, notes)``."""
    whole = _phrase(tokens)
    found = _by_tiers(whole, items, (*_STRICT_TIERS, _LOOSE_TIER))
    if found or notes is not None:
        return found, whole, notes or ""
    for length in range(len(tokens) - 1, 0, -1):
        head = _phrase(tokens[:length])
        found = _by_tiers(head, items, _STRICT_TIERS)
        if found:
            return found, head, _phrase(tokens[length:])
    return [], whole, ""


def _in_positions(tokens: Sequence[Token]) -> list[int]:
    """Where an unquoted ``in`` could split task from project, last first."""
    return [
        index
        for index in range(len(tokens) - 2, 0, -1)
        if not tokens[index].quoted and tokens[index].text.casefold() == "in"
    ]


def _choose(query: str, tasks: Sequence[Task], notes: str, fuzzy: bool = False) -> Resolution:
    if len(tasks) == 1 and not fuzzy:
        return Match(tasks[0], notes)
    ordered = sorted(tasks, key=lambda task: (len(task.name), _fold(task.label)))
    return Choose(query, tuple(ordered[:MAX_CHOICES]), len(ordered), notes, fuzzy)


def resolve_task(
    words: Sequence[Token], notes: str | None, tasks: Sequence[Task], projects: Sequence[Project]
) -> Resolution:
    """Settle which task ``words`` means among the user's active ``tasks``."""
    whole = _phrase(words)
    # A lone unquoted number is an id; a quoted one is a name.
    task_id = _task_id(whole) if len(words) == 1 and not words[0].quoted else None
    if task_id is not None:
        by_id = [task for task in tasks if task.id == task_id]
        if by_id:
            return Match(by_id[0], notes or "")

    # "<task> in <project> [notes]", trying the last "in" first.
    for split in _in_positions(words):
        task_words, project_words = words[:split], words[split + 1 :]
        found_projects, _, project_notes = _match_with_notes(project_words, notes, projects)
        if not found_projects:
            continue
        project_ids = {project.id for project in found_projects}
        in_projects = [task for task in tasks if task.project_id in project_ids]
        task_query = _phrase(task_words)
        found_tasks = _by_tiers(task_query, in_projects, (*_STRICT_TIERS, _LOOSE_TIER))
        if found_tasks:
            return _choose(task_query, found_tasks, project_notes)
        if len(found_projects) == 1:
            return NoMatch(task_query, found_projects[0].name, found_projects[0], project_notes)

    found, query, task_notes = _match_with_notes(words, notes, tasks)
    if found:
        return _choose(query, found, task_notes)

    suggestions = _fuzzy(whole, tasks)
    if suggestions:
        return _choose(whole, suggestions, notes or "", fuzzy=True)

    splits = _in_positions(words)
    if splits:
        task_words, project_words = words[: splits[0]], words[splits[0] + 1 :]
        return NoMatch(_phrase(task_words), _phrase(project_words), None, notes or "")
    return NoMatch(whole, None, None, notes or "")


def _fuzzy(query: str, tasks: Sequence[Task]) -> list[Task]:
    """Tasks whose name looks like ``query`` (typos), best first."""
    folded = _fold(query)
    scored = [
        (difflib.SequenceMatcher(None, folded, _fold(task.name)).ratio(), task) for task in tasks
    ]
    return [task for score, task in sorted(scored, key=lambda pair: -pair[0]) if score >= 0.75]
