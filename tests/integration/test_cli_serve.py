"""``python -m bot`` with Slack settings migrates and serves for real (not the playground)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.crypto import generate_key
from tests.support.paths import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_bare_run_with_slack_settings_migrates_and_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        SLACK_SIGNING_SECRET="secret-for-this-test",
        SLACK_BOT_TOKEN="xoxb-for-this-test",
        ENCRYPTION_KEYS=generate_key(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'served.db'}",
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["database"] == "ok"
        unsigned = httpx.post(f"http://127.0.0.1:{port}/slack/events", data={"command": "/track"})
        assert unsigned.status_code == 401
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "playground" not in output
    assert (tmp_path / "served.db").exists()
