"""The Log-time form, which the Edit form shares its inputs with, and the options of its
project and task typeahead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.format import truncate
from bot.blocks.parts import context, option
from bot.trackingtime import Project, Task

NOTES_LIMIT = 3000
MAX_OPTIONS = 100


def _option(value: int, label: str) -> Option:
    return option(str(value), label)


def task_options(tasks: Sequence[Task]) -> list[dict[str, Any]]:
    """External-select options for tasks (``Task · Project``)."""
    return [_option(task.id, task.label).to_dict() for task in tasks[:MAX_OPTIONS]]


def project_options(projects: Sequence[Project]) -> list[dict[str, Any]]:
    return [_option(project.id, project.name).to_dict() for project in projects[:MAX_OPTIONS]]


def entry_inputs(
    day: date,
    *,
    task: Task | None = None,
    project: Project | None = None,
    start: time | None = None,
    end: time | None = None,
    how_long: str = "",
    notes: str = "",
) -> list[Block]:
    """The inputs of the Log-time and Edit forms (project, task, date, from, to, how long,
    notes), with what is given filled in. Both forms are read by the same code, by block id."""
    project_select = ExternalDataSelectElement(
        action_id=ids.LOG_PROJECT_INPUT[1],
        placeholder="Type to search projects",
        min_query_length=0,
        initial_option=_option(project.id, project.name) if project else None,
    )
    task_select = ExternalDataSelectElement(
        action_id=ids.LOG_TASK_INPUT[1],
        placeholder="Type to search tasks",
        min_query_length=0,
        initial_option=_option(task.id, task.label) if task else None,
    )
    return [
        InputBlock(
            block_id=ids.LOG_PROJECT_INPUT[0],
            label="Project",
            element=project_select,
            optional=True,
            hint="Pick a project to narrow the tasks; a project alone is logged on the project.",
        ),
        InputBlock(
            block_id=ids.LOG_TASK_INPUT[0], label="Task", element=task_select, optional=True
        ),
        InputBlock(
            block_id=ids.LOG_DATE_INPUT[0],
            label="Date",
            element=DatePickerElement(
                action_id=ids.LOG_DATE_INPUT[1], initial_date=day.isoformat()
            ),
        ),
        InputBlock(
            block_id=ids.LOG_START_INPUT[0],
            label="From",
            element=TimePickerElement(
                action_id=ids.LOG_START_INPUT[1],
                placeholder="Start",
                initial_time=f"{start:%H:%M}" if start else None,
            ),
            optional=True,
        ),
        InputBlock(
            block_id=ids.LOG_END_INPUT[0],
            label="To",
            element=TimePickerElement(
                action_id=ids.LOG_END_INPUT[1],
                placeholder="End",
                initial_time=f"{end:%H:%M}" if end else None,
            ),
            optional=True,
        ),
        InputBlock(
            block_id=ids.LOG_DURATION_INPUT[0],
            label="Or how long",
            element=PlainTextInputElement(
                action_id=ids.LOG_DURATION_INPUT[1],
                placeholder="1h30m, 90m, 1.5h or 1:30",
                initial_value=how_long or None,
            ),
            optional=True,
            hint="Give From and To, or how long (with only From, it starts then).",
        ),
        InputBlock(
            block_id=ids.LOG_NOTES_INPUT[0],
            label="Notes",
            element=PlainTextInputElement(
                action_id=ids.LOG_NOTES_INPUT[1],
                multiline=True,
                max_length=NOTES_LIMIT,
                initial_value=truncate(notes, NOTES_LIMIT) or None,
            ),
            optional=True,
        ),
    ]


def log_modal(
    today: date,
    *,
    notes: str = "",
    task: Task | None = None,
    metadata: str = "",
    note: str | None = None,
    span: tuple[time, time] | None = None,
) -> View:
    """The Log-time modal for ``today`` (the day it shows). ``task`` preselects a task; ``span``
    fills in From and To (an untracked stretch's *Log this*); ``note`` is a line of context
    under the title (e.g. which message the time is for)."""
    blocks: list[Block] = [context(note)] if note else []
    start, end = span or (None, None)
    # Only the task is preselected: a preselected project would narrow the task typeahead.
    blocks += entry_inputs(today, task=task, notes=notes, start=start, end=end)
    return View(
        type="modal",
        callback_id=ids.LOG_VIEW,
        title="Log time",
        submit="Log",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata or None,
    )
