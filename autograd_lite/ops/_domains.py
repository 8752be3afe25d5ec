"""Shape and parameter drawers shared by the built-in ops' test domains.

A drawer receives `draw` (see `autograd_lite.op.Domain`) and returns shapes or params; the
test suite backs `draw` with hypothesis.
"""

from __future__ import annotations

import numpy as np


def axis_params(draw, shapes, *, keepdims: bool = True) -> dict:
    """An `axis` (None or a normalized tuple) for the first input, and keepdims when it applies."""
    ndim = len(shapes[0])
    if ndim == 0 or draw.boolean():
        axis = None
    else:
        axis = tuple(i for i in range(ndim) if draw.boolean()) or (draw.integer(0, ndim - 1),)
    params = {"axis": axis}
    if keepdims:
        params["keepdims"] = draw.boolean()
    return params


def nonempty_axis_params(draw, shapes) -> dict:
    """An axis tuple (never None) for softmax-like ops, over an input of at least one dimension."""
    ndim = len(shapes[0])
    return {"axis": tuple(i for i in range(ndim) if draw.boolean()) or (draw.integer(0, ndim - 1),)}


def at_least_1d(draw) -> tuple:
    return (draw.shape(1, 3),)


def distinct(arrays, params):
    """Spread the first input's values out so that no two are within 0.1 (no ties for max/min)."""
    x = arrays[0]
    flat = np.asarray(x, dtype=np.float64).ravel()
    ranks = np.argsort(np.argsort(flat))
    spread = (ranks - flat.size / 2) * 0.2 + 0.05 * np.tanh(flat)
    return (spread.reshape(np.shape(x)),) + tuple(arrays[1:])


def apart(arrays, params):
    """Put a's values in [n, n + 0.2] and b's in [m + 0.5, m + 0.7]: never within 0.3 (no ties)."""
    a, b = (np.asarray(x, dtype=np.float64) for x in arrays)
    a = np.floor(a) + 0.2 * (a - np.floor(a))
    b = np.floor(b) + 0.5 + 0.2 * (b - np.floor(b))
    return a, b
