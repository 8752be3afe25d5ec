"""Checks that turn user arguments — axes, shapes, indices — into the one form ops receive.

Ops call these from their `normalize`, so an op gets the same canonical params whether it is
reached by a method, a module function or ``get_op(name)``; each check is idempotent, so
canonical params pass through unchanged. Errors name the op and what was wrong. What numpy
refuses (a float index array) is refused here too, rather than read as something else.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value


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


def flag(value: Any, name: str, where: str) -> bool:
    """True or False, given as a bool or as numpy's 0 or 1; anything else ("no", 2, None) is refused:
    read by its truth value it would silently mean True or False."""
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1)):
        return bool(value)
    raise TypeError(f"{where}: {name} must be True or False, got {value!r}")


def index(index: Any, x: Any, where: str = "getitem") -> tuple:
    """An index as a tuple of ints, slices, None, Ellipsis and copied int/bool arrays."""
    if type(x) is float:
        raise TypeError(f"{where}: a Value holding a single float cannot be indexed")
    items = index if isinstance(index, tuple) else (index,)
    out: list[Any] = []
    for item in items:
        if isinstance(item, Value):  # its data are floats: a mask of 1s and 0s would pick elements 1 and 0
            raise IndexError(f"{where}: a Value cannot be an index (it holds floats); index with an integer or "
                             "boolean array, such as v.data.astype(int) or v.data > 0")
        if isinstance(item, (list, np.ndarray)):
            array = np.asarray(item)
            if type(item) is list and array.size == 0:  # numpy reads [] as an empty integer index
                array = array.astype(np.intp)
            if array.dtype.kind not in "iub":
                message = f"{where}: index arrays must hold integers or booleans, got dtype {array.dtype}"
                if array.dtype.kind == "f":
                    message += "; like numpy, we refuse floats: cast whole numbers with .astype(int)"
                raise IndexError(message)
            out.append(array.copy())
        elif item is None or item is Ellipsis or isinstance(item, slice):
            out.append(item)
        elif isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            out.append(int(item))
        else:
            raise IndexError(f"{where}: unsupported index {item!r} (use ints, slices, None, ..., or int/bool arrays)")
    return tuple(out)
