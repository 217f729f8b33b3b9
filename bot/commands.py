"""The ``/track`` command language, parsed by a pure function.

``parse_command`` never raises: whatever a user types becomes one of the command records below,
and text it cannot read becomes :class:`Invalid` (with a correct example) or :class:`Unknown`
(with a "did you mean").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}


@dataclass(frozen=True)
class Token:
    """A word of a task or project phrase; ``quoted`` words are never read as keywords."""

    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Status:
    """``/track`` or ``/track status``: the running timer and today's total."""


@dataclass(frozen=True)
class Start:
    """``/track start <task> [in <project>] [: notes]``.

    ``words`` is the task phrase, possibly with ``in <project>`` and trailing notes in it: which
    words are task, project and notes is settled against the user's TrackingTime data by
    :mod:`bot.services.matching`. ``notes`` is set when the user separated notes with ``:``.
    """

    words: tuple[Token, ...]
    notes: str | None = None


@dataclass(frozen=True)
class Stop:
    """``/track stop``."""


@dataclass(frozen=True)
class Connect:
    """``/track connect``: open the App Password modal."""


@dataclass(frozen=True)
class Disconnect:
    """``/track disconnect``: forget the user's TrackingTime link."""


@dataclass(frozen=True)
class SwitchAccount:
    """``/track account``: pick another TrackingTime workspace of the same login."""


@dataclass(frozen=True)
class Log:
    """``/track log [text]``. The text is read by :func:`bot.logparse.parse_log` against the
    user's own today (this parser knows no clock); empty text opens the Log-time modal."""

    text: str


@dataclass(frozen=True)
class Report:
    """``/track today``, ``yesterday``, ``week``, ``last week`` or a day; ``period`` is read by
    :func:`bot.services.reports.parse_period` against the user's today."""

    period: str


@dataclass(frozen=True)
class SettingsCommand:
    """``/track settings``: the daily summary and forgotten-timer settings."""


@dataclass(frozen=True)
class Digest:
    """``/track digest #channel`` (an admin picks the team digest's channel) or ``digest off``.
    ``target`` is the text after ``digest``: Slack sends a channel as ``<#C123|name>``."""

    target: str


@dataclass(frozen=True)
class Standup:
    """``/track standup #channel …``: offer drafts of what the user posts in these channels;
    ``standup off [#channel …]`` stops it (everywhere when no channel is named); ``standup``
    alone says where it is on. ``channels`` are ids (Slack sends ``<#C123|name>``)."""

    channels: tuple[str, ...] = ()
    off: bool = False


@dataclass(frozen=True)
class EditEntries:
    """``/track edit``: the latest entries, each with its menu; ``last``: the edit form for the
    latest one."""

    last: bool = False


@dataclass(frozen=True)
class Note:
    """``/track note <text>`` sets the running timer's notes; ``/track note + <text>`` adds to
    them."""

    text: str
    append: bool = False


@dataclass(frozen=True)
class Continue:
    """``/track continue``: start the last stopped task again, with its notes."""


@dataclass(frozen=True)
class Help:
    """``/track help``."""


@dataclass(frozen=True)
class Unknown:
    """A first word that is no subcommand; ``suggestion`` is the closest one, if any is close."""

    word: str
    suggestion: str | None


@dataclass(frozen=True)
class Invalid:
    """A known subcommand used wrongly: what was wrong, and a correct example."""

    problem: str
    example: str


Command = (
    Status
    | Start
    | Stop
    | Log
    | Report
    | Connect
    | Disconnect
    | SwitchAccount
    | SettingsCommand
    | Digest
    | Standup
    | EditEntries
    | Note
    | Continue
    | Help
    | Unknown
    | Invalid
)

