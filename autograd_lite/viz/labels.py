"""Text for the picture: numbers, tensors, node kinds and op names, formatted for a learner.

Nothing here draws; `graph.py`, `steps.py` and `explain.py` all format through these helpers,
so a number reads the same in a node, on an edge, in a step and in a derivation.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from autograd_lite import Value
from autograd_lite import functional as F

#: tensors with at most this many elements are written out in full
SMALL_TENSOR = 6

# arithmetic reads faster as its symbol; every other op is shown by its registry name
OP_SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "neg": "−x", "matmul": "@", "power": "**"}


def format_number(x: float, precision: int = 4) -> str:
    """A scalar with `precision` decimals; scientific notation when that would hide it.

    A vanishing gradient of 3e-09 must not print as 0.0000 (tutorial section 15), and a huge
    one should not print 20 digits.
    """
    x = float(x)
    if x == 0.0:
        return f"{0.0:.{precision}f}"
    if not np.isfinite(x):
        return str(x)
    magnitude = abs(x)
    if magnitude < 0.5 * 10.0 ** (-precision) or magnitude >= 1e6:
        return f"{x:.{max(precision - 2, 1)}e}"
    return f"{x:.{precision}f}"


def format_constant(x: float) -> str:
    """A constant the user typed (2, 0.5, -1): as short as Python would print it."""
    return f"{float(x):g}"


def is_scalar(data: Any) -> bool:
    return type(data) is float or (isinstance(data, np.ndarray) and data.size == 1)


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as Python prints it: (3,), (2, 3)."""
    return str(tuple(int(n) for n in shape))


def format_array(a: np.ndarray, precision: int = 4) -> str:
    """A small tensor in full; a big one as min / mean / max (whole-array numpy, no loops)."""
    a = np.asarray(a)
    if a.size == 0:
        return "empty"
    if a.size <= SMALL_TENSOR:
        flat = a.reshape(-1)
        body = ", ".join(format_number(x, precision) for x in flat.tolist())
        return f"[{body}]" if a.ndim <= 1 else f"[{body}] (flattened)"
    finite = a[np.isfinite(a)] if not np.all(np.isfinite(a)) else a
    if finite.size == 0:
        return "no finite values"
    low, mean, high = float(finite.min()), float(finite.mean()), float(finite.max())
    p = max(precision - 1, 2)
    return f"min {format_number(low, p)} · mean {format_number(mean, p)} · max {format_number(high, p)}"


def format_data(data: Any, precision: int = 4) -> str:
    """A Value's data or grad: a number, or a tensor's values / summary (without its shape)."""
    if type(data) is float:
        return format_number(data, precision)
    a = np.asarray(data)
    if a.ndim == 0:
        return format_number(float(a), precision)
    return format_array(a, precision)


def tensor_header(v: Value) -> str | None:
    """'shape (2, 3) float64' for a tensor Value; None for a Python-float scalar."""
    if type(F.raw(v)) is float:
        return None
    return f"shape {shape_text(v.shape)} {v.dtype}"


def magnitude(x: Any) -> float:
    """One size for a gradient: |x| for a scalar, the root mean square for a tensor."""
    if type(x) is float:
        return abs(x)
    a = np.asarray(x, dtype=np.float64)
    return float(np.sqrt(np.mean(a * a))) if a.size else 0.0


def node_kind(v: Value) -> str:
    """'parameter', 'input', 'constant' or 'result' (an op's output): they are drawn differently.

    Parameters are leaves that require grad (what SGD updates, the tutorial's θ, b); inputs are
    leaves that do not (x, y); constants are numbers lifted into an op (the 2 of ``e ** 2``).
    """
    if v.is_constant:
        return "constant"
    if v.is_leaf:
        return "parameter" if v.requires_grad else "input"
    return "result"


def op_text(v: Value) -> str:
    """The op that made `v`, as shown in its node: a symbol for arithmetic, else the op's name."""
    name = v.op
    if name is None:
        return ""
    text = OP_SYMBOLS.get(name, name)
    if name == "power" and v.parents[1].is_constant and v.parents[1].size == 1:
        return f"**{format_constant(float(np.asarray(F.raw(v.parents[1])).reshape(())))}"
    params = v.params
    if params:
        shown = ", ".join(f"{key}={_short(value)}" for key, value in params.items())
        text = f"{text} ({shown})"
    return text


def _short(value: Any, limit: int = 18) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Text made safe inside a graphviz HTML-like label."""
    return html.escape(text, quote=True)
