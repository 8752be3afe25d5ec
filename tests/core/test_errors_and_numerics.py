"""Bad input is refused early with a message naming the op and the shapes; the numerically
delicate ops stay finite and silent at inputs of ±1000; float32 stays float32."""

import warnings

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Value


def test_broadcasting_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\).*\(4,\)"):
        Value(np.ones((2, 3))) + Value(np.ones(4))
    with pytest.raises(ValueError, match=r"mul: .*\(3,\).*\(2,\)"):
        Value(np.ones(3)) * np.ones(2)


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\)"):
        Value(np.ones((2, 3))) @ Value(np.ones((4, 5)))
    with pytest.raises(ValueError, match="matmul: .*use \\* for scalars"):
        Value(2.0) @ Value(np.ones(2))
    with pytest.raises(ValueError, match="matmul: the batch dimensions"):
        Value(np.ones((2, 1, 3))) @ Value(np.ones((3, 3, 1)))


@pytest.mark.parametrize("bad", ["abc", None, {"a": 1}, np.array(["x"]), np.array([1 + 2j]),
                                 np.array([object()], dtype=object)])
def test_non_numeric_data_is_refused(bad):
    with pytest.raises(TypeError, match="Value"):
        Value(bad)


def test_a_list_of_values_points_to_stack():
    with pytest.raises(TypeError, match="stack"):
        Value([Value(1.0), Value(2.0)])


@pytest.mark.parametrize("call", [lambda v: v.sum(axis=2), lambda v: v.mean(axis=-3),
                                  lambda v: v.max(axis=(0, 0)), lambda v: v.sum(axis=1.5),
                                  lambda v: v.softmax(axis=None), lambda v: v.min(axis=True)])
def test_bad_axes_are_refused_with_the_op_name(call):
    with pytest.raises((ValueError, TypeError), match=r"^(sum|mean|max|min|softmax): "):
        call(Value(np.ones((2, 3))))


