"""``bot.trackingtime.timefmt``: wall-clock strings and ``GMT±HH:MM`` offsets for TrackingTime."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.trackingtime.timefmt import (
    gmt_offset,
    parse_offset,
    parse_tt_datetime,
    to_tt,
    tt_date,
    zone_or_utc,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
FALLBACK = ZoneInfo("Asia/Tokyo")

ZONES = (
    "UTC",
    "Etc/GMT+12",
    "Pacific/Pago_Pago",
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Tehran",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Shanghai",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Auckland",
    "Pacific/Tongatapu",
    "Pacific/Kiritimati",
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# ---- gmt_offset ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "at", "expected"),
    [
        ("Etc/GMT+12", utc(2026, 1, 15, 12), "GMT-12:00"),  # POSIX sign: Etc/GMT+12 is UTC-12
        ("Pacific/Pago_Pago", utc(2026, 1, 15, 12), "GMT-11:00"),
        ("Pacific/Honolulu", utc(2026, 7, 1, 12), "GMT-10:00"),
        ("UTC", utc(2026, 7, 1, 12), "GMT+00:00"),
        ("Europe/London", utc(2026, 1, 15, 12), "GMT+00:00"),
        ("Europe/London", utc(2026, 7, 1, 12), "GMT+01:00"),
        ("Asia/Tehran", utc(2026, 7, 1, 12), "GMT+03:30"),
        ("Asia/Kolkata", utc(2026, 7, 1, 12), "GMT+05:30"),
        ("Asia/Kathmandu", utc(2026, 7, 1, 12), "GMT+05:45"),
        ("America/St_Johns", utc(2026, 1, 15, 12), "GMT-03:30"),
        ("America/St_Johns", utc(2026, 7, 1, 12), "GMT-02:30"),
        ("Australia/Lord_Howe", utc(2026, 7, 1, 12), "GMT+10:30"),
        ("Pacific/Chatham", utc(2026, 7, 1, 12), "GMT+12:45"),
        ("Pacific/Chatham", utc(2026, 1, 15, 12), "GMT+13:45"),
        ("Etc/GMT-14", utc(2026, 7, 1, 12), "GMT+14:00"),
        ("Pacific/Kiritimati", utc(2026, 7, 1, 12), "GMT+14:00"),
    ],
)
def test_gmt_offset_spans_every_offset_from_utc_minus_12_to_plus_14(
    zone: str, at: datetime, expected: str
) -> None:
    assert gmt_offset(at.astimezone(ZoneInfo(zone))) == expected


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(0), "GMT+00:00"),
        (timedelta(hours=3), "GMT+03:00"),
        (timedelta(hours=-5), "GMT-05:00"),
        (timedelta(hours=-3, minutes=-30), "GMT-03:30"),
        (timedelta(minutes=-30), "GMT-00:30"),
        (timedelta(hours=5, minutes=45), "GMT+05:45"),
    ],
)
def test_gmt_offset_of_fixed_offsets(offset: timedelta, expected: str) -> None:
    assert gmt_offset(datetime(2026, 3, 1, 12, tzinfo=timezone(offset))) == expected


def test_gmt_offset_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        gmt_offset(datetime(2026, 3, 1, 12))


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Spring forward in Europe/Berlin: 2026-03-29 01:00 UTC (02:00 CET -> 03:00 CEST).
        (utc(2026, 3, 29, 0, 59, 59), ("2026-03-29 01:59:59", "GMT+01:00")),
        (utc(2026, 3, 29, 1, 0, 0), ("2026-03-29 03:00:00", "GMT+02:00")),
        # Fall back: 2026-10-25 01:00 UTC (03:00 CEST -> 02:00 CET), 02:xx happens twice.
        (utc(2026, 10, 25, 0, 59, 59), ("2026-10-25 02:59:59", "GMT+02:00")),
        (utc(2026, 10, 25, 1, 0, 0), ("2026-10-25 02:00:00", "GMT+01:00")),
        (utc(2026, 10, 25, 0, 30), ("2026-10-25 02:30:00", "GMT+02:00")),
        (utc(2026, 10, 25, 1, 30), ("2026-10-25 02:30:00", "GMT+01:00")),
    ],
)
def test_berlin_dst_transitions(at: datetime, expected: tuple[str, str]) -> None:
    assert to_tt(at, BERLIN) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # 2026-03-08 07:00 UTC: 02:00 EST -> 03:00 EDT.
        (utc(2026, 3, 8, 6, 59, 59), ("2026-03-08 01:59:59", "GMT-05:00")),
        (utc(2026, 3, 8, 7, 0, 0), ("2026-03-08 03:00:00", "GMT-04:00")),
        # 2026-11-01 06:00 UTC: 02:00 EDT -> 01:00 EST.
        (utc(2026, 11, 1, 5, 30), ("2026-11-01 01:30:00", "GMT-04:00")),
        (utc(2026, 11, 1, 6, 30), ("2026-11-01 01:30:00", "GMT-05:00")),
    ],
)
def test_new_york_dst_transitions(at: datetime, expected: tuple[str, str]) -> None:
    assert to_tt(at, NEW_YORK) == expected


# ---- to_tt -----------------------------------------------------------------------------------


def test_to_tt_formats_wall_time_without_fractions_or_t() -> None:
    at = datetime(2026, 1, 5, 8, 4, 3, 999_999, tzinfo=UTC)
    assert to_tt(at, ZoneInfo("Asia/Kolkata")) == ("2026-01-05 13:34:03", "GMT+05:30")


def test_to_tt_converts_from_any_aware_input_zone() -> None:
    at = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=-7)))  # 16:00 UTC
    assert to_tt(at, BERLIN) == ("2026-07-01 18:00:00", "GMT+02:00")
    assert to_tt(at, UTC) == ("2026-07-01 16:00:00", "GMT+00:00")


def test_to_tt_crosses_the_date_line() -> None:
    at = utc(2026, 7, 1, 11, 30)
    assert to_tt(at, ZoneInfo("Pacific/Kiritimati")) == ("2026-07-02 01:30:00", "GMT+14:00")
    assert to_tt(at, ZoneInfo("Etc/GMT+12")) == ("2026-06-30 23:30:00", "GMT-12:00")


def test_tt_date() -> None:
    assert tt_date(date(2026, 2, 3)) == "2026-02-03"


# ---- parse_offset ----------------------------------------------------------------------------


def _offset_at(zone: tzinfo, at: datetime | None = None) -> timedelta | None:
    return (at or utc(2026, 7, 1, 12)).astimezone(zone).utcoffset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GMT+3", timedelta(hours=3)),
        ("GMT+03:00", timedelta(hours=3)),
        ("GMT-05:00", timedelta(hours=-5)),
        ("GMT-5", timedelta(hours=-5)),
        ("GMT+0530", timedelta(hours=5, minutes=30)),
        ("GMT+05:45", timedelta(hours=5, minutes=45)),
        ("GMT-03:30", timedelta(hours=-3, minutes=-30)),
        ("GMT+14:00", timedelta(hours=14)),
        ("GMT-12:00", timedelta(hours=-12)),
        ("UTC+1", timedelta(hours=1)),
        ("gmt+02:00", timedelta(hours=2)),
        ("+02:00", timedelta(hours=2)),
        ("  GMT+02:00  ", timedelta(hours=2)),
        ("GMT+00:00", timedelta(0)),
        ("UTC", timedelta(0)),
        ("GMT", timedelta(0)),
        ("utc", timedelta(0)),
    ],
)
def test_parse_offset_gmt_forms(text: str, expected: timedelta) -> None:
    assert _offset_at(parse_offset(text, FALLBACK)) == expected


def test_parse_offset_iana_names_follow_dst() -> None:
    zone = parse_offset("Europe/Berlin", FALLBACK)
    assert zone == BERLIN
    assert _offset_at(zone, utc(2026, 7, 1, 12)) == timedelta(hours=2)
    assert _offset_at(zone, utc(2026, 1, 15, 12)) == timedelta(hours=1)
    assert parse_offset("America/St_Johns", FALLBACK) == ZoneInfo("America/St_Johns")


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "garbage",
        "Mars/Olympus_Mons",
        "Europe",  # a directory of the tz database, not a zone
        "../../etc/passwd",
        "/etc/localtime",
        "a\x00b",
        "x" * 300,
        "GMT 02:00",  # what an unescaped "+" in a query string becomes
        "GMT+",
        "GMT+2:3",
        "GMT+99",  # out of range: used to raise ValueError from datetime.timezone
        "GMT+24",
        "GMT-24:00",
        "GMT+15",
        "GMT+12:75",  # minutes must be below 60
    ],
)
def test_parse_offset_garbage_gives_the_fallback(text: str | None) -> None:
    assert parse_offset(text, FALLBACK) is FALLBACK


@given(st.text(max_size=40))
def test_parse_offset_never_raises(text: str) -> None:
    assert isinstance(parse_offset(text, FALLBACK), tzinfo)


# ---- zone_or_utc -----------------------------------------------------------------------------


def test_zone_or_utc() -> None:
    assert zone_or_utc("Europe/Berlin") == BERLIN
    assert zone_or_utc("Asia/Kathmandu") == ZoneInfo("Asia/Kathmandu")
    for bad in (None, "", "Nowhere/Special", "../etc/passwd", "Europe", "a\x00b"):
        assert zone_or_utc(bad) is UTC


# ---- parse_tt_datetime -----------------------------------------------------------------------


def test_parse_tt_datetime_is_aware_in_the_given_zone() -> None:
    parsed = parse_tt_datetime("2026-07-01 12:00:00", BERLIN)
    assert parsed == utc(2026, 7, 1, 10)
    assert parsed.utcoffset() == timedelta(hours=2)


def test_parse_tt_datetime_ignores_fractions_and_whitespace() -> None:
    fixed = timezone(timedelta(hours=-5))
    assert parse_tt_datetime(" 2026-01-02 03:04:05.123 ", fixed) == datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=fixed
    )


def test_parse_tt_datetime_rejects_other_formats() -> None:
    with pytest.raises(ValueError):
        parse_tt_datetime("02/01/2026 03:04", UTC)


# ---- round trip ------------------------------------------------------------------------------

# Years where none of ZONES has a local-mean-time offset with seconds (not sendable as GMT±HH:MM).
# Wall times skipped by a DST switch are no instant at all, so they are left out; ambiguous ones
# (fold=0 or 1) are kept.
INPUT_ZONES = [UTC, timezone(timedelta(hours=-3, minutes=-30)), *map(ZoneInfo, ZONES)]
aware_datetimes = st.datetimes(
    min_value=datetime(1972, 1, 1),
    max_value=datetime(2100, 12, 31),
    timezones=st.sampled_from(INPUT_ZONES),
    allow_imaginary=False,
)


@given(at=aware_datetimes, zone_name=st.sampled_from(ZONES))
def test_round_trip_keeps_the_instant(at: datetime, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    wall, offset = to_tt(at, zone)
    back = parse_tt_datetime(wall, parse_offset(offset, FALLBACK))
    # Compared as POSIX timestamps: == between zones is always False for ambiguous wall times.
    assert back.timestamp() == at.replace(microsecond=0).timestamp()  # whole seconds on the wire
    assert back.utcoffset() == at.astimezone(zone).utcoffset()
    assert gmt_offset(back) == offset
