"""Every Block Kit builder produces what Slack accepts, for any input.

Three independent checks, because each misses things the others catch:

* ``slack_sdk.models`` (``to_dict()`` / ``validate_json()``): lengths and counts;
* the JSON Schemas generated from ``@slack/types`` (vendored in ``tests/reference/slack``):
  structure, unknown keys, misspelled types;
* a round trip through ``slack_sdk`` parsing, which silently drops element types it does not
  know, plus the limits neither of the above checks (unique action ids, non-empty texts, ...).

The checks are first shown to accept Slack's own example views and to reject broken payloads.
"""

from __future__ import annotations

import inspect
import json
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.protocols import Validator
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks import ids, messages, views
from bot.blocks.format import (
    clock_time,
    duration,
    escape,
    names_mrkdwn,
    notes_mrkdwn,
    task_mrkdwn,
    truncate,
)
from bot.blocks.message import Message
from bot.blocks.messages import (
    busy_command_text,
    choose_task_message,
    create_task_value,
    disconnected_message,
    failure,
    help_message,
    invalid_input,
    no_match_message,
    not_linked,
    nothing_running_message,
    parse_create_task_value,
    parse_start_task_value,
    start_task_value,
    started_message,
    status_message,
    stopped_message,
)
from bot.blocks.views import (
    MAX_SELECT_OPTIONS,
    checking_modal,
    connect_modal,
    connected_modal,
    failure_modal,
    loading_modal,
    picker_after_connect,
    picker_to_switch,
    single_workspace_modal,
    workspace_chosen_modal,
    workspace_metadata,
    workspace_modal,
    workspaces_from_metadata,
)
from bot.commands import START_EXAMPLE, SUBCOMMANDS, Unknown
from bot.services.matching import MAX_CHOICES, Choose, NoMatch
from bot.services.timers import MAX_RECENT_TASKS, NothingRunning, Started, Stopped, TimerStatus
from bot.trackingtime import Project, RunningTimer, Task, TrackingTimeError, Workspace
from tests.support.paths import SLACK_REFERENCE

BLOCKKIT_SCHEMAS = SLACK_REFERENCE / "blockkit-schema"
VIEW_FIXTURES = SLACK_REFERENCE / "view-fixtures" / "tests"