def test_shape_errors():
    v = Value(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape shape \(2, 3\)"):
        v.reshape(4, 2)
    with pytest.raises(ValueError, match="transpose: axes"):
        v.transpose(0, 0)
    with pytest.raises(ValueError, match="broadcast_to: cannot broadcast"):
        v.broadcast_to((3, 3))
    with pytest.raises(ValueError, match="concatenate: shapes"):
        ag.concatenate([v, Value(np.ones((2, 2)))], axis=0)
    with pytest.raises(ValueError, match="stack: all Values need one shape"):
        ag.stack([v, Value(np.ones(3))])
    with pytest.raises(IndexError, match="getitem: .*out of bounds"):
        v[5]
    with pytest.raises(IndexError, match="getitem: unsupported index"):
        v["a"]
    with pytest.raises(TypeError, match="getitem: a Value holding a single float"):
        Value(1.0)[0]


def test_other_bad_arguments():
    with pytest.raises(TypeError, match="where: condition must be boolean"):
        ag.where(np.array([1, 0]), 1.0, 2.0)
    with pytest.raises(ValueError, match="clip: low 2 is above high 1"):
        Value(1.0).clip(2, 1)
    with pytest.raises(TypeError, match="astype: only floating dtypes"):
        Value(1.0).astype(np.int32)
    with pytest.raises(TypeError, match="grad: inputs\\[0\\]"):
        ag.grad(Value(1.0) * 2, [np.ones(2)])
    with pytest.raises(ValueError, match="item: only a Value with one element"):
        Value(np.ones(2)).item()


def test_custom_op_arity_is_checked():
    with pytest.raises(TypeError, match="add: takes 2 input"):
        ag.get_op("add")(Value(1.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_ops_are_finite_and_silent_at_plus_minus_1000(dtype):
    x = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, -1000.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (lambda v: v.sigmoid(), lambda v: v.tanh(), lambda v: v.softmax(axis=1),
                  lambda v: v.log_softmax(axis=1), lambda v: v.logsumexp(axis=1), lambda v: v.logsumexp()):
            v = Value(x)
            out = f(v)
            (out * np.arange(out.size).reshape(out.shape)).sum().backward()
            assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(v.grad))
            assert out.dtype == dtype and v.grad.dtype == dtype
        for z in (-1000.0, 1000.0):
            s = Value(z)
            s.sigmoid().backward()
            assert s.grad == 0.0 or np.isfinite(s.grad)
            assert Value(z).tanh().data in (-1.0, 1.0)


@pytest.mark.parametrize("shape", [(7, 3), (5, 10), (4, 32), (6, 33), (3, 4, 5), (2, 3, 40)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_family_matches_the_textbook_formula_on_short_and_long_rows(shape, dtype):
    """Rows of up to 32 entries are reduced in a transposed copy (a faster layout): both layouts
    must give the same numbers, keep the dtype and the memory order, and handle rows of -inf."""
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(0, 3, shape).astype(dtype)
    x[(0,) * (len(shape) - 1)] = -np.inf   # one row with no finite entry
    with np.errstate(invalid="ignore", divide="ignore"):
        rows_max = np.max(x, axis=-1, keepdims=True)
        safe = np.where(np.isfinite(rows_max), rows_max, 0)
        e = np.exp(x.astype(np.float64) - safe)
        expected_lse = np.log(e.sum(axis=-1, keepdims=True)) + safe
        expected_log_softmax = x - expected_lse
        expected_softmax = e / e.sum(axis=-1, keepdims=True)
        v = Value(x)
        lse, log_softmax, softmax = v.logsumexp(axis=-1, keepdims=True), v.log_softmax(axis=-1), v.softmax(axis=-1)
        lse_dropped = v.logsumexp(axis=-1)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(lse.data, expected_lse, rtol=tol, atol=tol)
    np.testing.assert_allclose(lse_dropped.data, expected_lse[..., 0], rtol=tol, atol=tol)
    np.testing.assert_allclose(log_softmax.data, expected_log_softmax, rtol=tol, atol=tol)
    np.testing.assert_allclose(softmax.data, expected_softmax, rtol=tol, atol=tol)
    for out in (lse, log_softmax, softmax):
        assert out.dtype == dtype and out.data.flags.c_contiguous


def test_float32_stays_float32_through_every_op_and_its_gradient():
    rng = np.random.default_rng(0)
    a = Value(rng.uniform(0.5, 2.0, size=(3, 4)).astype(np.float32))
    b = Value(rng.uniform(0.5, 2.0, size=(4,)).astype(np.float32))
    pieces = [a + b, a - 1, 2 * a, a / b, a ** 2, 2 ** a, a ** b, -a, (a @ b)[:, None], a.exp(), a.log(), a.sqrt(),
              a.abs(), a.tanh(), a.sigmoid(), a.relu(), a.clip(0.6, 1.5), a.sum(axis=0, keepdims=True),
              a.mean(axis=1, keepdims=True), a.max(axis=1, keepdims=True), a.min(axis=0, keepdims=True),
              a.logsumexp(axis=1, keepdims=True), a.softmax(axis=1), a.log_softmax(axis=0), a.reshape(4, 3),
              a.T, a[1:, ::2], a.broadcast_to((2, 3, 4)), ag.maximum(a, b), ag.minimum(a, 1.0),
              ag.where(a.data > 1, a, b), ag.concatenate([a, a], axis=1), ag.stack([a, a])]
    total = Value(np.float32(0.0))
    for piece in pieces:
        assert piece.dtype == np.float32, piece.op
        total = total + piece.sum()
    assert total.dtype == np.float32
    total.backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("big", "small"), [
    ((5, 3), (3,)), ((4, 2, 3), (2, 3)), ((4, 2, 3), (3,)), ((5000, 3), (3,)),   # leading axes only
    ((4, 3), (1, 3)), ((2, 4, 3), (4, 1)), ((3, 4), ()),                          # kept axes of size 1
])
def test_sums_that_undo_broadcasting_match_numpy(big, small, dtype):
    """Column sums run through BLAS on contiguous arrays of up to 4096 rows; every layout must
    agree with numpy's own sum (a transposed copy is not contiguous and takes numpy's path)."""
    rng = np.random.default_rng(len(big))
    x = rng.normal(size=big).astype(dtype)
    lead = len(big) - len(small)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(small) if n == 1 and big[lead + i] != 1)
    expected = x.astype(np.float64).sum(axis=axes, keepdims=True).reshape(small)
    tol = 1e-12 if dtype == np.float64 else 1e-4
    for layout in (x, np.asfortranarray(x)):
        got = Value(layout).sum_to(small).data
        assert got.shape == small and got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * len(x))
