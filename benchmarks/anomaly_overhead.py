"""What anomaly mode costs inside ``detect_anomaly()``: a training step with the mode on against off.

The same step objects, the same process, interleaved round by round (off, on, on, off, ...), and the
ratio quoted is the median of each round's on/off. Two workloads: the digits MLP step through ``nn``
(tensor graph, benchmarks/mlp_step) and the scalar two-moons MLP (benchmarks/scalar_mlp, ~69,000
Python-float nodes). Run: ``python -m benchmarks.anomaly_overhead [--rounds 8]``.

Inside the mode every recorded Value looks up the user's line (a walk up the stack) and backward
runs the reference chain rule checking each contribution, so a large overhead is expected; this
says how large. What the mode costs *outside* it (one test per recorded node) is measured with
benchmarks/ab.py against the previous commit.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import autograd_lite as ag  # noqa: E402

from .mlp_step import NNStep, digits_like, initial_params  # noqa: E402
from .scalar_mlp import ScalarStep, initial_weights, two_moons  # noqa: E402


def _seconds(step: Callable[[], object], anomaly: bool, calls: int) -> float:
    start = time.perf_counter()
    if anomaly:
        with ag.detect_anomaly():
            for _ in range(calls):
                step()
    else:
        for _ in range(calls):
            step()
    return (time.perf_counter() - start) / calls


def overhead(step: Callable[[], object], rounds: int, calls: int) -> tuple[float, float, float, float]:
    """(median seconds off, median seconds on, median on/off, max on/off) over interleaved rounds."""
    step()  # warm up
    offs, ons, ratios = [], [], []
    for r in range(rounds):
        first_on = r % 2 == 1
        a = _seconds(step, first_on, calls)
        b = _seconds(step, not first_on, calls)
        off, on = (b, a) if first_on else (a, b)
        offs.append(off)
        ons.append(on)
        ratios.append(on / off)
    return statistics.median(offs), statistics.median(ons), statistics.median(ratios), max(ratios)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args(argv)
    X, y = digits_like(256)
    workloads = [
        ("mlp_step nn @256", NNStep(initial_params(), X, y), 10),
        ("scalar_mlp (100 points)", ScalarStep(initial_weights(), *two_moons(100)), 1),
    ]
    print(f"{'workload':26} {'off ms':>9} {'on ms':>9} {'on/off':>7} {'max':>6}")
    for name, step, calls in workloads:
        off, on, ratio, worst = overhead(step, args.rounds, calls)
        print(f"{name:26} {off * 1e3:9.2f} {on * 1e3:9.2f} {ratio:7.2f} {worst:6.2f}")


if __name__ == "__main__":
    main()
