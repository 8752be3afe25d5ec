"""backward() and grad(): the chain rule in reverse topological order, accumulation, memory."""

import gc
import math
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value

finite = st.floats(-3, 3, allow_nan=False)


def g(z):
    return 1 / (1 + math.exp(-z))


@given(finite, finite, finite, finite, finite, st.sampled_from([0.0, 1.0]))
def test_sigmoid_unit_grads_equal_the_tutorials_equations_7_9_10(t1, t2, b, x1, x2, y):
    theta1, theta2, bias = Value(t1), Value(t2), Value(b)
    J = ((theta1 * x1 + theta2 * x2 + bias).sigmoid() - y) ** 2
    J.backward()
    h = g(t1 * x1 + t2 * x2 + b)
    delta = 2 * (h - y) * (1 - h) * h
    assert theta1.grad == pytest.approx(delta * x1, rel=1e-12, abs=1e-15)   # equation 7
    assert theta2.grad == pytest.approx(delta * x2, rel=1e-12, abs=1e-15)   # equation 9
    assert bias.grad == pytest.approx(delta, rel=1e-12, abs=1e-15)          # equation 10


def test_a_value_used_twice_gets_both_contributions():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_reverse_topological_order_is_what_makes_b_plus_b_right():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0 and b.grad == 2.0


def test_a_value_feeding_several_branches():
    x = Value(0.5)
    y = x.exp() * x.sigmoid() + x.tanh() * x
    y.backward()
    s = g(0.5)
    expected = math.exp(0.5) * s + math.exp(0.5) * s * (1 - s) + (1 - math.tanh(0.5) ** 2) * 0.5 + math.tanh(0.5)
    assert x.grad == pytest.approx(expected)


def test_every_node_holds_its_gradient_after_backward():
    x = Value(2.0)
    u = x * 3
    v = u.exp()
    w = v + u
    w.backward()
    assert w.grad == 1.0 and v.grad == 1.0
    assert u.grad == pytest.approx(math.exp(6.0) + 1)
    assert x.grad == pytest.approx(3 * (math.exp(6.0) + 1))


def test_backward_twice_accumulates_in_leaves_but_not_in_intermediates():
    x = Value(np.array([1.0, 2.0]))
    mid = x * x
    out = mid.sum()
    out.backward()
    out.backward()
    assert np.array_equal(x.grad, [4.0, 8.0])
    assert np.array_equal(mid.grad, [1.0, 1.0])
    x.zero_grad()
    out.backward()
    assert np.array_equal(x.grad, [2.0, 4.0])


def test_leaf_grads_are_their_own_arrays():
    a, b = Value(np.zeros(2)), Value(np.zeros(2))
    (a + b).sum().backward()
    assert a.grad is not b.grad
    a.grad += 1
    assert np.array_equal(b.grad, [1.0, 1.0])


def test_the_seed_is_one_and_a_non_scalar_output_needs_grad():
    x = Value(np.array([1.0, 2.0]))
    y = x * 3
    with pytest.raises(ValueError, match=r"shape \(2,\).*grad="):
        y.backward()
    y.backward(np.array([1.0, 10.0]))
    assert np.array_equal(x.grad, [3.0, 30.0])
    with pytest.raises(ValueError, match="grad has shape"):
        y.backward(np.ones(3))


def test_backward_of_a_leaf_and_of_a_value_without_grad():
    x = Value(2.0)
    x.backward()
    assert x.grad == 1.0
    with pytest.raises(RuntimeError, match="does not require grad"):
        (Value(1.0, requires_grad=False) * 2).backward()


def test_a_chain_of_a_million_nodes_backpropagates_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0 and y.data == 1_000_001.0


def test_inputs_without_requires_grad_get_no_gradient():
    x = Value(np.ones(3), requires_grad=False)
    w = Value(np.full(3, 2.0))
    (x * w).sum().backward()
    assert np.array_equal(w.grad, np.ones(3)) and not x.grad.any()


def test_no_grad_records_nothing_as_context_and_decorator():
    x = Value(1.0)
    with ag.no_grad():
        y = x * 2
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert not y.requires_grad and y.parents == () and y.op is None

    @ag.no_grad()
    def double(v):
        return v * 2

    assert not double(x).requires_grad
    assert (x * 2).requires_grad


