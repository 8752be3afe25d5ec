"""Checks for notebook 01 (sections 2–3): a boundary that keeps the table and moves Gravity, g(−z) = 1 − g(z) and
the swapped labels, and the steepest slope.

The table and Gravity come from ``nn.datasets``; slopes are read off ``backward()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Value

from .. import datasets
from .verdict import Verdict, close, sigmoid, unanswered

#: the notebook's hand-picked unit, under which Gravity gets h < 0.5
_THETA_01, _B_01, _JOHN = (1.0, 1.0), -7.0, 3.0


def check_01_exercise_1(parameters: Any) -> Verdict:
    """Notebook 01, exercise 1: ``(θ1, θ2, b)`` that get every movie of the table right yet send Gravity to
    ``h > 0.5``, the side opposite the notebook's θ = (1, 1), b = −7."""
    exercise = "01 exercise 1 (Gravity on the other side)"
    if (missing := unanswered(exercise, parameters, "your (theta1, theta2, b)")) is not None:
        return missing
    try:
        t1, t2, b = (float(p) for p in parameters)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is three numbers (θ1, θ2, b); got {parameters!r}")
    X, y, _ = datasets.movies()
    h = [sigmoid(t1 * x1 + t2 * x2 + b) for x1, x2 in X]
    for (x1, x2), hi, yi in zip(X, h, y, strict=True):
        if (hi > 0.5) != bool(yi):
            return Verdict(exercise, False, f"the movie rated ({x1:g}, {x2:g}) has y = {yi:g} but h = {hi:.3f}: "
                                            "the table must stay right")
    gx1, gx2 = (float(v) for v in datasets.GRAVITY)
    gravity = sigmoid(t1 * gx1 + t2 * gx2 + b)
    if gravity <= 0.5:
        return Verdict(exercise, False, f"the table is right but Gravity still gets h = {gravity:.3f} ≤ 0.5, the "
                                        "same side as before: move the line past (3, 3)")
    return Verdict(exercise, True, f"all {len(y)} movies right and Gravity at h = {gravity:.3f} > 0.5: the table "
                                   "alone does not decide Gravity")


def check_01_exercise_2(gap: Any, swapped: Any) -> Verdict:
    """Notebook 01, exercise 2: the largest ``|g(−z) − (1 − g(z))|`` you measured, and the ``(θ1, θ2, b)`` that fits the
    table with the labels 0 and 1 swapped, from the notebook's θ = (1, 1), b = −7. The algebra is yours: the check
    judges the measured gap and that your parameters give h' = 1 − h on every movie."""
    exercise = "01 exercise 2 (g(−z) = 1 − g(z) and swapped labels)"
    if (missing := unanswered(exercise, None if gap is None or swapped is None else 0,
                              "your measured gap and your (theta1, theta2, b)")) is not None:
        return missing
    z = np.linspace(-5, 5, 11)
    measured = float(np.abs(Value(-z).sigmoid().data - (1 - Value(z).sigmoid().data)).max())
    try:
        gap = float(gap)
        t1, t2, b = (float(p) for p in swapped)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answers are a number and three numbers (θ1, θ2, b); got {gap!r} and "
                                        f"{swapped!r}")
    if not abs(gap) <= 1e-12:
        unlike = float(np.abs(Value(-z).sigmoid().data - Value(z).sigmoid().data).max())
        hint = " (that is |g(−z) − g(z)|: compare with 1 − g(z))" if abs(gap - unlike) < 1e-6 else ""
        return Verdict(exercise, False, f"you measured {gap:g}; on z = −5…5 the identity holds to rounding, "
                                        f"{measured:.1g}{hint}")
    X, y, _ = datasets.movies()
    h = [sigmoid(_THETA_01[0] * x1 + _THETA_01[1] * x2 + _B_01) for x1, x2 in X]
    flipped = [sigmoid(t1 * x1 + t2 * x2 + b) for x1, x2 in X]
    for (x1, x2), hi, fi in zip(X, h, flipped, strict=True):
        if not close(fi, 1 - hi, 1e-9):
            return Verdict(exercise, False, f"for the movie rated ({x1:g}, {x2:g}) your parameters give {fi:.3f}, "
                                            f"but 1 − h = {1 - hi:.3f}: flip the sign of all three, θ and b, so that "
                                            "z becomes −z")
    return Verdict(exercise, True, f"the identity holds to {measured:.1g}, and ({t1:g}, {t2:g}, {b:g}) gives 1 − h "
                                   f"on all {len(y)} movies: −z in, 1 − g(z) out")


def check_01_exercise_3(rating: Any, slope: Any) -> Verdict:
    """Notebook 01, exercise 3: Mary's rating where h (θ = (1, 1), b = −7, John at 3) is steepest, and that slope."""
    exercise = "01 exercise 3 (steepest slope of h)"
    if (missing := unanswered(exercise, None if rating is None or slope is None else rating,
                              "your rating and slope")) is not None:
        return missing
    m = Value(np.linspace(0, 6, 601))
    h = (_THETA_01[0] * m + _THETA_01[1] * _JOHN + _B_01).sigmoid()
    h.sum().backward()
    k = int(np.argmax(m.grad))
    where, steepest = float(m.data[k]), float(m.grad[k])
    try:
        rating, slope = float(rating), float(slope)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"both answers are numbers; got {rating!r} and {slope!r}")
    if abs(rating - where) > 0.011:
        return Verdict(exercise, False, f"you gave {rating:g}; h is steepest where z = θ1·m + θ2·3 + b = 0, at "
                                        f"m = {where:g} (backward's largest ∂h/∂m on a grid of step 0.01)")
    if not close(slope, steepest, 1e-3):
        return Verdict(exercise, False, f"you gave the slope {slope:g}; ∂h/∂m = g'(z)·θ1 and g'(0) = 1/4, so "
                                        f"{_THETA_01[0]:g} × 1/4 = {steepest:g}")
    return Verdict(exercise, True, f"steepest at m = {where:g}, on the boundary, with slope θ1/4 = {steepest:g}")
