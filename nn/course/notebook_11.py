"""Checks for notebook 11 (section 13): cosine random features, the ridge read-out's closed form
ω = (ΦᵀΦ + λI)⁻¹ΦᵀY, and a 64-256-10 MLP whose hidden layer is learned.

Features are judged by the held-out accuracy of a ridge read-out fitted here; a solver by the gradient of
‖Φω − Y‖² + λ‖ω‖² at its answer, which is zero at the minimum; the MLP by its layers and held-out accuracy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite import no_grad

from .. import datasets
from ..layers import Linear
from ..train import accuracy
from .verdict import Verdict, unanswered

#: the held-out accuracy the checks ask for: ReLU or cosine features of width 1024 and the trained MLP get 97–99 %,
#: the raw pixels read out linearly 94 %, cosine features of weight scale 1 about 94 % and of scale 3 about 13 %
_GOOD = 0.95


def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return datasets.digits(split=0.25, seed=0)


def _ridge_readout(F_train: np.ndarray, y: np.ndarray, lam: float = 1e-2) -> np.ndarray:
    """Exercise 2's closed form on `F_train` with a column of ones for the bias, one-hot targets."""
    P = np.hstack([F_train, np.ones((len(F_train), 1))])
    return np.linalg.solve(P.T @ P + lam * np.eye(P.shape[1]), P.T @ np.eye(10)[y])


def _ridge_accuracy(omega: np.ndarray, F: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((np.hstack([F, np.ones((len(F), 1))]) @ omega).argmax(axis=1) == y))


def check_11_exercise_1(features: Callable[[np.ndarray], Any] | None) -> Verdict:
    """Notebook 11, exercise 1: your ``features(X)``, the random features of the digits X (one row per image).

    A ridge read-out (exercise 2's closed form, λ = 1e-2, with a bias) is fitted here on the training digits'
    features in one solve, and must reach 95 % held out. Not judged: that the features are cosines with Gaussian θ
    and uniform b, their width (1024 in the exercise), and your comparison with the ReLU features."""
    exercise = "11 exercise 1 (cosine random features)"
    if (missing := unanswered(exercise, features, "your function features(X)")) is not None:
        return missing
    Xtr, ytr, Xte, yte = _digits()
    try:
        F_train, F_test, again = (np.asarray(features(X.copy()), dtype=float) for X in (Xtr, Xte, Xte))
    except Exception as error:  # a learner's code: report whatever it raised
        return Verdict(exercise, False, f"features(X) on the digits raised {type(error).__name__}: {error}")
    for F, X in ((F_train, Xtr), (F_test, Xte)):
        if F.ndim != 2 or len(F) != len(X):
            return Verdict(exercise, False, f"on X of shape {X.shape} it returns shape {F.shape}: one row of features "
                                            f"per image, ({len(X)}, width)")
    if not np.all(np.isfinite(F_train)):
        return Verdict(exercise, False, "its features of the training digits include inf or nan")
    if not np.array_equal(F_test, again):
        return Verdict(exercise, False, "called twice on the same digits it returns different features: it draws new "
                                        "random weights at each call; draw θ and b once, outside the function")
    omega = _ridge_readout(F_train, ytr)
    held_out, training = _ridge_accuracy(omega, F_test, yte), _ridge_accuracy(omega, F_train, ytr)
    width = F_train.shape[1]
    if held_out >= _GOOD:
        return Verdict(exercise, True, f"a ridge read-out on your {width} features gets {held_out:.1%} of the held-out "
                                       "digits right, in the range of the ReLU features")
    if training >= 0.99:
        return Verdict(exercise, False, f"a ridge read-out on your {width} features fits the training digits "
                                        f"({training:.1%}) but gets {held_out:.1%} held out, under 95 %: the features "
                                        "are too jagged, so the random weights' scale is too large; try a standard "
                                        "deviation around 0.3")
    return Verdict(exercise, False, f"a ridge read-out on your {width} features gets {training:.1%} of the training "
                                    f"and {held_out:.1%} of the held-out digits, under 95 %: too few or too weak "
                                    "features (the exercise asks for 1024)")


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


def check_11_exercise_3(model: Any) -> Verdict:
    """Notebook 11, exercise 3: your trained 64-256-10 MLP: two Linear layers, 64 → 256 and 256 → 10, with a
    nonlinearity between, and at least 95 % on the held-out digits. What learning the features costs is yours to say.
    """
    exercise = "11 exercise 3 (learned features, 64-256-10)"
    if (missing := unanswered(exercise, model, "your trained MLP")) is not None:
        return missing
    layers = list(getattr(model, "layers", []))
    linear = [layer for layer in layers if isinstance(layer, Linear)]
    shapes = [tuple(layer.weight.shape) for layer in linear]
    if shapes != [(64, 256), (256, 10)]:
        maps = ", ".join(f"{a} → {b}" for a, b in shapes) or "nothing"
        return Verdict(exercise, False, f"its Linear layers map {maps}; a 64-256-10 MLP has two: 64 → 256 and "
                                        "256 → 10 (nn.MLP(64, [256, 10]))")
    if layers.index(linear[1]) - layers.index(linear[0]) < 2:
        return Verdict(exercise, False, "nothing sits between its two Linear layers: without a nonlinearity the "
                                        "network is linear, whatever its width")
    Xtr, ytr, Xte, yte = _digits()
    if hasattr(model, "eval"):
        model.eval()
    with no_grad():
        held_out = float(accuracy(model(Xte), yte))
    if held_out < _GOOD:
        untrained = " (an untrained network does about this badly: did fit run on it?)" if held_out < 0.3 else ""
        return Verdict(exercise, False, f"it gets {held_out:.1%} of the held-out digits right, under 95 %{untrained}: "
                                        "train it as the solution does (Adam, lr 3e-3, 30 epochs, batches of 64)")
    hidden = Linear(64, 256, seed=0, init="he_normal")
    hidden.bias.data = np.random.default_rng(0).normal(0.0, 0.5, 256)
    with no_grad():
        frozen = [np.maximum(hidden(X).numpy(), 0) for X in (Xtr, Xte)]
    random_256 = _ridge_accuracy(_ridge_readout(frozen[0], ytr), frozen[1], yte)
    return Verdict(exercise, True, f"64-256-10, {held_out:.1%} held out, against {random_256:.1%} for the same 256 "
                                   "units frozen at random with a ridge read-out: at this width learning the features "
                                   "adds little, and costs convexity")
