"""Checks for notebook 04 (section 8): backpropagation on a minibatch by hand, and counting paths to a weight.

The hand-written gradients are compared with backward() on networks of three shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite import Value

from ..losses import squared_error
from .verdict import Verdict, number, unanswered


def check_04_exercise_1(backprop_batch: Callable[..., list] | None) -> Verdict:
    """Notebook 04, exercise 1: your ``backprop_batch(thetas, biases, Xb, yb)``, the vectorized algorithm on a
    minibatch (columns are examples) for the *mean* squared error, returning the Δθ⁽ˡ⁾ list.

    Checked against ``backward()`` on networks of three shapes and batches of one, three and five examples.
    """
    exercise = "04 exercise 1 (backprop on a minibatch)"
    if (missing := unanswered(exercise, backprop_batch, "your function backprop_batch")) is not None:
        return missing
    rng = np.random.default_rng(4)
    for shape, n in (((2, 3, 2, 1), 3), ((2, 4, 1), 1), ((3, 2, 2, 1), 5)):
        thetas = [rng.normal(size=(b, a)) for a, b in zip(shape, shape[1:], strict=False)]
        biases = [rng.normal(size=b) for b in shape[1:]]
        Xb, yb = rng.uniform(0, 5, size=(n, shape[0])), rng.integers(0, 2, size=n).astype(float)
        params = [Value(t) for t in thetas]
        h = Value(Xb.T, requires_grad=False)
        for t, b in zip(params, biases, strict=True):
            h = (t @ h + b[:, None]).sigmoid()
        squared_error(h, yb[None, :]).backward()
        case = f"a {'-'.join(map(str, shape))} network on a batch of {n}"
        try:
            yours = list(backprop_batch([t.copy() for t in thetas], [b.copy() for b in biases], Xb, yb))
        except Exception as error:  # a learner's code: report whatever it raised, and for which case
            return Verdict(exercise, False, f"on {case} it raised {type(error).__name__}: {error}")
        if len(yours) != len(params):
            return Verdict(exercise, False,
                           f"on {case} it returned {len(yours)} gradients, one per θ means {len(params)}")
        for layer, (mine, p) in enumerate(zip(yours, params, strict=True), start=1):
            mine = np.asarray(mine, dtype=float)
            if mine.shape != p.shape:
                return Verdict(exercise, False,
                               f"on {case}, Δθ({layer}) has shape {mine.shape}; θ({layer}) has {p.shape}")
            if not np.allclose(mine, p.grad, rtol=1e-7, atol=1e-10):
                nonzero = p.grad != 0
                ratio = float(np.median(mine[nonzero] / p.grad[nonzero])) if np.any(nonzero) else np.nan
                hint = (f" (about {ratio:.3g} times backward's: a missing or extra factor?)"
                        if np.isfinite(ratio) else "")
                return Verdict(exercise, False, f"on {case}, Δθ({layer}) differs from backward() by up to "
                                                f"{np.abs(mine - p.grad).max():.3g}{hint}")
    return Verdict(exercise, True, "it matches backward() on three network shapes and batch sizes 1, 3 and 5")


def check_04_exercise_2(paths: Any) -> Verdict:
    """Notebook 04, exercise 2: how many paths lead from J to a first-layer weight of the 2-3-2-1 network."""
    return number("04 exercise 2 (paths to a first-layer weight)", paths, 2,
                   "the weight feeds one unit of the first hidden layer, which feeds both units of the second, which "
                   "both feed the output: 1 × 2 × 1 = 2 paths")
