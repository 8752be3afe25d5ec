"""The op registry: the one door through which every primitive, built-in or yours, is defined.

An op is its forward (on raw floats/arrays), one derivative rule per input, and the domain its
property tests draw inputs from. Rules have the signature ``rule(g, out, *inputs, **params)``
and return ``g`` times d(out)/d(input): the vector-Jacobian product. They are written with
operators and ``autograd_lite.functional`` so they run on raw arrays (fast first-order
backward) and on Values (``create_graph=True``: second derivatives) alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .modes import STATE
from .value import Value, leaf, lift, make

Rule = Callable[..., Any]

_REGISTRY: dict[str, Op] = {}
_NUMERIC_ERRORS = (ValueError, TypeError, IndexError, ZeroDivisionError, OverflowError)


def _normalize(out: Any, datas: Sequence[Any]) -> float | np.ndarray:
    """numpy hands back scalars from 0-d work: floats stay floats, anything else an array."""
    if type(out) is np.float64:
        for d in datas:
            if type(d) is not float:
                return np.asarray(out)
        return float(out)
    return np.asarray(out)


@dataclass(frozen=True)
class Domain:
    """Where an op's property tests draw inputs: shapes, value ranges and points to avoid.

    - `shapes`: "unary" (one array), "broadcast" (`arity` mutually broadcastable arrays), or a
      function ``shapes(draw) -> tuple of shapes`` for anything else.
    - `low`, `high`: the value range, one pair for all inputs or a sequence of pairs, one per input.
    - `avoid`: points (kinks, poles) that drawn values keep at least `margin` away from.
    - `params`: ``params(draw, shapes) -> dict`` of the op's non-differentiable arguments.
    - `adjust`: ``adjust(arrays, params) -> arrays`` moves values off ties the op cannot
      differentiate at (e.g. equal elements for ``max``).

    `draw` offers ``integer(lo, hi)``, ``boolean()``, ``choice(seq)``, ``shape(min_dims, max_dims)``
    and ``floats(lo, hi)``; the test suite backs it with hypothesis, so failures shrink.
    """

    shapes: str | Callable = "unary"
    arity: int = 1
    low: float | Sequence[tuple[float, float]] = -3.0
    high: float = 3.0
    avoid: tuple[float, ...] = ()
    margin: float = 0.05
    params: Callable | None = None
    adjust: Callable | None = None

    def value_range(self, i: int) -> tuple[float, float]:
        if isinstance(self.low, (int, float)):
            return float(self.low), float(self.high)
        return self.low[i]


@dataclass(eq=False)
class Op:
    """A primitive: ``forward(*arrays, **params)`` and one vector-Jacobian rule per input.

    Call it on Values, numbers or arrays to apply it: ``op(x, y, axis=0)``. `variadic` ops
    take any number of inputs and a single rule called with ``argnum=i``.
    """

    name: str
    forward: Callable[..., Any]
    grads: tuple[Rule, ...] | Rule
    domain: Domain | None = None
    check: Callable[..., None] | None = None
    variadic: bool = False
    doc: str = ""
    _rules: tuple[Rule, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.variadic:
            if not callable(self.grads):
                raise TypeError(f"op {self.name!r}: a variadic op takes one rule, called with argnum=i")
            self._rules = ()
        else:
            rules = (self.grads,) if callable(self.grads) else tuple(self.grads)
            if not rules or not all(callable(r) for r in rules):
                raise TypeError(f"op {self.name!r}: grads must be one callable rule per input")
            self._rules = rules

    @property
    def arity(self) -> int | None:
        """The number of differentiable inputs (None for variadic ops)."""
        return None if self.variadic else len(self._rules)

    def __call__(self, *inputs: Any, **params: Any) -> Value:
        if not self.variadic and len(inputs) != len(self._rules):
            raise TypeError(f"{self.name}: takes {len(self._rules)} input(s), got {len(inputs)}")
        if len(inputs) == 1:  # reductions, softmax, reshape, getitem...: one input with params
            x = inputs[0]
            values = (x if isinstance(x, Value) else lift(x),)
            datas = (values[0]._data,)
            requires = values[0].requires_grad
        else:
            values = tuple([x if isinstance(x, Value) else lift(x) for x in inputs])
            datas = tuple([v._data for v in values])
            requires = False
            for v in values:
                if v.requires_grad:
                    requires = True
                    break
        if self.check is not None:
            self.check(*datas, **params)
        try:
            out = self.forward(*datas, **params)
        except _NUMERIC_ERRORS as error:
            raise self._explain(error, datas) from None
        if type(out) is not float and type(out) is not np.ndarray:
            out = _normalize(out, datas)
        if requires and STATE.grad_enabled:
            n = len(values)
            if n == 1:
                return make(out, self, params or None, values[0])
            return make(out, self, params or None, values[0], values[1], values[2:] if n > 2 else None)
        return leaf(out)

    # The two methods below are __call__ unrolled for one and two inputs without params: the
    # operators and elementwise methods of Value, i.e. nearly every node of a scalar graph.
    def unary(self, x: Any) -> Value:
        if not isinstance(x, Value):
            x = lift(x)
        data = x._data
        try:
            out = self.forward(data)
        except _NUMERIC_ERRORS as error:
            raise self._explain(error, (data,)) from None
        if type(out) is not float and type(out) is not np.ndarray:
            out = _normalize(out, (data,))
        if x.requires_grad and STATE.grad_enabled:
            return make(out, self, None, x)
        return leaf(out)

    def binary(self, a: Any, b: Any) -> Value:
        if not isinstance(a, Value):
            a = lift(a)
        if not isinstance(b, Value):
            b = lift(b)
        da, db = a._data, b._data
        if self.check is not None:
            self.check(da, db)
        try:
            out = self.forward(da, db)
        except _NUMERIC_ERRORS as error:
            raise self._explain(error, (da, db)) from None
        if type(out) is not float and type(out) is not np.ndarray:
            out = _normalize(out, (da, db))
        if (a.requires_grad or b.requires_grad) and STATE.grad_enabled:
            return make(out, self, None, a, b)
        return leaf(out)

    def _explain(self, error: Exception, datas: Sequence[Any]) -> Exception:
        """The numpy/math error re-raised with this op's name and the input shapes."""
        shapes = ", ".join(str(np.shape(d)) for d in datas)
        return type(error)(f"{self.name}: {error} (input shapes: {shapes})")

    def vjp(self, argnum: int, g: Any, out: Any, inputs: Sequence[Any], params: dict | None) -> Any:
        """g times d(out)/d(inputs[argnum]) by this op's rule (raw data or Values alike)."""
        if self.variadic:
            return self.grads(g, out, *inputs, argnum=argnum, **(params or {}))
        rule = self._rules[argnum]
        return rule(g, out, *inputs, **params) if params else rule(g, out, *inputs)


