"""The everyday Value API a numpy or PyTorch user reaches for, each against its numpy/PyTorch meaning:
number conversions and formatting, tolist, requires_grad_, var/std, argmax/argmin, the reshaping
views (flatten, squeeze, unsqueeze, expand_dims, mT), sin and cos, Values from array-likes, and
copying and pickling (of Values and of models)."""

from __future__ import annotations

import copy
import math
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
import nn
from autograd_lite import Value
from autograd_lite import symbols as S
from autograd_lite.ops import BUILTIN
from autograd_lite.versions import CLOCK, DataChangedError

FINITE = st.floats(-1e6, 1e6, allow_nan=False)
SMALL = st.floats(-3.0, 3.0, allow_nan=False)


def arrays(elements=SMALL, min_dims: int = 0, max_dims: int = 3, min_side: int = 1):
    return hnp.arrays(np.float64, hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                                   max_side=4), elements=elements)


@st.composite
def arrays_and_axes(draw, min_side: int = 1):
    """An array, and an axis as a user writes it (None, an int, a tuple; negative allowed)."""
    x = draw(arrays(min_dims=1, min_side=min_side))
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return x, None
    if kind == "int":
        return x, draw(st.integers(-x.ndim, x.ndim - 1))
    chosen = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True))
    return x, tuple(a - x.ndim if draw(st.booleans()) else a for a in chosen)


def _grad_of(f, x: np.ndarray) -> np.ndarray:
    """d(sum(f(x) * weights))/dx by backward, with fixed weights so every output element counts."""
    v = Value(x)
    out = f(v)
    weights = np.random.default_rng(0).uniform(0.5, 1.5, size=out.shape)
    (out * weights).sum().backward()
    return v.grad


# ----- number conversions and formatting ----------------------------------------------------------------------
@given(x=FINITE, shape=st.sampled_from([None, (), (1,), (1, 1)]), digits=st.integers(-2, 4))
def test_number_conversions_give_what_python_gives_for_the_one_number(x, shape, digits):
    v = Value(x) if shape is None else Value(np.full(shape, x))
    assert type(float(v)) is float and float(v) == x
    assert type(int(v)) is int and int(v) == int(x)
    assert type(round(v)) is int and round(v) == round(x)
    assert round(v, digits) == round(x, digits) and type(round(v, digits)) is float
    assert format(v, ".3f") == format(x, ".3f") and f"{v:>12.2e}" == f"{x:>12.2e}"


def test_a_float32_value_converts_through_its_own_number():
    v = Value(np.array([0.1], dtype=np.float32))
    assert float(v) == float(np.float32(0.1)) and f"{v:.10f}" == f"{float(np.float32(0.1)):.10f}"


def test_a_plain_f_string_is_still_the_repr():
    v = Value(np.ones(3), label="w")
    assert f"{v}" == str(v) == repr(v) and format(Value(2.0)) == repr(Value(2.0))


@pytest.mark.parametrize("convert, name", [(float, "float"), (int, "int"), (round, "round"),
                                           (lambda v: round(v, 2), "round"),
                                           (lambda v: format(v, ".2f"), "format")])
def test_number_conversions_of_several_elements_are_refused_by_name(convert, name):
    with pytest.raises(ValueError, match=rf"{name}\(\): only a Value with one element converts to a number, "
                                         r"this one has 3 elements \(shape \(3,\)\)"):
        convert(Value(np.ones(3)))


def test_conversions_follow_python_at_nan_and_inf():
    assert math.isnan(float(Value(math.nan))) and float(Value(np.array(-math.inf))) == -math.inf
    with pytest.raises(ValueError):
        int(Value(math.nan))
    with pytest.raises(OverflowError):
        round(Value(math.inf))


@given(x=arrays())
def test_tolist_is_numpys(x):
    assert Value(x).tolist() == x.tolist()


def test_tolist_of_a_float_value_is_the_float_and_of_float32_python_floats():
    assert Value(2.5).tolist() == 2.5 and type(Value(2.5).tolist()) is float
    listed = Value(np.array([[0.5], [1.5]], dtype=np.float32)).tolist()
    assert listed == [[0.5], [1.5]] and type(listed[0][0]) is float


# ----- requires_grad_ ------------------------------------------------------------------------------------------
def test_requires_grad_underscore_switches_a_leaf_and_returns_it():
    x = Value(np.array([1.0, 2.0]), requires_grad=False)
    assert x.requires_grad_() is x and x.requires_grad
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    assert x.requires_grad_(False) is x and not x.requires_grad
    assert not (x * 3).requires_grad


