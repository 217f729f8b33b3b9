"""The user's settings: the modal that edits them, reading it back, and saying them in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.format import duration
from bot.blocks.message import Message
from bot.blocks.parts import checkboxes_input, context, section
from bot.blocks.status import status_inputs, status_words
from bot.services.status import StatusOffer
from bot.storage.accounts import UserSettings

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SUMMARY_ON = "on"
LIMIT_HOURS = (4, 6, 8, 9, 10, 12)
NEVER = 0  # the forgotten-timer limit that means "never remind me"
# Longer limits than the modal offers can only come from elsewhere (the database); they are kept
# when saved again, up to this, beyond which a reminder would be pointless.
MAX_LIMIT = timedelta(days=7)

GAP_MINUTES = (5, 10, 15, 30, 60)
MAX_GAP = timedelta(hours=8)

NO_DAYS = "Pick at least one day, or switch the daily summary off."
NO_TIME = "Pick the time for the daily summary."
BAD_LIMIT = "Choose when to remind you of a running timer."
NO_WORK_START = "Pick when your working day starts."
NO_WORK_END = "Pick when your working day ends."
END_BEFORE_START = "Your working day must end after it starts (on the same day)."
NO_WORK_DAYS = "Pick at least one working day, or choose not to look for untracked time."
BAD_GAP = "Choose how long untracked time must be to be listed."


def _days_words(days: Iterable[int]) -> str:
    """``Mon–Fri``, ``Mon, Wed, Fri``, ``Mon–Wed, Sat``: runs of three or more days as ranges."""
    runs: list[list[int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}–{DAY_NAMES[run[-1]]}")
        else:
            parts += [DAY_NAMES[day] for day in run]
    return ", ".join(parts)


def summary_words(settings: UserSettings) -> str:
    """``Daily summary at 17:30 on Mon–Fri``."""
    if not settings.summary_enabled:
        return "No daily summary"
    at = settings.summary_time.strftime("%H:%M")
    days = {day for day in settings.summary_days if 0 <= day < len(DAY_NAMES)}
    if not days:
        return f"Daily summary at {at}, but on no day of the week"
    if len(days) == len(DAY_NAMES):
        return f"Daily summary at {at} every day"
    return f"Daily summary at {at} on {_days_words(days)}"


def _limit_words(limit: timedelta) -> str:
    minutes = int(limit.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else duration(limit)


def reminder_words(settings: UserSettings) -> str:
    """``Reminder after a timer runs 9 h``."""
    if settings.timer_limit <= timedelta(0):
        return "No reminder about timers left running"
    return f"Reminder after a timer runs {_limit_words(settings.timer_limit)}"


def working_words(settings: UserSettings) -> str:
    """``Working hours 09:00–17:30 on Mon–Fri (or your TrackingTime schedule's days);
    untracked time of 15m or more is listed``."""
    hours = f"Working hours {settings.work_start:%H:%M}–{settings.work_end:%H:%M}"
    days = {day for day in settings.work_days if 0 <= day < len(DAY_NAMES)}
    on = f" on {_days_words(days)}" if days else ""
    on += " (or your TrackingTime schedule's days)"
    if settings.gap_threshold <= timedelta(0):
        return f"{hours}{on}; untracked time is not looked for"
    return f"{hours}{on}; untracked time of {duration(settings.gap_threshold)} or more is listed"


def _minutes(limit: timedelta) -> int:
    return max(int(limit.total_seconds() // 60), NEVER)


def _limit_options(current: timedelta) -> list[Option]:
    """The offered limits, and the user's own when it is none of them (saving the modal
    unchanged must not change it)."""
    offered = {hours * 60 for hours in LIMIT_HOURS}
    if timedelta(0) < current <= MAX_LIMIT:
        offered.add(_minutes(current))
    minutes = sorted(offered)
    options = [
        Option(value=str(m), label=f"After {_limit_words(timedelta(minutes=m))}") for m in minutes
    ]
    return [*options, Option(value=str(NEVER), label="Never remind me")]


def _gap_options(current: timedelta) -> list[Option]:
    offered = set(GAP_MINUTES)
    if timedelta(0) < current <= MAX_GAP:
        offered.add(_minutes(current))
    options = [
        Option(value=str(m), label=f"{duration(timedelta(minutes=m))} or more")
        for m in sorted(offered)
    ]
    return [*options, Option(value=str(NEVER), label="Don't look for untracked time")]


def _working_hours_inputs(settings: UserSettings) -> list[InputBlock]:
    day_options = [Option(value=str(day), label=name) for day, name in enumerate(FULL_DAY_NAMES)]
    chosen = [day_options[d] for d in sorted(settings.work_days) if 0 <= d < len(day_options)]
    gaps = _gap_options(settings.gap_threshold)
    current_gap = str(_minutes(settings.gap_threshold))
    return [
        InputBlock(
            block_id=ids.WORK_START_INPUT[0],
            label="Working day starts",
            element=TimePickerElement(
                action_id=ids.WORK_START_INPUT[1],
                initial_time=settings.work_start.strftime("%H:%M"),
                placeholder="Start",
            ),
            hint="Also where time logged on an empty past day begins.",
        ),
        InputBlock(
            block_id=ids.WORK_END_INPUT[0],
            label="Working day ends",
            element=TimePickerElement(
                action_id=ids.WORK_END_INPUT[1],
                initial_time=settings.work_end.strftime("%H:%M"),
                placeholder="End",
            ),
        ),
        checkboxes_input(
            ids.WORK_DAYS_INPUT,
            "Working days",
            day_options,
            chosen,
            "When your TrackingTime schedule gives hours per weekday, its days count instead, "
            "and a day it gives fewer hours than your longest ends that much earlier.",
        ),
        InputBlock(
            block_id=ids.GAP_THRESHOLD_INPUT[0],
            label="List untracked time",
            element=StaticSelectElement(
                action_id=ids.GAP_THRESHOLD_INPUT[1],
                placeholder="Choose",
                options=gaps,
                initial_option=next((o for o in gaps if o.value == current_gap), None),
            ),
            hint="In the daily summary and /track today, each stretch with a Log this button.",
        ),
    ]


def settings_modal(
    settings: UserSettings, metadata: str = "", status: StatusOffer | None = None
) -> View:
    """The settings form, with the Slack status line's part when ``status`` is given.
    ``metadata`` comes back with the submission (the handlers keep the channel to confirm in
    there)."""
    summary = Option(value=SUMMARY_ON, label="Send me a daily summary")
    day_options = [Option(value=str(day), label=name) for day, name in enumerate(FULL_DAY_NAMES)]
    chosen_days = [
        day_options[d] for d in sorted(settings.summary_days) if 0 <= d < len(day_options)
    ]
    limits = _limit_options(settings.timer_limit)
    current_limit = str(_minutes(settings.timer_limit))
    blocks = [
        section(
            "What the app sends you on its own: a summary of your day, and a reminder when a "
            "timer has been running for long."
        ),
        checkboxes_input(
            ids.SUMMARY_INPUT,
            "Daily summary",
            [summary],
            [summary] if settings.summary_enabled else [],
            "A direct message with what you tracked, per project, and a timer left running.",
        ),
        InputBlock(
            block_id=ids.SUMMARY_TIME_INPUT[0],
            label="Send it at",
            element=TimePickerElement(
                action_id=ids.SUMMARY_TIME_INPUT[1],
                initial_time=settings.summary_time.strftime("%H:%M"),
                placeholder="Time",
            ),
            optional=True,
            hint="In your Slack time zone.",
        ),
        checkboxes_input(ids.SUMMARY_DAYS_INPUT, "On", day_options, chosen_days),
        InputBlock(
            block_id=ids.TIMER_LIMIT_INPUT[0],
            label="Remind me of a running timer",
            element=StaticSelectElement(
                action_id=ids.TIMER_LIMIT_INPUT[1],
                placeholder="Choose",
                options=limits,
                initial_option=next((o for o in limits if o.value == current_limit), None),
            ),
            hint="One direct message with Stop now and Keep running, once per timer.",
        ),
        section(
            "*Working hours*, in your Slack time zone: where the daily summary and "
            "`/track today` look for time you did not track."
        ),
        *_working_hours_inputs(settings),
        *(status_inputs(status) if status is not None else ()),
    ]
    return View(
        type="modal",
        callback_id=ids.SETTINGS_VIEW,
        title="Settings",
        submit="Save",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata or None,
    )


@dataclass(frozen=True)
class SettingsForm:
    """The modal's fields as submitted; a handler reads them out of the view's state."""

    summary: bool
    time: str | None  # "HH:MM"
    days: tuple[str, ...]  # "0" (Monday) to "6"
    limit: str | None  # minutes; "0" for never
    work_start: str | None  # "HH:MM"
    work_end: str | None
    work_days: tuple[str, ...]
    gap: str | None  # minutes; "0" for not looking


def _parse_time(text: str | None) -> time | None:
    try:
        return datetime.strptime(text or "", "%H:%M").time()
    except ValueError:
        return None


def _number(text: str | None) -> int | None:
    """A small non-negative number in ASCII digits (``isdigit`` alone lets ``²`` through)."""
    if text and len(text) <= 6 and text.isascii() and text.isdigit():
        return int(text)
    return None


def _limit(text: str | None, longest: timedelta = MAX_LIMIT) -> timedelta | None:
    minutes = _number(text)
    if minutes is None or timedelta(minutes=minutes) > longest:
        return None
    return timedelta(minutes=minutes)


def _day_set(days: tuple[str, ...]) -> frozenset[int]:
    numbers = (_number(day) for day in days)
    return frozenset(day for day in numbers if day is not None and day < len(DAY_NAMES))


def _working_hours(
    form: SettingsForm, errors: dict[str, str]
) -> tuple[time, time, frozenset[int], timedelta] | None:
    """The working hours the form asks for; ``None`` with ``errors`` filled in when wrong.
    With untracked time not looked for, no working day is needed."""
    start, end = _parse_time(form.work_start), _parse_time(form.work_end)
    days, gap = _day_set(form.work_days), _limit(form.gap, MAX_GAP)
    if start is None:
        errors[ids.WORK_START_INPUT[0]] = NO_WORK_START
    if end is None:
        errors[ids.WORK_END_INPUT[0]] = NO_WORK_END
    elif start is not None and end <= start:
        errors[ids.WORK_END_INPUT[0]] = END_BEFORE_START
    if gap is None:
        errors[ids.GAP_THRESHOLD_INPUT[0]] = BAD_GAP
    elif gap and not days:
        errors[ids.WORK_DAYS_INPUT[0]] = NO_WORK_DAYS
    if start is None or end is None or gap is None or end <= start or (gap and not days):
        return None
    return start, end, days, gap


def settings_from_form(form: SettingsForm) -> UserSettings | dict[str, str]:
    """The settings the form asks for, or what is wrong with it, by block id.

    With the summary switched off its time and days are kept as they are (even none), so that
    switching it on again finds them; only a summary that is on needs a day and a time.
    """
    errors: dict[str, str] = {}
    days = _day_set(form.days)
    at = _parse_time(form.time)
    limit = _limit(form.limit)
    working = _working_hours(form, errors)
    if form.summary and not days:
        errors[ids.SUMMARY_DAYS_INPUT[0]] = NO_DAYS
    if form.summary and at is None:
        errors[ids.SUMMARY_TIME_INPUT[0]] = NO_TIME
    if limit is None:
        errors[ids.TIMER_LIMIT_INPUT[0]] = BAD_LIMIT
    if limit is None or working is None or errors:
        return errors
    work_start, work_end, work_days, gap = working
    return UserSettings(
        summary_enabled=form.summary,
        summary_time=at or UserSettings.summary_time,
        summary_days=days,
        timer_limit=limit,
        work_start=work_start,
        work_end=work_end,
        work_days=work_days,
        gap_threshold=gap,
    )


def settings_saved_message(settings: UserSettings, status: StatusOffer | None = None) -> Message:
    """The confirmation where ``/track settings`` was typed (the Home tab shows them anyway)."""
    summary, reminder = summary_words(settings), reminder_words(settings)
    working = working_words(settings)
    said = f"Settings saved. {summary}. {reminder}. {working}."
    if status is not None:
        said += f" {status_words(status)}."
    return Message(
        text=said,
        blocks=(
            section(f":white_check_mark: {said}"),
            context("Change them with `/track settings` or in the app's Home tab."),
        ),
    )
