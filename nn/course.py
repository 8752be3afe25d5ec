"""Checks for the course's exercises: a learner calls ``check_02_exercise_1(my_answer)`` and reads why.

Each check says right or wrong and, when wrong, why: for a derivative the point where it differs from
central differences (both numbers), for code the case that fails, for a number the one expected and how.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_lite import Value, numerical_grad

from . import datasets
from .losses import squared_error

#: how close a learner's number must be to the reference, relative to its size
RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Verdict:
    """A check's answer: ``right`` and the reason; truthy when right, printed as one line."""

    exercise: str
    right: bool
    why: str

    def __bool__(self) -> bool:
        return self.right

    def __str__(self) -> str:
        mark = "right" if self.right else ("not answered yet" if self.why.startswith("assign") else "not yet")
        return f"{self.exercise}: {mark}: {self.why}"

    __repr__ = __str__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _unanswered(exercise: str, answer: Any, what: str) -> Verdict | None:
    if answer is None:
        return Verdict(exercise, False, f"assign {what} to the variable and run this cell again")
    return None


def _close(a: float, b: float, tolerance: float = RELATIVE_TOLERANCE) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def _number(exercise: str, answer: Any, expected: float, how: str, tolerance: float = RELATIVE_TOLERANCE) -> Verdict:
    if (missing := _unanswered(exercise, answer, "your number")) is not None:
        return missing
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is a number; got {type(answer).__name__} {answer!r}")
    if _close(value, expected, tolerance):
        return Verdict(exercise, True, how)
    return Verdict(exercise, False, f"you gave {value:g}; {how}")


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


# ----- notebook 02 ----------------------------------------------------------------------------------------------
#: points (θ1, θ2, b, x1, x2, y) where 02's derivative exercise is checked: saturated and central, both labels
_POINTS_02 = [(0.5, -0.5, 1.0, 1.0, 5.0, 0.0), (0.3, 0.2, -0.1, 4.5, 4.0, 1.0), (-1.0, 2.0, 0.5, 2.0, 1.0, 0.0),
              (1.0, 1.0, -7.0, 3.0, 3.0, 1.0), (0.1, -0.2, 0.0, 0.5, 0.5, 1.0)]


def check_02_exercise_1(delta_b: Callable[[float, float, float, Any, float], float] | None) -> Verdict:
    """Notebook 02, exercise 1: your Δb (equation 10) as a function ``delta_b(θ1, θ2, b, x, y)``.

    Compared with central differences of J = (g(θ1 x1 + θ2 x2 + b) − y)² in b at five points; a wrong
    derivative is shown at the first point where it differs, with both numbers.
    """
    exercise = "02 exercise 1 (Δb, equation 10)"
    if (missing := _unanswered(exercise, delta_b, "your function delta_b(theta1, theta2, b, x, y)")) is not None:
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
        if not _close(yours, float(numerical), 1e-5):
            return Verdict(exercise, False, f"at θ = ({t1}, {t2}), b = {b}, x = ({x1}, {x2}), y = {y} your Δb is "
                                            f"{yours:.6g}, central differences give {float(numerical):.6g}")
    return Verdict(exercise, True, f"your Δb matches central differences at all {len(_POINTS_02)} test points")


def check_02_exercise_3(rate: Any) -> Verdict:
    """Notebook 02, exercise 3: the full-batch learning rate on the mean that matches m SGD steps at α = 0.1."""
    m = len(datasets.movies()[0])
    return _number("02 exercise 3 (full-batch rate)", rate, m * 0.1,
                   f"the mean's gradient is (1/m) Σ ∇J_i and m steps move by about α Σ ∇J_i, so the rate is m·α = "
                   f"{m} × 0.1 = {m * 0.1:g}")


# ----- notebook 03 ----------------------------------------------------------------------------------------------
def check_03_exercise_2(count: Any) -> Verdict:
    """Notebook 03, exercise 2: the number of parameters of the 2-2-3-1 network."""
    sizes = [2, 2, 3, 1]
    per_layer = [a * b + b for a, b in zip(sizes, sizes[1:], strict=False)]
    return _number("03 exercise 2 (parameters of 2-2-3-1)", count, sum(per_layer),
                   "weights plus biases, layer by layer: " + " + ".join(
                       f"({a}·{b} + {b})" for a, b in zip(sizes, sizes[1:], strict=False)) + f" = {sum(per_layer)}")


# ----- notebook 04 ----------------------------------------------------------------------------------------------
def check_04_exercise_1(backprop_batch: Callable[..., list] | None) -> Verdict:
    """Notebook 04, exercise 1: your ``backprop_batch(thetas, biases, Xb, yb)``, the vectorized algorithm on a
    minibatch (columns are examples) for the *mean* squared error, returning the Δθ⁽ˡ⁾ list.

    Checked against ``backward()`` on networks of three shapes and batches of one, three and five examples.
    """
    exercise = "04 exercise 1 (backprop on a minibatch)"
    if (missing := _unanswered(exercise, backprop_batch, "your function backprop_batch")) is not None:
        return missing
    rng = np.random.default_rng(4)
    for shape, n in (((2, 3, 2, 1), 3), ((2, 4, 1), 1), ((3, 2, 2, 1), 5)):
        thetas = [rng.normal(size=(b, a)) for a, b in zip(shape, shape[1:], strict=False)]
        biases = [rng.normal(size=b) for b in shape[1:]]
        Xb, yb = rng.uniform(0, 5, size=(n, shape[0])), rng.integers(0, 2, size=n).astype(float)
        params = [Value(t) for t in thetas]
        h = Value(Xb.T, requires_grad=False)
        for t, b in zip(params, biases, strict=True):
            h = (t @ h + b[:, None]).sigmoid()
        squared_error(h, yb[None, :]).backward()
        case = f"a {'-'.join(map(str, shape))} network on a batch of {n}"
        try:
            yours = list(backprop_batch([t.copy() for t in thetas], [b.copy() for b in biases], Xb, yb))
        except Exception as error:  # a learner's code: report whatever it raised, and for which case
            return Verdict(exercise, False, f"on {case} it raised {type(error).__name__}: {error}")
        if len(yours) != len(params):
            return Verdict(exercise, False,
                           f"on {case} it returned {len(yours)} gradients, one per θ means {len(params)}")
        for layer, (mine, p) in enumerate(zip(yours, params, strict=True), start=1):
            mine = np.asarray(mine, dtype=float)
            if mine.shape != p.shape:
                return Verdict(exercise, False,
                               f"on {case}, Δθ({layer}) has shape {mine.shape}; θ({layer}) has {p.shape}")
            if not np.allclose(mine, p.grad, rtol=1e-7, atol=1e-10):
                nonzero = p.grad != 0
                ratio = float(np.median(mine[nonzero] / p.grad[nonzero])) if np.any(nonzero) else np.nan
                hint = (f" (about {ratio:.3g} times backward's: a missing or extra factor?)"
                        if np.isfinite(ratio) else "")
                return Verdict(exercise, False, f"on {case}, Δθ({layer}) differs from backward() by up to "
                                                f"{np.abs(mine - p.grad).max():.3g}{hint}")
    return Verdict(exercise, True, "it matches backward() on three network shapes and batch sizes 1, 3 and 5")


def check_04_exercise_2(paths: Any) -> Verdict:
    """Notebook 04, exercise 2: how many paths lead from J to a first-layer weight of the 2-3-2-1 network."""
    return _number("04 exercise 2 (paths to a first-layer weight)", paths, 2,
                   "the weight feeds one unit of the first hidden layer, which feeds both units of the second, which "
                   "both feed the output: 1 × 2 × 1 = 2 paths")
