"""Draft entries read out of what people already write: a stand-up post, a daily update.

Every clause of the message that gives a length or a time range becomes a draft, read with the
grammar of ``/track log`` (:func:`bot.logparse.parse_log`). Pure, like the rest of the package.

What is read:

* lines, list items (``-``, ``•``, ``1.``, ``a)``, ``[x]``, quotes) and clauses within a line,
  split at ``,`` ``;`` ``.`` ``and`` ``&`` ``+`` ``then`` ``/`` ``|`` where what follows starts
  or ends with a time (so ``: notes, with commas`` stay whole);
* day headings, which set the day of every clause after them until the next one: ``Yesterday:``,
  ``Today:``, ``This morning:``, ``Mon:``, ``Monday's work:``, ``2026-11-30:``, ``-2d:``, also a
  line holding only the day (``*Yesterday*``); a day inside a clause still wins
  (``2h mon Review``). Under ``Tomorrow:`` nothing is read: it has not happened yet;
* the time words first as in ``/track log`` (``2h API review``, ``9-10:30 design sync in
  Website``), or last (``API review 2h``, ``standup (30m)``, ``API review - 2h``, ``Review: 1h``,
  ``Review for 2h``), after words such as ``spent``, ``worked``, ``~``, ``about`` and before
  ``on``, ``for``, ``of`` (``spent 2h on API review``);
* lengths in words (``2 hours``, ``30 mins``, ``1,5h``), Slack's markup, emoji and formatting
  (see :mod:`bot.logparse.post_text`).

What is left alone: clauses without a length or range (``Blockers: none``); a time in the middle
of a clause (``reviewed 3 PRs in 2h for the API team``); what the grammar refuses (``30h``,
``1h75m``, ``25:00-26:00``); anything under ``Tomorrow:``. Those with a time in them are listed
(:attr:`Post.left_alone`, with why), so the form can say what it did not take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.commands import Token, split_notes, tokenize
from bot.logparse.formatting import format_word
from bot.logparse.phrase import LogRequest, parse_log, time_words_at_start
from bot.logparse.post_text import plain_lines
from bot.logparse.words import LogError, parse_day

# A post longer than this many clauses is read only so far: the form shows far fewer anyway.
MAX_CLAUSES = 200
# Time words written after the task: at most a length, a day and a spaced range (3 tokens).
MAX_TAIL = 5

_SEPARATOR = re.compile(r"(\s*[,;]\s*|\.(?:\s+|$)|\s+(?:and|&|\+|then|/|\|)\s+)", re.IGNORECASE)
_HEADING = re.compile(
    r"^(?:on\s+)?(?P<day>this\s+(?:morning|afternoon)|[\w-]+)(?:'s\b[^:]{0,40})?\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_TODAY_PHRASES = ("today", "this morning", "this afternoon", "tonight")
TOMORROW = "tomorrow"
# What looks like a time, valid or not: a length with its unit, h:mm, or a range of hours.
_TIMEISH = re.compile(
    r"(?:[0-9]*\.)?[0-9]+(?:h|m|min)[0-9]*(?:m|min)?|[0-9]+:[0-9]{2}"
    r"|[0-9]{1,2}(?::[0-9]+)?(?:am|pm)?[-–][0-9]{1,2}(?::[0-9]+)?(?:am|pm)?",
    re.IGNORECASE,
)
_BRACKETS = "()[]{}"
_TRAILING_PUNCTUATION = "!?…:,"
_WORDS_BEFORE_TIME = ("i", "i've", "ive", "i'd", "worked", "spent", "did", "was", "had")
_APPROXIMATELY = ("about", "around", "approx", "approx.", "approximately", "roughly", "~", "≈")
_FILLERS = frozenset((*_WORDS_BEFORE_TIME, *_APPROXIMATELY, "then", "also", "plus", "and"))
_CONNECTORS = frozenset(["on", "for", "of", "doing", "-", "–", "—", ":", "=", "~"])
MIDDLE = "I read a time at the start or the end of a clause, not in the middle."
FUTURE = "It's under Tomorrow: time is logged once it's done."


@dataclass(frozen=True)
class Draft:
    """An entry to suggest: the request as ``/track log`` would read it, and the clause it
    came from (plain, as shown in the form)."""

    request: LogRequest
    clause: str


@dataclass(frozen=True)
class LeftAlone:
    """A clause with a time in it that is no draft, and why."""

    clause: str
    reason: str


@dataclass(frozen=True)
class Post:
    drafts: tuple[Draft, ...] = ()
    left_alone: tuple[LeftAlone, ...] = ()


def read_post(text: str, today: date) -> Post:
    """Every draft in a message, in the order written; ``today`` is the author's. Never raises."""
    drafts: list[Draft] = []
    left_alone: list[LeftAlone] = []
    day: date | None = None  # set by the latest heading; None: today
    future = False
    for clause in _clauses(text, today):
        heading = _heading(clause, today)
        if heading is not None:
            named, clause = heading
            future = named is None
            day = named
            if not clause:
                continue
        read = _read_clause(clause, today, day)
        if future and read is not None:
            read = LeftAlone(clause, FUTURE)
        if isinstance(read, Draft):
            drafts.append(read)
        elif isinstance(read, LeftAlone):
            left_alone.append(read)
    return Post(tuple(drafts), tuple(left_alone))


