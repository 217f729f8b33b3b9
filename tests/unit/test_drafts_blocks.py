"""The drafts form, the channel offer, the reply to logging drafts and the gap list are valid
Block Kit (slack_sdk models and the vendored schemas) up to Slack's limits, and say what they
must."""

from __future__ import annotations

import inspect
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.blocks import drafts as drafts_blocks
from bot.blocks import gaps as gap_blocks_module
from bot.blocks import ids
from bot.blocks import standup as standup_blocks
from bot.blocks.drafts import (
    BLOCKS_PER_ROW,
    MAX_DRAFTS,
    drafts_logged_message,
    drafts_modal,
    no_drafts_modal,
    offer_message,
    offer_value,
    parse_offer_value,
    parse_undo_value,
    undone_all_message,
)
from bot.blocks.gaps import gap_blocks, gap_value, parse_gap_value
from bot.blocks.reports import report_message
from bot.blocks.standup import (
    standup_off_message,
    standup_on_message,
    standup_status_message,
    standup_too_many_message,
)
from bot.blocks.summary import daily_summary_message
from bot.commands import Token
from bot.logparse import Draft, LeftAlone, LogRequest, parse_log
from bot.services.drafts import DraftRow, NotLogged, UndoneAll
from bot.services.entry import Entry
from bot.services.gaps import Gap, WorkingDay
from bot.services.outcomes import Kept, Logged, NoRoom, Refused
from bot.services.placement import Busy
from bot.services.reports import Period, summarize
from bot.services.summaries import DailySummary
from bot.trackingtime import Event, Task
from tests.unit.test_blocks import check_message, check_view

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 17, 0, tzinfo=BERLIN)
DESIGN = Task(101, "Design review", 7, "Website")
LONG = "\N{SMILING FACE WITH OPEN MOUTH}" * 3000  # 4 bytes each in UTF-8
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def row(n: int = 0, **changes: object) -> DraftRow:
    fields: dict[str, object] = {
        "clause": f"{n + 1}h design review",
        "day": TODAY - timedelta(days=1),
        "start": None,
        "end": None,
        "length": timedelta(hours=n % 24 + 1),
        "notes": "",
        "task": DESIGN,
    }
    return DraftRow(**(fields | changes))  # type: ignore[arg-type]


def draft(text: str) -> Draft:
    request = parse_log(text, TODAY)
    assert isinstance(request, LogRequest)
    return Draft(request, text)


def blocks_of(view: dict[str, object]) -> list[dict[str, object]]:
    return list(view["blocks"])  # type: ignore[call-overload]


# --- The form ------------------------------------------------------------------------------------


def test_one_row_per_draft_with_its_fields() -> None:
    rows = [
        row(0),
        row(1, task=None, why_no_task="No task is called “golf”: pick one.", notes="golf"),
        row(2, start=time(9), end=time(10, 30), length=timedelta(minutes=90), leave_out=True),
    ]
    view = check_view(drafts_modal(rows, [LeftAlone("30h on-call", "too long")], "{}"))
    assert view["callback_id"] == ids.DRAFTS_VIEW and view["submit"]["text"] == "Log"
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert len(view["blocks"]) == 2 + 3 * BLOCKS_PER_ROW
    assert by_id["draft_task:0"]["element"]["initial_option"]["value"] == "101"
    assert by_id["draft_task:0"]["element"]["action_id"] == ids.LOG_TASK_INPUT[1]  # typeahead
    assert "initial_option" not in by_id["draft_task:1"]["element"]
    assert by_id["draft_task:1"]["hint"]["text"].startswith("No task is called")
    assert by_id["draft_when:0"]["element"]["initial_value"] == "1h"
    assert by_id["draft_when:2"]["element"]["initial_value"] == "09:00-10:30"
    assert by_id["draft_day:2"]["element"]["initial_date"] == "2026-12-01"
    assert by_id["draft_leave_out:2"]["element"]["initial_options"][0]["value"] == "leave"
    assert "initial_options" not in by_id["draft_leave_out:0"]["element"]
    assert by_id["draft_notes:1"]["element"]["initial_value"] == "golf"
    assert (
        "Not read as entries: “30h on-call” (too long)" in view["blocks"][-1]["elements"][0]["text"]
    )


def test_the_form_holds_as_many_drafts_as_fit_in_a_modal_and_says_how_many_more() -> None:
    assert MAX_DRAFTS == 19  # 100 blocks: 2 of the form's own, 5 a row
    fits = check_view(drafts_modal([row(n) for n in range(MAX_DRAFTS)], []))
    assert len(fits["blocks"]) == 1 + MAX_DRAFTS * BLOCKS_PER_ROW
    over = check_view(drafts_modal([row(n) for n in range(MAX_DRAFTS + 7)], []))
    assert len(over["blocks"]) == 2 + MAX_DRAFTS * BLOCKS_PER_ROW <= 100
    assert "7 more entries than this form holds (19)" in str(over["blocks"][-1])
    assert not any(b.get("block_id") == f"draft_task:{MAX_DRAFTS}" for b in over["blocks"])


