"""People in the fake: :meth:`UserMethods.add_user`, their Slack status, ``users.info`` and
``users.profile.get``/``users.profile.set``.

A status is text, emoji and expiration (Unix time, 0 for none), as in Slack:

* ``users.profile.get`` answers the ``profile`` of the token's person, or of ``user`` (any user
  of the team; a bot token may read anyone's, its scopes are not checked);
* ``users.profile.set`` takes a person's user token only (a bot token: ``not_allowed_token_type``)
  and ``profile`` as JSON (string or object) or one ``name``/``value`` pair; it answers
  ``username`` and the whole ``profile``. ``status_text`` over 100 characters → ``too_long``; a
  ``status_emoji`` not of the form ``:name:`` (``:name::skin-tone-N:`` too) →
  ``profile_set_failed``; a ``profile`` that is not a JSON object, or neither ``profile`` nor
  ``name`` → ``invalid_profile``. Text and emoji are set together (one left out is empty, as
  Slack's docs ask for both), a text without emoji gets ``:speech_balloon:`` as in Slack, and a
  cleared status has no expiration. Other profile fields are accepted and ignored;
* another person's profile (``user``) only for admins and owners (else ``not_admin``); an admin's
  or owner's only for an owner, and not an owner's (``cannot_update_admin_user``, Slack: only the
  primary owner); a bot user's only for an owner (``not_app_admin``). Slack's paid-plan condition
  is left out;
* a status whose expiration has passed reads empty everywhere (Slack clears it by itself).

Choices where Slack's behaviour is unclear: ``users.profile.set`` for an unknown ``user`` answers
``user_not_found``; the ``too_long`` error (Slack's docs only give the 100-character limit).
"""

from __future__ import annotations

import re
import time
from typing import Any
from zoneinfo import ZoneInfo

from bot.fakes.slack.models import ApiError, Caller, FakeStatus, PersonMethod, User
from bot.fakes.slack.shapes import handle, profile_object, user_object
from bot.fakes.slack.state import SlackState

#: The most characters Slack takes in ``status_text``.
STATUS_TEXT_MAX = 100

#: The emoji Slack gives a status set with text but no emoji.
DEFAULT_STATUS_EMOJI = ":speech_balloon:"

_EMOJI = re.compile(r":[a-z0-9_+'-]+:(?::skin-tone-[2-6]:)?")


