"""Symbols: the third reading of every derivative rule, so drawings show the formula backward runs.

A rule is written with operators and `autograd_lite.functional`; run it on `Expr` symbols instead of
numbers and it returns its own derivative as a formula: sigmoid's rule ``g * out * (1 - out)``
read with ``g = 1`` and ``out = h`` prints ``h(1 - h)``, the tutorial's ``[1 - g]g``. Nothing here
knows any op by name: a function application prints with its op's own notation and evaluates with
its op's own forward, so a user's op gets formulas from its rule alone.

Why our own small type and not sympy: a rule read symbolically must print as it was written
(sympy reorders ``h(1 - h)`` into ``-h**2 + h`` and would cost half a second to import), and
only a few rewrites are wanted: dropping factors of one, folding numbers, ``x·x`` as ``x²``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

from . import kernels as K

# precedence for printing: higher binds tighter
_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5
_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_COMPARE_TEXT = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
_COMPARE_LATEX = {">": ">", ">=": r"\geq", "<": "<", "<=": r"\leq"}
_ARITHMETIC = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
               "pow": operator.pow}


class NotSymbolic(TypeError):
    """A rule asked a symbol for something only arrays have (a shape, an axis): tensor-only ops."""


class Expr:
    """A formula: a symbol, a number, arithmetic, a comparison ``[a > b]``, or an op applied to formulas.

    `kind` is one of sym, num, add, sub, mul, div, pow, neg, compare, sign, apply. Operators build
    new expressions without simplifying (so a formula prints as the user wrote it); `simplify`
    tidies a derivative. ``str(e)`` is plain text, ``e.latex()`` LaTeX, ``e.evaluate(values)`` a number.
    """

    __slots__ = ("kind", "args", "name", "value", "op", "params")

    def __init__(self, kind: str, args: tuple = (), name: str = "", value: float = 0.0, op: Any = None,
                 params: dict | None = None) -> None:
        self.kind, self.args, self.name, self.value, self.op, self.params = kind, args, name, value, op, params

    # structure: two expressions are equal when they are the same formula
    def _key(self) -> tuple:
        return (self.kind, self.args, self.name, self.value, id(self.op))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Expr({text(self)!r})"

    def __str__(self) -> str:
        return text(self)

    def latex(self) -> str:
        return latex(self)

    def evaluate(self, values: dict[str, float]) -> float:
        """The number this formula gives with each symbol's name replaced by its value in `values`."""
        return evaluate(self, values)

    # arithmetic builds new expressions, as on numbers
    def __add__(self, other: Any) -> Expr:
        return Expr("add", (self, as_expr(other)))

    def __radd__(self, other: Any) -> Expr:
        return Expr("add", (as_expr(other), self))

    def __sub__(self, other: Any) -> Expr:
        return Expr("sub", (self, as_expr(other)))

    def __rsub__(self, other: Any) -> Expr:
        return Expr("sub", (as_expr(other), self))

    def __mul__(self, other: Any) -> Expr:
        return Expr("mul", (self, as_expr(other)))

    def __rmul__(self, other: Any) -> Expr:
        return Expr("mul", (as_expr(other), self))

    def __truediv__(self, other: Any) -> Expr:
        return Expr("div", (self, as_expr(other)))

    def __rtruediv__(self, other: Any) -> Expr:
        return Expr("div", (as_expr(other), self))

    def __pow__(self, other: Any) -> Expr:
        return Expr("pow", (self, as_expr(other)))

    def __rpow__(self, other: Any) -> Expr:
        return Expr("pow", (as_expr(other), self))

    def __neg__(self) -> Expr:
        return Expr("neg", (self,))

    def __pos__(self) -> Expr:
        return self

    # comparisons are indicators: [a > b] is 1 where it holds, else 0 (the masks of relu, clip, max)
    def __gt__(self, other: Any) -> Expr:
        return Expr("compare", (self, as_expr(other)), name=">")

    def __ge__(self, other: Any) -> Expr:
        return Expr("compare", (self, as_expr(other)), name=">=")

    def __lt__(self, other: Any) -> Expr:
        return Expr("compare", (self, as_expr(other)), name="<")

    def __le__(self, other: Any) -> Expr:
        return Expr("compare", (self, as_expr(other)), name="<=")

    def __bool__(self) -> bool:
        raise NotSymbolic("a symbol has no truth value: a rule branched on data")

    # what only arrays have: reading it means the rule needs a tensor, not a formula
    @property
    def shape(self) -> tuple:
        raise NotSymbolic("a symbol has no shape")

    @property
    def ndim(self) -> int:
        raise NotSymbolic("a symbol has no ndim")


