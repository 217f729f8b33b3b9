"""What a playground user can type: the commands, shortcuts by their names in manifest.yml,
and messages as Slack would deliver them (channel names as Slack's escaped ``<#C…|name>``, and
``\\n`` as a line break, which a terminal line has none of)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from bot.playground.demo import USERS

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"

# The demo workspace's channels (any other #word stays text, as Slack leaves an unknown name).
CHANNELS = {"general": "C0GENERAL", "standup": "C0STANDUP", "team-time": "C0TEAM"}
_CHANNEL_NAME = re.compile(r"(?<![<\w#])#([a-z0-9_-]+)")


def channel_id(name: str) -> str | None:
    """The id of a demo channel, named with or without its ``#``."""
    return CHANNELS.get(name.removeprefix("#").casefold())


def slack_escaped(text: str) -> str:
    """``#standup`` as Slack sends it in a command declared with ``should_escape``."""

    def escaped(match: re.Match[str]) -> str:
        found = channel_id(match[1])
        return f"<#{found}|{match[1]}>" if found else match[0]

    return _CHANNEL_NAME.sub(escaped, text)


def message_text(typed: str) -> str:
    """What was typed as a message: ``\\n`` starts a new line."""
    return typed.replace("\\n", "\n")


HELP = (
    ("/track …", "run the slash command, e.g. /track start Design review in Website"),
    ("click N [option]", "press button N (or choose an option of select or ⋯ menu N)"),
    ("set LABEL VALUE", "fill a field of the open modal (LABEL may be its number)"),
    ("submit · close", "submit or close the open modal"),
    ("home", "open the app's Home tab"),
    ("shortcut NAME", "run a global shortcut (its name or callback id)"),
    ("shortcut message TEXT", "run Log entries from message on a message of yours (\\n: new line)"),
    ("post #CHANNEL TEXT", "post a message in a channel: " + ", ".join(f"#{c}" for c in CHANNELS)),
    ("as USER", "act as another Slack user: " + ", ".join(USERS)),
    ("help · quit", "this list · leave"),
)


def shortcut_callback_id(name: str) -> str:
    """A shortcut's callback id from its name in manifest.yml (or the callback id itself)."""
    wanted = " ".join(shlex.split(name)).casefold() if name else ""
    if MANIFEST.exists():
        import yaml  # only the playground reads the manifest

        manifest = yaml.safe_load(MANIFEST.read_text()) or {}
        for shortcut in (manifest.get("features") or {}).get("shortcuts") or []:
            if wanted in (shortcut["name"].casefold(), shortcut["callback_id"].casefold()):
                return str(shortcut["callback_id"])
    return name.strip()
