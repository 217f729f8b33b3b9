"""The message container the builders return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block

MAX_MESSAGE_BLOCKS = 50


@dataclass(frozen=True)
class Message:
    """A Block Kit message: ``text`` is the notification and screen-reader fallback."""

    text: str
    blocks: tuple[Block, ...]

    def to_dict(self) -> dict[str, Any]:
        """The message as Slack takes it; raises ``SlackObjectFormationError`` when invalid."""
        if len(self.blocks) > MAX_MESSAGE_BLOCKS:
            raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")
        return {"text": self.text, "blocks": [block.to_dict() for block in self.blocks]}
