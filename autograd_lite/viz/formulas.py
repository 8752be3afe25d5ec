"""The symbol each Value is written with, and the formulas on a graph's nodes and edges.

A Value is written as its label, a number for a constant, its formula inline when that is short,
or an introduced name (u1, u2, ...). Local derivatives come from ``autograd_lite.symbols``, which
reads each op's own derivative rule on these symbols: nothing here knows any op by name.
"""

from __future__ import annotations

from autograd_lite import Value
from autograd_lite import symbols as S

from .labels import node_kind

#: an unlabelled result is written out inline when its formula is at most this long, else named u1, u2, ...
INLINE_LIMIT = 24


class Names:
    """The symbol and formula of every Value in `nodes` (inputs before results)."""

    def __init__(self, nodes: list[Value], root: Value | None = None) -> None:
        self.symbol: dict[Value, S.Expr] = {}
        self.formula: dict[Value, S.Expr] = {}
        count = 0
        for v in nodes:  # inputs before results, so every parent already has its symbol
            kind = node_kind(v)
            if kind == "constant" and v.size == 1:
                self.symbol[v] = S.number(float(v.item()))
                continue
            if kind == "result":
                self.formula[v] = S.formula(v, [self.symbol[p] for p in v.parents])
            if v.label:
                self.symbol[v] = S.symbol(v.label)
            elif kind == "result" and len(S.text(self.formula[v])) <= INLINE_LIMIT:
                self.symbol[v] = self.formula[v]
            else:
                count += 1
                self.symbol[v] = S.symbol(f"u{count}")

    def named(self, v: Value) -> bool:
        return self.symbol[v].kind == "sym"

    def local_derivatives(self, v: Value) -> tuple[S.Expr | None, ...]:
        """∂v/∂input for each input of `v`, read off its op's rules (None where no gradient flows,
        or where the rule needs tensors)."""
        inputs = [self.symbol[p] for p in v.parents]
        return S.local_derivatives(v, self.symbol[v], inputs)

    def local_derivative(self, v: Value, argnum: int) -> S.Expr:
        """∂v/∂(input `argnum`): the rule's formula, or the partial itself when the rule needs tensors."""
        found = self.local_derivatives(v)[argnum]
        if found is not None:
            return found
        return S.symbol(f"∂{atom(self.symbol[v])}/∂{atom(self.symbol[v.parents[argnum]])}")

    def partial(self, top: Value, bottom: Value) -> str:
        return f"∂{atom(self.symbol[top])}/∂{atom(self.symbol[bottom])}"

    def latex_partial(self, top: Value, bottom: Value) -> str:
        return S.latex_partial(latex_atom(self.symbol[top]), latex_atom(self.symbol[bottom]))


def atom(e: S.Expr) -> str:
    t = S.text(e)
    return t if e.kind in ("sym", "num") else f"({t})"


def latex_atom(e: S.Expr) -> str:
    t = S.latex(e)
    return t if e.kind in ("sym", "num") else rf"\left({t}\right)"
