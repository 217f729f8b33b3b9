"""Configuration from the environment (and a ``.env`` file), checked once at start-up.

Every command asks only for what it needs (``keygen`` needs nothing, ``migrate`` only the
database), and the first missing or malformed value stops the process with one line that names the
variable and says how to fix it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cryptography.fernet import Fernet

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_TRACKINGTIME_API_URL = "https://api.trackingtime.co/api/v4"
DEFAULT_DATABASE_URL = "sqlite:///trackingtime-slack.db"
DEFAULT_PORT = 3000
# Who TrackingTime can reach about this app's API traffic: its User-Agent must carry an email
# address or a URL (see docs/trackingtime-api.md). The default is the public URL manifest.yml
# names; a deployment replaces both with its own.
DEFAULT_TRACKINGTIME_CONTACT = "https://trackingtime-slack.example.com"
# Requests one web process works on at once; more are answered "busy" at once. Each costs some
# 20 KB while it waits on TrackingTime, so this bounds memory too (bench/burst.py measures it).
DEFAULT_MAX_IN_FLIGHT = 1000
# Of those, how many run past their ack at once; the rest wait their turn (bot/admission.py).
DEFAULT_MAX_RUNNING = 128
MOST_IN_FLIGHT = 100_000
MOST_PROCESSES = 64
# How often the worker asks TrackingTime for the running timer of each recently active user,
# inside their working hours, to find timers started outside the app (0: never). An hour keeps
# the budget at one call per active user per working hour.
DEFAULT_TIMER_CHECK_MINUTES = 60
SHORTEST_TIMER_CHECK_MINUTES = 5
# How often the worker brings an opted-in user's Slack status in line with their TrackingTime
# timer, while one runs and within their working hours (0: only timers the app starts and
# stops, and TrackingTime's webhooks). At most 6 TrackingTime calls per such user per hour.
DEFAULT_STATUS_SYNC_MINUTES = 10


class SettingsError(Exception):
    """A setting is missing or malformed; the message is the one line shown to the operator."""


@dataclass(frozen=True)
class Settings:
    """Everything the processes read from their environment."""

    database_url: str = field(repr=False)  # may carry the database password
    slack_signing_secret: str = field(default="", repr=False)
    slack_bot_token: str = field(default="", repr=False)
    slack_client_id: str = ""
    slack_client_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    trackingtime_api_url: str = DEFAULT_TRACKINGTIME_API_URL
    trackingtime_contact: str = DEFAULT_TRACKINGTIME_CONTACT
    encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    port: int = DEFAULT_PORT
    # Listeners one web process runs at once before it answers "busy" (bot/admission.py).
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    max_running: int = DEFAULT_MAX_RUNNING
    web_concurrency: int = 1  # web processes `serve` starts on PORT
    # Prometheus metrics (bot/metrics.py): /metrics on PORT for this bearer token, and/or a port
    # of their own; neither set, they are not exposed.
    metrics_token: str = field(default="", repr=False)
    metrics_port: int | None = None
    log_format: str = "text"  # or "json": one object per line (bot/logs.py)
    timer_check_minutes: int = DEFAULT_TIMER_CHECK_MINUTES
    status_sync_minutes: int = DEFAULT_STATUS_SYNC_MINUTES
    # Where Slack and browsers reach this app ("https://tt.example.com"): the link that asks a
    # user for the Slack user token of the status line, and TrackingTime's webhooks, point here.
    public_url: str = ""

    @property
    def oauth(self) -> bool:
        """Installed into workspaces through "Add to Slack" (each has its own bot token)."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never appear in a log line (bot/logs.py blanks it out)."""
        password = urlsplit(self.database_url).password or ""
        return (
            self.slack_signing_secret,
            self.slack_bot_token,
            self.slack_client_secret,
            self.slack_app_token,
            self.metrics_token,
            password,
            *self.encryption_keys,
        )

    @property
    def has_slack_credentials(self) -> bool:
        """Whether any Slack setting is present (the bare run command decides on this)."""
        return bool(self.slack_signing_secret or self.slack_bot_token or self.slack_client_id)


