"""Traps of scale and of arguments: joining thousands of Values costs each one a constant amount of
backward work, and arguments numpy would refuse (a non-bool keepdims, a float index) are refused by
name instead of being read as something else."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value


# ----- concatenate and stack: linear backward ----------------------------------------------------------
def _python_calls(work) -> int:
    """How many Python-level function calls `work()` makes: a count of work that no machine load moves."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        work()
    finally:
        sys.setprofile(None)
    return calls


def _stacked_loss(n: int) -> tuple[list[Value], Value]:
    xs = [Value(np.full(3, float(i))) for i in range(n)]
    return xs, (ag.stack(xs) * 2.0).sum()


@pytest.mark.parametrize("create_graph", [False, True], ids=["raw arrays", "create_graph"])
def test_stack_backward_does_a_constant_amount_of_work_per_input(create_graph):
    def calls_for(n: int) -> int:
        xs, loss = _stacked_loss(n)
        if create_graph:
            return _python_calls(lambda: ag.grad(loss, xs, create_graph=True))
        return _python_calls(loss.backward)

    small, large = calls_for(150), calls_for(600)
    # linear: four times the inputs, about four times the calls (quadratic would be about sixteen)
    assert large <= 4.5 * small, (small, large)


def test_concatenate_of_many_values_gives_each_its_own_slice():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 4, size=500)
    xs = [Value(rng.normal(size=(2, int(k)))) for k in lengths]
    upstream = rng.normal(size=(2, int(lengths.sum())))
    (ag.concatenate(xs, axis=1) * upstream).sum().backward()
    np.testing.assert_array_equal(np.concatenate([x.grad for x in xs], axis=1), upstream)


@given(st.lists(st.integers(1, 4), min_size=1, max_size=6), st.integers(0, 2), st.booleans(), st.data())
def test_concatenate_gradients_are_the_upstream_slices(lengths, axis, create_graph, data):
    base = [2, 3, 2]
    shapes = [tuple(base[:axis] + [k] + base[axis + 1:]) for k in lengths]
    xs = [Value(data.draw(st.integers(0, 99)) + np.arange(float(np.prod(s))).reshape(s)) for s in shapes]
    out = ag.concatenate(xs, axis=axis - 3)  # a negative axis: normalized before the bounds are taken
    upstream = np.arange(float(out.size)).reshape(out.shape) - 7.0
    grads = ag.grad((out * upstream).sum(), xs, create_graph=create_graph)
    pieces = np.split(upstream, np.cumsum(lengths)[:-1], axis=axis)
    for g, piece in zip(grads, pieces, strict=True):
        np.testing.assert_array_equal(g.data if create_graph else g, piece)


def test_concatenate_params_are_canonical_and_check_their_bounds():
    a, b = Value(np.ones((2, 1))), Value(np.ones((2, 3)))
    out = ag.concatenate([a, b], axis=-1)
    again = ag.get_op("concatenate")(a, b, **out.params)  # canonical params pass through unchanged
    assert again.params == out.params
    assert out.params == {"axis": 1, "bounds": (0, 1, 4)}
    with pytest.raises(ValueError, match=r"concatenate: bounds \(0, 2, 4\) do not match .* \(0, 1, 4\)"):
        ag.get_op("concatenate")(a, b, axis=1, bounds=(0, 2, 4))


def test_second_derivatives_through_stack():
    xs = [Value(np.array([float(i), 1.0])) for i in range(1, 5)]
    loss = (ag.stack(xs, axis=1) ** 3).sum()
    first = ag.grad(loss, xs, create_graph=True)  # 3x²
    second = ag.grad(sum((g.sum() for g in first), Value(0.0)), xs)  # 6x
    for x, s in zip(xs, second, strict=True):
        np.testing.assert_allclose(s, 6 * x.data)


# ----- keepdims: a bool -------------------------------------------------------------------------------
REDUCTIONS = ["sum", "mean", "max", "min", "logsumexp"]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("keepdims", ["no", "", 2, -1, 1.0, None, [True], np.array([1])])
def test_a_keepdims_that_is_not_a_bool_is_refused(name, keepdims):
    x = Value(np.arange(6.0).reshape(2, 3))
    with pytest.raises(TypeError, match=rf"^{name}: keepdims must be True or False, got {re.escape(repr(keepdims))}"):
        getattr(x, name)(axis=1, keepdims=keepdims)
    with pytest.raises(TypeError, match=rf"^{name}: keepdims must be True or False"):
        ag.get_op(name)(x, axis=1, keepdims=keepdims)


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("keepdims, kept", [(True, True), (False, False), (np.True_, True), (np.False_, False),
                                            (1, True), (0, False), (np.int64(1), True)])
def test_keepdims_takes_bools_and_numpys_zero_or_one(name, keepdims, kept):
    x = Value(np.arange(6.0).reshape(2, 3))
    out = getattr(x, name)(axis=1, keepdims=keepdims)
    assert out.params["keepdims"] is kept
    assert out.shape == ((2, 1) if kept else (2,))


# ----- index arrays: integers or booleans, as numpy -------------------------------------------------------
@pytest.mark.parametrize("index", [np.array([0.0, 2.0]), [0.0, 2.0], np.array(1.0), (slice(None), np.array([1.0])),
                                   np.array([0.5])])
def test_a_float_index_array_is_refused_as_numpy_refuses_it(index):
    x = Value(np.arange(12.0).reshape(3, 4))
    with pytest.raises(IndexError):
        x.data[index]  # numpy's own answer
    with pytest.raises(IndexError, match=r"^getitem: index arrays must hold integers or booleans, got dtype float64"):
        x[index]
    with pytest.raises(IndexError, match=r"^index_add: index arrays must hold integers or booleans"):
        ag.functional.index_add(Value(np.ones(2)), index, (3, 4))


def test_a_value_is_not_an_index_so_a_mask_value_is_not_read_as_zeros_and_ones():
    x = Value(np.arange(4.0) * 10)
    mask = Value(np.array([True, False, True, True]))  # a Value holds floats: 1, 0, 1, 1
    with pytest.raises(IndexError, match=r"getitem: a Value cannot be an index .*\.data"):
        x[mask]
    np.testing.assert_array_equal(x[mask.data > 0].data, [0.0, 20.0, 30.0])


@pytest.mark.parametrize("index, grad", [([], [0, 0, 0]), (np.array([2, 0]), [1, 0, 1]), ([1, 1], [0, 2, 0]),
                                         (np.array([True, False, True]), [1, 0, 1]), (np.int64(2), [0, 0, 1])])
def test_integer_and_boolean_indices_still_work(index, grad):
    x = Value(np.arange(3.0) + 1)
    np.testing.assert_array_equal(x[index].data, x.data[index])
    x[index].sum().backward()
    np.testing.assert_array_equal(x.grad, grad)