# Each subcommand with the words that mean it.
SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "start": ("start", "switch", "track", "begin"),
    "stop": ("stop", "pause", "end"),
    "status": ("status", "now", "current"),
    "log": ("log", "add"),
    "report": ("report", "show", "today", "yesterday", "week", "last"),
    "connect": ("connect", "login", "link"),
    "disconnect": ("disconnect", "logout", "unlink"),
    "account": ("account", "accounts", "workspace", "workspaces"),
    "settings": ("settings", "preferences", "prefs"),
    "digest": ("digest",),
    "standup": ("standup", "standups"),
    "edit": ("edit", "fix"),
    "note": ("note", "notes"),
    "continue": ("continue", "resume"),
    "help": ("help", "?", "-h", "--help"),
}
_ALIASES = {alias: name for name, aliases in SUBCOMMANDS.items() for alias in aliases}
_NO_ARGUMENTS: dict[str, Command] = {
    "stop": Stop(),
    "status": Status(),
    "connect": Connect(),
    "disconnect": Disconnect(),
    "account": SwitchAccount(),
    "settings": SettingsCommand(),
    "continue": Continue(),
    "help": Help(),
}
START_EXAMPLE = "/track start Design review in Website: header fixes"
NOTE_EXAMPLE = "/track note homepage hero, second pass"
EDIT_EXAMPLE = "/track edit last"
_NOTES_SEPARATOR = re.compile(r":(?=\s|$)")
# A first word that names a day: an ISO date, "-2d", or a weekday ("/track mon").
_DAY_WORD = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}|-\d+d|mon(day)?|tues?(day)?|wed(nesday)?|thu(r|rs|rsday)?"
    r"|fri(day)?|sat(urday)?|sun(day)?)$",
    re.IGNORECASE,
)


def parse_command(text: str) -> Command:
    """Read the text a user typed after ``/track``."""
    text = " ".join(text.split())
    if not text:
        return Status()
    word, _, rest = text.partition(" ")
    name = _ALIASES.get(word.casefold())
    if name is None and _DAY_WORD.match(word):
        return Report(text)
    if name is None:
        return Unknown(word=word, suggestion=suggest_subcommand(word))
    if name == "start":
        return _parse_start(rest)
    if name == "log":
        return Log(rest)
    if name == "digest":
        if not rest:
            return Invalid(
                problem="Say which channel gets the team digest, or `off`.",
                example="/track digest #team-time",
            )
        return Digest(rest)
    if name == "standup":
        return _parse_standup(rest)
    if name == "note":
        return _parse_note(rest)
    if name == "edit":
        if rest.casefold() not in ("", "last"):
            return Invalid(
                problem=f"`edit` lists your latest entries, or takes `last`, but I got “{rest}”.",
                example=EDIT_EXAMPLE,
            )
        return EditEntries(last=bool(rest))
    if name == "report":
        # "/track today" names the period itself; "/track report <period>" after the keyword.
        period = rest if word.casefold() in ("report", "show") else text
        return Report(period or "today")
    if rest and name != "help":
        return Invalid(
            problem=f"`{name}` takes nothing after it, but I got “{rest}”.",
            example=f"/track {name}",
        )
    return _NO_ARGUMENTS[name]


# Words a suggestion may show as they are, rather than as their subcommand's name.
_SHOWN_AS_TYPED = {"today", "yesterday", "week"}


def suggest_subcommand(word: str) -> str | None:
    """The subcommand a mistyped word most likely meant: the nearest alias by edit distance
    (a swap of two letters counts once), if it is near enough to be a typo."""
    folded = word.casefold()
    scored = sorted(
        (_edit_distance(folded, alias), alias not in SUBCOMMANDS, alias)
        for alias in _ALIASES
        if alias[0].isalpha()
    )
    distance, _, alias = scored[0]
    if distance > 2 or distance * 2 >= len(folded):
        return None
    return alias if alias in _SHOWN_AS_TYPED else _ALIASES[alias]


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, swaps."""
    previous_row: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and before:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[len(b)]


# A channel as Slack sends it in an escaped command: <#C0123|name>, or <#C0123> without a name.
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>")
STANDUP_EXAMPLE = "/track standup #standup"
# At most this many channels per user: a handful of stand-up channels, not the workspace.
MAX_STANDUP_CHANNELS = 10


def channel_ref(text: str) -> str | None:
    """The channel id of ``<#C0123|name>``; ``None`` when the text is no channel (Slack leaves a
    ``#name`` it could not resolve as plain text)."""
    match = _CHANNEL.fullmatch(text.strip())
    return match.group(1) if match else None


