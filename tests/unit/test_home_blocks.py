"""The Home tab and settings builders (``bot.blocks.home``, ``bot.blocks.settings``) produce what
Slack accepts, for any state, and say what they should.

Every view goes through the checks of ``test_blocks``: ``slack_sdk`` models, Slack's JSON schema
(``HomeView`` or ``ModalView``), a round trip through ``slack_sdk`` parsing and the limits
neither of those checks.
"""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks import home, ids, settings
from bot.blocks.home import MAX_HOME_ENTRIES, MAX_QUICK_STARTS, home_view
from bot.blocks.messages import parse_start_task_value
from bot.blocks.settings import (
    BAD_LIMIT,
    LIMIT_HOURS,
    MAX_LIMIT,
    NO_DAYS,
    NO_TIME,
    SUMMARY_ON,
    SettingsForm,
    reminder_words,
    settings_from_form,
    settings_modal,
    settings_saved_message,
    summary_words,
    working_words,
)
from bot.services.home import HomeState
from bot.services.reports import Period, summarize
from bot.services.timers import TimerStatus
from bot.storage.accounts import UserSettings
from bot.trackingtime import Event, RunningTimer, Task
from tests.unit.test_blocks import (
    BERLIN,
    FAST,
    HOSTILE,
    HOSTILE_ESCAPED,
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
    ZONES,
    all_text,
    assert_no_stray_markup,
    buttons,
    check_message,
    check_view,
    ids_,
    start_buttons,
    tasks,
    user_text,
)

# Friday 27 November 2026, 15:07:42 in Berlin.
NOW = datetime(2026, 11, 27, 14, 7, 42, tzinfo=UTC)
TODAY = date(2026, 11, 27)
PERIOD = Period(TODAY, TODAY, "Today · Fri 27 Nov 2026")
DESIGN = Task(101, "Design review", 7, "Website")
STANDUP = Task(102, "Standup", 8, "Internal")
LOGIN = Task(103, "Log in page", 7, "Website")


def at(hour: int, minute: int = 0, zone: tzinfo = BERLIN) -> datetime:
    return datetime.combine(TODAY, time(hour, minute), tzinfo=zone)


def event(
    number: int, start: datetime, minutes: int, task: Task = STANDUP, notes: str = ""
) -> Event:
    end = start + timedelta(minutes=minutes)
    return Event(
        number, task.id, task.name, task.project_id, task.project, start, end,
        end - start, notes,
    )  # fmt: skip


def linked(
    *,
    running: RunningTimer | None = None,
    events: list[Event] | None = None,
    recent: tuple[Task, ...] = (),
    user_settings: UserSettings | None = None,
    **changes: Any,
) -> HomeState:
    """Alice's Home, with today's report made the way the service makes it."""
    events = events or []
    report = summarize(PERIOD, events, running, BERLIN, NOW)
    status = TimerStatus(NOW, running, report.total, recent)
    state = {
        "linked": True,
        "user_name": "Alice Liddell",
        "workspace": "Acme Design",
        "settings": user_settings or UserSettings(),
        "status": status,
        "today": report,
        **changes,
    }
    return HomeState(**state)


def checked_home(state: HomeState, zone: tzinfo = BERLIN) -> dict[str, Any]:
    payload = check_view(home_view(state, zone))
    assert payload["type"] == "home"
    assert_no_stray_markup(payload)
    return payload


