"""`autograd_lite.functional`, the helpers rules are written with: each gives the same data on raw
floats and arrays (the first-order backward) as on Values (``create_graph=True``), with the same
type, shape and dtype, including the corners no built-in rule reaches but a user's rule may:
1-D `swap_last`, a float reshaped, `where` and `astype` on Values, a sum of a list, an empty sum.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd_lite import Value
from autograd_lite import functional as F

A23 = np.arange(6.0).reshape(2, 3) - 2.5
A3 = np.array([-1.0, 0.0, 2.0])

# (name, helper applied to x, raw input): the helper runs on the raw input and on Value(input)
CASES = [
    ("sum of an array", lambda x: F.sum(x, (0,)), A23),
    ("sum with keepdims", lambda x: F.sum(x, (1,), True), A23),
    ("sum of a float", lambda x: F.sum(x), 2.5),
    ("reshape of a float to ()", lambda x: F.reshape(x, ()), 2.5),
    ("reshape of a float to (1, 1)", lambda x: F.reshape(x, (1, 1)), 2.5),
    ("reshape of an array", lambda x: F.reshape(x, (3, 2)), A23),
    ("transpose", lambda x: F.transpose(x, (1, 0)), A23),
    ("swap_last of 1-D", F.swap_last, A3),
    ("swap_last of 2-D", F.swap_last, A23),
    ("swap_last of 3-D", F.swap_last, np.arange(24.0).reshape(2, 3, 4)),
    ("broadcast_to", lambda x: F.broadcast_to(x, (2, 3)), A3),
    ("sum_to", lambda x: F.sum_to(x, (1, 3)), A23),
    ("sum_to from an empty axis", lambda x: F.sum_to(x, (1, 3)), np.ones((0, 3))),
    ("expand_reduced", lambda x: F.expand_reduced(x, (2, 3), (1,), False), np.array([1.0, 2.0])),
    ("where", lambda x: F.where(A3 > 0, x, -x), A3 * 3.0),
    ("getitem", lambda x: F.getitem(x, (slice(None), 1)), A23),
    ("astype", lambda x: F.astype(x, np.float32), A23),
    ("exp", F.exp, A3),
    ("log", F.log, A3 + 2.0),
    ("sigmoid", F.sigmoid, A3),
    ("softmax", lambda x: F.softmax(x, -1), A23),
    ("log_softmax", lambda x: F.log_softmax(x, 0), A23),
    ("divide", lambda x: F.divide(x, 4.0), A3),
    ("power", lambda x: F.power(x, 2.0), A3),
]


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_helpers_give_the_same_data_on_raw_inputs_and_on_values(name):
    _, helper, x = next(c for c in CASES if c[0] == name)
    raw, traced = helper(x), helper(Value(x))
    assert isinstance(traced, Value)
    assert type(traced.data) is type(raw)
    np.testing.assert_array_equal(traced.data, raw)
    if type(raw) is np.ndarray:
        assert traced.data.shape == raw.shape and traced.data.dtype == raw.dtype


def test_the_raw_readings_are_the_textbook_operations():
    assert F.reshape(2.5, ()) == 2.5 and type(F.reshape(2.5, ())) is float
    np.testing.assert_array_equal(F.reshape(2.5, (1, 1)), [[2.5]])
    np.testing.assert_array_equal(F.swap_last(A3), A3)
    np.testing.assert_array_equal(F.swap_last(np.arange(24.0).reshape(2, 3, 4)),
                                  np.arange(24.0).reshape(2, 3, 4).transpose(0, 2, 1))
    np.testing.assert_array_equal(F.sum_to(np.ones((0, 3)), (1, 3)), np.zeros((1, 3)))
    np.testing.assert_array_equal(F.sum([1.0, 2.0, 3.5]), 6.5)
    np.testing.assert_array_equal(F.where(A3 > 0, A3, -A3), np.abs(A3))
    assert F.astype(A23, np.float32).dtype == np.float32
    np.testing.assert_array_equal(F.astype(A23, np.float32), A23.astype(np.float32))
    np.testing.assert_array_equal(F.expand_reduced(np.array([1.0, 2.0]), (2, 3), (1,), False), [[1.0], [2.0]])


def test_a_gradient_broadcast_over_an_empty_axis_sums_to_zeros_of_the_inputs_shape():
    x = Value(np.ones((1, 3)))
    x.broadcast_to((0, 3)).sum().backward()
    assert x.grad.shape == (1, 3)
    np.testing.assert_array_equal(x.grad, np.zeros((1, 3)))