# Slack's limits (https://docs.slack.dev/reference/block-kit).
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OVERFLOW_OPTIONS = 5
MAX_VIEW_BUTTON_TEXT = 24  # a modal's title, submit and close
MAX_PRIVATE_METADATA = 3000
MAX_ID = 255  # action_id, block_id, callback_id

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = (BERLIN, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12"))
NOW = datetime(2025, 3, 14, 15, 30, tzinfo=UTC)
DESIGN = Task(101, "Design review", 7, "Website")
INBOX = Task(102, "Inbox zero")
LOGIN = Task(103, "Log in page", 7, "Website")
WEBSITE = Project(7, "Website")
# User text that would be a broadcast mention and a link if it reached mrkdwn unescaped.
HOSTILE = "<!here> & <https://evil.example|click> *bold*"
HOSTILE_ESCAPED = "&lt;!here&gt; &amp; &lt;https://evil.example|click&gt; *bold*"

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- The checks ------------------------------------------------------------------------------


@cache
def _schema_validator(name: str, definition: str | None = None) -> Validator:
    """The schema file ``name``; with ``definition``, only that part of it (a view's own type:
    checking a modal against the whole ``View`` tries it as a Home tab first, twice the work)."""
    schema = json.loads((BLOCKKIT_SCHEMAS / f"slack-types-3.2.0.{name}.schema.json").read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    if definition is not None:
        schema = {**schema, "$ref": f"#/definitions/{definition}"}
    return validator_class(schema)


VIEW_DEFINITIONS = {"modal": "ModalView", "home": "HomeView"}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``node``, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of a block: its elements, accessory or input element."""
    found = [e for e in block.get("elements", []) if e.get("type") not in ("mrkdwn", "plain_text")]
    found += [block[key] for key in ("accessory", "element") if key in block]
    return found


def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """The limits neither slack_sdk nor the schema check (or that we want said plainly)."""
    problems: list[str] = []
    for index, block in enumerate(blocks):
        kind = block.get("type")
        where = f"block {index} ({kind})"
        if len(block.get("block_id", "")) > MAX_ID:
            problems.append(f"{where}: block_id too long")
        if kind == "section" and len(block.get("text", {}).get("text", "")) > MAX_SECTION_TEXT:
            problems.append(f"{where}: text over {MAX_SECTION_TEXT}")
        if kind == "header" and len(block["text"]["text"]) > MAX_HEADER_TEXT:
            problems.append(f"{where}: text over {MAX_HEADER_TEXT}")
        if kind == "context" and len(block["elements"]) > MAX_CONTEXT_ELEMENTS:
            problems.append(f"{where}: over {MAX_CONTEXT_ELEMENTS} elements")
        if kind == "actions" and not 0 < len(block["elements"]) <= MAX_ACTIONS_ELEMENTS:
            problems.append(f"{where}: needs 1 to {MAX_ACTIONS_ELEMENTS} elements")
        action_ids = [e["action_id"] for e in _elements(block) if "action_id" in e]
        if len(action_ids) != len(set(action_ids)):
            problems.append(f"{where}: action ids repeat: {action_ids}")
        for element in _elements(block):
            if len(element.get("action_id", "")) > MAX_ID:
                problems.append(f"{where}: action_id too long")
            if element.get("type") == "button":
                if len(element["text"]["text"]) > MAX_BUTTON_TEXT:
                    problems.append(f"{where}: button text over {MAX_BUTTON_TEXT}")
                if len(element.get("value", "")) > MAX_BUTTON_VALUE:
                    problems.append(f"{where}: button value over {MAX_BUTTON_VALUE}")
            for option in element.get("options", []):
                if len(option["text"]["text"]) > MAX_OPTION_TEXT:
                    problems.append(f"{where}: option text over {MAX_OPTION_TEXT}")
                if len(option.get("value", "")) > MAX_OPTION_VALUE:
                    problems.append(f"{where}: option value over {MAX_OPTION_VALUE}")
            if element.get("type") == "overflow":
                if not 0 < len(element["options"]) <= MAX_OVERFLOW_OPTIONS:
                    problems.append(f"{where}: an overflow takes 1 to {MAX_OVERFLOW_OPTIONS}")
                values = [option["value"] for option in element["options"]]
                if len(values) != len(set(values)):
                    problems.append(f"{where}: overflow option values repeat")

        for text in _walk(block):
            if text.get("type") in ("plain_text", "mrkdwn") and not text.get("text"):
                problems.append(f"{where}: empty text object")
    return problems


def round_trips(blocks: list[dict[str, Any]]) -> bool:
    """slack_sdk reads the blocks back unchanged (it silently drops element types it lacks)."""
    return [block.to_dict() for block in Block.parse_all(blocks)] == blocks


def check_message_payload(payload: dict[str, Any]) -> None:
    text, blocks = payload.get("text"), payload["blocks"]
    assert isinstance(text, str) and text.strip(), "the fallback text must not be empty"
    assert 0 < len(blocks) <= MAX_MESSAGE_BLOCKS, f"{len(blocks)} blocks"
    _schema_validator("KnownBlocks").validate(blocks)
    assert round_trips(blocks), "slack_sdk does not read the blocks back unchanged"
    assert block_problems(blocks) == []


def check_message(message: Message) -> dict[str, Any]:
    """``message`` as Slack takes it, checked every way we can; fails the test otherwise."""
    payload = message.to_dict()  # slack_sdk's validation: raises SlackObjectFormationError
    check_message_payload(payload)
    return payload


def _plain(text: dict[str, Any] | None) -> str:
    return "" if text is None else str(text["text"])


def check_view_payload(payload: dict[str, Any]) -> None:
    parsed = View(**payload)
    parsed.validate_json()
    assert parsed.to_dict() == payload, "slack_sdk does not read the view back unchanged"
    _schema_validator("View", VIEW_DEFINITIONS.get(payload["type"])).validate(payload)
    blocks = payload["blocks"]
    assert len(blocks) <= MAX_VIEW_BLOCKS
    assert len(payload.get("private_metadata", "")) <= MAX_PRIVATE_METADATA
    assert len(payload.get("callback_id", "")) <= MAX_ID
    if payload["type"] == "modal":
        assert 0 < len(_plain(payload["title"])) <= MAX_VIEW_BUTTON_TEXT
        assert len(_plain(payload.get("submit"))) <= MAX_VIEW_BUTTON_TEXT
        assert len(_plain(payload.get("close"))) <= MAX_VIEW_BUTTON_TEXT
        if any(block["type"] == "input" for block in blocks):
            assert "submit" in payload, "a modal with inputs needs a submit button"
    assert block_problems(blocks) == []


def check_view(view: View) -> dict[str, Any]:
    """``view`` as Slack takes it, checked every way we can; fails the test otherwise."""
    view.validate_json()
    payload = view.to_dict()
    check_view_payload(payload)
    return payload


# --- What is in a checked payload ------------------------------------------------------------

# The only angle-bracket markup the builders write themselves: Slack dates, and the placeholders
# of the usage examples. Anything else would be user text that was not escaped, or a date cut in
# half by truncation.
APP_MARKUP = re.compile(r"<!date\^-?\d+\^\{time\}\|\d\d:\d\d>")


def mrkdwn_texts(payload: dict[str, Any]) -> list[str]:
    return [node["text"] for node in _walk(payload["blocks"]) if node.get("type") == "mrkdwn"]


def all_text(payload: dict[str, Any]) -> str:
    texts = [
        n["text"] for n in _walk(payload["blocks"]) if n.get("type") in ("mrkdwn", "plain_text")
    ]
    return "\n".join(texts)


def assert_no_stray_markup(payload: dict[str, Any]) -> None:
    for text in mrkdwn_texts(payload):
        rest = APP_MARKUP.sub("", text)
        assert "<" not in rest and ">" not in rest, text


def blocks_of(payload: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [block for block in payload["blocks"] if block["type"] == kind]


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in _walk(payload["blocks"]) if node.get("type") == "button"]


def start_buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in buttons(payload) if ids.START_TASK_PATTERN.match(b["action_id"])]


# --- The checks accept real views and reject broken ones -------------------------------------

# Keys Slack adds to the views it returns; an app never sends them.
SERVER_KEYS = {"id", "team_id", "app_id", "bot_id", "hash", "state", "root_view_id"}
SERVER_KEYS |= {"previous_view_id", "app_installed_team_id"}
FIXTURES = sorted(VIEW_FIXTURES.rglob("view_*.json"))
# @slack/types types an option's description as plain_text only; these two use mrkdwn there.
SCHEMA_STRICTER = {"view_home_001.json", "view_home_005.json"}


def test_the_view_fixtures_are_there() -> None:
    names = {path.name for path in FIXTURES}
    assert any(name.startswith("view_modal_") for name in names)
    assert any(name.startswith("view_home_") for name in names)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            id=path.name,
            marks=[pytest.mark.xfail(raises=jsonschema.ValidationError, strict=True)]
            if path.name in SCHEMA_STRICTER
            else [],
        )
        for path in FIXTURES
    ],
)
def test_the_view_check_accepts_slacks_example_views(path: Path) -> None:
    view = {k: v for k, v in json.loads(path.read_text()).items() if k not in SERVER_KEYS}
    if view["type"] == "home":  # Slack reports these modal-only keys on Home tabs too
        view = {k: v for k, v in view.items() if k not in ("clear_on_close", "notify_on_close")}
    check_view_payload(view)


def _message(*blocks: dict[str, Any], text: str = "Hello") -> dict[str, Any]:
    return {"text": text, "blocks": list(blocks)}


def _button_json(action_id: str = "go", text: str = "Go", value: str = "1") -> dict[str, Any]:
    plain = {"type": "plain_text", "text": text}
    return {"type": "button", "text": plain, "action_id": action_id, "value": value}


def _overflow_json(count: int, value: str | None = None) -> dict[str, Any]:
    options = [
        {"text": {"type": "plain_text", "text": f"Option {n}"}, "value": value or f"v{n}"}
        for n in range(count)
    ]
    return {"type": "overflow", "action_id": "menu", "options": options}


def _confirm_json(text_length: int) -> dict[str, Any]:
    def plain(text: str) -> dict[str, str]:
        return {"type": "plain_text", "text": text}

    return {
        "title": plain("Sure?"),
        "text": plain("x" * text_length),
        "confirm": plain("Yes"),
        "deny": plain("No"),
    }


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}
GOOD_MESSAGE = _message(
    {**SECTION, "accessory": _overflow_json(4)},
    {"type": "actions", "elements": [{**_button_json(), "confirm": _confirm_json(300)}]},
)


def test_the_message_check_accepts_a_good_message() -> None:
    check_message_payload(GOOD_MESSAGE)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        pytest.param(_message(SECTION, text=""), AssertionError, id="empty fallback"),
        pytest.param(_message(*[SECTION] * 51), AssertionError, id="51 blocks"),
        pytest.param(
            _message({**SECTION, "type": "sectoin"}), jsonschema.ValidationError, id="type"
        ),
        pytest.param(
            _message({**SECTION, "txt": SECTION["text"]}), jsonschema.ValidationError, id="key"
        ),
        pytest.param(
            _message({"type": "actions", "elements": [{**_button_json(), "type": "buton"}]}),
            jsonschema.ValidationError,
            id="element type",
        ),
        pytest.param(
            _message({"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}),
            SlackObjectFormationError,
            id="section text 3001",
        ),
        pytest.param(
            _message({"type": "actions", "elements": [_button_json(text="x" * 76)]}),
            SlackObjectFormationError,
            id="button text 76",
        ),
        pytest.param(
            _message({"type": "actions", "elements": [_button_json(value="x" * 2001)]}),
            SlackObjectFormationError,
            id="button value 2001",
        ),
        pytest.param(
            _message({"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}),
            SlackObjectFormationError,
            id="header 151",
        ),
        pytest.param(
            _message({"type": "context", "elements": [SECTION["text"]] * 11}),
            SlackObjectFormationError,
            id="context 11",
        ),
        pytest.param(
            _message({"type": "actions", "elements": [_button_json(), _button_json()]}),
            AssertionError,
            id="repeated action id",
        ),
        pytest.param(
            _message({"type": "actions", "elements": []}), AssertionError, id="no elements"
        ),
        pytest.param(
            _message({**SECTION, "accessory": _overflow_json(6)}),
            SlackObjectFormationError,
            id="overflow of 6",
        ),
        pytest.param(
            _message({**SECTION, "accessory": _overflow_json(2, value="x" * 151)}),
            AssertionError,
            id="option value 151",
        ),
        pytest.param(
            _message({**SECTION, "accessory": _overflow_json(2, value="same")}),
            AssertionError,
            id="repeated option value",
        ),
        pytest.param(
            _message({**SECTION, "accessory": {**_button_json(), "confirm": _confirm_json(301)}}),
            SlackObjectFormationError,
            id="confirm text 301",
        ),
        pytest.param(
            _message({"type": "section", "text": {"type": "mrkdwn", "text": ""}}),
            AssertionError,
            id="empty text",
        ),
    ],
)
def test_the_message_check_rejects_broken_messages(
    payload: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        check_message_payload(payload)


def test_the_round_trip_catches_what_slack_sdk_drops() -> None:
    assert round_trips(GOOD_MESSAGE["blocks"])
    assert not round_trips([{"type": "actions", "elements": [{**_button_json(), "type": "x"}]}])


def test_message_to_dict_validates() -> None:
    too_long = SectionBlock(text=MarkdownTextObject(text="x" * 3001))
    with pytest.raises(SlackObjectFormationError):
        Message("Hello", (too_long,)).to_dict()
    with pytest.raises(ValueError):
        Message("Hello", tuple(SectionBlock(text="x") for _ in range(51))).to_dict()


def _modal_json(**changes: Any) -> dict[str, Any]:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Hello"}, "blocks": [SECTION]}
    return {**modal, **changes}


INPUT = {
    "type": "input",
    "label": {"type": "plain_text", "text": "Name"},
    "element": {"type": "plain_text_input", "action_id": "name"},
}


def test_the_view_check_accepts_a_good_modal() -> None:
    check_view_payload(_modal_json(blocks=[INPUT], submit={"type": "plain_text", "text": "Go"}))


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        pytest.param(
            _modal_json(title={"type": "plain_text", "text": "x" * 25}),
            SlackObjectFormationError,
            id="title 25",
        ),
        pytest.param(
            _modal_json(close={"type": "plain_text", "text": "x" * 25}),
            SlackObjectFormationError,
            id="close 25",
        ),
        pytest.param(
            _modal_json(private_metadata="x" * 3001), SlackObjectFormationError, id="metadata"
        ),
        pytest.param(_modal_json(blocks=[SECTION] * 101), SlackObjectFormationError, id="101"),
        pytest.param(_modal_json(titel="Hello"), AssertionError, id="unknown key"),
        pytest.param(_modal_json(type="modall"), SlackObjectFormationError, id="type"),
        pytest.param(
            _modal_json(blocks=[{"type": "header", "text": SECTION["text"]}]),
            jsonschema.ValidationError,
            id="mrkdwn header",  # slack_sdk lets this through
        ),
        pytest.param(
            _modal_json(blocks=[{"type": "context", "elements": [_button_json()]}]),
            jsonschema.ValidationError,
            id="button in context",  # slack_sdk lets this through
        ),
        pytest.param(_modal_json(blocks=[{**SECTION, "txt": "Hi"}]), AssertionError, id="key"),
        pytest.param(_modal_json(blocks=[INPUT]), AssertionError, id="input without submit"),
        pytest.param(
            _modal_json(
                blocks=[{**INPUT, "element": {**INPUT["element"], "type": "plain_text_inptu"}}],
                submit={"type": "plain_text", "text": "Go"},
            ),
            AssertionError,
            id="element type",
        ),
    ],
)
def test_the_view_check_rejects_broken_views(
    payload: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        check_view_payload(payload)


# --- Formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(0), "<1m"),
        (timedelta(seconds=59, microseconds=999_999), "<1m"),
        (timedelta(seconds=-300), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=45), "45m"),
        (timedelta(minutes=59, seconds=59), "59m"),
        (timedelta(hours=1), "1h 00m"),
        (timedelta(hours=1, minutes=1), "1h 01m"),
        (timedelta(hours=2, minutes=5, seconds=30), "2h 05m"),
        (timedelta(hours=24), "24h 00m"),
        (timedelta(weeks=2, minutes=3), "336h 03m"),
    ],
)
def test_duration_reads_like_people_write_it(span: timedelta, expected: str) -> None:
    assert duration(span) == expected


@FAST
@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(weeks=8)))
def test_duration_is_the_whole_minutes(span: timedelta) -> None:
    text = duration(span)
    minutes = int(span.total_seconds() // 60)
    if minutes == 0:
        assert text == "<1m"
    elif minutes < 60:
        assert text == f"{minutes}m"
    else:
        match = re.fullmatch(r"([1-9]\d*)h ([0-5]\d)m", text)
        assert match is not None, text
        assert int(match[1]) * 60 + int(match[2]) == minutes


@pytest.mark.parametrize(
    ("zone", "fallback"),
    [(BERLIN, "16:30"), (ZONES[1], "05:30"), (ZONES[2], "03:30"), (UTC, "15:30")],
)
def test_clock_time_is_a_slack_date_with_a_local_fallback(zone: tzinfo, fallback: str) -> None:
    assert clock_time(NOW, zone) == f"<!date^1741966200^{{time}}|{fallback}>"


def _moments() -> st.SearchStrategy[datetime]:
    return st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, *ZONES]),
    )


@FAST
@given(_moments(), st.sampled_from(ZONES))
def test_clock_time_names_the_same_minute_everywhere(at: datetime, zone: tzinfo) -> None:
    match = re.fullmatch(r"<!date\^(\d+)\^\{time\}\|(\d\d):(\d\d)>", clock_time(at, zone))
    assert match is not None
    local = datetime.fromtimestamp(int(match[1]), zone)
    assert (local.hour, local.minute) == (int(match[2]), int(match[3]))
    assert abs(int(match[1]) - at.timestamp()) < 1


def test_escape_the_three_control_characters() -> None:
    assert escape("a < b > c & d") == "a &lt; b &gt; c &amp; d"
    assert escape("&lt;") == "&amp;lt;"  # typed literally, shown literally
    assert escape(HOSTILE) == HOSTILE_ESCAPED


def test_truncate() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("x" * 10, 10) == "x" * 10
    assert truncate("x" * 11, 10) == "x" * 9 + "…"
    assert truncate("abc     defgh", 8) == "abc…"


def test_names_mrkdwn() -> None:
    assert names_mrkdwn("Design review", "Website") == "*Design review* · Website"
    assert names_mrkdwn(None, "Internal") == "*Internal*"  # an entry on a project itself
    assert names_mrkdwn(None, None) == "*No task*"
    assert names_mrkdwn("<a>", "b&c", bold=False) == "&lt;a&gt; · b&amp;c"
    long = names_mrkdwn("t" * 300, "p" * 300, limits=(120, 80), bold=False)
    assert long == "t" * 119 + "… · " + "p" * 79 + "…"


def test_task_mrkdwn() -> None:
    assert task_mrkdwn(DESIGN) == "*Design review* · Website"
    assert task_mrkdwn(INBOX) == "*Inbox zero*"
    assert task_mrkdwn(Task(1, "A", None, "")) == "*A*"
    assert task_mrkdwn(Task(1, "<a>", None, "b&c")) == "*&lt;a&gt;* · b&amp;c"


# --- Messages, branch by branch --------------------------------------------------------------


def _running(task: Task = DESIGN, minutes: int = 125, notes: str = "") -> RunningTimer:
    return RunningTimer(task, 9001, NOW - timedelta(minutes=minutes), notes)


def test_not_linked() -> None:
    payload = check_message(not_linked())
    (button,) = buttons(payload)
    assert (button["action_id"], button["style"]) == (ids.OPEN_CONNECT, "primary")


def test_help_message() -> None:
    payload = check_message(help_message())
    assert blocks_of(payload, "header")
    for command in ("/track start", "/track stop", "/track connect", "/track disconnect"):
        assert command in all_text(payload)
    assert "I don't know" not in all_text(payload)


@pytest.mark.parametrize("suggestion", ["start", None])
def test_help_message_for_an_unknown_word(suggestion: str | None) -> None:
    payload = check_message(help_message(Unknown(HOSTILE, suggestion)))
    lead = payload["blocks"][0]["text"]["text"]
    assert HOSTILE_ESCAPED in lead
    assert ("Did you mean `/track start`?" in lead) == (suggestion is not None)
    assert_no_stray_markup(payload)


def test_invalid_input() -> None:
    problem = f"`stop` takes nothing after it, but I got “{HOSTILE}”."
    payload = check_message(invalid_input(problem, "/track stop"))
    assert HOSTILE_ESCAPED in payload["blocks"][0]["text"]["text"]
    assert "Example: `/track stop`" in all_text(payload)
    assert payload["text"].startswith("`stop` takes nothing")
    assert_no_stray_markup(payload)


def _error_messages() -> list[str]:
    found: list[str] = []
    pending: list[type[TrackingTimeError]] = [TrackingTimeError]
    while pending:
        error = pending.pop()
        found.append(error.default_message)
        pending += error.__subclasses__()
    return found


@pytest.mark.parametrize("reconnect", [True, False])
@pytest.mark.parametrize("text", _error_messages())
def test_failure(text: str, reconnect: bool) -> None:
    payload = check_message(failure(text, reconnect=reconnect))
    assert payload["text"] == text
    assert text in payload["blocks"][0]["text"]["text"]
    actions = [b["action_id"] for b in buttons(payload)]
    assert actions == ([ids.OPEN_CONNECT] if reconnect else [])


@pytest.mark.parametrize("notes", ["", f"header fixes {HOSTILE}"])
@pytest.mark.parametrize("recent", [(), (INBOX, LOGIN)])
def test_status_message_while_running(notes: str, recent: tuple[Task, ...]) -> None:
    status = TimerStatus(NOW, _running(notes=notes), timedelta(hours=3, minutes=7), recent)
    payload = check_message(status_message(status, BERLIN))
    section = payload["blocks"][0]
    started = int((NOW - timedelta(minutes=125)).timestamp())
    assert section["text"]["text"] == (
        f":stopwatch: *Design review* · Website\nRunning for *2h 05m* (since "
        f"<!date^{started}^{{time}}|14:25>)"
        + (f"\n_header fixes {HOSTILE_ESCAPED}_" if notes else "")
    )
    assert section["accessory"]["action_id"] == ids.STOP_TIMER
    assert payload["text"] == "Running: Design review · Website for 2h 05m. Today: 3h 07m"
    assert "Today: *3h 07m* tracked" in all_text(payload)
    starts = start_buttons(payload)
    assert [b["text"]["text"] for b in starts] == [f"Switch to {t.label}" for t in recent]
    assert [parse_start_task_value(b["value"]) for b in starts] == [(t.id, "") for t in recent]
    assert [b["action_id"] for b in starts] == [f"{ids.START_TASK}:{i}" for i in range(len(recent))]
    assert_no_stray_markup(payload)


@pytest.mark.parametrize("recent", [(), (DESIGN, INBOX, LOGIN)])
def test_status_message_when_idle(recent: tuple[Task, ...]) -> None:
    payload = check_message(status_message(TimerStatus(NOW, None, timedelta(0), recent), BERLIN))
    assert ":zzz: No timer is running." in all_text(payload)
    assert payload["text"] == "No timer is running. Today: <1m"
    assert not [b for b in buttons(payload) if b["action_id"] == ids.STOP_TIMER]
    starts = start_buttons(payload)
    assert [b["text"]["text"] for b in starts] == [f"Start {t.label}" for t in recent]
    assert ("Start a timer with" in all_text(payload)) == (not recent)


@pytest.mark.parametrize("previous", [None, _running(INBOX, minutes=45)])
@pytest.mark.parametrize("notes", ["", HOSTILE])
def test_started_message(previous: RunningTimer | None, notes: str) -> None:
    timer = RunningTimer(DESIGN, 9002, NOW, notes)
    payload = check_message(started_message(Started(timer, previous, NOW), ZONES[1]))
    section = payload["blocks"][0]
    assert section["text"]["text"].startswith(
        ":arrow_forward: Started *Design review* · Website at <!date^1741966200^{time}|05:30>"
    )
    assert (HOSTILE_ESCAPED in section["text"]["text"]) == bool(notes)
    assert section["accessory"]["action_id"] == ids.STOP_TIMER
    assert payload["text"] == "Started Design review · Website"
    contexts = blocks_of(payload, "context")
    if previous is None:
        assert contexts == []
    else:
        assert contexts[0]["elements"][0]["text"] == "Stopped *Inbox zero* after *45m*"
    assert_no_stray_markup(payload)


@pytest.mark.parametrize(
    ("notes", "shown"),
    [
        ("one line", "_one line_"),
        ("hero\nthen the footer", "_hero_\n_then the footer_"),
        ("  spaced \n\n\n  out ", "_spaced_\n_out_"),
        ("<b> & *x*", "_&lt;b&gt; &amp; *x*_"),
        ("x" * 600, "_" + "x" * 499 + "…_"),
    ],
)
def test_notes_are_italic_line_by_line(notes: str, shown: str) -> None:
    assert notes_mrkdwn(notes, 500) == shown


def test_stopped_message() -> None:
    stopped = Stopped(DESIGN, timedelta(minutes=95), timedelta(hours=6), NOW, "hero section")
    payload = check_message(stopped_message(stopped))
    section = payload["blocks"][0]
    assert section["text"]["text"] == (
        ":white_check_mark: Stopped *Design review* · Website: *1h 35m* tracked"
    )
    # Continue: this task again, with the notes the timer had.
    continue_ = section["accessory"]
    assert (continue_["action_id"], continue_["text"]["text"]) == (
        f"{ids.START_TASK}:0",
        "Continue",
    )
    assert parse_start_task_value(continue_["value"]) == (DESIGN.id, "hero section")
    assert payload["text"] == "Stopped Design review · Website: 1h 35m"
    assert "Today: *6h 00m* tracked" in all_text(payload)


@pytest.mark.parametrize("nothing", [None, NothingRunning(), NothingRunning(timedelta(hours=1))])
def test_nothing_running_message(nothing: NothingRunning | None) -> None:
    payload = check_message(nothing_running_message(nothing))
    assert buttons(payload) == []
    assert "nothing to stop" in payload["text"]


@pytest.mark.parametrize("fuzzy", [False, True])
@pytest.mark.parametrize("total", [2, 7])
def test_choose_task_message(fuzzy: bool, total: int) -> None:
    choose = Choose(f"design {HOSTILE}", (DESIGN, LOGIN), total, "notes", fuzzy)
    payload = check_message(choose_task_message(choose))
    lead = payload["blocks"][0]["text"]["text"]
    assert f"“design {HOSTILE_ESCAPED}”" in lead
    assert ("Did you mean" in lead) == fuzzy
    assert (f"{total} tasks match" in lead) == (not fuzzy)
    starts = start_buttons(payload)
    assert [b["text"]["text"] for b in starts] == [DESIGN.label, LOGIN.label]
    assert [parse_start_task_value(b["value"]) for b in starts] == [
        (DESIGN.id, "notes"),
        (LOGIN.id, "notes"),
    ]
    assert ("Showing 2 of 7" in all_text(payload)) == (total == 7)
    assert_no_stray_markup(payload)


@pytest.mark.parametrize(
    ("project_name", "project", "label", "lead_end"),
    [
        ("Website", WEBSITE, "Create “Homepage” and start", "” in *Website*."),
        ("Websyte", None, "Create both and start", "That project doesn't exist either."),
        (None, None, "Create “Homepage” and start", "“Homepage”."),
    ],
)
def test_no_match_message(
    project_name: str | None, project: Project | None, label: str, lead_end: str
) -> None:
    payload = check_message(no_match_message(NoMatch("Homepage", project_name, project, "n")))
    assert payload["blocks"][0]["text"]["text"].endswith(lead_end)
    (button,) = buttons(payload)
    assert (button["text"]["text"], button["action_id"]) == (label, ids.CREATE_AND_START)
    assert parse_create_task_value(button["value"]) == ("Homepage", project_name, "n")
    assert payload["text"] == "No task called “Homepage”"


def test_no_match_message_escapes_names() -> None:
    payload = check_message(no_match_message(NoMatch(HOSTILE, HOSTILE, None, HOSTILE)))
    assert f"“{HOSTILE_ESCAPED}” in *{HOSTILE_ESCAPED}*" in payload["blocks"][0]["text"]["text"]
    assert parse_create_task_value(buttons(payload)[0]["value"]) == (HOSTILE, HOSTILE, HOSTILE)
    assert_no_stray_markup(payload)


@pytest.mark.parametrize("was_linked", [True, False])
def test_disconnected_message(was_linked: bool) -> None:
    payload = check_message(disconnected_message(was_linked))
    assert ("Disconnected" in payload["text"]) == was_linked
    assert ("nothing to delete" in payload["text"]) == (not was_linked)


# --- Views, branch by branch -----------------------------------------------------------------


@pytest.mark.parametrize("error", [None, "", "TrackingTime did not accept that App Password."])
def test_connect_modal(error: str | None) -> None:
    payload = check_view(connect_modal(error))
    assert payload["callback_id"] == ids.CONNECT_VIEW
    (field,) = blocks_of(payload, "input")
    assert (field["block_id"], field["element"]["action_id"]) == ids.APP_PASSWORD_INPUT
    lead = payload["blocks"][0]["text"]["text"]
    assert (lead == f":warning: {error}") == bool(error)
    link = next(b for b in buttons(payload) if b["action_id"] == ids.OPEN_TRACKINGTIME)
    assert link["url"] == ids.TRACKINGTIME_APP_URL


@pytest.mark.parametrize(
    "view",
    [
        checking_modal(),
        loading_modal("TrackingTime workspace", "Loading your TrackingTime workspaces…"),
        single_workspace_modal(HOSTILE),
        workspace_chosen_modal(HOSTILE),
        *[failure_modal("TrackingTime workspace", text) for text in _error_messages()],
    ],
)
def test_simple_modals(view: View) -> None:
    payload = check_view(view)
    assert "submit" not in payload
    assert_no_stray_markup(payload)


@pytest.mark.parametrize("user_name", ["", "Ada <Lovelace>"])
def test_connected_modal(user_name: str) -> None:
    payload = check_view(connected_modal(user_name, "Acme & Co"))
    text = payload["blocks"][0]["text"]["text"]
    assert ("as *Ada &lt;Lovelace&gt;*" in text) == bool(user_name)
    assert "*Acme &amp; Co*" in text
    assert_no_stray_markup(payload)


def _workspaces(count: int, name: str = "Acme") -> list[Workspace]:
    return [Workspace(1000 + i, f"{name} {i}") for i in range(count)]


@pytest.mark.parametrize("count", [1, 2, 5, 99, 100, 101, 250])
@pytest.mark.parametrize(
    "name",
    ["Acme", '"\\' * 40, "\x01" * 80, "Ä" * 100],
    ids=["plain", "json escapes", "control characters", "long"],
)
def test_workspace_modal(count: int, name: str) -> None:
    workspaces = _workspaces(count, name)
    current = workspaces[-1].account_id
    payload = check_view(workspace_modal(workspaces, current, "Which one?"))
    assert payload["callback_id"] == ids.WORKSPACE_VIEW
    (field,) = blocks_of(payload, "input")
    assert (field["block_id"], field["element"]["action_id"]) == ids.WORKSPACE_INPUT
    offered = workspaces[:MAX_SELECT_OPTIONS]
    options = field["element"]["options"]
    assert [o["value"] for o in options] == [str(w.account_id) for w in offered]
    initial = field["element"].get("initial_option")
    assert (initial is not None) == (count <= MAX_SELECT_OPTIONS)
    if initial is not None:
        assert initial["value"] == str(current)
    # The submission can tell which workspaces were offered, whatever their names.
    assert set(workspaces_from_metadata(payload["private_metadata"])) == {
        w.account_id for w in offered
    }


def test_workspace_modal_with_no_current_workspace() -> None:
    payload = check_view(workspace_modal(_workspaces(3), 1, "Which one?"))
    assert "initial_option" not in blocks_of(payload, "input")[0]["element"]


@pytest.mark.parametrize("name", ["Ann", "", "<!here> *bold* & co", "x" * 3000])
def test_picker_intros_escape_names_and_fit(name: str) -> None:
    for intro in (picker_after_connect(name, 3), picker_to_switch(name or "Acme")):
        payload = check_view(workspace_modal(_workspaces(3), 1, intro))
        text = blocks_of(payload, "section")[0]["text"]["text"]
        assert "<!here>" not in text and len(text) <= 3000
    assert "3 TrackingTime workspaces" in picker_after_connect(name, 3)


def test_every_builder_is_tested() -> None:
    """A new builder must be added here and to the tests above."""
    tested = {
        not_linked, help_message, invalid_input, failure, status_message, started_message,
        stopped_message, nothing_running_message, choose_task_message, no_match_message,
        disconnected_message, start_task_value, parse_start_task_value, create_task_value,
        parse_create_task_value, connect_modal, checking_modal, loading_modal, connected_modal,
        workspace_metadata, workspaces_from_metadata, workspace_modal, single_workspace_modal,
        workspace_chosen_modal, failure_modal, picker_after_connect, picker_to_switch,
        busy_command_text,  # tests/unit/test_admission.py
    }  # fmt: skip
    public = {
        function
        for module in (messages, views)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public == tested


# --- Button values and private metadata ------------------------------------------------------


@pytest.mark.parametrize("notes", ["", "header fixes", 'quotes " and \\ and\nnewlines', HOSTILE])
def test_start_task_value_round_trips(notes: str) -> None:
    assert parse_start_task_value(start_task_value(123, notes)) == (123, notes)


@pytest.mark.parametrize(
    ("task", "project", "notes"),
    [("Homepage", None, ""), ("Homepage", "Website", "n"), ('"Q" \\', "<p>", "a\nb")],
)
def test_create_task_value_round_trips(task: str, project: str | None, notes: str) -> None:
    assert parse_create_task_value(create_task_value(task, project, notes)) == (
        task,
        project,
        notes,
    )


DEEP = "[" * 5000
GARBAGE = ["", "stop", "connect", "null", "42", '"x"', "[]", "{}", "[1]", DEEP, "{"]


@pytest.mark.parametrize(
    "value",
    [
        *GARBAGE,
        '{"task": "Homepage"}',
        '{"task_id": "abc"}',
        '{"task_id": null}',
        '{"task_id": [1]}',
        '{"task_id": NaN}',
        '{"task_id": Infinity}',
        '{"task_id": 1e400}',
    ],
)
def test_parse_start_task_value_refuses_garbage(value: str) -> None:
    assert parse_start_task_value(value) is None


@pytest.mark.parametrize(
    "value", [*GARBAGE, '{"task_id": 5}', '{"task": ""}', '{"task": "  ", "project": "P"}']
)
def test_parse_create_task_value_refuses_garbage(value: str) -> None:
    assert parse_create_task_value(value) is None


def test_workspace_metadata_round_trips() -> None:
    workspaces = [Workspace(1, "Acme"), Workspace(22, 'Q "&" <A>'), Workspace(333, "x" * 80)]
    assert workspaces_from_metadata(workspace_metadata(workspaces)) == {
        1: "Acme",
        22: 'Q "&" <A>',
        333: "x" * 59 + "…",
    }


@pytest.mark.parametrize(
    "metadata",
    [
        *GARBAGE,
        "[[1]]",
        "[[1, 2, 3]]",
        '[["a", "b"]]',
        '[[1e400, "x"]]',
        '[[NaN, "x"]]',
        '{"1": 2}',
    ],
)
def test_workspaces_from_metadata_refuses_garbage(metadata: str) -> None:
    assert workspaces_from_metadata(metadata) == {}


# --- Any input -------------------------------------------------------------------------------

# Characters that mean something to mrkdwn, JSON or truncation, mixed into any unicode.
SPECIAL = [*'<>&*_~`"\\|:#@!\n\t \u200b\x00\x1fé', "😀", "👩\u200d💻", "&lt;", "<!here>"]
_char = st.sampled_from(SPECIAL) | st.characters()


def user_text(min_size: int = 0) -> st.SearchStrategy[str]:
    """What people type or name things: short, full of markup, or thousands of characters."""
    return st.one_of(
        st.text(min_size=min_size, max_size=30),
        st.lists(_char, min_size=min_size, max_size=60).map("".join),
        st.builds(
            operator.mul, st.lists(_char, min_size=1, max_size=6).map("".join), st.integers(1, 1200)
        ),
    )


def named() -> st.SearchStrategy[str]:
    """A name with something visible in it (what matching can offer as a choice)."""
    return user_text(min_size=1).filter(lambda text: text.strip() != "")


ids_ = st.integers(1, 10**12)
projects = st.one_of(st.none(), st.just(""), user_text())


def tasks(name: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Task]:
    return st.builds(Task, ids_, user_text() if name is None else name, st.none() | ids_, projects)


spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(weeks=6))
zones = st.sampled_from(ZONES)


def running_timers() -> st.SearchStrategy[RunningTimer]:
    return st.builds(RunningTimer, tasks(), st.none() | ids_, _moments(), user_text())


@st.composite
def statuses(draw: st.DrawFn) -> TimerStatus:
    running = draw(st.none() | running_timers())
    if running is None:
        now = draw(_moments())
    else:  # a clock slightly behind TrackingTime's, too
        now = running.started_at + draw(st.timedeltas(timedelta(hours=-1), timedelta(weeks=6)))
    recent = draw(st.lists(tasks(), max_size=MAX_RECENT_TASKS))
    return TimerStatus(now, running, draw(spans), tuple(recent))


@st.composite
def starteds(draw: st.DrawFn) -> Started:
    timer = draw(running_timers())
    previous = draw(st.none() | running_timers())
    now = timer.started_at + draw(st.timedeltas(timedelta(seconds=-5), timedelta(seconds=5)))
    return Started(timer, previous, now)


def checked_message(builder: Callable[..., Message], *args: Any) -> dict[str, Any]:
    payload = check_message(builder(*args))
    assert_no_stray_markup(payload)
    return payload


@FAST
@given(statuses(), zones)
def test_any_status_message(status: TimerStatus, zone: tzinfo) -> None:
    payload = checked_message(status_message, status, zone)
    assert len(start_buttons(payload)) == len(status.recent_tasks)
    if status.running is not None:  # however long the names, the start time survives
        assert "<!date^" in payload["blocks"][0]["text"]["text"]


@FAST
@given(starteds(), zones)
def test_any_started_message(started: Started, zone: tzinfo) -> None:
    payload = checked_message(started_message, started, zone)
    # However long the names, the start time survives truncation.
    assert "<!date^" in payload["blocks"][0]["text"]["text"]


@FAST
@given(st.builds(Stopped, tasks(), spans, spans, _moments()))
def test_any_stopped_message(stopped: Stopped) -> None:
    payload = checked_message(stopped_message, stopped)
    assert parse_start_task_value(buttons(payload)[0]["value"]) == (stopped.task.id, "")


@FAST
@given(
    st.builds(
        Choose,
        user_text(min_size=1),
        st.lists(tasks(named()), min_size=1, max_size=MAX_CHOICES).map(tuple),
        st.integers(0, 10**6),
        user_text(),
        st.booleans(),
    )
)
def test_any_choose_task_message(choose: Choose) -> None:
    choose = replace(choose, total=len(choose.tasks) + choose.total)  # total >= shown
    payload = checked_message(choose_task_message, choose)
    starts = start_buttons(payload)
    assert [parse_start_task_value(b["value"])[0] for b in starts] == [t.id for t in choose.tasks]


@FAST
@given(
    st.builds(
        NoMatch,
        user_text(),
        st.none() | user_text(),
        st.none() | st.builds(Project, ids_, user_text()),
        user_text(),
    )
)
def test_any_no_match_message(no_match: NoMatch) -> None:
    checked_message(no_match_message, no_match)


@FAST
@given(
    st.none()
    | st.builds(Unknown, user_text(min_size=1), st.none() | st.sampled_from(list(SUBCOMMANDS)))
)
def test_any_help_message(unknown: Unknown | None) -> None:
    checked_message(help_message, unknown)


@FAST
@given(user_text(), st.sampled_from([START_EXAMPLE, "/track stop", '/track start "A" in B']))
def test_any_invalid_input(rest: str, example: str) -> None:
    checked_message(invalid_input, f"`stop` takes nothing after it, but I got “{rest}”.", example)


@FAST
@given(named(), st.booleans())
def test_any_failure(text: str, reconnect: bool) -> None:
    check_message(failure(text, reconnect=reconnect))  # app text: it may hold mrkdwn


@FAST
@given(st.none() | user_text())
def test_any_connect_modal(error: str | None) -> None:
    check_view(connect_modal(error))


@FAST
@given(user_text(), user_text())
def test_any_connected_modal(user_name: str, workspace: str) -> None:
    assert_no_stray_markup(check_view(connected_modal(user_name, workspace)))


@FAST
@given(user_text())
def test_any_workspace_name_modal(workspace: str) -> None:
    assert_no_stray_markup(check_view(single_workspace_modal(workspace)))
    assert_no_stray_markup(check_view(workspace_chosen_modal(workspace)))


@FAST
@given(named(), st.sampled_from(["TrackingTime workspace", "Connect TrackingTime", "Connected"]))
def test_any_loading_and_failure_modal(text: str, title: str) -> None:
    check_view(loading_modal(title, text))
    check_view(failure_modal(title, text))


@st.composite
def workspace_lists(draw: st.DrawFn) -> list[Workspace]:
    count = draw(st.integers(1, 130))
    names = draw(st.lists(named(), min_size=1, max_size=4))
    first = draw(st.integers(1, 10**11))
    return [Workspace(first + i, names[i % len(names)]) for i in range(count)]


@settings(FAST, max_examples=30)
@given(workspace_lists(), st.integers(0, 130), user_text(min_size=1))
def test_any_workspace_modal(workspaces: list[Workspace], pick: int, intro: str) -> None:
    current = workspaces[pick % len(workspaces)].account_id
    payload = check_view(workspace_modal(workspaces, current, escape(intro)))
    offered = workspaces[:MAX_SELECT_OPTIONS]
    (field,) = blocks_of(payload, "input")
    assert len(field["element"]["options"]) == len(offered)
    assert ("initial_option" in field["element"]) == (pick % len(workspaces) < len(offered))
    names = workspaces_from_metadata(payload["private_metadata"])
    assert list(names) == [w.account_id for w in offered]
    for workspace in offered:  # each name as offered, or a prefix of it
        name = names[workspace.account_id]
        assert name == workspace.company or (
            name.endswith("…") and workspace.company.startswith(name[:-1])
        )


@FAST
@given(st.integers(1, 2**53), user_text())  # ids start at 1 (bot.digits refuses 0)
def test_any_start_task_value(task_id: int, notes: str) -> None:
    value = start_task_value(task_id, notes)
    assert len(value) <= MAX_BUTTON_VALUE
    parsed = parse_start_task_value(value)
    assert parsed is not None and parsed[0] == task_id
    assert parsed[1] == notes or (parsed[1].endswith("…") and notes.startswith(parsed[1][:-1]))


@FAST
@given(user_text(), st.none() | user_text(), user_text())
def test_any_create_task_value(task: str, project: str | None, notes: str) -> None:
    value = create_task_value(task, project, notes)
    assert len(value) <= MAX_BUTTON_VALUE
    parsed = parse_create_task_value(value)
    assert (parsed is None) == (not task.strip())  # a blank name is no task
    folded = " ".join(task.split())
    if parsed is not None and len(json.dumps(folded)) - 2 <= 200:  # short enough to keep whole
        assert parsed[0] == folded  # names are one line


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(["task_id", "task", "project", "notes"]) | st.text(max_size=4),
            children,
            max_size=4,
        ),
    ),
    max_leaves=8,
)


@FAST
@given(st.text() | json_values.map(json.dumps))
def test_parsers_never_raise(value: str) -> None:
    assert parse_start_task_value(value) is None or isinstance(parse_start_task_value(value), tuple)
    assert parse_create_task_value(value) is None or isinstance(
        parse_create_task_value(value), tuple
    )
    assert isinstance(workspaces_from_metadata(value), dict)
