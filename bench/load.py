"""The load generator: signed ``/track`` commands from N concurrent clients, as Slack sends them,
and the accounting of what came back (acks, then replies through the fake Slack)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import aiohttp

from bench.stack import TEAM, Reply
from bot.fakes.slack_requests import SlackUser, command_payload

#: What a reply says when the app declined the work for now: answered, though not done.
BUSY_MARK = "busy"


@dataclass
class Sent:
    """One command: when it went out, when and how it was acknowledged, and its reply."""

    response_url: str
    sent: float
    acked: float = 0.0
    status: int = 0
    ack_text: str = ""
    reply: Reply | None = None


@dataclass
class Outcome:
    """What a run of commands came to."""

    sent: list[Sent] = field(default_factory=list)

    @property
    def acks(self) -> list[float]:
        return [s.acked - s.sent for s in self.sent if s.status == 200]

    def busy(self) -> list[Sent]:
        """Declined at once, in the ack or in the reply: answered, not done."""
        return [s for s in self.sent if _is_busy(s)]

    def good(self, is_good: Callable[[str], bool]) -> list[Sent]:
        return [
            s
            for s in self.sent
            if s.reply is not None and s.reply.error is None and is_good(s.reply.text)
        ]

    def failed(self, is_good: Callable[[str], bool]) -> list[Sent]:
        """Errors, refused acks and missing replies: every command neither done nor busy."""
        good = {id(s) for s in self.good(is_good)}
        return [s for s in self.sent if id(s) not in good and not _is_busy(s)]


def _is_busy(sent: Sent) -> bool:
    text = sent.ack_text if sent.reply is None else sent.reply.text
    return sent.status == 200 and BUSY_MARK in text.lower()


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _signed(secret: str, body: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }


async def send_commands(
    app_url: str,
    secret: str,
    user_ids: Sequence[str],
    response_urls: Sequence[str],
    *,
    text: str = "status",
    concurrency: int = 50,
    on_progress: Callable[[int], None] | None = None,
) -> list[Sent]:
    """One signed command per response URL, ``concurrency`` at a time; each client waits for its
    ack only, then sends the next (Slack does not wait for replies either). Users take turns."""
    url = f"{app_url}/slack/events"
    work = iter(enumerate(response_urls))
    users = itertools.cycle(user_ids)
    done: list[Sent] = []
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as http:

        async def client() -> None:
            for n, response_url in work:
                user = SlackUser(TEAM, next(users), "bench")
                payload = command_payload(
                    user, text, response_url=response_url, trigger_id=f"{n}.1.burst"
                )
                body = urlencode(payload)
                sent = Sent(response_url, time.monotonic())
                try:
                    async with http.post(url, data=body, headers=_signed(secret, body)) as answer:
                        sent.ack_text = await answer.text()
                        sent.status = answer.status
                except (aiohttp.ClientError, TimeoutError) as error:
                    sent.ack_text = f"{type(error).__name__}: {error}"
                sent.acked = time.monotonic()
                done.append(sent)
                if on_progress is not None:
                    on_progress(len(done))

        await asyncio.gather(*(client() for _ in range(concurrency)))
    return done


def collect_replies(
    sent: Sequence[Sent], new_replies: Callable[[], list[Reply]], *, quiet_for: float
) -> None:
    """Match replies to commands until every command that can have one has it, or nothing new
    arrived for ``quiet_for`` seconds. An ack that carried the answer itself has no reply."""
    by_url = {s.response_url: s for s in sent}
    waiting = {s.response_url for s in sent if s.status == 200 and not s.ack_text.strip()}
    last_news = time.monotonic()
    while waiting and time.monotonic() - last_news < quiet_for:
        replies = new_replies()
        if replies:
            last_news = time.monotonic()
        for reply in replies:
            target = by_url.get(reply.url)
            if target is not None and target.reply is None:
                target.reply = reply
                waiting.discard(reply.url)
        time.sleep(0.05)