def by_action(payload: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    return [b for b in buttons(payload) if b["action_id"] == action_id]


# --- The Home tab ----------------------------------------------------------------------------


def test_not_linked_home_says_what_the_app_does_and_offers_connect() -> None:
    payload = checked_home(HomeState())
    text = all_text(payload)
    assert "start and stop timers" in text and "App Password" in text
    [connect] = by_action(payload, ids.OPEN_CONNECT)
    assert connect["text"]["text"] == "Connect TrackingTime" and connect["style"] == "primary"
    assert {b["action_id"] for b in buttons(payload)} == {ids.OPEN_CONNECT}
    assert ":warning:" not in text


def test_not_linked_home_with_an_error_shows_it_once_with_one_connect_button() -> None:
    payload = checked_home(HomeState(error="Your link can no longer be read."))
    assert ":warning: Your link can no longer be read." in all_text(payload)
    assert len(by_action(payload, ids.OPEN_CONNECT)) == 1


def test_linked_home_with_a_running_timer() -> None:
    running = RunningTimer(DESIGN, 900, at(13, 2), "header fixes")
    state = linked(running=running, events=[event(1, at(9), 30)], recent=(STANDUP, LOGIN))
    payload = checked_home(state)
    text = all_text(payload)
    assert payload["blocks"][0]["type"] == "header"
    assert "Connected as *Alice Liddell* in workspace *Acme Design*" in text
    assert "*Design review* · Website\nRunning for *2h 05m* (since " in text
    assert "_header fixes_" in text
    [stop] = by_action(payload, ids.STOP_TIMER)
    assert stop["style"] == "danger"
    assert "No timer running" not in text
    starts = start_buttons(payload)
    assert [b["text"]["text"] for b in starts] == [
        "Switch to Standup · Internal",
        "Switch to Log in page · Website",
    ]
    assert [parse_start_task_value(b["value"]) for b in starts] == [(102, ""), (103, "")]
    assert len(by_action(payload, ids.OPEN_LOG_MODAL)) == 1
    # Today counts the finished entry and the running timer up to now.
    assert "*Today* · *2h 35m* tracked" in text
    assert "Standup · Internal" in text
    assert "*Daily summary at 17:30 on Mon–Fri*\nReminder after a timer runs 9 h" in text
    assert len(by_action(payload, ids.OPEN_SETTINGS)) == 1
    assert "Europe/Berlin" in text


def test_the_disconnect_button_asks_first() -> None:
    payload = checked_home(linked())
    [disconnect] = by_action(payload, ids.DISCONNECT)
    confirm = disconnect["confirm"]
    assert confirm["title"]["text"] == "Delete your data?"
    assert confirm["confirm"]["text"] == "Delete" and confirm["style"] == "danger"
    assert "stays as it is" in confirm["text"]["text"]


def test_linked_home_with_nothing_running_and_nothing_tracked() -> None:
    payload = checked_home(linked(recent=(STANDUP,)))
    text = all_text(payload)
    assert ":zzz: No timer running." in text
    assert not by_action(payload, ids.STOP_TIMER)
    assert [b["text"]["text"] for b in start_buttons(payload)] == ["Start Standup · Internal"]
    assert "*Today* · *<1m* tracked" in text.replace("&lt;", "<")
    assert "Nothing tracked yet today." in text


def test_linked_home_without_a_user_name() -> None:
    text = all_text(checked_home(linked(user_name="")))
    assert "Connected to the TrackingTime workspace *Acme Design*" in text


def test_today_lists_the_latest_entries_first() -> None:
    events = [event(1, at(8), 30), event(2, at(10), 45, DESIGN, "notes *here*")]
    payload = checked_home(linked(events=events))
    text = all_text(payload)
    assert text.index("Design review") < text.index("Standup")
    assert "_notes *here*_" in text
    assert "more: `/track today`" not in text


def test_a_long_day_is_capped_and_points_to_track_today() -> None:
    long_task = Task(104, HOSTILE * 40, 9, HOSTILE * 40)
    events = [
        event(n, at(0) + timedelta(minutes=20 * n), 15, long_task, HOSTILE * 80) for n in range(60)
    ]
    payload = checked_home(
        linked(events=events, running=RunningTimer(long_task, 999, at(14), HOSTILE * 200))
    )
    assert len(payload["blocks"]) <= MAX_VIEW_BLOCKS
    text = all_text(payload)
    assert "…and 40 more: `/track today` lists them all." in text
    assert text.count("`<!date") == MAX_HOME_ENTRIES  # each entry line starts with its times
    assert HOSTILE_ESCAPED[:20] in text and "<!here>" not in text
    for block in payload["blocks"]:
        assert len(block.get("text", {}).get("text", "")) <= MAX_SECTION_TEXT


def test_many_recent_tasks_make_one_row_of_quick_starts() -> None:
    recent = tuple(Task(200 + n, f"Task {n}", None, None) for n in range(40))
    payload = checked_home(linked(recent=recent))
    starts = start_buttons(payload)
    assert len(starts) == MAX_QUICK_STARTS
    assert len({b["action_id"] for b in starts}) == MAX_QUICK_STARTS


def test_a_trackingtime_failure_shows_an_error_line_and_what_is_known() -> None:
    state = HomeState(
        linked=True,
        user_name="Alice Liddell",
        workspace="Acme Design",
        error="TrackingTime is not answering right now.",
    )
    payload = checked_home(state)
    text = all_text(payload)
    assert ":warning: TrackingTime is not answering right now." in text
    assert "Connected as *Alice Liddell*" in text
    assert not by_action(payload, ids.STOP_TIMER) and "No timer running" not in text
    assert "*Today*" not in text
    assert not by_action(payload, ids.OPEN_CONNECT)  # not a matter of the password
    assert len(by_action(payload, ids.OPEN_LOG_MODAL)) == 1
    assert len(by_action(payload, ids.OPEN_SETTINGS)) == 1


def test_rejected_credentials_offer_to_reconnect() -> None:
    payload = checked_home(
        HomeState(linked=True, workspace="Acme", error="Connect again.", reconnect=True)
    )
    [reconnect] = by_action(payload, ids.OPEN_CONNECT)
    assert reconnect["text"]["text"] == "Reconnect TrackingTime"


def test_half_an_answer_shows_the_half() -> None:
    """The timer came back, the report did not: today's total comes from the timer's status."""
    state = linked(running=RunningTimer(DESIGN, 1, at(14)), error="Too slow.", today=None)
    text = all_text(checked_home(state))
    assert "Running for *1h 07m*" in text and "*Today* · *1h 07m* tracked" in text
    assert ":warning: Too slow." in text


def test_the_home_escapes_names() -> None:
    state = linked(user_name=HOSTILE, workspace=HOSTILE, error=HOSTILE)
    text = all_text(checked_home(state))
    assert text.count(HOSTILE_ESCAPED) == 3


@pytest.mark.parametrize(
    ("user_settings", "expected"),
    [
        (
            UserSettings(),
            ("*Daily summary at 17:30 on Mon–Fri*", "Reminder after a timer runs 9 h"),
        ),
        (
            UserSettings(False, time(9), frozenset(), timedelta(0)),
            ("*No daily summary*", "No reminder about timers left running"),
        ),
        (
            UserSettings(True, time(8, 5), frozenset(range(7)), timedelta(minutes=90)),
            ("*Daily summary at 08:05 every day*", "Reminder after a timer runs 1h 30m"),
        ),
    ],
)
def test_the_home_says_the_settings_in_words(
    user_settings: UserSettings, expected: tuple[str, str]
) -> None:
    text = all_text(checked_home(linked(user_settings=user_settings)))
    assert "\n".join(expected) in text


@st.composite
def home_states(draw: st.DrawFn) -> HomeState:
    if not draw(st.booleans()):
        return HomeState(error=draw(st.none() | user_text(min_size=1)))
    running = draw(
        st.none() | st.builds(RunningTimer, tasks(), st.none() | ids_, st.just(at(9)), user_text())
    )
    count = draw(st.integers(0, 80))
    task = draw(tasks())
    notes = draw(user_text())
    events = [event(n, at(0) + timedelta(minutes=10 * n), 9, task, notes) for n in range(count)]
    recent = tuple(draw(st.lists(tasks(), max_size=30)))
    days = draw(st.frozensets(st.integers(0, 6)))
    limit = draw(st.timedeltas(timedelta(0), timedelta(days=3)))
    user_settings = UserSettings(draw(st.booleans()), draw(st.times()), days, limit)
    state = linked(running=running, events=events, recent=recent, user_settings=user_settings)
    return HomeState(
        linked=True,
        user_name=draw(user_text()),
        workspace=draw(user_text(min_size=1)),
        settings=user_settings,
        status=draw(st.none() | st.just(state.status)),
        today=draw(st.none() | st.just(state.today)),
        error=draw(st.none() | user_text(min_size=1)),
        reconnect=draw(st.booleans()),
    )


@FAST
@given(home_states(), st.sampled_from([UTC, *ZONES]))
def test_any_home_is_valid(state: HomeState, zone: tzinfo) -> None:
    payload = checked_home(state, zone)
    assert len(payload["blocks"]) <= MAX_VIEW_BLOCKS


# --- Settings in words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ({0, 1, 2, 3, 4}, "Daily summary at 17:30 on Mon–Fri"),
        ({0, 2, 4}, "Daily summary at 17:30 on Mon, Wed, Fri"),
        ({5, 6}, "Daily summary at 17:30 on Sat, Sun"),
        ({0, 1, 2, 4}, "Daily summary at 17:30 on Mon–Wed, Fri"),
        ({2}, "Daily summary at 17:30 on Wed"),
        (set(range(7)), "Daily summary at 17:30 every day"),
        (set(), "Daily summary at 17:30, but on no day of the week"),
    ],
)
def test_summary_words(days: set[int], expected: str) -> None:
    assert summary_words(UserSettings(summary_days=frozenset(days))) == expected


