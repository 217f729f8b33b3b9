"""What the fake Slack received: :attr:`calls` and :attr:`responses`, and waiting for them."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.fakes.slack.models import ResponsePost, SlackCall
from bot.fakes.slack.state import SlackState


class Recording(SlackState):
    """Snapshots of the recordings, and waits (threaded or async) until traffic arrives."""

    def calls_to(self, method: str) -> list[SlackCall]:
        """Snapshot of the recorded calls of ``method``, failed ones included."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[SlackCall]:
        """Block until ``count`` calls of ``method`` were recorded; returns them all.

        Blocks the calling thread: from a test whose event loop also runs the code under test,
        use :meth:`wait_for_calls_async` instead.
        """
        with self._changed:
            done = self._changed.wait_for(
                lambda: sum(c.method == method for c in self.calls) >= count, timeout
            )
            matching = [c for c in self.calls if c.method == method]
            seen = Counter(c.method for c in self.calls)
        if not done:
            raise AssertionError(
                f"waited {timeout}s for {count} {method} call(s), got {len(matching)}; "
                f"all calls seen: {dict(seen)}; {method} args: {[c.args for c in matching]}"
            )
        return matching

    def wait_for_responses(self, count: int = 1, timeout: float = 5.0) -> list[ResponsePost]:
        """Block until ``count`` ``response_url`` posts were recorded; returns them all."""
        with self._changed:
            done = self._changed.wait_for(lambda: len(self.responses) >= count, timeout)
            seen = list(self.responses)
        if not done:
            raise AssertionError(
                f"waited {timeout}s for {count} response_url post(s), got {len(seen)}: "
                f"{[r.body for r in seen]}; Web API calls seen: "
                f"{dict(Counter(c.method for c in self.calls))}"
            )
        return seen

    # The timeout bounds the threaded wait and mirrors the sync signature, hence the noqa.
    async def wait_for_calls_async(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SlackCall]:
        """:meth:`wait_for_calls` in a worker thread, so the caller's event loop keeps running."""
        return await asyncio.to_thread(self.wait_for_calls, method, count, timeout)

    async def wait_for_responses_async(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ResponsePost]:
        """:meth:`wait_for_responses` in a worker thread, so the caller's loop keeps running."""
        return await asyncio.to_thread(self.wait_for_responses, count, timeout)

    def clear(self) -> None:
        """Forget recorded calls and responses; teams, users, views and messages stay."""
        with self._lock:
            self.calls.clear()
            self.responses.clear()
