"""The explorer's picture of a graph as plain JSON data: what the widget sends and an export inlines.

The DOT sources are `draw_graph`'s own (one per toggle setting); each node's record holds its
numbers, the local derivative on every edge and the chain-rule sum of its gradient; frames are `backward_steps`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import Value
from autograd_lite import functional as F
from autograd_lite import symbols as S

from ..explain import explain
from ..formulas import Names
from ..graph import (
    BOX_PREFIX,
    DEFAULT_MAX_NODES,
    GraphTooLargeError,
    all_nodes,
    collapsed_scopes,
    draw_graph,
    edge_sizes,
    size_style,
)
from ..labels import format_data, is_scalar, node_kind, op_text, shape_text
from ..steps import Step, backward_steps, describe_step, edge_derivatives, name_of

#: explain's full path-by-path derivation is written for the parameters of graphs up to this size
EXPLAIN_LIMIT = 120
#: the DOT variants: order numbers, local derivatives, collapsed scopes (edge widths are restyled by the page)
TOGGLES = ("order", "local_grads", "collapse")


def variant_key(order: bool, local_grads: bool, collapse: bool) -> str:
    """The key of a DOT variant in ``state["dots"]``: "101" is order numbers and collapsed scopes."""
    return f"{int(order)}{int(local_grads)}{int(collapse)}"


def dot_variants(root: Value, *, precision: int, rankdir: str, max_nodes: int,
                 collapse: Any) -> tuple[dict[str, str], str | None]:
    """``draw_graph``'s DOT source for every toggle setting, and why the collapsed ones are missing (or None).

    The uncollapsed drawing is what `collapse` asks for (False: every Value); "collapsed" is
    ``collapse=True`` unless `collapse` already names scopes. A too-large uncollapsed graph
    raises draw_graph's own `GraphTooLargeError`.
    """
    base = collapse if collapse else False
    folded = collapse if collapse else True
    dots: dict[str, str] = {}
    has_scopes = any(v.scope for v in all_nodes(root))
    why = None if has_scopes else "no Value of this graph was made under autograd_lite.scope(...)"
    for order in (False, True):
        for local in (False, True):
            options = dict(precision=precision, rankdir=rankdir, order=order, local_grads=local,
                           max_nodes=max_nodes)
            dots[variant_key(order, local, False)] = draw_graph(root, collapse=base, **options).source
            if has_scopes and not base:
                try:
                    dots[variant_key(order, local, True)] = draw_graph(root, collapse=folded, **options).source
                except GraphTooLargeError as error:
                    why = str(error)
    if base:
        why = f"the graph is drawn with collapse={collapse!r} (explore(root) without collapse shows every Value)"
    return dots, why


def graph_state(root: Value, *, precision: int = 4, rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES,
                collapse: Any = False, live: bool = False, note: str | None = None) -> dict:
    """Everything the explorer page shows for `root`, as JSON-able data (see the module docstring).

    Raises draw_graph's errors (too many nodes, bad options) before doing anything else.
    """
    dots, collapse_note = dot_variants(root, precision=precision, rankdir=rankdir, max_nodes=max_nodes,
                                       collapse=collapse)
    nodes = all_nodes(root)
    ids = {v: f"v{i}" for i, v in enumerate(nodes)}
    steps = backward_steps(root) if root.requires_grad else []
    final = {s.node: s.upstream for s in steps}  # every node's complete gradient
    names = Names(nodes, root)
    boxes = collapsed_scopes(nodes, True) if collapse_note is None else {}
    if collapse:
        boxes = collapsed_scopes(nodes, collapse)
    position = {s.node: s.index for s in steps}
    complete_at: dict[Value, int] = {steps[0].node: 0} if steps else {}
    for s in steps:
        for parent, _, _ in s.contributions:
            complete_at[parent] = s.index
    consumers: dict[Value, list[tuple[Value, int]]] = {}
    for v in nodes:
        for argnum, p in enumerate(v.parents):
            consumers.setdefault(p, []).append((v, argnum))
    scalar_graph = all(v.size == 1 for v in nodes if v.requires_grad)
    explained = scalar_graph and root.requires_grad and len(nodes) <= EXPLAIN_LIMIT
    locals_ = {v: edge_derivatives(v) for v in nodes if not v.is_leaf}
    records = []
    for i, v in enumerate(nodes):
        record = _node_record(v, i, ids, names, root, final, locals_, consumers, precision)
        record.update(step=position.get(v), complete_at=complete_at.get(v), box=boxes.get(v))
        if explained and node_kind(v) == "parameter":
            e = explain(root, wrt=v, precision=precision)
            record["explain"] = {"text": e.text, "latex": _display(e.latex)}
        records.append(record)
    sizes = edge_sizes(steps) if steps else {}
    edges = []
    for (v, argnum), size in sizes.items():
        style = size_style(size)
        edges.append({"from": ids[v.parents[argnum]], "to": ids[v], "argnum": argnum, "width": float(style["penwidth"]),
                      "color": style["color"], "dotted": style.get("style") == "dotted", "size": _number(size)})
    return {
        "version": 1, "root": ids[root], "precision": precision, "dots": dots, "collapse_note": collapse_note,
        "box_prefix": BOX_PREFIX, "nodes": records, "frames": _frames(steps, ids, names, precision),
        "edges": edges, "live": live, "note": note,
    }


def _display(latex: str) -> str:
    """explain's ``$$...$$`` as the body a math renderer takes in display mode."""
    text = latex.strip()
    return text[2:-2] if text.startswith("$$") and text.endswith("$$") else text


