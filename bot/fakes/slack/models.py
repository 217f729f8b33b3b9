"""The fake Slack's records: what it answers with, what it remembers, and its few constants.

``SlackCall`` and ``ResponsePost`` are public (tests read them); the rest are the fake's own
bookkeeping, shared by the modules of :mod:`bot.fakes.slack`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Arguments Slack takes as JSON-encoded strings in form posts; decoded before recording.
JSON_ARGS = ("blocks", "view", "attachments", "metadata")

#: Arguments recorded as ``***``: the fake's recordings end up in assertion messages and logs.
SECRET_ARGS = ("client_secret", "code", "refresh_token")

#: How many posts one ``response_url`` accepts (Slack: "up to 5 times within 30 minutes").
RESPONSE_URL_MAX_POSTS = 5


@dataclass(frozen=True)
class SlackCall:
    """One Web API request as the fake received it.

    ``args`` holds every argument except ``token`` (query, form and JSON merged; JSON-string
    ``blocks``/``view``/``attachments``/``metadata`` decoded). ``error`` is the error the fake
    answered (``None`` on ``ok: true``), so rejected attempts such as 429s are visible too.
    ``reply`` is the JSON body the fake answered (e.g. the stored view, with its id).
    """

    method: str
    args: dict[str, Any]
    token: str | None
    at: float
    error: str | None = None
    reply: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ResponsePost:
    """One post to a ``response_url``; ``error`` is Slack's error body (``None`` when accepted)."""

    url: str
    body: dict[str, Any]
    at: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Team:
    team_id: str
    bot_token: str
    name: str
    enterprise_id: str | None
    bot_user_id: str
    bot_id: str
    app_id: str
    scope: str = "commands,chat:write"

    @property
    def domain(self) -> str:
        return "".join(c for c in self.name.lower() if c.isalnum()) or "workspace"


@dataclass
class User:
    team_id: str
    user_id: str
    name: str
    tz: str
    is_admin: bool
    is_owner: bool
    email: str | None
    is_bot: bool = False


@dataclass
class Trigger:
    issued_at: float
    view_id: str | None
    used: bool = False


@dataclass
class Grant:
    """What one click on "Allow" approved; ``oauth.v2.access`` turns it into a token once."""

    team_id: str
    user_id: str
    team_name: str
    enterprise_id: str | None
    rotate_tokens: bool
    scopes: str
    redirect_uri: str | None
    issued_at: float
    used: bool = False


@dataclass
class Hook:
    url: str
    team_id: str
    posts: int = 0


@dataclass
class Forced:
    error: str
    retry_after: int


class ApiError(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": …}``."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages


@dataclass
class Reply:
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


#: A Web API method called with a token: ``(team, args) -> the ok answer's fields``.
Handler = Callable[[Team, dict[str, Any]], dict[str, Any]]

#: A method the app calls with its client credentials: ``(args, basic auth) -> fields``.
AppHandler = Callable[[dict[str, Any], tuple[str, str] | None], dict[str, Any]]