def test_the_longest_texts_stay_inside_the_limits() -> None:
    rows = [
        row(n, clause=LONG, notes=LONG, task=Task(n, LONG, 1, LONG), why_no_task=LONG)
        for n in range(MAX_DRAFTS + 1)
    ]
    left = [LeftAlone(LONG, LONG)] * 40
    view = check_view(drafts_modal(rows, left, json.dumps({"channel": "C1", "rows": 19})))
    assert len(json.dumps(view, ensure_ascii=False).encode()) < 250_000  # Slack's view_too_large
    assert "and 35 more" in str(view["blocks"][-1])


@FAST
@given(
    st.lists(
        st.builds(
            row,
            st.integers(0, 50),
            clause=st.text(min_size=1, max_size=300),
            notes=st.text(max_size=3000),
            task=st.none() | st.builds(Task, st.integers(1, 2**40), st.text(min_size=1)),
            why_no_task=st.none() | st.text(min_size=1, max_size=500),
            leave_out=st.booleans(),
        ),
        min_size=1,
        max_size=MAX_DRAFTS + 1,
    )
)
def test_any_form_is_valid(rows: list[DraftRow]) -> None:
    check_view(drafts_modal(rows, []))


def test_the_form_says_so_when_there_is_nothing_to_log() -> None:
    view = check_view(no_drafts_modal("I found no time in this message to log."))
    assert "submit" not in view and "Yesterday: 2h API review" in str(view["blocks"])


# --- The offer -----------------------------------------------------------------------------------


def test_the_offer_lists_the_drafts_and_carries_them_as_log_lines() -> None:
    found = [draft("2h yesterday API review: auth"), draft("9-10:30 design sync in Website")]
    payload = check_message(offer_message(found, TODAY))  # type: ignore[arg-type]
    text = str(payload["blocks"])
    assert payload["text"] == "Log these 2 entries?"
    assert "2h API review, yesterday" in text and "09:00-10:30 design sync in Website" in text
    [button] = next(b for b in payload["blocks"] if b["type"] == "actions")["elements"]
    assert button["action_id"] == ids.OPEN_DRAFTS
    lines = parse_offer_value(button["value"])
    assert [parse_log(line, TODAY) for line in lines] == [d.request for d in found]


def test_an_offer_carries_as_many_drafts_as_fit_in_a_button() -> None:
    many = [draft(f"1h {'long task name ' * 6}{n}: {'n' * 400}") for n in range(40)]
    value, count = offer_value(many)
    assert 0 < count < 40 and len(json.dumps(value)) - 2 <= 2000
    assert all(len(line) < 500 for line in value.splitlines())  # notes cut for the button
    payload = check_message(offer_message(many, TODAY))  # type: ignore[arg-type]
    assert f"Log these {count} entries?" == payload["text"]
    assert "Your post has 40: the *Log entries from message* shortcut" in str(payload["blocks"])
    short = [draft(f"{n + 1}m task {n}") for n in range(15)]
    listed = check_message(offer_message(short, TODAY))  # type: ignore[arg-type]
    assert listed["text"] == "Log these 15 entries?" and "• … and 5 more" in str(listed["blocks"])
    huge = [
        Draft(LogRequest(TODAY, timedelta(hours=1), None, None, (Token("x" * 3000),), None), "")
    ]
    assert offer_message(huge, TODAY) is None


# --- The reply to logging, and Undo all ----------------------------------------------------------


def _entry(hour: int, placed: bool = True) -> Entry:
    start = datetime(2026, 12, 1, hour, tzinfo=BERLIN)
    return Entry(start, start + timedelta(hours=1), "", 101, 7, "Design review", "Website", placed)


def _event(n: int, entry: Entry) -> Event:
    return Event(n, 101, "Design review", 7, "Website", entry.start, entry.end, entry.duration, "")


def test_the_reply_shows_each_outcome_with_menus_and_undo_all() -> None:
    busy = Busy(_entry(9).start, _entry(9).end, "Standup")
    outcomes = [
        Logged(_entry(9), _event(11, _entry(9)), overlaps=(busy,)),
        Logged(_entry(10), _event(12, _entry(10))),
        Kept(_entry(11), "TrackingTime is not answering."),
        Refused(_entry(12), "Internal error", 77),
        NoRoom(_entry(13, placed=False)),
        NotLogged(_entry(14), "No such task."),
    ]
    payload = check_message(drafts_logged_message(outcomes, BERLIN))
    text = str(payload["blocks"])
    assert payload["text"] == "Logged 2 of 6 entries from your message: 2h 00m"
    assert text.count("entry_menu") == 2 and "overlaps Standup" in text
    assert "kept, added as soon as TrackingTime answers" in text
    assert "'value': '77'" in text and ids.RETRY_ENTRY in text
    assert "no free time that day" in text and "not logged: No such task." in text
    undo = payload["blocks"][-1]["elements"][0]
    assert undo["action_id"] == ids.UNDO_ALL and parse_undo_value(undo["value"]) == [11, 12]


