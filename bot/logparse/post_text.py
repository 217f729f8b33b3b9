"""A Slack message made plain for reading time out of it (see :mod:`bot.logparse.drafts`).

Slack sends a message's ``text`` with its own markup: mentions (``<@U123>``), channel links
(``<#C123|general>``), links (``<https://…|label>``), ``&amp;``-escaped ``& < >``, emoji codes
(``:coffee:``) and ``*bold*``/``_italic_``/``~strike~``/`` `code` `` marks. People add list
bullets, checkboxes and quotes, and spell lengths in words (``2 hours``, ``30 mins``, ``1,5h``).
Here each line loses the decoration and its lengths are spelled as the grammar reads them, so
what is left is the words a user would type after ``/track log``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_FLAGS = re.IGNORECASE
_USER = re.compile(r"<@[UW][A-Z0-9]+(?:\|([^<>]*))?>")
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^<>]*))?>")
_SPECIAL = re.compile(r"<![^<>|]*(?:\|([^<>]*))?>")  # <!here>, <!subteam^S1|@team>, <!date…|…>
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
# An emoji code standing on its own (":coffee:", ":+1::skin-tone-2:"); never the colons of
# "10:30:" or "Bug:42:", which have no letter between them or stand inside a word.
_EMOJI = re.compile(
    r"(?<![^\s(\[])(?::(?=[a-z0-9_+'-]*[a-z+])[a-z0-9_+'-]{1,100}:)+(?=$|[\s).,;!?\]])", _FLAGS
)
# Formatting marks at the edge of a word (*bold*, _italic_, ~strike~, `code`), not inside one
# (snake_case stays).
_MARKS = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")
_LIST_MARKER = re.compile(
    r"^\s*(?:(?:[-•◦▪‣·+>*–—]|[0-9]{1,3}[.)]|[a-z][.)]|\[[ x✓✔]?\])\s+)+", _FLAGS
)
_SPACES = re.compile(r"\s+")
# Lengths in words, written as the grammar reads them. A number glued to a word or a decimal
# point on its left ("v1.5 hours", "x2 hours") is left alone.
_NOT_AFTER = r"(?<![\w.:,])"
_DECIMAL_COMMA = re.compile(_NOT_AFTER + r"([0-9]+),([0-9]+)\s*(?=(?:h|hrs?|hours?)\b)", _FLAGS)
_HOURS = re.compile(_NOT_AFTER + r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(?:hours?|hrs?|h)\b", _FLAGS)
_MINUTES = re.compile(_NOT_AFTER + r"([0-9]+)\s*(?:minutes?|mins?|m)\b", _FLAGS)
# Characters that decorate rather than say anything: symbols such as ✅ 🚀 ✓, and the joiners
# and selectors emoji are made of.
_DECORATION_CATEGORIES = ("So", "Sk", "Cf", "Co")


def plain_lines(text: str) -> Iterator[str]:
    """The message's lines, each plain and in the grammar's spellings; empty lines left out."""
    text = _SPECIAL.sub(lambda m: m[1] or "", text)
    text = _USER.sub(lambda m: f"@{m[1]}" if m[1] else "", text)
    text = _CHANNEL.sub(lambda m: f"#{m[1]}" if m[1] else "", text)
    text = _LINK.sub(lambda m: m[2] or m[1], text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    for line in text.splitlines():
        line = _LIST_MARKER.sub("", _undecorated(_EMOJI.sub(" ", line)))
        line = _MARKS.sub("", line)
        line = _LIST_MARKER.sub("", line)  # a bullet that was bold, or came after a checkbox
        line = _SPACES.sub(" ", spelled_lengths(line)).strip()
        if line:
            yield line


def spelled_lengths(text: str) -> str:
    """``2 hours`` as ``2h``, ``30 mins`` as ``30m``, ``1,5 h`` as ``1.5h``."""
    text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    text = _HOURS.sub(r"\1h", text)
    return _MINUTES.sub(r"\1m", text)


def _undecorated(line: str) -> str:
    return "".join(
        " " if unicodedata.category(char) in _DECORATION_CATEGORIES else char for char in line
    )
