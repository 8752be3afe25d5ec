"""Functions that work alike on raw data (floats, arrays) and on Values.

Derivative rules are written with these and with plain operators, so one rule serves the fast
first-order backward (raw arrays, no graph) and ``create_graph=True`` (Values, recorded ops).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels as K
from .value import Value


def raw(x: Any) -> Any:
    """The data behind `x`: a constant for masks and shapes, which carry no gradient."""
    return x._data if isinstance(x, Value) else x


def shape(x: Any) -> tuple[int, ...]:
    return () if type(x) is float else x.shape  # arrays and Values both have .shape


def exp(x: Any) -> Any:
    if type(x) is np.ndarray:
        return np.exp(x)
    return x.exp() if isinstance(x, Value) else K.exp(x)


def log(x: Any) -> Any:
    return x.log() if isinstance(x, Value) else K.log(x)


def sigmoid(x: Any) -> Any:
    return x.sigmoid() if isinstance(x, Value) else K.sigmoid(x)


def softmax(x: Any, axis: Any = -1) -> Any:
    return x.softmax(axis) if isinstance(x, Value) else K.softmax(x, axis)


def log_softmax(x: Any, axis: Any = -1) -> Any:
    return x.log_softmax(axis) if isinstance(x, Value) else K.log_softmax(x, axis)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    if type(x) is np.ndarray:
        return K.sum(x, axis, keepdims)
    return x.sum(axis, keepdims) if isinstance(x, Value) else np.sum(x, axis=axis, keepdims=keepdims)


def reshape(x: Any, new_shape: tuple[int, ...]) -> Any:
    return np.reshape(x, new_shape) if type(x) is float else x.reshape(new_shape)  # a method on both


def transpose(x: Any, axes: tuple[int, ...] | None = None) -> Any:
    if isinstance(x, Value):
        return x.transpose(*(axes or ()))
    return x.transpose(axes)


def swap_last(x: Any) -> Any:
    """Swap the last two axes (the matrix transpose of a batch of matrices)."""
    n = x.ndim
    if n < 2:
        return x
    if n == 2:
        return x.T
    return transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def broadcast_to(x: Any, new_shape: tuple[int, ...]) -> Any:
    if isinstance(x, Value):
        return x.broadcast_to(new_shape)
    return K.broadcast_to(np.asarray(x), new_shape)


def sum_to(x: Any, new_shape: tuple[int, ...]) -> Any:
    return x.sum_to(new_shape) if isinstance(x, Value) else K.sum_to(np.asarray(x), new_shape)


def expand_reduced(g: Any, input_shape: tuple[int, ...], axis: tuple[int, ...] | None,
                   keepdims: bool) -> Any:
    """Give a reduction's output gradient back its reduced axes (size 1) so it broadcasts."""
    if keepdims:
        return g
    return reshape(g, K.kept_shape(input_shape, axis))


def where(condition: Any, a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        from .ops import where as where_op

        return where_op(condition, a, b)
    return np.where(condition, a, b)


def getitem(x: Any, index: Any) -> Any:
    return x[index]


def index_add(x: Any, index: tuple, new_shape: tuple[int, ...]) -> Any:
    """Zeros of `new_shape` with `x` added at `index` (repeats accumulate): getitem's derivative."""
    if isinstance(x, Value):
        from .ops import index_add as index_add_op

        return index_add_op(x, index, new_shape)
    return K.index_add(np.asarray(x), index, new_shape)


def astype(x: Any, dtype: Any) -> Any:
    if isinstance(x, Value):
        return x.astype(dtype)
    return np.asarray(x).astype(dtype)
