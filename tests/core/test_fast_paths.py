"""Each speed trick gives what the plain version gives: the operators' `Op.unary` / `Op.binary`
against `Op.__call__` (results, recorded nodes and errors), for every one- and two-input op."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value, no_grad
from autograd_lite.ops import BUILTIN
from autograd_lite.testing import draw_case

PLAIN_OPS = sorted(name for name, op in BUILTIN.items() if op.arity in (1, 2) and op.domain.params is None)


def _fast(op, xs):
    return op.unary(*xs) if len(xs) == 1 else op.binary(*xs)


@pytest.mark.parametrize("name", PLAIN_OPS)
@given(data=st.data(), constant=st.booleans())
def test_unary_and_binary_record_what_call_records(name, data, constant):
    op = ag.get_op(name)
    inputs, _ = draw_case(op, data)
    xs = [x if constant and i == len(inputs) - 1 else Value(x) for i, x in enumerate(inputs)]
    plain, fast = op(*xs), _fast(op, xs)
    assert type(plain.data) is type(fast.data)
    np.testing.assert_array_equal(plain.data, fast.data)
    assert (plain.op, plain.requires_grad, plain.params) == (fast.op, fast.requires_grad, fast.params)
    for a, b in zip(plain.parents, fast.parents, strict=True):
        assert a.is_constant == b.is_constant and np.array_equal(a.data, b.data)
    with no_grad():
        assert not op(*xs).requires_grad and not _fast(op, xs).requires_grad


@pytest.mark.parametrize("name, inputs", [
    ("matmul", (np.ones((2, 3)), np.ones((2, 3)))), ("matmul", (2.0, np.ones(3))), ("add", (np.ones(2), np.ones(3))),
])
def test_unary_and_binary_raise_what_call_raises(name, inputs):
    op = ag.get_op(name)
    xs = [Value(x) for x in inputs]
    with pytest.raises(Exception) as plain:
        op(*xs)
    with pytest.raises(Exception) as fast:
        _fast(op, xs)
    assert type(plain.value) is type(fast.value) and str(plain.value) == str(fast.value)
    assert str(plain.value).startswith(f"{name}: ")
