"""Checks for notebook 11 (section 13): the ridge read-out's closed form ω = (ΦᵀΦ + λI)⁻¹ΦᵀY.

A learner's solver is judged by the gradient of ‖Φω − Y‖² + λ‖ω‖² at its answer, which is zero at the minimum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .verdict import Verdict, unanswered


def check_11_exercise_2(ridge: Callable[[np.ndarray, np.ndarray, float], Any] | None) -> Verdict:
    """Notebook 11, exercise 2: your ``ridge(P, Y, lam)`` returning ω that minimises ‖Pω − Y‖² + λ‖ω‖².

    Checked on three random problems (one with more features than examples); the answer must zero the gradient.
    """
    exercise = "11 exercise 2 (ridge regression in closed form)"
    if (missing := unanswered(exercise, ridge, "your function ridge(P, Y, lam)")) is not None:
        return missing
    rng = np.random.default_rng(11)
    for m, d, k, lam in ((40, 6, 3, 0.1), (10, 25, 4, 1.0), (30, 5, 2, 3.0)):
        P, Y = rng.normal(size=(m, d)), rng.normal(size=(m, k))
        case = f"P of shape {P.shape}, Y {Y.shape}, λ = {lam:g}"
        try:
            omega = np.asarray(ridge(P.copy(), Y.copy(), lam), dtype=float)
        except Exception as error:  # a learner's code: report whatever it raised, and for which case
            return Verdict(exercise, False, f"on {case} it raised {type(error).__name__}: {error}")
        if omega.shape != (d, k):
            return Verdict(exercise, False, f"on {case} ω has shape {omega.shape}; it maps {d} features to {k} "
                                            f"outputs: ({d}, {k})")
        gradient = 2 * P.T @ (P @ omega - Y) + 2 * lam * omega
        size = float(np.abs(gradient).max())
        if size > 1e-8 * max(1.0, float(np.abs(P.T @ Y).max())):
            hint = (" (without λI, that is least squares, not ridge)" if np.allclose(
                omega, np.linalg.lstsq(P, Y, rcond=None)[0], atol=1e-8) else "")
            return Verdict(exercise, False, f"on {case} the objective's gradient at your ω is up to {size:.3g}, not 0"
                                            f"{hint}: solve (PᵀP + λI) ω = PᵀY")
    return Verdict(exercise, True, "your ω zeroes the gradient of ‖Pω − Y‖² + λ‖ω‖² on all three problems")
