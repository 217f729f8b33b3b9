"""The status line's pure parts: the status text, the emoji field, the form, the builders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks import ids
from bot.blocks.settings import settings_modal, settings_saved_message
from bot.blocks.status import (
    BAD_EMOJI,
    StatusForm,
    allow_status_message,
    emoji_code,
    status_from_form,
    status_home_blocks,
    status_turned_off_message,
    status_words,
)
from bot.services.status import (
    STATUS_TEXT_LIMIT,
    TRACKING,
    StatusOffer,
    status_grant_url,
    status_line,
)
from bot.storage.accounts import StatusChoice, UserSettings
from bot.trackingtime import RunningTimer, Task
from tests.unit.test_blocks import FAST, all_text, check_message, check_view

STARTED = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def timer(name: str = "Write docs", project: str | None = "Website") -> RunningTimer:
    return RunningTimer(Task(1, name, 2 if project else None, project), 10, STARTED, "secret")


def offer(**changes: object) -> StatusOffer:
    base: dict[str, object] = {
        "choice": StatusChoice(enabled=True),
        "granted": True,
        "problem": "",
        "grant_url": status_grant_url("https://tt.example.com", "T1"),
        "missing": "",
    }
    return StatusOffer(**{**base, **changes})  # type: ignore[arg-type]


def test_status_line_shows_what_the_user_chose_and_never_the_notes() -> None:
    running = timer()
    assert status_line(StatusChoice(show="task"), running) == "Write docs · Website"
    assert status_line(StatusChoice(show="project"), running) == "Website"
    assert status_line(StatusChoice(show="tracking"), running) == TRACKING
    assert status_line(StatusChoice(show="project"), timer(project=None)) == TRACKING
    assert status_line(StatusChoice(show="task"), timer(project=None)) == "Write docs"
    assert all("secret" not in status_line(StatusChoice(show=s), running) for s in ("task",))


@FAST
@given(st.text(max_size=400), st.one_of(st.none(), st.text(max_size=400)))
def test_status_line_fits_slacks_100_characters(name: str, project: str | None) -> None:
    for show in ("task", "project", "tracking"):
        text = status_line(StatusChoice(show=show), timer(name, project))  # type: ignore[arg-type]
        assert 0 < len(text) <= STATUS_TEXT_LIMIT
        assert text == text.strip() and "\n" not in text


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", ":stopwatch:"),
        ("  ", ":stopwatch:"),
        (":computer:", ":computer:"),
        ("computer", ":computer:"),
        (":Computer:", ":computer:"),
        (":+1:", ":+1:"),
        (":thumbsup::skin-tone-3:", ":thumbsup::skin-tone-3:"),
        ("💻", None),
        (":two words:", None),
        ("<script>", None),
        (":a:b:", None),
        ("x" * 101, None),
    ],
)
def test_emoji_codes(typed: str, code: str | None) -> None:
    assert emoji_code(typed) == code


@FAST
@given(st.text(max_size=200))
def test_any_typed_emoji_is_a_code_or_refused(typed: str) -> None:
    code = emoji_code(typed)
    assert code is None or (code.startswith(":") and code.endswith(":") and len(code) <= 100)


def test_the_form_reads_back_or_says_what_is_wrong() -> None:
    current = StatusChoice(enabled=False, show="project", emoji=":coffee:")
    assert status_from_form(StatusForm(present=False), current) == current
    form = StatusForm(True, enabled=True, show="tracking", emoji="rocket", replace=True)
    assert status_from_form(form, current) == StatusChoice(True, "tracking", ":rocket:", True)
    bad = StatusForm(True, enabled=True, show="task", emoji="not an emoji")
    assert status_from_form(bad, current) == {ids.STATUS_EMOJI_INPUT[0]: BAD_EMOJI}
    forged = StatusForm(True, enabled=True, show="everything", emoji="")
    assert status_from_form(forged, current) == StatusChoice(True, "project", ":stopwatch:")


def test_the_settings_modal_has_the_status_part_and_stays_valid() -> None:
    for state in (offer(), offer(granted=False), offer(choice=StatusChoice())):
        payload = check_view(settings_modal(UserSettings(), "C1", state))
        blocks = {block.get("block_id") for block in payload["blocks"]}
        assert {ids.STATUS_ENABLED_INPUT[0], ids.STATUS_EMOJI_INPUT[0]} <= blocks
    assert "Slack asks you to allow it" in str(
        check_view(settings_modal(UserSettings(), "", offer(granted=False)))
    )


def test_without_oauth_the_modal_says_what_the_operator_must_set() -> None:
    missing = offer(granted=False, grant_url="", missing="SLACK_CLIENT_ID and PUBLIC_URL")
    payload = check_view(settings_modal(UserSettings(), "", missing))
    assert "SLACK_CLIENT_ID and PUBLIC_URL" in all_text(payload)
    assert ids.STATUS_ENABLED_INPUT[0] not in {b.get("block_id") for b in payload["blocks"]}


def test_words_for_each_state() -> None:
    assert "task and project with :stopwatch:" in status_words(offer())
    assert "replaced" in status_words(offer(choice=StatusChoice(True, replace=True)))
    assert "once you allow it" in status_words(offer(granted=False))
    assert "left alone" in status_words(offer(choice=StatusChoice()))
    revoked = status_words(offer(choice=StatusChoice(), problem="revoked"))
    assert "no longer lets the app" in revoked


def test_home_and_messages_are_valid_slack_payloads() -> None:
    waiting = offer(granted=False)
    home = status_home_blocks(waiting)
    assert home[0].to_dict()["accessory"]["url"] == waiting.grant_url
    assert "accessory" not in status_home_blocks(offer())[0].to_dict()
    unavailable = offer(choice=StatusChoice(), granted=False, grant_url="", missing="PUBLIC_URL")
    assert status_home_blocks(unavailable) == []
    check_message(allow_status_message(waiting))
    check_message(settings_saved_message(UserSettings(), offer()))
    for problem in ("revoked", "refused", "rate_limited", "something new"):
        message = status_turned_off_message(problem, waiting.grant_url)
        payload = check_message(message)
        assert "/track settings" in all_text(payload)
        assert "timers are not affected" in all_text(payload)
    assert "Allow in Slack" in str(check_message(status_turned_off_message("revoked", "https://x")))
    assert "Allow in Slack" not in str(check_message(status_turned_off_message("revoked", "")))


def test_the_grant_url_goes_to_bolts_install_route_for_the_users_workspace() -> None:
    url = status_grant_url("https://tt.example.com", "T42")
    assert url == "https://tt.example.com/slack/install?grant=status&team=T42"
