"""A/B harness: the benchmark scripts of two source trees of this repo, run as fresh processes interleaved
round by round (A B, then B A, ...), and each key ratio compared as a median of per-round paired ratios B/A.

Run from this repository's root:

    python -m benchmarks.ab --a /path/to/old/tree --b /path/to/new/tree [--rounds 6]
        [--workloads scalar_mlp mlp_step deep_chain] [-- extra flags for every benchmark]

Each run is ``python -m benchmarks.<name>`` with cwd and PYTHONPATH set to its tree (so it imports
that tree's autograd_lite, nn and benchmark script), short arguments (``SMALL_ARGS``; a default run
of all three takes about 10-15 minutes on a 2-core machine) and this process's environment otherwise.
Flags after ``--`` are appended to every run and override the short ones (argparse keeps the last
value), so use them with ``--workloads`` when a flag exists in one script only, e.g.
``--workloads deep_chain -- --repeat 5``.

How to read the final table. Every metric is a time or a ratio of times: lower is faster.

- ``median A`` / ``median B``: medians over rounds, for context; absolute values move with the machine.
- ``B/A``: the median over rounds of that round's own B/A. The two runs of a round are adjacent in time,
  so a slow spell of the machine hits both and cancels out of it; this is the number to quote.
- ``B/A min..max``: the spread of the per-round ratios. A change is a change only when it is well outside
  this spread's width around 1 and ``B faster`` is (nearly) all rounds or none: of 6 rounds between two
  identical trees, all 6 or none fall on one side one time in 32, 5 or 1 of 6 one time in 5. Anything
  within the spread is noise, whatever its sign, and ``change`` then means nothing.
- Rows marked ``(control)`` run the same code in A and B (micrograd; PyTorch against numpy): their B/A
  should be 1.00, and how far they stray from it is the noise floor of this run.
- The scripts print mlp_step's "x numpy" to 2 decimals and scalar_mlp's "x micrograd" to 3, so those
  ratios carry up to 0.5 % of rounding each (scalar_mlp's is recomputed here from its ms columns).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ._timing import machine, table

WORKLOADS = ("scalar_mlp", "mlp_step", "deep_chain")

# Short runs: about 15 s (scalar_mlp), 10 s (mlp_step) and 30-35 s (deep_chain) each on this 2-core machine,
# so 6 rounds x 2 trees come to about 11-13 minutes. deep_chain keeps its default 3 repeats: with one, a
# 10^4-node backward (10-30 ms) is a single sample and moved 3x between adjacent runs of the same code.
SMALL_ARGS: dict[str, list[str]] = {
    "scalar_mlp": ["--repeat", "3"],                              # default 5; micrograd's ~2 s steps dominate
    "mlp_step": ["--rounds", "9", "--sample-seconds", "0.05"],    # default 15 rounds of 0.1 s samples
    "deep_chain": ["--repeat", "3"],                              # the default; a 10^6-node build is ~8 s of each
}

Metrics = dict[str, float | None]
_RULE = re.compile(r"-+(?: +-+)*")


class ParseError(Exception):
    """A benchmark's output did not have the table or row the harness looks for."""


# ----- reading the scripts' tables ----------------------------------------------------------------------
def parse_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every table printed by ``_timing.table`` in `text`, as (header cells, row cells).

    A table is a header line, a rule of dash runs, and rows up to the next blank line; the rule's dash
    runs give each column's exact span (``table`` pads every cell to its column's width).
    """
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        if i == 0 or not _RULE.fullmatch(line.strip()) or not lines[i - 1].strip():
            continue
        spans = [m.span() for m in re.finditer(r"-+", line)]

        def cells(row: str, spans: list[tuple[int, int]] = spans) -> list[str]:
            gaps = [row[end:start] for (_, end), (start, _) in zip(spans, spans[1:], strict=False)]
            if any(gap.strip() for gap in gaps) or row[spans[-1][1]:].strip():
                raise ParseError(f"table row does not fit the rule's columns: {row!r}")
            return [row[start:end].strip() for start, end in spans]

        rows = []
        for row in lines[i + 1:]:
            if not row.strip():
                break
            rows.append(cells(row))
        found.append((cells(lines[i - 1]), rows))
    return found


def find_table(text: str, *columns: str) -> tuple[list[str], list[list[str]]]:
    """The first table whose header has all of `columns`."""
    for header, rows in parse_tables(text):
        if all(c in header for c in columns):
            return header, rows
    raise ParseError(f"no table with columns {columns} in the output")


def find_row(rows: list[list[str]], match: Callable[[str], bool], what: str) -> list[str]:
    """The first row whose first cell satisfies `match`."""
    for row in rows:
        if match(row[0]):
            return row
    raise ParseError(f"no row for {what}; rows: {[r[0] for r in rows]}")


def number(cell: str) -> float | None:
    """A cell as a float ("1,000" and "31%" included), or None for a skipped contestant's "-"."""
    cell = cell.replace(",", "").rstrip("%")
    if cell in ("-", "", "–"):
        return None
    try:
        return float(cell)
    except ValueError as error:
        raise ParseError(f"not a number: {cell!r}") from error


