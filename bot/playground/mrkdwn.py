"""Slack mrkdwn to rich console markup."""

from __future__ import annotations

import re

from rich.markup import escape

from bot.playground.vocabulary import CHANNELS

_CHANNEL_NAMES = {channel_id: name for name, channel_id in CHANNELS.items()}

_ANGLE = re.compile(r"<([^<>\n]+)>")
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), "bold"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), "italic"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"), "strike"),
)
_CODE = re.compile(r"`([^`\n]+)`")


def _angle(match: re.Match[str]) -> str:
    """Slack's ``<…>`` forms: dates, links, mentions."""
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("!date^"):
        return label or target
    if target.startswith("#") and not label and target[1:] in _CHANNEL_NAMES:
        return f"#{_CHANNEL_NAMES[target[1:]]}"  # Slack shows a channel by its name
    if target.startswith(("@", "#")):
        return label or target
    if target.startswith("!"):
        return f"@{label or target[1:]}"
    return f"{label} ({target})" if label else target


def to_rich(text: str) -> str:
    """Console markup for a mrkdwn string: *bold*, _italic_, ~strike~, `code`, links, dates."""
    text = _ANGLE.sub(_angle, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = escape(text)
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(match.group(1))
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE.sub(keep_code, text)  # no emphasis inside code
    for pattern, style in _STYLES:
        text = pattern.sub(rf"[{style}]\1[/{style}]", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: f"[cyan]{codes[int(m.group(1))]}[/cyan]", text)
