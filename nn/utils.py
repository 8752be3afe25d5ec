"""Gradient clipping between ``backward()`` and ``optimizer.step()``, under PyTorch's names.

`clip_grad_norm_` rescales all gradients together so their joint norm is at most `max_norm`;
`clip_grad_value_` clamps each entry. Both replace each ``p.grad`` with a new array (the step
reads the clipped one), skip parameters without a gradient, and count a shared parameter once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from autograd_lite import Value

from .module import Module

__all__ = ["clip_grad_norm_", "clip_grad_value_"]

# Added to the total norm before dividing, as PyTorch does: a norm just above max_norm is
# scaled to just below it, and the two libraries clip the same gradients to the same numbers.
_EPS = 1e-6


def _with_grads(parameters: Value | Iterable[Value], where: str) -> list[tuple[int, Value]]:
    """(position, Value) for the distinct Values among `parameters` that have a gradient, in order."""
    if isinstance(parameters, Module):
        raise TypeError(f"{where}: got a {type(parameters).__name__} module; pass its parameters: "
                        f"{where}(model.parameters(), ...)")
    if isinstance(parameters, Value):
        parameters = [parameters]
    found: list[tuple[int, Value]] = []
    seen: set[int] = set()
    for i, p in enumerate(parameters):
        if not isinstance(p, Value):
            raise TypeError(f"{where}: parameter {i} is a {type(p).__name__}, not a Value")
        if p.has_grad and id(p) not in seen:
            seen.add(id(p))
            found.append((i, p))
    return found


def _nonnegative(number: float, name: str, where: str) -> float:
    number = float(number)
    if not number >= 0:  # also refuses nan
        raise ValueError(f"{where}: {name} must be a number >= 0, got {number!r}")
    return number


def _norm(grad: float | np.ndarray, norm_type: float) -> float:
    """The `norm_type`-norm of one gradient, all its entries taken as one vector."""
    if type(grad) is float:
        return abs(grad)
    return float(np.linalg.norm(grad.reshape(-1), ord=norm_type)) if grad.size else 0.0


def clip_grad_norm_(parameters: Value | Iterable[Value], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = True) -> float:
    """Scale all gradients by one factor so that their joint norm is at most `max_norm`.

    The norm is taken over every entry of every gradient as one long vector (`norm_type` is p of
    the p-norm, ``float("inf")`` for the largest magnitude). When it exceeds `max_norm` each
    gradient is multiplied by ``max_norm / (norm + 1e-6)``; otherwise they are left as they are.
    Returns the norm before clipping, a float (0.0 when no parameter has a gradient).

    A non-finite norm (a gradient holding inf or nan, or a sum that overflows) cannot be
    clipped to anything meaningful: PyTorch's default would turn every gradient into zeros and
    nans. Here it raises FloatingPointError, naming the parameters; with
    ``error_if_nonfinite=False`` the gradients are left untouched and the norm is returned, so
    the caller can skip that step (``if math.isfinite(norm): opt.step()``).
    """
    where = "clip_grad_norm_"
    max_norm = _nonnegative(max_norm, "max_norm", where)
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"{where}: norm_type must be > 0 (2.0 for the Euclidean norm, inf for the largest "
                         f"magnitude), got {norm_type!r}")
    params = _with_grads(parameters, where)
    if not params:
        return 0.0
    norms = np.array([_norm(p.grad, norm_type) for _, p in params])
    total = float(norms.max() if math.isinf(norm_type) else np.linalg.norm(norms, ord=norm_type))
    if not math.isfinite(total):
        if error_if_nonfinite:
            bad = [f"{i} (shape {p.shape})" for i, p in params if not np.all(np.isfinite(p.grad))]
            culprit = (f"inf or nan in the gradient of parameter {', '.join(bad)}" if bad
                       else "finite gradients whose norm overflows")
            raise FloatingPointError(
                f"{where}: the total {norm_type:g}-norm of the gradients is {total}, from {culprit}; nothing was "
                "clipped. Lower the learning rate or look for the op that overflowed (autograd_lite.detect_anomaly), "
                "or pass error_if_nonfinite=False to get the norm back and skip the step yourself")
        return total
    scale = max_norm / (total + _EPS)
    if scale < 1.0:
        for _, p in params:
            p.grad = p.grad * scale  # a new array: the old one may be shared with the caller
    return total


def clip_grad_value_(parameters: Value | Iterable[Value], clip_value: float) -> None:
    """Clamp every gradient entry into [−clip_value, clip_value] (nan entries stay nan)."""
    where = "clip_grad_value_"
    clip_value = _nonnegative(clip_value, "clip_value", where)
    for _, p in _with_grads(parameters, where):
        grad = p.grad
        if type(grad) is float:
            p.grad = min(max(grad, -clip_value), clip_value)  # grad first: a nan stays nan
        else:
            p.grad = np.clip(grad, -clip_value, clip_value)  # a new array, never a write into the old