def op(name: str, forward: Callable[..., Any], grads: Sequence[Rule] | Rule, *,
       domain: Domain | None = None, check: Callable[..., None] | None = None,
       variadic: bool = False, doc: str = "", replace: bool = False, register: bool = True) -> Op:
    """Define and register a primitive. The returned Op applies it: ``y = myop(x)``.

    `forward` works on raw floats/arrays; `grads` holds one rule per input (see the module
    docstring); `domain` says where property tests draw inputs. ``register=False`` makes an
    unregistered op, e.g. a deliberately wrong one in a lesson.

    Example — softplus(x) = log(1 + exp(x)), whose derivative is sigmoid(x)::

        softplus = op("softplus",
                      forward=lambda x: np.logaddexp(0, x),
                      grads=lambda g, out, x: g * F.sigmoid(x),
                      domain=Domain(low=-4, high=4))
    """
    if register and name in _REGISTRY and not replace:
        raise ValueError(f"op {name!r} is already registered (pass replace=True to redefine it)")
    new = Op(name, forward, grads, domain=domain, check=check, variadic=variadic, doc=doc)
    if register:  # registered ops are picked up by the property suite (tests/core/test_op_gradients.py)
        _REGISTRY[name] = new
    return new


def registry() -> dict[str, Op]:
    """A copy of the registry: op name -> Op, for every registered primitive."""
    return dict(_REGISTRY)


def get_op(name: str) -> Op:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no op named {name!r}; registered: {', '.join(sorted(_REGISTRY))}") from None


def local_grads(node: Value, upstream: Any = None) -> tuple[Any, ...]:
    """Evaluate `node`'s rule for each of its parents: upstream × d(node)/d(parent).

    With the default upstream of ones this is the local derivative on each incoming edge (for
    scalars: ∂out/∂in). Results are reduced to each parent's shape, as backward does; a parent
    that does not require grad (a constant, an input) gets None, as backward skips it.
    """
    from .engine import fit_grad

    if node._op is None:
        return ()
    out = node._data
    if upstream is None:
        upstream = 1.0 if type(out) is float else np.ones_like(out)
    else:
        upstream = lift(upstream)._data
    parents = node.parents
    datas = [p._data for p in parents]
    return tuple(
        fit_grad(node._op.vjp(i, upstream, out, datas, node._params), p._data) if p.requires_grad else None
        for i, p in enumerate(parents)
    )