def parse_scalar_mlp(out: str) -> Metrics:
    """autograd_lite's ratio to micrograd and its ms per step; micrograd's ms per step as a control."""
    header, rows = find_table(out, "ms/step", "x micrograd")
    ms, printed = header.index("ms/step"), header.index("x micrograd")
    lite = find_row(rows, lambda name: name.startswith("autograd_lite"), "autograd_lite")
    micro = find_row(rows, lambda name: name.startswith("micrograd"), "micrograd")
    lite_ms, micro_ms, lite_ratio = number(lite[ms]), number(micro[ms]), number(lite[printed])
    if lite_ms is None or micro_ms is None or lite_ratio is None:
        raise ParseError("scalar_mlp printed no time for autograd_lite or micrograd")
    ratio = lite_ms / micro_ms  # from the ms columns (printed to 0.1 ms): more digits than the printed ratio
    rounding = ratio * (0.05 / max(lite_ms, 0.05) + 0.05 / max(micro_ms, 0.05))
    if abs(ratio - lite_ratio) > 0.0006 + rounding + 0.001 * lite_ratio:
        raise ParseError(f"ratio from ms columns {ratio:.4f} disagrees with the printed {lite_ratio}")
    if rounding > 0.0005:  # steps too short for the ms columns to beat the printed ratio's 3 decimals
        ratio = lite_ratio
    return {
        "scalar_mlp: autograd_lite / micrograd": ratio,
        "scalar_mlp: autograd_lite ms/step": lite_ms,
        "scalar_mlp: micrograd ms/step (control)": micro_ms,
    }


def parse_mlp_step(out: str) -> Metrics:
    """autograd_lite's raw-ops and nn ratios to numpy at every batch, and PyTorch's as a control."""
    header, rows = find_table(out, "contestant")
    batches = [m.group(1) for h in header if (m := re.fullmatch(r"x numpy @(\d+)", h))]
    if not batches:
        raise ParseError(f"no 'x numpy @<batch>' columns in {header}")
    contestants = (
        ("raw", lambda name: name == "autograd_lite, raw Value ops", ""),
        ("nn", lambda name: name == "autograd_lite, nn", ""),
        ("PyTorch", lambda name: name.startswith("PyTorch"), " (control)"),
    )
    metrics: Metrics = {}
    for label, match, suffix in contestants:
        row = find_row(rows, match, label)
        for b in batches:
            metrics[f"mlp_step: {label} / numpy @{b}{suffix}"] = number(row[header.index(f"x numpy @{b}")])
    return metrics


def parse_deep_chain(out: str) -> Metrics:
    """The backward time per node at every chain length."""
    header, rows = find_table(out, "nodes", "backward ns/node")
    col = header.index("backward ns/node")
    if not rows:
        raise ParseError("deep_chain's table has no rows")
    return {f"deep_chain: backward ns/node @{row[0]}": number(row[col]) for row in rows}


PARSERS: dict[str, Callable[[str], Metrics]] = {
    "scalar_mlp": parse_scalar_mlp,
    "mlp_step": parse_mlp_step,
    "deep_chain": parse_deep_chain,
}


# ----- running ------------------------------------------------------------------------------------------
def tree_env(tree: Path) -> dict[str, str]:
    """This process's environment with PYTHONPATH set to `tree` alone (thread variables left as they are:
    mlp_step sets its own before numpy loads)."""
    return {**os.environ, "PYTHONPATH": str(tree)}


def run(tree: Path, args: Sequence[str]) -> str:
    """Run ``python <args>`` in `tree`; its stdout, or exit with its stderr if it fails."""
    proc = subprocess.run([sys.executable, *args], cwd=tree, env=tree_env(tree), capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"\nFAILED (exit {proc.returncode}) in {tree}: {sys.executable} {' '.join(args)}", file=sys.stderr)
        print(f"--- stdout (last 40 lines) ---\n{''.join(proc.stdout.splitlines(True)[-40:])}", file=sys.stderr)
        print(f"--- stderr ---\n{proc.stderr}", file=sys.stderr)
        sys.exit(proc.returncode or 1)
    return proc.stdout


def describe(tree: Path) -> str:
    """The tree's commit and whether tracked files differ from it (read-only git calls), and where its
    autograd_lite is imported from, checked to be inside the tree."""
    where = run(tree, ["-c", "import autograd_lite; print(autograd_lite.__file__)"]).strip()
    if not Path(where).resolve().is_relative_to(tree):
        sys.exit(f"{tree}: autograd_lite imports from {where}, not from the tree (an installed copy shadows it?)")
    try:
        commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "--no-optional-locks", "-C", str(tree), "status", "--porcelain",
                                  "--untracked-files=no"], capture_output=True, text=True, check=True).stdout
        state = f"{len(changed.splitlines())} tracked files modified" if changed.strip() else "clean"
        return f"{tree} (commit {commit}, {state})"
    except (OSError, subprocess.CalledProcessError):
        return f"{tree} (not a git checkout)"


