"""`Domain`: where an op's property tests draw their inputs, declared beside the op it belongs to.

Every op passes one to `autograd_lite.op`; `autograd_lite.testing` reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    """Where an op's property tests draw inputs: shapes, value ranges, points to avoid and points
    to hit exactly.

    - `shapes`: "unary" (one array), "broadcast" (`arity` mutually broadcastable arrays), or a
      function ``shapes(draw) -> tuple of shapes`` for anything else.
    - `low`, `high`: the value range, one pair for all inputs or a sequence of pairs, one per input.
    - `avoid`: points (kinks, poles) that drawn values keep at least `margin` away from.
    - `params`: ``params(draw, shapes) -> dict`` of the op's non-differentiable arguments.
    - `adjust`: ``adjust(arrays, params) -> arrays`` moves values off ties the op cannot
      differentiate at (e.g. equal elements for ``max``).
    - `special` (elementwise ops): points the op treats specially — exact zeros, kinks, bounds,
      integer exponents — each a number (given to every input: for two inputs, a tie) or a
      tuple with a number or None (keep the drawn value) per input. In about half the drawn
      cases the inputs are broadcast to one shape and some elements are set to these points
      exactly (after `avoid` and `adjust`).
    - `kinks`: ``kinks(*arrays, **params) -> one (where, derivative) pair or None per input``
      says where, among those points, central differences cannot check the op: `where` (a mask
      broadcast against the output) marks the elements at which the op, or its derivative, is
      not differentiable in that input, and `derivative` is the d(out)/d(input) the op states
      there (its convention, e.g. relu'(0) = 0). The first-order check compares the rule with
      it there; the second-order check leaves those elements out.

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
    special: tuple[float | tuple[float | None, ...], ...] = ()
    kinks: Callable | None = None

    def value_range(self, i: int) -> tuple[float, float]:
        if isinstance(self.low, (int, float)):
            return float(self.low), float(self.high)
        return self.low[i]

    def special_points(self) -> list[tuple[float | None, ...]]:
        """The `special` points, each as a tuple with one entry (a number or None) per input."""
        return [p if isinstance(p, tuple) else (p,) * self.arity for p in self.special]
