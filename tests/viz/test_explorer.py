"""The explorer's Python side: its state is draw_graph's and backward_steps', live edits equal a fresh run."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.viz import (
    DotNotFoundError,
    GraphTooLargeError,
    ReplayError,
    all_nodes,
    backward_steps,
    draw_graph,
    explain,
    explore,
    replay,
)
from autograd_lite.viz.explorer import export
from autograd_lite.viz.explorer.core import Explorer
from autograd_lite.viz.explorer.state import graph_state
from autograd_lite.viz.labels import format_data

numbers = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def scoped_net() -> Value:
    """A 2-2-1 ScalarMLP-like graph whose Values sit in scopes, so collapsed variants exist."""
    x = [Value(1.0, requires_grad=False, label="x1"), Value(-2.0, requires_grad=False, label="x2")]
    hidden = []
    for i in range(2):
        with ag.scope(f"layers.0.neurons.{i}"):
            w = [Value(0.3 * (i + 1) * (j + 1), label=f"w{i}{j}") for j in range(2)]
            hidden.append((w[0] * x[0] + w[1] * x[1]).tanh())
    with ag.scope("layers.1"):
        out = hidden[0] * Value(0.5, label="v0") + hidden[1] * Value(-0.5, label="v1")
    loss = (out - 1.0) ** 2
    loss.label = "J"
    return loss


def test_the_state_draws_exactly_what_draw_graph_draws(network):
    w = explore(network.J, widget=False)
    network.J.backward()  # the recorded graph, after one backward, draws like the explorer's replayed copy
    for order in (False, True):
        for local in (False, True):
            key = f"{int(order)}{int(local)}0"
            assert w.state["dots"][key] == draw_graph(w.root, order=order, local_grads=local).source
            assert w.state["dots"][key] == draw_graph(network.J, order=order, local_grads=local).source
    assert set(w.state["dots"]) == {"000", "010", "100", "110"}  # no scopes: no collapsed variants
    assert "scope" in w.state["collapse_note"]


def test_collapsed_variants_are_draw_graphs_collapse():
    J = scoped_net()
    state = explore(J, widget=False).state
    J.backward()
    assert state["dots"]["101"] == draw_graph(J, order=True, collapse=True).source
    assert state["collapse_note"] is None
    boxes = {n["box"] for n in state["nodes"] if n["box"]}
    assert boxes == {"scope layers.0.neurons.0", "scope layers.0.neurons.1", "scope layers.1"}
    assert all(f'"{box}"' in state["dots"]["001"] for box in boxes)


def test_one_record_per_value_with_its_data_grad_and_edges(network):
    w = explore(network.J, widget=False)
    nodes = all_nodes(w.root)
    records = w.state["nodes"]
    assert [r["id"] for r in records] == [f"v{i}" for i in range(len(nodes))]
    for v, r in zip(nodes, records, strict=True):
        assert r["data"] == format_data(v.data)
        assert r["grad"] == (format_data(v.grad) if v.requires_grad else None)
        assert r["grad_value"] == (v.grad if v.requires_grad else None)
        assert [e["from"] for e in r["inputs"]] == [w.ids[p] for p in v.parents]
        consumers = [u for u in nodes for p in u.parents if p is v]
        assert [e["to"] for e in r["outputs"]] == [w.ids[u] for u in consumers]
    theta1 = next(r for r in records if r["label"] == "θ1")
    assert theta1["editable"] and theta1["value"] == 0.5 and theta1["kind"] == "parameter"
    (edge,) = theta1["outputs"]
    assert edge["formula"] == "x1" and edge["value"] == "1.0000" and edge["latex"] == "x_{1}"


def test_frames_are_backward_steps(network):
    w = explore(network.J, widget=False)
    steps = backward_steps(w.root)
    frames = w.state["frames"]
    assert [f["node"] for f in frames] == [w.ids[s.node] for s in steps]
    for f, s in zip(frames, steps, strict=True):
        assert f["text"] == str(s)
        assert f["upstream"] == format_data(s.upstream)
        assert [(x["to"], x["contribution"]) for x in f["flows"]] == \
            [(w.ids[p], format_data(c)) for p, _, c in s.contributions]
    final: dict[str, tuple[str, bool]] = {}
    for f in frames:
        for node, text, complete in f["updates"]:
            final[node] = (text, complete)
    for v in all_nodes(w.root):
        if v.requires_grad:  # after the last frame every gradient is complete and equals backward's
            assert final[w.ids[v]] == (format_data(v.grad), True)


def test_a_gradient_is_complete_exactly_when_its_last_consumer_has_run(network):
    w = explore(network.J, widget=False)
    steps = backward_steps(w.root)
    for f in w.state["frames"]:
        for node, _, complete in f["updates"]:
            last = max((s.index for s in steps for p, _, _ in s.contributions if w.ids[p] == node),
                       default=0)  # the root: its gradient, the seed, is complete from the start
            assert complete == (last <= f["index"])


@given(st.data())
def test_each_chain_rule_sum_adds_its_terms_to_the_gradient(scalar_graph, data):
    root = scalar_graph(data)
    state = graph_state(replay(root).root)
    for r in state["nodes"]:
        if r["grad"] is None or r["id"] == state["root"]:
            continue
        total = sum(t["product_value"] for t in r["sum"]["terms"])
        assert math.isclose(total, r["grad_value"], rel_tol=1e-9, abs_tol=1e-12)
        assert r["sum"]["text"].endswith(format_data(r["grad_value"]))


def test_theta1_shows_equation_7(unit):
    state = explore(unit.J, widget=False).state
    theta1 = next(r for r in state["nodes"] if r["label"] == "θ1")
    assert math.isclose(theta1["grad_value"], unit.equation_7, rel_tol=1e-12)
    expected = explain(unit.J, wrt=unit.t1)
    assert theta1["explain"]["text"] == expected.text
    assert theta1["explain"]["latex"] == expected.latex.strip()[2:-2]
    assert "x1" in theta1["sum"]["text"] and theta1["sum"]["terms"][0]["formula"] == "x1"


@given(t1=numbers, x1=numbers, b=numbers)
def test_a_live_edit_equals_a_fresh_forward_and_backward(make_unit, t1, x1, b):
    recorded = make_unit()
    w = explore(recorded.J, widget=False)
    w.edit(recorded.t1, t1)
    w.edit("x1", x1)
    w.edit(next(r["id"] for r in w.state["nodes"] if r["label"] == "b"), b)
    fresh = make_unit(t1=t1, x1=x1, b=b)
    fresh.J.backward()
    mine, theirs = all_nodes(w.root), all_nodes(fresh.J)
    assert len(mine) == len(theirs)
    for a, f in zip(mine, theirs, strict=True):
        assert a.op == f.op and a.label == f.label
        assert a.data == f.data  # exactly: the same ops on the same numbers
        assert a.grad == f.grad
    assert w.state["dots"]["110"] == draw_graph(fresh.J, order=True, local_grads=True).source
    assert recorded.t1.data == 0.5 and not recorded.t1.has_grad  # the caller's graph is untouched


def test_a_live_edit_of_a_tensor_leaf_equals_a_fresh_run():
    def build(w_data):
        W = Value(w_data, label="W")
        x = Value(np.array([1.0, -2.0, 0.5]), requires_grad=False, label="x")
        J = ((W @ x).tanh() ** 2).sum()
        J.label = "J"
        return J, W

    J, W = build(np.array([[0.1, 0.2, 0.3], [-0.4, 0.5, -0.6]]))
    w = explore(J, widget=False)
    new = np.array([[1.0, -1.0, 0.5], [0.25, 0.0, 2.0]])
    w.edit(W, new)
    fresh, fresh_W = build(new)
    fresh.backward()
    edited_W = next(v for v in all_nodes(w.root) if v.label == "W")
    assert np.array_equal(edited_W.grad, fresh_W.grad) and w.root.data == fresh.data
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        w.edit(W, np.zeros(3))


def test_the_widget_replays_an_edit_sent_by_the_page(network, make_network):
    pytest.importorskip("anywidget")
    w = explore(network.J)
    assert type(w).__name__ == "ExplorerWidget" and w.state == w.explorer.state
    sent = []
    w.send = sent.append
    theta = next(r for r in w.state["nodes"] if r["label"] == "θ1")
    w._on_message(w, {"type": "edit", "id": theta["id"], "value": 2.5}, [])
    fresh = make_network(θ1=2.5)
    fresh.J.backward()
    assert next(r for r in w.state["nodes"] if r["label"] == "θ1")["data"] == "2.5000"
    assert next(r for r in w.state["nodes"] if r["label"] == "J")["grad_value"] == 1.0
    assert [r["grad_value"] for r in w.state["nodes"]] == \
        [v.grad if v.requires_grad else None for v in all_nodes(fresh.J)]
    w._on_message(w, {"type": "edit", "id": theta["id"], "value": float("nan")}, [])  # refused: told to the page
    w._on_message(w, {"type": "edit", "id": w.state["root"], "value": 1.0}, [])
    assert [m["type"] for m in sent] == ["error", "error"]
    assert "θ1" in sent[0]["message"] and "finite" in sent[0]["message"]
    assert "inputs and parameters" in sent[1]["message"]
    assert next(r for r in w.state["nodes"] if r["label"] == "θ1")["data"] == "2.5000"  # unchanged by refusals


def test_edits_are_checked(unit):
    w = explore(unit.J, widget=False)
    for bad, message in ((float("nan"), "finite"), ("1.0", "holds a number"), (True, "holds a number")):
        with pytest.raises((TypeError, ValueError), match=message):
            w.edit("θ1", bad)
    with pytest.raises(ReplayError, match="inputs and parameters"):
        w.edit(w.state["root"], 1.0)
    with pytest.raises(ValueError, match="labelled 'nope'"):
        w.edit("nope", 1.0)


def test_replay_refuses_an_unregistered_op_naming_it():
    double = ag.op("lesson_double", lambda x: 2.0 * x, grads=lambda g, out, x: 2.0 * g, register=False)
    a = Value(1.5, label="a")
    J = double(a) * a
    with pytest.raises(ReplayError, match="'lesson_double'.*not in the registry"):
        replay(J)
    w = explore(J, widget=False)  # still explorable, as recorded, without live editing
    assert w.state["live"] is False and "lesson_double" in w.state["note"]
    with pytest.raises(ReplayError, match="lesson_double"):
        w.edit("a", 2.0)


def test_replay_refuses_data_changed_after_recording_and_detached_arrays():
    a = Value(2.0, label="a")
    J = a * a
    a.data = 3.0
    with pytest.raises(ReplayError, match="different value than the one recorded"):
        replay(J, verify=True)
    x = Value(np.array([1.0, 2.0]), label="x")
    h = x * 2.0
    J = (h.detach() * x).sum()
    with pytest.raises(ReplayError, match="read-only view of another Value's data"):
        replay(J)


def test_a_big_graph_is_refused_with_draw_graphs_message():
    x = Value(0.5, label="x")
    y = x
    for _ in range(40):
        y = y.tanh()
    with pytest.raises(GraphTooLargeError) as ours:
        explore(y, max_nodes=20, widget=False)
    with pytest.raises(GraphTooLargeError) as theirs:
        draw_graph(y, max_nodes=20)
    assert str(ours.value) == str(theirs.value)


def test_save_writes_one_page_holding_the_state(unit, tmp_path):
    w = explore(unit.J, widget=False)
    path = w.save(tmp_path / "unit")
    assert path == tmp_path / "unit.html"
    text = path.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="al-state">') + len(
        '<script type="application/json" id="al-state">')
    inlined = json.loads(text[start:text.index("</script>", start)])
    assert inlined == dict(w.state, live=False, note=export.OFFLINE_NOTE)
    assert "needs a running Python kernel" in text
    assert "graphvizVersion" in text and "renderToString" in text  # Viz.js and KaTeX are inside
    assert "<script src" not in text and "<link" not in text


@pytest.mark.usefixtures("dot_program")
def test_headless_the_widget_leaves_a_picture(network):
    pytest.importorskip("anywidget")
    data, _ = explore(network.J)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "<svg" in data["text/html"] and "θ1" in data["text/html"]


def test_without_dot_a_notebook_draws_in_the_browser(unit, no_dot):
    g = draw_graph(unit.J)
    bundle = g._repr_mimebundle_()
    assert "apt-get install graphviz" in bundle["text/plain"]  # the hint stays
    page = bundle["text/html"]
    assert json.dumps(g.source) in page and "graphvizVersion" in page and "renderDot(" in page
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        g.pipe(format="svg")  # outside a notebook, rendering still raises with the install message


def test_importing_autograd_lite_does_not_load_the_explorer():
    code = ("import sys, autograd_lite, autograd_lite.viz\n"
            "from autograd_lite.viz.explorer import assets\n"
            "assert 'anywidget' not in sys.modules, 'anywidget imported'\n"
            "assert 'autograd_lite.viz.explorer.widget' not in sys.modules\n"
            "assert assets.read.cache_info().currsize == 0, 'assets read'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    subprocess.run([sys.executable, "-c", "import sys, autograd_lite; assert 'autograd_lite.viz' not in sys.modules"],
                   check=True)


def test_the_explorer_without_anywidget_is_the_plain_explorer(unit):
    w = explore(unit.J, widget=False)
    assert isinstance(w, Explorer) and "backprop explorer" in w._repr_html_()