def symbol(name: str) -> Expr:
    """A named quantity: ``symbol("θ1")``."""
    return Expr("sym", name=name)


def number(value: float) -> Expr:
    return Expr("num", value=float(value))


ONE = number(1.0)


def as_expr(x: Any) -> Expr:
    """An Expr for `x`: itself, or a number for a Python or numpy scalar (a bool counts as 0 or 1)."""
    if isinstance(x, Expr):
        return x
    try:
        return number(float(x))
    except (TypeError, ValueError):
        raise NotSymbolic(f"cannot use a {type(x).__name__} in a formula") from None


def apply(op: Any, args: Sequence[Any], params: dict | None = None) -> Expr:
    """`op` applied to formulas: printed with the op's notation, evaluated with its forward."""
    return Expr("apply", tuple(as_expr(a) for a in args), op=op, params=params or None)


def sign(x: Any) -> Expr:
    """sign(x): -1, 0 or 1 (the derivative of |x|)."""
    return Expr("sign", (as_expr(x),))


def is_number(e: Expr, value: float | None = None) -> bool:
    return e.kind == "num" and (value is None or e.value == value)


# ----- reading an op symbolically ---------------------------------------------------------------------
def op_formula(op: Any, inputs: Sequence[Any], params: dict | None = None) -> Expr:
    """What `op` computes, written with its inputs' formulas: ``σ(z)``, ``h - y``, ``softplus(x)``."""
    if op.formula is not None:
        return op.formula(*(as_expr(x) for x in inputs), **(params or {}))
    return apply(op, inputs, params)


def default_inputs(node: Any) -> list[Expr]:
    """Symbols for `node`'s inputs: each one's label, a number for a one-number constant, else x1, x2, ..."""
    return [symbol(p.label) if p.label else number(p.item()) if p.is_constant and p.size == 1 else symbol(f"x{i}")
            for i, p in enumerate(node.parents, 1)]


def formula(node: Any, inputs: Sequence[Expr] | None = None) -> Expr:
    """What the op that made `node` (a Value) computes, written with its inputs' formulas."""
    return op_formula(node._op, default_inputs(node) if inputs is None else inputs, node.params)


def local_derivatives(node: Any, out: Expr | None = None, inputs: Sequence[Expr] | None = None
                      ) -> tuple[Expr | None, ...]:
    """∂node/∂input for each input of `node` (a Value), read off its op's own rules with upstream
    1, `out` for the node and `inputs` for its inputs (by default their labels; see
    `default_inputs`). None for an input that takes no gradient, and where a rule needs arrays
    (matmul, reductions, reshapes: tensor-only ops).

    ``local_derivatives(h)`` for ``h = z.sigmoid()`` labelled "h" is ``(Expr('h(1 - h)'),)``.
    """
    if out is None:
        out = symbol(node.label or "out")
    if inputs is None:
        inputs = default_inputs(node)
    op, params = node._op, node.params
    result: list[Expr | None] = []
    for argnum, parent in enumerate(node.parents):
        try:
            found = simplify(as_expr(op.vjp(argnum, ONE, out, list(inputs), params))) if parent.requires_grad else None
        except NotSymbolic:
            found = None
        result.append(found)
    return tuple(result)


