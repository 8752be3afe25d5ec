"""Checks for notebook 06 (section 10): saturation under Xavier's initialisation, where early stopping halts, and the
largest learning rate of the sweep that still trains.

Every number is measured live on the notebook's data and seeds, by the same calls the notebook makes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from .. import datasets
from ..data import train_val_split
from ..diagnostics import saturation
from ..layers import MLP
from ..losses import squared_error
from ..optim import SGD, Adam
from ..train import evaluate, fit
from .verdict import Verdict, read_number, unanswered

#: the sweep of notebook 06's learning-rate cell, and the J it asks exercise 3 to reach
_RATES = np.logspace(-2, 2.5, 10)
_TARGET_J = 0.1


def _sigmoid_mlp(hidden: list[int], seed: int = 0, init: Any = None) -> MLP:
    return MLP(2, [*hidden, 1], activation="sigmoid", output_activation="sigmoid", seed=seed, init=init)


def _moons() -> tuple[np.ndarray, np.ndarray]:
    X, y = datasets.moons(n=300, noise=0.25, seed=0)
    Xtr, ytr, _, _ = train_val_split(X, y, val_fraction=0.5, seed=0)
    return Xtr, ytr


def check_06_exercise_1(fraction: Any) -> Verdict:
    """Notebook 06, exercise 1: the fraction of the first hidden layer's sigmoid values outside [0.2, 0.8] for the
    2-16-16-1 network with ``init="xavier_uniform"`` on the training half (a number, or the dict ``nn.saturation``
    returns). The comparison with the plot is yours to make: the check cannot read it."""
    exercise = "06 exercise 1 (saturation under Xavier)"
    if (missing := unanswered(exercise, fraction, "your fraction (or nn.saturation's dict)")) is not None:
        return missing
    measured = saturation(_sigmoid_mlp([16, 16], init="xavier_uniform"), _moons()[0])
    first = next(iter(measured))
    if isinstance(fraction, dict):
        fraction = fraction.get(first)
    try:
        fraction = float(fraction)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is a number (or nn.saturation's dict); got {fraction!r}")
    # one value out of the layer's 16 × 150 is 1/2400 ≈ 4e-4: half of it separates any two possible fractions
    units = 16 * len(_moons()[0])
    layers = ", ".join(f"{name}: {value:.2%}" for name, value in measured.items())
    if abs(fraction - measured[first]) <= 0.5 / units:
        return Verdict(exercise, True, f"{fraction:.2%} of the first layer's values saturated ({layers}): Xavier's "
                                       "σ ≈ 0.33 and 0.25 sit inside the plot's good range")
    if abs(fraction / 100 - measured[first]) <= 0.5 / units:
        return Verdict(exercise, False, f"you gave {fraction:g}, which is the percentage; a fraction is "
                                        f"{measured[first]:.5f} ({layers})")
    return Verdict(exercise, False, f"you gave {fraction:g}; nn.saturation(sigmoid_mlp([16, 16], "
                                    f"init=\"xavier_uniform\"), Xtr) measures {measured[first]:.5f} for the first "
                                    f"layer ({layers})")


def check_06_exercise_2(stop_epoch: Any, val_accuracy: Any) -> Verdict:
    """Notebook 06, exercise 2: the epoch at which ``nn.fit(..., early_stopping=50)`` stops the 2-32-32-1 network on
    the 40 noisy moons, and its validation accuracy with the best weights restored; both measured by a live fit."""
    exercise = "06 exercise 2 (early stopping)"
    if (missing := unanswered(exercise, None if stop_epoch is None or val_accuracy is None else 0,
                              "your stopping epoch and validation accuracy")) is not None:
        return missing
    X_small, y_small = datasets.moons(n=40, noise=0.3, seed=1)
    X_val, y_val = datasets.moons(n=400, noise=0.3, seed=2)
    model = _sigmoid_mlp([32, 32])
    history = fit(model, squared_error, (X_small, y_small), val=(X_val, y_val),
                  optimizer=Adam(model.parameters(), lr=0.01), epochs=800, batch_size=40, progress=False,
                  early_stopping=50)
    stopped, best = len(history["epoch"]), history["best_epoch"][0]
    accuracy = evaluate(model, squared_error, X_val, y_val)[1]
    try:
        stop_epoch, val_accuracy = int(stop_epoch), float(val_accuracy)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"both answers are numbers; got {stop_epoch!r} and {val_accuracy!r}")
    if stop_epoch == best != stopped:
        return Verdict(exercise, False, f"epoch {best} is the validation minimum; training goes on for 50 more "
                                        f"epochs without improvement and stops at {stopped}")
    if stop_epoch != stopped:
        return Verdict(exercise, False, f"you gave epoch {stop_epoch}; the fit stops at epoch {stopped} "
                                        f"(len(history['epoch'])), 50 after the minimum at {best}")
    if val_accuracy > 1:
        val_accuracy /= 100
    # 400 validation points: one point is 0.0025, so half of it tells two accuracies apart
    if abs(val_accuracy - accuracy) > 0.00125:
        return Verdict(exercise, False, f"it stops at {stopped}, right; but with restore_best the weights of epoch "
                                        f"{best} come back and score {accuracy:.2%} on validation, not "
                                        f"{val_accuracy:.2%} (use nn.evaluate after the fit)")
    return Verdict(exercise, True, f"stops at epoch {stopped}, restores epoch {best}: {accuracy:.0%} on validation, "
                                   "about the 2-8-1 network's")


@lru_cache(maxsize=1)          # deterministic, and a learner may call the check several times
def _sweep() -> tuple[float, ...]:
    Xtr, ytr = _moons()
    final = []
    for lr in _RATES:
        model = _sigmoid_mlp([16])
        history = fit(model, squared_error, (Xtr, ytr), optimizer=SGD(model.parameters(), lr=float(lr)),
                      epochs=60, batch_size=10, progress=False)
        final.append(history["loss"][-1])
    return tuple(final)


def check_06_exercise_3(largest_rate: Any, factor: Any = None) -> Verdict:
    """Notebook 06, exercise 3: the largest α of the sweep whose training J after 60 epochs is below 0.1 (the sweep
    rerun live), and optionally by what factor the best α shrinks with ``reduction="sum"`` over batches of 10.

    Why the factor is what it is (a sum's gradient is B times the mean's) is yours to explain; the check only
    compares the number with the batch size."""
    exercise = "06 exercise 3 (the largest rate that trains)"
    largest_rate = read_number(exercise, largest_rate, "your α")
    if isinstance(largest_rate, Verdict):
        return largest_rate
    if largest_rate <= 0:
        return Verdict(exercise, False, f"α = {largest_rate:g}: a learning rate is positive")
    final = _sweep()
    below = [k for k, J in enumerate(final) if J < _TARGET_J]
    k = below[-1]
    right, best = float(_RATES[k]), float(_RATES[int(np.argmin(final))])
    # the sweep's rates are half a decade apart; a rate rounded to two digits stays within 0.05 decade (12 %) of it
    yours = int(np.argmin(np.abs(np.log10(_RATES) - np.log10(largest_rate))))
    if abs(np.log10(largest_rate) - np.log10(_RATES[yours])) > 0.05:
        return Verdict(exercise, False, f"α = {largest_rate:g} is not one of the sweep's rates "
                                        f"({', '.join(f'{r:.3g}' for r in _RATES)})")
    if yours != k:
        above = final[yours] >= _TARGET_J
        why = (f"at α = {_RATES[yours]:.3g} J ends at {final[yours]:.3f}, above {_TARGET_J}" if above
               else f"α = {_RATES[yours]:.3g} gets J = {final[yours]:.3f}, but a larger one still gets below "
                    f"{_TARGET_J}" + (" (the lowest J is not the largest rate that trains)" if yours == int(
                        np.argmin(final)) else ""))
        return Verdict(exercise, False, f"{why}: the largest is α = {right:.3g} (J = {final[k]:.3f}); the next, "
                                        f"{_RATES[k + 1]:.3g}, ends at {final[k + 1]:.3f}")
    if factor is not None:
        try:
            factor = float(factor)
        except (TypeError, ValueError):
            return Verdict(exercise, False, f"the factor is a number; got {factor!r}")
        if abs(factor - 10) > 1e-9 and abs(factor - 0.1) > 1e-12:
            return Verdict(exercise, False, f"α = {right:.3g} is right; but the factor is the batch size: a sum over "
                                            f"10 examples has 10 times the mean's gradient, so α shrinks by 10, not "
                                            f"{factor:g}")
    return Verdict(exercise, True, f"α = {right:.3g} ends at J = {final[k]:.3f}, the next rate at {final[k + 1]:.3f} "
                                   f"(the lowest J is at α = {best:.3g}); with a sum over B = 10 every rate acts like "
                                   "10α: the best shrinks tenfold")
