"""draw_graph: the DOT source matches the graph, numbers follow backward, edges carry what backward used."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.viz import GraphTooLargeError, draw_graph
from autograd_lite.viz.labels import format_number

NODE = re.compile(r"^\s*(v\d+|\"scope [^\"]+\") \[(.*)\]$")
EDGE = re.compile(r"^\s*(v\d+|\"scope [^\"]+\") -> (v\d+|\"scope [^\"]+\")(?: \[(.*)\])?$")


def nodes_of(source: str) -> dict[str, str]:
    """Node name -> its attribute text."""
    found = {}
    for line in source.splitlines():
        m = NODE.match(line)
        if m and " -> " not in line:
            found[m.group(1)] = m.group(2)
    return found


def edges_of(source: str) -> list[tuple[str, str, str]]:
    return [(m.group(1), m.group(2), m.group(3) or "") for m in map(EDGE.match, source.splitlines()) if m]


def edge_label(attrs: str) -> str | None:
    m = re.search(r'label="([^"]*)"', attrs)
    return m.group(1) if m else None


def clusters_of(source: str) -> dict[str, set[str]]:
    """Cluster label -> names of every node inside it (nested clusters included)."""
    result: dict[str, set[str]] = {}
    open_labels: list[str | None] = []
    for line in source.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            open_labels.append(None)
            continue
        if line.strip() == "}" and open_labels:
            open_labels.pop()
            continue
        m = re.match(r'^\s*graph \[.*label=("[^"]+"|\S+)', line)
        if m and open_labels and open_labels[-1] is None:
            open_labels[-1] = m.group(1).strip('"')
            result.setdefault(open_labels[-1], set())
            continue
        n = NODE.match(line)
        if n and " -> " not in line:
            for label in open_labels:
                if label is not None:
                    result[label].add(n.group(1))
    return result


# ----- structure -------------------------------------------------------------------------------------
@given(st.data())
def test_one_node_per_value_and_one_edge_per_op_input(scalar_graph, reachable, data):
    root = scalar_graph(data)
    g = draw_graph(root)
    values = reachable(root)
    assert len(nodes_of(g.source)) == len(values)
    assert set(nodes_of(g.source)) == {g.ids[v] for v in values}
    edges = edges_of(g.source)
    assert len(edges) == sum(len(v.parents) for v in values)
    expected = sorted((g.ids[p], g.ids[v]) for v in values for p in v.parents)
    assert sorted((a, b) for a, b, _ in edges) == expected


def test_labels_carry_label_op_data_and_grad(unit, reachable):
    unit.J.backward()
    g = draw_graph(unit.J)
    nodes = nodes_of(g.source)
    for v in reachable(unit.J):
        attrs = nodes[g.ids[v]]
        if v.is_constant:
            assert "label=2" in attrs
            continue
        assert f"data {format_number(v.data)}" in attrs
        assert ("grad " in attrs) == v.requires_grad
        if v.requires_grad:
            assert f"grad {format_number(v.grad)}" in attrs
        if v.label:
            assert f"<b>{v.label}</b>" in attrs
    assert "sigmoid" in nodes[g.ids[unit.h]]
    assert "grad 1.0000" in nodes[g.ids[unit.J]]


def test_parameters_inputs_constants_and_results_look_different(unit, reachable):
    nodes = nodes_of(draw_graph(unit.J).source)
    g = draw_graph(unit.J)
    style = {name: attrs for name, attrs in nodes.items()}
    fill = lambda v: re.search(r'fillcolor="([^"]+)"', style[g.ids[v]])  # noqa: E731
    assert fill(unit.t1).group(1) == fill(unit.b).group(1)            # parameters alike
    assert fill(unit.x1).group(1) == fill(unit.y).group(1)            # inputs alike
    assert fill(unit.t1).group(1) != fill(unit.x1).group(1)           # but the two kinds differ
    assert fill(unit.h) is None                                       # results are not filled
    constant = next(v for v in reachable(unit.J) if v.is_constant)
    assert "shape=ellipse" in style[g.ids[constant]]
    assert "penwidth=2.2" in style[g.ids[unit.J]]                     # the root stands out


def test_rankdir_is_left_to_right_by_default_and_can_change(unit):
    assert "rankdir=LR" in draw_graph(unit.J).source
    assert "rankdir=TB" in draw_graph(unit.J, rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(unit.J, rankdir="sideways")


def test_precision_sets_the_decimals_and_tiny_numbers_stay_visible():
    a = Value(0.123456789, label="a")
    out = a * 1e-9
    out.backward()
    source = draw_graph(out, precision=2).source
    assert "data 0.12" in source and "data 0.1235" not in source
    assert "grad 1.0e-09" in source  # a vanishing gradient is not rounded to 0.00


def test_tensors_show_shape_dtype_and_values_or_a_summary():
    small = Value(np.array([1.0, 2.0, 3.0]), label="small")
    big = Value(np.arange(12.0).reshape(3, 4), label="big")
    out = (big * small.sum()).sum()
    out.backward()
    g = draw_graph(out, local_grads=True)
    nodes = nodes_of(g.source)
    assert "shape (3,) float64" in nodes[g.ids[small]]
    assert "[1.0000, 2.0000, 3.0000]" in nodes[g.ids[small]]
    assert "shape (3, 4) float64" in nodes[g.ids[big]]
    assert "min 0.000 · mean 5.500 · max 11.000" in nodes[g.ids[big]]
    mul = out.parents[0]
    labels = {(a, b): edge_label(attrs) for a, b, attrs in edges_of(g.source)}
    assert labels[(g.ids[big], g.ids[mul])] == "∂ (3, 4)"


# ----- backward made visible -------------------------------------------------------------------------
@given(st.data())
def test_order_numbers_are_backwards_visit_order(scalar_graph, reachable, data):
    root = scalar_graph(data)
    g = draw_graph(root, order=True)
    nodes = nodes_of(g.source)
    number = {}
    for v in reachable(root):
        m = re.search(r"#(\d+)<", nodes[g.ids[v]])
        assert (m is not None) == v.requires_grad  # only nodes backward visits get a number
        if m:
            number[v] = int(m.group(1))
    assert number == {v: k + 1 for k, v in enumerate(ag.backward_order(root))}
    assert number[root] == 1
    for v in number:  # a valid reverse topological order: a node before all of its inputs
        for p in v.parents:
            if p in number:
                assert number[v] < number[p]


@given(st.data())
def test_edge_labels_are_the_local_derivatives_backward_used(scalar_graph, reachable, data):
    root = scalar_graph(data)
    root.backward()
    g = draw_graph(root, local_grads=True, precision=12)
    edges = edges_of(g.source)
    by_head: dict[str, list[tuple[str, str]]] = {}
    for tail, head, attrs in edges:
        by_head.setdefault(head, []).append((tail, edge_label(attrs)))
    values = reachable(root)
    for v in values:
        if v.is_leaf:
            continue
        rule = ag.get_op(v.op)
        for i, ((tail, label), parent) in enumerate(zip(by_head[g.ids[v]], v.parents, strict=True)):
            assert tail == g.ids[parent]
            if not parent.requires_grad:
                assert label is None  # no gradient flows to an input or a constant
                continue
            # backward's own call: the op's rule with upstream 1 (floats need no reduction)
            local = rule.vjp(i, 1.0, v.data, [p.data for p in v.parents], v.params)
            assert float(label.removeprefix("∂ ")) == pytest.approx(local, rel=1e-9, abs=1e-11)
    # what a learner checks by eye: grad = Σ over outgoing edges of (grad at the head) × label
    for v in values:
        if not v.requires_grad or v is root:
            continue
        total = 0.0
        for c in values:
            for i, p in enumerate(c.parents):
                if p is v:
                    total += c.grad * float(edge_label(_edge_attrs(edges, g.ids[p], g.ids[c], i)).removeprefix("∂ "))
        assert v.grad == pytest.approx(total, rel=1e-9, abs=1e-10)


def _edge_attrs(edges: list[tuple[str, str, str]], tail: str, head: str, argnum: int) -> str:
    """The attributes of the edge for `head`'s input number `argnum` (edges are listed in argument order)."""
    into = [(t, attrs) for t, h, attrs in edges if h == head]
    t, attrs = into[argnum]
    assert t == tail
    return attrs


