"""Stale gradients: a drawing shows only gradients that a backward from its own root stored.

Notebook 03 once drew a new loss without calling backward, and its parameters showed the gradients
left from the last training step. `grad_is_current` tells the two apart; draw_graph and the explorer use it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.viz import draw_graph, explore
from autograd_lite.viz.graph import NOT_COMPUTED
from autograd_lite.viz.labels import format_number

from .test_graph import nodes_of

finite = st.floats(-3, 3, allow_nan=False)


def loss_of(w: Value, b: Value, x: float, y: float) -> Value:
    J = ((w * x + b).sigmoid() - y) ** 2
    J.label = "J"
    return J


@settings(max_examples=25, deadline=None)
@given(finite, finite, finite, finite)
def test_a_new_graph_drawn_before_its_backward_shows_no_gradient_left_by_the_old_one(w0, b0, x1, x2):
    w, b = Value(w0, label="w"), Value(b0, label="b")
    old = loss_of(w, b, x1, 1.0)
    old.backward()                       # a training step's gradients stay on the parameters
    new = loss_of(w, b, x2, 0.0)
    assert w.has_grad and not ag.grad_is_current(w, new) and ag.grad_is_current(w, old)
    graph = draw_graph(new)
    labels = nodes_of(graph.source)
    for v in (w, b, new):
        assert NOT_COMPUTED in labels[graph.ids[v]]
        assert f"grad {format_number(w.grad)}" not in labels[graph.ids[w]]
    assert "no backward() from this root" in graph.source  # the legend says what "not computed" means
    new.backward()                       # now its own backward has run: every gradient is shown, none stale
    graph = draw_graph(new)
    labels = nodes_of(graph.source)
    assert NOT_COMPUTED not in graph.source
    assert f"grad {format_number(w.grad)}" in labels[graph.ids[w]]


def test_a_later_backward_from_another_root_makes_the_first_graphs_gradients_stale():
    w = Value(0.5, label="w")
    first = loss_of(w, Value(0.0), 2.0, 1.0)
    first.backward()
    assert ag.grad_is_current(w, first)
    second = loss_of(w, Value(0.0), -1.0, 0.0)
    second.backward()   # w.grad now holds both sums: it is no longer d(first)/dw
    assert not ag.grad_is_current(w, first) and ag.grad_is_current(w, second)
    assert NOT_COMPUTED in nodes_of(draw_graph(first).source)[draw_graph(first).ids[w]]


def test_zero_grad_and_a_root_that_is_part_of_a_bigger_backward_are_not_current():
    w = Value(np.array([0.5, -1.0]), label="w")
    part = (w * 3.0).sum()
    total = part * 2.0 + (w ** 2).sum()
    total.backward()    # part.grad is d(total)/d(part) = 2, not d(part)/d(part)
    assert ag.grad_is_current(part, total) and not ag.grad_is_current(part, part)
    assert not ag.grad_is_current(w, part)
    w.zero_grad()
    assert not ag.grad_is_current(w, total)


def test_the_explorer_shows_the_gradients_of_its_root_never_stale_ones():
    w, b = Value(0.3, label="w"), Value(-0.1, label="b")
    loss_of(w, b, 1.5, 1.0).backward()
    stale = w.grad
    new = loss_of(w, b, -2.0, 0.0)       # never backwarded
    state = explore(new, widget=False).state
    (record,) = [r for r in state["nodes"] if r["label"] == "w"]
    (true,) = ag.grad(new, w)
    assert record["grad_value"] == true != stale
    assert all(NOT_COMPUTED not in dot for dot in state["dots"].values())  # its replayed copy ran backward
    assert w.grad == stale               # and the caller's gradients are left alone
