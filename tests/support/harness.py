"""The real app, served on a free port, wired to the fakes, driven the way Slack drives it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from bot.crypto import generate_key
from bot.fakes.server import BackgroundServer
from bot.fakes.slack import FakeSlack, ResponsePost, SlackCall
from bot.fakes.slack_requests import (
    SignedSlack,
    SlackUser,
    block_actions_payload,
    block_suggestion_payload,
    command_payload,
    event_payload,
    message_action_payload,
    shortcut_payload,
    submitted_view,
    view_submission_payload,
)
from bot.settings import Settings, load_settings
from bot.storage import upgrade_schema
from bot.web import create_web_app
from tests.support.databases import Peek
from tests.support.seed import BOT_TOKEN

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"


CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "test-client-secret-abcdef0123456789"


def app_settings(
    database_url: str,
    slack_api_url: str,
    tt_api_url: str,
    keys: str,
    *,
    oauth: bool = False,
    env: dict[str, str] | None = None,
) -> Settings:
    """One workspace's bot token, or (``oauth``) installs into any workspace; ``env`` adds or
    replaces settings."""
    credentials = (
        {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}
        if oauth
        else {"SLACK_BOT_TOKEN": BOT_TOKEN}
    )
    return load_settings(
        {
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            **credentials,
            "SLACK_API_URL": slack_api_url,
            "TRACKINGTIME_API_URL": tt_api_url,
            "DATABASE_URL": database_url,
            "ENCRYPTION_KEYS": keys,
            **(env or {}),
        },
        need_slack=True,
        need_encryption=True,
    )


class AppHarness:
    """One running app with its own database (SQLite, or PostgreSQL: see
    :mod:`tests.support.databases`)."""

    def __init__(
        self,
        database_url: str,
        fake_slack: FakeSlack,
        slack_api_url: str,
        tt_api_url: str,
        *,
        oauth: bool = False,
        env: dict[str, str] | None = None,
    ):
        self.fake_slack = fake_slack
        self.settings = app_settings(
            database_url, slack_api_url, tt_api_url, generate_key(), oauth=oauth, env=env
        )
        upgrade_schema(self.settings.database_url)
        self.server = BackgroundServer(create_web_app(self.settings)).start()
        self.slack = SignedSlack(self.server.url, SIGNING_SECRET)
        self._peek = Peek(self.settings.database_url)

    def close(self) -> None:
        self.slack.close()
        self.server.stop()
        self._peek.close()

    # Requests -----------------------------------------------------------------------------

    def command(self, user: SlackUser, text: str) -> tuple[httpx.Response, str]:
        """``/track <text>``; returns the ack and the response_url Slack gave the command."""
        response_url = self.fake_slack.new_response_url(user.team_id)
        trigger_id = self.fake_slack.new_trigger_id()
        payload = command_payload(user, text, response_url=response_url, trigger_id=trigger_id)
        return self.slack.command(payload), response_url

    def reply_to(self, user: SlackUser, text: str, timeout: float = 5.0) -> dict[str, Any]:
        """``/track <text>`` and the one reply the app posts to its response_url."""
        ack, response_url = self.command(user, text)
        assert ack.status_code == 200, ack.text
        return self.wait_for_post(response_url, timeout=timeout).body

    def wait_for_post(
        self, response_url: str, count: int = 1, timeout: float = 5.0
    ) -> ResponsePost:
        """The ``count``-th post to ``response_url``."""
        deadline = time.monotonic() + timeout
        while True:
            posts = [post for post in self.fake_slack.responses if post.url == response_url]
            if len(posts) >= count:
                return posts[count - 1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no post #{count} to {response_url}; saw {len(posts)}")
            time.sleep(0.01)

    def use(
        self, user: SlackUser, block_id: str, element: dict[str, Any], message: dict[str, Any]
    ) -> tuple[httpx.Response, str]:
        """Use ``element`` (a button, or a menu with its ``selected_option``) of a message the
        app posted, Slack's way; returns the ack and the response_url the click carried."""
        response_url = self.fake_slack.new_response_url(user.team_id)
        payload = block_actions_payload(
            user,
            element,
            block_id=block_id,
            response_url=response_url,
            trigger_id=self.fake_slack.new_trigger_id(),
            message=message,
        )
        return self.slack.interaction(payload), response_url

    def click(
        self, user: SlackUser, message: dict[str, Any], action_id: str, *, index: int = 0
    ) -> tuple[httpx.Response, str]:
        """Click the ``index``-th button whose action id starts with ``action_id``."""
        return self.use(user, *_button(message, action_id, index), message)

    def choose(
        self, user: SlackUser, message: dict[str, Any], option: str, *, index: int = 0
    ) -> tuple[httpx.Response, str]:
        """Choose ``option`` (its text) in the ``index``-th entry menu of ``message``."""
        return self.use(user, *_menu_option(message, option, index), message)

    def submit(
        self, user: SlackUser, view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]]
    ) -> httpx.Response:
        return self.slack.interaction(view_submission_payload(user, view, values))

    def options(
        self,
        user: SlackUser,
        view: dict[str, Any],
        field: tuple[str, str],
        typed: str,
        values: dict[str, dict[str, dict[str, Any]]] | None = None,
    ) -> list[dict[str, Any]]:
        """The options the app offers for an external select while the user types ``typed``."""
        payload = block_suggestion_payload(
            user,
            block_id=field[0],
            action_id=field[1],
            value=typed,
            view=submitted_view(user, view, values or {}),
        )
        response = self.slack.interaction(payload)
        assert response.status_code == 200, response.text
        return list(response.json()["options"])

    def shortcut(self, user: SlackUser, callback_id: str) -> httpx.Response:
        trigger_id = self.fake_slack.new_trigger_id()
        return self.slack.interaction(shortcut_payload(user, callback_id, trigger_id))

    def message_shortcut(
        self, user: SlackUser, callback_id: str, message: dict[str, Any]
    ) -> httpx.Response:
        payload = message_action_payload(
            user,
            callback_id,
            trigger_id=self.fake_slack.new_trigger_id(),
            response_url=self.fake_slack.new_response_url(user.team_id),
            message=message,
        )
        return self.slack.interaction(payload)

    def opened_view(self, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """The view the ``count``-th successful ``views.open`` stored (with its id)."""
        deadline = time.monotonic() + timeout
        while True:
            opened = [c for c in self.fake_slack.calls_to("views.open") if c.ok]
            if len(opened) >= count:
                return dict(opened[count - 1].reply["view"])
            if time.monotonic() > deadline:
                raise AssertionError(f"no views.open #{count}; saw {len(opened)}")
            time.sleep(0.01)

    def event(self, user: SlackUser, event: dict[str, Any]) -> httpx.Response:
        return self.slack.event(event_payload(user, event))

    def home(self, user: SlackUser, tab: str = "home") -> httpx.Response:
        """``user`` opens the app's Home tab (or, with ``tab="messages"``, its Messages tab)."""
        event = {
            "type": "app_home_opened",
            "user": user.user_id,
            "channel": f"D{user.user_id[1:]}",
            "tab": tab,
            "event_ts": f"{time.time():.6f}",
        }
        return self.event(user, event)

    def _publishes(self, user: SlackUser) -> list[SlackCall]:
        return [
            call
            for call in self.fake_slack.calls_to("views.publish")
            if call.ok and call.args.get("user_id") == user.user_id
        ]

    def published_homes(self, user: SlackUser) -> list[dict[str, Any]]:
        """Every Home view the app published for ``user``, oldest first, as the app sent it."""
        return [call.args["view"] for call in self._publishes(user)]

    def wait_for_home(
        self, user: SlackUser, count: int = 1, timeout: float = 5.0
    ) -> dict[str, Any]:
        """The Home tab as the ``count``-th ``views.publish`` for ``user`` left it (with its id)."""
        deadline = time.monotonic() + timeout
        while True:
            published = self._publishes(user)
            if len(published) >= count:
                return dict(published[count - 1].reply["view"])
            if time.monotonic() > deadline:
                raise AssertionError(f"no views.publish #{count}; saw {len(published)}")
            time.sleep(0.01)

    def use_in_home(
        self, user: SlackUser, home: dict[str, Any], block_id: str, element: dict[str, Any]
    ) -> httpx.Response:
        """Use ``element`` in the published Home tab ``home``: Slack sends the view along, and
        no ``response_url``."""
        payload = block_actions_payload(
            user,
            element,
            block_id=block_id,
            trigger_id=self.fake_slack.new_trigger_id(home["id"]),
            view=submitted_view(user, home, {}),
        )
        return self.slack.interaction(payload)

    def click_in_home(
        self, user: SlackUser, home: dict[str, Any], action_id: str, *, index: int = 0
    ) -> httpx.Response:
        """Click a button in the published Home tab ``home``."""
        return self.use_in_home(user, home, *_button(home, action_id, index))

    def choose_in_home(
        self, user: SlackUser, home: dict[str, Any], option: str, *, index: int = 0
    ) -> httpx.Response:
        """Choose ``option`` in the ``index``-th entry menu of the published Home tab."""
        return self.use_in_home(user, home, *_menu_option(home, option, index))

    # State -------------------------------------------------------------------------------

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self._peek.rows(sql)

    def wait_for_view_update(
        self, view_id: str, count: int = 1, timeout: float = 5.0
    ) -> dict[str, Any]:
        """The view as the ``count``-th ``views.update`` of ``view_id`` left it."""
        deadline = time.monotonic() + timeout
        while True:
            updates = [
                call
                for call in self.fake_slack.calls_to("views.update")
                if call.args.get("view_id") == view_id and call.ok
            ]
            if len(updates) >= count:
                # What the app sent, with the id Slack keeps for the view.
                return {**updates[count - 1].args["view"], "id": view_id}
            if time.monotonic() > deadline:
                raise AssertionError(f"no views.update #{count} of {view_id}; saw {len(updates)}")
            time.sleep(0.01)


def _button(view: dict[str, Any], action_id: str, index: int) -> tuple[str, dict[str, Any]]:
    """The ``index``-th button (with its block id) whose action id starts with ``action_id``, in
    a message or a view."""
    buttons = [
        (block_id, element)
        for block_id, element in _elements(view)
        if element.get("type") == "button" and element["action_id"].startswith(action_id)
    ]
    assert buttons, f"no {action_id} button in {view}"
    return buttons[index]


def _menu_option(view: dict[str, Any], option: str, index: int) -> tuple[str, dict[str, Any]]:
    """The ``index``-th entry menu of a message or view, with ``option`` chosen in it, as Slack
    reports the choice."""
    menus = [
        (block_id, element)
        for block_id, element in _elements(view)
        if element.get("type") == "overflow" and element["action_id"] == "entry_menu"
    ]
    assert menus, f"no entry menu in {view}"
    block_id, menu = menus[index]
    [chosen] = [o for o in menu["options"] if o["text"]["text"] == option]
    return block_id, {**menu, "selected_option": chosen}


def _elements(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every interactive element with the id of its block (Slack makes one up when missing)."""
    for number, block in enumerate(message.get("blocks", [])):
        block_id = block.get("block_id") or f"b{number}"
        for element in block.get("elements", []):
            yield block_id, element
        if "accessory" in block:
            yield block_id, block["accessory"]