def test_step_highlights_the_node_and_shows_the_gradient_flowing(unit):
    steps = ag.backward_order(unit.J)
    for i, current in enumerate(steps):
        g = draw_graph(unit.J, step=i)
        nodes = nodes_of(g.source)
        highlighted = [name for name, attrs in nodes.items() if 'fillcolor="#ffd8a8"' in attrs]
        assert highlighted == [g.ids[current]]
        assert f"#{i + 1}<" in nodes[g.ids[current]]
        flowing = [(tail, attrs) for tail, head, attrs in edges_of(g.source) if "dir=back" in attrs]
        assert sorted(t for t, _ in flowing) == sorted(g.ids[p] for p in current.parents if p.requires_grad)
    frame = draw_graph(unit.J, step=2)  # h passes its gradient to z
    label = edge_label(next(a for t, h, a in edges_of(frame.source) if "dir=back" in a))
    dh = 2 * (unit.g - 1.0)
    local = unit.g * (1 - unit.g)
    assert label == f"{format_number(dh)} × {format_number(local)}\\n= {format_number(dh * local)}"
    nodes = nodes_of(frame.source)
    assert "grad ?" in nodes[frame.ids[unit.t1]]  # backward has not reached θ1 yet
    assert f"grad {format_number(dh * local)}" in nodes[frame.ids[unit.z]]
    with pytest.raises(ValueError, match="step must be an int in"):
        draw_graph(unit.J, step=len(steps))


