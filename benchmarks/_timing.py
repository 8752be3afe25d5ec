"""Shared timing and reporting helpers for the benchmarks: median-of-repeats and plain tables.

Every benchmark times its contestants in one process, one after another, so ratios compare
like with like; absolute seconds depend on the machine and are printed only for context.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence


def measure(step: Callable[[], object], *, warmup: int = 1, repeat: int = 5, number: int = 1) -> float:
    """The median wall time of one call of `step`, in seconds.

    `warmup` untimed calls come first; then `repeat` samples, each timing `number` calls.
    """
    for _ in range(warmup):
        step()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            step()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def calls_for(step: Callable[[], object], target_seconds: float = 0.05) -> int:
    """How many calls of `step` make one sample last about `target_seconds` (at least 1)."""
    start = time.perf_counter()
    step()
    once = time.perf_counter() - start
    return max(1, int(target_seconds / max(once, 1e-9)))


def interleaved(steps: dict[str, Callable[[], object]], rounds: int, sample_seconds: float,
                floor: str) -> dict[str, tuple[float, float]]:
    """(ms per call, median of each round's ratio to `floor`) for each step, timed in interleaved rounds.

    Each round times every step once, one after another, so that a slow spell of the machine hits
    every contestant alike and cancels out of that round's ratios. Every step is called once
    before its sample length is chosen, so that one-time work does not shrink its samples.
    """
    for step in steps.values():  # untimed: a first call may do one-time work (a compiled step traces)
        step()
    numbers = {name: calls_for(step, sample_seconds) for name, step in steps.items()}
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            n = numbers[name]
            start = time.perf_counter()
            for _ in range(n):
                step()
            samples[name].append((time.perf_counter() - start) / n)
    base = samples[floor]
    return {name: (statistics.median(s) * 1e3, statistics.median([t / f for t, f in zip(s, base, strict=True)]))
            for name, s in samples.items()}


def machine() -> str:
    """One line describing where the numbers come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table with right-aligned columns (the first column left-aligned)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(parts)

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])
