"""Ids read back from payloads and typed text: ASCII digits only, positive, bounded."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digits import ROW_ID_MAX, TRACKINGTIME_ID_MAX, parse_id


@given(st.integers(min_value=1, max_value=TRACKINGTIME_ID_MAX))
def test_an_id_we_wrote_reads_back(number: int) -> None:
    assert parse_id(str(number)) == number
    assert parse_id(number) == number  # as a JSON number (modal metadata)


@given(st.text())
def test_only_ascii_digits_are_an_id(text: str) -> None:
    parsed = parse_id(text)
    if parsed is not None:
        assert text.isascii() and text.isdigit() and str(parsed) == text.lstrip("0")


@pytest.mark.parametrize(
    "value",
    [
        "²",  # str.isdigit says yes; int() refuses it
        "٣",  # Arabic-Indic three: int() reads it as 3
        "\uff11\uff12",  # full-width 12
        "12²",
        " 12",
        "12 ",
        "+12",
        "-12",
        "1_000",
        "0",
        "",
        "1" * 40,
        str(TRACKINGTIME_ID_MAX + 1),
        0,
        -5,
        True,
        1.0,
        None,
        ["12"],
        {"id": 12},
    ],
)
def test_anything_else_is_not(value: Any) -> None:
    assert parse_id(value) is None


def test_the_limit_is_where_the_id_is_looked_up() -> None:
    """Our own rows are SQL INTEGERs: a larger id is no row of ours (and Postgres would refuse
    the query rather than find nothing)."""
    assert parse_id(str(ROW_ID_MAX), ROW_ID_MAX) == ROW_ID_MAX
    assert parse_id(str(ROW_ID_MAX + 1), ROW_ID_MAX) is None
    assert parse_id("99999999999", ROW_ID_MAX) is None
    assert parse_id(str(ROW_ID_MAX + 1)) == ROW_ID_MAX + 1
