"""A user's Slack status, read and written with the Slack user token they granted.

``users.profile.get`` and ``users.profile.set`` need a user token (a bot token cannot set a
person's status). Every Slack error is sorted into what the status line does about it: a dead or
withdrawn token (:data:`REVOKED`), Slack's rate limit, or any other refusal end the sync for
that user (:class:`ProfileRefused`); a network failure or a 5xx is worth trying again later
(:class:`ProfileUnreachable`). No retry on 429: the issue's rule is that a rate-limited user's
sync stops and says so, rather than the app hammering Slack on their behalf.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.storage.status import Problem, UserToken

# Slack's answers that mean the token can no longer act for the user.
REVOKED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "invalid_refresh_token",
        "user_not_found",
        "team_access_not_granted",
    }
)
# A rotating token is refreshed when it has less than this left.
REFRESH_BEFORE = timedelta(minutes=10)


@dataclass(frozen=True)
class ShownStatus:
    """A status as Slack shows it; ``expiration`` 0 when it does not expire."""

    text: str = ""
    emoji: str = ""
    expiration: int = 0

    @property
    def empty(self) -> bool:
        return not self.text and not self.emoji

    def same(self, text: str, emoji: str) -> bool:
        """Whether this is the status ``text``/``emoji`` (Slack hands text back HTML-escaped)."""
        return html.unescape(self.text).strip() == text.strip() and self.emoji == emoji


class ProfileRefused(Exception):
    """Slack refused: ``problem`` is why the sync stops."""

    def __init__(self, problem: Problem, error: str) -> None:
        super().__init__(error)
        self.problem: Problem = problem
        self.error = error


class ProfileUnreachable(Exception):
    """Slack did not answer (network, timeout, 5xx): try again later."""


class SlackProfiles:
    """Status reads and writes, and user token refreshes, over the process's Slack session."""

    def __init__(
        self,
        api_url: str,
        session: Callable[[], aiohttp.ClientSession],
        client_id: str,
        client_secret: str,
    ) -> None:
        self._api_url = api_url
        self._session = session
        self._client_id = client_id
        self._client_secret = client_secret

    def _client(self, token: str | None = None) -> AsyncWebClient:
        return AsyncWebClient(
            token=token,
            base_url=self._api_url,
            session=self._session(),
            timeout=10,
            retry_handlers=[AsyncConnectionErrorRetryHandler(max_retry_count=1)],
        )

    async def get(self, token: str) -> ShownStatus:
        response = await self._call(self._client(token).users_profile_get())
        profile = response.get("profile") or {}
        shown = ShownStatus(
            str(profile.get("status_text") or ""),
            str(profile.get("status_emoji") or ""),
            int(profile.get("status_expiration") or 0),
        )
        if shown.expiration and shown.expiration <= datetime.now(UTC).timestamp():
            return ShownStatus()  # expired: Slack clears it by itself
        return shown

    async def set(self, token: str, text: str, emoji: str, until: datetime | None) -> None:
        expiration = int(until.timestamp()) if until else 0
        profile = {"status_text": text, "status_emoji": emoji, "status_expiration": expiration}
        await self._call(self._client(token).users_profile_set(profile=profile))

    async def refresh(self, token: UserToken, now: datetime) -> UserToken:
        """The token itself while it has time left; else a fresh one from its refresh token."""
        if token.expires_at is None or token.refresh_token is None:
            return token
        if token.expires_at - now > REFRESH_BEFORE:
            return token
        response = await self._call(
            self._client().oauth_v2_access(
                client_id=self._client_id,
                client_secret=self._client_secret,
                grant_type="refresh_token",
                refresh_token=token.refresh_token,
            )
        )
        expires_in = response.get("expires_in")
        return UserToken(
            str(response["access_token"]),
            response.get("refresh_token") or token.refresh_token,
            now + timedelta(seconds=int(expires_in)) if expires_in else None,
        )

    @staticmethod
    async def _call(call: Awaitable[AsyncSlackResponse]) -> dict[str, Any]:
        try:
            response = await call
        except SlackApiError as e:
            status = e.response.status_code
            data = e.response.data if isinstance(e.response.data, dict) else {}
            error = str(data.get("error") or f"http_{status}")
            if status == 429 or error == "ratelimited":
                raise ProfileRefused("rate_limited", error) from None
            if status >= 500:
                raise ProfileUnreachable(error) from None
            raise ProfileRefused("revoked" if error in REVOKED else "refused", error) from None
        except (TimeoutError, aiohttp.ClientError) as e:
            raise ProfileUnreachable(type(e).__name__) from None
        return dict(response.data) if isinstance(response.data, dict) else {}
