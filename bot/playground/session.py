"""The playground's command loop: what a user types, the requests Slack would send, and what the
app answers, drawn in the terminal."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.fakes.slack import ResponsePost, SlackCall
from bot.fakes.slack_requests import (
    block_actions_payload,
    block_suggestion_payload,
    command_payload,
    event_payload,
    message_action_payload,
    message_event,
    shortcut_payload,
    submitted_view,
    view_submission_payload,
)
from bot.playground.demo import USERS, DemoUser
from bot.playground.modal_state import initial_state, input_state, inputs, label, pick, plain, shown
from bot.playground.render import Control, Screen, message_panel, view_panel
from bot.playground.runtime import Playground
from bot.playground.vocabulary import (
    CHANNELS,
    HELP,
    channel_id,
    message_text,
    shortcut_callback_id,
    slack_escaped,
)

QUIET_SECONDS = 0.3  # the app is done when Slack and TrackingTime hear nothing for this long
MAX_WAIT_SECONDS = 15.0


class Session:
    """One terminal user driving the app; ``run`` returns ``False`` when a request failed."""

    def __init__(self, playground: Playground, console: Console, user: str = "dana") -> None:
        self.playground = playground
        self.console = console
        self.user: DemoUser = USERS[user]
        self.screen = Screen()
        self.modal: dict[str, Any] | None = None
        self.values: dict[str, str] = {}  # what the modal's inputs show, by block id
        self.state: dict[str, dict[str, dict[str, Any]]] = {}  # Slack's view.state.values
        self.errors: dict[str, str] = {}

    @property
    def prompt(self) -> str:
        return f"{self.user.slack.name}> "

    # Dispatch --------------------------------------------------------------------------

    def run(self, line: str) -> bool:
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word.startswith("/"):
            return self.slash_command(word, rest)
        handler: Callable[[str], bool] | None = {
            "click": self.click,
            "set": self.set_field,
            "submit": lambda _: self.submit(),
            "close": lambda _: self.close_modal(),
            "home": lambda _: self.home(),
            "shortcut": self.shortcut,
            "post": self.post,
            "as": self.switch_user,
            "help": lambda _: self.help(),
        }.get(word.casefold())
        if handler is None:
            self.console.print(f"[red]Unknown playground command {word!r}.[/red] Type help.")
            return False
        return handler(rest)

    def help(self) -> bool:
        table = Table(show_header=False, box=None, padding=(0, 2))
        for command, meaning in HELP:
            table.add_row(f"[bold]{command}[/bold]", meaning)
        self.console.print(table)
        return True

    # Requests ----------------------------------------------------------------------------

    def slash_command(self, command: str, text: str) -> bool:
        fake = self.playground.fake_slack
        payload = command_payload(
            self.user.slack,
            slack_escaped(text),
            response_url=fake.new_response_url(self.user.slack.team_id),
            trigger_id=fake.new_trigger_id(),
            command=command,
        )
        return self._exchange(lambda: self.playground.slack.command(payload), self._show_ack)

    def click(self, rest: str) -> bool:
        number, _, option = rest.partition(" ")
        control = self._control(number)
        if control is None:
            return False
        element = dict(control.element)
        if element.get("type") != "button":
            chosen = pick(element.get("options") or [], option)
            if chosen is None:
                self.console.print(f"[red]Say which option: click {number} <option>[/red]")
                return False
            element["selected_option"] = chosen
        fake = self.playground.fake_slack
        if control.view_id:
            view = self._stored_view(control.view_id)
            payload = block_actions_payload(
                self.user.slack,
                element,
                block_id=control.block_id,
                trigger_id=fake.new_trigger_id(control.view_id),
                view=submitted_view(self.user.slack, view, self.state),
            )
        else:
            payload = block_actions_payload(
                self.user.slack,
                element,
                block_id=control.block_id,
                trigger_id=fake.new_trigger_id(),
                response_url=fake.new_response_url(self.user.slack.team_id),
                message=control.message,
            )
        if element.get("url"):
            self.console.print(f"[dim](your browser would open {element['url']})[/dim]")
        confirm = element.get("confirm")
        if confirm:  # Slack asks first; the playground answers yes for you
            question = f"{plain(confirm.get('title'))} {plain(confirm.get('text'))}"
            self.console.print(
                f"[dim](Slack asks: {escape(question)} You choose "
                f"{escape(plain(confirm.get('confirm')) or 'Yes')}.)[/dim]",
                soft_wrap=True,
            )
        return self._exchange(lambda: self.playground.slack.interaction(payload), self._show_ack)

    def submit(self) -> bool:
        if self.modal is None:
            self.console.print("[red]No modal is open.[/red]")
            return False
        payload = view_submission_payload(self.user.slack, self.modal, self.state)
        return self._exchange(
            lambda: self.playground.slack.interaction(payload), self._show_submission_ack
        )

    def close_modal(self) -> bool:
        self.modal = None
        self.console.print("[dim](modal closed)[/dim]")
        return True

    def home(self) -> bool:
        event = {
            "type": "app_home_opened",
            "user": self.user.slack.user_id,
            "channel": f"D{self.user.slack.user_id[1:]}",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        payload = event_payload(self.user.slack, event)
        return self._exchange(lambda: self.playground.slack.event(payload), self._show_ack)

    def shortcut(self, name: str) -> bool:
        first, _, text = name.partition(" ")
        if first.casefold() == "message":
            return self.message_shortcut(text)
        callback_id = shortcut_callback_id(name)
        payload = shortcut_payload(
            self.user.slack, callback_id, self.playground.fake_slack.new_trigger_id()
        )
        return self._exchange(lambda: self.playground.slack.interaction(payload), self._show_ack)

    def message_shortcut(self, text: str) -> bool:
        """*Log entries from message* on a message this user just wrote in #general."""
        fake = self.playground.fake_slack
        message = {
            "type": "message",
            "user": self.user.slack.user_id,
            "text": message_text(text),
            "ts": f"{time.time():.6f}",
        }
        payload = message_action_payload(
            self.user.slack,
            shortcut_callback_id("Log entries from message"),
            trigger_id=fake.new_trigger_id(),
            response_url=fake.new_response_url(self.user.slack.team_id),
            message=message,
        )
        return self._exchange(lambda: self.playground.slack.interaction(payload), self._show_ack)

    def post(self, rest: str) -> bool:
        channel, _, text = rest.partition(" ")
        found = channel_id(channel)
        if found is None or not text.strip():
            names = ", ".join(f"#{c}" for c in CHANNELS)
            self.console.print(f"[red]Say where and what: post #CHANNEL TEXT[/red] ({names})")
            return False
        event = message_event(self.user.slack, found, message_text(text))
        payload = event_payload(self.user.slack, event)
        return self._exchange(lambda: self.playground.slack.event(payload), self._show_ack)

    def switch_user(self, name: str) -> bool:
        user = USERS.get(name.strip().casefold())
        if user is None:
            self.console.print(f"[red]No user {name!r}[/red]; try one of: {', '.join(USERS)}")
            return False
        self.user = user
        self.modal = None
        linked = "linked to TrackingTime" if user.linked else "not linked to TrackingTime yet"
        self.console.print(
            f"You are now [bold]{user.slack.name}[/bold] ({user.real_name}, {linked})."
        )
        if not user.linked:
            self.console.print(
                f"[dim]Their App Password, for /track connect: {user.app_password}[/dim]"
            )
        return True

    # Modal fields ---------------------------------------------------------------------------

    def set_field(self, rest: str) -> bool:
        if self.modal is None:
            self.console.print("[red]No modal is open.[/red]")
            return False
        found = self._find_input(rest)
        if found is None:
            labels = ", ".join(label(b) for b in inputs(self.modal))
            self.console.print(f"[red]No field matches {rest!r}.[/red] Fields: {labels}")
            return False
        block, value = found
        element = block["element"]
        state = self._input_state(block, element, value)
        if state is None:
            return False
        self.state[block["block_id"]] = {element["action_id"]: state}
        self.values[block["block_id"]] = shown(state)
        self.errors.pop(block["block_id"], None)
        self.console.print(
            view_panel(self._fresh_screen(), self.modal, values=self.values, errors=self.errors)
        )
        return True

    def _find_input(self, rest: str) -> tuple[dict[str, Any], str] | None:
        fields = inputs(self.modal or {})
        head, _, tail = rest.partition(" ")
        if head.isdigit() and 1 <= int(head) <= len(fields):
            return fields[int(head) - 1], tail.strip()
        for block in sorted(fields, key=lambda b: -len(label(b))):
            named = label(block).casefold()
            if rest.casefold().startswith(named):
                return block, rest[len(named) :].strip()
        return None

    def _input_state(
        self, block: dict[str, Any], element: dict[str, Any], value: str
    ) -> dict[str, Any] | None:
        options = element.get("options") or []
        if element.get("type") == "external_select":
            options = self._suggestions(block, element, value)
        state = input_state(element, value, options)
        if isinstance(state, str):
            self.console.print(f"[red]{escape(state)}[/red]")
            return None
        return state

    def _suggestions(
        self, block: dict[str, Any], element: dict[str, Any], typed: str
    ) -> list[dict[str, Any]]:
        """Ask the app for an external select's options, as Slack does while the user types."""
        assert self.modal is not None
        payload = block_suggestion_payload(
            self.user.slack,
            action_id=element["action_id"],
            block_id=block["block_id"],
            value=typed,
            view=submitted_view(self.user.slack, self.modal, self.state),
        )
        response = self.playground.slack.interaction(payload)
        if response.status_code != 200:
            self.console.print(
                f"[red]The options request failed: HTTP {response.status_code}[/red]"
            )
            return []
        body = response.json() if response.content else {}
        options = list(body.get("options") or [])
        for group in body.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return options

    # Exchanges with the app -----------------------------------------------------------------

    def _exchange(
        self,
        send: Callable[[], httpx.Response],
        show_ack: Callable[[httpx.Response], None],
    ) -> bool:
        """Send one request, draw its ack, wait until the app goes quiet, draw what it sent."""
        fake, fake_tt = self.playground.fake_slack, self.playground.fake_tt
        calls_before, posts_before = len(fake.calls), len(fake.responses)
        response = send()
        self.screen = Screen()
        ok = response.status_code == 200
        if not ok:
            status = f"[bold red]The app answered HTTP {response.status_code}[/bold red]"
            if response.status_code == 404:
                status += " (no listener in the app handles this request)"
            self.console.print(f"{status} {escape(response.text[:200])}")
        else:
            show_ack(response)
        _settle(lambda: (len(fake.calls), len(fake.responses), len(fake_tt.requests)))
        events: list[SlackCall | ResponsePost] = [
            *fake.calls[calls_before:],
            *fake.responses[posts_before:],
        ]
        for item in sorted(events, key=lambda e: e.at):
            ok = self._show(item) and ok
        return ok

    def _show_ack(self, response: httpx.Response) -> None:
        if not response.content:
            return
        try:
            body = response.json()
        except json.JSONDecodeError:
            return
        if isinstance(body, dict) and (body.get("blocks") or body.get("text")):
            self.console.print(message_panel(self.screen, body, "TrackingTime", ephemeral=True))

    def _show_submission_ack(self, response: httpx.Response) -> None:
        body = response.json() if response.content else {}
        action = body.get("response_action")
        if action == "errors":
            self.errors = dict(body.get("errors") or {})
            assert self.modal is not None
            self.console.print(
                view_panel(self.screen, self.modal, values=self.values, errors=self.errors)
            )
        elif action in ("update", "push"):
            assert self.modal is not None
            view = {**body["view"], "id": self.modal["id"] if action == "update" else "pushed"}
            self._open_modal(view)
        else:
            self.modal = None
            self.console.print("[dim](modal closed)[/dim]")

    def _show(self, item: SlackCall | ResponsePost) -> bool:
        if isinstance(item, ResponsePost):
            if not item.ok:
                self.console.print(f"[bold red]Slack refused a reply: {item.error}[/bold red]")
                return False
            ephemeral = item.body.get("response_type") != "in_channel"
            self.console.print(
                message_panel(self.screen, item.body, "TrackingTime", ephemeral=ephemeral)
            )
            return True
        if not item.ok:
            self.console.print(
                f"[bold red]Slack API error: {item.method} → {item.error}[/bold red]"
            )
            return False
        if item.method in ("chat.postMessage", "chat.postEphemeral"):
            title = (
                "TrackingTime (direct message)"
                if item.method == "chat.postMessage"
                else "TrackingTime"
            )
            ephemeral = item.method == "chat.postEphemeral"
            self.console.print(message_panel(self.screen, item.args, title, ephemeral=ephemeral))
        elif item.method in ("views.open", "views.push", "views.update"):
            view = item.reply.get("view") or {}
            if (
                item.method == "views.update"
                and self.modal
                and view.get("id") != self.modal.get("id")
            ):
                return True  # another user's modal
            self._open_modal(view, keep_values=item.method == "views.update")
        elif item.method == "views.publish":
            self.console.print(view_panel(self.screen, item.reply.get("view") or {}))
        elif item.method == "users.profile.set":
            self.console.print(status_line_change(item.args.get("profile")))
        return True

    def _open_modal(self, view: dict[str, Any], keep_values: bool = False) -> None:
        if not keep_values or self.modal is None or view.get("id") != self.modal.get("id"):
            self.values, self.state = {}, {}
        # Slack submits an input's initial value as its state until the user changes it.
        for block in inputs(view):
            initial = initial_state(block["element"])
            if initial and block["block_id"] not in self.values:
                self.state[block["block_id"]] = {block["element"]["action_id"]: initial}
        self.errors = {}
        self.modal = view
        self.console.print(view_panel(self.screen, view, values=self.values, errors=self.errors))

    # Helpers ------------------------------------------------------------------------------

    def _fresh_screen(self) -> Screen:
        self.screen = Screen()
        return self.screen

    def _control(self, number: str) -> Control | None:
        if not number.isdigit() or not 1 <= int(number) <= len(self.screen.controls):
            shown = len(self.screen.controls)
            self.console.print(f"[red]No control {number!r} on screen[/red] (there are {shown}).")
            return None
        return self.screen.controls[int(number) - 1]

    def _stored_view(self, view_id: str) -> dict[str, Any]:
        fake = self.playground.fake_slack
        view = fake.views.get(view_id) or next(
            (v for v in fake.home_views.values() if v.get("id") == view_id), None
        )
        return view or (self.modal or {"id": view_id})


def status_line_change(profile: Any) -> str:
    """What colleagues now see next to the user's name, after the app set their status."""
    fields = profile if isinstance(profile, dict) else {}
    text, emoji = str(fields.get("status_text") or ""), str(fields.get("status_emoji") or "")
    if not text and not emoji:
        return "[dim]Slack status cleared[/dim]"
    return f"[dim]Slack status now:[/dim] {escape(emoji)} [bold]{escape(text)}[/bold]"


def _settle(counts: Callable[[], tuple[int, ...]]) -> None:
    """Wait until nothing new happens for ``QUIET_SECONDS`` (the app has finished its work)."""
    started = last_change = time.monotonic()
    seen = counts()
    while time.monotonic() - started < MAX_WAIT_SECONDS:
        time.sleep(0.02)
        now_counts = counts()
        if now_counts != seen:
            seen, last_change = now_counts, time.monotonic()
        elif time.monotonic() - last_change >= QUIET_SECONDS:
            return
