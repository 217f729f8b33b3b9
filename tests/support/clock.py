"""A clock a test sets by hand, for services that take one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class SetClock:
    """Says ``now`` until the test moves it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now
