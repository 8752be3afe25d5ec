"""Functions that work alike on raw data, on Values and on symbols: the language rules are written in.

Each function runs its numeric kernel on raw floats and arrays (the fast first-order backward)
and applies the registered op to Values (``create_graph=True``) and to symbols (formulas), so one
rule written with these and with operators has all three readings. Masks (`sign`, `inside`,
`mask`, and comparisons of Values) are constants: they carry no gradient.

On two Python floats, `divide` and `power` give numpy's inf or nan where Python's `/` and `**`
would raise (or, for `**`, turn complex): a rule that divides or raises to a power with them
follows IEEE on the float path as on arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import kernels as K
from . import symbols
from .op import get_op
from .value import Value, data_of

_TRACED = (Value, symbols.Expr)  # not raw data: apply the op instead of the kernel
_EXPR = symbols.Expr


def raw(x: Any) -> Any:
    """The data behind `x`: a constant for masks and shapes, which carry no gradient."""
    return data_of(x)


def shape(x: Any) -> tuple[int, ...]:
    return () if type(x) is float else x.shape  # arrays and Values both have .shape


def exp(x: Any) -> Any:
    if type(x) is np.ndarray:  # the common case in a tensor backward (softmax-like rules)
        return np.exp(x)
    return get_op("exp")(x) if isinstance(x, _TRACED) else K.exp(x)


def log(x: Any) -> Any:
    return get_op("log")(x) if isinstance(x, _TRACED) else K.log(x)


def sin(x: Any) -> Any:
    return get_op("sin")(x) if isinstance(x, _TRACED) else K.sin(x)


def cos(x: Any) -> Any:
    return get_op("cos")(x) if isinstance(x, _TRACED) else K.cos(x)


#: a / b and a ** b: the kernels themselves (the operators, but for two Python floats), with no
#: wrapper around them, since rules call them in every float backward
divide = K.divide
power = K.power


def sigmoid(x: Any) -> Any:
    return get_op("sigmoid")(x) if isinstance(x, _TRACED) else K.sigmoid(x)


def softmax(x: Any, axis: Any = -1) -> Any:
    return get_op("softmax")(x, axis=axis) if isinstance(x, _TRACED) else K.softmax(x, axis)


def log_softmax(x: Any, axis: Any = -1) -> Any:
    return get_op("log_softmax")(x, axis=axis) if isinstance(x, _TRACED) else K.log_softmax(x, axis)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    if type(x) is np.ndarray:
        return K.sum(x, axis, keepdims)
    if isinstance(x, _TRACED):
        return get_op("sum")(x, axis=axis, keepdims=keepdims)
    if type(x) is float and not axis and not keepdims:  # a float is its own sum, and stays a float
        return x
    return np.sum(x, axis=axis, keepdims=keepdims)


def reshape(x: Any, new_shape: tuple[int, ...]) -> Any:
    if isinstance(x, Value) and x.shape == new_shape:  # nothing to do (and a float Value stays a float)
        return x
    if isinstance(x, _TRACED):
        return get_op("reshape")(x, shape=new_shape)
    if type(x) is float:  # a float stays a float (as the float path's arithmetic needs) unless it grows axes
        return x if new_shape == () else np.reshape(x, new_shape)
    return x.reshape(new_shape)


def transpose(x: Any, axes: tuple[int, ...] | None = None) -> Any:
    return get_op("transpose")(x, axes=axes) if isinstance(x, _TRACED) else x.transpose(axes)


def swap_last(x: Any) -> Any:
    """Swap the last two axes (the matrix transpose of a batch of matrices)."""
    n = x.ndim
    if n < 2:
        return x
    if n == 2:
        return x.T
    return transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def broadcast_to(x: Any, new_shape: tuple[int, ...]) -> Any:
    if isinstance(x, _TRACED):
        return get_op("broadcast_to")(x, shape=new_shape)
    return K.broadcast_to(np.asarray(x), new_shape)


def sum_to(x: Any, new_shape: tuple[int, ...]) -> Any:
    if isinstance(x, _TRACED):
        return get_op("sum_to")(x, shape=new_shape)
    return K.sum_to(np.asarray(x), new_shape)


def expand_reduced(g: Any, input_shape: tuple[int, ...], axis: tuple[int, ...] | None,
                   keepdims: bool) -> Any:
    """Give a reduction's output gradient back its reduced axes (size 1) so it broadcasts."""
    if keepdims:
        return g
    return reshape(g, K.kept_shape(input_shape, axis))


def where(condition: Any, a: Any, b: Any) -> Any:
    if isinstance(a, _TRACED) or isinstance(b, _TRACED):
        return get_op("where")(a, b, condition=condition)
    return np.where(condition, a, b)


def mask(test: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """``test(data of a, data of b)``: a constant boolean mask computed from a rule's two inputs
    (no gradient flows through it), such as where an exact zero needs the rule's guard.

    On formulas it is False: a symbol stands for a general point, where no such guard applies,
    so the rule prints as the textbook derivative.
    """
    if type(a) is not float:  # (two inputs spelled out: this runs in float backward, where calls cost)
        if isinstance(a, Value):
            a = a._data
        elif isinstance(a, _EXPR):
            return False
    if type(b) is not float:
        if isinstance(b, Value):
            b = b._data
        elif isinstance(b, _EXPR):
            return False
    return test(a, b)


def getitem(x: Any, index: Any) -> Any:
    return get_op("getitem")(x, index=index) if isinstance(x, _TRACED) else x[index]


def index_add(x: Any, index: tuple, new_shape: tuple[int, ...]) -> Any:
    """Zeros of `new_shape` with `x` added at `index` (repeats accumulate): getitem's derivative."""
    if isinstance(x, _TRACED):
        return get_op("index_add")(x, index=index, shape=new_shape)
    return K.index_add(np.asarray(x), index, new_shape)


def astype(x: Any, dtype: Any) -> Any:
    return get_op("astype")(x, dtype=dtype) if isinstance(x, _TRACED) else np.asarray(x).astype(dtype)


def sign(x: Any) -> Any:
    """-1, 0 or 1 (0 at 0), as a constant mask: the derivative of |x|."""
    if isinstance(x, symbols.Expr):
        return symbols.sign(x)
    return K.sign(data_of(x))


def inside(x: Any, low: float | None, high: float | None) -> Any:
    """1 where low <= x <= high (None: unbounded), else 0, as a constant mask: where clip passes gradient."""
    if isinstance(x, symbols.Expr):
        mask = symbols.ONE
        if low is not None:
            mask = mask * (x >= low)
        if high is not None:
            mask = mask * (x <= high)
        return mask
    return K.inside(data_of(x), low, high)
