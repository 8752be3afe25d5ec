"""Scalar graphs: micrograd's own training step (MLP 2-16-16-1 on two moons, SVM loss), timed.

Contestants, on identical data and weights: PyPI ``micrograd``, autograd_lite with scalar Values,
and the same maths hand-written on Python floats (the floor). Run: ``python -m benchmarks.scalar_mlp``.
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import time
from collections.abc import Callable

import numpy as np

from autograd_lite import Value

from ._timing import machine, table

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4          # L2 regularisation strength
LEARNING_RATE = 0.05


# ----- identical inputs for every contestant ----------------------------------------------------
def two_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with Gaussian noise; labels -1 (outer) and +1 (inner)."""
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n - n_outer)
    points = np.concatenate([np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
                             np.stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)], axis=1)])
    points += rng.normal(0.0, noise, points.shape)
    labels = np.concatenate([-np.ones(n_outer), np.ones(n - n_outer)])
    return points.tolist(), labels.tolist()


def initial_weights(seed: int = 0) -> list[tuple[list[list[float]], list[float]]]:
    """Per layer: weight rows (one per neuron) drawn from U(-1, 1), and zero biases."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1.0, 1.0, (nout, nin)).tolist(), [0.0] * nout)
            for nin, nout in zip(SIZES[:-1], SIZES[1:], strict=True)]


# ----- the step both graph libraries run: SVM max-margin loss, L2 penalty, SGD ------------------------
class GraphStep:
    """The loss and update shared by the graph contestants; each supplies `scores`, `params`, `grads`."""

    def loss(self):
        losses = [(1 + -yi * s).relu() for yi, s in zip(self.y, self.scores(), strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        return data_loss + ALPHA * sum(p * p for p in self.params)

    def __call__(self) -> float:
        total, grads = self.grads()
        for p, g in zip(self.params, grads, strict=True):
            p.data -= LEARNING_RATE * g
        return total


# ----- contestant: micrograd ----------------------------------------------------------------------
class MicrogradStep(GraphStep):
    """micrograd's MLP, loss and update exactly as its README demo runs them."""

    def __init__(self, weights, X, y) -> None:
        from micrograd.engine import Value as MValue
        from micrograd.nn import MLP

        self.V, self.X, self.y = MValue, X, y
        self.model = MLP(SIZES[0], list(SIZES[1:]))
        for layer, (rows, biases) in zip(self.model.layers, weights, strict=True):
            for neuron, row, b in zip(layer.neurons, rows, biases, strict=True):
                for w, value in zip(neuron.w, row, strict=True):
                    w.data = value
                neuron.b.data = b
        self.params = self.model.parameters()

    def scores(self) -> list:
        V = self.V
        return [self.model([V(a), V(b)]) for a, b in self.X]

    def grads(self) -> tuple[float, list[float]]:
        total = self.loss()
        self.model.zero_grad()
        total.backward()
        return total.data, [p.grad for p in self.params]


# ----- contestant: autograd_lite, scalar Values -----------------------------------------------------
class ScalarStep(GraphStep):
    """The same network built from autograd_lite scalar Values (no ``nn``: only core primitives)."""

    def __init__(self, weights, X, y) -> None:
        self.X, self.y = X, y
        self.layers = [([[Value(w) for w in row] for row in rows], [Value(b) for b in biases])
                       for rows, biases in weights]
        self.params = [p for rows, biases in self.layers
                       for row, b in zip(rows, biases, strict=True) for p in (*row, b)]

    def score(self, x):
        last = len(self.layers) - 1
        for i, (rows, biases) in enumerate(self.layers):
            acts = [sum((w * xi for w, xi in zip(row, x, strict=True)), b)
                    for row, b in zip(rows, biases, strict=True)]
            x = acts if i == last else [a.relu() for a in acts]
        return x[0]

    def scores(self) -> list:
        return [self.score(x) for x in self.X]

    def grads(self) -> tuple[float, list[float]]:
        total = self.loss()
        for p in self.params:
            p.zero_grad()
        total.backward()
        return total.data, [p.grad for p in self.params]


