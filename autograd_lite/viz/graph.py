"""`draw_graph`: a computation graph as a `graphviz.Digraph`, drawn so the chain rule can be read off it.

One node per Value (label, op, data, grad), one edge per op input (input -> result). Options number
nodes in backward's order, label edges with local derivatives, replay one backward step, size
edges by gradient, and group Values made under ``autograd_lite.scope`` into clusters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_lite import Value, backward_order, grad_is_current, topological_order
from autograd_lite import functional as F
from autograd_lite import symbols as S

from .dot import ValueGraph
from .labels import escape, format_constant, format_data, is_scalar, magnitude, node_kind, op_text, shape_text
from .steps import Step, backward_steps, describe_step, edge_derivatives, gradients_at, name_of

DEFAULT_MAX_NODES = 300

# colours: parameters warm, inputs cool, computed values white; the step being replayed orange
STYLE = {
    "parameter": {"shape": "box", "style": "rounded,filled", "fillcolor": "#fff4c2", "color": "#c9a227"},
    "input": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dceefc", "color": "#5b8db8"},
    "result": {"shape": "box", "style": "rounded", "color": "#555555"},
    "constant": {"shape": "ellipse", "style": "filled", "fillcolor": "#f2f2f2", "color": "#bbbbbb",
                 "fontcolor": "#555555", "fontsize": "10", "margin": "0.02"},
}
GRAD_COLOUR = "#b03a2e"
STEP_COLOUR = "#e8590c"
DONE_COLOUR = "#999999"
# a grad that no backward from the drawn root stored (none yet, or one left by another graph's backward)
NOT_COMPUTED = "grad not computed"
# grad_edges: |gradient| mapped on a log scale from 1e-6 (thin, pale) to >= 1 (thick, dark)
GRAD_DECADES = 6
# a collapsed scope's node name; graphviz reads "a:b" in an edge as node a, port b, so no colon here
BOX_PREFIX = "scope "


class GraphTooLargeError(ValueError):
    """The graph has more nodes than `max_nodes`; the message says how to draw it anyway."""


def all_nodes(root: Value) -> list[Value]:
    """Every Value reachable from `root` (constants and inputs too), inputs before their results."""
    return topological_order(root, all_nodes=True)


def draw_graph(root: Value, *, precision: int = 4, rankdir: str = "LR", order: bool = False,
               local_grads: bool = False, step: int | None = None, grad_edges: bool = False,
               clusters: bool = True, collapse: bool | int | Iterable[str] = False,
               max_nodes: int = DEFAULT_MAX_NODES, caption: bool = True,
               highlight: Value | Iterable[Value] | Exception | None = None) -> ValueGraph:
    """Draw the graph that computed `root` as a ``graphviz.Digraph`` (shows inline in Jupyter).

    - `precision`: decimals for scalars (tensors show shape, dtype and values or a summary).
    - `rankdir`: "LR" (inputs left, `root` right), "TB", "RL" or "BT".
    - `order`: prefix each node that backward visits with ``#k``, its place in backward's order.
    - `local_grads`: label each edge that carries a gradient with the local derivative ∂out/∂in
      (its shape for tensors): a node's grad is the sum over its outgoing edges of
      (the grad at the edge's head) × (the edge's label). Beside the number, the edge shows the
      derivative's formula, read off the op's own rule (``h(1 - h)`` for a sigmoid h).
    - `step`: replay ``backward_steps(root)[step]``: that node is highlighted, its input edges show
      upstream × local = contribution, grads show what backward has accumulated so far.
    - `grad_edges`: edge width and colour grow with ``|gradient|`` on a log scale (vanishing
      gradients show as thin pale edges).
    - `clusters`: group Values by ``autograd_lite.scope`` path; `collapse` draws scopes as one box
      each: True for the innermost scopes, an int for scopes at that depth ("layers.0" is depth 2),
      or a list of scope paths.
    - `max_nodes`: refuse (with a message saying how to proceed) above this many nodes.
    - `highlight`: Values to outline in red; or an error that names nodes — an
      ``AnomalyError`` (its node, the input that received the non-finite gradient, and the edge
      between) or a ``DataChangedError`` (the changed Value and the node that saved it).
    """
    _check_options(root, precision, rankdir, max_nodes)
    nodes = all_nodes(root)
    steps: list[Step] | None = None
    if step is not None or grad_edges:
        steps = backward_steps(root)
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int) or not -len(steps) <= step < len(steps):
            raise ValueError(f"draw_graph: step must be an int in [0, {len(steps) - 1}] "
                             f"(backward has {len(steps)} steps), got {step!r}")
        step %= len(steps)
        order = True
    ids = {v: f"v{i}" for i, v in enumerate(nodes)}
    boxes = collapsed_scopes(nodes, collapse) if collapse else {}
    drawn = {ids[v] if v not in boxes else boxes[v] for v in nodes}
    if len(drawn) > max_nodes:
        raise GraphTooLargeError(_too_large_message(nodes, len(drawn), max_nodes, collapse))

    numbers = {v: k + 1 for k, v in enumerate(backward_order(root))} if order and root.requires_grad else {}
    graph = ValueGraph(name="autograd_lite", graph_attr={
        "rankdir": rankdir, "fontname": "Helvetica", "fontsize": "11", "nodesep": "0.3", "ranksep": "0.45",
        "labelloc": "b", "labeljust": "l", "ordering": "in"},
        node_attr={"fontname": "Helvetica", "fontsize": "11", "margin": "0.08,0.04"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6", "color": "#666666"})
    graph.ids = ids  # Value -> node name in the DOT source (for tools and tests)

    frame = _Frame(steps, step) if step is not None else None
    marked, marked_edge = _highlighted(highlight)
    containers = _clusters(graph, nodes, boxes, clusters)
    for v in nodes:
        if v in boxes:
            continue
        attrs = dict(STYLE[node_kind(v)])
        label = _node_label(v, numbers.get(v), precision, frame, root)
        if v is root:
            attrs["penwidth"] = "2.2"
        if frame is not None:
            attrs.update(frame.node_style(v))
        if v in marked:
            attrs.update(HIGHLIGHT)
        containers(v.scope).node(ids[v], label=label, **attrs)
    _draw_boxes(nodes, boxes, containers)
    containers.close()

    sizes = edge_sizes(steps) if grad_edges else {}
    drawn_edges: set[tuple[str, str]] = set()
    for v in nodes:
        if v.is_leaf:
            continue
        locals_ = edge_derivatives(v) if local_grads or frame is not None else None
        formulas = edge_formulas(v) if local_grads else None
        head = boxes.get(v, ids[v])
        for argnum, parent in enumerate(v.parents):
            tail = boxes.get(parent, ids[parent])
            if tail == head:
                continue  # inside a collapsed scope
            if v in boxes or parent in boxes:
                if (tail, head) not in drawn_edges:
                    drawn_edges.add((tail, head))
                    graph.edge(tail, head)
                continue
            attrs = _edge_attrs(v, argnum, parent, locals_, precision, sizes, frame)
            if formulas is not None and formulas[argnum] is not None and formulas[argnum].kind != "num":
                attrs["xlabel"] = S.text(formulas[argnum])  # the rule's own formula, beside its number
            if marked_edge == (parent, v):
                attrs.update({"color": HIGHLIGHT["color"], "penwidth": "2.5"})
            graph.edge(tail, head, **attrs)
    if caption:
        shown = [v for v in nodes if v not in boxes]
        stale = frame is None and any(v.requires_grad and not grad_is_current(v, root) for v in shown)
        graph.attr(label=_caption(shown, frame, grad_edges, local_grads, precision, stale))
    return graph


def edge_formulas(v: Value) -> tuple[S.Expr | None, ...]:
    """The local derivative on each of `v`'s input edges as a formula read off its op's rule.

    Labelled Values are written with their labels and one-number constants as numbers; an
    unlabelled head is `out` and an unlabelled input `in` (or `in1`, `in2`, ...), so a formula
    stays as short as the edge it sits on: a sigmoid's is ``out(1 - out)``.
    """
    parents = v.parents
    inputs = [S.symbol(p.label) if p.label else S.number(p.item()) if p.is_constant and p.size == 1
              else S.symbol("in" if len(parents) == 1 else f"in{i}") for i, p in enumerate(parents, 1)]
    return S.local_derivatives(v, S.symbol(v.label or "out"), inputs)


def _check_options(root: Any, precision: Any, rankdir: Any, max_nodes: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {type(root).__name__}")
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 15:
        raise ValueError(f"draw_graph: precision must be an int from 0 to 15, got {precision!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be a positive int, got {max_nodes!r}")


# ----- node labels ---------------------------------------------------------------------------------
def _node_label(v: Value, number: int | None, precision: int, frame: _Frame | None, root: Value) -> str:
    kind = node_kind(v)
    if kind == "constant":
        if is_scalar(F.raw(v)):
            return escape(format_constant(float(np.asarray(F.raw(v)).reshape(()))))
        return f"<const {escape(shape_text(v.shape))}<br/>{escape(format_data(F.raw(v), precision))}>"
    title = []
    if number is not None:
        title.append(f'<font color="#777777">#{number}</font>')
    op = escape(op_text(v))
    if v.label:
        title.append(f"<b>{escape(v.label)}</b>")
        if op:
            title.append(f'<font color="#555555">({op})</font>')
    elif op:
        title.append(f"<b>{op}</b>")
    else:
        title.append(f'<font color="#555555"><i>{kind}</i></font>')
    rows = ["&nbsp;".join(title)]
    if type(F.raw(v)) is not float:
        rows.append(f'<font point-size="9" color="#555555">shape {escape(shape_text(v.shape))} {v.dtype}</font>')
    rows.append(f"data {escape(format_data(F.raw(v), precision))}")
    if v.requires_grad:
        rows.append(_grad_row(v, precision, frame, root))
    cells = "".join(f"<tr><td>{row}</td></tr>" for row in rows)
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'


def _grad_row(v: Value, precision: int, frame: _Frame | None, root: Value) -> str:
    if frame is None:
        if not grad_is_current(v, root):  # no backward from `root` stored it: stale or never computed
            return f'<font color="{DONE_COLOUR}"><i>{NOT_COMPUTED}</i></font>'
        return f'<font color="{GRAD_COLOUR}">grad {escape(format_data(v.grad, precision))}</font>'
    known = frame.grads.get(v)
    if known is None:
        return f'<font color="{DONE_COLOUR}">grad ?</font>'
    text = escape(format_data(known, precision))
    if frame.complete(v):
        return f'<font color="{GRAD_COLOUR}">grad {text}</font>'
    return f'<font color="{GRAD_COLOUR}">grad so far {text}</font>'


# ----- one backward step ------------------------------------------------------------------------------
class _Frame:
    """The state of backward while it processes ``steps[index]``."""

    def __init__(self, steps: list[Step], index: int) -> None:
        self.steps, self.index = steps, index
        self.current = steps[index]
        self.grads = gradients_at(steps, index)
        self.position = {s.node: s.index for s in steps}
        last_consumer: dict[Value, int] = {}
        for s in steps:
            for parent, _, _ in s.contributions:
                last_consumer[parent] = s.index
        self.last_consumer = last_consumer

    def complete(self, v: Value) -> bool:
        return self.last_consumer.get(v, -1) <= self.index

    def node_style(self, v: Value) -> dict[str, str]:
        if v is self.current.node:
            return {"style": "rounded,filled,bold", "fillcolor": "#ffd8a8", "color": STEP_COLOUR, "penwidth": "3"}
        position = self.position.get(v)
        if position is not None and position < self.index:
            return {"color": DONE_COLOUR}  # already processed: its grad has been passed on
        return {}


HIGHLIGHT = {"color": "#d6336c", "fillcolor": "#ffe3ec", "penwidth": "3", "style": "rounded,filled,bold"}


def _highlighted(highlight: Any) -> tuple[set[Value], tuple[Value, Value] | None]:
    """The Values to outline, and the edge (input, node) to colour, from `draw_graph`'s `highlight`."""
    if highlight is None:
        return set(), None
    if isinstance(highlight, Value):
        return {highlight}, None
    if isinstance(highlight, Exception):
        node = getattr(highlight, "node", None)
        other = getattr(highlight, "input", None)
        if other is None:
            other = getattr(highlight, "value", None)
        if not isinstance(node, Value):
            raise TypeError(f"draw_graph: highlight= got a {type(highlight).__name__} that names no node; "
                            "pass an AnomalyError, a DataChangedError, or Values")
        edge = (other, node) if isinstance(other, Value) and other in node.parents else None
        return {v for v in (node, other) if isinstance(v, Value)}, edge
    values = set(highlight)
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"draw_graph: highlight= takes Values, got a {type(v).__name__}")
    return values, None


