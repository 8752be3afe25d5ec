"""Checks for notebook 05 (sections 9–10): which input a planted bug is blamed on and where it hides, the best step
of central differences in float16, the noise gradcheck's tolerance sits above, and where anomaly mode stops.

The bug is replayed with ``gradcheck``; float16's and float64's errors are measured, not assumed; the log(0) is
planted again under ``detect_anomaly``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_lite as al

from .. import datasets
from ..layers import MLP
from .verdict import Verdict, read_number, unanswered

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
    eps = read_number(exercise, eps, "your ε")
    if isinstance(eps, Verdict):
        return eps
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


def _float64_error(eps: float, x: float = 2.0) -> float:
    """|central difference of x³ at x, in float64 with step eps, − 3x²|."""
    return abs(((x + eps) ** 3 - (x - eps) ** 3) / (2 * eps) - 3 * x * x)


def check_05_exercise_3(noise: Any) -> Verdict:
    """Notebook 05, exercise 3: the error central differences make in float64 at gradcheck's own ε = 1e-6, on x³ at
    x = 2, which the tolerance must sit above. Right within a factor of 10 of the measured error; the argument about
    the size of a real bug and relative tolerances is yours, not judged."""
    exercise = "05 exercise 3 (the noise under gradcheck's tolerance)"
    noise = read_number(exercise, noise, "your error estimate")
    if isinstance(noise, Verdict):
        return noise
    measured = _float64_error(1e-6)
    u = float(np.finfo(np.float64).eps) / 2
    how = (f"at ε = 1e-6 central differences of x³ at 2 miss 12 by {measured:.2g}: about u·|f|/ε = {u * 8 / 1e-6:.1g} "
           "of rounding, far above float64's own 1e-16 and far below gradcheck's atol = 1e-5")
    if noise > 0 and measured / 10 <= noise <= measured * 10:
        return Verdict(exercise, True, how)
    if noise <= 1e-14:
        return Verdict(exercise, False, f"you gave {noise:g}, as if the difference quotient were exact to float64's "
                                        f"roundoff; dividing by ε magnifies it: {how}")
    return Verdict(exercise, False, f"you gave {noise:g}; {how}")


def _name(node: Any) -> str:
    """The name of the op that made `node` (a Value), or '' for a leaf."""
    op = getattr(node, "op", None)
    return str(getattr(op, "name", op or ""))


def _planted_log_of_zero(check_forward: bool) -> al.AnomalyError:
    """Exercise 4's second bug: the log of a ReLU network's output, pushed to 0 by its bias."""
    susan_X, _ = datasets.susan()
    relu_net = MLP(2, [2, 1], activation="relu", seed=2)
    relu_net.layers[-1].bias.data = np.array([-10.0])
    with np.errstate(divide="ignore", invalid="ignore"), al.detect_anomaly(check_forward=check_forward):
        try:
            relu_net(al.Value(susan_X / 5, requires_grad=False)).relu().log().sum().backward()
        except al.AnomalyError as error:
            return error
    raise AssertionError("check_05_exercise_4: the planted log(0) raised no AnomalyError")


def check_05_exercise_4(forward_op: Any, backward_op: Any, relu_gradient: Any) -> Verdict:
    """Notebook 05, exercise 4: the op where ``detect_anomaly(check_forward=True)`` stops, the op backward blames in
    the ReLU network, and the number the relu's rule would make of what it receives (the NaN's origin).

    Both runs are replayed here on the ReLU network; why NaN then reaches every parameter is yours to say."""
    exercise = "05 exercise 4 (where anomaly mode stops)"
    if (missing := unanswered(exercise, None if forward_op is None or backward_op is None or relu_gradient is None
                              else 0, "the two op names and the relu's gradient")) is not None:
        return missing
    forward, backward = _planted_log_of_zero(True), _planted_log_of_zero(False)
    stopped, blamed, receiver = _name(forward.node), _name(backward.node), _name(backward.input)
    if str(forward_op).strip("'\" ") != stopped:
        return Verdict(exercise, False, f"you said the forward check stops at {forward_op!r}; it stops at op "
                                        f"'{stopped}', the first to turn finite inputs into -inf (its input is None: "
                                        "no gradient exists yet)")
    if str(backward_op).strip("'\" ") != blamed:
        hint = ", which only receives it" if str(backward_op).strip("'\" ") == receiver else ""
        return Verdict(exercise, False, f"you said backward blames {backward_op!r}{hint}; op '{blamed}' sends inf "
                                        f"(1/0) to its input, made by op '{receiver}'")
    try:
        relu_gradient = float(relu_gradient)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the relu's gradient is a number; got {relu_gradient!r}")
    with np.errstate(invalid="ignore"):
        made = float(np.float64(np.inf) * 0.0)
    if not np.isnan(relu_gradient):
        return Verdict(exercise, False, f"you gave {relu_gradient:g}; the relu's rule multiplies the inf it receives "
                                        f"by its derivative 0 (the unit is off), and inf × 0 = {made}")
    return Verdict(exercise, True, f"the forward check stops at '{stopped}' with input None; backward's '{blamed}' "
                                   f"sends inf to '{receiver}', whose rule makes inf × 0 = nan")
