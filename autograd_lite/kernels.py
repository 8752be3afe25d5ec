"""Raw numeric kernels: forward computations on Python floats and numpy arrays, no graph.

Each kernel takes the fast `math` path for Python floats (so scalar graphs stay Python floats)
and a numerically careful numpy path for arrays: no overflow warnings at inputs of +-1000.

A Python float gives what numpy gives for a 0-d float64 array: where `math` or Python's own
arithmetic would raise (log(0), sqrt(-1), sin(inf), 1/0, 0**-1, exp(1000)), the kernel returns numpy's
inf, nan or signed zero instead, silently. The normal case stays one `math` call: the
exceptional one is handled in an ``except`` (free in CPython 3.11 until something raises).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Shape = tuple[int, ...]


def exp(x):
    if type(x) is float:
        try:
            return math.exp(x)
        except OverflowError:  # x > 709.78
            return math.inf
    return np.exp(x)


def log(x):
    if type(x) is float:
        try:
            return math.log(x)
        except ValueError:  # x <= 0 (or -inf)
            return -math.inf if x == 0.0 else math.nan
    return np.log(x)


def sqrt(x):
    if type(x) is float:
        try:
            return math.sqrt(x)  # sqrt(-0.0) is -0.0, as numpy's
        except ValueError:  # x < 0
            return math.nan
    return np.sqrt(x)


def tanh(x):
    return math.tanh(x) if type(x) is float else np.tanh(x)


def _periodic(function, x: float) -> float:
    """`function` (math.sin or math.cos) of a float; at ±inf, where math raises, numpy's nan."""
    try:
        return function(x)
    except ValueError:
        return math.nan


def sin(x):
    return _periodic(math.sin, x) if type(x) is float else np.sin(x)


def cos(x):
    return _periodic(math.cos, x) if type(x) is float else np.cos(x)


def absolute(x):
    return abs(x) if type(x) is float else np.abs(x)


def divide(a, b):
    """a / b. Two Python floats with b = ±0 give IEEE's ±inf or nan, as numpy does, where Python
    raises ZeroDivisionError. On arrays, Values and symbols it is the `/` operator itself, so rules
    may divide with it (`functional.divide`)."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0.0:
            return math.nan
        return math.copysign(math.inf, math.copysign(1.0, a) * math.copysign(1.0, b))


def power(a, b):
    """a ** b. Two Python floats give numpy's result (never complex, never an exception); on
    arrays, Values and symbols it is the `**` operator itself, so rules may use it
    (`functional.power`)."""
    if type(a) is float and type(b) is float:
        if b == 0.5:  # numpy computes x ** 0.5 as sqrt(x): sqrt(-0.0) = -0.0, sqrt(-inf) = nan
            return sqrt(a)
        try:
            return math.pow(a, b)  # never complex, unlike a ** b on floats
        except (ValueError, OverflowError):  # 0 ** -1, (-8) ** (1/3), 10 ** 400: numpy's inf or nan
            with np.errstate(all="ignore"):
                return float(np.power(a, b))
    return a ** b


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
        return 0.0 if z <= 0.0 else z  # nan stays nan, and -0.0 gives 0.0, as np.maximum(z, 0)
    return np.maximum(z, 0)


# At a tie of 0.0 and -0.0 numpy's float64 loops (SIMD maxpd/minpd on x86) return their second
# operand; the float versions below do the same, so both paths give the same signed zero.
def maximum(a, b):
    """numpy's maximum: nan wins, and a tie gives `b`."""
    if type(a) is float and type(b) is float:
        return a if a > b or a != a else b
    return np.maximum(a, b)


def minimum(a, b):
    """numpy's minimum: nan wins, and a tie gives `b`."""
    if type(a) is float and type(b) is float:
        return a if a < b or a != a else b
    return np.minimum(a, b)


def clip(x, low, high):
    """numpy's clip: nan stays nan. With one bound it is maximum(x, low) or minimum(x, high) (a
    tie gives the bound); with both, min(high, max(low, x)) (a tie keeps x)."""
    if type(x) is float:
        if high is None:
            return x if x > low or x != x else float(low)
        if low is None:
            return x if x < high or x != x else float(high)
        if x < low:
            return float(low)
        return float(high) if x > high else x
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


