"""What the burst benchmark prints: each server's figures (the median over the rounds), the
ratios to the floor, and whether each bar holds."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.load import Outcome, median, percentile


def is_good(text: str) -> bool:
    """A ``/track status`` answer (this app's and the floor's both give today's figure)."""
    return "Today:" in text


@dataclass
class Run:
    """One server's burst: what came back, and what it cost."""

    name: str
    outcome: Outcome
    seconds: float  # first send to last good reply
    rss_before: float
    rss_after: float
    rss_peak: float
    cpu: float  # the server's, in seconds
    harness_cpu: float  # the fakes' and the load generator's, in seconds

    @property
    def replies(self) -> list[float]:
        return [s.reply.at - s.sent for s in self.outcome.good(is_good) if s.reply]

    @property
    def per_second(self) -> float:
        return len(self.outcome.good(is_good)) / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return len(self.outcome.failed(is_good))

    @property
    def busy(self) -> int:
        return len(self.outcome.busy())


@dataclass(frozen=True)
class Measure:
    label: str
    of: Callable[[Run], float]
    show: Callable[[float], str]


MEASURES = (
    Measure("replies/s", lambda r: r.per_second, lambda v: f"{v:.1f}"),
    Measure("reply p50 (s)", lambda r: median(r.replies), lambda v: f"{v:.2f}"),
    Measure("reply p99 (s)", lambda r: percentile(r.replies, 0.99), lambda v: f"{v:.2f}"),
    Measure("ack p50 (ms)", lambda r: 1000 * median(r.outcome.acks), lambda v: f"{v:.0f}"),
    Measure(
        "ack p99 (ms)", lambda r: 1000 * percentile(r.outcome.acks, 0.99), lambda v: f"{v:.0f}"
    ),
    Measure("server CPU (s)", lambda r: r.cpu, lambda v: f"{v:.1f}"),
    Measure("harness CPU (s)", lambda r: r.harness_cpu, lambda v: f"{v:.1f}"),
)
# (measure, test of the ratio this app / floor, how the bar reads)
BARS = (
    ("replies/s", lambda ratio: ratio >= 0.9, ">= 0.9x"),
    ("reply p99 (s)", lambda ratio: ratio <= 1.2, "<= 1.2x"),
    ("ack p99 (ms)", lambda ratio: ratio <= 1.5, "<= 1.5x"),
)


def _row(label: str, *cells: str) -> str:
    return f"{label:<26}" + "".join(f"{cell:>20}" for cell in cells)


def _median_of(runs: Sequence[Run], measure: Measure) -> float:
    return statistics.median(measure.of(run) for run in runs)


def compare(app: Sequence[Run], floor: Sequence[Run]) -> bool:
    """The app's runs next to the floor's (medians over the rounds); whether every bar holds."""
    print(_row(f"median of {len(app)} round(s)", app[0].name, floor[0].name, "ratio"))
    medians: dict[str, tuple[float, float]] = {}
    for measure in MEASURES:
        mine, theirs = _median_of(app, measure), _median_of(floor, measure)
        medians[measure.label] = (mine, theirs)
        ratio = f"{mine / theirs:.2f}x" if theirs else "-"
        print(_row(measure.label, measure.show(mine), measure.show(theirs), ratio))
    failed = sum(run.failed for run in app)
    print(_row("failed or missing (all)", str(failed), str(sum(r.failed for r in floor))))
    print(_row("busy (all)", str(sum(r.busy for r in app)), str(sum(r.busy for r in floor))))
    for name, runs in (("this app", app), ("floor", floor)):
        rss = ", ".join(f"{r.rss_before:.0f} -> {r.rss_after:.0f}" for r in runs)
        print(f"RSS before -> after, MB ({name}): {rss}")
    print()
    held = True
    for label, test, reads in BARS:
        mine, theirs = medians[label]
        ratio = mine / theirs if theirs else float("inf")
        holds = test(ratio)
        held &= holds
        print(f"bar: {label} {ratio:.2f}x the floor ({reads}): {'holds' if holds else 'FAILS'}")
    print(f"bar: 0 failed or missing replies: {'holds' if failed == 0 else 'FAILS'}")
    return held and failed == 0


def alone(runs: Sequence[Run], *, sustained: bool) -> bool:
    """The app's runs without a floor (``--sustained``, ``--no-floor``); whether its bars hold."""
    for run in runs:
        print(
            f"{run.name}: {len(run.outcome.good(is_good))} good, {run.busy} busy (answered at "
            f"once), {run.failed} failed or missing; {run.per_second:.1f} replies/s; RSS "
            f"{run.rss_before:.0f} MB before, {run.rss_peak:.0f} MB at the peak; server CPU "
            f"{run.cpu:.1f} s, harness CPU {run.harness_cpu:.1f} s"
        )
    failed = sum(run.failed for run in runs)
    grew = max(run.rss_peak - run.rss_before for run in runs)
    held = failed == 0
    print(f"bar: 0 failed replies: {'holds' if held else 'FAILS'}")
    if sustained:
        print(f"bar: peak RSS within 30 MB of the start (+{grew:.0f} MB): ", end="")
        print("holds" if grew <= 30 else "FAILS")
        held &= grew <= 30
    return held
