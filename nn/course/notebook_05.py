"""Checks for notebook 05 (sections 9–10): which input a planted bug is blamed on and where it hides, and the best
step of central differences in float16.

The bug is replayed with ``gradcheck``; float16's errors are measured, not assumed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_lite as al

from .verdict import Verdict, unanswered

#: exercise 1's product op whose first rule is wrong: g·a where g·b is right
_BAD_MUL = al.op("bad_mul", forward=lambda a, b: a * b,
                 grads=(lambda g, out, a, b: g * a, lambda g, out, a, b: g * a), register=False)


def _blamed(a: np.ndarray, b: np.ndarray) -> int | None:
    """The input gradcheck blames for the bad product at (a, b), or None when it passes there."""
    try:
        al.gradcheck(lambda u, v: _BAD_MUL(u, v).sum(), a, b)
    except al.GradcheckError as error:
        return int(str(error).split("input ", 1)[1].split(",", 1)[0])
    return None


def check_05_exercise_1(blamed_input: Any, hiding_point: Any) -> Verdict:
    """Notebook 05, exercise 1: the input (0 or 1) gradcheck blames, and a point ``(a, b)`` where the bug hides."""
    exercise = "05 exercise 1 (a planted bug in a product)"
    if (missing := unanswered(exercise, None if blamed_input is None or hiding_point is None else 0,
                              "the input blamed and a point (a, b)")) is not None:
        return missing
    blamed = _blamed(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    if blamed_input != blamed:
        return Verdict(exercise, False, f"you said input {blamed_input!r}; gradcheck blames input {blamed}: its rule "
                                        "returns g·a, while ∂(a·b)/∂a = b")
    try:
        a, b = (np.atleast_1d(np.asarray(v, dtype=float)) for v in hiding_point)
        np.broadcast_shapes(a.shape, b.shape)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the point is two numbers or arrays (a, b) of broadcastable shapes; got "
                                        f"{hiding_point!r}")
    if a.shape != b.shape:
        return Verdict(exercise, False, f"give a and b the same shape (got {a.shape} and {b.shape})")
    if _blamed(a, b) is not None:
        where = int(np.flatnonzero(a != b)[0]) if np.any(a != b) else 0
        return Verdict(exercise, False, f"at a = {a.tolist()}, b = {b.tolist()} gradcheck still catches it: at element "
                                        f"{where} the wrong rule gives {a.flat[where]:g} where b = {b.flat[where]:g}")
    return Verdict(exercise, True, f"input {blamed}, and at a = b (here {a.tolist()}) the wrong rule g·a equals the "
                                   "right one g·b: check at random points")


def _float16_error(eps: float, x: float = 2.0) -> float:
    """|central difference of x³ at x, in float16 with step eps, − 3x²|."""
    x16, e16 = np.float16(x), np.float16(eps)
    return abs(float(((x16 + e16) ** 3 - (x16 - e16) ** 3) / (2 * e16)) - 3 * x * x)


def check_05_exercise_2(eps: Any) -> Verdict:
    """Notebook 05, exercise 2: a step ε for central differences of x³ at x = 2 in float16 near the best one.

    Right when the float16 error at your ε is within 3 times the smallest error measured over ε from 1e-3 to 1.
    """
    exercise = "05 exercise 2 (the best ε in float16)"
    if (missing := unanswered(exercise, eps, "your ε")) is not None:
        return missing
    try:
        eps = float(eps)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is a number; got {type(eps).__name__} {eps!r}")
    if not 0 < eps < 2:
        return Verdict(exercise, False, f"ε = {eps:g}: a step is positive and small next to x = 2")
    grid = np.geomspace(1e-3, 1.0, 61)
    errors = [_float16_error(e) for e in grid]
    best = float(grid[int(np.argmin(errors))])
    yours = _float16_error(eps)
    u = float(np.finfo(np.float16).eps) / 2
    if yours <= 3 * min(errors):
        return Verdict(exercise, True, f"at ε = {eps:g} the error is {yours:.3g}, near the smallest measured "
                                       f"({min(errors):.3g} at ε = {best:.3g}); u^(1/3) = {u ** (1 / 3):.2g}")
    side = ("rounding (u/ε) dominates: take a larger step" if eps < best
            else "truncation (ε²) dominates: take a smaller step")
    return Verdict(exercise, False, f"at ε = {eps:g} the float16 error is {yours:.3g}, against {min(errors):.3g} at "
                                    f"ε = {best:.3g}: {side} (the best is near u^(1/3) = {u ** (1 / 3):.2g})")
