"""Derivatives at kinks and ties follow PyTorch's conventions, and composite functions
(mean over negative axes, .T, stack, softmax through methods) differentiate correctly."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite import Value


def grad_of(f, x):
    v = Value(x)
    f(v).sum().backward()
    return v.grad


def test_relu_and_abs_have_derivative_zero_at_zero():
    assert np.array_equal(grad_of(lambda v: v.relu(), np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 1.0])
    assert np.array_equal(grad_of(lambda v: v.abs(), np.array([-1.0, 0.0, 2.0])), [-1.0, 0.0, 1.0])
    z = Value(0.0)
    z.relu().backward()
    assert z.grad == 0.0


def test_clip_passes_the_gradient_inside_its_closed_bounds():
    got = grad_of(lambda v: v.clip(-1.0, 1.0), np.array([-2.0, -1.0, 0.0, 1.0, 2.0]))
    assert np.array_equal(got, [0.0, 1.0, 1.0, 1.0, 0.0])
    assert np.array_equal(grad_of(lambda v: v.clip(low=0.0), np.array([-1.0, 0.0, 5.0])), [0.0, 1.0, 1.0])


def test_tied_maxima_and_minima_share_the_gradient_equally():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    assert np.allclose(grad_of(lambda v: v.max(axis=1), x), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    assert np.allclose(grad_of(lambda v: v.min(), x), [[1.0, 0, 0], [0, 0, 0]])
    assert np.allclose(grad_of(lambda v: v.min(axis=0), x), [[1.0, 0, 0], [0, 1.0, 1.0]])
    assert np.allclose(grad_of(lambda v: v.max(axis=0), np.array([[2.0, 1.0], [2.0, 0.0]])), [[0.5, 1.0], [0.5, 0.0]])


def test_maximum_and_minimum_split_the_gradient_at_a_tie():
    a, b = Value(np.array([1.0, 2.0, 3.0])), Value(np.array([1.0, 5.0, 0.0]))
    ag.maximum(a, b).sum().backward()
    assert np.array_equal(a.grad, [0.5, 0.0, 1.0]) and np.array_equal(b.grad, [0.5, 1.0, 0.0])
    a.zero_grad()
    b.zero_grad()
    ag.minimum(a, b).sum().backward()
    assert np.array_equal(a.grad, [0.5, 1.0, 0.0]) and np.array_equal(b.grad, [0.5, 0.0, 1.0])


def test_where_routes_the_gradient_by_a_broadcast_condition():
    a, b = Value(np.ones((2, 3))), Value(np.ones(3))
    ag.where(np.array([True, False, True]), a, b).sum().backward()
    assert np.array_equal(a.grad, [[1, 0, 1], [1, 0, 1]]) and np.array_equal(b.grad, [0, 2, 0])


def test_repeated_integer_indices_accumulate_gradient():
    x = Value(np.arange(4.0))
    x[np.array([0, 2, 0, 0])].sum().backward()
    assert np.array_equal(x.grad, [3.0, 0.0, 1.0, 0.0])


def test_indexing_with_slices_none_ellipsis_and_boolean_masks():
    x = Value(np.arange(24.0).reshape(2, 3, 4))
    assert x[..., 1].shape == (2, 3)
    assert x[None, :, 1:3].shape == (1, 2, 2, 4)
    assert x[1, ::2, -1].shape == (2,)
    mask = x.data > 20
    picked = x[mask]
    assert np.array_equal(picked.data, [21.0, 22.0, 23.0])
    picked.sum().backward()
    assert np.array_equal(x.grad, mask.astype(float))
    labels = Value(np.array([1, 0]), requires_grad=False)
    assert x[np.arange(2), labels.data.astype(int)].shape == (2, 4)


shape_and_axis = hnp.array_shapes(min_dims=1, max_dims=3, max_side=4).flatmap(
    lambda s: st.tuples(st.just(s), st.integers(-len(s), len(s) - 1), st.booleans()))


@given(shape_and_axis, st.data())
def test_reductions_take_negative_axes_and_keepdims(case, data):
    shape, axis, keepdims = case
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    for name in ("sum", "mean", "logsumexp"):
        out = getattr(Value(x), name)(axis=axis, keepdims=keepdims)
        expected = np.sum(x, axis=axis, keepdims=keepdims) if name == "sum" else None
        assert out.shape == np.sum(x, axis=axis, keepdims=keepdims).shape
        if expected is not None:
            assert np.allclose(out.data, expected)
        assert ag.gradcheck(lambda v, name=name: (getattr(v, name)(axis=axis, keepdims=keepdims) ** 2).sum(), x)
    assert ag.gradcheck(lambda v: (v.log_softmax(axis=axis) * np.arange(x.size).reshape(shape)).sum(), x)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), elements=st.floats(-2, 2)))
def test_transpose_T_and_stack_differentiate(x):
    w = np.arange(x.size, dtype=float).reshape(x.shape[::-1])
    assert ag.gradcheck(lambda v: (v.T * w).sum(), x)
    assert ag.gradcheck(lambda v: (ag.stack([v, v * 2, v.exp()], axis=-1) ** 2).sum(), x)


def test_T_reverses_all_axes_like_numpy():
    x = Value(np.zeros((2, 3, 4)))
    assert x.T.shape == (4, 3, 2) and x.transpose(0, 2, 1).shape == (2, 4, 3)
    assert x.transpose((1, 0, 2)).shape == (3, 2, 4)


def test_softmax_rows_sum_to_one_and_log_softmax_matches_its_log():
    x = Value(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(x.softmax(axis=1).data.sum(axis=1), 1.0)
    assert np.allclose(np.log(x.softmax(axis=-1).data), x.log_softmax(axis=-1).data)


def test_float_scalars_mix_with_arrays():
    s = Value(2.0)
    a = Value(np.array([1.0, 2.0, 3.0]))
    (s * a).sum().backward()
    assert type(s.grad) is float and s.grad == 6.0
    assert ag.gradcheck(lambda s, a: ((s * a).sigmoid() * s).sum(), 2.0, np.array([1.0, -2.0]))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((5, 2, 3), (3, 4)),
                                    ((2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2))])
def test_matmul_follows_numpy_for_vectors_matrices_and_batches(shapes):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    assert np.allclose((Value(a) @ Value(b)).data, a @ b)
    assert ag.gradcheck(lambda x, y: ((x @ y) ** 2).sum(), a, b)
