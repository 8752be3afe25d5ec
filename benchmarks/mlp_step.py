"""Tensor graphs: one training step of the digits MLP 64-128-64-10 (ReLU, float64), timed per batch size.

Contestants on identical data and weights, one BLAS thread: hand-written numpy forward/backward
(the floor), autograd_lite raw Value ops, autograd_lite through ``nn``, and PyTorch on the CPU
when installed. Run: ``python -m benchmarks.mlp_step``.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy loads BLAS: one thread, as the targets are stated

import argparse  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from autograd_lite import Value, no_grad  # noqa: E402

from ._timing import interleaved, machine, table  # noqa: E402

SIZES = (64, 128, 64, 10)
LEARNING_RATE = 0.01
Params = list[np.ndarray]   # [W1, b1, W2, b2, W3, b3], each W of shape (nin, nout)


def digits_like(batch: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`batch` rows of scikit-learn's 8x8 digits scaled to [0, 1] (cycled past 1797), or random
    data of that shape when scikit-learn is missing; labels are int64 class indices."""
    try:
        from sklearn.datasets import load_digits

        data = load_digits()
        X, y = data.data / 16.0, data.target.astype(np.int64)
    except ImportError:
        rng = np.random.default_rng(seed)
        X, y = rng.uniform(0.0, 1.0, (1797, 64)), rng.integers(0, 10, 1797)
    rows = np.arange(batch) % len(X)
    return np.ascontiguousarray(X[rows]), y[rows]


def initial_params(seed: int = 0) -> Params:
    """U(±1/√nin) for every weight and bias (PyTorch's default for a linear layer)."""
    rng = np.random.default_rng(seed)
    params: Params = []
    for nin, nout in zip(SIZES[:-1], SIZES[1:], strict=True):
        bound = 1.0 / np.sqrt(nin)
        params += [rng.uniform(-bound, bound, (nin, nout)), rng.uniform(-bound, bound, nout)]
    return params


# ----- (a) the floor: numpy forward and hand-derived backward ----------------------------------------
class NumpyStep:
    """Forward, softmax cross-entropy and its backward written out by hand with numpy."""

    name = "numpy, hand-written backward"

    def __init__(self, params: Params, X: np.ndarray, y: np.ndarray) -> None:
        self.params = [p.copy() for p in params]
        self.X, self.onehot = X, np.eye(SIZES[-1])[y]

    def grads(self) -> tuple[float, Params]:
        W1, b1, W2, b2, W3, b3 = self.params
        X, onehot, n = self.X, self.onehot, len(self.X)
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0.0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0.0)
        z3 = h2 @ W3 + b3
        shifted = z3 - z3.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -(logp * onehot).sum() / n
        d3 = (np.exp(logp) - onehot) / n            # d loss / d logits: softmax minus targets
        d2 = (d3 @ W3.T) * (z2 > 0)
        d1 = (d2 @ W2.T) * (z1 > 0)
        return float(loss), [X.T @ d1, d1.sum(axis=0), h1.T @ d2, d2.sum(axis=0), h2.T @ d3, d3.sum(axis=0)]

    def __call__(self) -> None:
        _, grads = self.grads()
        for p, g in zip(self.params, grads, strict=True):
            p -= LEARNING_RATE * g


# ----- (b) autograd_lite, raw Value ops --------------------------------------------------------------
class RawValueStep:
    """The network written with Value ops: ``@``, ``+``, ``relu``, ``log_softmax``, a one-hot product."""

    name = "autograd_lite, raw Value ops"

    def __init__(self, params: Params, X: np.ndarray, y: np.ndarray) -> None:
        self.params = [Value(p) for p in params]
        self.X = Value(X, requires_grad=False)
        self.onehot = Value(np.eye(SIZES[-1])[y], requires_grad=False)
        self.scale = -1.0 / len(X)

    def loss(self) -> Value:
        W1, b1, W2, b2, W3, b3 = self.params
        h = (self.X @ W1 + b1).relu()
        h = (h @ W2 + b2).relu()
        logits = h @ W3 + b3
        return (logits.log_softmax(axis=1) * self.onehot).sum() * self.scale

    def grads(self) -> tuple[float, Params]:
        loss = self.loss()
        for p in self.params:
            p.zero_grad()
        loss.backward()
        return loss.item(), [p.grad for p in self.params]

    def __call__(self) -> None:
        self.grads()
        with no_grad():  # the update README recommends: in place, stamped, no copy of the parameter
            for p in self.params:
                p -= LEARNING_RATE * p.grad


