"""Elementwise functions: exp, log, sqrt, abs, tanh, sigmoid, relu, clip, and dtype casts.

At kinks we follow PyTorch: relu'(0) = 0, abs'(0) = 0, and clip passes the gradient inside
its closed bounds [low, high].
"""

from __future__ import annotations

import numpy as np

from .. import functional as F
from .. import kernels as K
from ..op import Domain, op

exp = op("exp", K.exp,
         grads=lambda g, out, x: g * out,              # (e^x)' = e^x
         domain=Domain())

log = op("log", K.log,
         grads=lambda g, out, x: g / x,                # (ln x)' = 1/x
         domain=Domain(low=0.2, high=4.0))

sqrt = op("sqrt", K.sqrt,
          grads=lambda g, out, x: g / (2 * out),       # (√x)' = 1/(2√x)
          domain=Domain(low=0.2, high=4.0))

absolute = op("abs", K.absolute,
              grads=lambda g, out, x: g * K.sign(F.raw(x)),   # |x|' = sign(x), 0 at 0
              domain=Domain(avoid=(0.0,), margin=0.1))

tanh = op("tanh", K.tanh,
          grads=lambda g, out, x: g * (1 - out * out),  # tanh' = 1 - tanh²
          domain=Domain())

sigmoid = op("sigmoid", K.sigmoid,
             grads=lambda g, out, z: g * out * (1 - out),   # g'(z) = g(z)(1 - g(z)): tutorial, eq. 7
             domain=Domain(low=-5.0, high=5.0))

# relu's mask comes from its output (out > 0 exactly where z > 0): in an MLP's backward the next
# layer's weight gradient has just read that output, so it is in cache, while z is not.
relu = op("relu", K.relu,
          grads=lambda g, out, z: g * (F.raw(out) > 0),      # 1 where z > 0, else 0 (0 at z = 0)
          domain=Domain(avoid=(0.0,), margin=0.1))


def _clip_params(draw, shapes) -> dict:
    low = draw.choice([None, -1.0, -0.5])
    high = draw.choice([None, 0.5, 1.0]) if low is not None else draw.choice([0.5, 1.0])
    return {"low": low, "high": high}


clip = op("clip", K.clip,
          grads=lambda g, out, x, low, high: g * K.inside(F.raw(x), low, high),
          domain=Domain(avoid=(-1.0, -0.5, 0.5, 1.0), margin=0.05, params=_clip_params))


def _cast(x, dtype):
    dtype = np.dtype(dtype)
    return np.asarray(x, dtype=dtype) if type(x) is float else x.astype(dtype)


astype = op("astype", _cast,
            grads=lambda g, out, x, dtype: g,   # the engine casts the gradient back to x's dtype
            domain=Domain(params=lambda draw, shapes: {"dtype": "float64"}),  # float32 is tested apart
            doc="cast to another floating dtype")
