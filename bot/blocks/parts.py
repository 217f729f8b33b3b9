"""Small pieces the builders share: text sections, context lines, buttons, JSON-safe values."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot.blocks.format import truncate

BUTTON_TEXT_LIMIT = 75
OPTION_TEXT_LIMIT = 75


def section(
    text: str, accessory: ButtonElement | OverflowMenuElement | None = None
) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)), accessory=accessory)


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(t, 3000)) for t in texts])


def button(
    text: str, action_id: str, value: str | None = None, style: str | None = None
) -> ButtonElement:
    return ButtonElement(
        text=truncate(text, BUTTON_TEXT_LIMIT), action_id=action_id, value=value, style=style
    )


def checkboxes_input(
    field: tuple[str, str],
    label: str,
    options: list[Option],
    chosen: list[Option],
    hint: str | None = None,
) -> InputBlock:
    """An optional input of checkboxes (``field``: block and action id), ``chosen`` ticked;
    Slack refuses an empty ``initial_options``, so none ticked sends none."""
    return InputBlock(
        block_id=field[0],
        label=label,
        element=CheckboxesElement(
            action_id=field[1], options=options, initial_options=chosen or None
        ),
        optional=True,
        hint=hint,
    )


def option(value: str, label: str) -> Option:
    """A select or overflow option; its label cut to what Slack shows (75 characters)."""
    return Option(value=value, label=truncate(label, OPTION_TEXT_LIMIT))


def _json_size(text: str) -> int:
    return len(json.dumps(text, ensure_ascii=False)) - 2


def truncate_json(text: str, limit: int) -> str:
    """Truncate by the length ``text`` takes in JSON, where ``"``, ``\\`` and control characters
    take 2 to 6 characters: a button value must fit Slack's 2000 characters."""
    if _json_size(text) <= limit:
        return text
    size = 0
    for index, char in enumerate(text):
        size += _json_size(char)
        if size > limit - 1:
            return text[:index].rstrip() + "…"
    return text
