"""Powers at exact zeros (relu outputs, one-hot inputs) have PyTorch's finite first derivatives, and
right second derivatives wherever the function is differentiable; the property domains draw those
zeros and integer exponents, and their checker catches the rules that got them wrong."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Domain, Value
from autograd_lite import functional as F
from autograd_lite import kernels as K
from autograd_lite.testing import check_op

INF = math.inf

#: (a, b) -> (d(a^b)/da, d(a^b)/db) at a = 0, as PyTorch 2.13 computes them
AT_ZERO_BASE = {
    0.0: (0.0, 0.0),     # a^0 = 1 is flat in a; 0^b jumps at b = 0 (PyTorch's 0)
    1.0: (1.0, 0.0),     # a^1 = a; 0^b = 0 for b near 1
    2.0: (0.0, 0.0),
    3.0: (0.0, 0.0),
    0.5: (INF, 0.0),     # √a: infinitely steep at 0
    -1.0: (-INF, -INF),  # 0^b = ∞ for b < 0
    -2.0: (-INF, -INF),
}


def _as_array(x):
    return np.asarray(x, dtype=np.float64)


def _grads(a, b):
    va, vb = Value(a), Value(b)
    return ag.grad(va ** vb, [va, vb])


def test_the_issue_example_a_polynomial_at_zero_has_the_derivatives_of_its_terms():
    x = Value(np.array([0.0, 1.0]))
    sum(x ** k for k in range(3)).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 3.0])       # 0 + 1 + 2x
    s = Value(0.0)
    sum(s ** k for k in range(3)).backward()
    assert s.grad == 1.0 and type(s.grad) is float


def test_the_issue_example_the_exponent_derivative_of_zero_to_the_b_is_zero():
    b = Value(np.array([2.0, 0.0]))
    (0.0 ** b).sum().backward()
    np.testing.assert_array_equal(b.grad, [0.0, 0.0])
    for exponent in (2.0, 0.0):
        f = Value(exponent)
        (0.0 ** f).backward()
        assert f.grad == 0.0


@pytest.mark.parametrize("b", sorted(AT_ZERO_BASE))
@pytest.mark.parametrize("as_array", [False, True], ids=["float", "array"])
def test_first_derivatives_at_a_zero_base_are_pytorchs(b, as_array):
    a, b_in = (_as_array(0.0), _as_array(b)) if as_array else (0.0, b)
    with np.errstate(divide="ignore", invalid="ignore"):  # arrays warn at 0^-1 as numpy does
        ga, gb = _grads(a, b_in)
    assert (float(ga), float(gb)) == AT_ZERO_BASE[b]


def _nth_derivative(f, x, n: int):
    """d^n f/dx^n at x, by differentiating create_graph gradients n times."""
    v = Value(x)
    out = f(v)
    for _ in range(n):
        (out,) = ag.grad(out, [v], create_graph=True)
    return out.data


@pytest.mark.parametrize("as_array", [False, True], ids=["float", "array"])
@pytest.mark.parametrize(("k", "derivatives"), [
    (0, [1.0, 0.0, 0.0, 0.0]),
    (1, [0.0, 1.0, 0.0, 0.0]),
    (2, [0.0, 0.0, 2.0, 0.0]),
    (3, [0.0, 0.0, 0.0, 6.0]),
])
def test_x_to_an_integer_power_at_zero_has_its_polynomial_derivatives(k, derivatives, as_array):
    x = _as_array(0.0) if as_array else 0.0
    got = [float(_nth_derivative(lambda v, k=k: v ** k, x, n)) for n in range(4)]
    assert got == derivatives


def _hessian(a, b):
    va, vb = Value(a), Value(b)
    ga, gb = ag.grad(va ** vb, [va, vb], create_graph=True)
    return [[float(h) for h in ag.grad(g, [va, vb])] for g in (ga, gb)]


def test_mixed_second_derivatives_are_symmetric_where_the_exponent_is_zero():
    """∂²(a^b)/∂a∂b = a^(b-1)(1 + b ln a) is 1/a at b = 0. Masking the whole of b = 0 (as
    PyTorch's rule does, giving 0 one way and 1/2 the other at a = 2) would break this."""
    for a in (2.0, _as_array(2.0), 0.5):
        hessian = _hessian(a, 0.0)
        assert hessian[0][1] == pytest.approx(1 / float(a)) and hessian[1][0] == pytest.approx(1 / float(a))


def test_second_derivatives_at_a_zero_base_are_finite_where_the_power_is_smooth():
    # at (0, 2): a² has a'' = 2; d/db of 2a is 0 at a = 0; 0^b and its a-derivative are flat near b = 2
    assert _hessian(0.0, 2.0) == [[2.0, 0.0], [0.0, 0.0]]
    assert _hessian(0.0, 3.0) == [[0.0, 0.0], [0.0, 0.0]]


def test_exact_zeros_from_relu_do_not_poison_the_exponent_gradient():
    x = Value(np.array([-1.0, 2.0, 0.0]))
    b = Value(2.0)
    (x.relu() ** b).sum().backward()
    assert b.grad == pytest.approx(4 * math.log(2.0))
    np.testing.assert_array_equal(x.grad, [0.0, 4.0, 0.0])


def test_a_log_softmax_over_an_axis_of_size_one_is_exactly_zero_and_differentiates():
    z = Value(np.array([[0.3], [-1.2]]))
    b = Value(np.array([[1.0], [2.0]]))
    (z.log_softmax(axis=1) ** b).sum().backward()
    np.testing.assert_array_equal(b.grad, [[0.0], [0.0]])
    np.testing.assert_array_equal(z.grad, [[0.0], [0.0]])


def test_the_power_domain_draws_zero_bases_with_integer_exponents():
    domain = ag.get_op("power").domain
    points = {tuple(p) for p in domain.special}
    assert {(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (0.0, 3.0)} <= points
    assert {b for _, b in points if b < 0} >= {-1.0, -2.0}


# ----- the checker catches the rules these tests are about -------------------------------------------------
def _unmasked_power_grads():
    return (lambda g, out, a, b: g * b * F.power(a, b - 1),   # 0·0⁻¹ = nan at a = b = 0
            lambda g, out, a, b: g * out * F.log(a))          # 0·ln 0 = nan at a = 0 < b


@pytest.mark.parametrize("which", [0, 1], ids=["base rule", "exponent rule"])
def test_the_property_check_catches_an_unmasked_power_rule(which):
    grads = list(ag.get_op("power").rules)
    grads[which] = _unmasked_power_grads()[which]
    wrong = ag.op("power_unmasked", K.power, grads=tuple(grads), domain=ag.get_op("power").domain,
                  register=False)
    with np.errstate(all="ignore"), pytest.raises(AssertionError):
        check_op(wrong, max_examples=100, shrink=False)


def test_the_property_check_catches_a_relu_whose_derivative_at_zero_is_one():
    relu = ag.get_op("relu")
    wrong = ag.op("relu_at_zero_one", K.relu, grads=lambda g, out, z: g * (z >= 0), domain=relu.domain,
                  register=False)
    with pytest.raises(AssertionError, match="relu_at_zero_one"):
        check_op(wrong, max_examples=100, shrink=False)


def test_a_kink_needs_its_stated_derivative_not_central_differences():
    """Central differences give 1/2 at relu's kink; the checker compares the stated 0 instead,
    so a rule giving 1/2 there fails."""
    half = ag.op("relu_at_zero_half", K.relu, grads=lambda g, out, z: g * (0.5 * (z > 0) + 0.5 * (z >= 0)),
                 domain=Domain(avoid=(0.0,), margin=0.1, special=(0.0,),
                               kinks=lambda z: ((z == 0, 0.0),)), register=False)
    with pytest.raises(AssertionError, match="relu_at_zero_half"):
        check_op(half, max_examples=100, shrink=False)
