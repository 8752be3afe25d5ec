"""Arithmetic: + - * / ** @ and negation, with numpy broadcasting.

Each rule returns the upstream gradient `g` times the local derivative; the engine sums a
broadcast input's gradient back to its shape, so no rule here has to. Their formulas are the
operators themselves, so ``a + b`` on symbols prints as ``a + b``.
"""

from __future__ import annotations

import operator

import numpy as np

from .. import functional as F
from .. import kernels as K
from ..op import Domain, op

BINARY = Domain("broadcast", arity=2)

add = op("add", operator.add,
         grads=(lambda g, out, a, b: g,        # d(a + b)/da = 1
                lambda g, out, a, b: g),       # d(a + b)/db = 1
         domain=BINARY, formula=operator.add, doc="a + b")

sub = op("sub", operator.sub,
         grads=(lambda g, out, a, b: g,        # d(a - b)/da = 1
                lambda g, out, a, b: -g),      # d(a - b)/db = -1
         domain=BINARY, formula=operator.sub, doc="a - b")

mul = op("mul", operator.mul,
         grads=(lambda g, out, a, b: g * b,    # d(ab)/da = b
                lambda g, out, a, b: g * a),   # d(ab)/db = a
         domain=BINARY, formula=operator.mul, doc="a * b")

div = op("div", operator.truediv,
         grads=(lambda g, out, a, b: g / b,             # d(a/b)/da = 1/b
                lambda g, out, a, b: -g * out / b),     # d(a/b)/db = -a/b² = -out/b
         domain=Domain("broadcast", arity=2, avoid=(0.0,), margin=0.5), formula=operator.truediv, doc="a / b")

neg = op("neg", operator.neg,
         grads=lambda g, out, a: -g,
         domain=Domain(), formula=operator.neg, doc="-a")

power = op("power", K.power,
           grads=(lambda g, out, a, b: g * b * a ** (b - 1),   # d(a^b)/da = b a^(b-1)
                  lambda g, out, a, b: g * out * F.log(a)),    # d(a^b)/db = a^b ln a
           domain=Domain("broadcast", arity=2, low=((0.3, 2.5), (-2.0, 2.0))), formula=operator.pow,
           doc="a ** b (a > 0 when b is a non-integer)")


def _insert_axis(x, axis: int):
    shape = F.shape(x)
    axis = axis % (len(shape) + 1)
    return F.reshape(x, shape[:axis] + (1,) + shape[axis:])


def _drop_axis(x, axis: int):
    shape = F.shape(x)
    axis = axis % len(shape)
    return F.reshape(x, shape[:axis] + shape[axis + 1:])


def _matmul_grad_a(g, out, a, b):
    a_nd, b_nd = a.ndim, b.ndim   # arrays and Values both have .ndim
    if a_nd == 1 and b_nd == 1:                    # dot product: d(a·b)/da = b
        return g * b
    if b_nd == 1:                                  # (..., n, k) @ (k,) -> (..., n)
        return _insert_axis(g, -1) * b             # outer product g bᵀ, row by row
    grad = (g if a_nd > 1 else _insert_axis(g, -2)) @ F.swap_last(b)   # G Bᵀ
    return grad if a_nd > 1 else _drop_axis(grad, -2)


def _matmul_grad_b(g, out, a, b):
    a_nd, b_nd = a.ndim, b.ndim   # arrays and Values both have .ndim
    if a_nd == 1 and b_nd == 1:
        return g * a
    if a_nd == 1:                                  # (k,) @ (..., k, m) -> (..., m)
        return _insert_axis(a, -1) * _insert_axis(g, -2)     # outer product a gᵀ
    if b_nd == 1:                                  # (..., n, k) @ (k,) -> (..., n)
        return _drop_axis(F.swap_last(a) @ _insert_axis(g, -1), -1)   # Aᵀ g, batch by batch
    return F.swap_last(a) @ g                      # Aᵀ G


def _check_matmul(a, b) -> None:
    sa, sb = getattr(a, "shape", ()), getattr(b, "shape", ())  # a Python float has no shape
    if not sa or not sb:
        raise ValueError(f"matmul: both operands need at least one dimension, got shapes {sa} and {sb} "
                         "(use * for scalars)")
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        raise ValueError(f"matmul: shapes {sa} and {sb} do not line up ({ka} columns against {kb} rows)")
    if len(sa) <= 2 and len(sb) <= 2:
        return
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise ValueError(f"matmul: the batch dimensions of shapes {sa} and {sb} do not broadcast") from None


def _matmul_shapes(draw):
    n, k, m = draw.integer(1, 4), draw.integer(1, 4), draw.integer(1, 4)
    case = draw.choice(["vv", "mv", "vm", "mm", "batched"])
    if case == "vv":
        return (k,), (k,)
    if case == "mv":
        return (n, k), (k,)
    if case == "vm":
        return (k,), (k, m)
    if case == "mm":
        return (n, k), (k, m)
    batch = draw.integer(1, 3)
    return draw.choice([((batch, n, k), (k, m)), ((n, k), (batch, k, m)),
                        ((batch, 1, n, k), (2, k, m)), ((batch, n, k), (k,))])


matmul = op("matmul", np.matmul,
            grads=(_matmul_grad_a,   # dJ/dA = G Bᵀ  (tutorial section 8: Δθ = δ hᵀ)
                   _matmul_grad_b),  # dJ/dB = Aᵀ G
            domain=Domain(_matmul_shapes, arity=2), normalize=_check_matmul, symbol="matmul",
            doc="a @ b with numpy's matmul rules (1-D, 2-D, batched)")
