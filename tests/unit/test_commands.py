"""The /track parser: examples, bad input, and properties over any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import (
    SUBCOMMANDS,
    Command,
    Connect,
    Continue,
    Disconnect,
    EditEntries,
    Help,
    Invalid,
    Log,
    Note,
    Report,
    Standup,
    Start,
    Status,
    Stop,
    SwitchAccount,
    Token,
    Unknown,
    parse_command,
    suggest_subcommand,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Status()),
        ("   ", Status()),
        ("status", Status()),
        ("STATUS", Status()),
        ("stop", Stop()),
        ("connect", Connect()),
        ("login", Connect()),
        ("disconnect", Disconnect()),
        ("account", SwitchAccount()),
        ("workspace", SwitchAccount()),
        ("help", Help()),
        ("help start", Help()),
        ("?", Help()),
        ("log", Log("")),
        ("log 1h30m yesterday standup: sync", Log("1h30m yesterday standup: sync")),
        ("add 45m review", Log("45m review")),
        ("today", Report("today")),
        ("yesterday", Report("yesterday")),
        ("week", Report("week")),
        ("last week", Report("last week")),
        ("report", Report("today")),
        ("show last week", Report("last week")),
        ("2026-11-20", Report("2026-11-20")),
        ("Mon", Report("Mon")),
        ("thursday", Report("thursday")),
        ("-2d", Report("-2d")),
        ("thuday", Unknown("thuday", "today")),
        ("edit", EditEntries()),
        ("fix", EditEntries()),
        ("edit last", EditEntries(last=True)),
        ("EDIT LAST", EditEntries(last=True)),
        ("note homepage hero", Note("homepage hero")),
        ("note   two  spaces ", Note("two spaces")),
        ("note + then the footer", Note("then the footer", append=True)),
        ("note +then the footer", Note("then the footer", append=True)),
        ("notes 10:30 call: with Ann", Note("10:30 call: with Ann")),
        ("note a + b", Note("a + b")),
        ("continue", Continue()),
        ("resume", Continue()),
        ("edti", Unknown("edti", "edit")),
        ("contineu", Unknown("contineu", "continue")),
    ],
)
def test_subcommands(text: str, expected: object) -> None:
    assert parse_command(text) == expected


def words(*texts: str) -> tuple[Token, ...]:
    return tuple(Token(t) for t in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("start Design review", Start(words("Design", "review"))),
        ("start   Design    review  ", Start(words("Design", "review"))),
        ("switch Standup", Start(words("Standup"))),
        (
            "start Design review in Website: header fixes",
            Start(words("Design", "review", "in", "Website"), "header fixes"),
        ),
        ("start Standup:", Start(words("Standup"))),
        ("start Bug:42 fix", Start(words("Bug:42", "fix"))),
        ("start 10:30 sync", Start(words("10:30", "sync"))),
        ("start #123", Start(words("#123"))),
        (
            'start "Log in page" in "Web site"',
            Start((Token("Log in page", True), Token("in"), Token("Web site", True))),
        ),
        ("start “Smart quotes”", Start((Token("Smart quotes", True),))),
        ('start "a: b": notes', Start((Token("a: b", True),), "notes")),
    ],
)
def test_start(text: str, expected: Start) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("start", "Tell me which task to start."),
        ("start   ", "Tell me which task to start."),
        ("start : only notes", "Tell me which task to start."),
        ('start "unclosed', "There is an opening quote without a closing one."),
        ("start in Website", "The task name comes before `in <project>`."),
        ("start Design in", "`in` must be followed by a project name."),
        ("stop now", "`stop` takes nothing after it, but I got “now”."),
        ("connect xyz", "`connect` takes nothing after it, but I got “xyz”."),
    ],
)
def test_invalid_input_names_the_problem_and_gives_an_example(text: str, problem: str) -> None:
    parsed = parse_command(text)
    assert isinstance(parsed, Invalid)
    assert parsed.problem == problem
    assert parsed.example.startswith("/track ")
    assert isinstance(parse_command(parsed.example.removeprefix("/track ")), Start | Stop | Connect)


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("strat", "start"),
        ("stpo", "stop"),
        ("stauts", "status"),
        ("conect", "connect"),
        ("disconect", "disconnect"),
        ("hlep", "help"),
        ("xyzzy", None),
    ],
)
def test_unknown_subcommand_suggests_the_closest(word: str, suggestion: str | None) -> None:
    assert parse_command(f"{word} something") == Unknown(word, suggestion)
    assert suggest_subcommand(word) == suggestion


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("note", "Say what the notes are"),
        ("note +", "Say what the notes are"),
        ("note   +   ", "Say what the notes are"),
        ("edit yesterday", "`edit` lists your latest entries, or takes `last`"),
        ("edit last week", "`edit` lists your latest entries, or takes `last`"),
        ("continue design review", "`continue` takes nothing after it"),
    ],
)
def test_fixing_commands_used_wrongly_say_how(text: str, problem: str) -> None:
    parsed = parse_command(text)
    assert isinstance(parsed, Invalid) and parsed.problem.startswith(problem)
    example = parse_command(parsed.example.removeprefix("/track "))
    assert isinstance(example, Note | EditEntries | Continue)


def test_every_alias_parses_to_its_subcommand() -> None:
    for name, aliases in SUBCOMMANDS.items():
        for alias in aliases:
            argument = {"start": " Standup", "digest": " off", "note": " done"}.get(name, "")
            parsed = parse_command(alias + argument)
            assert not isinstance(parsed, Unknown | Invalid), alias


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("standup", Standup()),
        ("standup <#C0STAND|standup>", Standup(("C0STAND",))),
        ("standups <#C1|a> <#G2> <#C1|again>", Standup(("C1", "G2"))),
        ("standup off", Standup(off=True)),
        ("STANDUP OFF <#C1|a>", Standup(("C1",), off=True)),
    ],
)
def test_standup_names_channels_or_off(text: str, expected: Standup) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("standup #standup", "I can't find a channel in “#standup”"),
        ("standup <#C1|a> general", "I can't find a channel in “general”"),
        ("standup <@U1>", "I can't find a channel in “<@U1>”"),
        ("standup off off", "I can't find a channel in “off”"),
        ("standup " + " ".join(f"<#C{n}>" for n in range(11)), "Name at most 10 channels"),
    ],
)
def test_standup_without_a_channel_it_can_read_says_how(text: str, problem: str) -> None:
    parsed = parse_command(text)
    # The example's channel is as typed: Slack sends it as <#C…|standup> once picked.
    assert isinstance(parsed, Invalid) and parsed.problem.startswith(problem)
    assert parsed.example == "/track standup #standup"


@given(st.text())
def test_parsing_never_raises_and_always_gives_a_command(text: str) -> None:
    parsed = parse_command(text)
    assert isinstance(parsed, Command)


plain_word = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Zs", "Cc", "Zl", "Zp"), blacklist_characters='"“”„«»:'
    ),
    min_size=1,
    max_size=12,
).filter(lambda w: w.casefold() != "in" and w.strip() == w and w.split() == [w])


@given(
    st.lists(plain_word, min_size=1, max_size=6),
    st.none() | st.text(min_size=1, max_size=40).map(str.strip).filter(bool),
)
def test_start_keeps_the_words_and_notes_as_typed(task_words: list[str], notes: str | None) -> None:
    text = "start " + " ".join(task_words) + (f": {notes}" if notes else "")
    parsed = parse_command(text)
    assert isinstance(parsed, Start)
    assert [t.text for t in parsed.words] == task_words
    assert parsed.notes == (" ".join(notes.split()) if notes else None)


@given(st.lists(plain_word, min_size=1, max_size=4))
def test_a_quoted_phrase_is_one_token(phrase_words: list[str]) -> None:
    phrase = " ".join(phrase_words)
    assert tokenize(f'"{phrase}"') == [Token(phrase, quoted=True)]
