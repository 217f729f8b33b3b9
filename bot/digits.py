"""Ids read back from text the app does not control: button values, menu options, modal
metadata, select options and typed ``#123``.

``str.isdigit`` alone is not enough: it takes ``²`` (which ``int()`` refuses) and other scripts'
digits such as ``٣`` (which ``int()`` reads as 3), and a long run of digits overflows the
database's integer (Postgres refuses the query). So an id is ASCII digits only, positive, and
no larger than where it is looked up can hold.
"""

from __future__ import annotations

# Our own rows (kept and deleted entries): SQL INTEGER primary keys.
ROW_ID_MAX = 2**31 - 1
# TrackingTime's ids (entries, tasks, projects, accounts): whatever they are, they fit 64 bits.
TRACKINGTIME_ID_MAX = 2**63 - 1


def parse_id(value: object, limit: int = TRACKINGTIME_ID_MAX) -> int | None:
    """``value`` as an id (a string of ASCII digits, or a JSON integer) from 1 to ``limit``;
    ``None`` for anything else."""
    if isinstance(value, bool):  # a JSON true is no id, though Python counts it an int
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and 0 < len(value) <= len(str(limit)):
        if not (value.isascii() and value.isdigit()):
            return None
        number = int(value)
    else:
        return None
    return number if 1 <= number <= limit else None
