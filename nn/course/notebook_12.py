"""Checks for notebook 12 (sections 5, 9, 10): the ops a learner builds, hypot with one rule per input.

The op's forward is compared with numpy and its rules with central differences, shapes broadcasting.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_lite as al

from .verdict import Verdict, unanswered


def check_12_exercise_1(hypot: Any) -> Verdict:
    """Notebook 12, exercise 1: your op ``hypot(a, b)`` = √(a² + b²), its two rules, inputs of broadcast shapes."""
    exercise = "12 exercise 1 (hypot, a two-input op)"
    if (missing := unanswered(exercise, hypot, "your op hypot")) is not None:
        return missing
    if not isinstance(hypot, al.Op):
        return Verdict(exercise, False, f"hypot is made by al.op(...); got {type(hypot).__name__}")
    rng = np.random.default_rng(12)
    for shape_a, shape_b in (((3,), (3,)), ((2, 3), (3,)), ((4, 1), (1, 2))):
        a, b = rng.uniform(0.5, 3.0, shape_a), rng.uniform(0.5, 3.0, shape_b)
        case = f"a of shape {shape_a}, b of shape {shape_b}"
        try:
            out = hypot(al.Value(a), al.Value(b))
            forward = np.asarray(out.data)
        except Exception as error:  # a learner's op: report whatever it raised, and for which case
            return Verdict(exercise, False, f"on {case} it raised {type(error).__name__}: {error}")
        if forward.shape != np.broadcast_shapes(shape_a, shape_b) or not np.allclose(forward, np.hypot(a, b)):
            return Verdict(exercise, False, f"on {case} the forward gives {np.round(forward, 4).tolist()}, "
                                            f"np.hypot gives {np.round(np.hypot(a, b), 4).tolist()}")
        try:
            al.gradcheck(lambda u, v: hypot(u, v).sum(), a, b)
        except al.GradcheckError as error:
            return Verdict(exercise, False, f"on {case}: {error} (∂/∂a = a/out, ∂/∂b = b/out)")
        except Exception as error:  # a learner's rule: report whatever it raised
            return Verdict(exercise, False, f"on {case} backward raised {type(error).__name__}: {error}")
    return Verdict(exercise, True, "forward and both rules agree with numpy and central differences on three pairs "
                                   "of shapes, broadcasting included")
