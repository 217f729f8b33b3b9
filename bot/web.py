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
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import __version__
from bot.services.container import Services
from bot.settings import Settings
from bot.slack_app import INSTALL_PATH, REDIRECT_PATH, build_app

log = logging.getLogger(__name__)


def create_web_app(settings: Settings, services: Services | None = None) -> Starlette:
    """The ASGI app. Services are made here unless given (tests pass their own clock)."""
    services = services or Services.create(settings)
    slack = AsyncSlackRequestHandler(build_app(settings, services))

    async def slack_events(request: Request) -> Response:
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
            Route(INSTALL_PATH, slack_events, methods=["GET"]),
            Route(REDIRECT_PATH, slack_events, methods=["GET"]),
        ]
    return Starlette(routes=routes, lifespan=lifespan)


def serve_forever(app: Starlette, port: int) -> None:
    """Serve ``app`` on ``port`` on every interface until SIGTERM or SIGINT."""
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=port, log_level="warning", access_log=False)
