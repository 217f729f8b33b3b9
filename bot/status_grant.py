"""Bolt's OAuth flow, also asking one user for the user token of their Slack status line.

``GET /slack/install`` stays "Add to Slack" (bot scopes only: nobody is asked for more than the
app needs to be installed). ``GET /slack/install?grant=status`` sends the user who asked to
Slack's consent page for :data:`STATUS_SCOPES` alone, with a ``state`` from the same store and
the same browser cookie, and comes back to Bolt's redirect route. The user-only answer of
``oauth.v2.access`` carries no bot token; its ``authed_user`` token is kept on that user's
linked account (encrypted), which turns their status line on. The Slack user it belongs to is
whoever Slack says consented, so a forwarded link can only ever grant its clicker's own token.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.authorize_url_generator import AuthorizeUrlGenerator
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.services.status import STATUS_GRANT, StatusService
from bot.storage import SlackUserKey
from bot.storage.status import UserToken

log = logging.getLogger(__name__)

# The user scopes the status line needs, and why; manifest.yml declares exactly these.
USER_SCOPE_USES = {
    "users.profile:read": "the status line: see whether the status shown is still the app's",
    "users.profile:write": "the status line: show what the user is tracking, and clear it",
}
STATUS_SCOPES = tuple(USER_SCOPE_USES)
_GRANTED = "status_granted"  # set on the request's context once the token is kept


def _is_status_grant(request: AsyncBoltRequest) -> bool:
    return (request.query.get("grant") or [""])[0] == STATUS_GRANT


class AppOAuthFlow(AsyncOAuthFlow):
    """Bolt's flow, plus the status line's user-token grant (see the module docstring)."""

    def __init__(
        self,
        *,
        status: StatusService,
        after_grant: Callable[[SlackUserKey], Awaitable[None]],
        **kwargs: object,
    ) -> None:
        """``after_grant``: what follows a kept token (the web process refreshes the Home)."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._status = status
        self._after_grant = after_grant
        self._status_urls = AuthorizeUrlGenerator(
            client_id=self.settings.client_id,
            scopes=[],
            user_scopes=list(STATUS_SCOPES),
            redirect_uri=self.settings.redirect_uri,
            authorization_url=self.settings.authorization_url,
        )

    async def handle_installation(self, request: AsyncBoltRequest) -> BoltResponse:
        if not _is_status_grant(request):
            return await super().handle_installation(request)
        # Straight to Slack: the user already chose to allow it in Slack.
        state = await self.issue_new_state(request)
        team = (request.query.get("team") or [None])[0]
        url = self._status_urls.generate(state=state, team=team)
        cookie = self.settings.state_utils.build_set_cookie_for_new_state(state)
        return BoltResponse(status=302, body="", headers={"Location": url, "Set-Cookie": [cookie]})

    async def store_installation(
        self, request: AsyncBoltRequest, installation: Installation
    ) -> None:
        if installation.bot_token is not None:
            await super().store_installation(request, installation)
        granted = set(installation.user_scopes or [])
        if installation.user_token is None or not set(STATUS_SCOPES) <= granted:
            return
        key = SlackUserKey(
            installation.enterprise_id, installation.team_id or "", installation.user_id
        )
        expires_at = installation.user_token_expires_at  # a Unix time, with rotation only
        token = UserToken(
            installation.user_token,
            installation.user_refresh_token,
            datetime.fromtimestamp(expires_at, UTC) if expires_at else None,
        )
        granted = await self._status.grant(key, token)
        request.context[_GRANTED] = granted
        if granted:
            await self._after_grant(key)


async def _success(args: AsyncSuccessArgs) -> BoltResponse:
    if args.installation.bot_token is not None:  # "Add to Slack"
        return await args.default.success(args)
    if args.request.context.get(_GRANTED):
        return _page(
            "Your Slack status now shows what you track",
            "Start a timer in Slack or TrackingTime and your status follows it. Turn it off "
            "any time in /track settings. You can close this tab.",
        )
    return _page(
        "Link TrackingTime first",
        "Your status can show what you track once your TrackingTime account is linked: run "
        "/track connect in Slack, then turn the status on again. Nothing was kept.",
    )


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    if args.reason == "access_denied":
        return _page(
            "Nothing was changed",
            "You did not allow it, so your Slack status stays yours alone. You can close this tab.",
            status=200,
        )
    return await args.default.failure(args)


def callback_options() -> AsyncCallbackOptions:
    return AsyncCallbackOptions(success=_success, failure=_failure)


def _page(title: str, text: str, status: int = 200) -> BoltResponse:
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif;"
        f"max-width:36em;margin:4em auto'><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(text)}</p></body></html>"
    )
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
