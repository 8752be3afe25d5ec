"""numerical_grad and gradcheck (tutorial section 9), and the public door for custom ops."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite import Domain, Value
from autograd_lite import functional as F
from autograd_lite.testing import check_op


def test_central_differences_of_x_cubed_at_2_give_12_000_as_in_the_tutorial():
    (central,) = ag.numerical_grad(lambda x: x ** 3, 2.0, eps=1e-3)
    one_sided = (2.001 ** 3 - 2.0 ** 3) / 0.001
    assert round(central, 3) == 12.000 and round(one_sided, 3) == 12.006
    assert abs(central - 12.0) < abs(one_sided - 12.0) / 1000


@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=3), elements=st.floats(-2, 2)))
def test_numerical_grad_is_shaped_like_each_input_and_matches_backward(x):
    y = 0.7
    gx, gy = ag.numerical_grad(lambda a, b: ((a * b).tanh() + a ** 2).sum(), x, y)
    assert gx.shape == np.shape(x) and type(gy) is float
    v, w = Value(x), Value(y)
    ((v * w).tanh() + v ** 2).sum().backward()
    assert np.allclose(gx, v.grad, atol=1e-6) and abs(gy - w.grad) < 1e-6


def test_numerical_grad_works_in_the_inputs_dtype_so_float32_shows_its_error():
    x64 = np.array([0.3, 1.7])
    (g64,) = ag.numerical_grad(lambda v: (v ** 3).sum(), x64, eps=1e-3)
    (g32,) = ag.numerical_grad(lambda v: (v ** 3).sum(), x64.astype(np.float32), eps=1e-3)
    exact = 3 * x64 ** 2
    assert g32.dtype == np.float32 and g64.dtype == np.float64
    assert np.max(np.abs(g64 - exact)) < 1e-5 < np.max(np.abs(g32 - exact))


def test_gradcheck_passes_a_correct_function():
    assert ag.gradcheck(lambda w, b: ((np.ones((3, 2)) @ w + b).sigmoid() ** 2).sum(),
                        np.array([[0.1, -0.3], [0.2, 0.5]]), np.array([0.0, 0.1]))


def test_gradcheck_names_the_input_element_and_both_values_for_a_planted_bug():
    wrong = ag.op("cube_with_a_bug", lambda x: x ** 3, grads=lambda g, out, x: g * 3 * x,  # should be 3x²
                  domain=Domain(), register=False)
    with pytest.raises(ag.GradcheckError, match=r"input 1 \(w\), element \(1,\): analytical .* but numerical"):
        ag.gradcheck(lambda a, w: (a * wrong(w)).sum(), np.ones(2), Value(np.array([1.0, 2.0]), label="w"))


def test_gradcheck_warns_for_inputs_that_are_not_float64():
    with pytest.warns(UserWarning, match="input 0 is float32"):
        ag.gradcheck(lambda v: (v * 2).sum(), np.ones(2, dtype=np.float32), eps=1e-2, atol=1e-2)


softplus = ag.op(
    "softplus_for_tests",
    forward=lambda x: np.logaddexp(0.0, x),
    grads=lambda g, out, x: g * F.sigmoid(x),   # d/dx log(1 + e^x) = sigmoid(x)
    domain=Domain(low=-4.0, high=4.0),
    replace=True,
)


def test_a_custom_op_is_a_value_op_and_is_in_the_registry():
    x = Value(np.array([-1.0, 0.0, 2.0]))
    y = softplus(x)
    assert y.op == "softplus_for_tests" and ag.registry()["softplus_for_tests"] is softplus
    y.sum().backward()
    assert np.allclose(x.grad, 1 / (1 + np.exp(-x.data)))


def test_check_op_accepts_a_correct_custom_op_and_rejects_a_wrong_one():
    check_op(softplus, max_examples=10)
    broken = ag.op("softplus_broken", forward=lambda x: np.logaddexp(0.0, x),
                   grads=lambda g, out, x: -g * F.sigmoid(x), domain=Domain(), register=False)
    with pytest.raises(AssertionError, match="softplus_broken"):
        check_op(broken, max_examples=5, shrink=False)


def test_registering_a_taken_name_needs_replace():
    with pytest.raises(ValueError, match="already registered"):
        ag.op("add", lambda a, b: a + b, grads=(lambda g, o, a, b: g, lambda g, o, a, b: g))


def test_a_rule_per_input_is_required():
    with pytest.raises(TypeError, match="one callable rule per input"):
        ag.op("no_rules", lambda x: x, grads=(), register=False)