# ----- edges ------------------------------------------------------------------------------------------
def _edge_attrs(v: Value, argnum: int, parent: Value, locals_: tuple | None, precision: int,
                sizes: dict, frame: _Frame | None) -> dict[str, str]:
    if not parent.requires_grad:
        return {"color": "#aaaaaa", "style": "dashed" if parent.is_constant else "solid"}
    attrs: dict[str, str] = {}
    if locals_ is not None:
        attrs["label"] = _local_text(locals_[argnum], precision)
    size = sizes.get((v, argnum))
    if size is not None:
        attrs.update(size_style(size))
    if frame is not None and v is frame.current.node:
        upstream = frame.current.upstream
        contribution = edge_derivatives(v, upstream)[argnum]
        # the arrowhead sits at the input: this is the gradient flowing back along the edge
        attrs.update({"color": STEP_COLOUR, "fontcolor": STEP_COLOUR, "penwidth": "2.5", "dir": "back"})
        if is_scalar(contribution):
            attrs["label"] = (f"{format_data(upstream, precision)} × {format_data(locals_[argnum], precision)}"
                              f"\\n= {format_data(contribution, precision)}")
    return attrs


def _local_text(local: Any, precision: int) -> str:
    if is_scalar(local):
        return f"∂ {format_data(local, precision)}"
    return f"∂ {shape_text(np.shape(local))}"