def test_requires_grad_underscore_on_a_computed_value_is_refused():
    y = Value(2.0) * 3
    with pytest.raises(RuntimeError, match=r"requires_grad_: this Value was computed by op 'mul'.*detach\(\)"):
        y.requires_grad_(False)


@pytest.mark.parametrize("flag", ["no", None, 2, 0.5])
def test_requires_grad_underscore_takes_true_or_false_only(flag):
    with pytest.raises(TypeError, match=r"requires_grad_: the flag must be True or False"):
        Value(1.0).requires_grad_(flag)


# ----- var and std ---------------------------------------------------------------------------------------------
@given(case=arrays_and_axes(min_side=2), keepdims=st.booleans(), ddof=st.sampled_from([0, 1]))
def test_var_and_std_are_numpys(case, keepdims, ddof):
    x, axis = case
    for method in ("var", "std"):
        got = getattr(Value(x), method)(axis=axis, keepdims=keepdims, ddof=ddof)
        want = getattr(np, method)(x, axis=axis, keepdims=keepdims, ddof=ddof)
        assert got.shape == np.shape(want)
        np.testing.assert_allclose(got.data, want, rtol=1e-9, atol=1e-12)


@given(case=arrays_and_axes(min_side=2), keepdims=st.booleans(), ddof=st.sampled_from([0, 1]))
def test_var_and_std_gradients_are_pytorchs(case, keepdims, ddof):
    torch = pytest.importorskip("torch")
    x, axis = case
    assume(np.all(np.var(x, axis=axis) > 1e-3))  # off constant slices: their std's gradient is roundoff's
    for method in ("var", "std"):
        def ours(v, method=method):
            return getattr(v, method)(axis=axis, keepdims=keepdims, ddof=ddof)
        t = torch.tensor(x, requires_grad=True)
        dim = None if axis is None else axis if isinstance(axis, tuple) else (axis,)
        out = getattr(torch, method)(t, dim=dim, correction=ddof, keepdim=keepdims)
        weights = np.random.default_rng(0).uniform(0.5, 1.5, size=tuple(out.shape))
        (out * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(_grad_of(ours, x), t.grad.numpy(), rtol=1e-7, atol=1e-9)


def test_std_of_equal_elements_has_pytorchs_zero_gradient_not_nan():
    torch = pytest.importorskip("torch")
    x = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    t = torch.tensor(x, requires_grad=True)
    torch.std(t, dim=1).sum().backward()
    v = Value(x)
    out = v.std(axis=1, ddof=1)
    np.testing.assert_allclose(out.data, [0.0, np.std(x[1], ddof=1)], rtol=1e-15)
    out.sum().backward()
    np.testing.assert_allclose(v.grad, t.grad.numpy(), rtol=1e-12)
    assert np.all(v.grad[0] == 0.0)


def test_var_second_derivative_matches_central_differences_of_its_gradient():
    x = Value(np.array([0.3, -1.2, 2.0, 0.7]))
    (g,) = ag.grad(x.var(ddof=1), [x], create_graph=True)
    direction = np.array([1.0, -0.5, 0.25, 2.0])
    (hvp,) = ag.grad((g * direction).sum(), [x])
    # var's Hessian is (I - 11ᵀ/n)·2/(n - ddof)
    n = 4
    np.testing.assert_allclose(hvp, (direction - direction.mean()) * 2 / (n - 1), rtol=1e-12)


def test_var_of_a_float_value_is_a_float_zero():
    out = Value(2.5).var()
    assert type(out.data) is float and out.data == 0.0


def test_var_with_no_degrees_of_freedom_is_refused():
    with pytest.raises(ValueError, match=r"var: ddof=1 leaves no degrees of freedom: 1 element\(s\) along "
                                         r"axis 0 of shape \(1, 3\)"):
        Value(np.ones((1, 3))).var(axis=0, ddof=1)
    with pytest.raises(ValueError, match="std: ddof=3"):
        Value(np.ones(3)).std(ddof=3)
    with pytest.raises(TypeError, match="var: ddof must be a number"):
        Value(np.ones(3)).var(ddof="1")


# ----- argmax and argmin ---------------------------------------------------------------------------------------
@given(x=arrays(elements=st.integers(-2, 2).map(float), min_dims=1), data=st.data())
def test_argmax_and_argmin_are_numpys_raw_integers(x, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)))
    v = Value(x)
    for method in ("argmax", "argmin"):
        got, want = getattr(v, method)(axis=axis), getattr(np, method)(x, axis=axis)
        assert not isinstance(got, Value)
        np.testing.assert_array_equal(got, want)
        assert np.asarray(got).dtype.kind == "i"


