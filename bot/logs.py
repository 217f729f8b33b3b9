"""How every process of the app logs: one line per event on standard error."""

from __future__ import annotations

import logging
import sys


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Bolt logs request bodies at DEBUG and on failed verification at INFO: keep user input out.
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    # httpx logs every request at INFO: a line per TrackingTime call, and CPU under load.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