def async_database_url(url: str) -> str:
    """Give a database URL its async driver: aiosqlite for SQLite, asyncpg for Postgres.

    Heroku hands out ``postgres://`` URLs, which SQLAlchemy no longer accepts, and libpq's
    ``sslmode`` query parameter, which asyncpg calls ``ssl``.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise SettingsError(
            f"DATABASE_URL is not a URL ({url!r}); use sqlite:///file.db or postgresql://user@host/db"
        )
    scheme = scheme.lower()
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        return f"sqlite+aiosqlite://{rest}"
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        parts = urlsplit(f"postgresql+asyncpg://{rest}")
        query = [
            ("ssl" if key == "sslmode" else key, value) for key, value in parse_qsl(parts.query)
        ]
        return urlunsplit(parts._replace(query=urlencode(query)))
    raise SettingsError(
        f"DATABASE_URL has an unsupported scheme {scheme!r}; use sqlite:///… or postgresql://…"
    )


def _encryption_keys(raw: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    if not keys:
        raise SettingsError(
            "ENCRYPTION_KEYS is not set; run `python -m bot keygen` and set ENCRYPTION_KEYS "
            "to the key it prints"
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise SettingsError(
                f"ENCRYPTION_KEYS key {position} is not a valid Fernet key; "
                "make one with `python -m bot keygen` (keys are comma-separated, newest first)"
            ) from None
    return keys


def _url(name: str, raw: str, *, trailing_slash: bool) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http(s) URL, got {raw!r}")
    stripped = raw.rstrip("/")
    return stripped + "/" if trailing_slash else stripped


# An email address, or an http(s) URL, with nothing that would break the User-Agent's comment.
_EMAIL = re.compile(r"[^@\s()<>;,]+@[^@\s()<>;,]+\.[^@\s()<>;,.]+")
_HEADER_SAFE_URL = re.compile(r"[^\s()<>;,\\\"]+")


def _contact(name: str, raw: str) -> str:
    if raw.isascii() and _EMAIL.fullmatch(raw):
        return raw
    if raw.isascii() and _HEADER_SAFE_URL.fullmatch(raw):
        try:
            return _url(name, raw, trailing_slash=False)
        except SettingsError:
            pass
    raise SettingsError(
        f"{name} must be an email address or an http(s) URL TrackingTime can reach you at "
        f"(like ops@example.com), got {raw!r}"
    )


def _port(name: str, raw: str) -> int:
    if not raw.isdecimal() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number from 1 to 65535, got {raw!r}")
    return int(raw)


def _metrics_token(raw: str) -> str:
    if raw and (len(raw) < 16 or not raw.isascii() or any(c.isspace() for c in raw)):
        raise SettingsError(
            "METRICS_TOKEN must be at least 16 characters with no spaces (the bearer token "
            "Prometheus sends for /metrics); make one with `python -m bot keygen`"
        )
    return raw


def _log_format(raw: str) -> str:
    value = raw.lower() or "text"
    if value not in ("text", "json"):
        raise SettingsError(f"LOG_FORMAT must be text or json, got {raw!r}")
    return value


def _count(name: str, raw: str, default: int, most: int) -> int:
    if not raw:
        return default
    if not raw.isdecimal() or not 0 < int(raw) <= most:
        raise SettingsError(f"{name} must be a whole number from 1 to {most}, got {raw!r}")
    return int(raw)


def _minutes(name: str, raw: str, zero_means: str) -> int:
    if raw.isascii() and raw.isdecimal():
        minutes = int(raw)
        if minutes == 0 or minutes >= SHORTEST_TIMER_CHECK_MINUTES:
            return minutes
    raise SettingsError(
        f"{name} must be 0 ({zero_means}) or a whole number of minutes from "
        f"{SHORTEST_TIMER_CHECK_MINUTES}, got {raw!r}"
    )


def _token(name: str, raw: str, prefix: str, where: str) -> str:
    if raw and not raw.startswith(prefix):
        raise SettingsError(f"{name} must start with {prefix!r}; copy it from {where}")
    return raw


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    need_slack: bool = False,
    need_socket: bool = False,
    need_encryption: bool = False,
    need_bot_token: bool = False,
) -> Settings:
    """Read and check what a command needs; raise :class:`SettingsError` on the first fault."""
    env = os.environ if env is None else env

    def get(name: str) -> str:
        return env.get(name, "").strip()

    port = _port("PORT", get("PORT") or str(DEFAULT_PORT))

    settings = Settings(
        database_url=async_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_bot_token=_token(
            "SLACK_BOT_TOKEN",
            get("SLACK_BOT_TOKEN"),
            "xoxb-",
            "your app's OAuth & Permissions page (Bot User OAuth Token)",
        ),
        slack_client_id=get("SLACK_CLIENT_ID"),
        slack_client_secret=get("SLACK_CLIENT_SECRET"),
        slack_app_token=_token(
            "SLACK_APP_TOKEN",
            get("SLACK_APP_TOKEN"),
            "xapp-",
            "your app's Basic Information page (App-Level Tokens, scope connections:write)",
        ),
        slack_api_url=_url(
            "SLACK_API_URL", get("SLACK_API_URL") or DEFAULT_SLACK_API_URL, trailing_slash=True
        ),
        trackingtime_api_url=_url(
            "TRACKINGTIME_API_URL",
            get("TRACKINGTIME_API_URL") or DEFAULT_TRACKINGTIME_API_URL,
            trailing_slash=False,
        ),
        trackingtime_contact=_contact(
            "TRACKINGTIME_CONTACT", get("TRACKINGTIME_CONTACT") or DEFAULT_TRACKINGTIME_CONTACT
        ),
        encryption_keys=_encryption_keys(get("ENCRYPTION_KEYS")) if need_encryption else (),
        port=port,
        max_in_flight=_count(
            "MAX_IN_FLIGHT", get("MAX_IN_FLIGHT"), DEFAULT_MAX_IN_FLIGHT, MOST_IN_FLIGHT
        ),
        max_running=_count("MAX_RUNNING", get("MAX_RUNNING"), DEFAULT_MAX_RUNNING, MOST_IN_FLIGHT),
        web_concurrency=_count("WEB_CONCURRENCY", get("WEB_CONCURRENCY"), 1, MOST_PROCESSES),
        metrics_token=_metrics_token(get("METRICS_TOKEN")),
        metrics_port=_port("METRICS_PORT", get("METRICS_PORT")) if get("METRICS_PORT") else None,
        log_format=_log_format(get("LOG_FORMAT")),
        timer_check_minutes=_minutes(
            "TIMER_CHECK_MINUTES",
            get("TIMER_CHECK_MINUTES") or str(DEFAULT_TIMER_CHECK_MINUTES),
            "never look for timers started outside the app",
        ),
        status_sync_minutes=_minutes(
            "STATUS_SYNC_MINUTES",
            get("STATUS_SYNC_MINUTES") or str(DEFAULT_STATUS_SYNC_MINUTES),
            "follow only timers started and stopped in Slack, and webhooks",
        ),
        public_url=_url("PUBLIC_URL", get("PUBLIC_URL"), trailing_slash=False)
        if get("PUBLIC_URL")
        else "",
    )

    slack_app = need_slack or need_socket
    if (slack_app or need_bot_token) and bool(settings.slack_client_id) != bool(
        settings.slack_client_secret
    ):
        missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
        raise SettingsError(
            f"{missing} is not set; OAuth installs need both SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET from your app's Basic Information page"
        )
    if (slack_app or need_bot_token) and not settings.slack_bot_token and not settings.oauth:
        raise SettingsError(
            "SLACK_BOT_TOKEN is not set; install the app to your workspace and copy the Bot "
            "User OAuth Token (xoxb-…) from its OAuth & Permissions page (or set "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install it with OAuth)"
        )
    if need_slack and not settings.slack_signing_secret:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set; copy the Signing Secret from your app's Basic "
            "Information page"
        )
    if need_socket and not settings.slack_app_token:
        raise SettingsError(
            "SLACK_APP_TOKEN is not set; Socket Mode needs an App-Level Token (xapp-…) with the "
            "connections:write scope, from your app's Basic Information page"
        )
    return settings
