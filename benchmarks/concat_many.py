"""Joining many Values: `stack` of 1,000 to 16,000 Values of shape (3,), forward and backward, timed per input.

A variadic op's rule runs once per input, so the backward should cost each input the same whatever
their number: the time per input should stay flat as the count grows. PyTorch's ``torch.stack``
is timed on the same workload when it is installed. Run: ``python -m benchmarks.concat_many``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

import numpy as np

import autograd_lite as ag
from autograd_lite import Value

from ._timing import machine, table

WIDTH = 3


def workload(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The data of `n` inputs of shape (WIDTH,) and the weights of the loss sum(w · stack(xs))."""
    rng = np.random.default_rng(n)
    return rng.normal(size=(n, WIDTH)), rng.normal(size=(n, WIDTH))


def autograd_lite_steps(data: np.ndarray, weights: np.ndarray, create_graph: bool
                        ) -> tuple[Callable[[], object], Callable[[object], np.ndarray]]:
    """(build, differentiate): build the loss from fresh leaves; differentiate returns the stacked gradients."""
    def build():
        xs = [Value(row) for row in data]
        return xs, (ag.stack(xs) * weights).sum()

    def differentiate(built) -> np.ndarray:
        xs, loss = built
        if create_graph:
            return np.stack([g.data for g in ag.grad(loss, xs, create_graph=True)])
        loss.backward()
        return np.stack([x.grad for x in xs])

    return build, differentiate


def torch_steps(data: np.ndarray, weights: np.ndarray
                ) -> tuple[Callable[[], object], Callable[[object], np.ndarray]] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    w = torch.from_numpy(weights)

    def build():
        xs = [torch.tensor(row, requires_grad=True) for row in data]
        return xs, (torch.stack(xs) * w).sum()

    def differentiate(built) -> np.ndarray:
        xs, loss = built
        loss.backward()
        return np.stack([x.grad.numpy() for x in xs])

    return build, differentiate


def time_steps(build: Callable[[], object], differentiate: Callable[[object], np.ndarray], weights: np.ndarray,
               repeat: int) -> tuple[float, float]:
    """Median seconds of build and of differentiate over `repeat` runs; checks the gradient (the weights)."""
    builds, backs = [], []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        built = build()
        middle = time.perf_counter()
        grads = differentiate(built)
        end = time.perf_counter()
        np.testing.assert_allclose(grads, weights, rtol=0, atol=0)
        builds.append(middle - start)
        backs.append(end - middle)
        del built, grads
    return statistics.median(builds), statistics.median(backs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median reported)")
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    print(f"workload: n Values of shape ({WIDTH},), loss = sum(w * stack(xs)), then the gradients of all n; "
          f"median of {args.repeat} runs\n")
    contestants = [("autograd_lite backward()", lambda d, w: autograd_lite_steps(d, w, False)),
                   ("autograd_lite grad(create_graph=True)", lambda d, w: autograd_lite_steps(d, w, True)),
                   ("torch backward()", torch_steps)]
    rows = []
    for name, make in contestants:
        first = None
        for n in args.sizes:
            data, weights = workload(n)
            steps = make(data, weights)
            if steps is None:
                print(f"{name}: not installed, skipped")
                break
            build, back = time_steps(*steps, weights, args.repeat)
            per_input = back / n
            first = first or per_input
            rows.append((name, f"{n:,}", f"{build:.3f}", f"{back:.3f}", f"{build / n * 1e6:.1f}",
                         f"{per_input * 1e6:.1f}", f"{per_input / first:.2f}"))
    print(table(("contestant", "inputs", "build s", "gradient s", "build µs/input", "gradient µs/input",
                 "gradient x smallest"), rows))
    print("\nflat per-input times (x smallest close to 1) mean the backward is linear in the number of inputs")


if __name__ == "__main__":
    main()
