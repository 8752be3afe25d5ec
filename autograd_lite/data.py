"""What a Value holds: user data turned into a Python float or a float ndarray, and shown briefly.

Kept apart from `value.py` so that the graph's node reads on its own: this is input checking
(refusing strings, objects, lists of Values) and formatting for ``repr``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def as_data(data: Any, *, copy: bool = True, where: str = "Value") -> float | np.ndarray:
    """Turn user data into what a Value holds: a Python float, or a float ndarray.

    Python numbers become floats, and so do the numpy scalars that are numbers of the same kind:
    ``np.float64`` (a subclass of float), numpy's integers and ``np.bool_`` — what indexing a
    float64 or integer array gives, so a scalar graph built from data stays a scalar graph. Other
    numpy float scalars (``np.float32``, ``np.float16``) keep their dtype as 0-d arrays; arrays (0-d
    included) and array-likes (objects with ``__array__``: a pandas Series, a tensor) become float
    arrays (integers and booleans as float64); anything else is refused with a message naming it.
    With `copy`, an array or an array-like's array is copied (the Value must not share memory its owner may write into).
    """
    kind = type(data)
    if kind is float:
        return data
    if kind is int or kind is bool:
        return float(data)
    if isinstance(data, (float, int, np.integer, np.bool_)):  # np.float64, np.int64, ...: a Python float
        return float(data)
    if _is_value(data):  # its data (a copy of an array)
        data = data._data
        return data if type(data) is float else np.array(data, copy=True)
    if isinstance(data, (list, tuple)) and _contains_value(data):
        raise TypeError(
            f"{where}: got a {kind.__name__} containing Values; "
            "use autograd_lite.stack(values) to build a tensor from Values"
        )
    foreign = not isinstance(data, (np.ndarray, np.generic, list, tuple, float, int))
    if foreign and not hasattr(data, "__array__"):
        raise TypeError(
            f"{where}: data must be a number, a numeric array or an array-like (with __array__), "
            f"got {kind.__name__}"
        )
    try:
        if isinstance(data, np.ndarray):
            array = np.array(data, copy=True) if copy else data
        else:
            array = np.asarray(data)
            if foreign and copy:  # __array__ may hand over the object's own memory (a pandas Series does)
                array = array.copy()
    except (ValueError, TypeError, RuntimeError) as error:  # RuntimeError: e.g. a tensor that requires grad
        raise TypeError(f"{where}: could not make a numeric array from {kind.__name__}: {error}") from None
    code = array.dtype.kind
    if code == "f":
        return array
    if code in "iub":
        return array.astype(np.float64)
    raise TypeError(
        f"{where}: data must be real numbers, got an array of dtype {array.dtype} "
        "(object, string and complex arrays are not supported)"
    )


def _is_value(x: Any) -> bool:
    """A Value, known by its slots: `Value` is defined in a module above this one."""
    return hasattr(x, "_data") and hasattr(x, "_op")


def _contains_value(items: list | tuple) -> bool:
    stack = [items]
    while stack:
        for item in stack.pop():
            if _is_value(item):
                return True
            if isinstance(item, (list, tuple)):
                stack.append(item)
    return False


def format_number(x: float) -> str:
    return f"{x:.4f}"


def format_data(data: float | np.ndarray) -> str:
    if type(data) is float:
        return format_number(data)
    if data.size <= 6:
        return np.array2string(data, precision=4, separator=", ", suppress_small=True)
    return f"<{data.dtype} array {data.shape}>"


def float_dtype(dtype: Any, where: str) -> np.dtype:
    """`dtype` as a numpy floating dtype, or a TypeError naming `where`."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{where}: only floating dtypes are supported, got {dtype}")
    return dtype
