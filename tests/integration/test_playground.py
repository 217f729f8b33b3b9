"""The playground as a newcomer runs it: ``python -m bot playground --script FILE``."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.playground.demo import SAM
from tests.support.paths import PROJECT_ROOT
from tests.support.today import needs_today


def run_bot(
    tmp_path: Path, *args: str, script: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "ENCRYPTION_", "DATABASE_"))
    }
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    command = [sys.executable, "-m", "bot", *args]
    if script is not None:
        (tmp_path / "flow.txt").write_text(script)
        command += ["--script", str(tmp_path / "flow.txt")]
    return subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_linked_user_starts_checks_and_stops_a_timer(tmp_path: Path) -> None:
    result = run_bot(
        tmp_path,
        "playground",
        script="""# dana is linked when the playground starts
/track
/track start design review: homepage hero
click 2
/track status
click 1
/track help
""",
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "TrackingTime for Slack · playground" in out
    assert "No timer is running." in out
    assert "2 tasks match “design review”. Which one should I start?" in out
    assert "[1 Design review · Mobile app]  [2 Design review · Website redesign]" in out
    assert "Started Design review · Website redesign at" in out
    assert "homepage hero" in out
    assert "Running for <1m (since" in out and "[1 Stop]" in out
    assert "Stopped Design review · Website redesign: <1m tracked" in out
    assert "/track start <task> [in <project>] [: notes]" in out  # entities shown as < >
    assert "only visible to you" in out
    # Dana has the Slack status line on: colleagues saw the timer come and go.
    assert out.index("Slack status now: ⏱ Design review · Website redesign") < out.index(
        "Slack status cleared"
    )


def test_unlinked_user_connects_through_the_modal(tmp_path: Path) -> None:
    result = run_bot(
        tmp_path,
        "playground",
        script=f"""as sam
/track start standup
click 1
set App Password wrong-password-123
submit
set 1 {SAM.app_password}
submit
/track start standup
/track stop
""",
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "You are now sam (Sam Okafor, not linked to TrackingTime yet)." in out
    assert "Connect your TrackingTime account" in out
    assert "▣ Connect TrackingTime" in out and "[Connect: type submit]" in out
    assert "TrackingTime did not accept that App Password" in out
    assert "You're connected as Sam Okafor to the TrackingTime workspace Northwind Studio." in out
    assert "Started Standup · Internal at" in out
    assert "Stopped Standup · Internal" in out


def test_field_errors_from_the_ack_are_shown_on_the_field(tmp_path: Path) -> None:
    result = run_bot(
        tmp_path, "playground", script="/track connect\nset App Password abc\nsubmit\n"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗ That is too short to be an App Password: copy all of it." in result.stdout


def test_a_failed_request_makes_the_script_exit_non_zero(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "playground", script="/track help\n/not-a-command\n")
    assert result.returncode == 1
    assert "The app answered HTTP 404" in result.stdout
    assert "1 request(s) failed." in result.stdout


def test_bare_run_without_slack_settings_starts_the_playground(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No Slack settings were found" in result.stdout
    assert "create the Slack app from manifest.yml" in result.stdout


def test_log_time_modal_with_typeahead_from_the_options_endpoint(tmp_path: Path) -> None:
    yesterday = (datetime.now(ZoneInfo("Europe/Berlin")) - timedelta(days=1)).date()
    result = run_bot(
        tmp_path,
        "playground",
        script=f"""/track log
set Task design rev
set Date {yesterday}
set From 09:00
set To 10:30
set Notes wireframes
submit
/track yesterday
/track log 45m yesterday standup
click 2
""",
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "▣ Log time" in out and "(external_select)" in out
    # "design rev" reached the app's options endpoint, which offered the matching tasks.
    assert "Task (optional): Design review · Mobile app" in out
    assert "(modal closed)" in out
    assert f"Logged 1h 30m on Design review · Mobile app, {yesterday:%a %d %b} 09:00-10:30" in out
    assert "Yesterday · " in out and "— wireframes" in out
    assert "Undone: the entry was deleted from TrackingTime." in out


POST_SHORTCUT = (
    "shortcut message *Yesterday:*\\n• 2h design review in website: header"
    "\\n• standup (15m), 45m code golf"
)


def test_home_settings_digest_and_drafts_in_the_playground(tmp_path: Path) -> None:
    """One playground run (each takes seconds to start) for the Home, the settings, the digest,
    and drafts from a message and from a channel post."""
    result = run_bot(
        tmp_path,
        "playground",
        script="""home
/track start standup
/track settings
set Send it at 18:00
submit
/track digest #team-time
"""
        + POST_SHORTCUT
        + """
submit
set Task (3) Email & admin
submit
click 4
/track standup #standup
post #standup Yesterday: 1h30m development in website, 30m qa testing
click 1
""",
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "╭─ Home" in out and "Connected as" in out
    assert "Standup · Internal" in out
    assert "Daily summary at 18:00" in out  # the refreshed Home shows the new setting
    assert "#team-time" in out  # typed as a name, sent as Slack's <#C…|team-time>
    assert "3 entries from your message" in out
    assert "Task (1) (optional): Design review · Website redesign" in out
    assert "No task is called “code golf”: pick one." in out
    assert "✗ Pick the task for this one, or leave it out." in out
    assert "Logged entries from your message · 3h 00m" in out and "[4 Undo all]" in out
    assert "Undone: 3 entries deleted from TrackingTime." in out
    assert "I'll offer to log what you post in #standup." in out
    assert "Log these 2 entries?" in out and "1. 1h30m development in website" in out


def test_fixing_what_was_tracked_in_the_playground(tmp_path: Path) -> None:
    """Entry menus are ``click N <option>``; a confirm dialog is answered yes and said so."""
    needs_today(45)
    result = run_bot(
        tmp_path,
        "playground",
        script="""/track log 45m standup: daily
/track edit
click 1 Edit
set Notes daily, with the design team
submit
/track edit
click 1 Delete
click 1
click 1
/track start design review in website: hero section
/track note + then the footer
/track stop
/track continue
""",
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "⋯ Edit · Delete · Log again today · Start again" in out
    assert "▣ Edit entry" in out and "Notes (optional): daily" in out
    assert "Saved:" in out and "daily, with the design team" in out
    assert "(Slack asks: Delete this entry?" in out and "You choose Delete.)" in out
    assert "Deleted" in out and "[1 Undo]" in out
    assert "Back in TrackingTime:" in out
    assert "Notes on Design review · Website redesign" in out
    assert "hero section" in out and "then the footer" in out
    assert out.count("Started Design review · Website redesign") == 2  # start, then continue
