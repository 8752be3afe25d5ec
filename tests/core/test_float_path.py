"""A Python-float Value gives what a 0-d float64 array gives, op by op: the same forward and
derivatives at NaN, ±inf and ±0 as at ordinary numbers, IEEE results (inf, nan) where `math` or
Python would raise, no exception and no warning; and the conventions at kinks and ties hold on
floats as they do on arrays."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.ops import BUILTIN
from autograd_lite.testing import HypothesisDraw

NAN, INF = math.nan, math.inf

#: the built-in ops that take 0-d inputs, i.e. Python floats (the rest need at least one dimension)
FLOAT_OPS = sorted(name for name, op in BUILTIN.items() if op.domain.shapes in ("unary", "broadcast"))


def test_the_float_ops_are_the_elementwise_reductions_and_shape_ops():
    assert set(FLOAT_OPS) == {
        "add", "sub", "mul", "div", "neg", "power", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "sin", "cos",
        "relu", "clip", "astype", "sum", "mean", "max", "min", "logsumexp", "reshape", "transpose", "broadcast_to",
        "sum_to", "maximum", "minimum", "where"}


def _numbers(low: float, high: float):
    """Special values, numbers that overflow or underflow somewhere, and the op's own range."""
    return st.one_of(st.sampled_from([NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0]),
                     st.sampled_from([1000.0, -1000.0, 1e308, -1e308, 5e-324, 1e-300]),
                     st.floats(low, high, allow_nan=False))


def _same_number(float_path, array_path, what: str) -> None:
    """Equal as IEEE numbers: both NaN, or the same infinity or signed zero, or equal up to rounding
    (numpy's tanh and math.tanh differ in the last bit)."""
    f, a = float(float_path), float(np.asarray(array_path))
    if math.isnan(f) or math.isnan(a):
        assert math.isnan(f) and math.isnan(a), f"{what}: float path {f!r}, array path {a!r}"
    elif f == 0.0 and a == 0.0:
        assert math.copysign(1.0, f) == math.copysign(1.0, a), f"{what}: float path {f!r}, array path {a!r}"
    else:
        assert math.isclose(f, a, rel_tol=1e-9, abs_tol=1e-12), f"{what}: float path {f!r}, array path {a!r}"


def _same(float_path, array_path, what: str) -> None:
    f, a = np.asarray(float_path, dtype=np.float64), np.asarray(array_path, dtype=np.float64)
    assert f.shape == a.shape, f"{what}: shapes {f.shape} and {a.shape}"
    for index in np.ndindex(f.shape):
        _same_number(f[index], a[index], f"{what} at {index}")


def _run(op, inputs, params):
    """Forward, first derivatives and second derivatives (of the sum of the first) of `op`."""
    values = [Value(x) for x in inputs]
    out = op(*values, **params)
    seed = None if out.size == 1 else np.ones(out.shape)  # (a sum could overflow: broadcast 1e308s)
    firsts = ag.grad(out, values, grad_output=seed, create_graph=True)
    total = Value(0.0, requires_grad=False)
    for g in firsts:
        total = total + g.sum()
    seconds = ag.grad(total, values) if total.requires_grad else [0.0] * len(values)
    return out.data, [g.data for g in firsts], seconds


def _assert_the_paths_agree(op, inputs: list[float], params: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no exception and no warning on the float path
        by_float = _run(op, inputs, params)
    with np.errstate(all="ignore"):  # arrays warn as numpy does
        by_array = _run(op, [np.array(x) for x in inputs], params)
    call = f"{op.name}{tuple(inputs)}" + (f" with {params}" if params else "")
    _same(by_float[0], by_array[0], f"{call} forward")
    for order in (1, 2):
        for i, (f, a) in enumerate(zip(by_float[order], by_array[order], strict=True)):
            _same(f, a, f"{call} derivative {order} in input {i}")


@pytest.mark.parametrize("name", FLOAT_OPS)
@given(data=st.data())
def test_the_float_path_gives_what_a_0d_array_gives(name, data):
    op = ag.get_op(name)
    domain, draw = op.domain, HypothesisDraw(data)
    shapes = ((),) * domain.arity
    params = domain.params(draw, shapes) if domain.params else {}
    inputs = [data.draw(_numbers(*domain.value_range(i)), label=f"input {i}") for i in range(domain.arity)]
    _assert_the_paths_agree(op, inputs, params)


#: NaN, the infinities, the signed zeros, numbers near kinks and bounds, and where exp overflows
SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, 1000.0]
GRID_CASES = [(name, {}) for name in FLOAT_OPS if BUILTIN[name].domain.params is None] + [
    ("clip", {"low": low, "high": high}) for low, high in [(-1.0, 1.0), (0.0, None), (None, -0.0), (-0.0, 0.0)]]


@pytest.mark.parametrize(("name", "params"), GRID_CASES, ids=[f"{n}{p or ''}" for n, p in GRID_CASES])
def test_every_combination_of_special_values_agrees(name, params):
    """All of SPECIAL (and every pair of it, for two inputs): the corners a drawn example can miss."""
    op = ag.get_op(name)
    for inputs in itertools.product(SPECIAL, repeat=op.arity):
        _assert_the_paths_agree(op, list(inputs), params)