def edge_sizes(steps: list[Step]) -> dict[tuple[Value, int], float]:
    """|gradient| flowing along each edge: the contribution backward sends through it."""
    sizes: dict[tuple[Value, int], float] = {}
    for s in steps:
        contributions = iter(s.contributions)
        for argnum, parent in enumerate(s.node.parents):
            if parent.requires_grad:
                sizes[(s.node, argnum)] = magnitude(next(contributions)[2])
    return sizes


def size_style(size: float) -> dict[str, str]:
    """The width, colour and tooltip of an edge carrying a gradient of this size (`grad_edges`)."""
    if size == 0.0 or not math.isfinite(size):
        return {"penwidth": "0.6", "color": "#cccccc", "style": "dotted", "tooltip": f"|gradient| {size:.3g}"}
    t = (min(max(math.log10(size), -GRAD_DECADES), 0.0) + GRAD_DECADES) / GRAD_DECADES
    pale, dark = (0xd0, 0xd0, 0xd0), (0xb0, 0x3a, 0x2e)
    rgb = "".join(f"{round(p + (d - p) * t):02x}" for p, d in zip(pale, dark, strict=True))
    return {"penwidth": f"{0.6 + 4.4 * t:.2f}", "color": f"#{rgb}", "tooltip": f"|gradient| {size:.3g}"}


