"""Anomaly mode names the op, the node, the input, the first bad element and the user's forward line."""

from __future__ import annotations

import inspect
import threading

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.anomaly import site_of

# the planted log(0) and 1/0 warn on arrays, as numpy does; the tests are about what anomaly mode says
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")


def _line_of(marker: str) -> int:
    """The line number of the line in this file that contains `marker`."""
    lines = inspect.getsource(inspect.getmodule(_line_of)).splitlines()
    return next(i for i, line in enumerate(lines, 1) if marker in line and "_line_of" not in line)


def _inputs():
    x = ag.Value(np.array([1.0, 0.0, 2.0]), requires_grad=False, label="x")
    w = ag.Value(np.array([0.5, 0.5, 0.5]), label="w")
    return x, w


def test_backward_names_the_op_the_input_the_element_and_the_forward_line():
    x, w = _inputs()
    with ag.detect_anomaly():
        with ag.scope("unit"):
            h = (w * x).log()  # planted: log(0)
            J = h.sum()
        with pytest.raises(ag.AnomalyError) as caught:
            J.backward()
    error = caught.value
    assert error.node is h and error.input is h.parents[0] and error.index == (1,)
    assert error.site.filename == __file__
    assert error.site.lineno == _line_of("# planted: log(0)")
    assert error.site.source == "h = (w * x).log()  # planted: log(0)"
    message = str(error)
    assert "op 'log'" in message and "input 0" in message and "index (1,)" in message
    assert "scope 'unit'" in message and "shape (3,)" in message and "inf" in message
    assert f"{__file__}:{error.site.lineno}" in message and "h = (w * x).log()" in message
    assert w._grad is None  # backward stopped before writing any gradient


def test_check_forward_stops_at_the_op_that_made_the_first_non_finite_value():
    x, w = _inputs()
    with ag.detect_anomaly(check_forward=True):
        z = w * x
        with pytest.raises(ag.AnomalyError) as caught:
            z.log()  # the op that turns finite into -inf
    error = caught.value
    assert error.node.op == "log" and error.input is None and error.index == (1,)
    assert error.site.lineno == _line_of("# the op that turns finite into -inf")
    assert "turned finite inputs into a non-finite output" in str(caught.value)


def test_check_forward_does_not_blame_an_op_whose_input_was_already_non_finite():
    w = ag.Value(np.array([np.inf, 1.0]))
    with ag.detect_anomaly(check_forward=True):
        y = (w * 2.0).sum()  # inf in, inf out: the op did not make it
    assert y.data == np.inf


def test_grad_and_create_graph_are_watched_too():
    x, w = _inputs()
    with ag.detect_anomaly():
        J = (w * x).log().sum()
        for create_graph in (False, True):
            with pytest.raises(ag.AnomalyError, match="grad: op 'log'"):
                ag.grad(J, w, create_graph=create_graph)


def test_a_finite_backward_in_anomaly_mode_gives_the_same_gradients():
    rng = np.random.default_rng(0)
    a, b = ag.Value(rng.normal(size=(3, 2))), ag.Value(rng.normal(size=2))
    def loss():
        return ((a * b).sigmoid() @ b + (a.T ** 2).sum(axis=0)).sum()
    loss().backward()
    expected = (a.grad.copy(), b.grad.copy())
    a.zero_grad(), b.zero_grad()
    with ag.detect_anomaly():
        loss().backward()
    np.testing.assert_array_equal(a.grad, expected[0])
    np.testing.assert_array_equal(b.grad, expected[1])


def test_values_made_outside_the_mode_have_no_site_and_the_message_says_so():
    x, w = _inputs()
    J = (w * x).log().sum()
    assert site_of(J) is None
    with ag.detect_anomaly():
        with pytest.raises(ag.AnomalyError, match="recorded outside detect_anomaly"):
            J.backward()


def test_a_decorated_function_runs_in_anomaly_mode_and_the_mode_is_per_thread():
    seen = {}

    @ag.detect_anomaly()
    def forward(w):
        return w * 2.0  # recorded inside the decorated function

    w = ag.Value(1.0)
    y = forward(w)
    assert site_of(y).lineno == _line_of("# recorded inside the decorated function")
    assert site_of(w * 3.0) is None

    def other():
        seen["other"] = site_of(ag.Value(1.0) * 2.0)

    with ag.detect_anomaly():
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen["other"] is None


def test_a_scalar_graph_names_its_node():
    a = ag.Value(4.0, label="a")
    with ag.detect_anomaly():
        big = a * 1e308  # a's gradient here is 10 * 1e308: infinite
        y = big * 10.0
        with pytest.raises(ag.AnomalyError) as caught:
            y.backward()
    assert caught.value.node is big and caught.value.input is a and caught.value.index == ()
    assert caught.value.site.lineno == _line_of("# a's gradient here is 10 * 1e308: infinite")
    assert "'a'" in str(caught.value) and "inf" in str(caught.value)


def test_draw_graph_highlights_the_node_and_edge_an_anomaly_names():
    from autograd_lite.viz import draw_graph

    x, w = _inputs()
    with ag.detect_anomaly():
        h = (w * x).log()
        J = h.sum()
        with pytest.raises(ag.AnomalyError) as caught:
            J.backward()
    graph = draw_graph(J, highlight=caught.value)
    ids = graph.ids
    red = [line for line in graph.source.splitlines() if "#d6336c" in line]
    assert any(line.strip().startswith(ids[h] + " ") for line in red)
    assert any(f"{ids[h.parents[0]]} -> {ids[h]}" in line for line in red)
    assert not any(line.strip().startswith(ids[w] + " ") for line in red)
    with pytest.raises(TypeError, match="names no node"):
        draw_graph(J, highlight=ValueError("no node"))


def test_in_anomaly_mode_leaves_get_gradients_of_their_own():
    a, b = ag.Value(np.zeros((2, 3))), ag.Value(np.zeros(6))
    with ag.detect_anomaly():
        (a.reshape(6) + b).backward(np.ones(6))
    assert not np.shares_memory(a.grad, b.grad)
    a.grad *= 10
    np.testing.assert_array_equal(b.grad, np.ones(6))
