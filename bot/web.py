"""The HTTP entry point: Bolt behind Starlette, served by uvicorn.

``POST /slack/events`` takes every Slack request (commands, interactivity, options, events);
``GET /healthz`` says whether the process and its database answer; with OAuth,
``GET /slack/install`` and ``GET /slack/oauth_redirect`` install the app into a workspace.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import __version__
from bot.admission import WorkLimit, busy_answer, count_listeners
from bot.logs import configure_logging
from bot.services.container import Services
from bot.settings import Settings, load_settings
from bot.slack_app import INSTALL_PATH, REDIRECT_PATH, build_app

log = logging.getLogger(__name__)


def create_web_app(settings: Settings, services: Services | None = None) -> Starlette:
    """The ASGI app. Services are made here unless given (tests pass their own clock)."""
    services = services or Services.create(settings)
    bolt = build_app(settings, services)
    limit = WorkLimit(
        settings.max_in_flight, reserve=settings.max_in_flight // 4, running=settings.max_running
    )
    count_listeners(bolt, limit)
    slack = AsyncSlackRequestHandler(bolt)
    verifier = SignatureVerifier(settings.slack_signing_secret)

    async def turned_away(request: Request) -> Response | None:
        """The busy answer, when the process is full and this is not a submission it still
        takes; decided before Bolt parses anything, so that a flood costs next to nothing."""
        raw = await request.body()  # Starlette keeps it for Bolt
        try:
            body = parse_body(raw.decode(), request.headers.get("content-type", ""))
        except ValueError:  # not Slack's shape (UnicodeDecodeError too): Bolt answers it
            return None
        if not isinstance(body, dict) or limit.admits(body) or not _signed(verifier, raw, request):
            return None  # taken on, or refused by Bolt's own verification
        limit.turn_away()
        answer = busy_answer(body)
        return JSONResponse(answer) if answer is not None else Response(status_code=200)

    async def slack_events(request: Request) -> Response:
        if limit.full and (busy := await turned_away(request)) is not None:
            return busy
        return await slack.handle(request)

    async def oauth_pages(request: Request) -> Response:
        return await slack.handle(request)

    async def healthz(_: Request) -> Response:
        try:
            async with services.database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("health check: database unreachable: %s", type(error).__name__)
            return JSONResponse({"status": "unhealthy", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "version": __version__, "database": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await services.aclose()

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if settings.oauth:  # "Add to Slack": Bolt's install page and OAuth redirect
        routes += [
            Route(INSTALL_PATH, oauth_pages, methods=["GET"]),
            Route(REDIRECT_PATH, oauth_pages, methods=["GET"]),
        ]
    return Starlette(routes=routes, lifespan=lifespan)


def _signed(verifier: SignatureVerifier, raw: bytes, request: Request) -> bool:
    try:
        return verifier.is_valid(
            raw,
            request.headers.get("x-slack-request-timestamp"),
            request.headers.get("x-slack-signature"),
        )
    except ValueError:  # a timestamp that is not a number
        return False


def web_app_from_environment() -> Starlette:
    """The app as each of several web processes makes it for itself (uvicorn calls this)."""
    configure_logging()
    return create_web_app(load_settings(need_slack=True, need_encryption=True))


WEB_APP_FACTORY = f"{__name__}:{web_app_from_environment.__name__}"


def serve_forever(app: Starlette | str, port: int, processes: int = 1) -> None:
    """Serve on ``port`` on every interface until SIGTERM or SIGINT: ``app`` itself, or with
    several processes on the one port, the app each makes from the factory named by ``app``
    (uvicorn starts them and starts again any that dies)."""
    import uvicorn

    uvicorn.run(
        app,
        host="0.0.0.0",
        port=port,
        workers=processes,
        factory=isinstance(app, str),
        log_level="warning",
        access_log=False,
    )
