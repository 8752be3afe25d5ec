"""Loss functions: squared error (the tutorial's J with reduction="sum"), cross-entropies, the L2 penalty.

Every loss averages by default (``reduction="mean"``); "sum" adds them up, "none" returns them
unreduced. Targets may be Values, arrays, lists or numbers. A prediction and its target must have the
same shape: (n, 1) against (n,) is an error here, never numpy's silent broadcast to (n, n).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

import autograd_lite as al
from autograd_lite import Value

from .primitives import softmax_cross_entropy

_REDUCTIONS = ("sum", "mean", "none")


def _prediction(pred: Any, where: str) -> Value:
    if isinstance(pred, Value):
        return pred
    if isinstance(pred, (list, tuple)) and pred and all(isinstance(p, Value) for p in pred):
        return al.stack(pred)  # a ScalarMLP layer's outputs
    return Value(pred, requires_grad=False)


def _target(target: Any, pred: Value, where: str) -> Any:
    """The target as raw data (or a Value) of exactly the prediction's shape and dtype."""
    if isinstance(target, Value):
        data = target
        shape = target.shape
    else:
        array = np.asarray(target)
        if array.dtype.kind not in "fiub":
            raise TypeError(f"{where}: target must be numeric, got dtype {array.dtype}")
        shape = array.shape
        data = float(array) if pred.ndim == 0 and type(pred.data) is float and array.ndim == 0 \
            else array.astype(pred.dtype, copy=False)
    if shape != pred.shape:
        hint = ""
        if len(shape) + 1 == len(pred.shape) and pred.shape[-1] == 1:
            hint = " (for a one-output model use target[:, None])"
        elif len(pred.shape) + 1 == len(shape) and shape[-1] == 1:
            hint = " (squeeze the target's last axis, or give the prediction one)"
        raise ValueError(f"{where}: prediction has shape {pred.shape} but target has shape {shape}; "
                         f"they must match exactly{hint}")
    return data


def _reduce(losses: Value, reduction: str, where: str) -> Value:
    if reduction == "sum":
        return losses.sum() if losses.ndim else losses
    if reduction == "mean":
        return losses.mean() if losses.ndim else losses
    if reduction == "none":
        return losses
    raise ValueError(f"{where}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def squared_error(pred: Any, target: Any, reduction: str = "mean") -> Value:
    """(h(x⁽ⁱ⁾) − y⁽ⁱ⁾)² per entry, averaged by default like every loss here.

    ``reduction="sum"`` is the tutorial's objective J = Σᵢ (h(x⁽ⁱ⁾) − y⁽ⁱ⁾)² (section 4); the
    default "mean" is J divided by the number of entries, so a batch's loss, and the size of
    its gradient, do not grow with the batch. For one example the two are the same number.
    """
    pred = _prediction(pred, "squared_error")
    diff = pred - _target(target, pred, "squared_error")
    return _reduce(diff * diff, reduction, "squared_error")


def binary_cross_entropy(prob: Any, target: Any, reduction: str = "mean", eps: float | None = None) -> Value:
    """−[y log p + (1 − y) log(1 − p)] for probabilities p (e.g. a sigmoid's output).

    p is clipped to [eps, 1 − eps] (eps = 1e-12 in float64, 1e-6 in float32) so a saturated
    unit gives a large finite loss, not infinity. Prefer `binary_cross_entropy_with_logits`.
    """
    prob = _prediction(prob, "binary_cross_entropy")
    y = _target(target, prob, "binary_cross_entropy")
    if eps is None:
        eps = 1e-12 if prob.dtype == np.float64 else 1e-6
    p = prob.clip(eps, 1.0 - eps)
    losses = -(y * p.log() + (1.0 - y) * (1.0 - p).log())
    return _reduce(losses, reduction, "binary_cross_entropy")


def softplus(z: Value) -> Value:
    """log(1 + exp(z)) without overflow: max(z, 0) + log(1 + exp(−|z|)).

    −|z| is written as where(z > 0, −z, z) so that the derivative at z = 0 comes out as the
    true 1/2 (|z|'s kink would otherwise give 0 there).
    """
    negative_abs = al.where(z > 0, -z, z)
    return z.relu() + (negative_abs.exp() + 1.0).log()


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Value:
    """Binary cross-entropy of sigmoid(z) against y, computed stably from the logit z.

    −[y log g(z) + (1 − y) log(1 − g(z))] = softplus(z) − y·z, finite for any z.
    """
    z = _prediction(logits, "binary_cross_entropy_with_logits")
    y = _target(target, z, "binary_cross_entropy_with_logits")
    return _reduce(softplus(z) - y * z, reduction, "binary_cross_entropy_with_logits")


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Value:
    """Softmax cross-entropy: −log softmax(logits)[i, yᵢ], from class indices yᵢ of shape (n,).

    Computed in one stable primitive (`nn.primitives.softmax_cross_entropy`: shifted by the row
    maximum; gradient softmax − onehot), or as log_softmax and a pick for reduction="none".
    `logits` has shape (n, classes).
    """
    logits = _prediction(logits, "cross_entropy")
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (n, classes), got {logits.shape}")
    n, classes = logits.shape
    labels = target.numpy() if isinstance(target, Value) else np.asarray(target)
    if labels.shape != (n,):
        raise ValueError(f"cross_entropy: target must hold one class index per row, shape ({n},); "
                         f"got shape {labels.shape}")
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.intp)
        else:
            raise TypeError(f"cross_entropy: target must be integer class indices, got dtype {labels.dtype}")
    if n and (np.minimum.reduce(labels) < 0 or np.maximum.reduce(labels) >= classes):
        raise ValueError(f"cross_entropy: class indices must lie in [0, {classes}), "
                         f"got values from {labels.min()} to {labels.max()}")
    if reduction in ("mean", "sum"):  # one fused, stable node; its gradient is softmax - onehot
        return softmax_cross_entropy(logits, labels=labels.copy(), reduction=reduction)  # the graph keeps its own
    if reduction == "none":
        return -logits.log_softmax(axis=1)[np.arange(n), labels]
    raise ValueError(f"cross_entropy: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def l2_penalty(parameters: Iterable[Value]) -> Value:
    """‖θ‖₂² = Σ θ², summed over the given parameters (section 16: minimise J + λ‖θ‖²).

    Pass only the weights to leave the biases unpenalised, e.g.
    ``[p for name, p in model.named_parameters() if name.endswith("weight")]``.
    """
    total = None
    for p in parameters:
        term = (p * p).sum() if p.ndim else p * p
        total = term if total is None else total + term
    if total is None:
        raise ValueError("l2_penalty: got no parameters")
    return total


LOSSES = {"squared_error": squared_error, "binary_cross_entropy": binary_cross_entropy,
          "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits, "cross_entropy": cross_entropy}
