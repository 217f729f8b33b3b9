"""The playground's terminal rendering of mrkdwn and Block Kit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from bot.blocks.messages import help_message, no_match_message
from bot.blocks.views import connect_modal, workspace_modal
from bot.playground.mrkdwn import to_rich
from bot.playground.render import Screen, message_panel, view_panel
from bot.services.matching import NoMatch
from bot.trackingtime import Workspace


def plain(renderable: object) -> str:
    console = Console(width=100, color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def styled(markup: str) -> list[tuple[str, str]]:
    text = Text.from_markup(markup)
    return [(text.plain[s.start : s.end], str(s.style)) for s in text.spans]


def test_mrkdwn_emphasis_code_links_dates_and_entities() -> None:
    markup = to_rich(
        "*bold* _it_ ~gone~ `a *b* <x>` <https://x.test|site> <!date^1^{time}|09:30> "
        "&lt;task&gt; [not markup]"
    )
    assert Text.from_markup(markup).plain == (
        "bold it gone a *b* x site (https://x.test) 09:30 <task> [not markup]"
    )
    assert ("bold", "bold") in styled(markup)
    assert ("a *b* x", "cyan") in styled(markup)


@given(st.text(max_size=200))
def test_any_mrkdwn_becomes_valid_markup(text: str) -> None:
    Text.from_markup(to_rich(text))  # never raises a MarkupError


def test_buttons_are_numbered_in_order_across_blocks() -> None:
    screen = Screen()
    out = plain(
        message_panel(
            screen,
            no_match_message(NoMatch("Pricing", None, None, "")).to_dict(),
            "TT",
            ephemeral=True,
        )
    )
    assert "[1 Create “Pricing” and start]" in out and "only visible to you" in out
    assert [c.element["action_id"] for c in screen.controls] == ["create_and_start"]


def test_modal_shows_inputs_errors_and_its_buttons() -> None:
    view = {**connect_modal().to_dict(), "id": "V1"}
    out = plain(view_panel(Screen(), view, errors={"app_password": "Too short"}))
    assert "▣ Connect TrackingTime" in out
    assert "App Password: Paste your App Password" in out
    assert "✗ Too short" in out
    assert "[Connect: type submit]" in out


def test_select_shows_its_options_and_initial_choice() -> None:
    workspaces = [Workspace(1, "Acme"), Workspace(2, "Globex")]
    view = {**workspace_modal(workspaces, 2, "Pick one").to_dict(), "id": "V2"}
    out = plain(view_panel(Screen(), view))
    assert "Track time in: Globex" in out and "options: Acme, Globex" in out


def test_help_renders_without_markup_leaking() -> None:
    out = plain(message_panel(Screen(), help_message().to_dict(), "TT", ephemeral=True))
    assert "/track start <task> [in <project>] [: notes]" in out
    assert "[bold]" not in out and "&lt;" not in out
