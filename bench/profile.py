"""Where a server's CPU goes during a benchmark: py-spy samples it, and the samples are summed by
function (own time) and by a few named suspects (the share of samples with them on the stack).

py-spy is not a dependency of the app: ``pip install py-spy`` to use ``--profile``.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path

#: Frames whose share of CPU a benchmark reports: httpcore's pool bookkeeping, which is
#: O(connections x queued requests) (encode/httpcore#1035), and sniffio's failed import.
SUSPECTS = {
    "httpcore pool bookkeeping": "_assign_requests_to_connections",
    "sniffio lookups": "current_async_library",
}


class Profile:
    """``py-spy record`` attached to ``pid`` until :meth:`stop`, sampling only the thread that
    holds the GIL (so threads waiting in a queue, such as aiosqlite's, do not count)."""

    def __init__(self, pid: int, output: Path, rate: int = 500) -> None:
        if shutil.which("py-spy") is None:
            raise SystemExit("--profile needs py-spy: pip install py-spy")
        self.output = output
        self._process = subprocess.Popen(
            ["py-spy", "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw",
             "--output", str(output), "--nonblocking", "--gil"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        self._process.send_signal(signal.SIGINT)
        self._process.wait(30)

    def summary(self, top: int = 12) -> str:
        own: Counter[str] = Counter()
        suspects: Counter[str] = Counter()
        total = 0
        for line in self.output.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            count = int(count_text)
            total += count
            frames = stack.split(";")
            own[frames[-1]] += count
            for name, marker in SUSPECTS.items():
                if marker in stack:
                    suspects[name] += count
        if not total:
            return "profile: no samples"
        lines = [f"profile: {total} samples; own time by function:"]
        lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
        lines += [f"  {name}: {100 * suspects[name] / total:.1f}% of CPU" for name in SUSPECTS]
        return "\n".join(lines)
