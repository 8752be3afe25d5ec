"""Property checks for ops: draw inputs from an op's Domain with hypothesis and compare its
derivatives (first and second order) with central differences. Needs `hypothesis` installed.

Use it on your own primitive: ``check_op(my_op)`` runs both checks over drawn examples.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .engine import grad
from .gradcheck import first_mismatch, numerical_grad
from .op import Op
from .value import Value


class HypothesisDraw:
    """The `draw` that Domain callables receive, backed by hypothesis (so failures shrink)."""

    def __init__(self, data: st.DataObject) -> None:
        self._data = data

    def integer(self, low: int, high: int) -> int:
        return self._data.draw(st.integers(low, high))

    def boolean(self) -> bool:
        return self._data.draw(st.booleans())

    def choice(self, options: Any) -> Any:
        return self._data.draw(st.sampled_from(list(options)))

    def floats(self, low: float, high: float) -> float:
        return self._data.draw(st.floats(low, high, allow_nan=False, allow_infinity=False))

    def shape(self, min_dims: int = 0, max_dims: int = 3, max_side: int = 4) -> tuple[int, ...]:
        return self._data.draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                                                max_side=max_side))

    def broadcastable_shapes(self, count: int) -> tuple[tuple[int, ...], ...]:
        drawn = self._data.draw(hnp.mutually_broadcastable_shapes(num_shapes=count, max_dims=3, max_side=4))
        return drawn.input_shapes

    def array(self, shape: tuple[int, ...], low: float, high: float) -> np.ndarray:
        return self._data.draw(hnp.arrays(np.float64, shape, elements=st.floats(
            low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)))


def _keep_away(x: np.ndarray, points: tuple[float, ...], margin: float) -> np.ndarray:
    for p in points:
        close = np.abs(x - p) < margin
        x = np.where(close, np.where(x >= p, p + margin, p - margin), x)
    return x


def draw_case(op: Op, data: st.DataObject) -> tuple[list[Any], dict]:
    """Inputs (Python floats or float64 arrays) and params for `op`, drawn from its domain."""
    domain = op.domain
    if domain is None:
        raise ValueError(f"op {op.name!r} has no test domain: pass domain=Domain(...) when defining it")
    draw = HypothesisDraw(data)
    if domain.shapes == "unary":
        shapes = (draw.shape(),)
    elif domain.shapes == "broadcast":
        shapes = draw.broadcastable_shapes(domain.arity)
    else:
        shapes = tuple(domain.shapes(draw))
    params = domain.params(draw, shapes) if domain.params else {}
    arrays = []
    for i, shape in enumerate(shapes):
        low, high = domain.value_range(i)
        arrays.append(_keep_away(draw.array(shape, low, high), domain.avoid, domain.margin))
    if domain.adjust:
        arrays = [np.asarray(a, dtype=np.float64) for a in domain.adjust(tuple(arrays), params)]
    # a 0-d input is sometimes a Python float: scalar graphs take a separate, math-based path
    inputs = [float(a) if a.ndim == 0 and draw.boolean() else a for a in arrays]
    return inputs, params


def _projection(out: Value, data: st.DataObject) -> Any:
    """Random weights shaped like `out`: sum(out * w) tests every output element at once."""
    if type(out.data) is float:
        return HypothesisDraw(data).floats(-1.0, 1.0)
    return HypothesisDraw(data).array(out.shape, -1.0, 1.0)


def _assert_close(analytical: Any, numerical: Any, what: str, atol: float, rtol: float) -> None:
    a, n = np.asarray(analytical, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
    assert a.shape == n.shape, f"{what}: gradient shape {a.shape}, input shape {n.shape}"
    where = first_mismatch(a, n, atol, rtol)
    if where is not None:
        raise AssertionError(f"{what}: element {where}: analytical {a[where]!r}, numerical {n[where]!r}")


def check_first_order(op: Op, data: st.DataObject, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """backward's gradient of sum(op(x...) * w) equals central differences, for every input."""
    inputs, params = draw_case(op, data)
    values = [Value(x) for x in inputs]
    out = op(*values, **params)
    w = _projection(out, data)

    def f(*xs: Value) -> Value:
        return (op(*xs, **params) * w).sum()

    analytical = grad(f(*values), values)
    numerical = numerical_grad(f, *inputs)
    for i, (a, n) in enumerate(zip(analytical, numerical, strict=True)):
        assert type(a) is type(inputs[i]), f"{op.name}: input {i} is {type(inputs[i]).__name__}, grad {type(a)}"
        _assert_close(a, n, f"{op.name} d/d(input {i}) with params {params}", atol, rtol)


def check_second_order(op: Op, data: st.DataObject, atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """The gradient of a create_graph=True gradient equals central differences of it."""
    inputs, params = draw_case(op, data)
    values = [Value(x) for x in inputs]
    w = _projection(op(*values, **params), data)
    directions = [_projection(Value(x), data) for x in inputs]

    def first(*xs: Value) -> Value:
        grads = grad((op(*xs, **params) * w).sum(), xs, create_graph=True)
        total = Value(0.0, requires_grad=False)
        for g, v in zip(grads, directions, strict=True):
            total = total + (g * v).sum()
        return total

    analytical = grad(first(*values), values)
    numerical = numerical_grad(first, *inputs)
    for i, (a, n) in enumerate(zip(analytical, numerical, strict=True)):
        _assert_close(a, n, f"{op.name} second derivative d/d(input {i}) with params {params}", atol, rtol)


def check_op(op: Op, max_examples: int = 50, shrink: bool = True) -> None:
    """Run the first- and second-order gradient checks on `op` over drawn examples.

    On failure hypothesis shrinks the example to a small one (``shrink=False`` skips that).
    Nothing is saved between runs (no example database), so it leaves no files behind.
    """
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate)

    @settings(max_examples=max_examples, deadline=None, phases=phases, database=None)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        check_first_order(op, data)
        check_second_order(op, data)

    run()
