"""Deep graphs: build and backward of scalar chains of 10^4, 10^5 and 10^6 nodes, timed per node.

autograd_lite's traversal is iterative, so its time per node should stay flat as the chain grows;
micrograd's recursive topological sort fails at a depth this script finds and reports.
Run: ``python -m benchmarks.deep_chain``.
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import time

from autograd_lite import Value

from ._timing import machine, table

FACTOR = 1.0000001


def build_chain(nodes: int) -> tuple[Value, Value]:
    """`nodes` recorded ops alternating ``* FACTOR`` and ``+ 0.0``; returns (input, output)."""
    x = Value(1.0)
    out = x
    for _ in range(nodes // 2):
        out = out * FACTOR
        out = out + 0.0
    if nodes % 2:
        out = out * FACTOR
    return x, out


def time_chain(nodes: int, repeat: int, gc_on: bool = True) -> tuple[float, float, float]:
    """Median seconds to build, to run backward, and to free a chain of `nodes` ops."""
    builds, backs, frees = [], [], []
    for _ in range(repeat):
        gc.collect()
        if not gc_on:
            gc.disable()
        start = time.perf_counter()
        x, out = build_chain(nodes)
        built = time.perf_counter()
        out.backward()
        done = time.perf_counter()
        expected = FACTOR ** ((nodes + 1) // 2)
        assert math.isclose(x.grad, expected, rel_tol=1e-9), (nodes, x.grad, expected)
        del out
        freed = time.perf_counter()
        builds.append(built - start)
        backs.append(done - built)
        frees.append(freed - done)
        del x
        gc.enable()
    return statistics.median(builds), statistics.median(backs), statistics.median(frees)


def micrograd_chain_works(depth: int) -> bool:
    """Whether micrograd's backward survives a chain of `depth` ops (False on RecursionError)."""
    from micrograd.engine import Value as MValue

    x = MValue(1.0)
    out = x
    for i in range(depth):
        out = out * FACTOR if i % 2 == 0 else out + 0.0
    try:
        out.backward()
    except RecursionError:
        return False
    return True


def micrograd_failing_depth(high: int = 100_000) -> int | None:
    """The smallest chain length at which micrograd raises RecursionError (bisection), or None."""
    if micrograd_chain_works(high):
        return None
    low = 1  # works
    while high - low > 1:
        mid = (low + high) // 2
        if micrograd_chain_works(mid):
            low = mid
        else:
            high = mid
    return high


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median reported)")
    parser.add_argument("--no-gc", action="store_true",
                        help="disable the cyclic garbage collector while timing (shows its share in build)")
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    print(f"workload: x -> x * {FACTOR} -> + 0.0 -> ..., build + backward, gc {'off' if args.no_gc else 'on'}; "
          f"median of {args.repeat} runs\n")
    rows, per_node = [], []
    for n in args.sizes:
        build, back, free = time_chain(n, args.repeat, gc_on=not args.no_gc)
        total = build + back
        per_node.append(total / n)
        rows.append((f"{n:,}", f"{build:.3f}", f"{back:.3f}", f"{free:.3f}",
                     f"{build / n * 1e9:.0f}", f"{back / n * 1e9:.0f}", f"{total / n * 1e9:.0f}",
                     f"{per_node[-1] / per_node[0]:.2f}"))
    print(table(("nodes", "build s", "backward s", "free s", "build ns/node", "backward ns/node",
                 "total ns/node", "x smallest"), rows))
    spread = max(per_node) / min(per_node)
    print(f"\ntime per node, largest / smallest over sizes: {spread:.2f} (flat means close to 1)")

    depth = micrograd_failing_depth()
    limit = sys.getrecursionlimit()
    if depth is None:
        print("micrograd: no RecursionError up to 100,000 ops")
    else:
        print(f"micrograd 0.1.0: backward raises RecursionError from a chain of {depth:,} ops "
              f"(sys.getrecursionlimit() = {limit}); autograd_lite ran {max(args.sizes):,}")


if __name__ == "__main__":
    main()
