"""`Domain`: where an op's property tests draw their inputs, declared beside the op it belongs to.

Every op passes one to `autograd_lite.op`; `autograd_lite.testing` reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


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
