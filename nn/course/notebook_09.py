"""Checks for notebook 09 (section 15): by how much each ReLU layer scales the signal's variance under nn.MLP's
default initialisation.

The factor is measured on a wide random layer and compared with the variance argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .verdict import Verdict, unanswered


def check_09_exercise_3(factor: Any) -> Verdict:
    """Notebook 09, exercise 3: the factor by which one ReLU layer initialised from U(±1/√n) multiplies the mean
    square of its input (n inputs, no bias), as the variance argument gives it."""
    exercise = "09 exercise 3 (variance per ReLU layer, default init)"
    if (missing := unanswered(exercise, factor, "your factor")) is not None:
        return missing
    try:
        factor = float(factor)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is a number; got {type(factor).__name__} {factor!r}")
    n, rng = 512, np.random.default_rng(9)
    x = rng.normal(size=(256, n))
    W = rng.uniform(-1 / np.sqrt(n), 1 / np.sqrt(n), size=(n, n))
    measured = float(np.mean(np.maximum(x @ W, 0) ** 2) / np.mean(x ** 2))
    expected = 1 / 6
    how = (f"U(±1/√n) has variance 1/(3n); n inputs give 1/3, and ReLU keeps half of it: 1/3 × 1/2 = 1/6 ≈ "
           f"{expected:.3f} (measured on a random layer of {n}: {measured:.3f})")
    if abs(factor - expected) <= 0.1 * expected:
        return Verdict(exercise, True, how)
    if abs(factor - 1 / 3) <= 0.1 / 3:
        return Verdict(exercise, False, f"you gave {factor:g}, the linear layer's factor; ReLU halves it again: {how}")
    return Verdict(exercise, False, f"you gave {factor:g}; {how}")
