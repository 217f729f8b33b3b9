"""What the app counts and times for its operators, in Prometheus' terms (``prometheus_client``).

Every process records into these metrics; they are exposed only where the operator asks:
``/metrics`` on the web port behind ``METRICS_TOKEN``, or a port of its own (``METRICS_PORT``,
the worker's way). Several web processes on one port (``WEB_CONCURRENCY``) share their counts
through ``PROMETHEUS_MULTIPROC_DIR``, which ``serve`` sets up for them (multiprocess mode).

Labels stay few and bounded: a request's kind (``command:status``, ``block_actions``…), an outcome
from a fixed set, a TrackingTime endpoint with its ids taken out, a Slack method name.
"""

from __future__ import annotations

import hmac
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

PREFIX = "trackingtime_slack"
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
SECONDS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

SLACK_REQUESTS = Counter(
    f"{PREFIX}_slack_requests",
    "Requests from Slack by kind and outcome: acked, busy (turned away at once), refused "
    "(failed the checks before Bolt), error (answered 5xx)",
    ["kind", "outcome"],
)
ACK_SECONDS = Histogram(
    f"{PREFIX}_ack_seconds",
    "From a Slack request's arrival to its HTTP answer (Slack allows 3 s)",
    ["kind"],
    buckets=SECONDS,
)
WORK_SECONDS = Histogram(
    f"{PREFIX}_reply_seconds",
    "From a Slack request's arrival to the end of its work after the ack, reply included",
    ["kind"],
    buckets=SECONDS,
)
TRACKINGTIME_CALLS = Counter(
    f"{PREFIX}_trackingtime_calls",
    "TrackingTime API calls by endpoint and outcome (ok, or the error: RateLimited, "
    "Unavailable, TimedOut, InvalidCredentials…)",
    ["endpoint", "outcome"],
)
TRACKINGTIME_SECONDS = Histogram(
    f"{PREFIX}_trackingtime_call_seconds",
    "TrackingTime API call latency by endpoint",
    ["endpoint"],
    buckets=SECONDS,
)
SLACK_API_CALLS = Counter(
    f"{PREFIX}_slack_api_calls",
    "Calls to Slack (Web API methods, and response_url posts) by method and HTTP status; "
    "status 429 is Slack's rate limit",
    ["method", "status"],
)
KEPT_ENTRIES = Gauge(
    f"{PREFIX}_entries_kept",
    "Time entries kept in the database until TrackingTime takes them (at the last worker round)",
    multiprocess_mode="max",
)
WORKER_ROUND_SECONDS = Histogram(
    f"{PREFIX}_worker_round_seconds", "How long a worker round took", buckets=SECONDS
)
TRACKINGTIME_HOOKS = Counter(
    f"{PREFIX}_trackingtime_hooks",
    "Posts to the TrackingTime webhook route by outcome: known (its users' status made due), "
    "unknown (404), too_large (413), error (503)",
    ["outcome"],
)
WORKER_CLAIMED = Counter(f"{PREFIX}_worker_claimed", "Items a worker claimed, by kind", ["kind"])
WORKER_SENT = Counter(
    f"{PREFIX}_worker_sent",
    "What the worker sent or did: summaries, reminders, digests, entries added",
    ["kind"],
)

_IDS = re.compile(r"(?<=/)\d+(?=/|$)")


def endpoint_of(path: str) -> str:
    """A TrackingTime path as a label: ids out, and the account id in front dropped
    (``1001/users/2001/tasks/tracking`` is ``users/:id/tasks/tracking``)."""
    parts = _IDS.sub(":id", "/" + path.strip("/")).strip("/").split("/")
    return "/".join(parts[1:] if parts and parts[0] == ":id" else parts) or "/"


@contextmanager
def timed_call(endpoint: str) -> Iterator[dict[str, str]]:
    """Time one TrackingTime call; the caller sets ``outcome`` in the dict it is given."""
    started = time.perf_counter()
    result = {"outcome": "ok"}
    try:
        yield result
    finally:
        TRACKINGTIME_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
        TRACKINGTIME_CALLS.labels(endpoint, result["outcome"]).inc()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format: this process's, or every web process's in
    multiprocess mode."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(DEFAULT_REGISTRY), CONTENT_TYPE_LATEST


def token_accepted(expected: str, authorization: str | None) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <expected>``."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), expected.encode())


def serve_on_port(port: int) -> Any:
    """Expose the metrics on a port of their own, in a thread (for the worker, or a web process
    whose operator keeps metrics off the public port)."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return start_http_server(port, registry=registry)
    return start_http_server(port)