def test_a_partial_gradient_is_marked_so_far():
    a = Value(1.5, label="a")
    b = a * 2.0
    out = b + a  # a gets one contribution from out at step 0 and another from b at step 1
    source = draw_graph(out, step=0).source
    g = draw_graph(out, step=0)
    assert "grad so far 1.0000" in nodes_of(source)[g.ids[a]]
    final = draw_graph(out, step=1)
    assert "grad 3.0000" in nodes_of(final.source)[final.ids[a]]


def _deep_chain(activation: str, depth: int = 8):
    x = Value(0.5, requires_grad=False, label="x")
    weights, h = [], x
    for i in range(depth):
        w = Value(2.0, label=f"w{i}")
        weights.append(w)
        z = w * h + 1.0
        h = z.sigmoid() if activation == "sigmoid" else z.relu()
    return h, weights


def test_gradient_size_shows_vanishing_gradients_of_a_deep_sigmoid_chain():
    widths = {}
    for activation in ("sigmoid", "relu"):
        out, weights = _deep_chain(activation)
        g = draw_graph(out, grad_edges=True)
        edges = edges_of(g.source)
        first = next(a for t, h, a in edges if t == g.ids[weights[0]])
        last = next(a for t, h, a in edges if t == g.ids[weights[-1]])
        width = lambda attrs: float(re.search(r"penwidth=([\d.]+)", attrs).group(1))  # noqa: E731
        widths[activation] = (width(first), width(last))
        assert "|gradient|" in g.source
    assert widths["sigmoid"][0] < widths["sigmoid"][1]  # the gradient shrinks on its way down
    assert widths["sigmoid"][0] < widths["relu"][0]      # and ReLU keeps it large (section 15)


# ----- scopes, collapsing and big graphs ----------------------------------------------------------------
def _scoped_model():
    x = Value(1.0, requires_grad=False, label="x")
    with ag.scope("encoder"):
        w = Value(0.5, label="w")
        with ag.scope("layers.0"):
            h = (w * x).tanh()
        with ag.scope("layers.1"):
            h = (h * w).sigmoid()
    out = h * 2.0
    return out, w, x, h


