"""``grad(create_graph=True)`` gives the first-order gradients, as Values: the same numbers, shapes,
dtypes and kinds (a Python float for a Python-float input) as ``grad()``, for every op.

The second-order check (`autograd_lite.testing.check_second_order`) differentiates
``sum(gradient · v)`` and so cannot see a gradient that was never reduced to its input's shape
(broadcasting inside ``gradient · v`` hides it) or one a rule gets wrong only on Values, where a
rule's branch for Values or a helper's Value reading differs from the raw one. Comparing with
the first-order gradients, element by element, does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
import nn.primitives
from autograd_lite import Value
from autograd_lite import functional as F
from autograd_lite.ops import BUILTIN
from autograd_lite.testing import HypothesisDraw, draw_case

NN_OPS = {v.name: v for v in vars(nn.primitives).values() if isinstance(v, ag.Op)}
OPS = {**BUILTIN, **NN_OPS}


def test_the_ops_nn_defines_are_compared_too():
    assert {"affine", "softmax_cross_entropy"} <= set(NN_OPS)


def _tolerance(dtype: np.dtype) -> dict:
    return {"rtol": 1e-12, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-6, "atol": 1e-6}


def assert_same_gradient(first: Any, second: Value, like: Value, what: str) -> None:
    """`second` (create_graph) holds what `first` (first order) is, both shaped and typed like `like`."""
    assert isinstance(second, Value), f"{what}: create_graph gave a {type(second).__name__}, not a Value"
    kept = second.data
    if type(like.data) is float:
        assert type(first) is float and type(kept) is float, \
            f"{what}: a Python-float input got {type(first).__name__} and {type(kept).__name__}"
    else:
        assert type(first) is np.ndarray and type(kept) is np.ndarray, \
            f"{what}: an array input got {type(first).__name__} and {type(kept).__name__}"
        assert first.shape == kept.shape == like.shape, \
            f"{what}: input shape {like.shape}, first order {first.shape}, create_graph {kept.shape}"
        assert first.dtype == kept.dtype == like.dtype, \
            f"{what}: input dtype {like.dtype}, first order {first.dtype}, create_graph {kept.dtype}"
    np.testing.assert_allclose(kept, first, err_msg=what, **_tolerance(like.dtype))


def _compare(root: Value, inputs: list[Value], what: str) -> None:
    first = ag.grad(root, inputs)
    second = ag.grad(root, inputs, create_graph=True)
    for i, (x, a, b) in enumerate(zip(inputs, first, second, strict=True)):
        assert_same_gradient(a, b, x, f"{what}, input {i}")


def _weights(out: Value, draw: HypothesisDraw) -> Any:
    """Random weights like `out` (its dtype too): sum(out * w) reaches every output element."""
    if type(out.data) is float:
        return draw.floats(-1.0, 1.0)
    return draw.array(out.shape, -1.0, 1.0).astype(out.dtype)


@pytest.mark.parametrize("name", sorted(OPS))
@given(data=st.data())
def test_create_graph_gradients_equal_the_first_order_ones(name, data):
    op = OPS[name]
    draw = HypothesisDraw(data)
    inputs, params = draw_case(op, data)
    # some arrays in float32 (mixed with float64 they promote; each gradient comes back in its input's dtype)
    inputs = [x.astype(np.float32) if type(x) is np.ndarray and draw.boolean() else x for x in inputs]
    if name == "astype":
        params = {"dtype": draw.choice(["float32", "float64"])}
    values = [Value(x) for x in inputs]
    out = op(*values, **params)
    _compare((out * _weights(out, draw)).sum(), values, f"{name} with params {params}")


# broadcasting and casts, each on purpose (the drawn cases reach them only now and then)
CASES = {
    "a (3,) input broadcast into (2, 3)": lambda: (lambda a, b: a * b, [np.ones(3), np.arange(6.0).reshape(2, 3)]),
    "a (2, 1) float32 input and a (3,) float64 one": lambda: (
        lambda a, b: (a - b).exp(), [np.ones((2, 1), np.float32), np.arange(3.0)]),
    "a Python float with an array": lambda: (lambda a, b: a * b + a, [2.0, np.arange(6.0).reshape(2, 3)]),
    "a Python float into a reduction of an array": lambda: (lambda a, b: (a * b).sum(axis=0), [2.0, np.ones((2, 3))]),
    "float32 cast to float64": lambda: (lambda a, b: a.astype(np.float64) * b, [np.ones(3, np.float32), np.ones(3)]),
    "float64 cast to float32": lambda: (lambda a, b: a.astype(np.float32) * b,
                                        [np.arange(3.0), np.ones(3, np.float32)]),
    "a Python float cast to a 0-d float32": lambda: (lambda a, b: a.astype(np.float32) * b,
                                                     [1.5, np.ones((2, 2), np.float32)]),
    "matmul with a broadcast batch": lambda: (lambda a, b: a @ b, [np.ones((2, 3)), np.ones((4, 3, 2))]),
    "where with a broadcast input": lambda: (lambda a, b: ag.where(np.array([True, False, True]), a, b),
                                             [np.ones((2, 3)), np.ones((1, 3), np.float32)]),
    "softmax of a broadcast sum": lambda: (lambda a, b: (a + b).softmax(axis=0), [np.ones(3), np.ones((2, 3))]),
    "cross-entropy, mean": lambda: (lambda a, b: nn.cross_entropy(a * b, [0, 2]), [np.ones((2, 3)), np.ones(3)]),
    "cross-entropy, sum, float32": lambda: (lambda a, b: nn.cross_entropy(a * b, [1, 0], reduction="sum"),
                                            [np.ones((2, 3), np.float32), np.ones(3, np.float32)]),
}


@pytest.mark.parametrize("case", CASES)
@given(scale=st.floats(-2.0, 2.0, allow_nan=False), shift=st.floats(-1.0, 1.0, allow_nan=False))
def test_broadcast_and_cast_gradients_match_with_create_graph(case, scale, shift):
    f, arrays = CASES[case]()
    values = [Value(x * scale + shift if type(x) is float else (x * scale + shift).astype(x.dtype)) for x in arrays]
    out = f(*values)
    weights = np.linspace(-1.0, 1.5, num=out.data.size).reshape(out.shape).astype(out.dtype)
    _compare((out * weights).sum(), values, case)


# ----- the helpers rules are written in: their Value reading must be their raw reading -----------------------
HELPERS = {
    "exp": lambda x: F.exp(x),
    "log": lambda x: F.log(x),
    "sigmoid": lambda x: F.sigmoid(x),
    "softmax over axis 0": lambda x: F.softmax(x, (0,)),
    "softmax over the last axis": lambda x: F.softmax(x, (1,)),
    "log_softmax over axis 0": lambda x: F.log_softmax(x, (0,)),
    "log_softmax over the last axis": lambda x: F.log_softmax(x, (1,)),
    "sum of all": lambda x: F.sum(x),
    "sum over axis 0": lambda x: F.sum(x, (0,)),
    "sum over the last axis, kept": lambda x: F.sum(x, (1,), True),
    "sum of all, kept": lambda x: F.sum(x, None, True),
    "reshape": lambda x: F.reshape(x, (3, 2)),
    "transpose": lambda x: F.transpose(x, (1, 0)),
    "swap_last": lambda x: F.swap_last(F.reshape(x, (1, 2, 3))),
    "broadcast_to": lambda x: F.broadcast_to(x, (4, 2, 3)),
    "sum_to a row": lambda x: F.sum_to(x, (3,)),
    "sum_to a column": lambda x: F.sum_to(x, (2, 1)),
    "expand_reduced": lambda x: F.expand_reduced(F.sum(x, (1,)), (2, 3), (1,), False),
    "where with a mask": lambda x: F.where(np.array([[True, False, True], [False, True, True]]), x, 2 * x),
    "where with a broadcast mask": lambda x: F.where(np.array([True, False, False]), 3 * x, x),
    "getitem with slices": lambda x: F.getitem(x, (slice(None), slice(0, 3, 2))),
    "getitem with an integer array": lambda x: F.getitem(x, (np.array([1, 0, 1]),)),
    "index_add with repeats": lambda x: F.index_add(x, (np.array([2, 2]),), (3, 3)),
    "astype float32": lambda x: F.astype(x, np.float32),
    "astype float64": lambda x: F.astype(x, np.float64),
}


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@given(data=st.data())
def test_each_helper_gives_on_values_what_it_gives_on_arrays(helper, dtype, data):
    x = HypothesisDraw(data).array((2, 3), 0.2, 3.0).astype(dtype)
    raw, traced = HELPERS[helper](x), HELPERS[helper](Value(x)).data
    raw = np.asarray(raw)  # numpy gives a scalar from a full reduction, where the op gives a 0-d array
    assert type(traced) is np.ndarray and traced.shape == raw.shape and traced.dtype == raw.dtype, helper
    np.testing.assert_allclose(traced, raw, err_msg=helper, **_tolerance(np.dtype(dtype)))