def test_argmax_of_a_float_value_is_zero():
    assert Value(3.0).argmax() == 0 and Value(3.0).argmin() == 0


def test_argmax_errors_name_the_method_and_shape():
    with pytest.raises(ValueError, match=r"argmax: axis 2 is out of range for a Value with 2 dimension\(s\)"):
        Value(np.ones((2, 3))).argmax(axis=2)
    with pytest.raises(ValueError, match=r"argmin: .*empty.*shape \(0,\)"):
        Value(np.ones(0)).argmin()
    with pytest.raises(TypeError, match=r"argmax: axis must be None or an int"):
        Value(np.ones((2, 3))).argmax(axis=(0, 1))


# ----- reshaping views: flatten, squeeze, unsqueeze, expand_dims, mT -------------------------------------------
def _assert_a_reshape_view(out: Value, x: Value) -> None:
    assert out.op == "reshape" and out.parents == (x,)
    assert np.shares_memory(out.numpy(), x.numpy())


@given(x=arrays())
def test_flatten_is_numpys_and_a_view_of_the_input(x):
    v = Value(x)
    out = v.flatten()
    np.testing.assert_array_equal(out.data, x.flatten())
    if x.ndim:
        _assert_a_reshape_view(out, v)
    np.testing.assert_array_equal(_grad_of(lambda v: v.flatten(), x), np.ones_like(x) *
                                  np.random.default_rng(0).uniform(0.5, 1.5, size=x.size).reshape(x.shape))


@st.composite
def arrays_with_ones(draw):
    shape = draw(st.lists(st.sampled_from([1, 1, 2, 3]), min_size=0, max_size=4))
    return draw(hnp.arrays(np.float64, tuple(shape), elements=SMALL))


@given(x=arrays_with_ones(), data=st.data())
def test_squeeze_is_numpys(x, data):
    ones = [i for i, n in enumerate(x.shape) if n == 1]
    axis = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(ones), unique=True).map(tuple) if ones
                               else st.none()))
    v = Value(x)
    out = v.squeeze(axis)
    want = np.squeeze(x, axis)
    assert out.shape == want.shape
    np.testing.assert_array_equal(out.data, want)
    assert ag.grad(out.sum(), [v])[0].shape == x.shape


@given(x=arrays(max_dims=2), data=st.data())
def test_unsqueeze_and_expand_dims_are_numpys_expand_dims(x, data):
    axis = data.draw(st.integers(-x.ndim - 1, x.ndim))
    v = Value(x)
    want = np.expand_dims(x, axis)
    for out in (v.unsqueeze(axis), v.expand_dims(axis)):
        assert out.shape == want.shape
        _assert_a_reshape_view(out, v)
    count = data.draw(st.integers(1, 2))
    several = data.draw(st.lists(st.integers(-x.ndim - count, x.ndim + count - 1), min_size=count, max_size=count)
                        .filter(lambda axes: len({a % (x.ndim + count) for a in axes}) == count).map(tuple))
    assert v.expand_dims(several).shape == np.expand_dims(x, several).shape


def test_squeeze_and_unsqueeze_errors_name_the_method_and_the_shapes():
    v = Value(np.ones((2, 3, 1)))
    with pytest.raises(ValueError, match=r"squeeze: axis 1 of shape \(2, 3, 1\) has size 3; only axes of size 1"):
        v.squeeze(1)
    with pytest.raises(ValueError, match=r"squeeze: axis 3 is out of range for a Value with 3 dimension"):
        v.squeeze(3)
    with pytest.raises(ValueError, match=r"unsqueeze: axis 4 is out of range for a Value with 4 dimension\(s\): "
                                         r"axes count in the result, shape \(2, 3, 1\) with 1 new axis"):
        v.unsqueeze(4)
    with pytest.raises(TypeError, match=r"unsqueeze: axis must be an int"):
        v.unsqueeze((0, 1))
    with pytest.raises(ValueError, match=r"expand_dims: axis \(0, 0\) repeats an axis"):
        v.expand_dims((0, 0))


def test_squeezing_a_float_value_keeps_it_a_float():
    v = Value(2.0)
    assert type(v.squeeze().data) is float and v.unsqueeze(0).shape == (1,)


@given(x=arrays(min_dims=2, max_dims=4))
def test_mT_swaps_the_last_two_axes_as_numpy_does(x):
    v = Value(x)
    np.testing.assert_array_equal(v.mT.data, np.swapaxes(x, -1, -2))
    assert v.mT.op == "transpose" and np.shares_memory(v.mT.numpy(), v.numpy())
    assert ag.grad(v.mT.sum(), [v])[0].shape == x.shape


