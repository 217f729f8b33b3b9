"""The HTTP entry point: Bolt behind Starlette, served by uvicorn.

``POST /slack/events`` takes every Slack request (commands, interactivity, options, events);
``GET /healthz`` says whether the process and its database answer; with OAuth,
``GET /slack/install`` and ``GET /slack/oauth_redirect`` install the app into a workspace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import (
    AsyncSlackRequestHandler,
    to_async_bolt_request,
    to_starlette_response,
)
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import __version__
from bot.admission import WorkLimit, busy_answer, count_listeners
from bot.guard import (
    RefusalLog,
    Refused,
    check_shape,
    check_signature,
    parse_signed_body,
    read_body,
)
from bot.logs import configure_logging, throttle_uvicorn
from bot.services.container import Services
from bot.settings import Settings, load_settings
from bot.slack_app import INSTALL_PATH, REDIRECT_PATH, build_app

log = logging.getLogger(__name__)

# How often the requests refused before Bolt are summed up in the log (bot/guard.py).
REFUSALS_SUMMARY_SECONDS = 60.0


def create_web_app(settings: Settings, services: Services | None = None) -> Starlette:
    """The ASGI app. Services are made here unless given (tests pass their own clock)."""
    services = services or Services.create(settings)
    bolt = build_app(settings, services)
    limit = WorkLimit(
        settings.max_in_flight, reserve=settings.max_in_flight // 4, running=settings.max_running
    )
    count_listeners(bolt, limit)
    slack = AsyncSlackRequestHandler(bolt)
    refusals = RefusalLog()
    throttle_uvicorn()

    async def slack_events(request: Request) -> Response:
        """Checked (bot/guard.py), admitted or told busy (bot/admission.py), then Bolt's."""
        try:
            raw = await read_body(request)
            check_signature(settings.slack_signing_secret, raw, request.headers)
            body = parse_signed_body(raw, request.headers.get("content-type", ""))
            check_shape(body)
        except Refused as refused:
            refusals.note(refused)
            return Response(status_code=refused.status)
        if not limit.admits(body):
            limit.turn_away()
            answer = busy_answer(body)
            return JSONResponse(answer) if answer is not None else Response(status_code=200)
        try:
            bolt_response = await bolt.async_dispatch(to_async_bolt_request(request, raw))
        except Exception as error:  # a shape the checks did not foresee (Bolt's own handling of
            # a listener's failure answers 500 and never gets here): still no 500, no traceback
            refusals.note(Refused(400, f"Bolt could not read it: {type(error).__name__}"))
            return Response(status_code=400)
        return to_starlette_response(bolt_response)

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
        async def summarise_refusals() -> None:
            while True:
                await asyncio.sleep(REFUSALS_SUMMARY_SECONDS)
                refusals.flush()

        summaries = asyncio.ensure_future(summarise_refusals())
        yield
        summaries.cancel()
        refusals.flush()
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