# ----- (c) autograd_lite through nn ---------------------------------------------------------------------
class NNStep:
    """The same network as ``nn.Linear`` layers, ``nn.cross_entropy`` and ``nn.SGD``."""

    name = "autograd_lite, nn"

    def __init__(self, params: Params, X: np.ndarray, y: np.ndarray) -> None:
        import nn

        self.nn = nn
        self.layers = [nn.Linear(nin, nout) for nin, nout in zip(SIZES[:-1], SIZES[1:], strict=True)]
        for layer, W, b in zip(self.layers, params[0::2], params[1::2], strict=True):
            layer.weight.data = W.copy() if layer.weight.shape == W.shape else W.T.copy()
            layer.bias.data = b.reshape(layer.bias.shape).copy()
        self.params = [p for layer in self.layers for p in (layer.weight, layer.bias)]
        self.optimizer = nn.SGD(self.params, lr=LEARNING_RATE)
        self.X, self.y = Value(X, requires_grad=False), y

    def loss(self) -> Value:
        h = self.X
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < len(self.layers) - 1:
                h = h.relu()
        return self.nn.cross_entropy(h, self.y)

    def grads(self) -> tuple[float, Params]:
        self.optimizer.zero_grad()
        loss = self.loss()
        loss.backward()
        grads = []
        for layer in self.layers:
            gw = layer.weight.grad
            grads += [gw if gw.shape == (layer.nin, layer.nout) else gw.T, layer.bias.grad.reshape(-1)]
        return loss.item(), grads

    def __call__(self) -> None:
        self.optimizer.zero_grad()
        self.loss().backward()
        self.optimizer.step()


# ----- (d) PyTorch on the CPU --------------------------------------------------------------------------
class TorchStep:
    """The same network in PyTorch (float64, one thread), with a plain SGD update."""

    name = "PyTorch (CPU)"

    def __init__(self, params: Params, X: np.ndarray, y: np.ndarray) -> None:
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.params = [torch.tensor(p, requires_grad=True) for p in params]
        self.X, self.y = torch.tensor(X), torch.tensor(y)

    def loss(self):
        F = self.torch.nn.functional
        W1, b1, W2, b2, W3, b3 = self.params
        h = F.relu(self.X @ W1 + b1)
        h = F.relu(h @ W2 + b2)
        return F.cross_entropy(h @ W3 + b3, self.y)

    def grads(self) -> tuple[float, Params]:
        for p in self.params:
            p.grad = None
        loss = self.loss()
        loss.backward()
        return loss.item(), [p.grad.numpy() for p in self.params]

    def __call__(self) -> None:
        for p in self.params:
            p.grad = None
        self.loss().backward()
        with self.torch.no_grad():
            for p in self.params:
                p -= LEARNING_RATE * p.grad


# ----- running ----------------------------------------------------------------------------------------
def contestants() -> list[tuple[str, Callable | None, str]]:
    """(name, class or None, note) for every contestant; an unavailable one carries the reason."""
    out: list[tuple[str, Callable | None, str]] = [(NumpyStep.name, NumpyStep, ""),
                                                   (RawValueStep.name, RawValueStep, "")]
    try:
        import nn

        missing = [a for a in ("Linear", "cross_entropy", "SGD") if not hasattr(nn, a)]
        out.append((NNStep.name, None, f"nn lacks {', '.join(missing)}") if missing
                   else (NNStep.name, NNStep, ""))
    except Exception as error:  # nn is optional here: it may not exist yet, or fail to import
        out.append((NNStep.name, None, f"import nn failed: {error!r}"))
    try:
        import torch

        out.append((f"PyTorch {torch.__version__} (CPU)", TorchStep, ""))
    except ImportError:
        out.append(("PyTorch (CPU)", None, "torch not installed (pip install torch==2.13.0)"))
    return out


