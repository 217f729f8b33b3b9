"""Messages and conversations in the fake: ``chat.*`` and ``conversations.open``.

Any ``C…``/``G…`` id is a channel the bot may post to (channel membership and names are left
out); a user id as ``channel`` means the DM with that user, as in Slack.
"""

from __future__ import annotations

import time
from typing import Any

from bot.fakes.slack.models import ApiError, Handler, Team
from bot.fakes.slack.shapes import has_content
from bot.fakes.slack.state import SlackState


class ChatMethods(SlackState):
    """Posted messages (kept in :attr:`messages`), DMs and group DMs."""

    def _chat_methods(self) -> dict[str, Handler]:
        """This area's Web API methods by name."""
        return {
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
        }

    # ------------------------------------------------------------------ Web API methods

    def _chat_post_message(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(team, args.get("channel"))
        self._check_message_content(args)
        ts = self._new_ts()
        message = self._message(team, args, ts)
        self.messages[(channel, ts)] = {**message, "channel": channel}
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        self._resolve_channel(team, args.get("channel"))
        if (team.team_id, args.get("user")) not in self._users:
            raise ApiError("user_not_found")
        self._check_message_content(args)
        return {"message_ts": self._new_ts()}

    def _find_message(self, team: Team, args: dict[str, Any]) -> tuple[str, str]:
        channel = self._resolve_channel(team, args.get("channel"))
        key = (channel, str(args.get("ts") or ""))
        if key not in self.messages:
            raise ApiError("message_not_found")
        return key

    def _chat_update(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._find_message(team, args)
        self._check_message_content(args)
        stored = self.messages[(channel, ts)]
        stored["text"] = args.get("text") or ""
        for name in ("blocks", "attachments"):
            if name in args:
                stored[name] = args[name]
        message = {k: v for k, v in stored.items() if k not in ("channel", "ts", "type")}
        return {"channel": channel, "ts": ts, "text": stored["text"], "message": message}

    def _chat_delete(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._find_message(team, args)
        del self.messages[(channel, ts)]
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        """Any message in a channel the fake knows of: Slack checks the message exists, but
        messages the tests "saw" were posted by people, not through this fake."""
        channel = self._resolve_channel(team, args.get("channel"))
        ts = str(args.get("message_ts") or "")
        if not ts:
            raise ApiError("invalid_arguments")
        link = f"https://{team.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def _conversations_open(self, team: Team, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            channel = args.get("channel")
            if not channel:
                raise ApiError("users_list_not_supplied")
            if channel not in self._dm_ids and channel not in self._mpims.values():
                raise ApiError("channel_not_found")
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        for user_id in users:
            if (team.team_id, user_id) not in self._users:
                raise ApiError("user_not_found")
        if len(users) == 1:
            existed = (team.team_id, users[0]) in self._dms
            channel_id = self._dm_channel(team.team_id, users[0])
        else:
            key = (team.team_id, tuple(sorted(set(users))))
            existed = key in self._mpims
            if not existed:
                self._mpims[key] = self._new_id("G")
            channel_id = self._mpims[key]
        channel: dict[str, Any] = {"id": channel_id}
        if len(users) == 1 and str(args.get("return_im", "")).lower() in ("1", "true"):
            channel.update(
                {
                    "created": int(time.time()),
                    "is_im": True,
                    "is_org_shared": False,
                    "user": users[0],
                    "last_read": "0000000000.000000",
                    "latest": None,
                    "unread_count": 0,
                    "unread_count_display": 0,
                    "is_open": True,
                    "priority": 0,
                }
            )
        reply: dict[str, Any] = {"channel": channel}
        if existed:
            reply = {"no_op": True, "already_open": True, **reply}
        return reply

    # ------------------------------------------------------------------ helpers (lock held)

    def _dm_channel(self, team_id: str, user_id: str) -> str:
        key = (team_id, user_id)
        if key not in self._dms:
            self._dms[key] = self._new_id("D")
            self._dm_ids.add(self._dms[key])
        return self._dms[key]

    def _resolve_channel(self, team: Team, channel: Any) -> str:
        """Channel id a message lands in: user ids mean the DM with that user, as in Slack."""
        if not isinstance(channel, str) or not channel:
            raise ApiError("channel_not_found")
        if channel[0] in "CG":
            return channel
        if channel[0] == "D" and channel in self._dm_ids:
            return channel
        if channel[0] in "UW" and (team.team_id, channel) in self._users:
            return self._dm_channel(team.team_id, channel)
        raise ApiError("channel_not_found")

    def _check_message_content(self, args: dict[str, Any]) -> None:
        blocks = args.get("blocks")
        if blocks is not None and not isinstance(blocks, list):
            raise ApiError("invalid_blocks_format")
        if isinstance(blocks, list) and len(blocks) > 50:
            raise ApiError("invalid_blocks", ["[ERROR] must be at most 50 items [json-pointer:]"])
        if not has_content(args):
            raise ApiError("no_text")
        if len(str(args.get("text") or "")) > 40000:
            raise ApiError("msg_too_long")

    def _message(self, team: Team, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "text": args.get("text") or "",
            "user": team.bot_user_id,
            "ts": ts,
            "bot_id": team.bot_id,
            "app_id": team.app_id,
            "team": team.team_id,
        }
        for name in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(name):
                message[name] = args[name]
        return message