def test_values_made_under_a_scope_are_grouped_in_a_cluster_named_by_its_path():
    out, w, x, h = _scoped_model()
    g = draw_graph(out)
    clusters = clusters_of(g.source)
    assert set(clusters) == {"encoder", "encoder.layers.0", "encoder.layers.1"}  # no box around "layers"
    assert g.ids[w] in clusters["encoder"] and g.ids[w] not in clusters["encoder.layers.0"]
    assert g.ids[h] in clusters["encoder.layers.1"] and g.ids[h] in clusters["encoder"]
    assert g.ids[x] not in set().union(*clusters.values())
    assert g.ids[out] not in set().union(*clusters.values())
    assert "subgraph" not in draw_graph(out, clusters=False).source


def test_collapse_draws_each_scope_as_one_box():
    out, w, x, h = _scoped_model()
    full = nodes_of(draw_graph(out).source)
    g = draw_graph(out, collapse=True)  # the innermost scopes: encoder.layers.0 and encoder.layers.1
    nodes = nodes_of(g.source)
    assert '"scope encoder.layers.0"' in nodes and '"scope encoder.layers.1"' in nodes
    assert len(nodes) == len(full) - 4 + 2  # 2 + 2 Values become 2 boxes
    edges = [(a, b) for a, b, _ in edges_of(g.source)]
    assert len(edges) == len(set(edges))
    assert (g.ids[w], '"scope encoder.layers.0"') in edges
    assert ('"scope encoder.layers.0"', '"scope encoder.layers.1"') in edges
    assert "2 values, 0 parameters" in nodes['"scope encoder.layers.0"']
    whole = nodes_of(draw_graph(out, collapse=["encoder"]).source)
    assert '"scope encoder"' in whole and g.ids[w] not in whole
    assert set(nodes_of(draw_graph(out, collapse=1).source)) == set(whole)
    with pytest.raises(ValueError, match="not in this graph"):
        draw_graph(out, collapse=["decoder"])


def test_above_the_node_limit_draw_graph_refuses_and_says_how_to_proceed(reachable):
    x = Value(0.1, label="x")
    with ag.scope("block"):
        for _ in range(30):
            x = x.tanh()
    out = x * 1.0
    n = len(reachable(out))
    with pytest.raises(GraphTooLargeError, match=rf"has {n} nodes, more than max_nodes=20.*max_nodes={n}") as info:
        draw_graph(out, max_nodes=20)
    assert "collapse=True" in str(info.value)
    assert len(nodes_of(draw_graph(out, max_nodes=n).source)) == n
    assert len(nodes_of(draw_graph(out, max_nodes=20, collapse=True).source)) <= 20


def test_a_deep_graph_is_traversed_without_recursion():
    x = Value(0.0, label="x")
    for _ in range(5000):
        x = x + 1.0
    with pytest.raises(GraphTooLargeError, match="max_nodes=300"):
        draw_graph(x)
    assert len(nodes_of(draw_graph(x, max_nodes=20000).source)) == 10001


def test_an_nn_model_is_drawn_with_clusters_named_by_module_paths():
    import nn  # the tests may use nn; autograd_lite.viz itself never imports it

    model = nn.ScalarMLP(2, [2, 1], seed=0)
    out = model([1.0, 2.0])
    loss = (out - 1.0) ** 2
    loss.backward()
    g = draw_graph(loss, order=True, local_grads=True)
    clusters = clusters_of(g.source)
    assert {"layers.0", "layers.1"} <= set(clusters)
    params = {p.label: p for p in model.parameters()}
    assert g.ids[params["θ1"]] in clusters["layers.0"]
    assert g.ids[params["ω1"]] in clusters["layers.1"]
    assert g.ids[params["ω1"]] not in clusters["layers.0"]
    assert g.ids[loss] not in set().union(*clusters.values())
    boxes = [name for name in nodes_of(draw_graph(loss, collapse=2).source) if name.startswith('"scope')]
    assert sorted(boxes) == ['"scope layers.0"', '"scope layers.1"']
    neurons = draw_graph(loss, collapse=True)  # each neuron one box, inside its layer's cluster
    clusters = clusters_of(neurons.source)
    assert set(clusters) == {"layers.0", "layers.1"}
    assert clusters["layers.0"] == {'"scope layers.0.neurons.0"', '"scope layers.0.neurons.1"'}
