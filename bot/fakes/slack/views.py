"""Modals and Home tabs in the fake: ``views.open``, ``views.push``, ``views.update``,
``views.publish``, and the one-shot ``trigger_id`` s they need.

View ids, ``hash`` optimistic locking (``hash_conflict``) and Home tabs per user are modelled;
submitted views are echoed verbatim (Slack's normalisation and view ``state`` values are left out,
see :mod:`bot.fakes.slack`).
"""

from __future__ import annotations

import copy
import secrets
import time
from typing import Any

from bot.fakes.slack.models import ApiError, Handler, Team, Trigger
from bot.fakes.slack.state import SlackState


class ViewMethods(SlackState):
    """Views by id (kept in :attr:`views`) and the Home tab per user (:attr:`home_views`)."""

    def _view_methods(self) -> dict[str, Handler]:
        """This area's Web API methods by name."""
        return {
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }

    def new_trigger_id(self, view_id: str | None = None) -> str:
        """A trigger id ``views.open`` accepts once within :attr:`trigger_ttl` seconds.

        Pass ``view_id`` for a trigger that comes from inside that modal (needed by ``views.push``).
        """
        with self._lock:
            self._seq += 1
            trigger_id = f"{self._seq}.{secrets.randbelow(10**11):011d}.{secrets.token_hex(16)}"
            self._triggers[trigger_id] = Trigger(time.monotonic(), view_id)
            return trigger_id

    # ------------------------------------------------------------------ Web API methods

    def _views_open(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        view = self._require_view(args, ("modal",))
        self._check_external_id(team, view, None)
        self._exchange_trigger(args)
        view_id = self._new_id("V")
        built = self._build_view(team, view, view_id)
        self.views[view_id] = built
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}

    def _views_push(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        view = self._require_view(args, ("modal",))
        self._check_external_id(team, view, None)
        trigger = self._exchange_trigger(args)
        parent = self.views.get(trigger.view_id or "")
        if parent is None or parent["type"] != "modal":
            raise ApiError("invalid_arguments", ["[ERROR] trigger_id does not come from a modal"])
        depth = 1
        node = parent
        while node.get("previous_view_id"):
            depth += 1
            node = self.views[node["previous_view_id"]]
        if depth >= 3:
            raise ApiError("push_limit_reached")
        view_id = self._new_id("V")
        built = self._build_view(team, view, view_id, parent["root_view_id"], parent["id"])
        self.views[view_id] = built
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}

    def _views_update(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        view = self._require_view(args, ("modal", "home"))
        stored: dict[str, Any] | None = None
        if args.get("view_id"):
            stored = self.views.get(str(args["view_id"]))
        elif args.get("external_id"):
            stored = next(
                (
                    v
                    for v in self.views.values()
                    if v["team_id"] == team.team_id and v["external_id"] == args["external_id"]
                ),
                None,
            )
        else:
            raise ApiError("invalid_arguments", ["[ERROR] either view_id or external_id required"])
        if stored is None or stored["team_id"] != team.team_id:
            raise ApiError("not_found")
        if args.get("hash") and args["hash"] != stored["hash"]:
            raise ApiError("hash_conflict")
        if view["type"] != stored["type"]:
            raise ApiError("invalid_arguments", ["[ERROR] view type cannot change"])
        self._check_external_id(team, view, stored["id"])
        if "external_id" not in view:
            view["external_id"] = stored["external_id"]
        built = self._build_view(
            team, view, stored["id"], stored["root_view_id"], stored["previous_view_id"]
        )
        self.views[stored["id"]] = built
        owner = self._home_owner.get(stored["id"])
        if owner is not None:
            self.home_views[owner] = built
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}

    def _views_publish(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user_id") or "")
        if (team.team_id, user_id) not in self._users:
            raise ApiError("invalid_arguments", ["[ERROR] invalid `user_id`"])
        view = self._require_view(args, ("home",))
        key = (team.team_id, user_id)
        existing = self.home_views.get(key)
        if existing and args.get("hash") and args["hash"] != existing["hash"]:
            raise ApiError("hash_conflict")
        view_id = existing["id"] if existing else self._new_id("V")
        self._check_external_id(team, view, view_id)
        built = self._build_view(team, view, view_id)
        self.views[view_id] = built
        self.home_views[key] = built
        self._home_owner[view_id] = key
        return {"view": built, "response_metadata": {"messages": [], "warnings": []}}

    # ------------------------------------------------------------------ helpers (lock held)

    def _require_view(self, args: dict[str, Any], types: tuple[str, ...]) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict):
            raise ApiError("invalid_arguments", ["[ERROR] missing required field: view"])
        if view.get("type") not in types:
            raise ApiError(
                "invalid_arguments",
                [f"[ERROR] must be one of {list(types)} [json-pointer:/view/type]"],
            )
        blocks = view.get("blocks")
        if not isinstance(blocks, list) or len(blocks) > 100:
            raise ApiError(
                "invalid_arguments",
                ["[ERROR] must be a list of at most 100 blocks [json-pointer:/view/blocks]"],
            )
        if view["type"] == "modal":
            title = view.get("title")
            if not isinstance(title, dict) or title.get("type") != "plain_text":
                raise ApiError(
                    "invalid_arguments",
                    ["[ERROR] missing required field: title [json-pointer:/view]"],
                )
        return copy.deepcopy(view)

    def _check_external_id(self, team: Team, view: dict[str, Any], own_id: str | None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for stored in self.views.values():
            if (
                stored["team_id"] == team.team_id
                and stored.get("external_id") == external_id
                and stored["id"] != own_id
            ):
                raise ApiError("duplicate_external_id")

    def _exchange_trigger(self, args: dict[str, Any]) -> Trigger:
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise ApiError("invalid_arguments", ["[ERROR] missing required field: trigger_id"])
        trigger = self._triggers.get(str(trigger_id))
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise ApiError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _build_view(
        self,
        team: Team,
        view: dict[str, Any],
        view_id: str,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
    ) -> dict[str, Any]:
        """The view object as Slack returns it from views.open/update/push/publish."""
        built: dict[str, Any] = {"id": view_id, "team_id": team.team_id, "type": view["type"]}
        if "title" in view:
            built["title"] = view["title"]
        built.update(
            {
                "submit": view.get("submit"),
                "close": view.get("close"),
                "blocks": view["blocks"],
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "external_id": view.get("external_id", ""),
                "state": {"values": {}},
                "hash": self._new_hash(),
                "clear_on_close": bool(view.get("clear_on_close", False)),
                "notify_on_close": bool(view.get("notify_on_close", False)),
                "root_view_id": root_view_id or view_id,
                "previous_view_id": previous_view_id,
                "app_id": team.app_id,
                "app_installed_team_id": team.team_id,
                "bot_id": team.bot_id,
            }
        )
        if view["type"] == "modal":
            built["submit_disabled"] = bool(view.get("submit_disabled", False))
        return built
