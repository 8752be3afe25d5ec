"""Shape ops: reshape, transpose, broadcast_to, sum_to, getitem, index_add, concatenate (and stack).

They come in pairs whose derivatives are each other: broadcast_to and sum_to, getitem and
index_add, reshape and reshape back, transpose and the inverse permutation. Each normalizes its
own shape, axes or index, so ``get_op("reshape")(x, shape=[2, -1])`` works as ``x.reshape(2, -1)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import Any

import numpy as np

from .. import functional as F
from .. import kernels as K
from ..op import Domain, op
from ..value import Value
from . import arguments


# ----- reshape ---------------------------------------------------------------------------------------------
def _reshape_args(x, shape) -> dict:
    new = arguments.shape(shape, "reshape")
    old = F.shape(x)
    try:
        np.empty(old, dtype=bool).reshape(new)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape shape {old} ({int(np.prod(old))} elements) into {new}") from None
    return {"shape": new}


def _reshape_params(draw, shapes) -> dict:
    size = int(np.prod(shapes[0]))
    factors = [d for d in range(1, size + 1) if size % d == 0]
    first = draw.choice(factors)
    return {"shape": draw.choice([(size,), (first, size // first), (first, -1), (1, size, 1)])}


reshape = op("reshape", lambda x, shape: np.reshape(x, shape),
             grads=lambda g, out, x, shape: F.reshape(g, F.shape(x)),
             normalize=_reshape_args, domain=Domain(params=_reshape_params))


# ----- transpose -------------------------------------------------------------------------------------------
def _transpose_args(x, axes=None) -> dict:
    ndim = len(F.shape(x))
    if axes is None:
        return {"axes": tuple(range(ndim))[::-1]}
    order = arguments.shape(axes, "transpose")
    if len(order) != ndim or sorted(a % ndim if ndim else a for a in order) != list(range(ndim)):
        raise ValueError(f"transpose: axes {order} are not a permutation of the {ndim} axes of shape "
                         f"{F.shape(x)}")
    return {"axes": tuple(a % ndim for a in order)}


def _transpose_params(draw, shapes) -> dict:
    axes = list(range(len(shapes[0])))
    for i in range(len(axes) - 1, 0, -1):  # a drawn permutation (Fisher-Yates)
        j = draw.integer(0, i)
        axes[i], axes[j] = axes[j], axes[i]
    return {"axes": tuple(axes)}


transpose = op("transpose", lambda x, axes: np.transpose(x, axes),
               grads=lambda g, out, x, axes: F.transpose(g, tuple(np.argsort(axes))),
               normalize=_transpose_args, domain=Domain(params=_transpose_params))


# ----- broadcast_to and sum_to -----------------------------------------------------------------------------
def _broadcast_args(x, shape) -> dict:
    new, old = arguments.shape(shape, "broadcast_to"), F.shape(x)
    try:
        if len(new) < len(old) or np.broadcast_shapes(old, new) != new:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {old} to {new}") from None
    return {"shape": new}


def _broadcast_params(draw, shapes) -> dict:
    shape = shapes[0]
    grown = tuple(n if n != 1 else draw.integer(1, 3) for n in shape)
    return {"shape": (draw.integer(1, 3),) * draw.integer(0, 1) + grown}


broadcast_to = op("broadcast_to", lambda x, shape: np.broadcast_to(x, shape),
                  grads=lambda g, out, x, shape: F.sum_to(g, F.shape(x)),
                  normalize=_broadcast_args, domain=Domain(params=_broadcast_params))


def _sum_to(x, shape):
    if shape is None:  # to a Python float: a float input's share of an array gradient
        return float(np.sum(x))
    return K.sum_to(np.asarray(x), shape)


def _sum_to_args(x, shape) -> dict:
    """`shape` a tuple, or None for a Python float (a float input's share of an array gradient)."""
    if shape is None:
        return {"shape": None}
    new, old = arguments.shape(shape, "sum_to"), F.shape(x)
    try:
        if np.broadcast_shapes(old, new) != old:
            raise ValueError
    except ValueError:
        raise ValueError(f"sum_to: shape {old} does not broadcast from {new}") from None
    return {"shape": new}


def _sum_to_params(draw, shapes) -> dict:
    shape = shapes[0]
    kept = tuple(1 if draw.boolean() else n for n in shape)
    return {"shape": kept[draw.integer(0, len(kept)):]}


sum_to = op("sum_to", _sum_to,
            grads=lambda g, out, x, shape: F.broadcast_to(g, F.shape(x)),
            normalize=_sum_to_args, domain=Domain(params=_sum_to_params))


# ----- getitem and index_add -------------------------------------------------------------------------------
def _index_params(draw, shapes) -> dict:
    shape = shapes[0]
    index = []
    length = draw.integer(1, 4)  # advanced indices broadcast together: one length for all
    for n in shape:
        kind = draw.choice(["slice", "int", "array", "all"])
        if kind == "slice":
            start = draw.integer(0, n - 1)
            index.append(slice(start, draw.integer(start + 1, n), draw.integer(1, 2)))
        elif kind == "int":
            index.append(draw.integer(-n, n - 1))
        elif kind == "array":  # repeats allowed: their gradients must add up
            index.append(np.array([draw.integer(0, n - 1) for _ in range(length)]))
        else:
            index.append(slice(None))
    if draw.boolean():
        index.insert(draw.integer(0, len(index)), None)
    if index and draw.boolean():
        index = [Ellipsis] + index[1:]
    return {"index": tuple(index)}


getitem = op("getitem", lambda x, index: x[index],
             grads=lambda g, out, x, index: F.index_add(g, index, F.shape(x)),
             normalize=lambda x, index: {"index": arguments.index(index, x)},
             domain=Domain(lambda draw: (draw.shape(1, 3),), params=_index_params))


def _index_add_args(x, index, shape) -> dict:
    target = arguments.shape(shape, "index_add")
    return {"index": arguments.index(index, np.empty(0), "index_add"), "shape": target}


def _index_add_params(draw, shapes) -> dict:
    return {"index": _index_params(draw, shapes)["index"], "shape": shapes[0]}


def _indexed_input(arrays, params):
    """index_add's input must be shaped like target[index]: refill the drawn values to fit."""
    indexed = np.empty(params["shape"])[params["index"]].shape
    return (np.resize(np.asarray(arrays[0], dtype=np.float64), indexed),)


index_add = op("index_add", lambda x, index, shape: K.index_add(np.asarray(x), index, shape),
               grads=lambda g, out, x, index, shape: F.getitem(g, index),
               normalize=_index_add_args,
               domain=Domain(lambda draw: (draw.shape(1, 3),), params=_index_add_params,
                              adjust=_indexed_input),
               doc="zeros of `shape` with x added at `index` (repeated indices accumulate)")


# ----- concatenate and stack -------------------------------------------------------------------------------
# The rule runs once per input (``argnum``). Where each input lies along the axis is worked out once, in
# normalize, and kept in the params as `bounds`, so one call costs the same whether 3 or 16,000 Values
# are joined (summing the sizes before ``argnum`` on every call made the backward quadratic:
# benchmarks/concat_many.py). The rule reads neither the inputs nor their number.
def _concatenate_grad(g, out, inputs, *, axis, bounds, argnum):
    """The slice of g that input `argnum` filled: from bounds[argnum] up to bounds[argnum + 1] along `axis`."""
    index = [slice(None)] * len(F.shape(out))  # a shape: read on symbols, the rule is tensor-only
    index[axis] = slice(bounds[argnum], bounds[argnum + 1])
    return F.getitem(g, tuple(index))


def _concatenate_args(*arrays, axis=0, bounds=None) -> dict:
    """`axis` as a non-negative int, and `bounds`: input i fills bounds[i]:bounds[i + 1] along it."""
    if not arrays:
        raise ValueError("concatenate: needs at least one Value")
    shapes = [F.shape(a) for a in arrays]
    first = shapes[0]
    if not first:
        raise ValueError("concatenate: zero-dimensional Values cannot be concatenated; use stack")
    (axis,) = arguments.axes(axis, len(first), "concatenate")
    others = first[:axis] + first[axis + 1:]
    for s in shapes:
        if len(s) != len(first) or s[:axis] + s[axis + 1:] != others:
            raise ValueError(f"concatenate: shapes {shapes} differ outside axis {axis}")
    found = tuple(accumulate((s[axis] for s in shapes), initial=0))
    if bounds is not None and (not isinstance(bounds, (tuple, list)) or tuple(bounds) != found):
        raise ValueError(f"concatenate: bounds {bounds!r} do not match where the inputs lie along axis {axis}, "
                         f"{found}; leave bounds out, they are computed from the inputs")
    return {"axis": axis, "bounds": found}


def _concatenate_shapes(draw):
    base = list(draw.shape(1, 3))
    axis = draw.integer(0, len(base) - 1)
    shapes = []
    for _ in range(draw.integer(1, 3)):
        base[axis] = draw.integer(1, 3)
        shapes.append(tuple(base))
    return tuple(shapes)


def _concatenate_params(draw, shapes) -> dict:
    first = shapes[0]
    axes = [i for i in range(len(first)) if all(s[:i] + s[i + 1:] == first[:i] + first[i + 1:] for s in shapes)]
    return {"axis": draw.choice(axes)}


concatenate_op = op("concatenate", lambda *xs, axis, bounds: np.concatenate(xs, axis=axis),
                    grads=_concatenate_grad, variadic=True, normalize=_concatenate_args,
                    domain=Domain(_concatenate_shapes, params=_concatenate_params))


def concatenate(values: Sequence[Any], axis: int = 0) -> Value:
    """Join Values along an existing axis (numpy's signature: a sequence, then the axis)."""
    return concatenate_op(*values, axis=axis)


def stack(values: Sequence[Any], axis: int = 0) -> Value:
    """Join Values along a new axis: a reshape of each, then one concatenate."""
    if not values:
        raise ValueError("stack: needs at least one Value")
    shapes = [F.shape(v.data if isinstance(v, Value) else np.asarray(v)) for v in values]
    if any(s != shapes[0] for s in shapes):
        raise ValueError(f"stack: all Values need one shape, got {shapes}")
    (axis,) = arguments.axes(axis, len(shapes[0]) + 1, "stack")
    grown = shapes[0][:axis] + (1,) + shapes[0][axis:]
    return concatenate_op(*[reshape(v, shape=grown) for v in values], axis=axis)
