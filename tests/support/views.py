"""A modal's state as Slack submits it when the user changes nothing, or only some fields."""

from __future__ import annotations

from typing import Any

from bot.playground.modal_state import initial_state


def submitted_values(
    view: dict[str, Any], changes: dict[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each input's initial value as its state (Slack submits an untouched input so), with
    ``changes`` (block id → state) on top."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        state = initial_state(element) or {"type": element["type"]}
        state |= (changes or {}).get(block["block_id"], {})
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def option_state(value: str, text: str) -> dict[str, Any]:
    return {"selected_option": {"text": {"type": "plain_text", "text": text}, "value": value}}
