"""What the playground reads out of a modal and writes into its state, as Slack's client does:
its inputs and their labels, the option a user means, and the state an input reports."""

from __future__ import annotations

from datetime import date
from typing import Any


def plain(text: dict[str, Any] | None) -> str:
    return str((text or {}).get("text") or "")


def inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view.get("blocks", []) if b.get("type") == "input" and b.get("block_id")]


def label(block: dict[str, Any]) -> str:
    return str((block.get("label") or {}).get("text") or block.get("block_id"))


def pick(options: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """The option whose text is ``wanted``, starts with it or contains it (ignoring case)."""
    wanted = wanted.strip().casefold()
    if not wanted:
        return None
    texts = [(str(o.get("text", {}).get("text", "")).casefold(), o) for o in options]
    for test in (str.__eq__, str.startswith, str.__contains__):
        found = [o for text, o in texts if test(text, wanted)]
        if found:
            return {"text": found[0]["text"], "value": found[0]["value"]}
    return None


def initial_state(element: dict[str, Any]) -> dict[str, Any] | None:
    """The state Slack reports for an input nobody has touched yet."""
    kind = element.get("type", "")
    for key, state_key in (
        ("initial_option", "selected_option"),
        ("initial_options", "selected_options"),
        ("initial_date", "selected_date"),
        ("initial_time", "selected_time"),
        ("initial_user", "selected_user"),
        ("initial_value", "value"),
    ):
        if element.get(key):
            return {"type": kind, state_key: element[key]}
    return None


def shown(state: dict[str, Any]) -> str:
    if "selected_option" in state:
        return str(state["selected_option"]["text"]["text"])
    if "selected_options" in state:
        return ", ".join(o["text"]["text"] for o in state["selected_options"])
    for key in ("selected_date", "selected_time", "selected_user", "value"):
        if key in state:
            return str(state[key])
    return ""


def input_state(
    element: dict[str, Any], value: str, options: list[dict[str, Any]]
) -> dict[str, Any] | str:
    """The state an input reports once the user has set it to ``value`` (``options``: what a
    select offers, asked of the app for an external one), or why ``value`` will not do."""
    kind = element.get("type", "")
    if kind in ("static_select", "radio_buttons", "external_select"):
        chosen = pick(options, value)
        if chosen is None:
            names = ", ".join(o["text"]["text"] for o in options[:10]) or "none"
            return f"No option matches {value!r}. Options: {names}"
        return {"type": kind, "selected_option": chosen}
    if kind in ("multi_static_select", "checkboxes"):
        picked = [pick(options, part.strip()) for part in value.split(",") if part.strip()]
        if any(p is None for p in picked):
            return "Some options did not match."
        return {"type": kind, "selected_options": picked}
    if kind == "datepicker":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "Dates are YYYY-MM-DD, like Slack's date picker gives."
        return {"type": kind, "selected_date": value}
    if kind == "timepicker":
        return {"type": kind, "selected_time": value}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    return {"type": kind or "plain_text_input", "value": value}
