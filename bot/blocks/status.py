"""The Slack status line in the settings modal, the Home tab and the messages about it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)

from bot.blocks import ids
from bot.blocks.format import escape
from bot.blocks.message import Message
from bot.blocks.parts import checkboxes_input, context, section
from bot.services.status import StatusOffer
from bot.storage.accounts import DEFAULT_STATUS_EMOJI, STATUS_SHOWS, StatusChoice, StatusShow

STATUS_ON = "on"
REPLACE_ON = "replace"
SHOW_LABELS: dict[StatusShow, str] = {
    "task": "The task and its project",
    "project": "The project only",
    "tracking": "Just “Tracking time”",
}
SHOW_WORDS: dict[StatusShow, str] = {
    "task": "the task and project",
    "project": "the project",
    "tracking": "“Tracking time”",
}
PROBLEM_WORDS = {
    "revoked": "Slack no longer lets the app set your status (the permission was removed, or "
    "it expired)",
    "refused": "Slack refused a status the app tried to set",
    "rate_limited": "Slack asked the app to slow down while setting your status",
}
# An emoji code as Slack's status takes it: ":name:", names of letters, digits and - _ + '.
_EMOJI = re.compile(r"^:?([a-z0-9_+'\-]{1,90}(?:::skin-tone-[2-6])?):?$")
BAD_EMOJI = "Type an emoji code, like :stopwatch: or :computer:."


def _problem(problem: str) -> str:
    return PROBLEM_WORDS.get(problem, "Slack refused a status change")


def status_words(offer: StatusOffer) -> str:
    """One line for the Home and the saved settings."""
    choice = offer.choice
    if offer.problem and not choice.enabled:
        return f"Slack status off: {_problem(offer.problem)}"
    if not choice.enabled:
        return "Your Slack status is left alone"
    if offer.waiting:
        return "Slack status on, once you allow it in Slack"
    mine = "; a status you set yourself is replaced" if choice.replace else ""
    return f"Your Slack status shows {SHOW_WORDS[choice.show]} with {choice.emoji}{mine}"


def allow_button(offer: StatusOffer) -> ButtonElement | None:
    """The link to Slack's consent page, while the user has yet to allow it."""
    if not offer.waiting or not offer.grant_url:
        return None
    return ButtonElement(
        text="Allow in Slack",
        action_id=ids.ALLOW_STATUS,
        url=offer.grant_url,
        style="primary",
    )


def status_home_blocks(offer: StatusOffer) -> list[Block]:
    """The Home's status line, with Allow in Slack while it waits for the user; nothing where
    the deployment cannot offer it to a user who never had it."""
    if offer.missing and not offer.granted and not offer.choice.enabled:
        return []
    text = f":speech_balloon: {status_words(offer)}"
    if offer.waiting and not offer.grant_url:
        text += f". Not available yet: the app's operator must set {offer.missing}."
    return [section(text, accessory=allow_button(offer))]


def status_inputs(offer: StatusOffer) -> list[Block]:
    """The settings modal's part about the status line."""
    choice = offer.choice
    blocks: list[Block] = [
        section(
            "*Slack status*: show colleagues what you are tracking. Others in your workspace "
            "see it next to your name; notes never show."
        )
    ]
    if offer.missing and not offer.granted:
        blocks.append(
            context(
                f"Not available yet: the app's operator must set {offer.missing} so that "
                "Slack can ask you for permission."
            )
        )
        return blocks
    on = Option(value=STATUS_ON, label="Show what I'm tracking in my Slack status")
    replace = Option(value=REPLACE_ON, label="Replace a status I set myself")
    shows = [Option(value=show, label=SHOW_LABELS[show]) for show in STATUS_SHOWS]
    hint = "Slack asks you to allow it once, after you save." if not offer.granted else None
    blocks += [
        checkboxes_input(
            ids.STATUS_ENABLED_INPUT, "Slack status", [on], [on] if choice.enabled else [], hint
        ),
        InputBlock(
            block_id=ids.STATUS_SHOW_INPUT[0],
            label="Show",
            element=StaticSelectElement(
                action_id=ids.STATUS_SHOW_INPUT[1],
                options=shows,
                initial_option=next(o for o in shows if o.value == choice.show),
            ),
        ),
        InputBlock(
            block_id=ids.STATUS_EMOJI_INPUT[0],
            label="Emoji",
            element=PlainTextInputElement(
                action_id=ids.STATUS_EMOJI_INPUT[1],
                initial_value=choice.emoji,
                max_length=100,
                placeholder=DEFAULT_STATUS_EMOJI,
            ),
            optional=True,
        ),
        checkboxes_input(
            ids.STATUS_REPLACE_INPUT,
            "A status of your own",
            [replace],
            [replace] if choice.replace else [],
            "Left alone unless you tick this: the app never clears a status it did not set.",
        ),
    ]
    return blocks


@dataclass(frozen=True)
class StatusForm:
    """The modal's status fields as submitted (``present`` False: the modal had none)."""

    present: bool
    enabled: bool = False
    show: str | None = None
    emoji: str | None = None
    replace: bool = False


def emoji_code(text: str | None) -> str | None:
    """``:name:`` from what the user typed (with or without the colons); ``None`` if it is
    not an emoji code; the default when blank."""
    typed = (text or "").strip().lower()
    if not typed:
        return DEFAULT_STATUS_EMOJI
    match = _EMOJI.fullmatch(typed)
    return f":{match.group(1)}:" if match else None


def status_from_form(form: StatusForm, current: StatusChoice) -> StatusChoice | dict[str, str]:
    """The choice the form asks for (the current one when the modal had no status fields),
    or what is wrong with it, by block id."""
    if not form.present:
        return current
    emoji = emoji_code(form.emoji)
    if emoji is None:
        return {ids.STATUS_EMOJI_INPUT[0]: BAD_EMOJI}
    show = next((s for s in STATUS_SHOWS if s == form.show), current.show)
    return StatusChoice(form.enabled, show, emoji, form.replace)


def allow_status_message(offer: StatusOffer) -> Message:
    """After saving with the status on and no permission yet: the one step left."""
    return Message(
        text="Allow the app to set your Slack status.",
        blocks=(
            section(
                ":speech_balloon: One step left: allow the app to set your Slack status. Slack "
                "shows what it asks for, and you can take it back any time.",
                accessory=allow_button(offer),
            ),
        ),
    )


def status_turned_off_message(problem: str, grant_url: str) -> Message:
    """Told once when the app stops keeping the user's status."""
    why = _problem(problem)
    again = "turn it on again in `/track settings`"
    if problem == "revoked" and grant_url:
        again = "allow it again with the button, or " + again
    text = (
        f"I stopped showing what you track in your Slack status: {why}. To have it back, {again}."
    )
    blocks: list[Block] = [section(f":speech_balloon: {escape(text)}")]
    if problem == "revoked" and grant_url:
        button = ButtonElement(
            text="Allow in Slack", action_id=ids.ALLOW_STATUS, url=grant_url, style="primary"
        )
        blocks.append(ActionsBlock(elements=[button]))
    blocks.append(context("Your timers are not affected: they start and stop as before."))
    return Message(text=text, blocks=tuple(blocks))
