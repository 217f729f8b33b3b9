"""load_settings and async_database_url: defaults, normalisation, and one-line errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.crypto import generate_key
from bot.settings import (
    DEFAULT_SLACK_API_URL,
    DEFAULT_TRACKINGTIME_API_URL,
    DEFAULT_TRACKINGTIME_CONTACT,
    SettingsError,
    async_database_url,
    load_settings,
)

KEY_1 = generate_key()
KEY_2 = generate_key()

SIGNING_SECRET = "signing-secret-0123456789"
BOT_TOKEN = "xoxb-bot-token-0123456789"
APP_TOKEN = "xapp-app-token-0123456789"
CLIENT_SECRET = "client-secret-0123456789"
DB_PASSWORD = "db-password-0123456789"

COMPLETE = {
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_APP_TOKEN": APP_TOKEN,
    "ENCRYPTION_KEYS": KEY_1,
}
NEED_ALL: dict[str, Any] = {"need_slack": True, "need_socket": True, "need_encryption": True}


def test_defaults() -> None:
    settings = load_settings({})

    assert settings.database_url == "sqlite+aiosqlite:///trackingtime-slack.db"
    assert make_url(settings.database_url).get_driver_name() == "aiosqlite"
    assert settings.port == 3000
    assert settings.timer_check_minutes == 60
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL == "https://slack.com/api/"
    assert settings.trackingtime_api_url == DEFAULT_TRACKINGTIME_API_URL
    assert settings.trackingtime_contact == DEFAULT_TRACKINGTIME_CONTACT
    assert settings.encryption_keys == ()
    assert settings.slack_bot_token == settings.slack_signing_secret == ""
    assert not settings.has_slack_credentials


def test_a_complete_environment() -> None:
    settings = load_settings(
        {
            **COMPLETE,
            "SLACK_CLIENT_ID": "123.456",
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "ENCRYPTION_KEYS": f" {KEY_1} , {KEY_2} ,",
            "PORT": " 8080 ",
            "DATABASE_URL": "postgres://u:p@db:5432/app",
            "TIMER_CHECK_MINUTES": " 15 ",
        },
        **NEED_ALL,
    )

    assert settings.timer_check_minutes == 15

    assert settings.encryption_keys == (KEY_1, KEY_2)
    assert settings.port == 8080
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/app"
    assert settings.slack_bot_token == BOT_TOKEN
    assert settings.slack_app_token == APP_TOKEN
    assert settings.has_slack_credentials


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("SLACK_API_URL", "http://localhost:9000/api", "http://localhost:9000/api/"),
        ("SLACK_API_URL", "http://localhost:9000/api//", "http://localhost:9000/api/"),
        ("TRACKINGTIME_API_URL", "http://localhost:9001/api/v4/", "http://localhost:9001/api/v4"),
    ],
)
def test_api_urls_are_normalised(name: str, raw: str, expected: str) -> None:
    assert getattr(load_settings({name: raw}), name.lower()) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ops@acme.test", "ops@acme.test"),
        (" time-team+tt@mail.acme.co.uk ", "time-team+tt@mail.acme.co.uk"),
        ("https://acme.test/slack-app/", "https://acme.test/slack-app"),
        ("http://intranet.acme.test:8080/timebot", "http://intranet.acme.test:8080/timebot"),
    ],
)
def test_the_trackingtime_contact_is_an_email_or_a_url(raw: str, expected: str) -> None:
    assert load_settings({"TRACKINGTIME_CONTACT": raw}).trackingtime_contact == expected


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "4321")
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert load_settings().port == 4321


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
        ("SQLite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgres://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u:p@h/db?sslmode=require", "postgresql+asyncpg://u:p@h/db?ssl=require"),
        (
            "postgres://u@h/db?sslmode=verify-full&application_name=bot",
            "postgresql+asyncpg://u@h/db?ssl=verify-full&application_name=bot",
        ),
        ("postgres://u:p%40ss@h/db", "postgresql+asyncpg://u:p%40ss@h/db"),
        # Already async: unchanged.
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql+asyncpg://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
    ],
)
def test_async_database_url(url: str, expected: str) -> None:
    converted = async_database_url(url)

    assert converted == expected
    assert make_url(converted).get_driver_name() in ("aiosqlite", "asyncpg")


def test_async_database_url_keeps_the_password() -> None:
    assert make_url(async_database_url("postgres://u:p%40ss@h/db")).password == "p@ss"


@pytest.mark.parametrize(
    "url",
    [
        "garbage",
        "",
        "/var/db.sqlite",
        "mysql://u:p@h/db",
        "postgresql+psycopg2://u@h/db",
        "sqlite+pysqlite:///x.db",
        "http://example.com/db",
    ],
)
def test_bad_database_urls(url: str) -> None:
    with pytest.raises(SettingsError) as raised:
        async_database_url(url)
    assert_one_line_naming(raised.value, "DATABASE_URL")

    with pytest.raises(SettingsError) as raised:
        load_settings({"DATABASE_URL": url} if url else {"DATABASE_URL": "x"})
    assert_one_line_naming(raised.value, "DATABASE_URL")


def without(*names: str) -> dict[str, str]:
    return {name: value for name, value in COMPLETE.items() if name not in names}


FAILURES = [
    # (id, env, load_settings flags, the variable the message must name)
    ("no signing secret", without("SLACK_SIGNING_SECRET"), {"need_slack": True},
     "SLACK_SIGNING_SECRET"),
    ("no bot token", without("SLACK_BOT_TOKEN"), {"need_slack": True}, "SLACK_BOT_TOKEN"),
    ("no bot token, socket", without("SLACK_BOT_TOKEN"), {"need_socket": True},
     "SLACK_BOT_TOKEN"),
    ("user token as bot token", {**COMPLETE, "SLACK_BOT_TOKEN": "xoxp-1"}, {}, "SLACK_BOT_TOKEN"),
    ("app token as bot token", {**COMPLETE, "SLACK_BOT_TOKEN": APP_TOKEN}, {}, "SLACK_BOT_TOKEN"),
    ("bot token as app token", {**COMPLETE, "SLACK_APP_TOKEN": BOT_TOKEN}, {}, "SLACK_APP_TOKEN"),
    ("no app token", without("SLACK_APP_TOKEN"), {"need_socket": True}, "SLACK_APP_TOKEN"),
    ("client id, no secret", {**COMPLETE, "SLACK_CLIENT_ID": "1.2"}, {"need_slack": True},
     "SLACK_CLIENT_SECRET"),
    ("client secret, no id", {**COMPLETE, "SLACK_CLIENT_SECRET": CLIENT_SECRET},
     {"need_slack": True}, "SLACK_CLIENT_ID"),
    ("no keys", without("ENCRYPTION_KEYS"), {"need_encryption": True}, "ENCRYPTION_KEYS"),
    ("blank keys", {**COMPLETE, "ENCRYPTION_KEYS": " , "}, {"need_encryption": True},
     "ENCRYPTION_KEYS"),
    ("bad key", {**COMPLETE, "ENCRYPTION_KEYS": "not-a-key"}, {"need_encryption": True},
     "ENCRYPTION_KEYS key 1"),
    ("bad second key", {**COMPLETE, "ENCRYPTION_KEYS": f"{KEY_1},not-a-key"},
     {"need_encryption": True}, "ENCRYPTION_KEYS key 2"),
    ("port abc", {**COMPLETE, "PORT": "abc"}, {}, "PORT"),
    ("port 0", {**COMPLETE, "PORT": "0"}, {}, "PORT"),
    ("port 70000", {**COMPLETE, "PORT": "70000"}, {}, "PORT"),
    ("port negative", {**COMPLETE, "PORT": "-1"}, {}, "PORT"),
    ("port superscript", {**COMPLETE, "PORT": "²"}, {}, "PORT"),
    ("timer checks every minute", {**COMPLETE, "TIMER_CHECK_MINUTES": "1"}, {},
     "TIMER_CHECK_MINUTES"),
    ("timer checks negative", {**COMPLETE, "TIMER_CHECK_MINUTES": "-60"}, {},
     "TIMER_CHECK_MINUTES"),
    ("timer checks in hours", {**COMPLETE, "TIMER_CHECK_MINUTES": "1h"}, {},
     "TIMER_CHECK_MINUTES"),
    ("status sync every minute", {**COMPLETE, "STATUS_SYNC_MINUTES": "1"}, {},
     "STATUS_SYNC_MINUTES"),
    ("status sync in words", {**COMPLETE, "STATUS_SYNC_MINUTES": "ten"}, {},
     "STATUS_SYNC_MINUTES"),
    ("public url no scheme", {**COMPLETE, "PUBLIC_URL": "tt.example.com"}, {}, "PUBLIC_URL"),
    ("public url ftp", {**COMPLETE, "PUBLIC_URL": "ftp://tt.example.com"}, {}, "PUBLIC_URL"),
    ("slack api url ftp", {**COMPLETE, "SLACK_API_URL": "ftp://slack.com/api/"}, {},
     "SLACK_API_URL"),
    ("slack api url no scheme", {**COMPLETE, "SLACK_API_URL": "slack.com/api"}, {},
     "SLACK_API_URL"),
    ("trackingtime url", {**COMPLETE, "TRACKINGTIME_API_URL": "nope"}, {},
     "TRACKINGTIME_API_URL"),
    ("database url", {**COMPLETE, "DATABASE_URL": "nope"}, {}, "DATABASE_URL"),
    ("contact no at", {**COMPLETE, "TRACKINGTIME_CONTACT": "ops"}, {}, "TRACKINGTIME_CONTACT"),
    ("contact ftp", {**COMPLETE, "TRACKINGTIME_CONTACT": "ftp://x.test"}, {},
     "TRACKINGTIME_CONTACT"),
    ("contact with a parenthesis", {**COMPLETE, "TRACKINGTIME_CONTACT": "ops@x.test)"}, {},
     "TRACKINGTIME_CONTACT"),
    ("contact with a space", {**COMPLETE, "TRACKINGTIME_CONTACT": "https://x.test/a b"}, {},
     "TRACKINGTIME_CONTACT"),
    ("contact not ascii", {**COMPLETE, "TRACKINGTIME_CONTACT": "öps@x.test"}, {},
     "TRACKINGTIME_CONTACT"),
    ("contact two addresses", {**COMPLETE, "TRACKINGTIME_CONTACT": "a@x.test,b@x.test"}, {},
     "TRACKINGTIME_CONTACT"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("env", "flags", "variable"),
    [pytest.param(env, flags, variable, id=id_) for id_, env, flags, variable in FAILURES],
)
def test_each_fault_is_one_line_naming_the_variable(
    env: dict[str, str], flags: dict[str, bool], variable: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env, **flags)

    assert_one_line_naming(raised.value, variable)


def test_commands_ask_only_for_what_they_need() -> None:
    load_settings({})  # migrate and keygen: nothing
    load_settings({"ENCRYPTION_KEYS": KEY_1}, need_encryption=True)  # worker
    load_settings(without("SLACK_APP_TOKEN"), need_slack=True, need_encryption=True)  # serve
    load_settings(without("SLACK_SIGNING_SECRET"), need_socket=True, need_encryption=True)


def test_an_empty_environment_fails_on_the_first_missing_value() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({}, need_slack=True, need_encryption=True)
    assert_one_line_naming(raised.value, "ENCRYPTION_KEYS")


def test_repr_never_shows_secrets() -> None:
    settings = load_settings(
        {
            **COMPLETE,
            "SLACK_CLIENT_ID": "123.456",
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "ENCRYPTION_KEYS": f"{KEY_1},{KEY_2}",
            "DATABASE_URL": f"postgres://app:{DB_PASSWORD}@db:5432/app",
        },
        **NEED_ALL,
    )

    shown = repr(settings) + str(settings)
    for secret in (SIGNING_SECRET, BOT_TOKEN, APP_TOKEN, CLIENT_SECRET, KEY_1, KEY_2, DB_PASSWORD):
        assert secret not in shown
    assert "123.456" in shown  # the client id is not a secret


def assert_one_line_naming(error: SettingsError, variable: str) -> None:
    message = str(error)
    assert message.strip()
    assert "\n" not in message and "\r" not in message, message
    assert variable in message, message


def test_status_sync_and_public_url() -> None:
    defaults = load_settings({})
    assert (defaults.status_sync_minutes, defaults.public_url) == (10, "")
    chosen = load_settings({"STATUS_SYNC_MINUTES": "0", "PUBLIC_URL": "https://tt.example.com/"})
    assert (chosen.status_sync_minutes, chosen.public_url) == (0, "https://tt.example.com")


def test_timer_checks_can_be_turned_off() -> None:
    assert load_settings({"TIMER_CHECK_MINUTES": "0"}).timer_check_minutes == 0
    assert load_settings({"TIMER_CHECK_MINUTES": "5"}).timer_check_minutes == 5
