"""``python -m bot [serve|socket|worker|migrate|keygen|rekey|playground]``.

Without a command it serves for real when Slack settings are present, and otherwise starts the
playground.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from dotenv import find_dotenv, load_dotenv

from bot import __version__
from bot.crypto import generate_key
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")


def _settings(**needs: bool) -> Settings:
    """The settings a command needs, and its logging set as they say (format, secrets)."""
    settings = load_settings(**needs)
    configure_logging(settings.log_format, settings.secrets)
    return settings


def keygen(_: argparse.Namespace) -> int:
    print(generate_key())
    return 0


def migrate(_: argparse.Namespace) -> int:
    from bot.storage import upgrade_schema

    settings = _settings()
    upgrade_schema(settings.database_url)
    log.info("database schema is up to date")
    return 0


def serve(_: argparse.Namespace) -> int:
    from bot.metrics import MULTIPROCESS_DIR, serve_on_port
    from bot.web import WEB_APP_FACTORY, create_web_app, serve_forever

    settings = _settings(need_slack=True, need_encryption=True)
    processes = settings.web_concurrency
    log.info(
        "TrackingTime for Slack %s listening on port %d (%d web process%s)",
        __version__,
        settings.port,
        processes,
        "" if processes == 1 else "es",
    )
    if processes > 1 and (settings.metrics_token or settings.metrics_port):
        # The processes count into files there, and whichever answers /metrics sums them (a
        # fresh folder for each start: counts from before it would be summed in).
        os.environ.setdefault(MULTIPROCESS_DIR, tempfile.mkdtemp(prefix="trackingtime-metrics-"))
    if settings.metrics_port:
        serve_on_port(settings.metrics_port)
    # One process serves the app made here; several each make their own from the environment.
    app = WEB_APP_FACTORY if processes > 1 else create_web_app(settings)
    serve_forever(app, settings.port, processes)
    return 0


def socket(_: argparse.Namespace) -> int:
    import aiohttp
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_sdk.errors import SlackApiError

    from bot.services.container import Services
    from bot.slack_app import build_app

    settings = _settings(need_socket=True, need_encryption=True)

    async def run() -> None:
        services = Services.create(settings)
        handler = AsyncSocketModeHandler(build_app(settings, services), settings.slack_app_token)
        try:
            await handler.start_async()
        finally:
            await services.aclose()

    try:
        asyncio.run(run())
    except (OSError, aiohttp.ClientError, SlackApiError) as error:
        # Unreachable Slack or a refused token: one line, not a traceback.
        reason = error.response.get("error") if isinstance(error, SlackApiError) else error
        print(f"error: could not open a Socket Mode connection to Slack: {reason}", file=sys.stderr)
        return 1
    return 0


def worker(args: argparse.Namespace) -> int:
    from bot.services.container import Services
    from bot.slack_clients import team_clients_for
    from bot.worker import Worker

    settings = _settings(need_encryption=True, need_bot_token=True)
    clock = (lambda: args.now) if args.now else None
    if settings.metrics_port:
        from bot.metrics import serve_on_port

        serve_on_port(settings.metrics_port)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        services = Services.create(settings, *([clock] if clock else []))
        # Every message the worker sends goes over the process's one Slack session.
        session = services.slack_http.session()
        clients = team_clients_for(settings, services.installations, session)
        worker = Worker(services, clients, *([clock] if clock else []), stopping=stop)
        log.info("worker started (%s)", _db_kind(settings))
        try:
            if args.once:
                await worker.round()
            else:
                await finish_within(worker.run(stop), stop, WORKER_STOP_SECONDS)
        finally:
            await services.aclose()
        log.info("worker stopped")

    asyncio.run(run())
    return 0


# On SIGTERM the worker finishes the batch in hand and claims nothing more; past this, the round
# is cut short and its claims are left to their leases (Heroku kills 30 s after SIGTERM).
WORKER_STOP_SECONDS = 25.0


async def finish_within(
    work: Coroutine[Any, Any, None], stop: asyncio.Event, within: float
) -> None:
    """Run ``work``; once ``stop`` is set, give it ``within`` seconds more, then cancel it."""
    running = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    try:
        await asyncio.wait_for(running, within)
    except TimeoutError:
        log.warning("stopping with a round unfinished: its claims are left to their leases")


def rekey(_: argparse.Namespace) -> int:
    """Re-encrypt every stored secret under the newest key in ENCRYPTION_KEYS."""
    from bot.services.container import Services

    settings = _settings(need_encryption=True)

    async def run() -> tuple[int, int, int]:
        services = Services.create(settings)
        try:
            return (
                await services.accounts.reencrypt_all(),
                await services.installations.reencrypt_all(),
                await services.webhooks.store.reencrypt_all(),
            )
        finally:
            await services.aclose()

    links, installations, hooks = asyncio.run(run())
    print(
        f"re-encrypted {links} linked accounts, {installations} Slack installations and "
        f"{hooks} TrackingTime webhook secrets under the newest key; older keys can now be "
        "removed from ENCRYPTION_KEYS"
    )
    return 0


def _instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset, for ``worker --now``."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the offset too, e.g. 2026-11-27T17:30:00+01:00")
    return moment


def playground(args: argparse.Namespace) -> int:
    from bot.playground.cli import run_playground

    return run_playground(args.script, started=args.started)


def run(args: argparse.Namespace) -> int:
    """The bare ``python -m bot``: serve for real when Slack is configured, else the playground."""
    settings = _settings()
    if not settings.has_slack_credentials:
        from bot.playground.cli import run_playground

        return run_playground(no_slack_settings=True, started=args.started)
    migrate(args)
    return serve(args)


def _db_kind(settings: Settings) -> str:
    return settings.database_url.split(":", 1)[0]


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "serve": (serve, "serve Slack's HTTP requests on PORT (production)"),
    "socket": (socket, "connect to Slack over Socket Mode (development)"),
    "worker": (worker, "run scheduled and retried work"),
    "migrate": (migrate, "create or upgrade the database schema"),
    "keygen": (keygen, "print a new encryption key for ENCRYPTION_KEYS"),
    "rekey": (rekey, "re-encrypt stored secrets under the newest ENCRYPTION_KEYS key"),
    "playground": (playground, "try the app in a terminal, with a fake Slack and TrackingTime"),
}


def main(argv: Sequence[str] | None = None) -> int:
    started = time.monotonic()
    parser = argparse.ArgumentParser(prog="python -m bot", description="TrackingTime for Slack")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == "playground":
            command.add_argument(
                "--script", type=Path, help="run the commands in FILE, print the transcript"
            )
        if name == "worker":
            command.add_argument("--once", action="store_true", help="run one round, then exit")
            command.add_argument(
                "--now",
                type=_instant,
                help="act as if it were this instant (ISO 8601 with offset), to replay a schedule",
            )
    args = parser.parse_args(argv)
    args.started = started
    load_dotenv(find_dotenv(usecwd=True), override=False)  # the .env of the working directory
    # Text until the settings are read (a bad LOG_FORMAT is then said as any bad setting is).
    configure_logging("json" if os.environ.get("LOG_FORMAT", "").lower() == "json" else "text")
    try:
        action = COMMANDS[args.command][0] if args.command else run
        return action(args)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
