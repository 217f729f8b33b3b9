"""The fake Slack's records: what it answers with, what it remembers, and its few constants.

``SlackCall``, ``ResponsePost`` and ``FakeStatus`` are public (tests read them); the rest are the
fake's own bookkeeping, shared by the modules of :mod:`bot.fakes.slack`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Arguments Slack takes as JSON-encoded strings in form posts; decoded before recording.
JSON_ARGS = ("blocks", "view", "attachments", "metadata", "profile")

#: Arguments recorded as ``***``: the fake's recordings end up in assertion messages and logs.
SECRET_ARGS = ("client_secret", "code", "refresh_token")

#: How many posts one ``response_url`` accepts (Slack: "up to 5 times within 30 minutes").
RESPONSE_URL_MAX_POSTS = 5

#: The bot scopes of a token from ``add_team`` and of an install by default.
BOT_SCOPES = "commands,chat:write"


@dataclass(frozen=True)
class SlackCall:
    """One Web API request as the fake received it.

    ``args`` holds every argument except ``token`` (query, form and JSON merged; JSON-string
    ``blocks``/``view``/``attachments``/``metadata``/``profile`` decoded). ``error`` is the
    error the fake answered (``None`` on ``ok: true``), so rejected attempts such as 429s are
    visible too.
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
    name: str
    enterprise_id: str | None
    bot_user_id: str
    bot_id: str
    app_id: str

    @property
    def domain(self) -> str:
        return "".join(c for c in self.name.lower() if c.isalnum()) or "workspace"


@dataclass(frozen=True)
class FakeStatus:
    """A person's Slack status as it reads now: ``expiration`` is a Unix time, 0 for none.

    No status reads as ``FakeStatus("", "", 0)``, also once ``expiration`` has passed (Slack
    clears an expired status by itself).
    """

    text: str = ""
    emoji: str = ""
    expiration: int = 0

    def as_of(self, now: float) -> FakeStatus:
        """The status as it reads at Unix time ``now``: none once ``expiration`` has passed."""
        return FakeStatus() if 0 < self.expiration <= now else self


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
    #: As last set; it may have expired since (read it through ``FakeStatus.as_of``).
    status: FakeStatus = field(default_factory=FakeStatus)


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
    user_scopes: str = ""
    used: bool = False


@dataclass(frozen=True)
class Access:
    """Whom an access or refresh token belongs to: a team's bot (``user_id`` ``None``) or one
    person in the team, through the user token they granted with ``scope`` (comma-separated)."""

    team_id: str
    user_id: str | None
    scope: str

    @property
    def is_user(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True)
class Caller:
    """Who a Web API call acts as: what its token belongs to, in the team it belongs to."""

    team: Team
    access: Access
    token: str

    @property
    def user_id(self) -> str:
        """The person, or the bot user for a bot token."""
        return self.access.user_id or self.team.bot_user_id


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
    """Raised by a method handler to answer ``{"ok": false, "error": …}``; ``fields`` are added
    to the answer (``missing_scope``'s ``needed`` and ``provided``)."""

    def __init__(self, error: str, messages: list[str] | None = None, **fields: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages
        self.fields = fields


@dataclass
class Reply:
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


#: A Web API method only the bot token may call: ``(team, args) -> the ok answer's fields``.
Handler = Callable[[Team, dict[str, Any]], dict[str, Any]]

#: A Web API method a person's user token may call too: ``(caller, args) -> fields``.
PersonHandler = Callable[[Caller, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class PersonMethod:
    """A Web API method a person's user token may call: the scope that token needs (``None``:
    none), and whether the bot token may call it too (else ``not_allowed_token_type``)."""

    handler: PersonHandler
    user_scope: str | None = None
    bot_too: bool = True


#: A method the app calls with its client credentials: ``(args, basic auth) -> fields``.
AppHandler = Callable[[dict[str, Any], tuple[str, str] | None], dict[str, Any]]
