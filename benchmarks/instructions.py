"""Instructions per step under callgrind: a count that a busy machine does not disturb.

Wall-clock A/B runs (`benchmarks.ab`) need a quiet machine; instruction counts do not. This script
runs a workload of each given source tree under ``valgrind --tool=callgrind`` twice, for a short
and a long number of steps, and reports (long - short) / (difference in steps): the instructions
of one step, with start-up (imports, data, warm-up) subtracted. Run from this repository's root:

    python -m benchmarks.instructions --trees /path/to/old /path/to/new [--workloads mlp_raw mlp_nn ...]

Needs `valgrind` (Debian: ``apt-get install valgrind``). Counts are user-space instructions: a
change that moves time into the kernel (page faults of fresh memory) is invisible here, which is
one reason wall-clock A/B runs are still the figure to quote when the machine allows.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def _mlp_step(step_class: str) -> str:
    """The digits MLP step of `benchmarks.mlp_step` at batch 32, by `step_class` (raw ops or nn)."""
    return f"""
import sys
from benchmarks.mlp_step import {step_class}, digits_like, initial_params
X, y = digits_like(32)
step = {step_class}(initial_params(), X, y)
for _ in range(int(sys.argv[1])):
    step()
"""


#: workload -> (python source taking the step count as sys.argv[1], short count, long count)
WORKLOADS: dict[str, tuple[str, int, int]] = {
    "mlp_raw": (_mlp_step("RawValueStep"), 20, 120),
    "mlp_nn": (_mlp_step("NNStep"), 20, 120),
    "scalar_mlp": ("""
import sys
from benchmarks.scalar_mlp import ScalarStep, initial_weights, two_moons
X, y = two_moons(100)
step = ScalarStep(initial_weights(), X, y)
for _ in range(int(sys.argv[1])):
    step()
""", 1, 3),
    "chain_backward_node": ("""
import sys
from autograd_lite import Value
for _ in range(int(sys.argv[1])):  # steps: 20,000-node chains built and differentiated
    x = Value(1.0)
    out = x
    for _ in range(20_000):
        out = out * 1.0000001 + 0.0
    out.backward()
""", 1, 3),
}


def count(tree: Path, source: str, steps: int) -> int:
    """User-space instructions of one run of `source` with `steps`, importing `tree`'s packages."""
    with tempfile.TemporaryDirectory() as work:
        script = Path(work) / "workload.py"
        script.write_text(source)
        env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                               sys.executable, str(script), str(steps)],
                              cwd=tree, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr) or re.search(r"refs:\s*([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"instructions: the workload failed in {tree}:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trees", nargs="+", type=Path, default=[Path.cwd()])
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("instructions: valgrind is not installed (Debian: apt-get install valgrind)")
    print(f"{'workload':22s}" + "".join(f"{str(t)[-28:]:>30s}" for t in args.trees) + "   ratio to the first")
    for name in args.workloads:
        source, short, long = WORKLOADS[name]
        per_step = [(count(t, source, long) - count(t, source, short)) / (long - short) for t in args.trees]
        ratios = "  ".join(f"{p / per_step[0]:.3f}" for p in per_step[1:])
        print(f"{name:22s}" + "".join(f"{p:30,.0f}" for p in per_step) + f"   {ratios}")


if __name__ == "__main__":
    main()
