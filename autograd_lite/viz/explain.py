"""`explain(root, wrt=leaf)`: d(root)/d(leaf) as the sum over paths of products of local derivatives.

Each path from `root` down to `leaf` contributes the product of the local derivatives on its
edges (tutorial section 5's chain rule, applied edge by edge); written symbolically, with numbers,
and checked against the value backward computes. Past `max_paths`, or when the listing would be too
long to write (paths multiply: a chain of diamonds has 2^depth of them), it factors shared sub-paths.
Everything is iterative and linear in the graph's size, so chains of thousands of ops are fine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from autograd_lite import Value, grad, local_grads, topological_order
from autograd_lite import symbols as S

from .formulas import Names, atom
from .labels import format_number, node_kind

DEFAULT_MAX_PATHS = 16
#: paths are listed one by one only while their local derivatives number at most this many in all
MAX_LISTED_FACTORS = 10_000
#: in the factored form, at most this many node equations are written out
MAX_EQUATIONS = 60


@dataclass(eq=False)
class ChainPath:
    """One path from the root down to `wrt`: its edges ``(node, argnum)`` and their local derivatives."""

    edges: list[tuple[Value, int]]
    factors: list[S.Expr]
    values: list[float]

    @property
    def product(self) -> float:
        result = 1.0
        for v in self.values:
            result *= v
        return result

    @property
    def expression(self) -> S.Expr:
        return S.product(self.factors)


@dataclass(eq=False)
class Explanation:
    """The chain-rule derivation of d(root)/d(wrt): ``str()`` is text, ``_repr_latex_()`` renders it.

    `value` is what backward computes (via ``autograd_lite.grad``); `path_sum` is the sum over
    `paths` of their products (equal up to rounding); `path_count` is exact, however large. With
    more than `max_paths` paths, or more than `MAX_LISTED_FACTORS` local derivatives along them,
    `paths` is empty, `factored` is True and the text shows backprop's factored form instead.
    """

    root: Value
    wrt: Value
    value: float
    path_count: int
    paths: list[ChainPath]
    path_sum: float
    factored: bool
    text: str = field(repr=False)
    latex: str = field(repr=False)

    def __str__(self) -> str:
        return self.text

    def __float__(self) -> float:
        return self.value

    def _repr_latex_(self) -> str:
        return self.latex

    def __repr__(self) -> str:
        paths = "factored" if self.factored else f"{self.path_count} path{'s' if self.path_count != 1 else ''}"
        head = self.text.split(" ", 1)[0]
        return f"<Explanation {head} = {format_number(self.value)} ({paths}): print() it for the derivation>"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's plain text: the derivation itself
        printer.text(self.text)


def _fmt(x: float, precision: int) -> str:
    return format_number(x, precision)


def explain(root: Value, wrt: Value, *, max_paths: int = DEFAULT_MAX_PATHS, precision: int = 4) -> Explanation:
    """Explain d(root)/d(wrt) by the chain rule: every path's product of local derivatives, summed.

    For scalar graphs. Symbols are the Values' labels (label your θ, x, b, h to read the tutorial's
    notation back); unlabelled short formulas are written inline. With more than `max_paths`
    paths, or more than `MAX_LISTED_FACTORS` local derivatives to list along them, it writes
    backprop's factored form (each node's gradient once, from its consumers') and says why.
    """
    if not isinstance(root, Value) or not isinstance(wrt, Value):
        raise TypeError(f"explain: root and wrt must be Values, got {type(root).__name__} and {type(wrt).__name__}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"explain: max_paths must be a positive int, got {max_paths!r}")
    if root.size != 1:
        raise ValueError(f"explain: the root must hold one number, it has shape {root.shape}; "
                         "explain works on scalar graphs (draw_graph(..., local_grads=True) shows tensor graphs)")
    if not wrt.requires_grad:
        raise ValueError("explain: wrt does not require grad, so backward computes no gradient for it "
                         "(make it with requires_grad=True)")
    reach, factor_count = _path_counts(root, wrt)
    on_path = [v for v in topological_order(root) if reach.get(v, 0) > 0] if root.requires_grad else []
    for v in on_path:
        if v.size != 1:
            raise ValueError(f"explain: works on scalar graphs, but {v.label or v.op or 'a Value'} on a path "
                             f"to wrt has shape {v.shape}; draw_graph(..., local_grads=True) shows tensor graphs")
    names = Names(topological_order(root, all_nodes=True), root)
    if wrt not in names.symbol:  # not in root's graph at all
        names.symbol[wrt] = S.symbol(wrt.label or "wrt")
    value = float(grad(root, wrt)[0]) if root.requires_grad else 0.0
    count = reach.get(root, 0)
    top, bottom = atom(names.symbol[root]), atom(names.symbol[wrt])
    title = f"∂{top}/∂{bottom}"
    locals_ = {v: [float(np.asarray(d).reshape(())) if d is not None else 0.0 for d in local_grads(v)]
               for v in on_path if not v.is_leaf}
    if count == 0:
        text = (f"{title} = 0: no path leads from {top} down to {bottom} through Values that require grad, "
                f"so {top} does not depend on {bottom} (backward computes {_fmt(value, precision)}).")
        latex = rf"$${names.latex_partial(root, wrt)} = 0$$"
        return Explanation(root, wrt, value, 0, [], 0.0, False, text, latex)
    if count > max_paths or factor_count > MAX_LISTED_FACTORS:
        why = _why_factored(count, factor_count, max_paths, top, bottom)
        text, latex, path_sum = _factored(root, wrt, on_path, reach, names, locals_, value, why, precision)
        return Explanation(root, wrt, value, count, [], path_sum, True, text, latex)
    paths = _enumerate_paths(root, wrt, reach, names, locals_)
    path_sum = sum(p.product for p in paths)
    text = _paths_text(title, root, wrt, paths, names, on_path, value, path_sum, precision)
    latex = _paths_latex(root, wrt, paths, names, value, precision)
    return Explanation(root, wrt, value, count, paths, path_sum, False, text, latex)


def _path_counts(root: Value, wrt: Value) -> tuple[dict[Value, int], int]:
    """How many paths lead from each node down to `wrt`, and how many edges root's paths have in all
    (dynamic programming, inputs first, in exact integers: a chain of diamonds doubles them per level)."""
    if not root.requires_grad:
        return {}, 0
    reach: dict[Value, int] = {}
    edges: dict[Value, int] = {}  # over all paths from the node down to wrt
    for v in topological_order(root):
        if v is wrt:
            reach[v], edges[v] = 1, 0
            continue
        paths = length = 0
        for p in v.parents:
            below = reach.get(p, 0) if p.requires_grad else 0
            if below:
                paths += below
                length += edges[p] + below  # each path through p: p's own edges, and the one from v
        reach[v], edges[v] = paths, length
    return reach, edges.get(root, 0)


def _count_text(n: int) -> str:
    """An exact count with thousands separators, or, past a million, its size: about 1.6 × 10^60."""
    if n < 10 ** 6:
        return f"{n:,}"
    shift = max(n.bit_length() - 64, 0)  # a float could not hold 2^2000: take the leading bits
    exponent10 = math.log10(n >> shift) + shift * math.log10(2)
    exponent = math.floor(exponent10)
    mantissa = round(10 ** (exponent10 - exponent), 1)
    if mantissa >= 10:
        mantissa, exponent = 1.0, exponent + 1
    return f"about {mantissa} × 10^{exponent}"


def _why_factored(count: int, factor_count: int, max_paths: int, top: str, bottom: str) -> str:
    """Why the paths are not listed one by one: too many of them, or too long a listing."""
    paths = f"{_count_text(count)} {'path leads' if count == 1 else 'paths lead'} from {top} down to {bottom}"
    if factor_count > MAX_LISTED_FACTORS:
        along, listed = ("it", "it is not listed") if count == 1 else ("them", "they are not listed one by one")
        return (f"{paths}, with {_count_text(factor_count)} local derivatives along {along}, more than explain "
                f"writes out ({MAX_LISTED_FACTORS:,}), so {listed}.")
    return (f"{paths}, more than max_paths={max_paths}, so they are not listed "
            "one by one (pass a larger max_paths to see them).")


def _enumerate_paths(root: Value, wrt: Value, reach: dict[Value, int], names: Names,
                     locals_: dict[Value, list[float]]) -> list[ChainPath]:
    """Every path root -> ... -> wrt, depth first, inputs in argument order (iterative).

    A partial path is a linked list ``((node, argnum), rest)`` sharing its start with its
    siblings, so a step costs the same however long the path already is.
    """
    paths: list[ChainPath] = []
    formulas: dict[tuple[Value, int], S.Expr] = {}  # each edge's local derivative, read once
    stack: list[tuple[Value, tuple | None]] = [(root, None)]
    while stack:
        node, walked = stack.pop()
        if node is wrt:
            edges: list[tuple[Value, int]] = []
            while walked is not None:
                edge, walked = walked
                edges.append(edge)
            edges.reverse()
            paths.append(_chain(edges, names, locals_, formulas))
            continue
        for argnum in range(len(node.parents) - 1, -1, -1):
            parent = node.parents[argnum]
            if parent.requires_grad and reach.get(parent, 0) > 0:
                stack.append((parent, ((node, argnum), walked)))
    return paths


def _chain(edges: list[tuple[Value, int]], names: Names, locals_: dict[Value, list[float]],
           formulas: dict[tuple[Value, int], S.Expr]) -> ChainPath:
    factors, values = [], []
    for edge in edges:
        if edge not in formulas:
            formulas[edge] = names.local_derivative(*edge)
        factors.append(formulas[edge])
        node, argnum = edge
        values.append(locals_[node][argnum])
    return ChainPath(edges, factors, values)


def _product_text(factors: list[S.Expr]) -> str:
    return " · ".join(_factor_text(f) for f in factors)


def _route(path: ChainPath, names: Names) -> str:
    steps = [S.text(names.symbol[path.edges[0][0]])] if path.edges else []
    for node, argnum in path.edges:
        parent = node.parents[argnum]
        step = S.text(names.symbol[parent])
        if sum(p is parent for p in node.parents) > 1:  # b = a·a: two edges, two paths
            step += f" (input {argnum + 1} of {S.text(names.symbol[node])})"
        steps.append(step)
    return " → ".join(steps)


def _where(root: Value, used: list[S.Expr], names: Names, precision: int) -> list[str]:
    """A definition of every symbol the derivation writes, inputs first: each named Value in `used`
    (or in the formulas that define those), with its formula and value, then each op symbol (σ)."""
    by_name: dict[str, list[Value]] = {}
    for v, e in names.symbol.items():
        if e.kind == "sym":
            by_name.setdefault(e.name, []).append(v)
    shown: set[Value] = set()
    ops: dict[str, str] = {}
    stack = list(used)
    while stack:
        e = stack.pop()
        if e.kind == "sym":
            for v in by_name.get(e.name, []):
                if v not in shown:
                    shown.add(v)
                    if v in names.formula:
                        stack.append(names.formula[v])
            continue
        if e.kind == "apply" and e.op.symbol and e.op.symbol != e.op.name:
            ops.setdefault(e.op.symbol, e.op.name)
        stack.extend(a for a in e.args if isinstance(a, S.Expr))
    lines = []
    for u in (v for v in names.symbol if v in shown):  # names.symbol holds the graph in topological order
        symbol = S.text(names.symbol[u])
        if u in names.formula:
            lines.append(f"{symbol} = {S.text(names.formula[u])} = {_fmt(float(u.item()), precision)}")
        else:
            lines.append(f"{symbol} = {_fmt(float(u.item()), precision)} ({node_kind(u)})")
    lines += [f"{symbol} is the op {name!r}" for symbol, name in sorted(ops.items())]
    return lines


def _paths_text(title: str, root: Value, wrt: Value, paths: list[ChainPath], names: Names,
                on_path: list[Value], value: float, path_sum: float, precision: int) -> str:
    n = len(paths)
    lines = [f"{title} by the chain rule: the sum over every path from {atom(names.symbol[root])} down to "
             f"{atom(names.symbol[wrt])} of the product of the local derivatives along it "
             f"({n} path{'s' if n != 1 else ''})", ""]
    for i, path in enumerate(paths, 1):
        chain = " · ".join(names.partial(node, node.parents[argnum]) for node, argnum in path.edges)
        lines += [f"path {i}: {_route(path, names)}",
                  f"  {chain}",
                  f"  = {_product_text(path.factors)}",
                  f"  = {' · '.join(_fmt(v, precision) for v in path.values)}",
                  f"  = {_fmt(path.product, precision)}", ""]
    symbolic = " + ".join(_product_formula(p.factors) for p in paths)
    numeric = " + ".join(_fmt(p.product, precision) for p in paths)
    total = f"{title} = {symbolic}"
    if n > 1:
        total += f"\n    = {numeric}"
    total += f"\n    = {_fmt(path_sum, precision)}   (backward computes {_fmt(value, precision)})"
    lines.append(total)
    used = [names.symbol[v] for v in on_path] + [f for p in paths for f in p.factors]
    where = _where(root, used, names, precision)
    if where:
        lines += ["", "where " + where[0]] + ["      " + w for w in where[1:]]
    return "\n".join(lines)


def _paths_latex(root: Value, wrt: Value, paths: list[ChainPath], names: Names, value: float,
                 precision: int) -> str:
    head = names.latex_partial(root, wrt)
    rows = []
    if len(paths) == 1:
        chain = " ".join(names.latex_partial(node, node.parents[argnum]) for node, argnum in paths[0].edges)
        rows.append(f"{head} &= {chain}")
        rows.append(r"&= " + _product_formula(paths[0].factors, latex=True))
    else:
        terms = [_product_formula(p.factors, latex=True) for p in paths]
        rows.append(f"{head} &= {terms[0]}")
        rows += [f"&\\quad + {t}" for t in terms[1:]]
    numeric = " + ".join(r" \cdot ".join(_fmt(v, precision) for v in p.values) for p in paths)
    rows.append(f"&= {numeric}")
    rows.append(f"&= {_fmt(sum(p.product for p in paths), precision)}"
                rf" \quad \text{{(backward: {_fmt(value, precision)})}}")
    return "$$\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}$$"


def _factored(root: Value, wrt: Value, on_path: list[Value], reach: dict[Value, int], names: Names,
              locals_: dict[Value, list[float]], value: float, why: str, precision: int) -> tuple[str, str, float]:
    """Backprop's factored form: ∂root/∂n = Σ over n's consumers c of ∂root/∂c · ∂c/∂n, root first.

    `why` is the sentence that says why the paths are not listed one by one.
    """
    consumers: dict[Value, list[tuple[Value, int]]] = {}
    for c in on_path:
        for argnum, p in enumerate(c.parents):
            if p.requires_grad and reach.get(p, 0) > 0:
                consumers.setdefault(p, []).append((c, argnum))
    top = atom(names.symbol[root])
    adjoint: dict[Value, float] = {root: 1.0}
    text_rows = [f"∂{top}/∂{top} = 1"]
    latex_rows = [rf"{names.latex_partial(root, root)} &= 1"]
    order = list(reversed(on_path))  # root first: every consumer before the nodes it consumes
    for n in order[1:]:
        terms, latex_terms, numbers, total = [], [], [], 0.0
        for c, argnum in consumers.get(n, []):
            local = names.local_derivative(c, argnum)
            terms.append(f"∂{top}/∂{atom(names.symbol[c])} · {_factor_text(local)}")
            latex_terms.append(rf"{names.latex_partial(root, c)} \cdot {_latex_factor(local)}")
            numbers.append(f"{_fmt(adjoint[c], precision)} · {_fmt(locals_[c][argnum], precision)}")
            total += adjoint[c] * locals_[c][argnum]
        adjoint[n] = total
        if len(text_rows) < MAX_EQUATIONS:
            text_rows.append(f"∂{top}/∂{atom(names.symbol[n])} = {' + '.join(terms)}\n"
                             f"      = {' + '.join(numbers)} = {_fmt(total, precision)}")
            latex_rows.append(f"{names.latex_partial(root, n)} &= {' + '.join(latex_terms)} = {_fmt(total, precision)}")
    title = f"∂{top}/∂{atom(names.symbol[wrt])}"
    lines = [f"{title}: {why}",
             "Paths share sub-paths, so backprop factors them: each node's gradient is computed once, as the "
             "sum over its consumers of (the consumer's gradient × the local derivative), from the root down:", ""]
    lines += text_rows
    if len(order) > MAX_EQUATIONS:
        lines.append(f"... {len(order) - MAX_EQUATIONS} more nodes are not written out: explain stops printing at "
                     f"{MAX_EQUATIONS} equations to stay readable; the sum continues the same way down to the end.")
    lines += ["", f"{title} = {_fmt(adjoint[wrt], precision)}   (backward computes {_fmt(value, precision)})"]
    written = order[1:MAX_EQUATIONS]  # the nodes whose equations were written out
    used = [names.symbol[root]] + [names.symbol[n] for n in written] + [
        names.local_derivative(c, argnum) for n in written for c, argnum in consumers.get(n, [])]
    where = _where(root, used, names, precision)
    if where:
        lines += ["", "where " + where[0]] + ["      " + w for w in where[1:]]
    latex = "$$\\begin{aligned}" + r" \\ ".join(latex_rows) + "\\end{aligned}$$"
    return "\n".join(lines), latex, adjoint[wrt]


#: the kinds symbols writes in parentheses as a later factor of a product: those that bind less tightly than ·
_LOOSER_THAN_PRODUCT = ("add", "sub", "div")


def _product_formula(factors: list[S.Expr], latex: bool = False) -> str:
    """``S.product(factors)`` as symbols writes it (text, or LaTeX), one factor at a time.

    The product of a long path nests as deep as the path is long, too deep for symbols' recursive
    printer; so the first two factors are printed by symbols, and each later one is appended with
    symbols' own rule: a dot, and parentheses around a sum, a difference or a quotient.
    """
    printer, dot, wrap = (S.latex, r" \cdot ", r"\left({}\right)") if latex else (S.text, "·", "({})")
    kept = [f for f in factors if not (S.is_number(f, 1.0) or S.is_number(f, -1.0))]
    if len(kept) <= 2:
        return printer(S.product(factors))
    parts = [printer(S.product(kept[:2]))]
    for f in kept[2:]:
        parts.append(wrap.format(printer(f)) if f.kind in _LOOSER_THAN_PRODUCT else printer(f))
    body = dot.join(parts)
    negative = sum(S.is_number(f, -1.0) for f in factors) % 2 == 1
    return "-" + wrap.format(body) if negative else body


def _factor_text(e: S.Expr) -> str:
    t = S.text(e)
    return t if e.kind in ("sym", "num", "apply", "compare", "sign", "pow", "mul") else f"({t})"


def _latex_factor(e: S.Expr) -> str:
    t = S.latex(e)
    return t if e.kind in ("sym", "num", "apply", "compare", "sign", "pow", "mul") else rf"\left({t}\right)"
