"""Checks for notebook 12 (sections 5, 9, 10): the ops a learner builds: hypot, softsign and its Domain, swish_beta.

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


def _gradcheck_verdict(exercise: str, f: Any, cases: list, rules: str) -> Verdict | None:
    """The first case where gradcheck of `f` fails or raises, as a Verdict; None when all pass."""
    for inputs, case in cases:
        try:
            al.gradcheck(f, *inputs)
        except al.GradcheckError as error:
            return Verdict(exercise, False, f"on {case}: {error} ({rules})")
        except Exception as error:  # a learner's rule: report whatever it raised
            return Verdict(exercise, False, f"on {case} backward raised {type(error).__name__}: {error}")
    return None


def check_12_exercise_2(softsign: Any) -> Verdict:
    """Notebook 12, exercise 2: your op ``softsign(x) = x / (1 + |x|)``, its rule checked by gradcheck on both sides of
    0, and a Domain whose drawn values keep away from 0, where the second derivative jumps."""
    exercise = "12 exercise 2 (softsign and its Domain)"
    if (missing := unanswered(exercise, softsign, "your op softsign")) is not None:
        return missing
    if not isinstance(softsign, al.Op):
        return Verdict(exercise, False, f"softsign is made by al.op(...); got {type(softsign).__name__}")
    x = np.array([-3.0, -0.7, -0.2, 0.3, 1.1, 2.5])
    forward = np.asarray(softsign(al.Value(x)).data)
    if not np.allclose(forward, x / (1 + np.abs(x))):
        return Verdict(exercise, False, f"at x = {x.tolist()} the forward gives {np.round(forward, 4).tolist()}, "
                                        f"x/(1 + |x|) is {np.round(x / (1 + np.abs(x)), 4).tolist()}")
    if (failed := _gradcheck_verdict(exercise, lambda u: softsign(u).sum(), [((x,), "x on both sides of 0")],
                                     "the rule is 1/(1 + |x|)²")) is not None:
        return failed
    domain = softsign.domain
    if domain is None:
        return Verdict(exercise, False, "it has no Domain: give it one, with avoid=(0.0,)")
    low, high = domain.value_range(0)
    if low < 0 < high and not any(abs(float(a)) <= 1e-12 for a in domain.avoid):
        return Verdict(exercise, False, f"its Domain draws from [{low:g}, {high:g}] and avoids {domain.avoid}: values "
                                        "near 0 are drawn, where the second derivative −2 sign(x)/(1 + |x|)³ jumps; "
                                        "add avoid=(0.0,)")
    return Verdict(exercise, True, f"forward and rule agree with central differences, and the Domain keeps drawn "
                                   f"values at least {domain.margin:g} from 0")


def check_12_exercise_3(swish_beta: Any) -> Verdict:
    """Notebook 12, exercise 3: your op ``swish_beta(x, beta)`` = x·g(βx), both rules checked by gradcheck, with β a
    scalar broadcast against a batch and with β of x's shape. Its use in a learnable layer is not judged."""
    exercise = "12 exercise 3 (swish_beta, a learnable β)"
    if (missing := unanswered(exercise, swish_beta, "your op swish_beta")) is not None:
        return missing
    if not isinstance(swish_beta, al.Op):
        return Verdict(exercise, False, f"swish_beta is made by al.op(...); got {type(swish_beta).__name__}")
    rng = np.random.default_rng(12)
    x, beta = rng.uniform(-3, 3, (4, 3)), np.array(1.3)
    forward = np.asarray(swish_beta(al.Value(x), al.Value(beta)).data)
    expected = x / (1 + np.exp(-beta * x))
    if forward.shape != x.shape or not np.allclose(forward, expected):
        return Verdict(exercise, False, f"on x of shape (4, 3) and β = 1.3 the forward differs from x·g(βx) by up to "
                                        f"{np.abs(forward - expected).max():.3g}")
    cases = [((x, beta), "x of shape (4, 3) and a scalar β"), ((x[0], rng.uniform(0.2, 2, 3)), "x and β of shape (3,)")]
    if (failed := _gradcheck_verdict(exercise, lambda u, b: swish_beta(u, b).sum(), cases,
                                     "∂/∂x = g + β·out·(1 − g), ∂/∂β = x·out·(1 − g), g = g(βx)")) is not None:
        return failed
    return Verdict(exercise, True, "forward and both rules agree with central differences, a scalar β included (the "
                                   "engine sums its gradient over the batch)")