def _caption(nodes: list[Value], frame: _Frame | None, grad_edges: bool, local_grads: bool, precision: int,
             stale: bool = False) -> str:
    kinds = {node_kind(v) for v in nodes}
    key = [text for kind, text in (("parameter", "yellow: parameters"), ("input", "blue: inputs"),
                                    ("result", "white: computed"), ("constant", "grey: constants"))
           if kind in kinds]
    lines = [" · ".join(key) + " · arrows: forward pass (gradients flow back against them)"]
    if local_grads:
        lines.append("edge label ∂: local derivative ∂(head)/∂(tail), beside it its formula from the op's rule "
                     "(an unlabelled head is out, an unlabelled tail in)")
        lines.append("a node's grad = Σ over its outgoing edges of (grad at the head) × ∂")
    if grad_edges:
        lines.append(f"edge width and colour: |gradient| on a log scale, 1e-{GRAD_DECADES} (thin, pale) "
                     "to 1 or more (thick, dark)")
    if stale:
        lines.append(f"{NOT_COMPUTED}: no backward() from this root has filled it (a number left by another "
                     "graph's backward, e.g. the last training step, is not shown); call backward() first")
    if frame is not None:
        lines.insert(0, _step_caption(frame.current, precision))
    return "".join(line + "\\l" for line in lines)


def _step_caption(step: Step, precision: int) -> str:
    if not step.contributions:
        return f"backward {describe_step(step, precision)}"
    return (f"backward step {step.index} (#{step.number}): {name_of(step.node)} passes its gradient "
            f"{format_data(step.upstream, precision) if is_scalar(step.upstream) else 'array'} to its inputs "
            "(orange arrows), each times the local derivative on its edge")


