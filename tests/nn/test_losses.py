"""Losses: the tutorial's J, cross-entropies, L2 penalty; gradients and shape checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as al
import nn
from autograd_lite import Value

shapes = hnp.array_shapes(min_dims=1, max_dims=2, max_side=5)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@given(data=st.data())
def test_squared_error_gradient_matches_central_differences(reduction, data):
    pred = data.draw(hnp.arrays(np.float64, shapes, elements=st.floats(-3, 3)))
    target = data.draw(hnp.arrays(np.float64, pred.shape, elements=st.floats(-3, 3)))
    assert al.gradcheck(lambda p: nn.squared_error(p, target, reduction=reduction), pred)


@given(n=st.integers(1, 6), logits=st.booleans(), seed=st.integers(0, 2**16))
def test_binary_cross_entropies_gradients_match_central_differences(n, logits, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, (n, 1))
    if logits:
        z = rng.normal(0, 3, (n, 1))
        assert al.gradcheck(lambda z: nn.binary_cross_entropy_with_logits(z, y), z)
    else:
        p = rng.uniform(0.05, 0.95, (n, 1))
        assert al.gradcheck(lambda p: nn.binary_cross_entropy(p, y), p)


@given(n=st.integers(1, 6), classes=st.integers(1, 5), reduction=st.sampled_from(["sum", "mean"]),
       seed=st.integers(0, 2**16))
def test_cross_entropy_gradient_matches_central_differences(n, classes, reduction, seed):
    rng = np.random.default_rng(seed)
    logits, y = rng.normal(0, 2, (n, classes)), rng.integers(0, classes, n)
    assert al.gradcheck(lambda z: nn.cross_entropy(z, y, reduction=reduction), logits)


@given(seed=st.integers(0, 2**16))
def test_l2_penalty_gradient_is_two_theta(seed):
    rng = np.random.default_rng(seed)
    W, b = Value(rng.normal(size=(3, 2))), Value(rng.normal(size=2))
    penalty = nn.l2_penalty([W, b])
    assert penalty.item() == pytest.approx(np.sum(W.data ** 2) + np.sum(b.data ** 2))
    penalty.backward()
    np.testing.assert_allclose(W.grad, 2 * W.data)
    assert al.gradcheck(lambda W, b: nn.l2_penalty([W, b]), W.data, b.data)


def test_squared_error_sum_is_exactly_the_tutorials_J_and_the_default_is_its_mean():
    h, y = np.array([0.2, 0.9, 0.6]), [0, 1, 1]
    J = (0.2 - 0) ** 2 + (0.9 - 1) ** 2 + (0.6 - 1) ** 2
    assert nn.squared_error(h, y, reduction="sum").item() == pytest.approx(J, rel=1e-15)
    assert nn.squared_error(h, y).item() == pytest.approx(J / 3, rel=1e-15)
    np.testing.assert_allclose(nn.squared_error(h, y, reduction="none").data, (h - y) ** 2)


def test_shape_mismatch_is_an_error_not_a_broadcast():
    pred = Value(np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"\(4, 1\) but target has shape \(4,\).*target\[:, None\]"):
        nn.squared_error(pred, np.zeros(4))
    with pytest.raises(ValueError, match="must match exactly"):
        nn.binary_cross_entropy_with_logits(Value(np.zeros(4)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="must match exactly"):
        nn.binary_cross_entropy(pred, [1, 0, 1])
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.squared_error(pred, np.zeros((4, 1)), reduction="max")


def test_targets_may_be_values_arrays_lists_or_numbers():
    pred = Value(np.array([0.5, 2.0]))
    expected = 0.25 + 1.0
    for target in (Value(np.array([0.0, 1.0])), np.array([0, 1]), [0.0, 1.0]):
        assert nn.squared_error(pred, target, reduction="sum").item() == pytest.approx(expected)
    assert nn.squared_error(Value(0.5), 1).item() == pytest.approx(0.25)


def test_binary_cross_entropy_with_logits_is_stable_and_agrees_with_the_probability_form():
    z = Value(np.array([[-1000.0], [-2.0], [0.0], [3.0], [1000.0]]))
    y = np.array([[1], [0], [1], [1], [0]])
    loss = nn.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert np.all(np.isfinite(loss.data))
    np.testing.assert_allclose(loss.data[[0, 4], 0], [1000.0, 1000.0])
    middle = z.data[1:4]
    p = 1 / (1 + np.exp(-middle))
    np.testing.assert_allclose(loss.data[1:4], nn.binary_cross_entropy(p, y[1:4], reduction="none").data)
    loss.sum().backward()
    sig = 1 / (1 + np.exp(-np.clip(z.data, -700, 700)))
    np.testing.assert_allclose(z.grad, sig - y, atol=1e-12)  # d/dz = sigmoid(z) - y, also at z = 0


def test_cross_entropy_matches_the_softmax_formula_and_is_stable():
    logits = np.array([[1.0, 2.0, 0.5], [1000.0, 0.0, -1000.0]])
    y = np.array([1, 0])
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    z = Value(logits)
    loss = nn.cross_entropy(z, y)
    assert loss.item() == pytest.approx(-(logp[0, 1] + logp[1, 0]) / 2)
    loss.backward()
    onehot = np.eye(3)[y]
    np.testing.assert_allclose(z.grad, (np.exp(logp) - onehot) / 2)


def test_cross_entropy_checks_its_targets():
    z = Value(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"one class index per row, shape \(3,\)"):
        nn.cross_entropy(z, np.zeros((3, 1), dtype=int))
    with pytest.raises(ValueError, match=r"class indices must lie in \[0, 4\)"):
        nn.cross_entropy(z, [0, 4, 1])
    with pytest.raises(TypeError, match="integer class indices"):
        nn.cross_entropy(z, [0.5, 1, 2])
    with pytest.raises(ValueError, match=r"shape \(n, classes\)"):
        nn.cross_entropy(Value(np.zeros(4)), [1])


def test_the_fused_cross_entropy_primitive_passes_the_op_property_checks():
    from autograd_lite.testing import check_op
    from nn.primitives import softmax_cross_entropy

    check_op(softmax_cross_entropy, max_examples=40)


def test_fused_cross_entropy_equals_the_log_softmax_composite():
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(size=(6, 4)) * 5, rng.integers(0, 4, size=6)
    for reduction, reduce in (("mean", np.mean), ("sum", np.sum)):
        fused = nn.cross_entropy(logits, labels, reduction=reduction)
        composite = -reduce(Value(logits).log_softmax(axis=1).data[np.arange(6), labels])
        assert fused.item() == pytest.approx(composite, rel=1e-12)


def test_cross_entropy_leaves_its_logits_alone_whatever_their_shape():
    """The primitive works on a transposed copy in place; a (1, k) or (n, 1) array's transpose is a view
    numpy calls contiguous, so anything but a real copy would write into the caller's logits."""
    for logits in (np.array([[1.0, 2.0, -0.5]]), np.array([[0.3], [1.2]]), np.arange(6.0).reshape(2, 3)):
        before = logits.copy()
        z = Value(logits, copy=False)
        loss = nn.cross_entropy(z, np.zeros(len(logits), dtype=int))
        loss.backward()
        np.testing.assert_array_equal(logits, before)
        expected = np.exp(before - before.max(axis=1, keepdims=True))
        expected /= expected.sum(axis=1, keepdims=True)
        expected[:, 0] -= 1.0
        np.testing.assert_allclose(z.grad, expected / len(logits), rtol=1e-12, atol=1e-15)


def test_cross_entropy_keeps_float32_in_its_loss_and_gradient():
    logits = np.random.default_rng(0).normal(size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    grads = {}
    for dtype in (np.float32, np.float64):
        z = Value(logits.astype(dtype))
        loss = nn.cross_entropy(z, labels)
        loss.backward()
        assert loss.dtype == dtype and z.grad.dtype == dtype
        grads[dtype] = z.grad
    np.testing.assert_allclose(grads[np.float32], grads[np.float64], rtol=1e-5, atol=1e-7)
