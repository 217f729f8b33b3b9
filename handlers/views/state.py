"""Reading input values out of a submitted view's state."""

from __future__ import annotations

from typing import Any


def input_value(view: dict[str, Any], block_and_action: tuple[str, str]) -> dict[str, Any]:
    """The state of one input (``{}`` when Slack sent none, e.g. an untouched optional input)."""
    block_id, action_id = block_and_action
    values = (view.get("state") or {}).get("values") or {}
    return dict((values.get(block_id) or {}).get(action_id) or {})
