"""The Value class: what it holds, its dtype rules, its attributes, identity semantics."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite import Value


def test_python_numbers_give_python_floats_and_stay_floats_through_ops():
    a, b = Value(2), Value(3.5)
    assert type(a.data) is float and a.data == 2.0
    c = ((a * b + 1) / b - a).tanh().sigmoid().exp() ** 2
    assert type(c.data) is float
    c.backward()
    assert type(a.grad) is float and type(b.grad) is float


def test_grad_is_zero_before_backward():
    assert Value(1.5).grad == 0.0
    v = Value(np.ones((2, 3), dtype=np.float32))
    assert v.grad.shape == (2, 3) and v.grad.dtype == np.float32 and not v.grad.any()


def test_arrays_are_copied_so_later_changes_cannot_corrupt_the_graph():
    x = np.array([1.0, 2.0, 3.0])
    v = Value(x)
    y = (v * x).sum()          # x is also a constant inside the graph
    x[:] = 100.0
    assert np.array_equal(v.data, [1.0, 2.0, 3.0])
    y.backward()
    assert np.array_equal(v.grad, [1.0, 2.0, 3.0])


def test_copy_false_shares_a_float_array():
    batch = np.ones((4, 2))
    shared = Value(batch, requires_grad=False, copy=False)
    assert shared.data is batch
    assert Value(np.arange(3), copy=False).dtype == np.float64   # integers still become float64


def test_assigning_a_grad_of_the_wrong_shape_is_refused():
    v = Value(np.ones(3, dtype=np.float32))
    v.grad = [1, 2, 3]
    assert v.grad.dtype == np.float32
    with pytest.raises(ValueError, match=r"Value.grad: a gradient of shape \(2,\) for data of shape \(3,\)"):
        v.grad = np.ones(2)
    v.grad = None
    assert not v.grad.any()


def test_integer_and_boolean_input_becomes_float64():
    assert Value(np.array([1, 2])).dtype == np.float64
    assert Value(np.array([True, False])).dtype == np.float64
    assert Value([1, 2, 3]).dtype == np.float64


def test_a_zero_dimensional_array_stays_an_array_and_full_reductions_give_0d_arrays():
    v = Value(np.array(2.0))
    assert isinstance(v.data, np.ndarray) and v.shape == ()
    s = Value(np.ones((2, 2))).sum()
    assert isinstance(s.data, np.ndarray) and s.data.shape == ()
    w = v * 3.0
    assert isinstance(w.data, np.ndarray)
    w.backward()
    assert isinstance(v.grad, np.ndarray) and v.grad.shape == () and v.grad == 3.0


@given(st.sampled_from([np.float16, np.float32, np.float64]), st.floats(-5, 5), st.integers(-3, 3))
def test_python_numbers_never_change_an_arrays_dtype(dtype, number, integer):
    x = Value(np.array([0.5, 1.5], dtype=dtype))
    for y in (x + number, number - x, x * integer, x / 2.5, 2 ** x, x ** 2, (x * number).mean()):
        assert y.dtype == dtype
    loss = (x * number + integer).sigmoid().sum()
    loss.backward()
    assert x.grad.dtype == dtype


def test_float32_and_float64_values_promote_as_numpy_does_and_grads_keep_their_own_dtype():
    a = Value(np.ones(3, dtype=np.float32))
    b = Value(np.ones(3, dtype=np.float64))
    c = a * b
    assert c.dtype == np.float64
    c.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_numbers_and_arrays_in_ops_are_constants_without_gradient():
    h = Value(0.3)
    j = (h - 1) ** 2
    exponent = j.parents[1]
    assert exponent.is_constant and not exponent.requires_grad
    j.backward()
    assert exponent.grad == 0.0
    assert h.grad == pytest.approx(2 * (0.3 - 1))


def test_a_numpy_array_on_the_left_gives_a_value():
    v = Value(np.ones(3))
    for result in (np.ones(3) + v, np.ones(3) * v, np.ones(3) - v, np.ones(3) / v, np.ones((2, 3)) @ v,
                   np.full(3, 2.0) ** v):
        assert isinstance(result, Value)


def test_data_is_assignable_for_sgd_updates():
    p = Value(np.array([1.0, 2.0]))
    (p * p).sum().backward()
    p.data -= 0.1 * p.grad
    assert np.allclose(p.data, [0.8, 1.6])
    q = Value(1.0)
    (q * q).backward()
    q.data -= 0.25 * q.grad
    assert q.data == 0.5 and type(q.data) is float


def test_attributes():
    x = Value(np.arange(6.0).reshape(2, 3), label="x")
    y = (x * 2).sum(axis=0)
    assert y.op == "sum" and x.op is None and x.is_leaf and not y.is_leaf
    assert y.requires_grad and y.shape == (3,) and y.ndim == 1 and y.dtype == np.float64
    assert y.params == {"axis": (0,), "keepdims": False}
    assert Value(np.array([4.0])).item() == 4.0 and type(Value(np.array([4.0])).item()) is float
    assert np.array_equal(x.numpy(), x.data)
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and np.shares_memory(d.numpy(), y.numpy())
    assert x.astype(np.float32).dtype == np.float32
    assert "x" in repr(x) and "data=" in repr(Value(0.5)) and "0.5000" in repr(Value(0.5))


def test_repr_shows_data_and_grad():
    v = Value(0.25)
    (v * 2).backward()
    assert repr(v) == "Value(data=0.2500, grad=2.0000)"


def test_requires_grad_propagates_from_any_input():
    a, b = Value(1.0, requires_grad=False), Value(2.0)
    assert (a * b).requires_grad
    assert not (a * 3).requires_grad


def test_values_hash_and_compare_equal_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2 and a in [a] and b not in [a]
    assert {a: 1}[a] == 1


def test_ordering_compares_data_and_returns_numpy_booleans():
    a, b = Value(1.0), Value(2.0)
    assert isinstance(a < b, np.bool_) and a < b and b >= a and not a > 2
    m = Value(np.array([1.0, 3.0])) > 2
    assert m.dtype == bool and list(m) == [False, True]


@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3), elements=st.floats(-10, 10)))
def test_no_op_mutates_its_inputs(array):
    x = Value(array)
    before = x.data.copy()
    y = (x.exp() * 2 - x).tanh().sum() + x.reshape(-1).sum() + x.clip(-1, 1).max()
    y.backward()
    assert np.array_equal(x.data, before)


def test_len_and_iteration_of_tensors():
    v = Value(np.arange(6.0).reshape(3, 2))
    rows = list(v)
    assert len(v) == 3 and len(rows) == 3 and np.array_equal(rows[1].data, [2.0, 3.0])
    with pytest.raises(TypeError):
        len(Value(1.0))


def test_module_functions_work_on_values_numbers_and_arrays():
    a = Value(np.array([1.0, 5.0]))
    assert np.array_equal(ag.maximum(a, 3.0).data, [3.0, 5.0])
    assert np.array_equal(ag.minimum(3.0, a).data, [1.0, 3.0])
    assert np.array_equal(ag.where([True, False], a, 0.0).data, [1.0, 0.0])
    assert ag.where(True, Value(1.0), Value(2.0)).data == 1.0
    assert ag.stack([Value(1.0), Value(2.0)]).shape == (2,)
    assert ag.concatenate([a, np.zeros(3)]).shape == (5,)


def test_reading_a_gradient_never_computed_gives_read_only_zeros_and_makes_no_gradient():
    w, unused = Value(np.array([1.0, 2.0])), Value(np.array([3.0]))
    assert not w.has_grad and np.array_equal(w.grad, [0.0, 0.0]) and not w.has_grad
    with pytest.raises(ValueError, match="read-only"):
        w.grad[0] = 1.0  # a write into zeros that are not stored would be lost: refused instead
    (w * 2.0).sum().backward()
    assert w.has_grad and not unused.has_grad and np.array_equal(w.grad, [2.0, 2.0])
    w.grad[0] = 5.0  # a computed gradient is the Value's own array
    assert w.grad[0] == 5.0
    w.zero_grad()
    assert not w.has_grad and Value(1.0).grad == 0.0


@given(hnp.arrays(np.float64, (4, 2), elements=st.floats(-10, 10)), st.integers(0, 3), st.integers(0, 1))
def test_a_number_indexed_from_a_float64_dataset_makes_a_scalar_graph(X, i, j):
    # X[i, j] is an np.float64, a subclass of Python's float: it must not turn the graph into a tensor graph
    x = Value(X[i, j], requires_grad=False)
    w = Value(0.5)
    h = (w * x + X[i, 1 - j]).sigmoid()
    assert type(x.data) is float and x.data == float(X[i, j])
    assert type(h.data) is float and h.shape == ()
    h.backward()
    assert type(w.grad) is float


@given(st.integers(-1000, 1000))
def test_numpy_integers_and_bools_are_held_as_python_floats(n):
    for scalar in (np.int64(n), np.int32(n), np.uint16(abs(n)), np.bool_(n > 0)):
        v = Value(scalar)
        assert type(v.data) is float and v.data == float(scalar)


def test_numpy_float32_scalars_and_0d_arrays_stay_arrays_with_their_dtype():
    small = Value(np.float32(1.5))
    assert type(small.data) is np.ndarray and small.dtype == np.float32 and small.shape == ()
    assert type(Value(np.array(2.0)).data) is np.ndarray
    # as a constant, an np.float64 is a Python number: it never changes an array's dtype
    a = Value(np.ones(3, dtype=np.float32))
    assert (a * np.float64(2.0)).dtype == np.float32 and (a + np.int64(1)).dtype == np.float32
