"""Slack's OAuth v2 and tokens in the fake: installs, token rotation, ``auth.test``.

OAuth v2: :meth:`FakeSlack.set_app` registers the app's ``client_id``/``client_secret``;
:meth:`FakeSlack.approve_install` stands in for a user clicking "Allow" and returns the one-time
``code`` the app exchanges at ``oauth.v2.access`` (credentials by HTTP Basic auth, as slack_sdk
sends them, or as ``client_id``/``client_secret`` arguments). The exchange creates the team if
needed and issues a fresh bot token; ``rotate_tokens=True`` adds ``refresh_token``/``expires_in``
and gives ``xoxe.xoxb-1-…`` tokens, as Slack does with token rotation on. ``auth.test`` then also
answers ``expires_in``. Stricter than Slack, on purpose, so tests prove what they claim: a refresh
ends the previous access token at once (``token_expired``; Slack keeps it until its own expiry),
and a re-install always issues a new token and ends the old one (``invalid_auth``; Slack may hand
back the same token). :meth:`FakeSlack.expire_token` and :meth:`FakeSlack.revoke_team` end tokens
on demand. ``client_secret``, ``code`` and ``refresh_token`` are recorded in ``args`` as ``***``.
Left out: user tokens (``user_scope``), ``incoming_webhook``, org-wide installs, ``state``.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Any

from bot.fakes.slack.models import ApiError, AppHandler, Grant, Handler, Team, User
from bot.fakes.slack.shapes import oauth_reply
from bot.fakes.slack.state import SlackState


class OAuthMethods(SlackState):
    """The app's credentials, installs and tokens; ``oauth.v2.access`` and ``auth.test``."""

    def _oauth_methods(self) -> tuple[dict[str, Handler], dict[str, AppHandler]]:
        """This area's Web API methods: those called with a token, those with app credentials."""
        return {"auth.test": self._auth_test}, {"oauth.v2.access": self._oauth_v2_access}

    def set_app(self, client_id: str, client_secret: str) -> None:
        """Register the app credentials ``oauth.v2.access`` checks (none set: every call fails)."""
        with self._lock:
            self._app_credentials = (client_id, client_secret)

    def approve_install(
        self,
        team_id: str,
        user_id: str,
        *,
        team_name: str = "Acme",
        enterprise_id: str | None = None,
        rotate_tokens: bool = False,
        scopes: str = "commands,chat:write",
        redirect_uri: str | None = None,
    ) -> str:
        """What the user clicking "Allow" gives the app: a one-time ``code``, valid
        :attr:`code_ttl` seconds, for ``oauth.v2.access``.

        Nothing changes until the exchange: it creates the team (as :meth:`add_team` would) or
        replaces its token, and registers ``user_id`` as a user of it. ``redirect_uri``, if
        given, must be sent again with the exchange (``bad_redirect_uri``), as in Slack.
        """
        with self._lock:
            self._seq += 1
            code = f"{self._seq}.{secrets.randbelow(10**12):012d}.{secrets.token_hex(32)}"
            self._grants[code] = Grant(
                team_id,
                user_id,
                team_name,
                enterprise_id,
                rotate_tokens,
                scopes,
                redirect_uri,
                time.monotonic(),
            )
            return code

    def expire_token(self, token: str) -> None:
        """Make a working access token answer ``token_expired`` from now on.

        Tests use it to prove the app refreshes before use rather than on failure.
        """
        with self._lock:
            if token not in self._teams_by_token:
                raise KeyError(f"unknown or already dead token {token[:10]!r}…")
            self._expire(token)

    def revoke_team(self, team_id: str) -> None:
        """Uninstall the app from ``team_id``: its access tokens answer ``invalid_auth`` and its
        refresh tokens ``invalid_refresh_token``; users, views and messages stay."""
        with self._lock:
            if team_id not in self._teams:
                raise KeyError(f"unknown team {team_id!r}")
            self._forget_tokens(team_id)

    # ------------------------------------------------------------------ Web API methods

    def _auth_test(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "trackingtime",
            "team_id": team.team_id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": team.app_id,
            "app_name": "TrackingTime",
            "is_enterprise_install": False,
        }
        if team.enterprise_id:
            reply["enterprise_id"] = team.enterprise_id
        deadline = self._token_deadlines.get(team.bot_token)
        if deadline is not None:
            reply["expires_in"] = max(0, math.floor(deadline - time.monotonic()))
        return reply

    def _oauth_v2_access(
        self, args: dict[str, Any], basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        """Install (``code``) or rotate (``refresh_token``); tokenless, so not in ``_methods``."""
        self._check_client(args, basic)
        grant_type = args.get("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            return self._refresh(str(args.get("refresh_token") or ""))
        if grant_type != "authorization_code":
            raise ApiError("invalid_grant_type")
        grant = self._grants.get(str(args.get("code") or ""))
        if grant is None or grant.used or time.monotonic() - grant.issued_at > self.code_ttl:
            raise ApiError("invalid_code")
        if grant.redirect_uri is not None and args.get("redirect_uri") != grant.redirect_uri:
            raise ApiError("bad_redirect_uri")
        grant.used = True
        team = self._teams.get(grant.team_id)
        if team is None:
            team = self._register_team(
                grant.team_id, None, grant.team_name, grant.enterprise_id, self._new_id("U")
            )
        else:
            self._forget_tokens(team.team_id)
            team.name, team.enterprise_id = grant.team_name, grant.enterprise_id
        team.scope = grant.scopes
        if (team.team_id, grant.user_id) not in self._users:
            self._users[(team.team_id, grant.user_id)] = User(
                team.team_id,
                grant.user_id,
                f"Installer {grant.user_id}",
                "Europe/Berlin",
                False,
                False,
                None,
            )
        issued = self._issue_tokens(team, grant.rotate_tokens)
        return oauth_reply(team, issued, {"authed_user": {"id": grant.user_id}})

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """Rotate: a new access and refresh token; the old access token ends right away."""
        team_id = self._refresh_tokens.pop(refresh_token, None)
        if team_id is None:
            raise ApiError("invalid_refresh_token")
        team = self._teams[team_id]
        if team.bot_token in self._teams_by_token:
            self._expire(team.bot_token)
        return oauth_reply(team, self._issue_tokens(team, rotate=True), {})

    # ------------------------------------------------------------------ helpers (lock held)

    def _issue_tokens(self, team: Team, rotate: bool) -> dict[str, Any]:
        """A new bot token for ``team`` (plus refresh token if ``rotate``) in Slack's fields."""
        secret = f"{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}"
        token = f"xoxb-{secret}-{secrets.token_urlsafe(18)}"
        if rotate:
            token = f"xoxe.xoxb-1-{secret}-{secrets.token_hex(32)}"
        team.bot_token = token
        self._teams_by_token[token] = team
        issued: dict[str, Any] = {"access_token": token}
        if rotate:
            refresh_token = f"xoxe-1-{secrets.token_hex(64)}"
            self._refresh_tokens[refresh_token] = team.team_id
            self._token_deadlines[token] = time.monotonic() + self.token_ttl
            issued.update({"refresh_token": refresh_token, "expires_in": self.token_ttl})
        return issued

    def _check_client(self, args: dict[str, Any], basic: tuple[str, str] | None) -> None:
        """HTTP Basic credentials win over ``client_id``/``client_secret`` arguments."""
        client_id, client_secret = basic or (
            str(args.get("client_id") or ""),
            str(args.get("client_secret") or ""),
        )
        if self._app_credentials is None or client_id != self._app_credentials[0]:
            raise ApiError("invalid_client_id")
        if not secrets.compare_digest(client_secret, self._app_credentials[1]):
            raise ApiError("bad_client_secret")
