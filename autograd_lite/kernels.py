"""Raw numeric kernels: forward computations on Python floats and numpy arrays, no graph.

Each kernel takes the fast `math` path for Python floats (so scalar graphs stay Python floats)
and a numerically careful numpy path for arrays: no overflow warnings at inputs of +-1000.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Shape = tuple[int, ...]


def exp(x):
    return math.exp(x) if type(x) is float else np.exp(x)


def log(x):
    return math.log(x) if type(x) is float else np.log(x)


def sqrt(x):
    return math.sqrt(x) if type(x) is float else np.sqrt(x)


def tanh(x):
    return math.tanh(x) if type(x) is float else np.tanh(x)


def absolute(x):
    return abs(x) if type(x) is float else np.abs(x)


def power(a, b):
    if type(a) is float and type(b) is float:
        return math.pow(a, b)  # raises on a negative base with a fractional exponent, never complex
    return np.power(a, b)


def sigmoid(z):
    """1 / (1 + exp(-z)), computed from exp(-|z|) so that it never overflows."""
    if type(z) is float:
        if z >= 0.0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def relu(z):
    if type(z) is float:
        return z if z > 0.0 else 0.0
    return np.maximum(z, 0)


def clip(x, low, high):
    if type(x) is float:
        if low is not None and x < low:
            return float(low)
        if high is not None and x > high:
            return float(high)
        return x
    return np.clip(x, low, high)


def _is_last_axis(axis, ndim: int) -> bool:
    return axis == (ndim - 1,) or axis == ndim - 1 or axis == -1 or axis == (-1,)


_ONES: dict[tuple[int, str], np.ndarray] = {}


def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of n ones, kept for reuse: sums below are products with it."""
    key = (n, dtype.char)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) >= 64:
            _ONES.clear()
        ones = _ONES[key] = np.ones(n, dtype)
        ones.flags.writeable = False
    return ones


def sum(x: np.ndarray, axis=None, keepdims: bool = False) -> np.ndarray:  # noqa: A001
    """`x.sum(axis, keepdims)`. Over the last axis of a float array it is a product with ones:
    numpy's reduction walks that axis row by row (slow for short rows, e.g. 10 classes), BLAS
    does not. Long rows keep numpy's pairwise summation, which loses less precision."""
    if x.ndim > 1 and x.shape[-1] <= 1024 and x.dtype.kind == "f" and _is_last_axis(axis, x.ndim):
        total = x @ _ones(x.shape[-1], x.dtype)
        return total[..., None] if keepdims else total
    return np.add.reduce(x, axis=axis, keepdims=keepdims)


def _finite_max(x: np.ndarray, axis) -> np.ndarray:
    """The max over `axis` with keepdims, replaced by 0 where it is infinite (all -inf rows)."""
    m = np.maximum.reduce(x, axis=axis, keepdims=True)  # the ufunc itself: no Python wrapper
    if not math.isfinite(np.add.reduce(m, axis=None)):  # one sum finds any inf or nan
        m = np.where(np.isfinite(m), m, 0)
    return m


def _reduction_layout(x: np.ndarray, axis) -> tuple[np.ndarray, Any, Shape | None]:
    """`(array, axis, shape)` to reduce in: a short last axis (say 10 classes) moved first in a
    contiguous copy, with the original shape to restore, else `x` itself and None.

    numpy reduces and broadcasts along a short last axis row by row, which is slow for many
    rows; along the first axis every step is one operation on whole rows.
    """
    if x.ndim > 1 and x.shape[-1] <= 32 and _is_last_axis(axis, x.ndim):
        return np.ascontiguousarray(x.reshape(-1, x.shape[-1]).T), 0, x.shape
    return x, axis, None


def _restore(t: np.ndarray, shape: Shape | None) -> np.ndarray:
    return t if shape is None else np.ascontiguousarray(t.T).reshape(shape)


def logsumexp(x: np.ndarray, axis=None, keepdims: bool = False) -> np.ndarray:
    """log(sum(exp(x))) shifted by the max so that exp never overflows."""
    t, along, shape = _reduction_layout(x, axis)
    m = _finite_max(t, along)
    out = np.log(sum(np.exp(t - m), along, keepdims=True)) + m
    if shape is not None:
        out = out.reshape(shape[:-1] + (1,))
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(x: np.ndarray, axis=-1) -> np.ndarray:
    t, along, shape = _reduction_layout(x, axis)
    out = t - _finite_max(t, along)
    out -= np.log(sum(np.exp(out), along, keepdims=True))
    return _restore(out, shape)


