"""Slack's OAuth v2 and tokens in the fake: installs, people's user tokens, token rotation,
``auth.test``.

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

User tokens: ``user_scopes`` (e.g. ``"users.profile:read,users.profile:write"``) has the exchange
answer ``authed_user`` with the person's ``xoxp-…`` token, ``scope`` and ``token_type: "user"``
(with rotation ``xoxe.xoxp-1-…`` and ``refresh_token``/``expires_in`` inside ``authed_user``), as
Slack does. ``scopes=""`` is a grant of the person's alone (the app is installed in the team
already, or acts only for people): its answer has no top-level ``access_token``, ``token_type``,
``scope`` or ``bot_user_id``, and the team's bot token stays valid; in a team the fake does not
know yet it creates the team, without a bot token. Refreshing a user refresh token answers a new
user token at the top level (``token_type: "user"``, no ``bot_user_id``) and ends the previous one
(``token_expired``); the bot's token is untouched. A re-grant ends the person's previous user
token (``invalid_auth``, as a re-install does for the bot's) and a bot re-install leaves people's
tokens alone. :meth:`FakeSlack.revoke_user_token` (the person removed the app's access) and
:meth:`FakeSlack.revoke_team` make user tokens answer ``token_revoked``. A user token acts as its
person in ``auth.test``, ``users.info`` (needs ``users:read``), ``users.profile.get``
(``users.profile:read``) and ``users.profile.set`` (``users.profile:write``), scopes enforced
(``missing_scope`` with ``needed``/``provided``); any other method answers
``not_allowed_token_type`` (Slack would act as the person there). Bot tokens' scopes are not
enforced.

Left out: ``incoming_webhook``, org-wide installs, ``state``, and the user id in a refresh's answer.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Any

from bot.fakes.slack.models import (
    BOT_SCOPES,
    Access,
    ApiError,
    AppHandler,
    Caller,
    Grant,
    PersonMethod,
    Team,
    User,
)
from bot.fakes.slack.shapes import handle, oauth_reply
from bot.fakes.slack.state import SlackState


class OAuthMethods(SlackState):
    """The app's credentials, installs and tokens; ``oauth.v2.access`` and ``auth.test``."""

    def _oauth_methods(self) -> tuple[dict[str, PersonMethod], dict[str, AppHandler]]:
        """This area's Web API methods: those called with a token, those with app credentials."""
        people = {"auth.test": PersonMethod(self._auth_test)}
        return people, {"oauth.v2.access": self._oauth_v2_access}

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
        scopes: str = BOT_SCOPES,
        user_scopes: str = "",
        redirect_uri: str | None = None,
    ) -> str:
        """What the user clicking "Allow" gives the app: a one-time ``code``, valid
        :attr:`code_ttl` seconds, for ``oauth.v2.access``.

        Nothing changes until the exchange: it creates the team (as :meth:`add_team` would) or
        replaces its bot token, and registers ``user_id`` as a user of it. ``user_scopes``
        (comma-separated) grants ``user_id`` a user token too; ``scopes=""`` makes it the
        person's grant alone (see :mod:`bot.fakes.slack.oauth`). ``redirect_uri``, if given, must
        be sent again with the exchange (``bad_redirect_uri``), as in Slack.
        """
        if not scopes and not user_scopes:
            raise ValueError("nothing to approve: give scopes, user_scopes or both")
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
                user_scopes,
            )
            return code

    def expire_token(self, token: str) -> None:
        """Make a working access token (bot or user) answer ``token_expired`` from now on.

        Tests use it to prove the app refreshes before use rather than on failure.
        """
        with self._lock:
            if token not in self._tokens:
                raise KeyError(f"unknown or already dead token {token[:10]!r}…")
            self._expire(token)

    def revoke_team(self, team_id: str) -> None:
        """Uninstall the app from ``team_id``: its bot tokens answer ``invalid_auth``, its
        people's user tokens ``token_revoked`` and its refresh tokens ``invalid_refresh_token``;
        users, statuses, views and messages stay."""
        with self._lock:
            if team_id not in self._teams:
                raise KeyError(f"unknown team {team_id!r}")
            self._end_tokens(lambda a: a.team_id == team_id and not a.is_user, None)
            self._end_tokens(lambda a: a.team_id == team_id, "token_revoked")

    def revoke_user_token(self, team_id: str, user_id: str) -> None:
        """The person removed the app's access to their account: their user tokens answer
        ``token_revoked`` and their refresh tokens ``invalid_refresh_token``; the bot's stay."""
        with self._lock:
            if (team_id, user_id) not in self._users:
                raise KeyError(f"unknown user {user_id!r} in team {team_id!r}")
            self._end_tokens(
                lambda a: (a.team_id, a.user_id) == (team_id, user_id), "token_revoked"
            )

    def user_token_of(self, team_id: str, user_id: str) -> str | None:
        """The person's live user token; ``None`` if they granted none or it has ended."""
        with self._lock:
            return self._live_token(team_id, user_id)

    # ------------------------------------------------------------------ Web API methods

    def _auth_test(self, caller: Caller, args: dict[str, Any]) -> dict[str, Any]:
        team = caller.team
        reply: dict[str, Any] = {"url": f"https://{team.domain}.slack.com/", "team": team.name}
        if caller.access.is_user:
            person = self._users[(team.team_id, caller.user_id)]
            reply.update(user=handle(person), team_id=team.team_id, user_id=caller.user_id)
        else:
            reply.update(user="trackingtime", team_id=team.team_id, user_id=team.bot_user_id)
            reply.update(bot_id=team.bot_id, app_id=team.app_id, app_name="TrackingTime")
        reply["is_enterprise_install"] = False
        if team.enterprise_id:
            reply["enterprise_id"] = team.enterprise_id
        deadline = self._token_deadlines.get(caller.token)
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
        team = self._granted_team(grant)
        authed_user: dict[str, Any] = {"id": grant.user_id}
        if grant.user_scopes:
            person = Access(team.team_id, grant.user_id, grant.user_scopes)
            self._end_tokens(
                lambda a: (a.team_id, a.user_id) == (team.team_id, grant.user_id), None
            )
            issued = self._issue(person, grant.rotate_tokens)
            authed_user.update({"scope": grant.user_scopes, "token_type": "user", **issued})
        if not grant.scopes:
            return oauth_reply(team, {"authed_user": authed_user})
        bot = Access(team.team_id, None, grant.scopes)
        self._end_tokens(lambda a: a.team_id == team.team_id and not a.is_user, None)
        issued = self._issue(bot, grant.rotate_tokens)
        return oauth_reply(team, {"authed_user": authed_user}, bot, issued)

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """Rotate: a new access and refresh token for the bot or the person the refresh token
        belongs to; their previous access token ends right away."""
        access = self._refresh_tokens.pop(refresh_token, None)
        if access is None:
            raise ApiError("invalid_refresh_token")
        previous = self._live_token(access.team_id, access.user_id)
        if previous is not None:
            self._expire(previous)
        team = self._teams[access.team_id]
        return oauth_reply(team, {}, access, self._issue(access, rotate=True))

    # ------------------------------------------------------------------ helpers (lock held)

    def _granted_team(self, grant: Grant) -> Team:
        """The team of ``grant``, created if new, with ``grant.user_id`` registered in it.

        A bot install renames the team as the grant says; a person's grant alone leaves it.
        """
        team = self._teams.get(grant.team_id)
        if team is None:
            team = self._register_team(
                grant.team_id, None, grant.team_name, grant.enterprise_id, self._new_id("U")
            )
        elif grant.scopes:
            team.name, team.enterprise_id = grant.team_name, grant.enterprise_id
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
        return team

    def _issue(self, access: Access, rotate: bool) -> dict[str, Any]:
        """A new access token for ``access`` (plus refresh token if ``rotate``) in Slack's
        fields; the caller ends the previous one."""
        kind = "xoxp" if access.is_user else "xoxb"
        secret = f"{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}"
        if rotate:
            token = f"xoxe.{kind}-1-{secret}-{secrets.token_hex(32)}"
        elif access.is_user:
            token = f"xoxp-{secret}-{secrets.randbelow(10**13):013d}-{secrets.token_hex(16)}"
        else:
            token = f"xoxb-{secret}-{secrets.token_urlsafe(18)}"
        self._tokens[token] = access
        issued: dict[str, Any] = {"access_token": token}
        if rotate:
            refresh_token = f"xoxe-1-{secrets.token_hex(64)}"
            self._refresh_tokens[refresh_token] = access
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