# ----- IEEE results where math and Python raise --------------------------------------------------------------
def _float_only(call):
    """`call()` with every warning an error: the float path is silent."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: Value(-1.0).log(), NAN), (lambda: Value(0.0).log(), -INF), (lambda: Value(-0.0).log(), -INF),
    (lambda: Value(-4.0).sqrt(), NAN), (lambda: Value(-0.0).sqrt(), -0.0),
    (lambda: Value(1.0) / 0.0, INF), (lambda: Value(-1.0) / 0.0, -INF), (lambda: Value(1.0) / -0.0, -INF),
    (lambda: Value(0.0) / 0.0, NAN), (lambda: Value(-8.0) ** (1 / 3), NAN), (lambda: Value(0.0) ** -1.0, INF),
    (lambda: Value(-0.0) ** -1.0, -INF), (lambda: Value(10.0) ** 400.0, INF), (lambda: Value(-10.0) ** 401.0, -INF),
    (lambda: Value(1000.0).exp(), INF), (lambda: Value(NAN).relu(), NAN),
    (lambda: ag.maximum(Value(NAN), 1.0), NAN), (lambda: ag.maximum(1.0, Value(NAN)), NAN),
    (lambda: ag.minimum(Value(NAN), 1.0), NAN), (lambda: Value(NAN).clip(-1.0, 1.0), NAN),
    (lambda: Value(-0.0) ** 0.5, -0.0), (lambda: Value(-INF) ** 0.5, NAN),  # numpy's x ** 0.5 is sqrt(x)
    (lambda: Value(-0.0).relu(), 0.0), (lambda: Value(-0.0).clip(low=0.0), 0.0),  # a tie gives the bound
    (lambda: Value(0.0).clip(high=-0.0), -0.0), (lambda: ag.maximum(Value(-0.0), 0.0), 0.0),
    (lambda: ag.maximum(Value(0.0), -0.0), -0.0), (lambda: ag.minimum(Value(0.0), -0.0), -0.0),
])
def test_where_math_would_raise_the_float_path_gives_numpys_number(call, expected):
    out = _float_only(call)
    assert type(out.data) is float
    _same_number(out.data, expected, "forward")


def _float_grads(f, *xs):
    values = [Value(x) for x in xs]
    return _float_only(lambda: ag.grad(f(*values), values))


@pytest.mark.parametrize(("f", "inputs", "expected"), [
    (lambda x: x.sqrt(), (0.0,), (INF,)),                      # 1/(2√0)
    (lambda x: x ** 0.5, (0.0,), (INF,)),
    (lambda x: x ** 0, (0.0,), (0.0,)),
    (lambda x: x ** -1.0, (0.0,), (-INF,)),
    (lambda x: x.log(), (0.0,), (INF,)),
    (lambda x: x.log(), (-0.0,), (-INF,)),
    (lambda a, b: a / b, (1.0, 0.0), (INF, -INF)),             # 1/b and -a/b²
    (lambda a, b: a / b, (0.0, 0.0), (INF, NAN)),
    (lambda b: 0.0 ** b, (2.0,), (0.0,)),
    (lambda b: 0.0 ** b, (0.0,), (0.0,)),
    (lambda b: 0.0 ** b, (-1.0,), (-INF,)),
    (lambda x: x.abs(), (NAN,), (NAN,)),                       # sign(nan) is nan, as numpy's
])
def test_float_backward_follows_ieee_without_raising(f, inputs, expected):
    for got, want in zip(_float_grads(f, *inputs), expected, strict=True):
        assert type(got) is float
        _same_number(got, want, "gradient")


def test_the_issue_examples_of_float_backward_no_longer_raise():
    x = Value(0.0)
    _float_only(lambda: x.sqrt().backward())
    assert x.grad == INF
    b = Value(np.array([2.0, 0.0, 1.0]))
    _float_only(lambda: (0.0 ** b).sum().backward())
    np.testing.assert_array_equal(b.grad, [0.0, 0.0, 0.0])


# ----- kinks, bounds and ties on floats -------------------------------------------------------------------
def _first_and_second(f, x: float) -> tuple[float, float]:
    v = Value(x)
    (g,) = ag.grad(f(v), [v], create_graph=True)
    (h,) = ag.grad(g, [v]) if g.requires_grad else (0.0,)
    return g.data, h


@pytest.mark.parametrize("x", [0.0, -0.0])
def test_abs_and_relu_have_derivative_zero_at_a_float_zero(x):
    for f in (lambda v: v.abs(), lambda v: v.relu()):
        g, h = _first_and_second(f, x)
        assert (g, h) == (0.0, 0.0) and type(g) is float
    assert _first_and_second(lambda v: v.abs(), 2.0)[0] == 1.0
    assert _first_and_second(lambda v: v.abs(), -2.0)[0] == -1.0


@pytest.mark.parametrize(("low", "high"), [(-1.0, 1.0), (-0.5, None), (None, 0.5), (0.0, 0.0)])
def test_clip_passes_the_gradient_at_its_float_bounds(low, high):
    for bound in (b for b in (low, high) if b is not None):
        assert _first_and_second(lambda v: v.clip(low, high), bound) == (1.0, 0.0)
        outside = bound - 1.0 if bound == low else bound + 1.0
        assert _first_and_second(lambda v: v.clip(low, high), outside)[0] == 0.0


@pytest.mark.parametrize("x", [0.0, -0.5, 2.0])
def test_maximum_and_minimum_split_a_float_tie(x):
    for pick in (ag.maximum, ag.minimum):
        a, b = Value(x), Value(x)
        assert ag.grad(pick(a, b), [a, b]) == (0.5, 0.5)


@pytest.mark.parametrize("x", [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, NAN])
def test_kink_masks_on_floats_match_the_masks_on_arrays(x):
    for f in (lambda v: v.abs(), lambda v: v.relu(), lambda v: v.clip(-0.5, 1.0), lambda v: v.clip(low=0.0)):
        on_float = _first_and_second(f, x)
        with np.errstate(invalid="ignore"):
            on_array = _first_and_second(f, np.array([x]))
        _same(on_float[0], np.ravel(on_array[0])[0], "first derivative")
        _same(on_float[1], np.ravel(on_array[1])[0], "second derivative")