def softmax(x: np.ndarray, axis=-1) -> np.ndarray:
    t, along, shape = _reduction_layout(x, axis)
    out = np.exp(t - _finite_max(t, along))
    out /= sum(out, along, keepdims=True)
    return _restore(out, shape)


def fit_grad(contribution: Any, like: Any) -> Any:
    """Shape a raw gradient contribution like the data of the input it is for.

    The one helper for broadcasting's gradient: it sums away broadcast axes (a rule never has
    to), casts to the input's dtype, and gives a Python float for a Python-float input.
    """
    if type(like) is float:
        return contribution if type(contribution) is float else float(np.sum(contribution))
    if type(contribution) is not np.ndarray:
        contribution = np.asarray(contribution, dtype=like.dtype)
    if contribution.shape != like.shape:
        if contribution.shape[contribution.ndim - like.ndim:] != like.shape and not _reduces_to(
                contribution.shape, like.shape):  # a rule gave less than the broadcast shape
            contribution = np.broadcast_to(contribution, np.broadcast_shapes(contribution.shape, like.shape))
        contribution = sum_to(contribution, like.shape)
    if contribution.dtype != like.dtype:
        contribution = contribution.astype(like.dtype)
    return contribution


def _reduces_to(shape: Shape, target: Shape) -> bool:
    """True when `shape` is `target` broadcast (so summing axes gets back to `target`)."""
    if len(shape) < len(target):
        return False
    for have, want in zip(shape[len(shape) - len(target):], target, strict=True):
        if have != want and want != 1:
            return False
    return True


def sum_to(x: np.ndarray, shape: Shape) -> np.ndarray:
    """Sum a broadcast array back down to `shape`: the one helper that undoes broadcasting."""
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    if x.shape[lead:] == shape:  # the common case, e.g. a bias: only leading axes were added
        columns = math.prod(shape)
        if columns and x.dtype.kind == "f" and x.flags.c_contiguous:
            rows = x if lead == 1 and x.ndim == 2 else x.reshape(-1, columns)  # a view: x is contiguous
            if rows.shape[0] <= 4096:  # column sums by BLAS, 2-3x faster than numpy's reduction
                summed = _ones(rows.shape[0], x.dtype) @ rows
                return summed if summed.shape == shape else summed.reshape(shape)
        summed = x.sum(axis=tuple(range(lead)))
        return summed if shape else np.asarray(summed)  # numpy returns a scalar from a full sum
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1
    )
    summed = x.sum(axis=axes, keepdims=True) if axes else x
    return summed.reshape(shape)


SMALL = 1 << 16  # elements: below this, filling a new array beats numpy's broadcast view


def broadcast_to(x: np.ndarray, shape: Shape) -> np.ndarray:
    """`x` broadcast to `shape`: a filled array when small (cheaper), a read-only view when large."""
    if x.shape == shape:
        return x
    size = 1
    for n in shape:
        size *= n
    if size > SMALL:
        return np.broadcast_to(x, shape)
    out = np.empty(shape, dtype=x.dtype)
    out[...] = x
    return out


def cast(x, dtype: np.dtype):
    """`x` as an array of `dtype` (a Python float becomes a 0-d array)."""
    return np.asarray(x, dtype=dtype) if type(x) is float else x.astype(dtype)


def has_advanced_index(index: tuple) -> bool:
    """True when a (normalized) index uses integer or boolean arrays (numpy advanced indexing)."""
    return any(isinstance(i, np.ndarray) for i in index)


def index_add(x: np.ndarray, index: tuple, shape: Shape) -> np.ndarray:
    """A zero array of `shape` with `x` added at `index`; repeated indices accumulate."""
    out = np.zeros(shape, dtype=x.dtype)
    if has_advanced_index(index):
        np.add.at(out, index, x)
    else:
        out[index] = x
    return out


def kept_shape(shape: Shape, axis: tuple[int, ...] | None) -> Shape:
    """The shape a reduction over `axis` has with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def sign(x):
    """-1, 0 or 1 (0 at 0: the derivative of |x| at its kink is taken as 0, as in PyTorch)."""
    if type(x) is float:
        return float((x > 0.0) - (x < 0.0))
    return np.sign(x)


def inside(x, low, high):
    """Where low <= x <= high (bounds included; None means unbounded): where clip passes gradient."""
    if type(x) is float:
        return (low is None or x >= low) and (high is None or x <= high)
    mask = np.ones(x.shape, dtype=bool)
    if low is not None:
        mask &= x >= low
    if high is not None:
        mask &= x <= high
    return mask