# ----- scope clusters -----------------------------------------------------------------------------------
def _prefixes(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def collapsed_scopes(nodes: list[Value], collapse: Any) -> dict[Value, str]:
    """For each Value inside a collapsed scope, the id of the box that stands for that scope."""
    paths = {v.scope for v in nodes if v.scope}
    if not paths:
        return {}
    if collapse is True:
        all_prefixes = {p for path in paths for p in _prefixes(path)}
        innermost = {p for p in all_prefixes if not any(q.startswith(p + ".") for q in all_prefixes)}
        target = lambda s: s if s in innermost else None  # noqa: E731
    elif isinstance(collapse, int) and not isinstance(collapse, bool):
        if collapse < 1:
            raise ValueError(f"draw_graph: collapse depth must be >= 1, got {collapse}")
        target = lambda s: ".".join(s.split(".")[:collapse]) if s.count(".") + 1 >= collapse else None  # noqa: E731
    elif isinstance(collapse, Iterable) and not isinstance(collapse, str):
        wanted = sorted(set(collapse), key=len)
        all_prefixes = {p for path in paths for p in _prefixes(path)}
        unknown = [w for w in wanted if w not in all_prefixes]
        if unknown:
            raise ValueError(f"draw_graph: collapse names scopes not in this graph: {unknown}; "
                             f"its scopes are {sorted(all_prefixes)}")
        target = lambda s: next((w for w in wanted if s == w or s.startswith(w + ".")), None)  # noqa: E731
    else:
        raise TypeError(f"draw_graph: collapse must be True, a depth (int) or a list of scope paths, got {collapse!r}")
    boxes: dict[Value, str] = {}
    for v in nodes:
        if v.scope:
            path = target(v.scope)
            if path is not None:
                boxes[v] = BOX_PREFIX + path
    return boxes


def _draw_boxes(nodes: list[Value], boxes: dict[Value, str], containers: _Containers) -> None:
    members: dict[str, list[Value]] = {}
    for v in nodes:
        if v in boxes:
            members.setdefault(boxes[v], []).append(v)
    for box, inside in members.items():
        path = box[len(BOX_PREFIX):]
        parameters = sum(1 for v in inside if node_kind(v) == "parameter")
        label = f"<<b>{escape(path)}</b><br/>{len(inside)} values, {parameters} parameters>"
        parent = path.rsplit(".", 1)[0] if "." in path else None
        containers(parent).node(box, label=label, shape="box3d", style="filled", fillcolor="#eeeeee",
                                color="#777777")


class _Containers:
    """Where a node with a given scope path goes: the top-level graph, or its scope's cluster."""

    def __init__(self, graph: ValueGraph, paths: set[str], box_paths: set[str]) -> None:
        self.graph = graph
        every = paths | box_paths
        prefixes = {p for path in every for p in _prefixes(path)}
        children: dict[str, list[str]] = {}
        for p in prefixes:
            if "." in p:
                parent, last = p.rsplit(".", 1)
                children.setdefault(parent, []).append(last)
        # every scope gets a cluster, except a bare list of modules ("layers" above "layers.0",
        # "layers.1"): it holds no Values itself and would only add a box around its items
        self.kept = {p for p in prefixes - box_paths  # a collapsed scope is a box, not a cluster
                     if p in paths or not all(last.isdigit() for last in children.get(p, []))}
        self.subgraphs = {p: ValueGraph(name=f"cluster_{i}", graph_attr={
            "label": p, "style": "rounded,dashed", "color": "#8a8a8a", "fontcolor": "#444444",
            "fontsize": "10", "labeljust": "l", "labelloc": "t"}) for i, p in enumerate(sorted(self.kept))}

    def owner(self, path: str | None) -> str | None:
        """The nearest kept cluster at or above `path`."""
        while path:
            if path in self.kept:
                return path
            path = path.rsplit(".", 1)[0] if "." in path else None
        return None

    def __call__(self, path: str | None) -> ValueGraph:
        owner = self.owner(path)
        return self.graph if owner is None else self.subgraphs[owner]

    def close(self) -> None:
        """Nest the clusters, deepest first (graphviz copies a subgraph's lines when it is added)."""
        for path in sorted(self.kept, key=lambda p: (-p.count("."), p)):
            parent = self.owner(path.rsplit(".", 1)[0]) if "." in path else None
            (self.graph if parent is None else self.subgraphs[parent]).subgraph(self.subgraphs[path])


class _NoClusters:
    def __init__(self, graph: ValueGraph) -> None:
        self.graph = graph

    def __call__(self, path: str | None) -> ValueGraph:
        return self.graph

    def close(self) -> None:
        pass


def _clusters(graph: ValueGraph, nodes: list[Value], boxes: dict[Value, str], clusters: bool) -> Any:
    if not clusters:
        return _NoClusters(graph)
    paths = {v.scope for v in nodes if v.scope and v not in boxes}
    # a collapsed scope's box sits in the cluster of the nearest enclosing scope
    return _Containers(graph, paths, {box[len(BOX_PREFIX):] for box in boxes.values()})


def _too_large_message(nodes: list[Value], count: int, max_nodes: int, collapse: Any) -> str:
    message = (f"draw_graph: this graph has {count} nodes, more than max_nodes={max_nodes}; dot cannot lay out "
               f"a graph this big readably (or quickly). To draw it anyway pass max_nodes={count} (or more)")
    if not collapse and any(v.scope for v in nodes):
        boxes = collapsed_scopes(nodes, True)
        collapsed = len({boxes.get(v, id(v)) for v in nodes})
        message += f"; or draw each innermost scope as one box with collapse=True ({collapsed} nodes)"
    return message + "; or draw a smaller part, passing an intermediate Value as the root."
