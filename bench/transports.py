"""Which HTTP stack the TrackingTime client should use: CPU per call of each candidate, measured
against the fake TrackingTime (in its own process) under many calls at once.

Each candidate makes ``--calls`` authenticated GETs of the running timer, ``--concurrency`` at a
time, through one shared client, and reads the JSON, as the TrackingTime client does; the fake
answers after ``--latency`` seconds, so calls queue on the pool as they do under a burst. It
prints calls/s and this process's CPU per call for each; the bare aiohttp session is the floor.

    python -m bench.transports --calls 4000 --concurrency 400 --latency 0.2
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpx

from bench.stack import Fakes

Call = Callable[[], Awaitable[Any]]


async def _measure(call: Call, calls: int, concurrency: int) -> tuple[float, float]:
    """(calls per second, CPU ms per call) for ``calls`` calls, ``concurrency`` at a time."""
    remaining = iter(range(calls))

    async def worker() -> None:
        for _ in remaining:
            await call()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return calls / wall, 1000 * cpu / calls


async def _with_httpx(client: Any, url: str, auth: Any, calls: int, concurrency: int) -> Any:
    async def call() -> Any:
        response = await client.get(url, auth=auth)
        return response.json()

    async with client:
        await _measure(call, concurrency, concurrency)  # open the connections first
        return await _measure(call, calls, concurrency)


def candidates(concurrency: int) -> dict[str, Callable[[str, str], Awaitable[Any]]]:
    def limits(module: Any) -> Any:
        return module.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    def httpx_default(url: str, password: str) -> Awaitable[Any]:
        auth = httpx.BasicAuth("API_TOKEN", password)
        return _with_httpx(httpx.AsyncClient(timeout=60), url, auth, args.calls, concurrency)

    def httpx_limits(url: str, password: str) -> Awaitable[Any]:
        auth = httpx.BasicAuth("API_TOKEN", password)
        client = httpx.AsyncClient(timeout=60, limits=limits(httpx))
        return _with_httpx(client, url, auth, args.calls, concurrency)

    def httpx_aiohttp(url: str, password: str) -> Awaitable[Any]:
        from httpx_aiohttp import AiohttpTransport

        auth = httpx.BasicAuth("API_TOKEN", password)
        client = httpx.AsyncClient(timeout=60, transport=AiohttpTransport(limits=limits(httpx)))
        return _with_httpx(client, url, auth, args.calls, concurrency)

    def httpx2_limits(url: str, password: str) -> Awaitable[Any]:
        import httpx2  # type: ignore[import-not-found]

        auth = httpx2.BasicAuth("API_TOKEN", password)
        client = httpx2.AsyncClient(timeout=60, limits=limits(httpx2))
        return _with_httpx(client, url, auth, args.calls, concurrency)

    async def bare_aiohttp(url: str, password: str) -> Any:
        headers = {"Authorization": aiohttp.encode_basic_auth("API_TOKEN", password)}
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def call() -> Any:
                async with session.get(url, headers=headers) as response:
                    return await response.json()

            await _measure(call, concurrency, concurrency)
            return await _measure(call, args.calls, concurrency)

    found = {
        "httpx (httpcore, default limits)": httpx_default,
        f"httpx (httpcore, {concurrency} connections)": httpx_limits,
        "httpx + httpx-aiohttp transport": httpx_aiohttp,
        "httpx2 fork": httpx2_limits,
        "bare aiohttp session (floor)": bare_aiohttp,
    }
    if importlib.util.find_spec("httpx_aiohttp") is None:
        del found["httpx + httpx-aiohttp transport"]
    if importlib.util.find_spec("httpx2") is None:
        del found["httpx2 fork"]
    return found


def main() -> None:
    global args
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    sniffio = importlib.util.find_spec("sniffio") is not None
    fakes = Fakes(users=1)
    try:
        fakes.set_latency(args.latency)
        user = fakes.users[0]
        url = f"{fakes.trackingtime_url}/{user.account_id}/users/{user.tt_user_id}/tasks/tracking"
        print(
            f"{args.calls} GETs, {args.concurrency} at a time, TrackingTime {args.latency} s; "
            f"sniffio {'installed' if sniffio else 'NOT installed'}"
        )
        for name, run in candidates(args.concurrency).items():
            try:
                per_second, cpu_ms = asyncio.run(run(url, user.app_password))
            except Exception as error:  # a candidate that fails under this load says so
                print(f"  {name:<40} failed: {type(error).__name__}: {error}")
                continue
            print(f"  {name:<40} {per_second:8.0f} calls/s  {cpu_ms:6.2f} ms CPU per call")
    finally:
        fakes.close()


args: argparse.Namespace

if __name__ == "__main__":
    main()
