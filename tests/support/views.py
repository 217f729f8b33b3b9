"""A modal's state as Slack submits it when the user changes nothing, or only some fields."""

from __future__ import annotations

from typing import Any

_INITIAL_STATE = (
    ("initial_option", "selected_option"),
    ("initial_options", "selected_options"),
    ("initial_date", "selected_date"),
    ("initial_time", "selected_time"),
    ("initial_value", "value"),
)


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
        state: dict[str, Any] = {"type": element["type"]}
        for initial, key in _INITIAL_STATE:
            if element.get(initial):
                state[key] = element[initial]
        if block["block_id"] in (changes or {}):
            state |= (changes or {})[block["block_id"]]
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def option_state(value: str, text: str) -> dict[str, Any]:
    return {"selected_option": {"text": {"type": "plain_text", "text": text}, "value": value}}
