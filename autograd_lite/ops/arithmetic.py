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
from ._domains import POWER_POINTS, power_kinks

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

div = op("div", K.divide,
         grads=(lambda g, out, a, b: F.divide(g, b),             # d(a/b)/da = 1/b
                lambda g, out, a, b: F.divide(-g * out, b)),     # d(a/b)/db = -a/b² = -out/b
         domain=Domain("broadcast", arity=2, avoid=(0.0,), margin=0.5), formula=operator.truediv, doc="a / b")

neg = op("neg", operator.neg,
         grads=lambda g, out, a: -g,
         domain=Domain(), formula=operator.neg, doc="-a")


# Powers at exact zeros (relu outputs, one-hot inputs) follow PyTorch. Where a textbook formula
# reads 0·∞, its rule adds 1 (a constant mask, True) to the input that is harmless there: the
# formula then gives the limit, 0, and so do the rule's own derivatives (create_graph).
def _both_zero(a, b):
    """a = b = 0: a^0 = 1 is flat in a, though b·a^(b-1) reads 0·0⁻¹ = 0·∞."""
    if type(b) is float:  # the usual x ** 2: a plain False, so the exponent stays a number
        return b == 0.0 and a == 0
    return (a == 0) & (b == 0)


def _zero_base(a, b):
    """a = 0 and b >= 0: 0^b is flat in b (0, or 1 at b = 0: PyTorch's 0), though ln 0 = -∞."""
    if type(a) is float:  # the usual 2 ** x: a plain False, so the base stays a number
        return a == 0.0 and b >= 0
    return (a == 0) & (b >= 0)


def _power_grad_base(g, out, a, b):
    """d(a^b)/da = b·a^(b-1); at a = b = 0 the exponent is b - 1 + 1 = 0, giving 0·1 = 0."""
    return g * b * F.power(a, b - 1 + F.mask(_both_zero, a, b))


def _power_grad_exponent(g, out, a, b):
    """d(a^b)/db = a^b·ln a; where 0^b is flat in b, ln is taken of 0 + 1, giving 0."""
    return g * out * F.log(a + F.mask(_zero_base, a, b))


power = op("power", K.power,
           grads=(_power_grad_base,       # d(a^b)/da = b a^(b-1)
                  _power_grad_exponent),  # d(a^b)/db = a^b ln a
           domain=Domain("broadcast", arity=2, low=((0.3, 2.5), (-2.0, 2.0)), special=POWER_POINTS,
                         kinks=power_kinks),
           formula=operator.pow, doc="a ** b (a > 0 when b is a non-integer)")


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
    return draw.choice([((batch, n, k), (k, m)), ((n, k), (batch, k, m)), ((k,), (batch, k, m)),
                        ((batch, 1, n, k), (2, k, m)), ((batch, n, k), (k,))])


matmul = op("matmul", np.matmul,
            grads=(_matmul_grad_a,   # dJ/dA = G Bᵀ  (tutorial section 8: Δθ = δ hᵀ)
                   _matmul_grad_b),  # dJ/dB = Aᵀ G
            domain=Domain(_matmul_shapes, arity=2), normalize=_check_matmul, symbol="matmul",
            doc="a @ b with numpy's matmul rules (1-D, 2-D, batched)")
