"""Guards: what a compiled program was traced for, so that it is only replayed for the same kind of call.

A call's key holds, per argument, its kind, shape and dtype (static Python values by value) and
the grad mode. A program checks the rest itself, first thing on every run (`codegen` writes those
lines): its parameters' kinds, shapes, dtypes and requires_grad, and the mode flags (a module's
``training``) that the trace read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..value import Value


@dataclass(frozen=True)
class Leaf:
    """One argument leaf: `kind` is "float", "array" (float), "ints" (integer/bool array), "value"
    (a Value) or "static" (a Python value, part of the key by value)."""

    kind: str
    shape: tuple[int, ...] | None = None
    dtype: Any = None
    extra: Any = None   # a Value's kind (float or array) and requires_grad; a static value


def describe(x: Any, where: str) -> Leaf:
    """The guard of one argument leaf (refusing what cannot be an argument of a compiled function)."""
    kind = type(x)
    if kind is float or isinstance(x, np.floating) and np.ndim(x) == 0:
        return Leaf("float")
    if isinstance(x, Value):
        data = x._data
        if type(data) is float:
            return Leaf("value", (), None, ("float", x.requires_grad))
        return Leaf("value", data.shape, data.dtype, ("array", x.requires_grad))
    if kind is np.ndarray:
        if x.dtype.kind == "f":
            return Leaf("array", x.shape, x.dtype)
        if x.dtype.kind in "iub":
            return Leaf("ints", x.shape, x.dtype)
        raise TypeError(f"{where}: an array argument of dtype {x.dtype} (only numeric arrays can be inputs)")
    if x is None or kind in (int, bool, str) or isinstance(x, np.integer):
        return Leaf("static", extra=(kind, x))
    raise TypeError(f"{where}: cannot take a {kind.__name__} as an argument; pass Values, numbers, numpy arrays, "
                    "or lists and tuples of them")


def flatten(args: tuple, where: str) -> tuple[list[Any], list[Leaf], Any]:
    """The argument leaves (through lists and tuples), their guards, and the nesting (hashable)."""
    leaves: list[Any] = []
    specs: list[Leaf] = []

    def walk(x: Any) -> Any:
        if isinstance(x, (list, tuple)) and not isinstance(x, Value):
            return (type(x), tuple(walk(item) for item in x))
        leaves.append(x)
        specs.append(describe(x, where))
        return None

    tree = walk(tuple(args))
    return leaves, specs, tree


def quick_key(args: tuple) -> tuple | None:
    """The key of a call whose arguments are all arrays, floats or Values (no nesting), or None.

    The common call (``step(xb, yb)``) is keyed without building `Leaf` guards: shape and dtype
    per array, the kind and requires_grad per Value. Anything else takes `flatten`.
    """
    key = []
    for x in args:
        kind = type(x)
        if kind is np.ndarray:
            key.append((x.shape, x.dtype))
        elif kind is float:
            key.append(float)
        elif kind is Value:
            data = x._data
            key.append((Value, float, x.requires_grad) if type(data) is float
                       else (Value, data.shape, data.dtype, x.requires_grad))
        else:
            return None
    return tuple(key)


def rebuild(tree: Any, leaves: list[Any]) -> tuple:
    """The arguments again from their nesting and (replaced) leaves."""
    items = iter(leaves)

    def build(node: Any) -> Any:
        if node is None:
            return next(items)
        kind, children = node
        return kind(build(c) for c in children)

    return build(tree)
