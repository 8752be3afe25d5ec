"""Reading a rule's own source: a lambda's body as an expression to inline, and its line's comment.

The compiler writes no derivative of its own: a rule (or forward) that is a one-line lambda is
copied into the program as its body, with its arguments replaced by the program's variables and
its global and closed-over names bound to the same objects; any other callable is called.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import re
from collections.abc import Callable
from typing import Any

from .. import functional

_TREES: dict[str, ast.Module | None] = {}
_NESTED = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.NamedExpr, ast.Starred,
           ast.Await, ast.Yield, ast.YieldFrom)


def _tree(filename: str) -> ast.Module | None:
    if filename not in _TREES:
        source = "".join(linecache.getlines(filename))
        try:
            _TREES[filename] = ast.parse(source) if source else None
        except SyntaxError:
            _TREES[filename] = None
    return _TREES[filename]


_LAMBDAS: dict[Any, ast.Lambda | None] = {}


def lambda_of(fn: Callable) -> ast.Lambda | None:
    """The `ast.Lambda` that defined `fn`, when it is a lambda that can be inlined, else None."""
    code = getattr(fn, "__code__", None)
    if code not in _LAMBDAS:
        _LAMBDAS[code] = _find_lambda(fn)
    return _LAMBDAS[code]


def _find_lambda(fn: Callable) -> ast.Lambda | None:
    code = getattr(fn, "__code__", None)
    if code is None or fn.__name__ != "<lambda>" or getattr(fn, "__defaults__", None) \
            or getattr(fn, "__kwdefaults__", None) or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return None
    try:
        filename = inspect.getsourcefile(fn)
    except TypeError:
        return None
    tree = _tree(filename) if filename else None
    if tree is None:
        return None
    names = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Lambda) and node.lineno == code.co_firstlineno
             and [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)] == names]
    if len(found) != 1 or any(isinstance(n, _NESTED) for n in ast.walk(found[0].body)):
        return None
    return found[0]


def argument_names(fn: Callable) -> list[str]:
    code = fn.__code__
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])


class Inliner:
    """Inlines lambdas into one program: each lambda is read and rewritten once, then filled in per use.

    `bind(name, object)` gives the name under which the program's namespace holds an object; the
    lambda's global and closed-over names are bound through it.
    """

    def __init__(self, bind: Callable[[str, Any], str]) -> None:
        self.bind = bind
        self._templates: dict[tuple, tuple[str, list[str]] | None] = {}

    def __call__(self, fn: Callable, arguments: dict[str, str], ndims: dict[str, int] | None = None) -> str | None:
        """`fn`'s body with each argument replaced by its expression in `arguments` (source text:
        names, literals, calls, each an operand that needs no parentheses); None when `fn` cannot be
        inlined. `ndims` gives the arguments' numbers of dimensions, fixed by the program's guards: a
        call of ``functional.swap_last`` on an argument is written as what it does for that many (``x.T``).
        """
        ndims = ndims or {}
        key = (id(fn), tuple(sorted(ndims.items())))
        if key not in self._templates:
            self._templates[key] = self._template(fn, set(arguments), ndims)
        found = self._templates[key]
        if found is None or set(arguments) != set(found[1]):
            return None
        text = found[0]
        for i, name in enumerate(found[1]):
            text = text.replace(f"__argument_{i}__", arguments[name])
        return text

    def _template(self, fn: Callable, names: set[str], ndims: dict[str, int]) -> tuple[str, list[str]] | None:
        node = lambda_of(fn)
        order = argument_names(fn) if node is not None else []
        if node is None or names != set(order):
            return None
        cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ()), strict=True))
        slots = {name: f"__argument_{i}__" for i, name in enumerate(order)}
        bind = self.bind

        def resolve(item: ast.AST) -> Any:
            if isinstance(item, ast.Name):
                return cells.get(item.id, fn.__globals__.get(item.id))
            if isinstance(item, ast.Attribute):
                return getattr(resolve(item.value), item.attr, None)
            return None

        class Rename(ast.NodeTransformer):
            def visit_Call(self, call: ast.Call) -> ast.AST:  # noqa: N802  (the visitor's naming)
                arg = call.args[0] if len(call.args) == 1 and not call.keywords else None
                if isinstance(arg, ast.Name) and ndims.get(arg.id) is not None \
                        and resolve(call.func) is functional.swap_last:
                    if ndims[arg.id] < 2:
                        return self.visit_Name(arg)
                    if ndims[arg.id] == 2:
                        return ast.Attribute(self.visit_Name(arg), "T", ast.Load())
                return self.generic_visit(call)

            def visit_Name(self, name: ast.Name) -> ast.AST:  # noqa: N802
                if name.id in slots:
                    return ast.Name(slots[name.id], ast.Load())
                if name.id in cells:
                    target = cells[name.id]
                elif name.id in fn.__globals__:
                    target = fn.__globals__[name.id]
                elif hasattr(builtins, name.id):
                    target = getattr(builtins, name.id)
                else:
                    raise LookupError(name.id)
                return ast.Name(bind(name.id, target), ast.Load())

        try:
            body = Rename().visit(ast.parse(ast.unparse(node.body), mode="eval").body)
        except LookupError:
            return None
        return ast.unparse(body), order


def comment_of(fn: Callable) -> str | None:
    """The comment that says what rule `fn` is: at the end of a lambda's line (``# d(ab)/da = b``), or
    of the line that hands a def to ``op(grads=...)`` (``# dJ/dA = G Bᵀ``); None if there is none."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    if fn.__name__ != "<lambda>":  # a def: the comment where it is handed to op(), ``grads=(rule,  # ...``
        pattern = re.compile(rf"\b{re.escape(fn.__name__)}\b[\s,)]*#\s*(.+?)\s*$")
        for line in linecache.getlines(code.co_filename):
            found = pattern.search(line)
            if found is not None and not line.lstrip().startswith("def "):
                return found.group(1)
        return None
    line = linecache.getline(code.co_filename, code.co_firstlineno)
    match = re.search(r"#\s*(.+?)\s*$", line)
    return None if match is None else match.group(1)
