"""Block Kit in a terminal: messages, modals and the Home tab as rich renderables.

Buttons and selects are numbered as they are drawn so that ``click N`` can press them; inputs in
a modal show their label, current value and any field error, for ``set <label> <value>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bot.playground.mrkdwn import to_rich


@dataclass(frozen=True)
class Control:
    """A button or select on screen. ``view_id`` is set inside a modal or Home tab, otherwise
    ``message`` is the message it sits in."""

    number: int
    block_id: str
    element: dict[str, Any]
    view_id: str | None = None
    message: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        text = self.element.get("text") or self.element.get("placeholder") or {}
        return str(text.get("text") or self.element.get("action_id"))


@dataclass
class Screen:
    """What the last command drew: its controls, numbered from 1."""

    controls: list[Control] = field(default_factory=list)

    def add(self, block_id: str, element: dict[str, Any], **where: Any) -> int:
        number = len(self.controls) + 1
        self.controls.append(Control(number, block_id, element, **where))
        return number


def _text(obj: dict[str, Any] | None) -> str:
    """A text object as console markup (plain_text is escaped, mrkdwn converted)."""
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return to_rich(str(obj.get("text", "")))
    return to_rich(str(obj.get("text", "")).replace("*", "\\*").replace("_", "\\_"))


def _markup(text: str, style: str = "") -> Text:
    return Text.from_markup(text, style=style, emoji=True)


def _control(number: int, element: dict[str, Any]) -> str:
    """``[3 Stop]`` for a button; ``[4 Choose a workspace ▾: Acme]`` for a select."""
    kind = element.get("type", "")
    if kind == "button":
        style = {"primary": "bold green", "danger": "bold red"}.get(
            element.get("style", ""), "bold"
        )
        label = _text(element.get("text"))
        suffix = f" ↗ {element['url']}" if element.get("url") else ""
        return f"[{style}]\\[{number} {label}{suffix}][/{style}]"
    if kind == "overflow":  # ⋯ in Slack; here its options, for `click N <option>`
        options = " · ".join(_text(o.get("text")) for o in element.get("options") or [])
        return f"[bold]\\[{number} ⋯ {options}][/bold]"
    chosen = element.get("initial_option") or {}
    placeholder = _text(element.get("placeholder")) or kind
    current = f": {_text(chosen.get('text'))}" if chosen else ""
    return f"[bold]\\[{number} {placeholder} ▾{current}][/bold]"


class BlockRenderer:
    """Draws blocks onto a :class:`Screen`, numbering its controls."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen

    def blocks(
        self,
        blocks: Iterable[dict[str, Any]],
        *,
        view_id: str | None = None,
        message: dict[str, Any] | None = None,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
    ) -> list[RenderableType]:
        out: list[RenderableType] = []
        where = {"view_id": view_id} if view_id else {"message": message}
        for index, block in enumerate(blocks):
            block_id = block.get("block_id") or f"b{index}"
            kind = block.get("type")
            if kind == "header":
                out.append(_markup(f"[bold underline]{_text(block.get('text'))}[/]"))
            elif kind == "divider":
                out.append(Rule(style="dim"))
            elif kind == "section":
                out.append(self._section(block, block_id, where))
            elif kind == "context":
                parts = [
                    _text(e) if e.get("type") in ("mrkdwn", "plain_text") else e.get("alt_text", "")
                    for e in block.get("elements", [])
                ]
                out.append(_markup("  ".join(parts), style="dim"))
            elif kind == "actions":
                row = [
                    _control(self.screen.add(block_id, element, **where), element)
                    for element in block.get("elements", [])
                ]
                out.append(_markup("  ".join(row)))
            elif kind == "input":
                out.append(self._input(block, block_id, values or {}, errors or {}))
            elif kind == "image":
                out.append(_markup(f"[dim]\\[image: {block.get('alt_text', '')}][/dim]"))
            elif kind == "markdown":
                out.append(_markup(to_rich(str(block.get("text", "")))))
            else:
                out.append(_markup(f"[dim]\\[{kind} block][/dim]"))
        return out

    def _section(
        self, block: dict[str, Any], block_id: str, where: dict[str, Any]
    ) -> RenderableType:
        parts: list[RenderableType] = []
        line = _text(block.get("text"))
        accessory = block.get("accessory")
        if accessory and accessory.get("type") != "image":
            number = self.screen.add(block_id, accessory, **where)
            line = f"{line}  {_control(number, accessory)}"
        if line:
            parts.append(_markup(line))
        fields = block.get("fields") or []
        if fields:
            parts.append(Columns([_markup(_text(f)) for f in fields], equal=True, expand=True))
        return Group(*parts)

    def _input(
        self, block: dict[str, Any], block_id: str, values: dict[str, str], errors: dict[str, str]
    ) -> RenderableType:
        element = block.get("element") or {}
        label = _text(block.get("label"))
        optional = " [dim](optional)[/dim]" if block.get("optional") else ""
        value = values.get(block_id)
        if value is None:
            initial = element.get("initial_option") or {}
            value = (
                element.get("initial_value")
                or element.get("initial_date")
                or element.get("initial_time")
                or _text(initial.get("text"))
                or ""
            )
        shown = (
            f"[bold]{to_rich(value)}[/bold]"
            if value
            else f"[dim]{_text(element.get('placeholder')) or '…'}[/dim]"
        )
        kind = element.get("type", "")
        lines = [_markup(f"{label}{optional}: {shown}  [dim]({kind})[/dim]")]
        options = element.get("options") or []
        if options:
            names = ", ".join(_text(o.get("text")) for o in options[:10])
            more = f" … {len(options) - 10} more" if len(options) > 10 else ""
            lines.append(_markup(f"   [dim]options: {names}{more}[/dim]"))
        if block.get("hint"):
            lines.append(_markup(f"   [dim]{_text(block['hint'])}[/dim]"))
        if block_id in errors:
            lines.append(_markup(f"   [bold red]✗ {to_rich(errors[block_id])}[/bold red]"))
        return Group(*lines)


def message_panel(
    screen: Screen, message: dict[str, Any], title: str, *, ephemeral: bool
) -> RenderableType:
    """A message as Slack shows it: its blocks, or its text when it has none."""
    renderer = BlockRenderer(screen)
    body: list[RenderableType] = renderer.blocks(message.get("blocks") or [], message=message)
    if not body:
        body = [_markup(to_rich(str(message.get("text", ""))))]
    subtitle = "only visible to you" if ephemeral else None
    return Panel(
        Group(*body), title=title, subtitle=subtitle, title_align="left", border_style="blue"
    )


def view_panel(
    screen: Screen,
    view: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> RenderableType:
    """A modal (with its submit and close buttons) or a Home tab."""
    renderer = BlockRenderer(screen)
    body = renderer.blocks(
        view.get("blocks") or [], view_id=view.get("id"), values=values, errors=errors
    )
    if view.get("type") == "home":
        return Panel(Group(*body), title="Home", title_align="left", border_style="magenta")
    footer = Table.grid(padding=(0, 2))
    buttons = []
    if view.get("close"):
        buttons.append(f"\\[{_text(view['close'])}: type close]")
    if view.get("submit"):
        buttons.append(f"[bold green]\\[{_text(view['submit'])}: type submit][/bold green]")
    if buttons:
        footer.add_row(_markup("   ".join(buttons)))
        body.append(footer)
    title = _text(view.get("title")) or "Modal"
    return Panel(Group(*body), title=f"▣ {title}", title_align="left", border_style="green")
