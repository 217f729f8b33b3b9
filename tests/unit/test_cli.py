"""``python -m bot`` as operators run it: in a subprocess, in an empty working directory, with no
Slack, key or database settings in the environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ("serve", "socket", "worker", "migrate", "keygen")
OUR_VARIABLES = {"ENCRYPTION_KEYS", "DATABASE_URL", "PORT", "TRACKINGTIME_API_URL"}
TIMEOUT = 30.0


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SLACK_") and name not in OUR_VARIABLES
    }
    env.update(PYTHONPATH=str(PROJECT_ROOT), PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


def start_bot(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_bot(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = start_bot(*args, cwd=cwd, env=env)
    return finish(process)


def finish(process: subprocess.Popen[str], timeout: float = TIMEOUT) -> tuple[int, str, str]:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, stdout, stderr


@pytest.fixture(scope="module")
def keygen(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str]:
    return run_bot("keygen", cwd=tmp_path_factory.mktemp("keygen"))


@pytest.fixture(scope="module")
def key(keygen: tuple[int, str, str]) -> str:
    return keygen[1].strip()


def test_keygen_prints_one_fernet_key(keygen: tuple[int, str, str]) -> None:
    returncode, stdout, stderr = keygen

    assert returncode == 0, stderr
    [line] = stdout.splitlines()
    Fernet(line.encode())  # a valid key
    assert stderr == ""


def test_help_lists_the_commands(tmp_path: Path) -> None:
    returncode, stdout, _ = run_bot("--help", cwd=tmp_path)

    assert returncode == 0
    for command in COMMANDS:
        assert command in stdout


def test_migrate_creates_the_tables(tmp_path: Path) -> None:
    db_file = tmp_path / "x.db"

    returncode, _, stderr = run_bot(
        "migrate", cwd=tmp_path, env={"DATABASE_URL": f"sqlite:///{db_file}"}
    )

    assert returncode == 0, stderr
    with sqlite3.connect(db_file) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"linked_accounts", "alembic_version"} <= tables
    assert "schema is up to date" in stderr


# `serve` refusing to start. Each pays ~1 s of imports before it checks its settings, so the
# cases run concurrently.
SERVE_FAILURES: dict[str, tuple[dict[str, str], str]] = {
    # case: (environment, the variable the error names)
    "nothing set": ({}, "ENCRYPTION_KEYS"),  # checked before the Slack settings
    "no Slack settings": ({"ENCRYPTION_KEYS": "<key>"}, "SLACK_BOT_TOKEN"),
    "PORT=abc": ({"ENCRYPTION_KEYS": "<key>", "PORT": "abc"}, "PORT"),
}


@pytest.fixture(scope="module")
def serve_failures(
    tmp_path_factory: pytest.TempPathFactory, key: str
) -> dict[str, tuple[int, str, str]]:
    processes = {
        case: start_bot(
            "serve",
            cwd=tmp_path_factory.mktemp("serve"),
            env={name: value.replace("<key>", key) for name, value in env.items()},
        )
        for case, (env, _) in SERVE_FAILURES.items()
    }
    return {case: finish(process) for case, process in processes.items()}


def assert_one_error_line(result: tuple[int, str, str], variable: str) -> None:
    returncode, stdout, stderr = result
    assert returncode == 2, stderr
    assert stdout == ""
    [line] = stderr.splitlines()
    assert line.startswith("error: ")
    assert variable in line


@pytest.mark.parametrize("case", list(SERVE_FAILURES))
def test_serve_without_its_settings_exits_2_with_one_line(
    serve_failures: dict[str, tuple[int, str, str]], case: str
) -> None:
    assert_one_error_line(serve_failures[case], SERVE_FAILURES[case][1])


def test_the_working_directorys_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=abc\n")

    # PORT is checked first; had .env been missed, the complaint would be about ENCRYPTION_KEYS.
    assert_one_error_line(run_bot("worker", cwd=tmp_path), "PORT")


def test_worker_needs_a_bot_token_to_send_its_messages(tmp_path: Path, key: str) -> None:
    assert_one_error_line(
        run_bot("worker", cwd=tmp_path, env={"ENCRYPTION_KEYS": key}), "SLACK_BOT_TOKEN"
    )


async def test_worker_starts_and_stops_on_sigterm(tmp_path: Path, key: str) -> None:
    env = {
        "ENCRYPTION_KEYS": key,
        "SLACK_BOT_TOKEN": "xoxb-worker-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.db'}",
    }
    assert run_bot("migrate", cwd=tmp_path, env=env)[0] == 0
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "worker",
        cwd=tmp_path,
        env=clean_env(env),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(TIMEOUT):
            while b"worker started" not in (line := await process.stderr.readline()):
                assert line, "the worker exited before saying it started"

        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(5):
            rest = await process.stderr.read()
            returncode = await process.wait()

        assert returncode == 0, rest
        assert time.monotonic() - signalled < 3
        assert b"worker stopped" in rest
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
