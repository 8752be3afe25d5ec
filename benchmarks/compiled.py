"""Compiled steps (`autograd_lite.compile`) against the hand-written floors, in one run.

Tensor: the digits MLP 64-128-64-10 step through ``nn`` (Linear, cross_entropy, SGD), compiled,
against hand-written numpy (float64, one BLAS thread), with eager ``nn`` beside it. Scalar:
micrograd's workload (MLP 2-16-16-1 on 100 points, gc on) compiled, against the Python-float floor;
the one-time trace and compile costs are reported apart. Run: ``python -m benchmarks.compiled``.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy loads BLAS: one thread, as the targets are stated

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import autograd_lite as al  # noqa: E402

from . import mlp_step, scalar_mlp  # noqa: E402
from ._timing import interleaved, machine, table  # noqa: E402


class CompiledNNStep(mlp_step.NNStep):
    """`mlp_step`'s nn step with its forward, loss and backward compiled: ``step(X, y)``, then SGD."""

    name = "autograd_lite, nn, compiled"

    def __init__(self, params, X, y) -> None:
        super().__init__(params, X, y)
        self.batch, self.labels = X, y
        self.step = al.compile(self.loss_of)

    def loss_of(self, xb, yb):
        h = xb
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < len(self.layers) - 1:
                h = h.relu()
        return self.nn.cross_entropy(h, yb)

    def grads(self):
        self.optimizer.zero_grad()
        loss = self.step(self.batch, self.labels)
        grads = []
        for layer in self.layers:
            grads += [layer.weight.grad, layer.bias.grad]
        return loss.item(), grads

    def __call__(self) -> None:
        self.optimizer.zero_grad()
        self.step(self.batch, self.labels)
        self.optimizer.step()


def tensor_ratios(batch: int, rounds: int, sample_seconds: float, seed: int) -> dict[str, tuple[float, float]]:
    """(ms per step, median per-round ratio to numpy) for numpy, eager nn and compiled nn at one batch size."""
    X, y = mlp_step.digits_like(batch, seed)
    params = mlp_step.initial_params(seed)
    reference = mlp_step.NumpyStep(params, X, y).grads()
    classes = (mlp_step.NumpyStep, mlp_step.NNStep, CompiledNNStep)
    steps = {}
    for cls in classes:
        mlp_step.check_agreement(reference, cls(params, X, y).grads(), cls.name)
        steps[cls.name] = cls(params, X, y)
    return interleaved(steps, rounds, sample_seconds, floor=mlp_step.NumpyStep.name)


class CompiledScalarStep(scalar_mlp.ScalarStep):
    """`scalar_mlp`'s autograd_lite step, compiled: straight-line float code, then the same SGD update."""

    def __init__(self, weights, X, y) -> None:
        super().__init__(weights, X, y)
        self.step = al.compile(self.loss)
        began = time.perf_counter()
        self.step()
        self.first_seconds = time.perf_counter() - began
        program = self.step.program
        self.trace_seconds, self.compile_seconds = program.trace_seconds, program.compile_seconds

    def grads(self):
        for p in self.params:
            p.zero_grad()
        total = self.step()
        return total.item(), [p.grad for p in self.params]


def scalar_numbers(points: int, repeat: int, seed: int) -> dict[str, float]:
    X, y = scalar_mlp.two_moons(points, seed=seed)
    weights = scalar_mlp.initial_weights(seed)
    ref_loss, ref_grads = scalar_mlp.FloatStep(weights, X, y).grads()
    check = CompiledScalarStep(weights, X, y)
    for _ in range(2):  # the traced call, then a replay
        loss, grads = check.grads()
        assert abs(loss - ref_loss) <= 1e-12 * max(1.0, abs(ref_loss)), (loss, ref_loss)
        worst = max(abs(a - b) for a, b in zip(grads, ref_grads, strict=True))
        assert worst <= 1e-12 * max(1.0, max(abs(g) for g in ref_grads)), worst
    compiled = CompiledScalarStep(weights, X, y)
    floor = scalar_mlp.time_steps(scalar_mlp.FloatStep(weights, X, y), repeat)
    lite = scalar_mlp.time_steps(compiled, repeat)
    eager = scalar_mlp.time_steps(scalar_mlp.ScalarStep(weights, X, y), repeat)
    return {"floor": floor, "compiled": lite, "eager": eager, "trace": compiled.trace_seconds,
            "compile": compiled.compile_seconds, "first": compiled.first_seconds,
            "lines": compiled.step.source().count("\n")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[32, 256, 1797])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved timing rounds (medians reported)")
    parser.add_argument("--sample-seconds", type=float, default=0.1, help="length of one timed sample")
    parser.add_argument("--repeat", type=int, default=7, help="timed scalar steps per contestant")
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-scalar", action="store_true")
    parser.add_argument("--skip-tensor", action="store_true")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}; numpy {np.__version__}, one BLAS thread")
    if not args.skip_tensor:
        print(f"\ntensor: digits MLP {'-'.join(map(str, mlp_step.SIZES))} ReLU, float64, forward + cross-entropy + "
              f"backward + SGD; {args.rounds} interleaved rounds (median ms, median of per-round ratios)")
        per_batch = {b: tensor_ratios(b, args.rounds, args.sample_seconds, args.seed) for b in args.batches}
        names = list(per_batch[args.batches[0]])
        rows = [[name] + [x for b in args.batches for x in (f"{per_batch[b][name][0]:.3f}",
                                                                f"{per_batch[b][name][1]:.2f}")] for name in names]
        print(table(["contestant"] + [h for b in args.batches for h in (f"ms @{b}", f"x numpy @{b}")], rows))
        for batch, target in ((32, 1.15), (256, 1.0)):
            if batch in per_batch:
                ratio = per_batch[batch][CompiledNNStep.name][1]
                print(f"target compiled nn <= {target}x numpy at batch {batch}: {ratio:.2f} "
                      f"({'meets' if ratio <= target else 'MISSES'})")
    if not args.skip_scalar:
        r = scalar_numbers(args.points, args.repeat, args.seed)
        print(f"\nscalar: micrograd's workload, MLP{scalar_mlp.SIZES} on {args.points} points, gc on; "
              f"median of {args.repeat} steps")
        rows = [(name, f"{r[key] * 1e3:.1f}", f"{r[key] / r['floor']:.2f}") for name, key in (
            ("Python floats, hand-written backward (floor)", "floor"),
            ("autograd_lite, scalar Values, compiled", "compiled"),
            ("autograd_lite, scalar Values, eager", "eager"))]
        print(table(("contestant", "ms/step", "x floor"), rows))
        print(f"one-time cost of the compiled step: trace {r['trace']:.2f} s, code generation and Python's compile "
              f"{r['compile']:.2f} s (first call in all {r['first']:.2f} s; {r['lines']:,} lines of source)")
        ratio = r["compiled"] / r["floor"]
        print(f"target compiled scalar <= 3x the float floor: {ratio:.2f} ({'meets' if ratio <= 3 else 'MISSES'})")


if __name__ == "__main__":
    main()