def test_a_reply_with_the_most_drafts_fits_a_message() -> None:
    outcomes = [Logged(_entry(9), _event(2**62 + n, _entry(9))) for n in range(MAX_DRAFTS)]
    payload = check_message(drafts_logged_message(outcomes, BERLIN))
    assert len(payload["blocks"]) == MAX_DRAFTS + 2


def test_nothing_logged_has_no_undo_all() -> None:
    payload = check_message(drafts_logged_message([NoRoom(_entry(9, placed=False))], BERLIN))
    assert ids.UNDO_ALL not in str(payload["blocks"])


@pytest.mark.parametrize("value", ["", "1,,2", "1,x", "0", "-1", "1;2", "9" * 30])
def test_an_undo_all_value_we_did_not_make_is_refused(value: str) -> None:
    assert parse_undo_value(value) is None


@pytest.mark.parametrize(
    ("undone", "words"),
    [
        (UndoneAll(3, 0, 0), "Undone: 3 entries deleted from TrackingTime."),
        (UndoneAll(1, 1, 0), "Undone: 1 entry deleted from TrackingTime. 1 was gone already."),
        (UndoneAll(0, 2, 1), "2 were gone already. 1 not yours, left alone."),
    ],
)
def test_undone_all_says_what_happened(undone: UndoneAll, words: str) -> None:
    assert words in check_message(undone_all_message(undone))["text"]


# --- The gap list --------------------------------------------------------------------------------


def _day_report(gaps: int) -> object:
    day = Period(TODAY, TODAY, "Today · Wed 02 Dec 2026")
    report = summarize(day, [], None, BERLIN, NOW)
    start = datetime(2026, 12, 2, 9, tzinfo=BERLIN)
    found = tuple(
        Gap(start + timedelta(minutes=20 * n), start + timedelta(minutes=20 * n + 15))
        for n in range(gaps)
    )
    working = WorkingDay(start, datetime(2026, 12, 2, 17, 30, tzinfo=BERLIN))
    return type(report)(**{**report.__dict__, "working": working, "gaps": found})


def test_gaps_in_a_report_and_the_summary_each_with_log_this() -> None:
    report = _day_report(3)
    payload = check_message(report_message(report, BERLIN))  # type: ignore[arg-type]
    text = str(payload["blocks"])
    assert "Untracked in your working hours* (09:00–17:30): *45m* in 3 stretches" in text
    assert text.count(ids.LOG_GAP) == 3
    summary = DailySummary(report, timedelta(hours=8))  # type: ignore[arg-type]
    assert (
        str(check_message(daily_summary_message(summary, BERLIN))["blocks"]).count(ids.LOG_GAP) == 3
    )


def test_many_gaps_are_counted_past_the_limit_and_fit_the_messages() -> None:
    report = _day_report(24)
    payload = check_message(report_message(report, BERLIN))  # type: ignore[arg-type]
    assert str(payload["blocks"]).count(ids.LOG_GAP) == 8 and "… and 16 shorter ones" in str(
        payload["blocks"]
    )
    summary = DailySummary(report, None)  # type: ignore[arg-type]
    blocks = check_message(daily_summary_message(summary, BERLIN))["blocks"]
    assert str(blocks).count(ids.LOG_GAP) == 5 and "… and 19 shorter ones" in str(blocks)
    assert gap_blocks(summarize(Period(TODAY, TODAY, "x"), [], None, BERLIN, NOW), BERLIN, 5) == []


def test_a_gap_value_reads_back_and_a_strange_one_does_not() -> None:
    value = gap_value(TODAY, time(13, 30), time(17, 30))
    assert parse_gap_value(value) == (TODAY, time(13, 30), time(17, 30))
    for bad in ("", "{}", "[]", '{"day": "2026-13-01", "from": "09:00", "to": "10:00"}'):
        assert parse_gap_value(bad) is None
    assert parse_gap_value(gap_value(TODAY, time(10), time(9))) is None


# --- /track standup ------------------------------------------------------------------------------


def test_standup_answers_name_the_channels() -> None:
    on = check_message(standup_on_message(["C1", "G2"]))
    assert on["text"] == ":white_check_mark: I'll offer to log what you post in <#C1>, <#G2>."
    assert "/invite @TrackingTime" in str(on["blocks"])
    assert "<#C1>" in check_message(standup_status_message(["C1"]))["text"]
    assert "anywhere yet" in check_message(standup_status_message([]))["text"]
    assert "no longer" in check_message(standup_off_message(2, []))["text"]
    assert "wasn't offering" in check_message(standup_off_message(0, ["C1"]))["text"]
    assert "at most 10 channels" in check_message(standup_too_many_message())["text"]


def test_every_builder_is_tested() -> None:
    """A new builder must be added here and to the tests above."""
    tested = {
        drafts_modal, no_drafts_modal, offer_message, offer_value, parse_offer_value,
        drafts_logged_message, parse_undo_value, undone_all_message, gap_blocks, gap_value,
        parse_gap_value, standup_on_message, standup_status_message, standup_off_message,
        standup_too_many_message,
    }  # fmt: skip
    public = {
        function
        for module in (drafts_blocks, gap_blocks_module, standup_blocks)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public == tested
    assert UTC  # the zone every instant compares in
