"""Checks that turn user arguments — axes, shapes, indices — into the one form ops receive.

Ops call these from their `normalize`, so an op gets the same canonical params whether it is
reached by a method, a module function or ``get_op(name)``; each check is idempotent, so
canonical params pass through unchanged. Errors name the op and what was wrong.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import data_of


def axes(axis: Any, ndim: int, where: str) -> tuple[int, ...] | None:
    """None, or a sorted tuple of distinct non-negative axes; refuses anything else by name."""
    if axis is None:
        return None
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in items:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{where}: axis must be None, an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{where}: axis {int(a)} is out of range for a Value with {ndim} dimension(s)")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{where}: axis {axis!r} repeats an axis")
    return tuple(sorted(out))


def shape(shape: Any, where: str) -> tuple[int, ...]:
    """A shape given as an int, a list or a tuple of ints, as a tuple."""
    items = shape if isinstance(shape, (tuple, list)) else (shape,)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in items):
        raise TypeError(f"{where}: shape must be ints, got {shape!r}")
    return tuple(int(n) for n in items)


def index(index: Any, x: Any, where: str = "getitem") -> tuple:
    """An index as a tuple of ints, slices, None, Ellipsis and copied int/bool arrays."""
    if type(x) is float:
        raise TypeError(f"{where}: a Value holding a single float cannot be indexed")
    items = index if isinstance(index, tuple) else (index,)
    out: list[Any] = []
    for item in items:
        item = data_of(item)
        if isinstance(item, (list, np.ndarray)):
            array = np.asarray(item)
            if array.dtype.kind == "f" and np.all(array == np.round(array)):
                array = array.astype(np.intp)
            if array.dtype.kind not in "iub":
                raise IndexError(f"{where}: index arrays must hold integers or booleans, got dtype {array.dtype}")
            out.append(array.copy())
        elif item is None or item is Ellipsis or isinstance(item, slice):
            out.append(item)
        elif isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            out.append(int(item))
        else:
            raise IndexError(f"{where}: unsupported index {item!r} (use ints, slices, None, ..., or int/bool arrays)")
    return tuple(out)
