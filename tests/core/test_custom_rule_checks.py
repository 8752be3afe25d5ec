"""What the engine does with a rule's result: it fits it to its input, refuses it when it cannot
fit, and never lets a leaf's gradient share memory with another gradient, the seed or any data.

A rule may return its input's shape, or that shape broadcast (an elementwise op's output, when
the input was broadcast into it): the engine sums the broadcast axes back. Anything else — less
than the input, another shape, None, a Python float for an array — is a wrong rule, and the
error names the op, the input number and both shapes, on every path: ``backward()``,
first-order ``grad()``, ``grad(create_graph=True)`` and ``local_grads``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite import functional as F
from autograd_lite.ops import BUILTIN
from autograd_lite.testing import draw_case

# ----- refusing what cannot fit ------------------------------------------------------------------------------
WRONG = {  # rule results that fit no (2, 3) input; each works on raw data and on Values
    "summed over an axis": (lambda g: F.sum(g, (0,)), "(3,)"),
    "summed with keepdims": (lambda g: F.sum(g, (1,), True), "(2, 1)"),
    "transposed": (lambda g: F.transpose(g, (1, 0)), "(3, 2)"),
    "another size": (lambda g: F.reshape(F.getitem(g, (0,)), (3, 1)), "(3, 1)"),
    "a Python float": (lambda g: 1.0, "Python float"),
    "a 0-d array": (lambda g: np.array(1.0), "()"),
    "None": (lambda g: None, "None"),
    "a string": (lambda g: "1", "str"),
}


def _good(g, out, *inputs, **params):
    return g


def _bad_at(argnum: int, wrong):
    """Rules for three inputs, right except at `argnum`."""
    return tuple((lambda g, out, *xs, **params: wrong(g)) if i == argnum else _good for i in range(3))


def _unary(wrong):
    return ag.op("bad_unary", lambda x: x * 2.0, grads=lambda g, out, x: wrong(g), register=False)


def _binary(wrong):
    return ag.op("bad_binary", lambda a, b: a + b, grads=_bad_at(1, wrong)[:2], register=False)


def _binary_with_params(wrong):
    return ag.op("bad_binary_with_params", lambda a, b, scale: scale * (a + b), grads=_bad_at(1, wrong)[:2],
                 register=False)


def _ternary(wrong):
    return ag.op("bad_ternary", lambda a, b, c: a + b + c, grads=_bad_at(2, wrong), register=False)


def _variadic(wrong):
    return ag.op("bad_variadic", lambda *xs: sum(xs[1:], xs[0]), variadic=True, register=False,
                 grads=lambda g, out, xs, argnum: wrong(g) if argnum == 1 else g)


# each builder, how to call its op on (2, 3) inputs, and the input its rule gets wrong:
# backward's one-input, two-input, params, three-input and variadic branches
SHAPES = {
    "one input": (_unary, lambda op, xs: op(xs[0]), 0),
    "two inputs": (_binary, lambda op, xs: op(xs[0], xs[1]), 1),
    "two inputs, the first wrong": (lambda wrong: ag.op("bad_first", lambda a, b: a + b, grads=_bad_at(0, wrong)[:2],
                                                        register=False), lambda op, xs: op(xs[0], xs[1]), 0),
    "two inputs and params": (_binary_with_params, lambda op, xs: op(xs[0], xs[1], scale=2.0), 1),
    "three inputs": (_ternary, lambda op, xs: op(*xs), 2),
    "variadic": (_variadic, lambda op, xs: op(*xs), 1),
}


def _run(way: str, out: Value, inputs: list[Value]) -> None:
    if way == "backward":
        out.sum().backward()
    elif way == "grad":
        ag.grad(out.sum(), inputs)
    elif way == "create_graph":
        ag.grad(out.sum(), inputs, create_graph=True)
    else:
        ag.local_grads(out)


@pytest.mark.parametrize("way", ["backward", "grad", "create_graph", "local_grads"])
@pytest.mark.parametrize("arity", SHAPES)
@pytest.mark.parametrize("wrong", WRONG)
def test_a_rule_result_that_cannot_fit_its_input_is_refused_naming_the_op_input_and_shapes(wrong, arity, way):
    rule, shown = WRONG[wrong]
    build, call, argnum = SHAPES[arity]
    op = build(rule)
    inputs = [Value(np.ones((2, 3)) * (i + 1)) for i in range(3)]
    out = call(op, inputs)
    with pytest.raises((ValueError, TypeError)) as caught:
        _run(way, out, inputs)
    message = str(caught.value)
    assert op.name in message and f"input {argnum}" in message, message
    assert shown in message and "(2, 3)" in message, message
    assert all(x._acc is None for x in inputs)  # nothing left behind by the aborted pass


@pytest.mark.parametrize("way", ["backward", "grad", "create_graph"])
@pytest.mark.parametrize("wrong", ["None", "a string"])
def test_a_python_float_input_refuses_what_is_not_a_number(wrong, way):
    rule, shown = WRONG[wrong]
    op = _unary(rule)
    x = Value(2.0)
    with pytest.raises(TypeError, match=rf"bad_unary.*input 0.*{shown}.*Python float"):
        _run(way, op(x), [x])


def test_a_rule_returning_a_value_it_closes_over_is_told_to_read_its_data():
    weight = Value(np.full(3, 2.0))
    op = ag.op("closes_over", lambda x: x * 2.0, grads=lambda g, out, x: g * weight, register=False)
    x = Value(np.ones(3))
    with pytest.raises(TypeError, match=r"closes_over: .* input 0 returned a Value of shape \(3,\) .*\.data"):
        op(x).sum().backward()


# ----- fitting what can --------------------------------------------------------------------------------------
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_python_float_for_a_0d_array_input_becomes_an_array_of_its_dtype(dtype, create_graph):
    op = _unary(lambda g: 3.0)
    x = Value(np.array(2.0, dtype=dtype))
    (gx,) = ag.grad(op(x), [x], create_graph=create_graph)
    gx = gx.data if create_graph else gx
    assert type(gx) is np.ndarray and gx.shape == () and gx.dtype == dtype and gx == 3.0
    op(x).backward()
    assert type(x.grad) is np.ndarray and x.grad.shape == () and x.grad.dtype == dtype and x.grad == 3.0


@pytest.mark.parametrize("argnum", [0, 1])
def test_a_python_float_for_either_0d_input_of_a_two_input_op_becomes_an_array(argnum):
    rules = [lambda g, out, a, b: g, lambda g, out, a, b: g]
    rules[argnum] = lambda g, out, a, b: 3.0
    op = ag.op("float_rule", lambda a, b: a + b, grads=tuple(rules), register=False)
    a, b = Value(np.array(1.0)), Value(np.array(2.0))
    op(a, b).backward()
    for x in (a, b):
        assert type(x.grad) is np.ndarray and x.grad.shape == ()
    assert (a, b)[argnum].grad == 3.0


def test_a_float_value_for_a_0d_array_input_becomes_a_0d_array_with_create_graph():
    """A rule may return a number for a 0-d input; with create_graph that number is a float Value
    (here the other input, as d(a·s)/da = s at the root) and must still become a 0-d array."""
    scale = ag.op("scale", lambda a, s: a * s, grads=(lambda g, out, a, s: s, lambda g, out, a, s: a),
                  register=False)
    a, s = Value(np.array(2.0)), Value(3.0)
    (ga,) = ag.grad(scale(a, s), [a], create_graph=True)
    assert type(ga.data) is np.ndarray and ga.shape == () and ga.data == 3.0
    (gga,) = ag.grad(ga, [s])  # and it is still a function of s
    assert gga == 1.0


@pytest.mark.parametrize("create_graph", [False, True])
def test_an_array_for_a_python_float_input_is_summed_to_a_python_float(create_graph):
    op = _unary(lambda g: np.array([[1.0, 2.0], [3.0, 4.5]]))
    x = Value(2.0)
    (gx,) = ag.grad(op(x), [x], create_graph=create_graph)
    gx = gx.data if create_graph else gx
    assert type(gx) is float and gx == 10.5


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_broadcast_input_given_the_outputs_shape_gets_it_summed_back(create_graph):
    op = ag.op("outer_add", lambda a, b: a + b, grads=(_good, _good), register=False)
    a, b = Value(np.ones((2, 1, 3), dtype=np.float32)), Value(np.ones((4, 1)))
    weights = np.arange(24.0).reshape(2, 4, 3)
    grads = ag.grad((op(a, b) * weights).sum(), [a, b], create_graph=create_graph)
    ga, gb = (g.data for g in grads) if create_graph else grads
    assert ga.shape == (2, 1, 3) and ga.dtype == np.float32 and gb.shape == (4, 1) and gb.dtype == np.float64
    np.testing.assert_array_equal(ga, weights.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(gb, weights.sum(axis=(0, 2))[:, None])


# ----- never sharing memory ----------------------------------------------------------------------------------
def test_leaves_whose_gradients_are_views_of_one_array_get_their_own_copies():
    a, b = Value(np.ones((2, 3))), Value(np.ones((3, 2)))
    (a.reshape(6) + b.reshape(6)).backward(np.arange(6.0))
    a.grad *= 10
    np.testing.assert_array_equal(b.grad, np.arange(6.0).reshape(3, 2))


def test_in_anomaly_mode_too_leaves_get_gradients_of_their_own():
    anomaly = pytest.importorskip("autograd_lite.anomaly")  # backward runs the reference loop there
    a, b, c = Value(np.ones((2, 3))), Value(np.ones((3, 2))), Value(np.ones(6))
    seed = np.arange(6.0)
    with anomaly.detect_anomaly():
        root = a.reshape(6) + b.reshape(6) + c
        root.backward(seed)
    _assert_leaf_grads_share_nothing(root, seed, [a, b, c])


def _arrays(x) -> list[np.ndarray]:
    return [x] if type(x) is np.ndarray else []


def _assert_leaf_grads_share_nothing(root: Value, seed: np.ndarray, leaves: list[Value]) -> None:
    """No leaf's grad shares memory with another leaf's, any other node's grad or data, or the seed."""
    nodes = ag.topological_order(root, all_nodes=True)
    for leaf in leaves:
        for grad in _arrays(leaf.grad):
            assert not np.shares_memory(grad, seed), "a leaf's grad is the seed"
            for node in nodes:
                others = _arrays(node.data) + (_arrays(node.grad) if node is not leaf and node.requires_grad else [])
                assert not any(np.shares_memory(grad, other) for other in others), \
                    f"a leaf's grad shares memory with {node!r}"


@pytest.mark.parametrize("name", sorted(BUILTIN))
@given(data=st.data())
def test_no_leaf_gradient_shares_memory_with_another_gradient_the_seed_or_any_data(name, data):
    op = ag.get_op(name)
    inputs, params = draw_case(op, data)
    leaves = [Value(x) for x in inputs]
    out = op(*leaves, **params)
    then = out.reshape(-1) if out.ndim else out  # one more node that passes views through
    seed = np.asarray(np.random.default_rng(0).uniform(-1, 1, size=then.shape))
    then.backward(seed if then.ndim else float(seed))
    _assert_leaf_grads_share_nothing(then, seed, leaves)


def test_the_gradients_grad_returns_for_two_leaves_never_share_memory():
    a, b = Value(np.ones(3)), Value(np.ones(3))
    seed = np.arange(3.0)
    ga, gb = ag.grad(a + b, [a, b], grad_output=seed)
    for first, second in itertools.combinations((ga, gb, seed), 2):
        assert not np.shares_memory(first, second)
