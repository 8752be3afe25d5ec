"""Shape ops: reshape, transpose, broadcast_to, sum_to, getitem, index_add, concatenate.

They come in pairs whose derivatives are each other: broadcast_to and sum_to, getitem and
index_add, reshape and reshape back, transpose and the inverse permutation.
"""

from __future__ import annotations

import numpy as np

from .. import functional as F
from .. import kernels as K
from ..op import Domain, op


def _reshape_params(draw, shapes) -> dict:
    size = int(np.prod(shapes[0]))
    factors = [d for d in range(1, size + 1) if size % d == 0]
    first = draw.choice(factors)
    return {"shape": draw.choice([(size,), (first, size // first), (first, -1), (1, size, 1)])}


reshape = op("reshape", lambda x, shape: np.reshape(x, shape),
             grads=lambda g, out, x, shape: F.reshape(g, F.shape(x)),
             domain=Domain(params=_reshape_params))


def _transpose_params(draw, shapes) -> dict:
    axes = list(range(len(shapes[0])))
    for i in range(len(axes) - 1, 0, -1):  # a drawn permutation (Fisher-Yates)
        j = draw.integer(0, i)
        axes[i], axes[j] = axes[j], axes[i]
    return {"axes": tuple(axes)}


transpose = op("transpose", lambda x, axes: np.transpose(x, axes),
               grads=lambda g, out, x, axes: F.transpose(g, tuple(np.argsort(axes))),
               domain=Domain(params=_transpose_params))


def _broadcast_params(draw, shapes) -> dict:
    shape = shapes[0]
    grown = tuple(n if n != 1 else draw.integer(1, 3) for n in shape)
    return {"shape": (draw.integer(1, 3),) * draw.integer(0, 1) + grown}


broadcast_to = op("broadcast_to", lambda x, shape: np.broadcast_to(x, shape),
                  grads=lambda g, out, x, shape: F.sum_to(g, F.shape(x)),
                  domain=Domain(params=_broadcast_params))


def _sum_to(x, shape):
    if shape is None:  # to a Python float: a float input's share of an array gradient
        return float(np.sum(x))
    return K.sum_to(np.asarray(x), shape)


def _sum_to_params(draw, shapes) -> dict:
    shape = shapes[0]
    kept = tuple(1 if draw.boolean() else n for n in shape)
    return {"shape": kept[draw.integer(0, len(kept)):]}


sum_to = op("sum_to", _sum_to,
            grads=lambda g, out, x, shape: F.broadcast_to(g, F.shape(x)),
            domain=Domain(params=_sum_to_params))


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
             domain=Domain(lambda draw: (draw.shape(1, 3),), params=_index_params))


def _index_add_params(draw, shapes) -> dict:
    return {"index": _index_params(draw, shapes)["index"], "shape": shapes[0]}


def _indexed_input(arrays, params):
    """index_add's input must be shaped like target[index]: refill the drawn values to fit."""
    indexed = np.empty(params["shape"])[params["index"]].shape
    return (np.resize(np.asarray(arrays[0], dtype=np.float64), indexed),)


index_add = op("index_add", lambda x, index, shape: K.index_add(np.asarray(x), index, shape),
               grads=lambda g, out, x, index, shape: F.getitem(g, index),
               domain=Domain(lambda draw: (draw.shape(1, 3),), params=_index_add_params,
                              adjust=_indexed_input))


def _concatenate_grad(g, out, *inputs, axis, argnum):
    sizes = [F.shape(x)[axis] for x in inputs]
    start = int(np.sum(sizes[:argnum]))
    return F.getitem(g, (slice(None),) * axis + (slice(start, start + sizes[argnum]),))


def _check_concatenate(*arrays, axis) -> None:
    shapes = [np.shape(a) for a in arrays]
    if not arrays:
        raise ValueError("concatenate: needs at least one Value")
    first = shapes[0]
    for s in shapes:
        if len(s) != len(first) or s[:axis] + s[axis + 1:] != first[:axis] + first[axis + 1:]:
            raise ValueError(f"concatenate: shapes {shapes} differ outside axis {axis}")


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


concatenate = op("concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis),
                 grads=_concatenate_grad, variadic=True, check=_check_concatenate,
                 domain=Domain(_concatenate_shapes, params=_concatenate_params))
