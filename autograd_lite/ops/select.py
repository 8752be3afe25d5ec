"""Ops that choose between inputs: maximum, minimum and where.

At a tie, maximum and minimum share the gradient equally between a and b (as PyTorch does):
the masks ``0.5[a > b] + 0.5[a >= b]`` are 1 where a wins, 1/2 at a tie and 0 where it loses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import kernels as K
from ..op import Domain, op
from ..value import Value, data_of
from ._domains import apart, tie_kinks

TWO_APART = Domain("broadcast", arity=2, adjust=apart, special=(0.0, -1.0), kinks=tie_kinks)

maximum = op("maximum", K.maximum,
             grads=(lambda g, out, a, b: g * (0.5 * (a > b) + 0.5 * (a >= b)),   # 1 where a is larger, 1/2 at a tie
                    lambda g, out, a, b: g * (0.5 * (b > a) + 0.5 * (b >= a))),
             domain=TWO_APART)

minimum = op("minimum", K.minimum,
             grads=(lambda g, out, a, b: g * (0.5 * (a < b) + 0.5 * (a <= b)),   # 1 where a is smaller, 1/2 at a tie
                    lambda g, out, a, b: g * (0.5 * (b < a) + 0.5 * (b <= a))),
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


def _where_args(a, b, condition) -> dict:
    cond = np.asarray(data_of(condition))
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
    return {"condition": bool(cond) if cond.ndim == 0 else cond.copy()}


where_op = op("where", _where,
              grads=(lambda g, out, a, b, condition: g * condition,         # to a where True
                     lambda g, out, a, b, condition: g * np.logical_not(condition)),  # to b where False
              normalize=_where_args, domain=Domain("broadcast", arity=2, params=_where_params))


def where(condition: Any, a: Any, b: Any) -> Value:
    """`a` where `condition` holds, else `b` (numpy's signature); `condition` is any boolean array-like."""
    return where_op(a, b, condition=condition)
