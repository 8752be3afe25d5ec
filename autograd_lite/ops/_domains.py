"""Shape and parameter drawers shared by the built-in ops' test domains, and their special points.

A drawer receives `draw` (see `autograd_lite.op.Domain`) and returns shapes or params; the
test suite backs `draw` with hypothesis. The `kinks` functions state an op's derivative at the
special points where central differences cannot check it.
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


# ----- special points and the derivatives stated at them (see Domain.special and Domain.kinks) ----------
def at_zero(stated: float):
    """`kinks` for a one-input op with a kink at 0 whose derivative there is `stated`."""
    return lambda x: ((x == 0, stated),)


def clip_kinks(x, low=None, high=None):
    """clip passes the gradient at its bounds (closed, as PyTorch): d(out)/dx = 1 there."""
    at_bound = np.zeros(np.shape(x), dtype=bool)
    for bound in (low, high):
        if bound is not None:
            at_bound |= np.asarray(x) == bound
    return ((at_bound, 1.0),)


def tie_kinks(a, b):
    """maximum and minimum give half the gradient to each input at a tie."""
    tie = np.asarray(a) == np.asarray(b)
    return ((tie, 0.5), (tie, 0.5))


#: zero bases with the integer exponents at which a^b is a polynomial in a, and integer exponents
#: (negative ones too) of ordinary bases
POWER_POINTS = ((0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (0.0, 3.0),
                (None, 0.0), (None, 1.0), (None, 2.0), (None, 3.0), (None, -1.0), (None, -2.0))


def power_kinks(a, b):
    """At a = 0 central differences cannot check a^b: 0^b jumps at b = 0, d(a^b)/db = a^b ln a does
    not exist for a < 0, and a^b is not differentiable in a unless b is 0 or at least 1. The
    derivatives stated there are PyTorch's: in a, b·0^(b-1) with 0 at b = 0; in b, 0 for b >= 0
    (0^b is flat) and -inf (= ∞·ln 0) for b < 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    zero_base = a == 0
    in_base = np.select([b == 0, b == 1, b > 1, b > 0], [0.0, 1.0, 0.0, np.inf], -np.inf)
    in_exponent = np.where(b >= 0, 0.0, -np.inf)
    return ((zero_base, in_base), (zero_base, in_exponent))
