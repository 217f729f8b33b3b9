"""Modals: linking an account and choosing a TrackingTime workspace."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.format import escape, truncate
from bot.blocks.parts import section
from bot.digits import parse_id
from bot.trackingtime import Workspace

MAX_SELECT_OPTIONS = 100
MAX_PRIVATE_METADATA = 3000


def _modal(
    title: str,
    blocks: Sequence[Block],
    *,
    callback_id: str | None = None,
    submit: str | None = None,
    close: str = "Close",
    private_metadata: str | None = None,
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=close,
        blocks=list(blocks),
        private_metadata=private_metadata,
    )


def connect_modal(error: str | None = None) -> View:
    """Asks for the App Password and says where to make one.

    ``error`` is shown on top when a previous attempt failed after the modal was acknowledged
    (TrackingTime's answer can come later than Slack lets a submission wait).
    """
    blocks: list[Block] = []
    if error:
        blocks.append(section(f":warning: {error}"))
    blocks += [
        section(
            "Paste a TrackingTime *App Password*. The app uses it to start and stop timers and "
            "log time as you. It is stored encrypted, and nobody else can use it."
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text="*Where to get one:* in TrackingTime, open *Settings → Apps & "
                "Integrations → App Passwords*, create one (name it “Slack”) and copy it."
            ),
            accessory=ButtonElement(
                text="Open TrackingTime",
                action_id=ids.OPEN_TRACKINGTIME,
                url=ids.TRACKINGTIME_APP_URL,
            ),
        ),
        InputBlock(
            block_id=ids.APP_PASSWORD_INPUT[0],
            label="App Password",
            element=PlainTextInputElement(
                action_id=ids.APP_PASSWORD_INPUT[1],
                placeholder="Paste your App Password",
                max_length=200,
            ),
            hint="You can revoke it in TrackingTime at any time, or here with /track disconnect.",
        ),
    ]
    return _modal(
        "Connect TrackingTime",
        blocks,
        callback_id=ids.CONNECT_VIEW,
        submit="Connect",
        close="Cancel",
    )


def checking_modal() -> View:
    """Shown while TrackingTime checks the App Password."""
    return _modal(
        "Connect TrackingTime",
        [section(":hourglass_flowing_sand: Checking your App Password with TrackingTime…")],
    )


def loading_modal(title: str, what: str) -> View:
    return _modal(title, [section(f":hourglass_flowing_sand: {what}")])


def connected_modal(user_name: str, workspace: str) -> View:
    who = f" as *{escape(user_name)}*" if user_name else ""
    return _modal(
        "Connected",
        [
            section(
                f":white_check_mark: You're connected{who} to the TrackingTime workspace "
                f"*{escape(workspace)}*."
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Try `/track start &lt;task&gt;` or `/track help`. "
                        "`/track disconnect` removes the link."
                    )
                ]
            ),
        ],
        close="Done",
    )


def workspace_metadata(workspaces: Sequence[Workspace]) -> str:
    """What the picker's submission needs back: the ids and names that were offered.

    Only ids and names: never a secret (private_metadata travels through Slack).
    """
    # Names are shortened until it fits: cutting the JSON itself would make it unreadable.
    for name_limit in (60, 30, 10, 1):
        offered = [
            [w.account_id, truncate(w.company, name_limit)] for w in workspaces[:MAX_SELECT_OPTIONS]
        ]
        metadata = json.dumps(offered, ensure_ascii=False, separators=(",", ":"))
        if len(metadata) <= MAX_PRIVATE_METADATA:
            break
    return metadata


def workspaces_from_metadata(metadata: str) -> dict[int, str]:
    try:
        offered = {parse_id(account_id): str(name) for account_id, name in json.loads(metadata)}
    except (ValueError, TypeError, RecursionError):
        return {}
    return {account_id: name for account_id, name in offered.items() if account_id is not None}


def workspace_modal(workspaces: Sequence[Workspace], current_account_id: int, intro: str) -> View:
    """A picker of the TrackingTime workspaces the login belongs to."""
    offered = list(workspaces[:MAX_SELECT_OPTIONS])
    options = [Option(value=str(w.account_id), label=truncate(w.company, 75)) for w in offered]
    current = next(
        (o for o, w in zip(options, offered, strict=True) if w.account_id == current_account_id),
        None,
    )
    return _modal(
        "TrackingTime workspace",
        [
            section(intro),
            InputBlock(
                block_id=ids.WORKSPACE_INPUT[0],
                label="Track time in",
                element=StaticSelectElement(
                    action_id=ids.WORKSPACE_INPUT[1],
                    placeholder="Choose a workspace",
                    options=options,
                    initial_option=current,
                ),
            ),
        ],
        callback_id=ids.WORKSPACE_VIEW,
        submit="Use it",
        close="Cancel",
        private_metadata=workspace_metadata(offered),
    )


def picker_after_connect(user_name: str, count: int) -> str:
    """The picker's intro right after linking a login that has several workspaces."""
    who = f"as *{escape(user_name)}* " if user_name else ""
    return (
        f":white_check_mark: Connected {who}. You belong to {count} TrackingTime workspaces: "
        "which one should Slack track time in?"
    )


def picker_to_switch(current_workspace: str) -> str:
    """The picker's intro for ``/track account``."""
    return f"You track time in *{escape(current_workspace)}*. Switch to another workspace?"


def single_workspace_modal(workspace: str) -> View:
    return _modal(
        "TrackingTime workspace",
        [section(f"You belong to one TrackingTime workspace: *{escape(workspace)}*.")],
    )


def workspace_chosen_modal(workspace: str) -> View:
    return _modal(
        "TrackingTime workspace",
        [section(f":white_check_mark: From now on you track time in *{escape(workspace)}*.")],
        close="Done",
    )


def failure_modal(title: str, message: str) -> View:
    return _modal(title, [section(f":warning: {message}")])
