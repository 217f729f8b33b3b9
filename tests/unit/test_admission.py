"""What a full web process takes on, and what it answers when it takes no more (bot/admission.py):
reads are turned away first, what a user submitted has room kept for it, and every answer is one
Slack shows (an ephemeral text for a command, a field error that keeps a form open)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.admission import WorkLimit, busy_answer, is_submission
from bot.blocks.messages import BUSY_TEXT, busy_command_text


def command(text: str) -> dict[str, Any]:
    return {"command": "/track", "text": text, "user_id": "U1", "team_id": "T1"}


@pytest.mark.parametrize("text", ["", "status", "today", "week", "last week", "2026-11-20", "help"])
def test_reads_are_not_submissions(text: str) -> None:
    assert not is_submission(command(text))


@pytest.mark.parametrize(
    "text", ["log 1h standup", "start design", "stop", "note + more", "connect", "continue"]
)
def test_what_changes_something_is_a_submission(text: str) -> None:
    assert is_submission(command(text))


@pytest.mark.parametrize(
    ("kind", "submission"),
    [
        ("view_submission", True),
        ("block_actions", True),
        ("shortcut", True),
        ("message_action", True),
        ("block_suggestion", False),
        ("view_closed", False),
        ("event_callback", False),
        (None, False),
    ],
)
def test_interactions(kind: str | None, submission: bool) -> None:
    assert is_submission({"type": kind}) is submission


def test_a_full_process_turns_reads_away_and_keeps_room_for_submissions() -> None:
    limit = WorkLimit(limit=2, reserve=1, running=1)
    assert limit.admits(command("status"))
    limit.in_flight = 2
    assert limit.full
    assert not limit.admits(command("status"))
    assert limit.admits(command("log 1h standup"))
    limit.in_flight = 3
    assert not limit.admits(command("log 1h standup"))


def test_a_command_turned_away_is_told_at_once_with_what_it_sent() -> None:
    answer = busy_answer(command("log 1h yesterday Standup: &lt;b&gt;"))
    assert answer is not None and answer["response_type"] == "ephemeral"
    assert BUSY_TEXT in answer["text"]
    # Slack sent the text escaped; it goes back as it came, in a code block to copy.
    assert "```/track log 1h yesterday Standup: &lt;b&gt;```" in answer["text"]


def test_a_bare_read_is_told_without_an_echo() -> None:
    assert busy_answer(command("")) == {"response_type": "ephemeral", "text": BUSY_TEXT}


def test_a_form_turned_away_stays_open_with_the_message_on_its_first_field() -> None:
    view = {
        "type": "modal",
        "blocks": [
            {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "x"}},
            {"type": "input", "block_id": "when", "element": {"type": "plain_text_input"}},
            {"type": "input", "block_id": "task", "element": {"type": "plain_text_input"}},
        ],
    }
    answer = busy_answer({"type": "view_submission", "view": view})
    assert answer == {"response_action": "errors", "errors": {"when": BUSY_TEXT}}


@pytest.mark.parametrize(
    "body",
    [
        {"type": "view_submission", "view": {"blocks": []}},
        {"type": "view_submission", "view": "not a view"},
        {"type": "view_submission", "view": {"blocks": "nope"}},
        {"type": "view_submission", "view": {"blocks": [1, {"type": "input"}]}},
        {"type": "block_actions"},
        {"type": "event_callback", "event": {"type": "app_home_opened"}},
        {},
    ],
)
def test_requests_with_nothing_to_show_get_an_empty_ack(body: dict[str, Any]) -> None:
    assert busy_answer(body) is None


def test_typeahead_turned_away_offers_nothing() -> None:
    assert busy_answer({"type": "block_suggestion", "value": "des"}) == {"options": []}


@given(st.text(max_size=5000))
def test_any_typed_text_gives_a_short_answer_that_quotes_it_safely(text: str) -> None:
    answer = busy_command_text("/track", text)
    assert answer.startswith(BUSY_TEXT)
    assert len(answer) <= len(BUSY_TEXT) + 2100
    if "`" in text or not text.strip():
        assert answer == BUSY_TEXT  # nothing that could break out of the code block