_NUMBERS = (float, int, np.floating, np.integer, np.bool_)  # what a rule may return besides an array


def fit_grad(contribution: Any, like: Any, op: Any = None, argnum: int | None = None) -> Any:
    """Shape a raw gradient contribution like the data of the input it is for.

    The one helper for broadcasting's gradient: a contribution shaped like the input broadcast
    (an elementwise op's output, when the input was broadcast into it) has the broadcast axes
    summed away, so a rule never has to; it is cast to the input's dtype, and a Python-float
    input gets a Python float. Anything else (None, less than the input, another shape) is a
    wrong rule: `misfit_error` names the op and input number (`op`, `argnum`) and both shapes.
    """
    if type(contribution) is not np.ndarray:
        if not isinstance(contribution, _NUMBERS) or type(like) is not float and like.shape:
            raise misfit_error(contribution, like, op, argnum)  # a number fits a float or a 0-d input only
        return float(contribution) if type(like) is float else np.asarray(contribution, dtype=like.dtype)
    if contribution.dtype.kind not in "fiub":
        raise misfit_error(contribution, like, op, argnum)
    if type(like) is float:  # every shape is a float broadcast
        return float(np.add.reduce(contribution, axis=None))
    if contribution.shape != like.shape:
        shape = contribution.shape
        if shape[len(shape) - like.ndim:] != like.shape and not reduces_to(shape, like.shape):
            raise misfit_error(contribution, like, op, argnum)
        contribution = sum_to(contribution, like.shape)
    if contribution.dtype != like.dtype:
        contribution = contribution.astype(like.dtype)
    return contribution


def misfit_error(contribution: Any, like: Any, op: Any = None, argnum: int | None = None) -> Exception:
    """The error for a rule's result that cannot be fitted to its input: names the op (an Op or a
    name), the input number, what the rule returned and the input's shape, and says what fits."""
    rule = "a derivative rule" if op is None else f"{getattr(op, 'name', op)}: the derivative rule"
    if argnum is not None:
        rule += f" for input {argnum}"
    kind = type(contribution)
    if contribution is None:
        got = "None"
    elif kind in (float, int, bool):
        got = f"a Python {kind.__name__}"
    elif kind is np.ndarray:
        got = f"an array of shape {contribution.shape} and dtype {contribution.dtype}"
    elif hasattr(contribution, "_op"):  # a Value: a first-order backward hands rules raw data only
        got = (f"a Value of shape {contribution.shape} (is it one the rule closes over? read it with .data, "
               "or pass it to the op as an input)")
    elif hasattr(contribution, "shape"):  # a numpy scalar
        got = f"a {kind.__name__} of shape {contribution.shape}"
    else:
        got = f"a {kind.__name__}"
    target = "a Python float input" if type(like) is float else f"an input of shape {like.shape}"
    message = (f"{rule} returned {got} for {target}. A rule returns g times d(out)/d(input): an array shaped "
               "like the input, or like the input broadcast (e.g. the op's output when the input was broadcast "
               "into it), which the engine sums back; a number only for a Python-float or 0-d input")
    numeric = isinstance(contribution, _NUMBERS) or kind is np.ndarray and contribution.dtype.kind in "fiub"
    return ValueError(message) if numeric else TypeError(message)


def reduces_to(shape: Shape, target: Shape) -> bool:
    """True when `shape` is `target` broadcast (so summing axes gets back to `target`)."""
    lead = len(shape) - len(target)
    if lead < 0:
        return False
    if shape[lead:] == target:  # only leading axes added (a bias): no loop
        return True
    for have, want in zip(shape[lead:], target, strict=True):
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
    """-1, 0 or 1, and nan at nan, as numpy's (0 at ±0: the derivative of |x| at its kink is taken
    as 0, as in PyTorch)."""
    if type(x) is float:
        return 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0 if x == 0.0 else x
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
