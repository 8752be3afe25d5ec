"""The built-in ops, and the functions users call: they check and normalize arguments
(axes, shapes, indices) so that every op receives them in one canonical form.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..value import Value, lift
from . import arithmetic, elementwise, reductions, select
from . import shape as shape_ops

add, sub, mul, div, neg, power, matmul = (arithmetic.add, arithmetic.sub, arithmetic.mul,
                                         arithmetic.div, arithmetic.neg, arithmetic.power,
                                         arithmetic.matmul)
exp, log, sqrt, absolute, tanh, sigmoid, relu = (elementwise.exp, elementwise.log,
                                                 elementwise.sqrt, elementwise.absolute,
                                                 elementwise.tanh, elementwise.sigmoid,
                                                 elementwise.relu)
maximum, minimum = select.maximum, select.minimum
index_add_op = shape_ops.index_add


def normalize_axis(axis: Any, ndim: int, where: str) -> tuple[int, ...] | None:
    """None, or a sorted tuple of distinct non-negative axes; refuses anything else by name."""
    if axis is None:
        return None
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in items:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{where}: axis must be None, an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{where}: axis {int(a)} is out of range for a Value with {ndim} dimension(s)")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{where}: axis {axis!r} repeats an axis")
    return tuple(sorted(out))


def _reduce(op_: Any, x: Any, axis: Any, keepdims: bool) -> Value:
    x = lift(x)
    if axis is not None:
        axis = normalize_axis(axis, x.ndim, op_.name)
    return op_(x, axis=axis, keepdims=bool(keepdims))


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Value:  # noqa: A001
    return _reduce(reductions.sum, x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Value:
    return _reduce(reductions.mean, x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Value:  # noqa: A001
    return _reduce(reductions.max, x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Value:  # noqa: A001
    return _reduce(reductions.min, x, axis, keepdims)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Value:
    return _reduce(reductions.logsumexp, x, axis, keepdims)


def _softmax_like(op_: Any, x: Any, axis: Any) -> Value:
    x = lift(x)
    if x.ndim == 0:
        raise ValueError(f"{op_.name}: needs a Value with at least one dimension, got a scalar")
    if axis is None:
        raise TypeError(f"{op_.name}: axis must be an int or a tuple of ints, not None")
    return op_(x, axis=normalize_axis(axis, x.ndim, op_.name))


def softmax(x: Any, axis: Any = -1) -> Value:
    return _softmax_like(reductions.softmax, x, axis)


def log_softmax(x: Any, axis: Any = -1) -> Value:
    return _softmax_like(reductions.log_softmax, x, axis)


def clip(x: Any, low: float | None = None, high: float | None = None) -> Value:
    if low is None and high is None:
        raise ValueError("clip: give low, high or both")
    if low is not None and high is not None and low > high:
        raise ValueError(f"clip: low {low} is above high {high}")
    return elementwise.clip(x, low=low, high=high)


def astype(x: Any, dtype: Any) -> Value:
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"astype: only floating dtypes are supported, got {dtype}")
    return elementwise.astype(x, dtype=dtype)


def _shape_arg(shape: tuple, where: str) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"{where}: shape must be ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def reshape(x: Any, *shape: Any) -> Value:
    x = lift(x)
    new = _shape_arg(shape, "reshape")
    try:
        np.empty(x.shape, dtype=bool).reshape(new)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape shape {x.shape} ({x.size} elements) into {new}") from None
    return shape_ops.reshape(x, shape=new)


def transpose(x: Any, *axes: Any) -> Value:
    x = lift(x)
    if not axes:
        order = tuple(range(x.ndim))[::-1]
    else:
        order = _shape_arg(axes, "transpose")
        if sorted(a % x.ndim if x.ndim else a for a in order) != list(range(x.ndim)) or len(order) != x.ndim:
            raise ValueError(f"transpose: axes {order} are not a permutation of the {x.ndim} axes of shape {x.shape}")
        order = tuple(a % x.ndim for a in order)
    return shape_ops.transpose(x, axes=order)


def broadcast_to(x: Any, shape: Sequence[int]) -> Value:
    x = lift(x)
    new = _shape_arg(tuple(shape), "broadcast_to")
    try:
        np.broadcast_shapes(x.shape, new)
        if len(new) < x.ndim or np.broadcast_shapes(x.shape, new) != new:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {new}") from None
    return shape_ops.broadcast_to(x, shape=new)


def sum_to(x: Any, shape: Sequence[int] | None) -> Value:
    """Sum over broadcast axes down to `shape` (None: to a Python float)."""
    x = lift(x)
    if shape is not None:
        shape = _shape_arg(tuple(shape), "sum_to")
        try:
            if np.broadcast_shapes(x.shape, shape) != x.shape:
                raise ValueError
        except ValueError:
            raise ValueError(f"sum_to: shape {x.shape} does not broadcast from {shape}") from None
    return shape_ops.sum_to(x, shape=shape)


def _normalize_index(index: Any, x: Value) -> tuple:
    if x.ndim == 0 and type(x.data) is float:
        raise TypeError("getitem: a Value holding a single float cannot be indexed")
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for item in items:
        if isinstance(item, Value):
            item = item.data
        if isinstance(item, (list, np.ndarray)):
            array = np.asarray(item)
            if array.dtype.kind == "f" and np.all(array == np.round(array)):
                array = array.astype(np.intp)
            if array.dtype.kind not in "iub":
                raise IndexError(f"getitem: index arrays must hold integers or booleans, got dtype {array.dtype}")
            out.append(array.copy())
        elif item is None or item is Ellipsis or isinstance(item, slice):
            out.append(item)
        elif isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            out.append(int(item))
        else:
            raise IndexError(f"getitem: unsupported index {item!r} (use ints, slices, None, ..., or int/bool arrays)")
    return tuple(out)


def getitem(x: Any, index: Any) -> Value:
    x = lift(x)
    return shape_ops.getitem(x, index=_normalize_index(index, x))


def index_add(x: Any, index: Any, shape: Sequence[int]) -> Value:
    """Zeros of `shape` with `x` added at `index` (repeated indices accumulate)."""
    target = _shape_arg(tuple(shape), "index_add")
    return shape_ops.index_add(x, index=_normalize_index(index, Value(np.empty(target))), shape=target)


def concatenate(values: Sequence[Any], axis: int = 0) -> Value:
    values = [lift(v) for v in values]
    if not values:
        raise ValueError("concatenate: needs at least one Value")
    if values[0].ndim == 0:
        raise ValueError("concatenate: zero-dimensional Values cannot be concatenated; use stack")
    (axis,) = normalize_axis(axis, values[0].ndim, "concatenate")
    return shape_ops.concatenate(*values, axis=axis)


def stack(values: Sequence[Any], axis: int = 0) -> Value:
    """Join Values along a new axis (a reshape of each, then one concatenate)."""
    values = [lift(v) for v in values]
    if not values:
        raise ValueError("stack: needs at least one Value")
    first = values[0].shape
    for v in values:
        if v.shape != first:
            raise ValueError(f"stack: all Values need one shape, got {[v.shape for v in values]}")
    (axis,) = normalize_axis(axis, len(first) + 1, "stack")
    grown = first[:axis] + (1,) + first[axis:]
    return shape_ops.concatenate(*[reshape(v, grown) for v in values], axis=axis)


def where(condition: Any, a: Any, b: Any) -> Value:
    """`a` where `condition` holds, else `b`; `condition` is any boolean array-like (no gradient)."""
    cond = condition.data if isinstance(condition, Value) else condition
    cond = np.asarray(cond)
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
    if cond.ndim == 0:
        cond = builtins.bool(cond)
    return select.where(a, b, condition=cond if isinstance(cond, builtins.bool) else cond.copy())