def _parse_standup(text: str) -> Command:
    words = text.split()
    off = bool(words) and words[0].casefold() == "off"
    named = words[1:] if off else words
    channels = [channel_ref(word) for word in named]
    unread = [word for word, channel in zip(named, channels, strict=True) if channel is None]
    if unread:
        return Invalid(
            problem=f"I can't find a channel in “{unread[0][:100]}”. Type # and pick the channel "
            "from Slack's list, or say `off`.",
            example=STANDUP_EXAMPLE,
        )
    if len(channels) > MAX_STANDUP_CHANNELS:
        return Invalid(
            problem=f"Name at most {MAX_STANDUP_CHANNELS} channels at once.",
            example=STANDUP_EXAMPLE,
        )
    return Standup(tuple(dict.fromkeys(c for c in channels if c is not None)), off)


def _parse_note(text: str) -> Command:
    """``<text>`` or ``+ <text>`` (``+<text>`` too): the notes, and whether they are added."""
    append = text.startswith("+")
    notes = text[1:].strip() if append else text
    if not notes:
        return Invalid(
            problem="Say what the notes are: `/track note <text>`, or `/track note + <text>` "
            "to add to them.",
            example=NOTE_EXAMPLE,
        )
    return Note(notes, append)


def _parse_start(text: str) -> Command:
    phrase, notes = split_notes(text)
    if phrase is None:
        return Invalid(
            problem="There is an opening quote without a closing one.",
            example='/track start "Design review" in Website',
        )
    tokens = tokenize(phrase)
    if tokens is None:
        return Invalid(
            problem="There is an opening quote without a closing one.",
            example='/track start "Design review" in Website',
        )
    if not tokens:
        return Invalid(problem="Tell me which task to start.", example=START_EXAMPLE)
    if tokens[0].text.casefold() == "in" and not tokens[0].quoted:
        return Invalid(problem="The task name comes before `in <project>`.", example=START_EXAMPLE)
    if tokens[-1].text.casefold() == "in" and not tokens[-1].quoted:
        return Invalid(problem="`in` must be followed by a project name.", example=START_EXAMPLE)
    return Start(words=tuple(tokens), notes=notes)


def split_notes(text: str) -> tuple[str | None, str | None]:
    """Split ``phrase: notes`` at the first colon outside quotes that ends a word.

    A colon inside a word (``10:30``, ``Bug:42``) stays in the phrase. Returns ``(None, None)``
    when a quote is left open before any separator.
    """
    closing: str | None = None
    for index, char in enumerate(text):
        if closing is not None:
            if char == closing:
                closing = None
        elif char in QUOTES:
            closing = QUOTES[char]
        elif char == ":" and _NOTES_SEPARATOR.match(text, index):
            notes = text[index + 1 :].strip()
            return text[:index].strip(), notes or None
    return (None, None) if closing is not None else (text.strip(), None)


def tokenize(phrase: str) -> list[Token] | None:
    """Words of a phrase; a quoted run is one token. ``None`` when a quote is never closed."""
    tokens: list[Token] = []
    index = 0
    while index < len(phrase):
        char = phrase[index]
        if char.isspace():
            index += 1
        elif char in QUOTES:
            end = phrase.find(QUOTES[char], index + 1)
            if end < 0:
                return None
            inner = " ".join(phrase[index + 1 : end].split())
            if inner:
                tokens.append(Token(inner, quoted=True))
            index = end + 1
        else:
            end = index
            while end < len(phrase) and not phrase[end].isspace() and phrase[end] not in QUOTES:
                end += 1
            tokens.append(Token(phrase[index:end]))
            index = end
    return tokens
