"""The program's text: names for every object and value, literals, rule applications and their formulas.

`Namespace` gives each object the program uses a readable name; `call` writes a rule or forward
applied to the program's variables (a lambda's body inlined, anything else called); `node_formula`
and `rule_comment` say, in the comments, what a line computes and which rule it applies.
"""

from __future__ import annotations

import ast
import math
from typing import Any

from .. import kernels as K
from .. import symbols
from ..value import Value
from .inline import Inliner, comment_of, lambda_of
from .trace import Recording


class Namespace:
    """The generated function's globals: each object under a readable name, no name used twice."""

    def __init__(self) -> None:
        self.env: dict[str, Any] = {"__builtins__": __builtins__}
        self.taken: set[str] = set(dir(__builtins__) if isinstance(__builtins__, type(math)) else __builtins__)
        self._ids: dict[int, str] = {}
        self._counts: dict[str, int] = {}
        self.inline = Inliner(self.bind)
        self.formulas: dict[tuple, str | None] = {}
        self.mask_names: dict[int, str] = {}

    def fresh(self, text: str) -> str:
        """An unused identifier made from `text` (dots and other symbols become underscores)."""
        base = "".join(c if (c.isalnum() or c == "_") else "_" for c in text) or "v"
        if not (base[0].isalpha() or base[0] == "_") or not base.isidentifier():
            base = "v_" + base
        name, n = base, self._counts.get(base, 1)
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self._counts[base] = n
        self.taken.add(name)
        return name

    def bind(self, text: str, obj: Any) -> str:
        """The name under which `obj` is in the namespace (added under a name like `text` if new)."""
        found = self._ids.get(id(obj))
        if found is not None and self.env.get(found) is obj:
            return found
        if text in self.env and self.env[text] is obj:
            return text
        name = self.fresh(text)
        self.env[name] = obj
        self._ids[id(obj)] = name
        return name


def literal(value: Any) -> str | None:
    """Source text for a parameter that reads well as a literal (numbers, None, tuples of them), else None."""
    if value is None or isinstance(value, (bool, int, str)) and type(value) in (bool, int, str):
        return repr(value)
    if type(value) is float:
        return repr(value) if math.isfinite(value) else None
    if type(value) is tuple:
        items = [literal(v) for v in value]
        if all(i is not None for i in items):
            return repr(value) if value else "()"
    return None


def shape_text(data: Any) -> str:
    return "float" if type(data) is float else f"{data.shape} {data.dtype}"


def params_text(v: Value, rec: Recording, ns: Namespace, args: list[str]) -> dict[str, str]:
    """Each op parameter as source text: a literal, an input it was bound to, or a namespace name."""
    out = {}
    for key, value in v.params.items():  # (not what a saving op kept: the program computes its own)
        mask = rec.masks.get((id(v), key))
        if mask is not None:
            out[key] = ns.mask_names[id(mask)]
            continue
        bound = rec.bound.get((id(v), key))
        if bound is not None:
            array = value
            source = args[bound]
            out[key] = source if array.dtype == rec.specs[bound].dtype \
                else f"np.asarray({source}, dtype={ns.bind('dtype', array.dtype)})"
            continue
        text = literal(value)
        out[key] = text if text is not None else ns.bind(key, value)
    return out


def call(fn: Any, label: str, inputs: list[str], params: dict[str, str], ns: Namespace, *, variadic: bool,
          prefix: tuple[str, ...] = (), suffix: dict[str, str] | None = None, samples: list[Any] = ()) -> str:
    """`fn` applied to the prefix (g, out), the inputs and the params: its lambda body inlined, or a call.
    `samples` are the traced data of prefix and inputs (their shapes are fixed by the guards)."""
    if not variadic:
        try:
            names = list(fn.__code__.co_varnames[:fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount])
        except AttributeError:
            names = []
        positional = [*prefix, *inputs]
        if len(names) == len(positional) + len(params) and set(names[len(positional):]) == set(params):
            arguments = dict(zip(names, positional, strict=False))
            arguments.update(params)
            ndims = {n: 0 if type(d) is float else d.ndim for n, d in zip(names, samples, strict=False)}
            text = ns.inline(fn, arguments, ndims)
            if text is not None:
                return text
    name = _callable_name(fn, label, ns)
    if variadic:
        listed = f"[{', '.join(inputs)}]"
        parts = [*prefix, listed] if prefix else list(inputs)
    else:
        parts = [*prefix, *inputs]
    parts += [f"{k}={t}" for k, t in {**params, **(suffix or {})}.items()]
    return f"{name}({', '.join(parts)})"


def wrapped(expression: str) -> str:
    """`expression` in parentheses unless it is a plain name."""
    return expression if expression.isidentifier() else f"({expression})"


def _callable_name(fn: Any, label: str, ns: Namespace) -> str:
    """How the program names a function it calls: ``K.sigmoid`` for a kernel, else its own name."""
    own = getattr(fn, "__name__", None)
    if own and own != "<lambda>" and getattr(K, own, None) is fn:
        return f"{ns.bind('K', K)}.{own}"
    return ns.bind(own if own and own.isidentifier() else label, fn)


def _cached(ns: Namespace, key: tuple, names: list[str], make: Any) -> str:
    """A formula made once per op, argument and parameters with placeholder names, then filled in
    with `names` (a big scalar graph repeats the same few thousand times)."""
    params = key[-1]
    text = literal(tuple(sorted(params.items()))) if params else "()"
    if text is None:  # parameters that print as no literal (arrays): not cached
        found = make([str(n) for n in names])
    else:
        full = (*key[:-1], text, len(names))
        if full not in ns.formulas:
            ns.formulas[full] = make([f"\x00{i}\x00" for i in range(len(names))])
        found = ns.formulas[full]
    for i, name in enumerate(names):
        found = found.replace(f"\x00{i}\x00", name)
    return found


def node_formula(op: Any, v: Value, names: list[str], ns: Namespace) -> str:
    """What the node computes, as a formula of its inputs' names (``σ(z)``, ``h - y``)."""
    def make(symbol_names: list[str]) -> str:
        try:
            return str(symbols.op_formula(op, [symbols.symbol(n) for n in symbol_names], v.params))
        except Exception:  # noqa: BLE001  (a formula is a comment: never a reason to fail)
            return f"{op.name}({', '.join(symbol_names)})"

    return _cached(ns, ("formula", id(op), v.params), names, make)


def rule_comment(op: Any, argnum: int, v: Value, names: list[str], out_name: str, ns: Namespace) -> str:
    """The rule's formula read on symbols (``g·h(1 - h)``), else its source line's comment, else its name."""
    def make(symbol_names: list[str]) -> str:
        *inputs, out = symbol_names
        try:
            found = op.vjp(argnum, symbols.symbol("g"), symbols.symbol(out), [symbols.symbol(n) for n in inputs],
                           v.params)
            return f"{op.name}: {symbols.simplify(symbols.as_expr(found))}"
        except Exception:  # noqa: BLE001  (tensor-only rules have no formula: the source says what they do)
            pass
        rule = op.grads if op.variadic else op.rules[argnum]
        text = comment_of(rule)
        if text:
            return f"{op.name}: {text}"
        written = lambda_of(rule)
        if written is not None:
            return f"{op.name}: {ast.unparse(written.body)}"
        doc = (getattr(rule, "__doc__", None) or "").strip().splitlines()
        name = getattr(rule, "__name__", "rule")
        return f"{op.name}: {doc[0]}" if doc else f"{op.name}: rule {name} for input {argnum}"

    return _cached(ns, ("rule", id(op), argnum, v.params), [*names, out_name], make)
