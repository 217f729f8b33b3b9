"""``/track standup``: where the app offers to log what a user posts, in words."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.message import Message
from bot.blocks.parts import context, section
from bot.commands import MAX_STANDUP_CHANNELS

HOW = (
    "When you post there, I answer only you with the entries I read in your post (like "
    "`2h API review` or `Yesterday: 9-10:30 design sync`) and a button to check and log them. "
    "I keep nothing of your posts."
)
INVITE = (
    "I see posts only in channels I'm in: if I'm not in one yet, `/invite @TrackingTime` there."
)


def _channels(channel_ids: Sequence[str]) -> str:
    return ", ".join(f"<#{channel_id}>" for channel_id in channel_ids)


def standup_status_message(channel_ids: Sequence[str]) -> Message:
    if not channel_ids:
        text = ":memo: I don't offer to log your posts anywhere yet."
        hint = "`/track standup #channel` turns it on for a channel, such as your stand-up's."
    else:
        text = f":memo: I offer to log what you post in {_channels(channel_ids)}."
        hint = "`/track standup off` stops it everywhere, `/track standup off #channel` in one."
    return Message(text=text, blocks=(section(text), context(hint)))


def standup_on_message(channel_ids: Sequence[str]) -> Message:
    text = f":white_check_mark: I'll offer to log what you post in {_channels(channel_ids)}."
    return Message(
        text=text,
        blocks=(
            section(f"{text}\n{HOW}"),
            context(f"{INVITE} `/track standup off` stops it."),
        ),
    )


def standup_too_many_message() -> Message:
    text = (
        f":warning: I offer drafts in at most {MAX_STANDUP_CHANNELS} channels for you: "
        "`/track standup off #channel` one of them first."
    )
    return Message(text=text, blocks=(section(text),))


def standup_off_message(stopped: int, channel_ids: Sequence[str]) -> Message:
    where = _channels(channel_ids) if channel_ids else "any channel"
    if stopped:
        text = f":white_check_mark: I no longer offer to log what you post in {where}."
    else:
        text = f":information_source: I wasn't offering to log what you post in {where}."
    return Message(text=text, blocks=(section(text),))