class UserMethods(SlackState):
    """Human users per team (bot users come with their team) and their statuses."""

    def _user_methods(self) -> dict[str, PersonMethod]:
        """This area's Web API methods by name, with the scopes a user token needs."""
        return {
            "users.info": PersonMethod(self._users_info, "users:read"),
            "users.profile.get": PersonMethod(self._users_profile_get, "users.profile:read"),
            "users.profile.set": PersonMethod(
                self._users_profile_set, "users.profile:write", bot_too=False
            ),
        }

    def add_user(
        self,
        team_id: str,
        user_id: str,
        name: str,
        tz: str = "Europe/Berlin",
        is_admin: bool = False,
        is_owner: bool = False,
        email: str | None = None,
    ) -> None:
        """Register a human user; ``name`` is the real name, ``tz`` an IANA zone name.

        ``email=None`` leaves ``profile.email`` out, as Slack does without ``users:read.email``.
        """
        ZoneInfo(tz)  # fail here, not in a request handler, on a misspelt zone
        with self._lock:
            if team_id not in self._teams:
                raise KeyError(f"unknown team {team_id!r}: call add_team() first")
            self._users[(team_id, user_id)] = User(
                team_id, user_id, name, tz, is_admin, is_owner, email
            )

    def set_status(
        self, team_id: str, user_id: str, text: str, emoji: str = "", expiration: int = 0
    ) -> None:
        """The person sets their own status in Slack (``expiration``: Unix time, 0 for none).

        Slack's rules apply as in ``users.profile.set`` (see the module docstring); breaking one
        raises ``ValueError`` naming the error the API would answer.
        """
        changes = {"status_text": text, "status_emoji": emoji, "status_expiration": expiration}
        with self._lock:
            user = self._user(team_id, user_id)
            try:
                user.status = _changed_status(user.status, changes)
            except ApiError as e:
                raise ValueError(f"{e.error}: {changes}") from None

    def status_of(self, team_id: str, user_id: str) -> FakeStatus:
        """The person's status as Slack shows it now (empty once it has expired)."""
        with self._lock:
            return self._user(team_id, user_id).status.as_of(time.time())

    # ------------------------------------------------------------------ Web API methods

    def _users_info(self, caller: Caller, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get((caller.team.team_id, str(args.get("user") or "")))
        if user is None:
            raise ApiError("user_not_found")
        include_locale = str(args.get("include_locale", "")).lower() in ("1", "true")
        return {"user": user_object(caller.team, user, include_locale)}

    def _users_profile_get(self, caller: Caller, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get((caller.team.team_id, str(args.get("user") or caller.user_id)))
        if user is None:
            raise ApiError("user_not_found")
        return {"profile": profile_object(caller.team, user)}

    def _users_profile_set(self, caller: Caller, args: dict[str, Any]) -> dict[str, Any]:
        user = self._profile_owner(caller, str(args.get("user") or caller.user_id))
        user.status = _changed_status(user.status, _profile_changes(args))
        return {"username": handle(user), "profile": profile_object(caller.team, user)}

    # ------------------------------------------------------------------ helpers (lock held)

    def _user(self, team_id: str, user_id: str) -> User:
        user = self._users.get((team_id, user_id))
        if user is None:
            raise KeyError(f"unknown user {user_id!r} in team {team_id!r}")
        return user

    def _profile_owner(self, caller: Caller, user_id: str) -> User:
        """The user whose profile ``caller`` changes, if Slack's roles allow it."""
        me = self._users[(caller.team.team_id, caller.user_id)]
        if user_id == me.user_id:
            return me
        if not (me.is_admin or me.is_owner):
            raise ApiError("not_admin")
        other = self._users.get((caller.team.team_id, user_id))
        if other is None:
            raise ApiError("user_not_found")
        if other.is_bot and not me.is_owner:
            raise ApiError("not_app_admin")
        if other.is_owner or (other.is_admin and not me.is_owner):
            raise ApiError("cannot_update_admin_user")
        return other


def _profile_changes(args: dict[str, Any]) -> dict[str, Any]:
    """The fields ``users.profile.set`` is asked to change (``profile`` arrives decoded)."""
    if "profile" in args:
        if not isinstance(args["profile"], dict):
            raise ApiError("invalid_profile")
        return args["profile"]
    if args.get("name"):
        return {str(args["name"]): args.get("value", "")}
    raise ApiError("invalid_profile")


def _changed_status(status: FakeStatus, changes: dict[str, Any]) -> FakeStatus:
    """``status`` after ``changes`` (profile fields), checked as Slack checks them."""
    status = status.as_of(time.time())
    if "status_text" in changes or "status_emoji" in changes:
        text, emoji = changes.get("status_text", ""), changes.get("status_emoji", "")
        expiration = changes.get("status_expiration", 0)
    elif "status_expiration" in changes:
        text, emoji, expiration = status.text, status.emoji, changes["status_expiration"]
    else:
        return status
    if isinstance(expiration, str) and expiration.isdigit():
        expiration = int(expiration)
    if not (isinstance(text, str) and isinstance(emoji, str)) or not _is_unix_time(expiration):
        raise ApiError("invalid_profile")
    if len(text) > STATUS_TEXT_MAX:
        raise ApiError("too_long")
    if emoji and not _EMOJI.fullmatch(emoji):
        raise ApiError("profile_set_failed")
    if text and not emoji:
        emoji = DEFAULT_STATUS_EMOJI
    return FakeStatus(text, emoji, expiration if text or emoji else 0)


def _is_unix_time(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
