"""Every registered op's derivative rules against central differences, first and second order.

The tests enumerate the registry, so an op added without a test domain fails here.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import check_first_order, check_second_order

OPS = sorted(ag.registry())


def test_every_op_has_a_test_domain():
    missing = [name for name, op in ag.registry().items() if op.domain is None]
    assert not missing, f"ops without a test domain: {missing}"


def test_the_registry_holds_the_documented_primitives():
    expected = {"add", "sub", "mul", "div", "neg", "power", "matmul", "exp", "log", "sqrt", "abs", "tanh",
                "sigmoid", "relu", "clip", "sum", "mean", "max", "min", "logsumexp", "softmax",
                "log_softmax", "reshape", "transpose", "getitem", "broadcast_to", "sum_to", "index_add",
                "maximum", "minimum", "where", "concatenate", "astype"}
    assert expected <= set(OPS)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_first_derivative_matches_central_differences(name, data):
    check_first_order(ag.get_op(name), data)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_second_derivative_matches_central_differences(name, data):
    check_second_order(ag.get_op(name), data)
