"""Writing requests and durations back as a user would type them: what the grammar
(:mod:`bot.logparse`) reads back unchanged, and what forms are prefilled with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from bot.commands import QUOTES, Token

if TYPE_CHECKING:  # only for its attributes: phrase.py imports this module
    from bot.logparse.phrase import LogRequest

TIME_WORDS = ("duration", "day", "time range")


def format_log(request: LogRequest, order: Sequence[str] = TIME_WORDS) -> str:
    """The text of an accepted request, which :func:`bot.logparse.parse_log` reads back
    unchanged, with the time words in ``order`` (a permutation of :data:`TIME_WORDS`; canonical
    by default).

    Only words that were quoted are quoted again: quoting another word would change its
    :attr:`Token.quoted`, and none needs it, as every word after the time words is task text.
    """
    if sorted(order) != sorted(TIME_WORDS):
        raise ValueError(f"order must list each of {TIME_WORDS} once, got {order!r}")
    written = {
        "duration": format_duration_input(request.duration),
        "day": request.day.isoformat(),
        "time range": f"{request.start:%H:%M}-{request.end:%H:%M}"
        if request.start is not None and request.end is not None
        else None,
    }
    parts = [written[part] for part in order if written[part] is not None]
    parts.extend(format_word(word) for word in request.words)
    text = " ".join(part for part in parts if part)
    if request.notes is not None:
        return f"{text}: {request.notes}"
    # A last word ending in ":" (typed as "x::") would read as "x" plus empty notes; writing the
    # empty notes separator keeps its colon.
    return f"{text}:" if text.endswith(":") else text


def format_duration_input(span: timedelta) -> str:
    """A duration as a user would type it (``1h30m``, ``45m``, ``2h``), e.g. to prefill a field.

    Rounded half-to-even to whole minutes, the finest unit the grammar has.
    """
    if span < timedelta(0):
        raise ValueError(f"a duration to type can't be negative: {span}")
    hours, minutes = divmod(round(Fraction(span // timedelta(microseconds=1), 60_000_000)), 60)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h{minutes}m" if minutes else f"{hours}h"


def format_word(token: Token) -> str:
    """A word of a task phrase as typed: quoted again if it was quoted."""
    if not token.quoted:
        return token.text
    # Any pair whose closing mark is not in the text; the one the user typed always qualifies.
    opening, closing = next((o, c) for o, c in QUOTES.items() if c not in token.text)
    return f"{opening}{token.text}{closing}"