def measure_once(tree: Path, workload: str, extra: Sequence[str]) -> tuple[Metrics, float]:
    """One fresh run of a workload in a tree: its parsed metrics and its wall time in seconds."""
    start = time.perf_counter()
    out = run(tree, ["-m", f"benchmarks.{workload}", *SMALL_ARGS[workload], *extra])
    elapsed = time.perf_counter() - start
    try:
        metrics = PARSERS[workload](out)
    except ParseError as error:
        print(f"\ncould not parse {workload}'s output in {tree}: {error}\n--- stdout ---\n{out}", file=sys.stderr)
        sys.exit(2)
    for line in out.splitlines():
        if line.startswith("skipped "):
            print(f"    note ({tree}): {line}", flush=True)
    return metrics, elapsed


# ----- summarising --------------------------------------------------------------------------------------
def fmt(value: float) -> str:
    """Four significant digits, without an exponent for the magnitudes printed here."""
    return f"{value:.4g}" if 1e-3 <= abs(value) < 1e5 else f"{value:.3e}"


def summary_rows(results: dict[str, dict[str, list[float | None]]]) -> list[list[str]]:
    """One table row per metric, from per-round values of A and B (None where a run skipped it)."""
    rows = []
    for name, per_tree in results.items():
        a_all, b_all = per_tree["A"], per_tree["B"]
        pairs = [(a, b) for a, b in zip(a_all, b_all, strict=True) if a is not None and b is not None]
        a_vals = [a for a in a_all if a is not None]
        b_vals = [b for b in b_all if b is not None]
        med_a = fmt(statistics.median(a_vals)) if a_vals else "-"
        med_b = fmt(statistics.median(b_vals)) if b_vals else "-"
        if not pairs or any(a <= 0 for a, _ in pairs):
            rows.append([name, med_a, med_b, "-", "-", "-", "-"])
            continue
        ratios = [b / a for a, b in pairs]
        paired = statistics.median(ratios)
        faster = sum(r < 1.0 for r in ratios)
        rows.append([name, med_a, med_b, f"{paired:.3f}", f"{min(ratios):.3f}..{max(ratios):.3f}",
                     f"{faster}/{len(ratios)}", f"{(paired - 1.0) * 100:+.1f}%"])
    return rows


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Flags after -- are passed to every benchmark run.")
    parser.add_argument("--a", required=True, type=Path, help="tree A (the reference), a checkout of this repo")
    parser.add_argument("--b", required=True, type=Path, help="tree B (the candidate)")
    parser.add_argument("--rounds", type=int, default=6, help="ABBA rounds; each runs every workload in both trees")
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    trees = {"A": args.a.resolve(), "B": args.b.resolve()}
    for label, tree in trees.items():
        for workload in args.workloads:
            if not (tree / "benchmarks" / f"{workload}.py").is_file():
                parser.error(f"tree {label} ({tree}) has no benchmarks/{workload}.py")

    print(f"machine: {machine()}; {sys.executable}")
    for label, tree in trees.items():
        print(f"tree {label}: {describe(tree)}")
    for workload in args.workloads:
        print(f"run: python -m benchmarks.{workload} {' '.join([*SMALL_ARGS[workload], *extra])}")
    print(f"{args.rounds} rounds, ABBA order (odd rounds A then B, even rounds B then A)\n", flush=True)

    results: dict[str, dict[str, list[float | None]]] = {}
    wall: dict[str, list[float]] = {"A": [], "B": []}
    start = time.perf_counter()
    for r in range(args.rounds):
        order = ("A", "B") if r % 2 == 0 else ("B", "A")
        for workload in args.workloads:
            for label in order:
                metrics, elapsed = measure_once(trees[label], workload, extra)
                wall[label].append(elapsed)
                for name, value in metrics.items():
                    per_tree = results.setdefault(name, {"A": [None] * args.rounds, "B": [None] * args.rounds})
                    per_tree[label][r] = value
                first, first_value = next(iter(metrics.items()))
                shown = "-" if first_value is None else fmt(first_value)
                print(f"round {r + 1}/{args.rounds}  {workload:<10}  {label}  {elapsed:6.1f} s   "
                      f"{first} = {shown}", flush=True)

    total = time.perf_counter() - start
    print(f"\n{args.rounds} rounds in {total / 60:.1f} min "
          f"(runs: A {sum(wall['A']):.0f} s, B {sum(wall['B']):.0f} s)\n")
    headers = ("metric (lower is faster)", "median A", "median B", "B/A", "B/A min..max", "B faster", "change")
    print(table(headers, summary_rows(results)))
    print("\nB/A is the median of per-round paired ratios; a change inside the B/A spread, or with B faster in "
          "only some rounds, is noise (see the module docstring).")


if __name__ == "__main__":
    main()
