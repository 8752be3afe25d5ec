"""Ops that choose between inputs: maximum, minimum and where.

At a tie, maximum and minimum share the gradient equally between a and b (as PyTorch does).
"""

from __future__ import annotations

import operator

import numpy as np

from .. import functional as F
from ..op import Domain, op
from ._domains import apart


def _winner_share(a, b, wins):
    """1 where `a` wins against `b`, 1/2 at a tie, 0 where it loses (a constant mask)."""
    a, b = F.raw(a), F.raw(b)
    return wins(a, b) + 0.5 * (a == b)


def _maximum(a, b):
    if type(a) is float and type(b) is float:
        return a if a >= b else b
    return np.maximum(a, b)


def _minimum(a, b):
    if type(a) is float and type(b) is float:
        return a if a <= b else b
    return np.minimum(a, b)


TWO_APART = Domain("broadcast", arity=2, adjust=apart)

maximum = op("maximum", _maximum,
             grads=(lambda g, out, a, b: g * _winner_share(a, b, operator.gt),
                    lambda g, out, a, b: g * _winner_share(b, a, operator.gt)),
             domain=TWO_APART)

minimum = op("minimum", _minimum,
             grads=(lambda g, out, a, b: g * _winner_share(a, b, operator.lt),
                    lambda g, out, a, b: g * _winner_share(b, a, operator.lt)),
             domain=TWO_APART)


def _where(a, b, condition):
    if type(a) is float and type(b) is float and np.ndim(condition) == 0:
        return a if condition else b
    return np.where(condition, a, b)


def _where_params(draw, shapes) -> dict:
    full = np.broadcast_shapes(*shapes)
    cut = draw.integer(0, len(full))
    return {"condition": np.array([draw.boolean() for _ in range(int(np.prod(full[cut:])))],
                                  dtype=bool).reshape(full[cut:])}


where = op("where", _where,
           grads=(lambda g, out, a, b, condition: F.where(condition, g, 0.0),   # to a where True
                  lambda g, out, a, b, condition: F.where(condition, 0.0, g)),  # to b where False
           domain=Domain("broadcast", arity=2, params=_where_params))
