"""One TrackingTime client serves every user of a process: a cookie set in one user's answer
must never go out with another user's call (neither aiohttp's session nor httpx may keep it)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.fakes.server import BackgroundServer
from bot.trackingtime import TrackingTime


async def test_a_cookie_set_for_one_user_is_not_sent_with_the_next_call() -> None:
    seen: list[str | None] = []

    async def answer(request: Request) -> JSONResponse:
        seen.append(request.headers.get("cookie"))
        reply = JSONResponse({"response": {"status": 200}, "data": {}})
        reply.set_cookie("JSESSIONID", "ann-session", path="/")
        return reply

    app = Starlette(routes=[Route("/api/v4/{path:path}", answer)])
    with BackgroundServer(app) as server:
        # By name: aiohttp keeps no cookies from a bare IP address.
        client = TrackingTime(f"http://localhost:{server.port}/api/v4")
        try:
            await client.request("GET", "1/users/1/tasks/tracking", "ann-app-password")
            await client.request("GET", "1/users/2/tasks/tracking", "bob-app-password")
        finally:
            await client.aclose()
    assert seen == [None, None]
