"""Small symbolic expressions for `explain`: a Value's formula and each op's local derivative.

Expressions are printed as plain text (``2(h - y)``, ``h(1 - h)``) and as LaTeX. Only what the
derivations need is here: no simplifier beyond dropping factors of one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import format_constant

# precedence: higher binds tighter
_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Expr:
    """A node of an expression: `kind` is sym, num, raw, call, neg, add, sub, mul, div or pow."""

    kind: str
    args: tuple = ()
    name: str = ""
    value: float = 0.0
    latex_text: str = ""

    def __str__(self) -> str:
        return text(self)


def sym(name: str) -> Expr:
    return Expr("sym", name=name)


def num(value: float) -> Expr:
    return Expr("num", value=float(value))


def raw(plain: str, latex_form: str) -> Expr:
    """Pre-printed text, for derivatives with no neat formula (``[z > 0]``, ``∂f/∂x``)."""
    return Expr("raw", name=plain, latex_text=latex_form)


def call(function: str, *args: Expr) -> Expr:
    return Expr("call", args=args, name=function)


def neg(a: Expr) -> Expr:
    return Expr("neg", args=(a,))


def binary(kind: str, a: Expr, b: Expr) -> Expr:
    return Expr(kind, args=(a, b))


ONE = num(1.0)


def is_one(e: Expr) -> bool:
    return e.kind == "num" and e.value == 1.0


def _precedence(e: Expr) -> int:
    if e.kind in ("add", "sub"):
        return _ADD
    if e.kind in ("mul", "div"):
        return _MUL
    if e.kind == "neg" or (e.kind == "num" and e.value < 0):
        return _NEG
    if e.kind == "pow":
        return _POW
    return _ATOM


_SUPERSCRIPTS = {2.0: "²", 3.0: "³"}


# ----- plain text ---------------------------------------------------------------------------------
def text(e: Expr) -> str:
    """`e` as plain text: ``2(h - y)``, ``σ(θ1·x1 + b)``."""
    kind = e.kind
    if kind == "sym" or kind == "raw":
        return e.name
    if kind == "num":
        return format_constant(e.value)
    if kind == "call":
        return f"{e.name}({', '.join(text(a) for a in e.args)})"
    if kind == "neg":
        return "-" + _wrap(e.args[0], _NEG, text)
    a, b = e.args
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


def _wrap(e: Expr, least: int, printer) -> str:
    """`e` printed, in parentheses when it binds less tightly than `least`."""
    inner = printer(e)
    if _precedence(e) >= least:
        return inner
    return f"({inner})" if printer is text else rf"\left({inner}\right)"


def _join_product(a: Expr, b: Expr, printer, dot: str) -> str:
    left = _wrap(a, _MUL, printer)
    right = _wrap(b, _MUL if b.kind == "mul" else _MUL + 1, printer)
    # write 2(h - y) and h(1 - h) as the tutorial does; keep a dot between plain factors
    if _precedence(b) < _MUL and a.kind in ("num", "sym") and not (a.kind == "num" and a.value < 0):
        return left + right
    return f"{left}{dot}{right}"


# ----- LaTeX ----------------------------------------------------------------------------------------
_GREEK = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\epsilon", "η": r"\eta",
          "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau", "φ": r"\phi",
          "ω": r"\omega", "Δ": r"\Delta", "Θ": r"\Theta", "Ω": r"\Omega"}
_FUNCTIONS = {"σ": r"\sigma", "exp": r"\exp", "log": r"\log", "tanh": r"\tanh", "sqrt": r"\sqrt"}


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
    if kind == "raw":
        return e.latex_text
    if kind == "num":
        return format_constant(e.value)
    if kind == "call":
        function = _FUNCTIONS.get(e.name, r"\operatorname{" + e.name + "}")
        inner = ", ".join(latex(a) for a in e.args)
        if e.name == "sqrt":
            return rf"\sqrt{{{inner}}}"
        return rf"{function}\left({inner}\right)"
    if kind == "neg":
        return "-" + _wrap(e.args[0], _NEG, latex)
    a, b = e.args
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


def product(factors: list[Expr]) -> Expr:
    """The product of `factors`, dropping ones and pulling out a sign (``-1 · a`` is ``-a``)."""
    sign = 1.0
    kept: list[Expr] = []
    for f in factors:
        if is_one(f):
            continue
        if f.kind == "num" and f.value == -1.0:
            sign = -sign
            continue
        kept.append(f)
    if not kept:
        return num(sign)
    result = kept[0]
    for f in kept[1:]:
        result = binary("mul", result, f)
    return neg(result) if sign < 0 else result


# ----- formulas of ops and their local derivatives -------------------------------------------------
_FUNCTION_NAMES = {"sigmoid": "σ", "exp": "exp", "log": "log", "tanh": "tanh", "sqrt": "sqrt",
                   "relu": "relu", "abs": "abs"}
_BINARY = {"add": "add", "sub": "sub", "mul": "mul", "div": "div", "power": "pow"}


def formula(op: str, out: Expr, inputs: list[Expr]) -> Expr:
    """The expression an op computes from its inputs' expressions (``σ(z)``, ``h - y``)."""
    if op in _BINARY and len(inputs) == 2:
        return binary(_BINARY[op], inputs[0], inputs[1])
    if op == "neg":
        return neg(inputs[0])
    return call(_FUNCTION_NAMES.get(op, op), *inputs)


def local_derivative(op: str, out: Expr, inputs: list[Expr], argnum: int) -> Expr:
    """∂out/∂inputs[argnum] as an expression in the node's own symbols (the tutorial's rules).

    `out` is the node's symbol, so sigmoid gives ``h(1 - h)`` for ``h = σ(z)`` (equation 7's
    ``[1 - g]g``). Ops without a neat rule give the partial itself, ``∂out/∂in``.
    """
    a = inputs[0]
    if op == "add":
        return ONE
    if op == "sub":
        return ONE if argnum == 0 else num(-1.0)
    if op == "mul":
        return inputs[1 - argnum]
    if op == "div":
        b = inputs[1]
        if argnum == 0:
            return binary("div", ONE, b)
        return neg(binary("div", a, binary("pow", b, num(2.0))))
    if op == "neg":
        return num(-1.0)
    if op == "power":
        b = inputs[1]
        if argnum == 1:
            return binary("mul", out, call("log", a))
        if b.kind == "num":
            n = b.value
            if n == 1.0:
                return ONE
            if n == 2.0:
                return binary("mul", num(2.0), a)
            return binary("mul", b, binary("pow", a, num(n - 1.0)))
        return binary("mul", b, binary("pow", a, binary("sub", b, ONE)))
    if op == "exp":
        return out
    if op == "log":
        return binary("div", ONE, a)
    if op == "sqrt":
        return binary("div", ONE, binary("mul", num(2.0), out))
    if op == "tanh":
        return binary("sub", ONE, binary("pow", out, num(2.0)))
    if op == "sigmoid":
        return binary("mul", out, binary("sub", ONE, out))
    if op == "relu":
        return raw(f"[{text(a)} > 0]", rf"[{latex(a)} > 0]")
    if op == "abs":
        return call("sign", a)
    top, bottom = out, inputs[argnum]
    return raw(f"∂{_wrap(top, _ATOM, text)}/∂{_wrap(bottom, _ATOM, text)}",
               latex_partial(latex(top), latex(bottom)))
