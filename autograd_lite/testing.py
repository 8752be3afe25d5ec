"""Property checks for ops: draw inputs from an op's Domain with hypothesis and compare its
derivatives (first and second order) with central differences. Needs `hypothesis` installed.

Use it on your own primitive: ``check_op(my_op)`` runs both checks over drawn examples.

A domain's `special` points (exact zeros, kinks, bounds) are drawn exactly in about half the
cases. Where its `kinks` say the op is not differentiable there, central differences cannot
check it: a case with kinks is checked element by element (its inputs broadcast to one shape,
so each element feeds one output), comparing the rule with the derivative the domain states at
the kinks and with central differences everywhere else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
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


def _place_special(data: st.DataObject, arrays: list[np.ndarray], points: list[tuple]) -> list[np.ndarray]:
    """The arrays broadcast to one shape, with some elements set to drawn special points exactly
    (a point's None keeps that input's drawn value)."""
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    chosen = data.draw(hnp.arrays(bool, shape), label="special elements")
    which = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(0, len(points) - 1)), label="special points")
    placed = []
    for i, x in enumerate(arrays):
        value = np.array([0.0 if p[i] is None else p[i] for p in points])[which]
        keep = np.array([p[i] is None for p in points])[which]
        placed.append(np.where(chosen & ~keep, value, np.broadcast_to(x, shape)))
    return placed


def draw_case(op: Op, data: st.DataObject) -> tuple[list[Any], dict]:
    """Inputs (Python floats or float64 arrays) and params for `op`, drawn from its domain
    (in about half the cases, with some elements at its special points)."""
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
    points = domain.special_points()
    if points and draw.boolean():
        arrays = _place_special(data, arrays, points)
    # a 0-d input is sometimes a Python float: scalar graphs take a separate, math-based path
    inputs = [float(a) if a.ndim == 0 and draw.boolean() else a for a in arrays]
    return inputs, params


def _kinks(op: Op, inputs: list[Any], params: dict) -> list[tuple[np.ndarray, np.ndarray] | None] | None:
    """Per input, (where, stated derivative) over the output's shape from the domain's `kinks`,
    or None when the case has no kink at all (the usual checks apply)."""
    if op.domain.kinks is None:
        return None
    shape = np.broadcast_shapes(*(np.shape(x) for x in inputs))
    found = []
    for kink in op.domain.kinks(*inputs, **params):
        if kink is None:
            found.append(None)
            continue
        where, stated = kink
        found.append((np.broadcast_to(where, shape), np.broadcast_to(stated, shape)))
    return found if any(k is not None and k[0].any() for k in found) else None


def _expanded(inputs: list[Any]) -> list[Any]:
    """The inputs broadcast to one shape (copies), so that each element feeds one output element."""
    shapes = {np.shape(x) for x in inputs}
    if len(shapes) == 1:
        return list(inputs)
    shape = np.broadcast_shapes(*shapes)
    return [np.array(np.broadcast_to(x, shape), dtype=np.float64) for x in inputs]


def _differences(f: Any, xs: list[Any], i: int, eps: float = 1e-6) -> Any:
    """Central differences of the elementwise `f` in input `i`, every element at once."""
    up, down = list(xs), list(xs)
    up[i], down[i] = xs[i] + eps, xs[i] - eps
    return (f(*up) - f(*down)) / (2 * eps)


def _projection(out: Value, data: st.DataObject) -> Any:
    """Random weights shaped like `out`: sum(out * w) tests every output element at once."""
    if type(out.data) is float:
        return HypothesisDraw(data).floats(-1.0, 1.0)
    return HypothesisDraw(data).array(out.shape, -1.0, 1.0)


def _assert_close(analytical: Any, numerical: Any, what: str, atol: float, rtol: float) -> None:
    a, n = np.asarray(analytical, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
    assert a.shape == n.shape, f"{what}: gradient shape {a.shape}, input shape {n.shape}"
    same = (a == n) | (np.isnan(a) & np.isnan(n))  # equal infinities and two NaNs (a pole's stated inf) match
    where = first_mismatch(np.where(same, 0.0, a), np.where(same, 0.0, n), atol, rtol)
    if where is not None:
        raise AssertionError(f"{what}: element {where}: analytical {a[where]!r}, numerical {n[where]!r}")


def _assert_types(op: Op, grads: Any, inputs: list[Any]) -> None:
    for i, (g, x) in enumerate(zip(grads, inputs, strict=True)):
        assert type(g) is type(x), f"{op.name}: input {i} is {type(x).__name__}, grad {type(g).__name__}"


def check_first_order(op: Op, data: st.DataObject, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """backward's gradient of sum(op(x...) * w) equals central differences, for every input
    (and the domain's stated derivative at its kinks)."""
    inputs, params = draw_case(op, data)
    kinks = _kinks(op, inputs, params)
    if kinks is not None:
        _check_first_order_at_kinks(op, data, _expanded(inputs), params, kinks, atol, rtol)
        return
    values = [Value(x) for x in inputs]
    out = op(*values, **params)
    w = _projection(out, data)

    def f(*xs: Value) -> Value:
        return (op(*xs, **params) * w).sum()

    analytical = grad(f(*values), values)
    numerical = numerical_grad(f, *inputs)
    _assert_types(op, analytical, inputs)
    for i, (a, n) in enumerate(zip(analytical, numerical, strict=True)):
        _assert_close(a, n, f"{op.name} d/d(input {i}) with params {params}", atol, rtol)


def _check_first_order_at_kinks(op: Op, data: st.DataObject, xs: list[Any], params: dict, kinks: list,
                                atol: float, rtol: float) -> None:
    values = [Value(x) for x in xs]
    with np.errstate(all="ignore"):  # a kink may be a pole: inf and nan are expected there
        out = op(*values, **params)
        w = _projection(out, data)
        analytical = grad((out * w).sum(), values)
        _assert_types(op, analytical, xs)
        for i, kink in enumerate(kinks):
            expected = _differences(lambda *zs: op(*zs, **params).data * w, xs, i)
            if kink is not None:
                where, stated = kink
                expected = np.where(where, w * stated, expected)
            _assert_close(analytical[i], expected, f"{op.name} d/d(input {i}) at {xs} with params {params} "
                          "(at a kink: the domain's stated derivative)", atol, rtol)


def check_second_order(op: Op, data: st.DataObject, atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """The gradient of a create_graph=True gradient equals central differences of it (away from
    the domain's kinks, where the first derivative jumps)."""
    inputs, params = draw_case(op, data)
    kinks = _kinks(op, inputs, params)
    if kinks is not None:
        inputs = _expanded(inputs)
    values = [Value(x) for x in inputs]
    w = _projection(op(*values, **params), data)
    directions = [_projection(Value(x), data) for x in inputs]

    def first(*xs: Value) -> Value:
        grads = grad((op(*xs, **params) * w).sum(), xs, create_graph=True)
        total = Value(0.0, requires_grad=False)
        for g, v in zip(grads, directions, strict=True):
            total = total + (g * v).sum()
        return total

    if kinks is None:
        analytical = grad(first(*values), values)
        numerical = numerical_grad(first, *inputs)
        for i, (a, n) in enumerate(zip(analytical, numerical, strict=True)):
            _assert_close(a, n, f"{op.name} second derivative d/d(input {i}) with params {params}", atol, rtol)
        return

    def first_by_element(*xs: Any) -> Any:  # the summands of `first`, one per element
        leaves = [Value(x) for x in xs]
        grads = grad((op(*leaves, **params) * w).sum(), leaves)
        return sum(g * v for g, v in zip(grads, directions, strict=True))

    skip = np.logical_or.reduce([where for where, _ in filter(None, kinks)])
    with np.errstate(all="ignore"):
        analytical = grad(first(*values), values)
        for i, a in enumerate(analytical):
            n = _differences(first_by_element, inputs, i)
            _assert_close(np.where(skip, 0.0, a), np.where(skip, 0.0, n), f"{op.name} second derivative "
                          f"d/d(input {i}) at {inputs} with params {params} (kinks left out)", atol, rtol)


def check_op(op: Op, max_examples: int = 50, shrink: bool = True) -> None:
    """Run the first- and second-order gradient checks on `op` over drawn examples.

    On failure hypothesis shrinks the example to a small one (``shrink=False`` skips that).
    Nothing is saved between runs (no example database), so it leaves no files behind.
    """
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate)

    # (too_slow off: a busy machine must not turn a derivative check into a health-check failure)
    @settings(max_examples=max_examples, deadline=None, phases=phases, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def run(data: st.DataObject) -> None:
        check_first_order(op, data)
        check_second_order(op, data)

    run()
