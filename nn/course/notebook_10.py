"""Checks for notebook 10 (section 16): λ chosen on validation data, the gap with ten times the data, and the
weight decay that equals an L2 penalty λ‖θ‖².

The 600-point model's accuracies are measured again on the notebook's moons; the weight decay's step is taken live.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd_lite import no_grad

from .. import datasets
from ..layers import MLP
from ..losses import l2_penalty, squared_error
from ..optim import SGD
from ..train import accuracy
from .verdict import Verdict, close, fraction, read_number, unanswered

#: the penalties exercise 1 tries
_LAMBDAS = (0.0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)


def _lambda(value: Any) -> float | None:
    """The one of `_LAMBDAS` that `value` is, or None."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return next((lam for lam in _LAMBDAS if close(value, lam, 1e-9)), None)


def check_10_exercise_1(scores: Any, chosen: Any) -> Verdict:
    """Notebook 10, exercise 1: your ``scores`` (λ → (validation loss, held-out accuracy), as the solution prints
    them; a validation loss alone will do) and the λ you chose. The choice must be the λ of lowest validation loss.

    The six trainings are not repeated (they take seconds): your scores are taken as given. Why the held-out set
    stays out of the choice is yours to say; a choice that follows the held-out accuracy is rejected for it."""
    exercise = "10 exercise 1 (choosing λ on validation data)"
    if (missing := unanswered(exercise, None if scores is None or chosen is None else 0,
                              "your scores dict and your chosen λ")) is not None:
        return missing
    if not isinstance(scores, Mapping):
        return Verdict(exercise, False, f"scores is a dict λ -> (validation loss, held-out accuracy); got "
                                        f"{type(scores).__name__}")
    loss, held_out = {}, {}
    for key, value in scores.items():
        lam = _lambda(key)
        if lam is None:
            return Verdict(exercise, False, f"{key!r} is not one of the λ to try, {list(_LAMBDAS)}")
        try:
            pair = tuple(value) if isinstance(value, (tuple, list)) else (value,)
            loss[lam] = float(pair[0])
            if len(pair) > 1:
                held_out[lam] = float(pair[1])
        except (TypeError, ValueError, IndexError):
            return Verdict(exercise, False, f"scores[{key!r}] is (validation loss, held-out accuracy); got {value!r}")
    if missing_lambdas := [lam for lam in _LAMBDAS if lam not in loss]:
        absent = ", ".join(f"{lam:g}" for lam in missing_lambdas)
        return Verdict(exercise, False, f"scores has no entry for λ = {absent}: train and score all six")
    pick = _lambda(chosen)
    if pick is None:
        return Verdict(exercise, False, f"you chose {chosen!r}, not one of the six λ tried: pick among "
                                        f"{list(_LAMBDAS)}")
    best = min(loss, key=loss.get)
    if pick == best:
        report = f"; its held-out accuracy, {held_out[best]:.1%}, is the estimate to report" if best in held_out else ""
        return Verdict(exercise, True, f"λ = {best:g} has the lowest validation loss, {loss[best]:.3f}{report}, "
                                       "untouched by the choice")
    why = f"the lowest validation loss is λ = {best:g}'s, {loss[best]:.3f}"
    if held_out and pick == max(held_out, key=held_out.get):
        return Verdict(exercise, False, f"λ = {pick:g} has the best held-out accuracy ({held_out[pick]:.1%}), but "
                                        "choosing by it spends the held-out set: its score is then no longer an "
                                        f"unbiased estimate on new data. Choose on the 15 validation points: {why}")
    return Verdict(exercise, False, f"λ = {pick:g} has validation loss {loss[pick]:.3f}; {why}")


def _moons() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Notebook 10's data sets: the 60 training points, the 600 of exercise 2, and the 2000 held out."""
    return {"60": datasets.moons(n=60, noise=0.35, seed=1), "600": datasets.moons(n=600, noise=0.35, seed=1),
            "held-out": datasets.moons(n=2000, noise=0.35, seed=2)}