def test_summary_words_when_off() -> None:
    assert summary_words(UserSettings(summary_enabled=False)) == "No daily summary"


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (timedelta(hours=9), "Reminder after a timer runs 9 h"),
        (timedelta(hours=12), "Reminder after a timer runs 12 h"),
        (timedelta(minutes=150), "Reminder after a timer runs 2h 30m"),
        (timedelta(0), "No reminder about timers left running"),
    ],
)
def test_reminder_words(limit: timedelta, expected: str) -> None:
    assert reminder_words(UserSettings(timer_limit=limit)) == expected


# --- The settings modal ----------------------------------------------------------------------


def _element(payload: dict[str, Any], field: tuple[str, str]) -> dict[str, Any]:
    [block] = [b for b in payload["blocks"] if b.get("block_id") == field[0]]
    assert block["element"]["action_id"] == field[1]
    return dict(block["element"])


def _values(options: list[dict[str, Any]] | None) -> list[str]:
    return [option["value"] for option in options or []]


def test_settings_modal_shows_the_defaults() -> None:
    payload = check_view(settings_modal(UserSettings()))
    assert payload["callback_id"] == ids.SETTINGS_VIEW
    assert payload["title"]["text"] == "Settings" and payload["submit"]["text"] == "Save"
    assert "private_metadata" not in payload
    summary = _element(payload, ids.SUMMARY_INPUT)
    assert summary["type"] == "checkboxes"
    assert summary["options"][0]["text"]["text"] == "Send me a daily summary"
    assert _values(summary["initial_options"]) == [SUMMARY_ON]
    assert _element(payload, ids.SUMMARY_TIME_INPUT)["initial_time"] == "17:30"
    days = _element(payload, ids.SUMMARY_DAYS_INPUT)
    assert [o["text"]["text"] for o in days["options"]][:2] == ["Monday", "Tuesday"]
    assert _values(days["initial_options"]) == ["0", "1", "2", "3", "4"]
    limit = _element(payload, ids.TIMER_LIMIT_INPUT)
    assert limit["type"] == "static_select"
    assert _values(limit["options"]) == [*(str(h * 60) for h in LIMIT_HOURS), "0"]
    assert limit["options"][-1]["text"]["text"] == "Never remind me"
    assert limit["initial_option"]["value"] == "540"
    assert limit["initial_option"]["text"]["text"] == "After 9 h"


