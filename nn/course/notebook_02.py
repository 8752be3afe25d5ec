"""Checks for notebook 02 (sections 4–5): the derivative Δb of equation 10, and the full-batch learning rate.

The derivative is compared with central differences at points both saturated and central.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite import Value, numerical_grad

from .. import datasets
from .verdict import Verdict, close, number, unanswered

#: points (θ1, θ2, b, x1, x2, y) where 02's derivative exercise is checked: saturated and central, both labels
_POINTS_02 = [(0.5, -0.5, 1.0, 1.0, 5.0, 0.0), (0.3, 0.2, -0.1, 4.5, 4.0, 1.0), (-1.0, 2.0, 0.5, 2.0, 1.0, 0.0),
              (1.0, 1.0, -7.0, 3.0, 3.0, 1.0), (0.1, -0.2, 0.0, 0.5, 0.5, 1.0)]


def check_02_exercise_1(delta_b: Callable[[float, float, float, Any, float], float] | None) -> Verdict:
    """Notebook 02, exercise 1: your Δb (equation 10) as a function ``delta_b(θ1, θ2, b, x, y)``.

    Compared with central differences of J = (g(θ1 x1 + θ2 x2 + b) − y)² in b at five points; a wrong
    derivative is shown at the first point where it differs, with both numbers.
    """
    exercise = "02 exercise 1 (Δb, equation 10)"
    if (missing := unanswered(exercise, delta_b, "your function delta_b(theta1, theta2, b, x, y)")) is not None:
        return missing
    for t1, t2, b, x1, x2, y in _POINTS_02:
        def J(bias, t1=t1, t2=t2, x1=x1, x2=x2, y=y):
            return ((Value(t1) * x1 + Value(t2) * x2 + bias).sigmoid() - y) ** 2
        (numerical,) = numerical_grad(J, b, eps=1e-6)
        try:
            yours = float(delta_b(t1, t2, b, np.array([x1, x2]), y))
        except Exception as error:  # a learner's code: report whatever it raised, and where
            return Verdict(exercise, False, f"delta_b(θ1={t1}, θ2={t2}, b={b}, x=({x1}, {x2}), y={y}) raised "
                                            f"{type(error).__name__}: {error}")
        if not close(yours, float(numerical), 1e-5):
            return Verdict(exercise, False, f"at θ = ({t1}, {t2}), b = {b}, x = ({x1}, {x2}), y = {y} your Δb is "
                                            f"{yours:.6g}, central differences give {float(numerical):.6g}")
    return Verdict(exercise, True, f"your Δb matches central differences at all {len(_POINTS_02)} test points")


def check_02_exercise_3(rate: Any) -> Verdict:
    """Notebook 02, exercise 3: the full-batch learning rate on the mean that matches m SGD steps at α = 0.1."""
    m = len(datasets.movies()[0])
    return number("02 exercise 3 (full-batch rate)", rate, m * 0.1,
                   f"the mean's gradient is (1/m) Σ ∇J_i and m steps move by about α Σ ∇J_i, so the rate is m·α = "
                   f"{m} × 0.1 = {m * 0.1:g}")