# ----- simplifying a derivative -----------------------------------------------------------------------
def simplify(e: Expr) -> Expr:
    """Fold numbers and drop what a reader would not write: 1·x, x^1, x + 0, -(-x); x·x is x²."""
    if not e.args:
        return e
    args = tuple(simplify(a) for a in e.args)
    kind = e.kind
    if kind == "neg":
        (a,) = args
        if a.kind == "num":
            return number(-a.value)
        return a.args[0] if a.kind == "neg" else Expr("neg", (a,))
    if kind in _ARITHMETIC:
        a, b = args
        if a.kind == "num" and b.kind == "num":
            try:
                return number(_ARITHMETIC[kind](a.value, b.value))
            except (ZeroDivisionError, OverflowError, ValueError):
                pass
        if kind == "mul":
            return _simplify_product(a, b)
        if kind == "add":
            return b if is_number(a, 0.0) else a if is_number(b, 0.0) else Expr("add", (a, b))
        if kind == "sub":
            if is_number(b, 0.0):
                return a
            return simplify(Expr("neg", (b,))) if is_number(a, 0.0) else Expr("sub", (a, b))
        if kind == "div" and is_number(b, 1.0):
            return a
        if kind == "pow":
            if is_number(b, 1.0):
                return a
            if is_number(b, 0.0):
                return ONE
        return Expr(kind, (a, b))
    if kind == "compare":
        a, b = args
        if a.kind == "num" and b.kind == "num":
            return number(float(_COMPARE[e.name](a.value, b.value)))
    return Expr(kind, args, e.name, e.value, e.op, e.params)


def _simplify_product(a: Expr, b: Expr) -> Expr:
    if is_number(a, 1.0):
        return b
    if is_number(b, 1.0):
        return a
    if is_number(a, 0.0) or is_number(b, 0.0):
        return number(0.0)
    if is_number(a, -1.0):
        return simplify(Expr("neg", (b,)))
    if is_number(b, -1.0):
        return simplify(Expr("neg", (a,)))
    if a == b:
        return Expr("pow", (a, number(2.0)))
    if a.kind == "neg" and b.kind != "neg":
        return Expr("neg", (_simplify_product(a.args[0], b),))
    return Expr("mul", (a, b))


# ----- evaluating ---------------------------------------------------------------------------------------
def evaluate(e: Expr, values: dict[str, float]) -> float:
    """`e` with each symbol replaced by ``values[name]``: the check that a formula is the rule's number."""
    kind = e.kind
    if kind == "sym":
        return values[e.name]
    if kind == "num":
        return e.value
    args = [evaluate(a, values) for a in e.args]
    if kind in _ARITHMETIC:
        return _ARITHMETIC[kind](*args)
    if kind == "neg":
        return -args[0]
    if kind == "compare":
        return float(_COMPARE[e.name](*args))
    if kind == "sign":
        return K.sign(float(args[0]))
    if kind == "apply":
        return e.op.forward(*args, **(e.params or {}))
    raise ValueError(f"unknown expression kind {kind!r}")


# ----- printing: plain text -------------------------------------------------------------------------------
def _precedence(e: Expr) -> int:
    kind = e.kind
    if kind in ("add", "sub"):
        return _ADD
    if kind in ("mul", "div"):
        return _MUL
    if kind == "neg" or (kind == "num" and e.value < 0):
        return _NEG
    if kind == "pow":
        return _POW
    return _ATOM


_SUPERSCRIPTS = {2.0: "²", 3.0: "³"}


def format_number(x: float) -> str:
    """A number in a formula, as short as Python prints it: 2, 0.5, -1."""
    return f"{float(x):g}"


def text(e: Expr) -> str:
    """`e` as plain text: ``2(h - y)``, ``σ(θ1·x1 + b)``, ``[z > 0]``."""
    kind = e.kind
    if kind == "sym":
        return e.name
    if kind == "num":
        return format_number(e.value)
    if kind == "apply":
        return f"{e.op.symbol or e.op.name}({', '.join(text(a) for a in e.args)})"
    if kind == "sign":
        return f"sign({text(e.args[0])})"
    if kind == "neg":
        return "-" + _wrap(e.args[0], _NEG, text)
    a, b = e.args
    if kind == "compare":
        return f"[{text(a)} {_COMPARE_TEXT[e.name]} {text(b)}]"
    if kind == "add":
        return f"{text(a)} + {_wrap(b, _ADD, text)}"
    if kind == "sub":
        return f"{text(a)} - {_wrap(b, _ADD + 1, text)}"
    if kind == "mul":
        return _join_product(a, b, text, "·")
    if kind == "div":
        return f"{_wrap(a, _MUL, text)}/{_wrap(b, _MUL + 1, text)}"
    if kind == "pow":
        if b.kind == "num" and b.value in _SUPERSCRIPTS:
            return _wrap(a, _POW + 1, text) + _SUPERSCRIPTS[b.value]
        return f"{_wrap(a, _POW + 1, text)}^{_wrap(b, _POW + 1, text)}"
    raise ValueError(f"unknown expression kind {kind!r}")


