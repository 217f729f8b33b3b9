"""The HTTP entry point: Bolt behind Starlette, served by uvicorn.

``POST /slack/events`` takes every Slack request (commands, interactivity, options, events);
``GET /healthz`` says whether the process answers (liveness), ``GET /readyz`` whether it can serve
(the database answers, its schema at the newest migration); ``GET /metrics`` gives Prometheus the
metrics when ``METRICS_TOKEN`` is set; with OAuth, ``GET /slack/install`` and
``GET /slack/oauth_redirect`` install the app into a workspace. ``POST
/trackingtime/hooks/{token}`` takes TrackingTime's webhook posts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import (
    AsyncSlackRequestHandler,
    to_async_bolt_request,
    to_starlette_response,
)
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import __version__
from bot.admission import (
    KIND,
    RECEIVED,
    WorkLimit,
    busy_answer,
    count_listeners,
    request_kind,
    who_asks,
)
from bot.guard import (
    RefusalLog,
    Refused,
    check_shape,
    check_signature,
    parse_signed_body,
    read_body,
)
from bot.logs import configure_logging, request_context, throttle_uvicorn
from bot.metrics import (
    ACK_SECONDS,
    SLACK_REQUESTS,
    TRACKINGTIME_HOOKS,
    exposition,
    token_accepted,
)
from bot.services.container import Services
from bot.services.webhooks import HOOKS_PATH, MAX_BODY_BYTES
from bot.settings import Settings, load_settings
from bot.slack_app import INSTALL_PATH, REDIRECT_PATH, build_app
from bot.storage.database import SCHEMA_REVISION, schema_revision

log = logging.getLogger(__name__)

# How often the requests refused before Bolt are summed up in the log (bot/guard.py).
REFUSALS_SUMMARY_SECONDS = 60.0
# Stopping: how long requests being answered, then the work after acks, may take (Heroku sends
# SIGKILL 30 s after SIGTERM).
ANSWER_SECONDS = 5
DRAIN_SECONDS = 20.0


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

    async def answer(request: Request, received: float) -> tuple[Response, str, str]:
        """Checked (bot/guard.py), admitted or told busy (bot/admission.py), then Bolt's; with
        the request's kind and outcome, for the metrics."""
        try:
            raw = await read_body(request)
            check_signature(settings.slack_signing_secret, raw, request.headers)
            body = parse_signed_body(raw, request.headers.get("content-type", ""))
            check_shape(body)
        except Refused as refused:
            refusals.note(refused)
            return Response(status_code=refused.status), "unknown", "refused"
        kind = request_kind(body)
        if not limit.admits(body):
            limit.turn_away()
            busy = busy_answer(body)
            ack = JSONResponse(busy) if busy is not None else Response(status_code=200)
            return ack, kind, "busy"
        team, user = who_asks(body)
        request_context(team, user, kind)  # in every log line of its work (bot/logs.py)
        try:
            bolt_request = to_async_bolt_request(request, raw, {RECEIVED: received, KIND: kind})
            bolt_response = await bolt.async_dispatch(bolt_request)
        except Exception as error:  # a shape the checks did not foresee (Bolt's own handling of
            # a listener's failure answers 500 and never gets here): still no 500, no traceback
            refusals.note(Refused(400, f"Bolt could not read it: {type(error).__name__}"))
            return Response(status_code=400), kind, "refused"
        outcome = "error" if bolt_response.status >= 500 else "acked"
        return to_starlette_response(bolt_response), kind, outcome

    async def slack_events(request: Request) -> Response:
        received = time.perf_counter()
        response, kind, outcome = await answer(request, received)
        ACK_SECONDS.labels(kind).observe(time.perf_counter() - received)
        SLACK_REQUESTS.labels(kind, outcome).inc()
        return response

    async def oauth_pages(request: Request) -> Response:
        return await slack.handle(request)

    async def readyz(_: Request) -> Response:
        """Ready to serve: the database answers and its schema is at the newest migration."""
        try:
            revision = await schema_revision(services.database.engine)
        except Exception as error:
            reason = f"database unreachable: {type(error).__name__}"
        else:
            if revision == SCHEMA_REVISION:
                return JSONResponse({"status": "ready", "schema": revision})
            reason = f"schema at {revision or 'nothing'}, not {SCHEMA_REVISION}: run migrate"
        log.warning("not ready: %s", reason)
        return JSONResponse({"status": "not ready", "reason": reason}, 503)

    async def metrics(request: Request) -> Response:
        if not token_accepted(settings.metrics_token, request.headers.get("authorization")):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        content, media_type = exposition()
        return Response(content, media_type=media_type)

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
        # Stopping (SIGTERM): uvicorn takes no new requests and has answered those it had;
        # the work after their acks still runs, and its replies must arrive before the clients
        # it uses are closed.
        await finish_work(limit, DRAIN_SECONDS)
        summaries.cancel()
        refusals.flush()
        await services.aclose()

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        trackingtime_hooks(services),
    ]
    if settings.metrics_token:  # Prometheus scrapes /metrics with this bearer token
        routes.append(Route("/metrics", metrics, methods=["GET"]))
    if settings.oauth:  # "Add to Slack": Bolt's install page and OAuth redirect
        routes += [
            Route(INSTALL_PATH, oauth_pages, methods=["GET"]),
            Route(REDIRECT_PATH, oauth_pages, methods=["GET"]),
        ]
    return Starlette(routes=routes, lifespan=lifespan)


def trackingtime_hooks(services: Services) -> Route:
    """``POST /trackingtime/hooks/{token}``: TrackingTime says an entry of the token's account
    changed (bot/services/webhooks.py). Two indexed queries at most; 200 for a known token, 404
    for any other, 413 past 64 KB, and never a 500 whatever the body (503 if the database
    fails)."""

    async def answer(request: Request) -> tuple[str, int]:
        try:
            body = await read_body(request, MAX_BODY_BYTES)
        except (Refused, ClientDisconnect):
            return "too_large", 413
        try:
            token = request.path_params["token"]
            known = await services.webhooks.handle(token, body, services.clock())
        except Exception as error:  # never the token in the log: it is the account's secret
            log.warning("TrackingTime webhook not handled: %s", type(error).__name__)
            return "error", 503
        return ("known", 200) if known else ("unknown", 404)

    async def endpoint(request: Request) -> Response:
        outcome, status = await answer(request)
        TRACKINGTIME_HOOKS.labels(outcome).inc()
        return Response(status_code=status)

    return Route(HOOKS_PATH + "/{token}", endpoint, methods=["POST"])


def web_app_from_environment() -> Starlette:
    """The app as each of several web processes makes it for itself (uvicorn calls this)."""
    settings = load_settings(need_slack=True, need_encryption=True)
    configure_logging(settings.log_format, settings.secrets)
    return create_web_app(settings)


WEB_APP_FACTORY = f"{__name__}:{web_app_from_environment.__name__}"


async def finish_work(limit: WorkLimit, within: float) -> None:
    """Wait until no listener runs, or ``within`` seconds have passed (then say what is cut)."""
    if limit.in_flight:
        log.info("stopping: letting %d requests' work finish", limit.in_flight)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(limit.idle.wait(), within)
    if limit.in_flight:
        log.warning("stopping with %d requests' work unfinished after %.0f s", limit.in_flight,
                    within)  # fmt: skip


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
        # On SIGTERM: requests being answered get this long, then the work after the acks gets
        # DRAIN_SECONDS; together inside the 30 s Heroku allows before it kills the process.
        timeout_graceful_shutdown=ANSWER_SECONDS,
    )