# ----- the floor: Python floats, backward derived by hand ------------------------------------------
class FloatStep:
    """Forward and a hand-derived backward on Python floats: what a graph-free program costs."""

    def __init__(self, weights, X, y) -> None:
        self.X, self.y = X, y
        self.W = [[list(row) for row in rows] for rows, _ in weights]
        self.b = [list(biases) for _, biases in weights]

    def grads(self) -> tuple[float, list[float]]:
        W, B, n = self.W, self.b, len(self.X)
        last = len(W) - 1
        gW = [[[0.0] * len(row) for row in rows] for rows in W]
        gB = [[0.0] * len(biases) for biases in B]
        data_loss = 0.0
        for x, yi in zip(self.X, self.y, strict=True):
            hs, zs = [x], []
            for i, (rows, biases) in enumerate(zip(W, B, strict=True)):
                h = hs[-1]
                z = [b + sum(w * xi for w, xi in zip(row, h, strict=True))
                     for row, b in zip(rows, biases, strict=True)]
                zs.append(z)
                hs.append(z if i == last else [v if v > 0.0 else 0.0 for v in z])
            margin = 1.0 + -yi * hs[-1][0]
            if margin <= 0.0:
                continue
            data_loss += margin
            dz = [-yi / n]                      # d(mean of relu(1 - y s))/ds where the margin is active
            for i in range(last, -1, -1):
                h, rows = hs[i], W[i]
                gw_layer, gb_layer = gW[i], gB[i]
                for j, d in enumerate(dz):
                    gb_layer[j] += d
                    gw_row = gw_layer[j]
                    for k, hk in enumerate(h):
                        gw_row[k] += d * hk
                if i:
                    below = zs[i - 1]
                    dz = [sum(d * rows[j][k] for j, d in enumerate(dz)) if below[k] > 0.0 else 0.0
                          for k in range(len(h))]
        reg = 0.0
        for rows, biases, gw_layer, gb_layer in zip(W, B, gW, gB, strict=True):
            for row, gw_row in zip(rows, gw_layer, strict=True):
                for k, w in enumerate(row):
                    reg += w * w
                    gw_row[k] += 2.0 * ALPHA * w
            for j, b in enumerate(biases):
                reg += b * b
                gb_layer[j] += 2.0 * ALPHA * b
        total = data_loss / n + ALPHA * reg
        flat = [g for gw_layer, gb_layer in zip(gW, gB, strict=True)
                for gw_row, gb in zip(gw_layer, gb_layer, strict=True) for g in (*gw_row, gb)]
        self._last = (gW, gB)
        return total, flat

    def __call__(self) -> float:
        total, _ = self.grads()
        gW, gB = self._last
        for rows, biases, gw_layer, gb_layer in zip(self.W, self.b, gW, gB, strict=True):
            for row, gw_row in zip(rows, gw_layer, strict=True):
                for k, g in enumerate(gw_row):
                    row[k] -= LEARNING_RATE * g
            for j, g in enumerate(gb_layer):
                biases[j] -= LEARNING_RATE * g
        return total


# ----- timing -----------------------------------------------------------------------------------------
def time_steps(step: Callable[[], object], repeat: int, gc_on: bool = True) -> float:
    """Median seconds per step after one warm-up step; with ``gc_on=False`` the cyclic collector
    is off while timing, and the garbage it would have collected is cleared between samples."""
    step()
    gc.collect()
    samples = []
    for _ in range(repeat):
        if not gc_on:
            gc.disable()
        start = time.perf_counter()
        step()
        samples.append(time.perf_counter() - start)
        if not gc_on:
            gc.enable()
            gc.collect()
    return statistics.median(samples)


def count_nodes(root) -> int:
    """Nodes reachable from an autograd_lite Value, constants included (iteratively)."""
    seen, stack = {id(root)}, [root]
    while stack:
        for p in stack.pop().parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def check_agreement(weights, X, y) -> tuple[float, int]:
    """Assert that the three contestants compute the same loss and gradients; return (loss, nodes)."""
    ref_loss, ref_grads = FloatStep(weights, X, y).grads()
    for name, make in (("micrograd", MicrogradStep), ("autograd_lite", ScalarStep)):
        loss, grads = make(weights, X, y).grads()
        assert math.isclose(loss, ref_loss, rel_tol=1e-12, abs_tol=1e-12), (name, loss, ref_loss)
        assert len(grads) == len(ref_grads), name
        worst = max(abs(a - b) for a, b in zip(grads, ref_grads, strict=True))
        assert worst <= 1e-12 * max(1.0, max(abs(g) for g in ref_grads)), (name, worst)
    nodes = count_nodes(ScalarStep(weights, X, y).loss())
    return ref_loss, nodes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed steps per contestant (median reported)")
    parser.add_argument("--points", type=int, default=100, help="two-moons points per step")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    X, y = two_moons(args.points, seed=args.seed)
    weights = initial_weights(args.seed)
    loss, nodes = check_agreement(weights, X, y)
    print(f"machine: {machine()}")
    print(f"workload: MLP{SIZES} on {args.points} two-moons points, SVM loss + {ALPHA:g}*sum(p^2); "
          f"{nodes:,} autograd_lite nodes per step; initial loss {loss:.6f} (all three agree)")
    print(f"timing: median of {args.repeat} steps after 1 warm-up step, gc.isenabled()={gc.isenabled()}\n")

    floor = time_steps(FloatStep(weights, X, y), args.repeat)
    lite = time_steps(ScalarStep(weights, X, y), args.repeat)
    lite_nogc = time_steps(ScalarStep(weights, X, y), args.repeat, gc_on=False)
    micro = time_steps(MicrogradStep(weights, X, y), args.repeat)
    micro_nogc = time_steps(MicrogradStep(weights, X, y), args.repeat, gc_on=False)

    rows = [
        ("Python floats, hand-written backward (floor)", f"{floor * 1e3:.1f}", "1.00", f"{floor / micro:.4f}", "-"),
        ("autograd_lite, scalar Values", f"{lite * 1e3:.1f}", f"{lite / floor:.2f}", f"{lite / micro:.3f}",
         f"{max(0.0, 1 - lite_nogc / lite):.0%}"),
        ("micrograd 0.1.0", f"{micro * 1e3:.1f}", f"{micro / floor:.2f}", "1.00",
         f"{max(0.0, 1 - micro_nogc / micro):.0%}"),
    ]
    print(table(("contestant (gc on)", "ms/step", "x floor", "x micrograd", "share in cyclic gc"), rows))
    print(f"\nwith gc off: autograd_lite {lite_nogc * 1e3:.1f} ms/step, micrograd {micro_nogc * 1e3:.1f} ms/step")
    verdict = "meets" if lite / micro <= 0.2 else "MISSES"
    print(f"target autograd_lite / micrograd <= 0.2: {lite / micro:.3f} ({verdict})")


if __name__ == "__main__":
    main()
