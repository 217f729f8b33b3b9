"""People in the fake: :meth:`UserMethods.add_user` and ``users.info``."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.fakes.slack.models import ApiError, Handler, Team, User
from bot.fakes.slack.shapes import user_object
from bot.fakes.slack.state import SlackState


class UserMethods(SlackState):
    """Human users per team (bot users come with their team)."""

    def _user_methods(self) -> dict[str, Handler]:
        """This area's Web API methods by name."""
        return {"users.info": self._users_info}

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

    # ------------------------------------------------------------------ Web API methods

    def _users_info(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get((team.team_id, str(args.get("user") or "")))
        if user is None:
            raise ApiError("user_not_found")
        include_locale = str(args.get("include_locale", "")).lower() in ("1", "true")
        return {"user": user_object(team, user, include_locale)}
