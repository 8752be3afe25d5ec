"""backward_steps: backward's own order, consumers first, contributions that add up, no .grad touched."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.viz import Step, StepFrames, backward_steps, step_slider


def _grads(values):
    return {v: np.array(v.grad, copy=True) for v in values}


def _check_steps(root, steps):
    order = ag.backward_order(root)
    assert [s.node for s in steps] == order
    assert [s.index for s in steps] == list(range(len(order)))
    position = {s.node: s.index for s in steps}
    for s in steps:  # every node appears after all of the nodes that consume it
        for parent, _, _ in s.contributions:
            assert position[parent] > s.index
        assert [p for p, _, _ in s.contributions] == [p for p in s.node.parents if p.requires_grad]
        if s.node.is_leaf:
            assert s.contributions == []


@given(st.data())
def test_steps_follow_backward_and_contributions_sum_to_each_leafs_grad(scalar_graph, reachable, data):
    root = scalar_graph(data)
    values = reachable(root)
    steps = backward_steps(root)
    assert all(v.grad == 0.0 for v in values)  # computing the steps touched no .grad
    _check_steps(root, steps)
    root.backward()
    before = _grads(values)
    again = backward_steps(root)
    assert _grads(values).keys() == before.keys()
    for v, g in before.items():  # the graph's grads are unchanged afterwards
        assert np.array_equal(v.grad, g)
    received: dict[Value, float] = {}
    for s in again:
        assert s.upstream == pytest.approx(s.node.grad, rel=1e-12, abs=1e-12)
        for parent, local, contribution in s.contributions:
            assert contribution == pytest.approx(s.upstream * local, rel=1e-12, abs=1e-300)
            received[parent] = received.get(parent, 0.0) + contribution
    for v in values:
        if v.is_leaf and v.requires_grad:
            assert received.get(v, 0.0 if v is not root else 1.0) == pytest.approx(v.grad, rel=1e-12, abs=1e-12)


shapes = st.sampled_from([(), (3,), (2, 3)])


@given(st.data())
def test_tensor_steps_contributions_sum_to_each_leafs_grad(data):
    floats = st.floats(-2, 2, allow_nan=False)
    leaves = []
    for i in range(data.draw(st.integers(1, 3))):
        shape = data.draw(shapes)
        array = np.array(data.draw(st.lists(floats, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))))
        leaves.append(Value(array.reshape(shape), label=f"t{i}"))
    nodes = list(leaves)
    for _ in range(data.draw(st.integers(1, 5))):
        a, b = data.draw(st.sampled_from(nodes)), data.draw(st.sampled_from(nodes))
        kind = data.draw(st.sampled_from(["add", "mul", "tanh", "sum0"]))
        if kind == "add":
            nodes.append(a + b)
        elif kind == "mul":
            nodes.append(a * b)
        elif kind == "tanh":
            nodes.append(a.tanh())
        elif a.ndim:
            nodes.append(a.sum(axis=0))
    root = (nodes[-1] * nodes[0]).sum()
    steps = backward_steps(root)
    _check_steps(root, steps)
    root.backward()
    received: dict[Value, np.ndarray] = {}
    for s in steps:
        for parent, local, contribution in s.contributions:
            assert np.shape(contribution) == parent.shape and np.shape(local) == parent.shape
            received[parent] = received.get(parent, 0.0) + np.asarray(contribution)
    for leaf in leaves:
        np.testing.assert_allclose(received.get(leaf, 0.0), leaf.grad, rtol=1e-12, atol=1e-12)


def test_a_step_reads_as_upstream_times_local_equals_contribution(unit):
    steps = backward_steps(unit.J)
    first = steps[0]
    assert isinstance(first, Step) and first.node is unit.J and first.upstream == 1.0 and first.number == 1
    e = unit.J.parents[0]
    assert [c[0] for c in first.contributions] == [e]
    assert first.contributions[0][1] == pytest.approx(2 * (unit.g - 1.0))  # d(e²)/de = 2e
    h_step = next(s for s in steps if s.node is unit.h)
    (z, local, contribution), = h_step.contributions
    assert z is unit.z and local == pytest.approx(unit.g * (1 - unit.g))  # the sigmoid's g(1 - g)
    text = str(h_step)
    assert text.startswith(f"step {h_step.index} (#{h_step.number}) h: upstream gradient")
    assert "-> z:" in text and "× local" in text
    leaf = next(s for s in steps if s.node is unit.t1)
    assert "θ1 is a parameter" in str(leaf) and leaf.contributions == []
    assert leaf.upstream == pytest.approx(unit.equation_7)


def test_backward_steps_refuses_what_backward_refuses():
    with pytest.raises(ValueError, match="does not require grad"):
        backward_steps(Value(1.0, requires_grad=False) * 2.0)
    matrix = Value(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"shape \(2, 2\); pass grad="):
        backward_steps(matrix * 3.0)
    steps = backward_steps(matrix * 3.0, grad=np.full((2, 2), 2.0))
    np.testing.assert_array_equal(steps[-1].upstream, np.full((2, 2), 6.0))
    with pytest.raises(TypeError, match="must be a Value"):
        backward_steps(3.0)


def test_step_slider_walks_the_frames_with_ipywidgets(unit):
    pytest.importorskip("ipywidgets")
    box = step_slider(unit.J)
    slider, picture = box.children
    n = len(backward_steps(unit.J))
    assert (slider.min, slider.max, slider.value) == (0, n - 1, 0)
    assert "step 0 (#1) J" in picture.value and "<svg" in picture.value
    slider.value = 2
    assert "step 2 (#3) h" in picture.value


def test_step_slider_falls_back_to_static_frames_without_widgets(unit, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` now raises ImportError
    frames = step_slider(unit.J)
    assert isinstance(frames, StepFrames)
    assert len(frames) == len(backward_steps(unit.J))
    assert str(frames).count("step ") == len(frames)
    page = frames._repr_html_()
    assert page.count("<svg") == len(frames)
    assert isinstance(step_slider(unit.J, widgets=False), StepFrames)