def test_mT_of_fewer_than_two_dimensions_is_refused():
    with pytest.raises(ValueError, match=r"mT: needs a Value with at least 2 dimensions, got shape \(3,\)"):
        _ = Value(np.ones(3)).mT


# ----- sin and cos ---------------------------------------------------------------------------------------------
def test_sin_and_cos_are_built_in_ops_that_the_property_suite_tests():
    assert BUILTIN["sin"] is ag.get_op("sin") and BUILTIN["cos"] is ag.get_op("cos")


@given(x=arrays(elements=st.floats(-10, 10)))
def test_sin_and_cos_and_their_derivatives_are_numpys(x):
    v = Value(x)
    np.testing.assert_allclose(v.sin().data, np.sin(x), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(v.cos().data, np.cos(x), rtol=1e-15, atol=1e-15)
    (first,) = ag.grad(v.sin().sum(), [v], create_graph=True)
    np.testing.assert_allclose(first.data, np.cos(x), atol=1e-15)
    np.testing.assert_allclose(ag.grad(first.sum(), [v])[0], -np.sin(x), atol=1e-15)
    np.testing.assert_allclose(ag.grad(v.cos().sum(), [v])[0], -np.sin(x), atol=1e-15)


@pytest.mark.parametrize("x", [math.inf, -math.inf, math.nan])
def test_sin_and_cos_of_a_float_at_inf_and_nan_are_nan_without_an_exception(x):
    v = Value(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = (v.sin(), v.cos())
        (v.sin() + v.cos()).backward()
    assert all(type(o.data) is float and math.isnan(o.data) for o in outs) and math.isnan(v.grad)


def test_sin_and_cos_rules_print_as_their_textbook_derivatives():
    x = Value(0.5, label="x")
    assert [S.text(f) for f in S.local_derivatives(x.sin())] == ["cos(x)"]
    assert [S.text(f) for f in S.local_derivatives(x.cos())] == ["-sin(x)"]
    assert S.latex(S.local_derivatives(x.sin())[0]) == r"\cos\left(x\right)"


# ----- Value(obj) for array-likes -----------------------------------------------------------------------------
class ArrayLike:
    """What pandas Series and friends offer: an ``__array__`` (numpy 2's signature)."""

    def __init__(self, values):
        self.values = np.asarray(values)

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)


class OldArrayLike:
    """An ``__array__`` written before numpy 2 (no copy argument)."""

    def __init__(self, values):
        self.values = np.asarray(values)

    def __array__(self, dtype=None):
        return self.values


@pytest.mark.parametrize("kind", [ArrayLike, OldArrayLike])
def test_a_value_from_an_array_like_holds_a_copy_of_its_array(kind):
    source = kind(np.array([[1.0, 2.0], [3.0, 4.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's DeprecationWarning for the old signature included
        v = Value(source)
    source.values[0, 0] = 100.0
    np.testing.assert_array_equal(v.data, [[1.0, 2.0], [3.0, 4.0]])
    (v * v).sum().backward()
    np.testing.assert_array_equal(v.grad, [[2.0, 4.0], [6.0, 8.0]])


def test_an_array_like_of_integers_becomes_float64_and_one_of_strings_is_refused():
    assert Value(ArrayLike([1, 2])).dtype == np.float64
    assert Value(ArrayLike(np.ones(2, dtype=np.float32))).dtype == np.float32
    with pytest.raises(TypeError, match="Value: data must be real numbers, got an array of dtype <U1"):
        Value(ArrayLike(["a"]))


def test_an_array_like_that_fails_to_convert_is_named():
    class Broken:
        def __array__(self, dtype=None, copy=None):
            raise RuntimeError("no numpy for you")

    with pytest.raises(TypeError, match=r"Value: could not make a numeric array from Broken: no numpy for you"):
        Value(Broken())


def test_a_torch_tensor_becomes_a_value():
    torch = pytest.importorskip("torch")
    v = Value(torch.arange(3.0))
    np.testing.assert_array_equal(v.data, [0.0, 1.0, 2.0])
    assert v.dtype == np.float32


# ----- copying and pickling -----------------------------------------------------------------------------------
ROUND_TRIPS = {"pickle": lambda v: pickle.loads(pickle.dumps(v)), "deepcopy": copy.deepcopy, "copy": copy.copy}


@pytest.mark.parametrize("how", sorted(ROUND_TRIPS))
@pytest.mark.parametrize("data", [2.5, np.arange(6.0).reshape(2, 3), np.ones(3, dtype=np.float32)])
def test_a_leaf_round_trips_with_its_data_flags_label_scope_and_grad(how, data):
    with ag.scope("model"):
        v = Value(data, label="w")
    (v * v).sum().backward()
    out = ROUND_TRIPS[how](v)
    assert out is not v and out.is_leaf and out.label == "w" and out.scope == "model" and out.requires_grad
    assert type(out.data) is type(v.data) and out.dtype == v.dtype
    np.testing.assert_array_equal(out.data, v.data)
    assert out.has_grad
    np.testing.assert_array_equal(out.grad, 2 * np.asarray(data))
    if type(data) is not float:  # data of its own: changing the copy leaves the original alone
        assert not np.shares_memory(out.numpy(), v.numpy()) and not np.shares_memory(out.grad, v.grad)


@pytest.mark.parametrize("how", sorted(ROUND_TRIPS))
def test_a_frozen_leaf_without_grad_round_trips_without_one(how):
    out = ROUND_TRIPS[how](Value(np.ones(2), requires_grad=False))
    assert not out.requires_grad and not out.has_grad


@pytest.mark.parametrize("how", sorted(ROUND_TRIPS))
def test_a_graph_node_round_trips_as_a_leaf_holding_its_data(how):
    x = Value(np.array([1.0, 2.0]), label="x")
    y = x * 3.0
    y.label = "y"
    y.sum().backward()
    out = ROUND_TRIPS[how](y)
    assert out.is_leaf and out.op is None and out.parents == () and out.label == "y" and out.requires_grad
    np.testing.assert_array_equal(out.data, [3.0, 6.0])
    np.testing.assert_array_equal(out.grad, [1.0, 1.0])
    (out * out).sum().backward()
    np.testing.assert_array_equal(out.grad, [7.0, 13.0])  # its own leaf gradient accumulates
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])  # and the original graph is untouched


def test_deepcopy_copies_a_value_held_twice_once():
    v = Value(np.ones(2))
    first, second = copy.deepcopy([v, v])
    assert first is second and first is not v


@pytest.mark.parametrize("how", sorted(ROUND_TRIPS))
def test_a_copy_is_a_fresh_value_with_a_fresh_stamp_and_no_snapshot(how):
    v = Value(np.ones(3))
    v.data[0] = 2.0  # hands the array out: a snapshot is kept
    v._version = CLOCK.now + 10**9  # as if stamped by a process whose clock ran further on
    out = ROUND_TRIPS[how](v)
    assert out._version <= CLOCK.now and getattr(out, "_kept", None) is None
    y = (out * out).sum()
    y.backward()  # no DataChangedError: the copy was written before the graph was recorded
    np.testing.assert_array_equal(out.grad, [4.0, 2.0, 2.0])


@pytest.mark.parametrize("how", sorted(ROUND_TRIPS))
def test_writes_to_a_copy_after_recording_are_caught_as_on_any_value(how):
    out = ROUND_TRIPS[how](Value(np.ones(3)))
    y = (out * out).sum()
    out.data[1] = 5.0
    with pytest.raises(DataChangedError):
        y.backward()


def test_a_value_pickled_after_many_writes_differentiates_in_a_fresh_process(tmp_path):
    w = Value(np.array([1.0, 2.0]), label="w")
    for _ in range(1000):
        w.data = w.data + 0.0  # each write moves the clock on
    path = tmp_path / "w.pickle"
    path.write_bytes(pickle.dumps(w))
    script = (f"import pickle; import autograd_lite as ag; w = pickle.loads(open({str(path)!r}, 'rb').read()); "
              "y = (w * w).sum(); other = ag.Value(0.0); other.data = 1.0; "  # the new process's clock moves on
              "y.backward(); print(w.label, w.grad.tolist())")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["w", "[2.0,", "4.0]"]


def _mlp_output(model, x):
    with ag.no_grad():
        return model(x).numpy().copy()


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_model_copies_and_pickles_with_its_parameters(how):
    model = nn.MLP(3, [4, 2], seed=0)
    x = np.random.default_rng(1).normal(size=(5, 3))
    out = ROUND_TRIPS[how](model)
    np.testing.assert_array_equal(_mlp_output(out, x), _mlp_output(model, x))
    assert [name for name, _ in out.named_parameters()] == [name for name, _ in model.named_parameters()]
    assert not set(map(id, out.parameters())) & set(map(id, model.parameters()))
    before = {name: p.numpy().copy() for name, p in model.named_parameters()}
    optimizer = nn.SGD(out.parameters(), lr=0.1)
    out(x).sum().backward()
    optimizer.step()  # training the copy
    for name, p in model.named_parameters():  # leaves the original as it was
        np.testing.assert_array_equal(p.numpy(), before[name])
    assert not np.array_equal(_mlp_output(out, x), _mlp_output(model, x))