def _amount(x: Any, precision: int) -> str:
    return format_data(x, precision) if is_scalar(x) else f"array {shape_text(np.shape(x))}"


def _number(x: Any) -> float | None:
    """A scalar as a JSON number; None for a tensor, and for inf and nan (JSON has no such numbers:
    the texts beside these numbers say "inf" and "nan")."""
    if x is None or not is_scalar(x):
        return None
    number = float(np.asarray(x).reshape(()))
    return number if math.isfinite(number) else None


def _node_record(v: Value, i: int, ids: dict, names: Names, root: Value, final: dict, locals_: dict,
                 consumers: dict, precision: int) -> dict:
    kind = node_kind(v)
    data = F.raw(v)
    grad = final.get(v)
    editable = kind in ("parameter", "input") and type(data) is float
    record: dict[str, Any] = {
        "id": ids[v], "index": i, "label": v.label, "name": name_of(v), "kind": kind, "op": op_text(v) or None,
        "shape": None if type(data) is float else shape_text(v.shape), "data": format_data(data, precision),
        "grad": None if grad is None else format_data(grad, precision), "grad_value": _number(grad),
        "value": _number(data) if editable else None, "editable": editable and math.isfinite(data), "scope": v.scope,
        "symbol": S.text(names.symbol[v]), "formula": S.text(names.formula[v]) if v in names.formula else None,
    }
    if not v.is_leaf:
        record["inputs"] = [_edge(v, argnum, ids, names, locals_, precision) for argnum in range(len(v.parents))]
    else:
        record["inputs"] = []
    record["outputs"] = [_edge(c, argnum, ids, names, locals_, precision) for c, argnum in consumers.get(v, [])]
    if grad is not None:
        record["sum"] = _chain_sum(v, root, ids, names, final, locals_, consumers, precision)
    return record


def _edge(head: Value, argnum: int, ids: dict, names: Names, locals_: dict, precision: int) -> dict:
    """The local derivative ∂head/∂(input `argnum`): its formula read off the op's rule, and its value."""
    tail = head.parents[argnum]
    local = locals_[head][argnum]
    formula = names.local_derivatives(head)[argnum] if tail.requires_grad else None
    return {
        "from": ids[tail], "to": ids[head], "argnum": argnum, "partial": names.partial(head, tail),
        "partial_latex": names.latex_partial(head, tail),
        "formula": None if formula is None else S.text(formula),
        "latex": None if formula is None else S.latex(formula),
        "value": None if local is None else _amount(local, precision),
        "carries_grad": tail.requires_grad,
    }