def check_10_exercise_2(model: Any, train_accuracy: Any, held_out_accuracy: Any) -> Verdict:
    """Notebook 10, exercise 2: the plain network you trained on 600 points, and the training and held-out
    accuracies you report for it (fractions or percentages). Both are measured again on the notebook's moons, to
    half a point (a rounded percentage passes); the numbers of the 60-point run are named as such."""
    exercise = "10 exercise 2 (600 training points)"
    answers = (model, train_accuracy, held_out_accuracy)
    if (missing := unanswered(exercise, None if any(a is None for a in answers) else 0,
                              "your model and its two accuracies")) is not None:
        return missing
    try:
        train_accuracy, held_out_accuracy = fraction(train_accuracy), fraction(held_out_accuracy)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the accuracies are numbers; got {answers[1]!r} and {answers[2]!r}")
    if hasattr(model, "eval"):
        model.eval()
    try:
        with no_grad():
            measured = {name: float(accuracy(model(X), y)) for name, (X, y) in _moons().items()}
    except Exception as error:  # a learner's model: report whatever it raised
        return Verdict(exercise, False, f"calling your model on the moons raised {type(error).__name__}: {error}")
    half_a_point = 0.005 + 1e-9
    # a network trained on the 600 points gets about 87 % of 60 other points right; all 60 means it saw them
    if measured["60"] == 1.0 and measured["600"] < 0.97:
        return Verdict(exercise, False, f"your model gets all 60 small-set points right but {measured['600']:.1%} of "
                                        "the 600: it is the 60-point run. train() reads the global X, y: assign the "
                                        "600 points to X, y before calling it")
    if abs(train_accuracy - measured["600"]) > half_a_point:
        if abs(train_accuracy - 1.0) <= half_a_point:
            hint = " (100 % is the 60-point run's: it memorised its 60 points)"
        elif abs(train_accuracy - measured["60"]) <= half_a_point:
            hint = " (that is its accuracy on the 60 small-set points)"
        else:
            hint = ""
        return Verdict(exercise, False, f"you gave {train_accuracy:.1%} for training{hint}; your model gets "
                                        f"{measured['600']:.1%} of the 600 training points right")
    if abs(held_out_accuracy - measured["held-out"]) > half_a_point:
        return Verdict(exercise, False, f"you gave {held_out_accuracy:.1%} held out; your model gets "
                                        f"{measured['held-out']:.1%} of the 2000 held-out points right")
    return Verdict(exercise, True, f"training {measured['600']:.1%}, held-out {measured['held-out']:.1%}: a gap of "
                                   f"{100 * (measured['600'] - measured['held-out']):.1f} points, where the 60-point "
                                   "run learnt every training point: ten times the data leaves less room to memorise "
                                   "noise")


def _step(weight_decay: float, l2: float, lr: float) -> list[np.ndarray]:
    model = MLP(2, [4, 1], activation="tanh", seed=10)
    X, y = np.random.default_rng(10).normal(size=(8, 2)), np.linspace(-1, 1, 8)[:, None]
    loss = squared_error(model(X), y) + (l2 * l2_penalty(model.parameters()) if l2 else 0.0)
    model.zero_grad()
    loss.backward()
    SGD(model.parameters(), lr=lr, weight_decay=weight_decay).step()
    return [p.numpy().copy() for p in model.parameters()]


def check_10_exercise_3(weight_decay: Any, l2: float = 0.01, lr: float = 0.1) -> Verdict:
    """Notebook 10, exercise 3: the ``weight_decay`` of ``nn.SGD`` whose step on J equals a step on J + λ‖θ‖²."""
    exercise = f"10 exercise 3 (weight decay for λ = {l2:g})"
    weight_decay = read_number(exercise, weight_decay, "your weight_decay")
    if isinstance(weight_decay, Verdict):
        return weight_decay
    penalised, decayed = _step(0.0, l2, lr), _step(weight_decay, 0.0, lr)
    gap = max(float(np.abs(a - b).max()) for a, b in zip(penalised, decayed, strict=True))
    if gap <= 1e-12:
        return Verdict(exercise, True, f"one step each way gives the same parameters (largest difference {gap:.1g}): "
                                       f"∂(λθ²)/∂θ = 2λθ, so weight_decay = 2λ = {2 * l2:g}")
    return Verdict(exercise, False, f"with weight_decay = {weight_decay:g} the parameters differ by up to {gap:.3g} "
                                    f"from the step on J + λ‖θ‖²: the penalty's gradient is 2λθ, and weight_decay "
                                    "adds its coefficient times θ")