def test_settings_modal_shows_a_summary_switched_off_and_no_reminder() -> None:
    user_settings = UserSettings(False, time(8, 45), frozenset(), timedelta(0))
    payload = check_view(settings_modal(user_settings, "C0GENERAL"))
    assert payload["private_metadata"] == "C0GENERAL"
    assert "initial_options" not in _element(payload, ids.SUMMARY_INPUT)
    assert "initial_options" not in _element(payload, ids.SUMMARY_DAYS_INPUT)
    assert _element(payload, ids.SUMMARY_TIME_INPUT)["initial_time"] == "08:45"
    assert _element(payload, ids.TIMER_LIMIT_INPUT)["initial_option"]["value"] == "0"


def test_settings_modal_keeps_a_limit_it_does_not_offer() -> None:
    payload = check_view(settings_modal(UserSettings(timer_limit=timedelta(minutes=420))))
    limit = _element(payload, ids.TIMER_LIMIT_INPUT)
    assert _values(limit["options"]) == ["240", "360", "420", "480", "540", "600", "720", "0"]
    assert limit["initial_option"]["text"]["text"] == "After 7 h"


def test_settings_modal_with_a_limit_beyond_any_sense_preselects_nothing() -> None:
    payload = check_view(settings_modal(UserSettings(timer_limit=MAX_LIMIT * 2)))
    limit = _element(payload, ids.TIMER_LIMIT_INPUT)
    assert "initial_option" not in limit and len(limit["options"]) == len(LIMIT_HOURS) + 1


@FAST
@given(
    st.booleans(),
    st.times(),
    st.frozensets(st.integers(0, 6)),
    st.timedeltas(timedelta(0), timedelta(days=30)),
    user_text(),
)
def test_any_settings_modal_is_valid(
    enabled: bool, at_time: time, days: frozenset[int], limit: timedelta, channel: str
) -> None:
    view = settings_modal(UserSettings(enabled, at_time, days, limit), channel[:100])
    payload = check_view(view)
    initial = _element(payload, ids.TIMER_LIMIT_INPUT).get("initial_option")
    if initial is not None:
        assert initial in _element(payload, ids.TIMER_LIMIT_INPUT)["options"]


# --- Reading the settings modal back ---------------------------------------------------------


def form(**changes: Any) -> SettingsForm:
    fields: dict[str, Any] = {
        "summary": True,
        "time": "17:30",
        "days": ("0", "1", "2", "3", "4"),
        "limit": "540",
        "work_start": "09:00",
        "work_end": "17:30",
        "work_days": ("0", "1", "2", "3", "4"),
        "gap": "15",
    }
    return SettingsForm(**(fields | changes))