def _chain_sum(v: Value, root: Value, ids: dict, names: Names, final: dict, locals_: dict, consumers: dict,
               precision: int) -> dict:
    """∂root/∂v as backward builds it: the sum over v's consumers c of ∂root/∂c · ∂c/∂v."""
    head = names.latex_partial(root, v)
    text_head = names.partial(root, v)
    if v is root:
        return {"text": f"{text_head} = 1 (the seed: backward starts here)", "latex": f"{head} = 1", "terms": []}
    terms, symbolic, symbolic_latex, numbers = [], [], [], []
    for c, argnum in consumers.get(v, []):
        if c not in final:
            continue  # a consumer off the root's path gets no gradient
        local = names.local_derivative(c, argnum)
        upstream, value = final[c], locals_[c][argnum]
        contribution = upstream * value if is_scalar(upstream) and is_scalar(value) else None
        terms.append({"from": names.partial(root, c), "consumer": ids[c],
                      "upstream": _amount(upstream, precision), "local": _amount(value, precision),
                      "formula": S.text(local), "product": None if contribution is None
                      else format_data(contribution, precision), "product_value": _number(contribution)})
        symbolic.append(f"{names.partial(root, c)} · {S.text(local)}")
        symbolic_latex.append(rf"{names.latex_partial(root, c)} \cdot {_latex_factor(local)}")
        numbers.append(f"{terms[-1]['upstream']} · {terms[-1]['local']}")
    total = _amount(final[v], precision)
    text = f"{text_head} = {' + '.join(symbolic) or '0'}\n    = {' + '.join(numbers) or '0'}\n    = {total}"
    number_latex = " + ".join(f"{t['upstream']} \\cdot {t['local']}" for t in terms) or "0"
    latex = (rf"\begin{{aligned}}{head} &= {' + '.join(symbolic_latex) or '0'} \\ "
             rf"&= {number_latex} \\ &= {total}\end{{aligned}}")
    return {"text": text, "latex": latex, "terms": terms}


def _latex_factor(e: S.Expr) -> str:
    body = S.latex(e)
    return body if e.kind in ("sym", "num", "apply", "pow", "mul") else rf"\left({body}\right)"


def _frames(steps: list[Step], ids: dict, names: Names, precision: int) -> list[dict]:
    """Each step of backward: the node, its upstream gradient, what flows to each input, and the
    gradients it changes (``grad so far`` until their last consumer has run)."""
    last_consumer: dict[Value, int] = {}
    for s in steps:
        for parent, _, _ in s.contributions:
            last_consumer[parent] = s.index
    accumulated: dict[Value, Any] = {}
    frames = []
    for s in steps:
        if s.index == 0:
            accumulated[s.node] = s.upstream
        updates = [[ids[s.node], format_data(s.upstream, precision), True]] if s.index == 0 else []
        flows = []
        for (parent, local, contribution), formula in zip(s.contributions, s.formulas, strict=True):
            previous = accumulated.get(parent)
            accumulated[parent] = contribution if previous is None else previous + contribution
            updates.append([ids[parent], format_data(accumulated[parent], precision),
                            last_consumer[parent] <= s.index])
            flows.append({"to": ids[parent], "name": name_of(parent), "local": _amount(local, precision),
                          "formula": None if formula is None else S.text(formula),
                          "latex": None if formula is None else S.latex(formula),
                          "contribution": _amount(contribution, precision)})
        frames.append({"index": s.index, "number": s.number, "node": ids[s.node], "name": name_of(s.node),
                       "upstream": _amount(s.upstream, precision), "flows": flows, "updates": updates,
                       "text": describe_step(s, precision)})
    return frames
