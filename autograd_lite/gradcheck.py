"""Numerical differentiation (tutorial section 9): central differences, and a gradient checker.

(f(x + eps) - f(x - eps)) / (2 eps) is accurate to O(eps²), where the one-sided difference of
the tutorial's first formula is only O(eps): at x³, x = 2, eps = 0.001 they give 12.000001
and 12.006001.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .data import as_data
from .engine import grad
from .value import Value


class GradcheckError(AssertionError):
    """The analytical gradient of some input element disagrees with central differences."""


def first_mismatch(analytical: Any, numerical: Any, atol: float, rtol: float) -> tuple[int, ...] | None:
    """The index of the first element where |analytical - numerical| > atol + rtol·|numerical|, or None."""
    a, n = np.asarray(analytical, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
    bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
    return tuple(int(k) for k in np.argwhere(bad)[0]) if np.any(bad) else None


def _leaf(x: Any, requires_grad: bool) -> Value:
    label = x.label if isinstance(x, Value) else None
    return Value(x.data if isinstance(x, Value) else as_data(x, where="numerical_grad input"),
                 requires_grad=requires_grad, label=label)


def _evaluate(f: Callable[..., Value], values: list[Value]) -> float:
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"numerical_grad: f must return a Value, got {type(out).__name__}")
    if out.size != 1:
        raise ValueError(f"numerical_grad: f must return one number, got shape {out.shape}")
    return out.item()


def numerical_grad(f: Callable[..., Value], *inputs: Any, eps: float = 1e-6) -> tuple[Any, ...]:
    """Central-difference gradient of the scalar `f(*inputs)` for each input, shaped like it.

    Each element is nudged by ±eps in the input's own dtype, so float32 inputs show float32's
    error. Costs two evaluations of `f` per element.
    """
    # leaves require grad so that an `f` which differentiates internally (grad of a grad) works
    values = [_leaf(x, requires_grad=True) for x in inputs]
    results = []
    for value in values:
        original = value.data
        if type(original) is float:
            value.data = original + eps
            up = _evaluate(f, values)
            value.data = original - eps
            down = _evaluate(f, values)
            value.data = original
            results.append((up - down) / (2 * eps))
            continue
        flat = original.copy().reshape(-1)
        out = np.empty(flat.shape, dtype=original.dtype)
        step = original.dtype.type(eps)
        for j in range(flat.size):
            saved = flat[j]
            flat[j] = saved + step
            value.data = flat.reshape(original.shape)
            up = _evaluate(f, values)
            flat[j] = saved - step
            down = _evaluate(f, values)
            flat[j] = saved
            out[j] = (up - down) / (2 * eps)
        value.data = original
        results.append(out.reshape(original.shape))
    return tuple(results)


def gradcheck(f: Callable[..., Value], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3) -> bool:
    """True when backprop's gradient of `f(*inputs)` matches central differences everywhere.

    Otherwise raises GradcheckError naming the input, the element index, and both values.
    Warns for inputs that are not float64, whose rounding error swamps small eps.
    """
    values = [_leaf(x, requires_grad=True) for x in inputs]
    for i, v in enumerate(values):
        if v.dtype != np.float64:
            warnings.warn(f"gradcheck: input {i} is {v.dtype}, not float64; "
                          "central differences will be inaccurate", stacklevel=2)
    out = f(*values)
    if not isinstance(out, Value) or out.size != 1:
        raise ValueError("gradcheck: f must return a Value holding one number")
    analytical = grad(out, values)
    numerical = numerical_grad(f, *values, eps=eps)
    for i, (a, n) in enumerate(zip(analytical, numerical, strict=True)):
        where = first_mismatch(a, n, atol, rtol)
        if where is not None:
            a_arr, n_arr = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
            name = f"input {i}" + (f" ({values[i].label})" if values[i].label else "")
            raise GradcheckError(
                f"gradcheck: {name}, element {where}: analytical {a_arr[where]:.8g} "
                f"but numerical {n_arr[where]:.8g} (eps={eps}, atol={atol}, rtol={rtol})"
            )
    return True
