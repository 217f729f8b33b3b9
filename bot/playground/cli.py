"""``python -m bot playground [--script FILE]``: start everything, then read commands."""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from bot.playground.demo import DANA, SAM
from bot.playground.runtime import Playground
from bot.playground.session import Session

BANNER = (
    "[bold]TrackingTime for Slack · playground[/bold] [dim](ready in {seconds:.1f} s)[/dim]\n"
    "{why}This is the real app answering signed Slack requests on {app_url}, with a fake Slack "
    "and a fake TrackingTime on localhost (workspace “Northwind Studio”, a week of tracked time). "
    "To connect a real workspace, create the Slack app from [bold]manifest.yml[/bold], put "
    "SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and ENCRYPTION_KEYS in [bold].env[/bold] (see "
    "README.md) and run [bold]python -m bot[/bold] again.\n"
    "You are [bold]{dana}[/bold], linked to TrackingTime; [bold]as {sam}[/bold] switches to a "
    "user who is not linked yet (App Password [bold]{sam_password}[/bold]). Type "
    "[bold]help[/bold]; try [bold]/track[/bold], [bold]/track start standup[/bold], then "
    "[bold]click 1[/bold].\n"
)

NO_SETTINGS = "No Slack settings were found (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN). "


def run_playground(
    script: Path | None = None, *, no_slack_settings: bool = False, started: float | None = None
) -> int:
    """Run the playground interactively, or the commands in ``script``; 1 if a request failed.

    ``started`` (``time.monotonic()``) is when the process began work, for the ready time shown.
    """
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 100)
    # The app's own logs would interleave with the drawing; warnings still show.
    logging.getLogger().setLevel(logging.WARNING)
    started = time.monotonic() if started is None else started
    with tempfile.TemporaryDirectory(prefix="tt-playground-") as folder:
        playground = Playground(Path(folder))
        try:
            why = (
                "No Slack settings were found (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN). "
                if no_slack_settings
                else ""
            )
            console.print(
                BANNER.format(
                    seconds=time.monotonic() - started,
                    why=why,
                    app_url=playground.app_server.url,
                    dana=DANA.slack.name,
                    sam=SAM.slack.name,
                    sam_password=SAM.app_password,
                )
            )
            session = Session(playground, console)
            if script is not None:
                return _run_script(session, console, script)
            _interact(session, console)
            return 0
        finally:
            playground.close()


def _run_script(session: Session, console: Console, script: Path) -> int:
    failed = 0
    for line in script.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        console.print(f"[bold]{session.prompt}[/bold]{line}", markup=True, highlight=False)
        if not session.run(line):
            failed += 1
    if failed:
        console.print(f"[bold red]{failed} request(s) failed.[/bold red]")
    return 1 if failed else 0


def _interact(session: Session, console: Console) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    while True:
        try:
            line = console.input(f"[bold]{session.prompt}[/bold]")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if line.strip().casefold() in ("quit", "exit", "q"):
            return
        session.run(line)
