"""Elementwise functions: exp, log, sqrt, abs, tanh, sigmoid, sin, cos, relu, clip, and dtype casts.

At kinks we follow PyTorch: relu'(0) = 0, abs'(0) = 0, and clip passes the gradient inside
its closed bounds [low, high]. Masks (a comparison, a sign) are constants: no gradient flows
through them, and on symbols they print as indicators such as ``[h > 0]``.
"""

from __future__ import annotations

from .. import functional as F
from .. import kernels as K
from ..data import float_dtype
from ..op import Domain, op
from ._domains import at_zero, clip_kinks

exp = op("exp", K.exp,
         grads=lambda g, out, x: g * out,              # (e^x)' = e^x
         domain=Domain())

log = op("log", K.log,
         grads=lambda g, out, x: F.divide(g, x),       # (ln x)' = 1/x
         domain=Domain(low=0.2, high=4.0), latex=r"\log")

sqrt = op("sqrt", K.sqrt,
          grads=lambda g, out, x: F.divide(g, 2 * out),  # (√x)' = 1/(2√x)
          domain=Domain(low=0.2, high=4.0), symbol="√", latex=r"\sqrt{{0}}")

absolute = op("abs", K.absolute,
              grads=lambda g, out, x: g * F.sign(x),   # |x|' = sign(x), 0 at 0
              domain=Domain(avoid=(0.0,), margin=0.1, special=(0.0, -0.0), kinks=at_zero(0.0)),
              latex=r"\left|{0}\right|")

tanh = op("tanh", K.tanh,
          grads=lambda g, out, x: g * (1 - out * out),  # tanh' = 1 - tanh²
          domain=Domain(), latex=r"\tanh")

sigmoid = op("sigmoid", K.sigmoid,
             grads=lambda g, out, z: g * out * (1 - out),   # g'(z) = g(z)(1 - g(z)): tutorial, eq. 7
             domain=Domain(low=-5.0, high=5.0), symbol="σ", latex=r"\sigma")

# Each is the other's derivative, so their rules (and every higher derivative) close on the pair.
sin = op("sin", K.sin,
         grads=lambda g, out, x: g * F.cos(x),        # sin' = cos
         domain=Domain(), latex=r"\sin")

cos = op("cos", K.cos,
         grads=lambda g, out, x: -g * F.sin(x),       # cos' = -sin
         domain=Domain(), latex=r"\cos")

# relu's mask comes from its output (out > 0 exactly where z > 0): in an MLP's backward the next
# layer's weight gradient has just read that output, so it is in cache, while z is not.
relu = op("relu", K.relu,
          grads=lambda g, out, z: g * (out > 0),      # 1 where z > 0, else 0 (0 at z = 0)
          domain=Domain(avoid=(0.0,), margin=0.1, special=(0.0, -0.0), kinks=at_zero(0.0)))


CLIP_BOUNDS = (-1.0, -0.5, 0.5, 1.0)  # the bounds its tests draw: kept away from, and hit exactly


def _clip_params(draw, shapes) -> dict:
    low = draw.choice([None, -1.0, -0.5])
    high = draw.choice([None, 0.5, 1.0]) if low is not None else draw.choice([0.5, 1.0])
    return {"low": low, "high": high}


def _clip_args(x, low=None, high=None) -> dict:
    if low is None and high is None:
        raise ValueError("clip: give low, high or both")
    if low is not None and high is not None and low > high:
        raise ValueError(f"clip: low {low} is above high {high}")
    return {"low": low, "high": high}


clip = op("clip", K.clip,
          grads=lambda g, out, x, low, high: g * F.inside(x, low, high),
          normalize=_clip_args,
          domain=Domain(avoid=CLIP_BOUNDS, margin=0.05, params=_clip_params, special=CLIP_BOUNDS, kinks=clip_kinks))

astype = op("astype", K.cast,
            grads=lambda g, out, x, dtype: g,   # the engine casts the gradient back to x's dtype
            normalize=lambda x, dtype: {"dtype": float_dtype(dtype, "astype")},
            domain=Domain(params=lambda draw, shapes: {"dtype": "float64"}),  # float32 is tested apart
            doc="cast to another floating dtype")