def _wrap(e: Expr, least: int, printer: Callable[[Expr], str]) -> str:
    """`e` printed, in parentheses when it binds less tightly than `least`."""
    inner = printer(e)
    if _precedence(e) >= least:
        return inner
    return f"({inner})" if printer is text else rf"\left({inner}\right)"


def _join_product(a: Expr, b: Expr, printer: Callable[[Expr], str], dot: str) -> str:
    left = _wrap(a, _MUL, printer)
    right = _wrap(b, _MUL if b.kind == "mul" else _MUL + 1, printer)
    # write 2(h - y) and h(1 - h) as the tutorial does; keep a dot between plain factors
    if _precedence(b) < _MUL and a.kind in ("num", "sym") and not (a.kind == "num" and a.value < 0):
        return left + right
    return f"{left}{dot}{right}"


# ----- printing: LaTeX ------------------------------------------------------------------------------------
_GREEK = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\epsilon", "η": r"\eta",
          "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau", "φ": r"\phi",
          "ω": r"\omega", "Δ": r"\Delta", "Θ": r"\Theta", "Ω": r"\Omega"}


def latex_name(name: str) -> str:
    """A label in LaTeX: ``θ1`` -> ``\\theta_{1}``, ``x_2`` -> ``x_{2}``, ``out`` -> ``\\mathrm{out}``."""
    match = re.fullmatch(r"(.+?)_?(\d+)", name)
    base, index = (match.group(1), match.group(2)) if match else (name, "")
    if base in _GREEK:
        base = _GREEK[base]
    elif not (len(base) == 1 and base.isascii() and base.isalpha()):
        cleaned = "".join(_GREEK.get(c, c) for c in base)
        base = r"\mathrm{" + re.sub(r"([_#%&$])", r"\\\1", cleaned) + "}"
    return f"{base}_{{{index}}}" if index else base


def latex(e: Expr) -> str:
    """`e` as LaTeX (for ``_repr_latex_``)."""
    kind = e.kind
    if kind == "sym":
        return latex_name(e.name)
    if kind == "num":
        return format_number(e.value)
    if kind == "apply":
        inner = ", ".join(latex(a) for a in e.args)
        notation = e.op.latex or r"\operatorname{" + latex_name(e.op.symbol or e.op.name).replace(
            r"\mathrm", "") + "}"
        if "{0}" in notation:  # a template, e.g. sqrt's \sqrt{{0}}
            return notation.replace("{0}", inner)
        return rf"{notation}\left({inner}\right)"
    if kind == "sign":
        return rf"\operatorname{{sign}}\left({latex(e.args[0])}\right)"
    if kind == "neg":
        return "-" + _wrap(e.args[0], _NEG, latex)
    a, b = e.args
    if kind == "compare":
        return rf"[{latex(a)} {_COMPARE_LATEX[e.name]} {latex(b)}]"
    if kind == "add":
        return f"{latex(a)} + {_wrap(b, _ADD, latex)}"
    if kind == "sub":
        return f"{latex(a)} - {_wrap(b, _ADD + 1, latex)}"
    if kind == "mul":
        return _join_product(a, b, latex, r" \cdot ")
    if kind == "div":
        return rf"\frac{{{latex(a)}}}{{{latex(b)}}}"
    if kind == "pow":
        return f"{_wrap(a, _POW + 1, latex)}^{{{latex(b)}}}"
    raise ValueError(f"unknown expression kind {kind!r}")


def latex_partial(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def product(factors: Sequence[Expr]) -> Expr:
    """The product of `factors`, dropping ones and pulling out a sign (``-1 · a`` is ``-a``)."""
    sign_ = 1.0
    kept: list[Expr] = []
    for f in factors:
        if is_number(f, 1.0):
            continue
        if is_number(f, -1.0):
            sign_ = -sign_
            continue
        kept.append(f)
    if not kept:
        return number(sign_)
    result = kept[0]
    for f in kept[1:]:
        result = Expr("mul", (result, f))
    return Expr("neg", (result,)) if sign_ < 0 else result

