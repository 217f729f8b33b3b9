"""Which task a typed phrase means: tiers, projects, notes, ambiguity, typos."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import Start, parse_command
from bot.services.matching import MAX_CHOICES, Choose, Match, NoMatch, resolve_task
from bot.trackingtime import Project, Task

PROJECTS = [Project(1, "Website"), Project(2, "Mobile app"), Project(3, "Internal")]
TASKS = [
    Task(10, "Design review", 1, "Website"),
    Task(11, "Design review", 2, "Mobile app"),
    Task(12, "Log in page", 1, "Website"),
    Task(13, "Standup", 3, "Internal"),
    Task(14, "Development", 1, "Website"),
    Task(15, "standup", None, None),
]


def resolve(text: str, tasks: list[Task] = TASKS, projects: list[Project] = PROJECTS):  # type: ignore[no-untyped-def]
    parsed = parse_command(f"start {text}")
    assert isinstance(parsed, Start)
    return resolve_task(parsed.words, parsed.notes, tasks, projects)


@pytest.mark.parametrize(
    ("text", "task_id", "notes"),
    [
        ("Design review in Website", 10, ""),
        ("design review in website", 10, ""),  # case-insensitive
        ("design rev in web", 10, ""),  # prefixes of both
        ("Standup", 13, ""),  # exact case wins over the case-insensitive twin
        ("Log in page", 12, ""),  # "in" inside a task name
        ('"Log in page" in Website', 12, ""),
        ("#14", 14, ""),
        ("14", 14, ""),
        ("review in mobile: with notes", 11, "with notes"),
        ("Design review in Website fixing the header", 10, "fixing the header"),
        ("Development refactoring auth", 14, "refactoring auth"),
        ("velopment", 14, ""),  # substring
    ],
)
def test_a_single_match_starts(text: str, task_id: int, notes: str) -> None:
    assert resolve(text) == Match(next(t for t in TASKS if t.id == task_id), notes)


def test_same_name_in_two_projects_asks_which() -> None:
    outcome = resolve("design review: notes")
    assert isinstance(outcome, Choose)
    assert {t.id for t in outcome.tasks} == {10, 11}
    assert outcome.notes == "notes" and not outcome.fuzzy and outcome.total == 2


def test_many_matches_are_capped_and_counted() -> None:
    tasks = [Task(100 + n, f"Meeting {n}", 1, "Website") for n in range(12)]
    outcome = resolve("meet", tasks)
    assert isinstance(outcome, Choose)
    assert len(outcome.tasks) == MAX_CHOICES and outcome.total == 12


def test_typos_are_only_suggested() -> None:
    outcome = resolve("Stadnup")
    assert isinstance(outcome, Choose) and outcome.fuzzy
    assert {t.name.casefold() for t in outcome.tasks} == {"standup"}


def test_unknown_task_in_a_known_project() -> None:
    outcome = resolve("Pricing in Website: draft")
    assert outcome == NoMatch("Pricing", "Website", PROJECTS[0], "draft")


def test_unknown_task_and_project() -> None:
    assert resolve("Pricing in Marketing") == NoMatch("Pricing", "Marketing", None, "")


def test_unknown_task_without_project() -> None:
    assert resolve("Quarterly taxes") == NoMatch("Quarterly taxes", None, None, "")


def test_an_id_that_is_no_task_is_looked_up_as_a_name() -> None:
    assert resolve("999") == NoMatch("999", None, None, "")


def test_a_quoted_number_is_a_name_not_an_id() -> None:
    tasks = [Task(7, "Sprint 7"), Task(8, "7")]
    assert resolve('"7"', tasks) == Match(tasks[1], "")
    assert resolve("7", tasks) == Match(tasks[0], "")


def test_no_tasks_at_all() -> None:
    assert resolve("anything", [], []) == NoMatch("anything", None, None, "")


names = st.text(min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)


@given(st.lists(names, max_size=8), st.text(max_size=60))
def test_resolving_never_raises(task_names: list[str], typed: str) -> None:
    tasks = [Task(i + 1, name, 1, "Website") for i, name in enumerate(task_names)]
    parsed = parse_command(f"start {typed}")
    if isinstance(parsed, Start):
        outcome = resolve_task(parsed.words, parsed.notes, tasks, PROJECTS)
        assert isinstance(outcome, Match | Choose | NoMatch)
        if isinstance(outcome, Choose):
            assert 1 <= len(outcome.tasks) == min(outcome.total, MAX_CHOICES)


@given(st.lists(names, min_size=1, max_size=8, unique_by=str.casefold), st.data())
def test_a_unique_exact_name_always_matches_that_task(
    task_names: list[str], data: st.DataObject
) -> None:
    tasks = [Task(i + 1, name, None, None) for i, name in enumerate(task_names)]
    chosen = data.draw(st.sampled_from(tasks))
    quoted = chosen.name.replace('"', "")
    if quoted != chosen.name or not quoted.strip():
        return
    parsed = parse_command(f'start "{chosen.name}"')
    assert isinstance(parsed, Start)
    assert resolve_task(parsed.words, parsed.notes, tasks, []) == Match(chosen, "")