def test_the_form_as_shown_gives_the_defaults_back() -> None:
    assert settings_from_form(form()) == UserSettings()


def test_a_form_with_everything_changed() -> None:
    chosen = form(time="08:05", days=("5", "6"), limit="0")
    assert settings_from_form(chosen) == UserSettings(
        True, time(8, 5), frozenset({5, 6}), timedelta(0)
    )


def test_a_summary_switched_off_needs_no_day_and_no_time() -> None:
    assert settings_from_form(form(summary=False, time=None, days=())) == UserSettings(
        False, time(17, 30), frozenset(), timedelta(hours=9)
    )


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"days": ()}, {ids.SUMMARY_DAYS_INPUT[0]: NO_DAYS}),
        ({"days": ("7", "x", "²", "")}, {ids.SUMMARY_DAYS_INPUT[0]: NO_DAYS}),
        ({"time": None}, {ids.SUMMARY_TIME_INPUT[0]: NO_TIME}),
        ({"time": "25:00"}, {ids.SUMMARY_TIME_INPUT[0]: NO_TIME}),
        ({"limit": None}, {ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT}),
        ({"limit": "soon"}, {ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT}),
        ({"limit": "-5"}, {ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT}),
        ({"limit": "²"}, {ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT}),
        ({"limit": "9" * 5000}, {ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT}),
        (
            {"limit": str(int(MAX_LIMIT.total_seconds() // 60) + 1)},
            {ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT},
        ),
        (
            {"days": (), "time": None, "limit": None},
            {
                ids.SUMMARY_DAYS_INPUT[0]: NO_DAYS,
                ids.SUMMARY_TIME_INPUT[0]: NO_TIME,
                ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT,
            },
        ),
        ({"summary": False, "limit": ""}, {ids.TIMER_LIMIT_INPUT[0]: BAD_LIMIT}),
    ],
)
def test_what_is_wrong_with_a_form_is_said_on_its_field(
    changes: dict[str, Any], errors: dict[str, str]
) -> None:
    assert settings_from_form(form(**changes)) == errors


def test_unknown_days_are_ignored_next_to_good_ones() -> None:
    checked = settings_from_form(form(days=("2", "9", "x", "2")))
    assert isinstance(checked, UserSettings) and checked.summary_days == frozenset({2})


def test_the_longest_limit_is_accepted() -> None:
    minutes = str(int(MAX_LIMIT.total_seconds() // 60))
    checked = settings_from_form(form(limit=minutes))
    assert isinstance(checked, UserSettings) and checked.timer_limit == MAX_LIMIT


def test_every_modal_value_reads_back() -> None:
    """Whatever the modal offers, submitted as is, is accepted and gives the same settings."""
    for user_settings in (
        UserSettings(),
        UserSettings(False, time(6), frozenset({6}), timedelta(0)),
        UserSettings(True, time(23, 59), frozenset(range(7)), timedelta(minutes=7)),
    ):
        payload = settings_modal(user_settings).to_dict()
        days = _element(payload, ids.SUMMARY_DAYS_INPUT).get("initial_options")
        submitted = SettingsForm(
            summary=bool(_element(payload, ids.SUMMARY_INPUT).get("initial_options")),
            time=_element(payload, ids.SUMMARY_TIME_INPUT)["initial_time"],
            days=tuple(_values(days)),
            limit=_element(payload, ids.TIMER_LIMIT_INPUT)["initial_option"]["value"],
            work_start=_element(payload, ids.WORK_START_INPUT)["initial_time"],
            work_end=_element(payload, ids.WORK_END_INPUT)["initial_time"],
            work_days=tuple(_values(_element(payload, ids.WORK_DAYS_INPUT)["initial_options"])),
            gap=_element(payload, ids.GAP_THRESHOLD_INPUT)["initial_option"]["value"],
        )
        assert settings_from_form(submitted) == user_settings


def test_settings_saved_message() -> None:
    payload = check_message(settings_saved_message(UserSettings()))
    assert payload["text"] == (
        "Settings saved. Daily summary at 17:30 on Mon–Fri. Reminder after a timer runs 9 h. "
        "Working hours 09:00–17:30 on Mon–Fri (or your TrackingTime schedule's days); "
        "untracked time of 15m or more is listed."
    )
    assert "`/track settings`" in all_text(payload)


def test_every_builder_is_tested() -> None:
    """A new builder must be added here and to the tests above."""
    tested = {
        home_view, settings_modal, settings_from_form, settings_saved_message, summary_words,
        reminder_words, working_words,
    }  # fmt: skip
    public = {
        function
        for module in (home, settings)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public == tested
