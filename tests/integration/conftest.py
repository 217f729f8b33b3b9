"""Fixtures of the tests that drive the real server."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The log at INFO; the test fails if any line holds a traceback."""
    caplog.set_level(logging.INFO)
    yield caplog
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert not tracebacks, [r.getMessage() for r in tracebacks]
    assert not [r for r in caplog.records if "Exception in ASGI application" in r.getMessage()]
