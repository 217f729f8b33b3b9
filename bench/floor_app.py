"""The floor the burst benchmark compares with: a bare Bolt ``AsyncApp`` doing the same I/O as
``/track status``, and nothing else.

Per command: ack; read the user's row from the app's SQLite database (one shared aiosqlite
connection); decrypt the App Password with Fernet; ask TrackingTime for the running timer and the
week's entries at once over one shared aiohttp session; one ``respond``. It is served by the same
uvicorn, with the same options, as ``python -m bot serve``, and reads the same settings.

    DATABASE_URL=sqlite:///x.db SLACK_SIGNING_SECRET=… ENCRYPTION_KEYS=… \
        TRACKINGTIME_API_URL=… PORT=3000 python -m bench.floor_app
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import aiohttp
import aiosqlite
from cryptography.fernet import Fernet, MultiFernet
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.web import serve_forever

ROW = (
    "SELECT app_password_encrypted, tt_account_id, tt_user_id FROM linked_accounts "
    "WHERE enterprise_id = '' AND team_id = ? AND slack_user_id = ?"
)


def create_floor_app() -> Starlette:
    database_path = os.environ["DATABASE_URL"].partition(":///")[2]
    trackingtime = os.environ["TRACKINGTIME_API_URL"].rstrip("/")
    keys = MultiFernet([Fernet(k.strip()) for k in os.environ["ENCRYPTION_KEYS"].split(",")])
    shared: dict[str, Any] = {}
    app = AsyncApp(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=AsyncWebClient(
            token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
        ),
    )

    @app.command("/track")
    async def track(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        database: aiosqlite.Connection = shared["database"]
        async with database.execute(ROW, (command["team_id"], command["user_id"])) as cursor:
            row = await cursor.fetchone()
        if row is None:
            await respond("Not linked.")
            return
        password = keys.decrypt(row[0].encode()).decode()
        auth = aiohttp.BasicAuth("API_TOKEN", password)
        base = f"{trackingtime}/{row[1]}"
        today = date.today()
        http: aiohttp.ClientSession = shared["http"]

        async def get(path: str, params: dict[str, str] | None = None) -> Any:
            async with http.get(f"{base}/{path}", params=params, auth=auth) as response:
                return await response.json()

        running, events = await asyncio.gather(
            get(f"users/{row[2]}/tasks/tracking"),
            get(
                "events",
                {
                    "filter": "USER",
                    "id": str(row[2]),
                    "from": (today - timedelta(days=6)).isoformat(),
                    "to": today.isoformat(),
                    "order": "asc",
                    "page_size": "200",
                },
            ),
        )
        tracking = bool(running.get("data"))
        count = len(events.get("data") or [])
        await respond(f"{'Tracking' if tracking else 'Not tracking'}. Today: {count} entries.")

    slack = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await slack.handle(request)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        shared["database"] = await aiosqlite.connect(database_path)
        shared["http"] = aiohttp.ClientSession()
        yield
        await shared["http"].close()
        await shared["database"].close()

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


if __name__ == "__main__":
    serve_forever(create_floor_app(), int(os.environ.get("PORT", "3000")))
