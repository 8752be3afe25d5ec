"""Primitives that `nn` adds through autograd_lite's public op door (`autograd_lite.op`).

`affine(x, W, b) = x @ W + b` as one op: one node per layer in the graph instead of two, and
the bias added in place, so the x @ W product is never kept as a separate array.
"""

from __future__ import annotations

import numpy as np

import autograd_lite as al
from autograd_lite import functional as F


def _affine(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """x @ W + b. A compiled program passes `out`, an array of the result's shape kept between runs."""
    out = x @ weight if out is None else np.matmul(x, weight, out=out)
    out += bias  # out is the result's own array: adding in place saves a copy of the activations
    return out


def _affine_shapes(draw) -> tuple:
    n, nin, nout = draw.integer(1, 4), draw.integer(1, 4), draw.integer(1, 4)
    return (n, nin), (nin, nout), (nout,)


def _check_affine(x, weight, bias) -> None:
    sx, sw, sb = F.shape(x), F.shape(weight), F.shape(bias)
    if len(sx) != 2 or len(sw) != 2 or sx[1] != sw[0] or sb != (sw[1],):
        raise ValueError(f"affine: expected x (n, k), W (k, m), b (m,); got shapes {sx}, {sw}, {sb}")


affine = al.op(
    "affine",
    forward=_affine,
    grads=(lambda g, out, x, weight, bias: g @ F.swap_last(weight),   # dJ/dx = G Wᵀ
           lambda g, out, x, weight, bias: F.swap_last(x) @ g,        # dJ/dW = xᵀ G (tutorial: Δθ = δ hᵀ)
           lambda g, out, x, weight, bias: g),                        # dJ/db = G, summed over the batch
    domain=al.Domain(_affine_shapes, arity=3),
    check=_check_affine,
    doc="x @ W + b for a batch x of shape (n, k)",
)


def _cross_entropy(logits: np.ndarray, labels: np.ndarray, reduction: str) -> tuple[np.ndarray, np.ndarray]:
    """The loss, and the log-probabilities it was computed from, kept for the rule (saves=True).

    Worked out classes first, in a transposed copy of the logits that is then updated in place:
    over a few classes (ten digits) the max and the sum are a handful of whole-row operations
    instead of one short reduction per example. benchmarks/compiled's batch-32 digits step pays
    for it: the loss's forward and backward took about 11 µs, against 14 µs through
    `functional.log_softmax` along the rows.
    """
    log_probs = logits.T.copy()                                             # (classes, n), always a copy of our own
    log_probs -= np.maximum.reduce(log_probs, axis=0)                       # shifted by each row's max: stable
    log_probs -= np.log(np.add.reduce(np.exp(log_probs), axis=0))           # log softmax
    total = -np.add.reduce(log_probs[labels, np.arange(len(labels))])       # Σ -log softmax(z)[y]
    return (total / len(labels) if reduction == "mean" else total), log_probs


def _cross_entropy_grad(g, out, logits, labels, reduction, saved=None):
    """d/dz of -log softmax(z)[y] is softmax(z) - onehot(y): the tutorial's δ at the output."""
    n = len(labels)
    rows = np.arange(n)
    if saved is not None:  # first order: softmax is exp of the forward's log-probabilities (classes first)
        delta = np.exp(saved)
        delta[labels, rows] -= 1.0
        delta *= float(g) / n if reduction == "mean" else float(g)  # (g: the one-number loss's gradient)
        return np.ascontiguousarray(delta.T)
    scale = g / n if reduction == "mean" else g
    onehot = np.zeros(F.shape(logits), dtype=logits.dtype)  # on Values: softmax recorded, to differentiate again
    onehot[rows, labels] = 1.0
    return scale * (F.softmax(logits, 1) - onehot)


def _cross_entropy_params(draw, shapes) -> dict:
    n, classes = shapes[0]
    return {"labels": np.array([draw.integer(0, classes - 1) for _ in range(n)]),
            "reduction": draw.choice(["mean", "sum"])}


softmax_cross_entropy = al.op(
    "softmax_cross_entropy",
    forward=_cross_entropy,
    grads=_cross_entropy_grad,
    saves=True,
    domain=al.Domain(lambda draw: ((draw.integer(1, 4), draw.integer(2, 5)),), params=_cross_entropy_params),
    doc="mean (or sum) over rows of -log softmax(logits)[row, label], computed in one stable step",
)