def test_scope_tags_values_with_a_dotted_path():
    with ag.scope("model"):
        a = Value(1.0)
        with ag.scope("layers.0"):
            b = a * 2
            assert ag.current_scope() == "model.layers.0"
        c = b + 1
    d = c * 1
    assert (a.scope, b.scope, c.scope, d.scope) == ("model", "model.layers.0", "model", None)


def test_a_dropped_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x = Value(np.ones(4))
        hidden = (x * 2).exp()
        loss = hidden.sum()
        loss.backward()
        ref = weakref.ref(hidden)
        del hidden, loss
        assert ref() is None
        scalar = Value(1.0)
        node = (scalar * scalar).sigmoid()
        node.backward()
        ref = weakref.ref(node)
        del node
        assert ref() is None
    finally:
        gc.enable()


def test_a_recorded_node_adds_one_object_for_the_cyclic_collector():
    """Parents live in slots, not in a tuple per node: the collector's work on big scalar graphs
    (micrograd's cost) grows with the tracked objects, so a node must add only itself."""
    x, w = Value(0.5), Value(-0.25)
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        nodes = [x * w]
        for _ in range(999):
            nodes.append((nodes[-1] + w).relu() * x)  # binary, unary and binary nodes
        added = len(gc.get_objects()) - before
    finally:
        gc.enable()
    count = 1 + 3 * 999
    assert count <= added <= count + 50  # the nodes, the list holding them, nothing per node


def test_grad_returns_gradients_without_touching_dot_grad():
    x, y, unused = Value(2.0), Value(np.array([1.0, 2.0])), Value(np.ones(2))
    out = (x * y).sum()
    dx, dy, du = ag.grad(out, [x, y, unused])
    assert dx == 3.0 and np.array_equal(dy, [2.0, 2.0]) and np.array_equal(du, [0.0, 0.0])
    assert x.grad == 0.0 and not y.grad.any()
    (dx_only,) = ag.grad(out, x)
    assert dx_only == 3.0


def test_second_derivatives_and_hessian_vector_products():
    x = Value(1.5)
    (dx,) = ag.grad(x ** 3, x, create_graph=True)
    (ddx,) = ag.grad(dx, x, create_graph=True)
    (dddx,) = ag.grad(ddx, x)
    assert dx.data == pytest.approx(3 * 1.5 ** 2) and ddx.data == pytest.approx(6 * 1.5) and dddx == 6.0

    w = Value(np.array([1.0, -2.0, 0.5]))
    v = np.array([0.3, 0.1, -1.0])
    f = (w ** 2).sum() * w.sum()            # Hessian: 2 diag(sum w) + 2 (w 1ᵀ + 1 wᵀ)
    (gw,) = ag.grad(f, w, create_graph=True)
    (hv,) = ag.grad((gw * v).sum(), w)
    hessian = 2 * w.data.sum() * np.eye(3) + 2 * (np.outer(w.data, np.ones(3)) + np.outer(np.ones(3), w.data))
    assert np.allclose(hv, hessian @ v)


def test_grad_with_grad_output_weights_a_non_scalar_output():
    x = Value(np.array([1.0, 2.0, 3.0]))
    (dx,) = ag.grad(x * x, x, grad_output=np.array([1.0, 0.0, 2.0]))
    assert np.array_equal(dx, [2.0, 0.0, 12.0])


def test_backward_order_puts_every_node_before_its_inputs():
    a = Value(1.0)
    b = a * 2
    c = b + a
    d = c * b
    order = ag.backward_order(d)
    position = {v: i for i, v in enumerate(order)}
    assert order[0] is d and len(order) == 4
    for node in order:
        for parent in node.parents:
            if parent.requires_grad:
                assert position[parent] > position[node]


def test_local_grads_evaluates_a_nodes_rule():
    x, y = Value(3.0), Value(4.0)
    z = x * y
    assert ag.local_grads(z) == (4.0, 3.0)
    assert ag.local_grads(z, 2.0) == (8.0, 6.0)
    s = Value(np.ones((2, 3))).sum(axis=1)
    (local,) = ag.local_grads(s)
    assert local.shape == (2, 3)
    assert ag.local_grads(x) == ()
    squared = Value(-0.5) ** 2          # the exponent is a constant: its rule (log of -0.5) is never run
    assert ag.local_grads(squared) == (-1.0, None)