def check_agreement(reference: tuple[float, Params], other: tuple[float, Params], name: str) -> None:
    """Assert that a contestant's loss and gradients match the numpy floor's."""
    loss, grads = other
    assert np.isclose(loss, reference[0], rtol=1e-10, atol=1e-12), (name, loss, reference[0])
    for i, (g, ref) in enumerate(zip(grads, reference[1], strict=True)):
        np.testing.assert_allclose(np.asarray(g), ref, rtol=1e-8, atol=1e-12, err_msg=f"{name}: gradient {i}")


def run_batch(batch: int, rounds: int, sample_seconds: float, seed: int) -> dict[str, tuple[float, float] | str]:
    """(milliseconds per step, ratio to numpy) for every contestant at one batch size.

    Both are medians over rounds; the ratio is the median of each round's own ratio, so that a
    slow spell of the machine, which hits a whole round, cancels out of it.
    """
    X, y = digits_like(batch, seed)
    params = initial_params(seed)
    reference = NumpyStep(params, X, y).grads()
    steps: dict[str, Callable] = {}
    results: dict[str, float | str] = {}
    for name, cls, note in contestants():
        results[name] = note
        if cls is None:
            continue
        check_agreement(reference, cls(params, X, y).grads(), name)
        steps[name] = cls(params, X, y)
    results.update(interleaved(steps, rounds, sample_seconds, floor=NumpyStep.name))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[32, 256, 1797])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved timing rounds (medians reported)")
    parser.add_argument("--sample-seconds", type=float, default=0.1, help="length of one timed sample")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    print(f"machine: {machine()}; numpy {np.__version__}, one BLAS thread "
          f"(OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')})")
    print(f"workload: MLP {'-'.join(map(str, SIZES))} ReLU, float64, forward + softmax cross-entropy + "
          f"backward + SGD; {args.rounds} interleaved rounds: median time, and median of each round's "
          "ratio to numpy; losses and gradients checked against numpy\n")
    per_batch = {b: run_batch(b, args.rounds, args.sample_seconds, args.seed) for b in args.batches}
    names = list(per_batch[args.batches[0]])
    rows = []
    for name in names:
        row = [name]
        for b in args.batches:
            value = per_batch[b][name]
            row += [f"{value[0]:.3f}", f"{value[1]:.2f}"] if isinstance(value, tuple) else ["-", "-"]
        rows.append(row)
    headers = ["contestant"] + [h for b in args.batches for h in (f"ms @{b}", f"x numpy @{b}")]
    print(table(headers, rows))
    skipped = [(name, note) for name, note in per_batch[args.batches[0]].items() if isinstance(note, str)]
    if skipped:
        print()  # a blank line ends the table for readers such as benchmarks.ab
    for name, note in skipped:
        print(f"skipped {name}: {note}")

    lite = RawValueStep.name
    torch_name = next((n for n in names if n.startswith("PyTorch")), None)
    print()
    for name in (lite, NNStep.name):
        if 256 in per_batch and isinstance(per_batch[256].get(name), tuple):
            ratio = per_batch[256][name][1]
            print(f"target {name} <= 1.25x numpy at batch 256: {ratio:.2f} ({'meets' if ratio <= 1.25 else 'MISSES'})")
        if 32 in per_batch and torch_name and all(isinstance(per_batch[32].get(k), tuple) for k in (name, torch_name)):
            mine, theirs = (per_batch[32][k][1] for k in (name, torch_name))
            print(f"target {name} below PyTorch's ratio at batch 32: {mine:.2f} vs {theirs:.2f} "
                  f"({'meets' if mine < theirs else 'MISSES'})")


if __name__ == "__main__":
    main()