def _clauses(text: str, today: date) -> list[str]:
    """The clauses of every line: split at separators where the next part is a clause of its
    own (it has a time at its start or end, or is a heading), else glued back as it was."""
    clauses: list[str] = []
    for line in plain_lines(text):
        parts = _SEPARATOR.split(line)
        current = parts[0]
        for separator, part in zip(parts[1::2], parts[2::2], strict=True):
            if _starts_clause(part, today):
                clauses.append(current)
                current = part
            elif separator.strip() in ",;." and split_notes(current)[1] is None:
                # More about the clause before ("2h API review, went through auth"): its notes.
                current += f": {part}"
            else:
                current += separator + part
        clauses.append(current)
        if len(clauses) >= MAX_CLAUSES:
            break
    return [clause.strip() for clause in clauses[:MAX_CLAUSES] if clause.strip()]


def _starts_clause(part: str, today: date) -> bool:
    if _heading(part, today) is not None:
        return True
    words = [_unwrapped(word) for word in part.split()]
    words = [word for word in words if word.casefold() not in _FILLERS]
    return bool(words) and any(_TIMEISH.fullmatch(word) for word in (words[0], words[-1]))


def _heading(clause: str, today: date) -> tuple[date | None, str] | None:
    """``(day, the rest)`` when the clause begins with a day heading (``None`` for the day of
    ``Tomorrow:``); ``None`` when it does not."""
    match = _HEADING.match(clause)
    if match is not None:
        day, rest = match["day"], match["rest"]
    elif len(clause.split()) <= 2:  # a line holding only the day: "Yesterday", "This morning"
        day, rest = clause, ""
    else:
        return None
    named = " ".join(day.split()).casefold()
    if named == TOMORROW:
        return None, rest
    if named in _TODAY_PHRASES:
        return today, rest
    found = parse_day(named, today)
    return (found, rest) if isinstance(found, date) else None


def _read_clause(clause: str, today: date, day: date | None) -> Draft | LeftAlone | None:
    """The clause as a draft; what is wrong with it when it has a time in it; else ``None``."""
    phrase, notes = split_notes(clause)
    if phrase is None:  # a quote left open: read the words as they are
        phrase, notes = clause, None
    tokens = [_unwrapped_token(token) for token in _tokens(phrase)]
    while tokens and not tokens[0].quoted and tokens[0].text.casefold() in _FILLERS:
        tokens.pop(0)
    timed = _time_first(tokens, today)
    if timed is None and notes:
        # "Review: 2h": the length was taken for notes.
        timed = _time_first(tokens + _tokens(notes), today)
        notes = None if timed is not None else notes
    if timed is None:
        return LeftAlone(clause, MIDDLE) if _has_time(clause) else None
    if isinstance(timed, LogError):
        return LeftAlone(clause, timed.problem) if _has_time(clause) else None
    words, at = timed
    if at == len(words) and notes:  # "2h: API review": the task was taken for notes
        words, notes = words + _tokens(notes), None
    text = " ".join(format_word(token) for token in words)
    parsed = parse_log(f"{text}: {notes}" if notes else text, today, default_day=day)
    if isinstance(parsed, LogError):
        return LeftAlone(clause, parsed.problem) if _has_time(clause) else None
    return Draft(parsed, clause)


def _time_first(tokens: list[Token], today: date) -> tuple[list[Token], int] | LogError | None:
    """The tokens with their time words first (moved there when written last), and where the
    task begins; ``None`` when no time words start or end them."""
    count = time_words_at_start(tokens, today)
    if isinstance(count, LogError):
        return count if _TIMEISH.fullmatch(tokens[0].text) else None
    if count and any(_TIMEISH.fullmatch(t.text) for t in tokens[:count] if not t.quoted):
        return _without_connector(tokens, count), count
    for width in range(min(MAX_TAIL, len(tokens) - 1), 0, -1):
        tail, head = tokens[-width:], tokens[:-width]
        if any(t.quoted for t in tail) or not _TIMEISH.fullmatch(tail[-1].text):
            continue
        if tail[0].text.casefold() in _CONNECTORS and width > 1:
            continue  # found with the connector left in the head, at a smaller width
        if time_words_at_start(tail, today) == width:
            while head and not head[-1].quoted and head[-1].text.casefold() in _CONNECTORS:
                head.pop()
            return [*tail, *head], width
    return None


def _without_connector(tokens: list[Token], count: int) -> list[Token]:
    """``2h on API review``: the word joining the time to the task is no part of the task."""
    after = tokens[count] if count < len(tokens) else None
    if after is not None and not after.quoted and after.text.casefold() in _CONNECTORS:
        return [*tokens[:count], *tokens[count + 1 :]]
    return tokens


def _tokens(phrase: str) -> list[Token]:
    tokens = tokenize(phrase)
    return tokens if tokens is not None else [Token(word) for word in phrase.split()]


def _unwrapped(word: str) -> str:
    """``(2h)``, ``[9-10]``, ``2h!``, ``~2h`` as the time they hold."""
    return word.strip(_BRACKETS).rstrip(_TRAILING_PUNCTUATION).lstrip("~≈") or word


def _unwrapped_token(token: Token) -> Token:
    return token if token.quoted else Token(_unwrapped(token.text))


def _has_time(clause: str) -> bool:
    return any(_TIMEISH.fullmatch(_unwrapped(word)) for word in clause.split())
