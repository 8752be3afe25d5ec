"""Function transforms (`autograd_lite.func`) against central differences and against each other.

Functions are drawn by hypothesis from registry ops (elementwise maps, a matrix product, sums and
log-sum-exp); derivatives are compared with Richardson-extrapolated central differences, whose
error (h⁴ ≈ 1e-15 at h = 2e-4, and rounding near 1e-12 of the function's size) holds the
Hessian to 1e-10 of its largest entry.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite import Value, func

# ----- drawn functions ---------------------------------------------------------------------------------------
MAPS = {  # elementwise maps defined and smooth on all reals (the drawn inputs are within [-2, 2])
    "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(),
    "square": lambda v: v * v,
    "cube": lambda v: v ** 3,
    "exp of tanh": lambda v: v.tanh().exp(),
    "scaled": lambda v: 1.5 * v - 0.25,
}
REDUCE = {
    "sum": lambda v: v.sum(),
    "mean of squares": lambda v: (v * v).mean(),
    "logsumexp": lambda v: v.logsumexp(),
}


@st.composite
def scalar_functions(draw):
    """(f, x): f maps an array like x to a scalar through a drawn chain of registry ops."""
    n = draw(st.integers(1, 4))
    x = draw(hnp.arrays(np.float64, (n,), elements=st.floats(-2, 2)))
    m = draw(st.integers(1, 3))
    W = draw(hnp.arrays(np.float64, (n, m), elements=st.floats(-1, 1)))
    names = draw(st.lists(st.sampled_from(sorted(MAPS)), min_size=1, max_size=3))
    reduce = REDUCE[draw(st.sampled_from(sorted(REDUCE)))]

    def f(v):
        h = v @ W if draw_matmul else v
        for name in names:
            h = MAPS[name](h)
        return reduce(h)

    draw_matmul = draw(st.booleans())
    return f, x


@st.composite
def vector_functions(draw):
    """(g, x): g maps x (n,) to an array (k,): k > n and k < n both occur (rows or columns)."""
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 5))
    x = draw(hnp.arrays(np.float64, (n,), elements=st.floats(-2, 2)))
    W = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-1, 1)))
    names = draw(st.lists(st.sampled_from(sorted(MAPS)), min_size=1, max_size=2))

    def g(v):
        h = v @ W
        for name in names:
            h = MAPS[name](h)
        return h * (v.sum() + 1.0)  # every output depends on every input

    return g, x


def close(actual, expected):
    """Equal to 1e-10 of the largest entry (and at least 1e-10): what extrapolated differences resolve."""
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-10 * scale)


def richardson(f, x, h=2e-4):
    """d f / d x by central differences extrapolated (error O(h⁴)); f maps an array to an array."""
    x = np.asarray(x, dtype=np.float64)
    columns = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e.flat[j] = 1.0

        def central(step, e=e):
            return (np.asarray(f(x + step * e)) - np.asarray(f(x - step * e))) / (2 * step)

        columns.append((4 * central(h / 2) - central(h)) / 3)
    out = np.stack(columns, axis=-1)  # out.shape + (x.size,)
    return out.reshape(np.shape(f(x)) + x.shape)


def data_of(f):
    """f on raw arrays, returning raw data (for the finite differences)."""
    def raw(x):
        with ag.no_grad():
            out = f(Value(x))
        return out.data if isinstance(out, Value) else out
    return raw


# ----- against central differences --------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(scalar_functions())
def test_grad_and_hessian_match_central_differences(case):
    f, x = case
    g = func.grad(f)(x)
    assert type(g) is np.ndarray and g.shape == x.shape
    close(g, richardson(data_of(f), x))
    H = func.hessian(f)(x)
    assert H.shape == x.shape + x.shape
    close(H, richardson(func.grad(f), x))
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    v = np.linspace(-1.0, 1.0, x.size)
    np.testing.assert_allclose(func.hvp(f, x, v), H @ v, atol=1e-12)
    value, g2 = func.value_and_grad(f)(x)
    np.testing.assert_array_equal(g2, g)
    np.testing.assert_allclose(value, data_of(f)(x), rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(vector_functions())
def test_jacobian_jvp_and_vjp_match_central_differences_and_each_other(case):
    g, x = case
    J = func.jacobian(g)(x)
    out = data_of(g)(x)
    assert J.shape == out.shape + x.shape
    close(J, richardson(data_of(g), x))
    v = np.cos(np.arange(x.size))
    primal, tangent = func.jvp(g, (x,), (v,))
    np.testing.assert_allclose(primal, out, rtol=1e-15)
    np.testing.assert_allclose(tangent, J @ v, atol=1e-12)
    u = np.sin(np.arange(out.size) + 1.0)
    primal, pullback = func.vjp(g, x)
    np.testing.assert_allclose(pullback(u), u @ J, atol=1e-12)
    np.testing.assert_allclose(pullback(2 * u), 2 * (u @ J), atol=1e-12)  # one forward, many pullbacks


def test_jacobian_by_rows_and_by_columns_agree():
    x = np.array([0.3, -0.7, 1.1])
    wide = lambda v: (v[:, None] * np.ones((3, 5))).tanh() * v.sum()   # 15 outputs: by columns (3)
    narrow = lambda v: (v * v).sum(axis=0, keepdims=True) * v[:2]      # 2 outputs: by rows
    for g in (wide, narrow):
        J = func.jacobian(g)(x)
        close(J, richardson(data_of(g), x))


def test_jacobian_of_a_matrix_function_has_shape_out_plus_in():
    x = np.arange(6.0).reshape(2, 3) / 10
    J = func.jacobian(lambda v: v.T.sigmoid())(x)
    assert J.shape == (3, 2, 2, 3)
    s = 1 / (1 + np.exp(-x))
    expected = np.zeros((3, 2, 2, 3))
    for i in range(2):
        for j in range(3):
            expected[j, i, i, j] = s[i, j] * (1 - s[i, j])
    np.testing.assert_allclose(J, expected, atol=1e-15)


# ----- nesting -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("f, third", [
    (lambda x: x ** 4, lambda x: 24 * x),
    (lambda x: (2.0 * x).exp(), lambda x: 8 * np.exp(2 * x)),
    (lambda x: x.tanh(), lambda x: -2 * (1 - np.tanh(x) ** 2) * (1 - 3 * np.tanh(x) ** 2)),
])
def test_grad_nests_to_third_order_on_scalars(f, third):
    d3 = func.grad(func.grad(func.grad(f)))
    for x in (-0.7, 0.0, 1.3):
        assert d3(x) == pytest.approx(third(x), rel=1e-12, abs=1e-12)
        assert type(d3(x)) is float
    d4 = func.grad(d3)
    assert d4(0.5) == pytest.approx(richardson(lambda y: d3(float(y)), np.array(0.5)), rel=1e-8)


def test_an_inner_transform_sees_its_own_argument_not_the_outer_one():
    # d/dx [x · d/dy (x y)] = d/dx [x · x] = 2x: the inner derivative is taken in y alone
    outer = func.grad(lambda x: x * func.grad(lambda y: x * y)(3.0))
    assert outer(2.0) == 4.0
    # a Value the function closes over is a constant for the transform, even when it is the argument
    w = Value(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(func.grad(lambda v: (v * w).sum())(w), [1.0, 2.0])
    # and the same Value given twice gets each argument's own partial derivative
    both = func.grad(lambda a, b: (a * a * b).sum(), argnums=(0, 1))(w, w)
    np.testing.assert_array_equal(both[0], 2 * w.data * w.data)
    np.testing.assert_array_equal(both[1], w.data * w.data)


def test_create_graph_returns_values_that_lead_back_to_a_value_input():
    w = Value(np.array([0.5, -1.0]))
    f = lambda v: (v ** 3).sum()
    g = func.grad(f, create_graph=True)(w)
    assert isinstance(g, Value)
    g.sum().backward()
    np.testing.assert_allclose(w.grad, 6 * w.data)  # the Hessian's row sums: diag(6 w)
    assert func.grad(f)(w).__class__ is np.ndarray  # without it: raw data


def test_transforms_run_under_no_grad_and_leave_every_grad_alone():
    w = Value(np.array([1.0, 2.0]))
    with ag.no_grad():
        np.testing.assert_array_equal(func.grad(lambda v: (v * v).sum())(w), [2.0, 4.0])
        np.testing.assert_array_equal(func.hessian(lambda v: (v * v).sum())(w.data), 2 * np.eye(2))
    assert not w.has_grad


# ----- arguments and errors ----------------------------------------------------------------------------------
def test_argnums_pick_arguments_and_a_tuple_gives_a_tuple():
    f = lambda a, b, c: (a * b).sum() + c
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    np.testing.assert_array_equal(func.grad(f, argnums=1)(a, b, 5.0), a)
    ga, gc = func.grad(f, argnums=(0, 2))(a, b, 5.0)
    np.testing.assert_array_equal(ga, b)
    assert gc == 1.0 and type(gc) is float
    np.testing.assert_array_equal(func.grad(f, argnums=-3)(a, b, 5.0), b)
    Haa, Hab = func.hessian(f, argnums=(0, 1))(a, b, 5.0)[0]
    np.testing.assert_array_equal(Haa, np.zeros((2, 2)))
    np.testing.assert_array_equal(Hab, np.eye(2))


def test_clear_errors():
    f = lambda a, b: (a * 2.0).sum()
    with pytest.raises(ValueError, match=r"grad: the function returned shape \(2,\); grad needs one number"):
        func.grad(lambda v: v * 2.0)(np.ones(2))
    with pytest.raises(ValueError, match=r"grad: argnums=2 but the function was called with 2 arguments"):
        func.grad(f, argnums=2)(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="names an argument twice"):
        func.grad(f, argnums=(0, -2))(np.ones(2), np.ones(2))
    np.testing.assert_array_equal(func.grad(f, argnums=1)(np.ones(2), np.ones(2)), np.zeros(2))  # unused: zeros
    with pytest.raises(ValueError, match=r"grad: the function does not use argument 1 \(shape \(2,\)\)"):
        func.grad(f, argnums=1, allow_unused=False)(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"jvp: tangent 0 has shape \(3,\), its primal \(2,\)"):
        func.jvp(lambda v: v * 2.0, (np.ones(2),), (np.ones(3),))
    with pytest.raises(ValueError, match=r"vjp: the cotangent has shape \(3,\) but the output \(2,\)"):
        func.vjp(lambda v: v * 2.0, np.ones(2))[1](np.ones(3))
    with pytest.raises(ValueError, match=r"hvp: v has shape \(3,\) but x has \(2,\)"):
        func.hvp(lambda v: (v * v).sum(), np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="returned a tuple"):
        func.grad(lambda v: (v.sum(), v.sum()))(np.ones(2))


def test_a_constant_function_has_zero_derivatives():
    assert func.grad(lambda x: 3.0)(2.0) == 0.0
    np.testing.assert_array_equal(func.jacobian(lambda v: np.ones(3))(np.ones(2)), np.zeros((3, 2)))
    np.testing.assert_array_equal(func.hessian(lambda v: Value(1.0, requires_grad=False))(np.ones(2)),
                                  np.zeros((2, 2)))


def test_transformed_functions_carry_names():
    def loss(w):
        """The loss."""
        return (w * w).sum()

    assert func.grad(loss).__name__ == "grad(loss)"
    assert func.hessian(loss).__name__ == "hessian(loss)"


# ----- autograd_lite.grad's PyTorch-named arguments ---------------------------------------------------------
def test_grad_accepts_grad_outputs_and_allow_unused():
    x, unused = Value(np.array([1.0, 2.0])), Value(np.array([3.0]))
    y = x * x
    (gx,) = ag.grad(y, [x], grad_outputs=np.array([1.0, 10.0]))
    np.testing.assert_array_equal(gx, [2.0, 40.0])
    with pytest.raises(TypeError, match="not both"):
        ag.grad(y, [x], np.ones(2), grad_outputs=np.ones(2))
    gx, gu = ag.grad(y.sum(), [x, unused])
    np.testing.assert_array_equal(gu, [0.0])
    with pytest.raises(ag.engine.UnusedInputError, match=r"grad: inputs\[1\], of shape \(1,\), is not used"):
        ag.grad(y.sum(), [x, unused], allow_unused=False)
