"""Checks for notebook 08 (section 12): a shallow network as large as the best deep one, the pieces a deep sawtooth
network makes, and why a width-1 chain cannot make a sawtooth.

The shallow network is judged on the notebook's two spirals; the width-1 chains are drawn at random and counted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import no_grad

from ..layers import Linear
from ..train import accuracy as accuracy_of
from .verdict import Verdict, number, read_number, unanswered


def _two_spirals(n: int, seed: int, turns: float = 2.5, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's data: two interleaved spiral arms in the unit disc."""
    rng = np.random.default_rng(seed)
    radius = rng.uniform(0.05, 1.0, n)
    arm = rng.integers(0, 2, n)
    angle = 2 * np.pi * turns * radius + np.pi * arm + rng.normal(0, noise, n)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1), arm.astype(np.int64)


def check_08_exercise_1(model: Any, accuracy: Any, deep_connections: Any) -> Verdict:
    """Notebook 08, exercise 1: your trained shallow ``model``, the held-out accuracy you measured, and the best deep
    network's connections (``best_deep[0]``). The model must have one hidden layer of ``deep_connections // 4``
    units; its accuracy is measured again on the notebook's held-out spirals. How it compares is yours to say."""
    exercise = "08 exercise 1 (shallow at the deep network's size)"
    if (missing := unanswered(exercise, None if model is None or accuracy is None or deep_connections is None
                              else 0, "your model, its accuracy and best_deep[0]")) is not None:
        return missing
    linear = [layer for layer in getattr(model, "layers", []) if isinstance(layer, Linear)]
    if len(linear) != 2:
        return Verdict(exercise, False, f"a shallow network has one hidden layer: two Linear layers; yours has "
                                        f"{len(linear)}")
    width, connections = linear[0].weight.shape[1], sum(layer.weight.size for layer in linear)
    if connections != int(deep_connections):
        return Verdict(exercise, False, f"its {width} hidden units make {connections} connections (2 in and 2 out "
                                        f"per unit), not the deep network's {int(deep_connections)}: width = "
                                        f"{int(deep_connections)} ÷ 4 = {int(deep_connections) // 4}")
    X_val, y_val = _two_spirals(1000, seed=1)
    if hasattr(model, "eval"):
        model.eval()
    with no_grad():
        measured = float(accuracy_of(model(X_val), y_val))
    try:
        accuracy = float(accuracy)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the accuracy is a number; got {accuracy!r}")
    if abs(accuracy - measured) > 0.005 and abs(accuracy / 100 - measured) > 0.005:
        X, y = _two_spirals(1000, seed=0)
        with no_grad():
            on_training = float(accuracy_of(model(X), y))
        hint = " (that is the training spirals': measure on X_val)" if abs(accuracy - on_training) <= 0.005 else ""
        return Verdict(exercise, False, f"you gave {accuracy:g}; on the held-out spirals it gets {measured:.1%}{hint}")
    return Verdict(exercise, True, f"{width} hidden units, {connections} connections like the deep network, and "
                                   f"{measured:.1%} held out: as many multiply-adds buy far less in one layer")


def check_08_exercise_2(pieces: Any, k: int = 5) -> Verdict:
    """Notebook 08, exercise 2: the number of linear pieces of the deep sawtooth network with ``k`` tent layers."""
    return number(f"08 exercise 2 (pieces of the k = {k} sawtooth)", pieces, 2 ** k,
                  f"each tent layer folds [0, 1] onto itself and doubles the pieces: 2^{k} = {2 ** k} (2^k − 1 is the "
                  "count of hidden units a single layer needs, one per kink)")


def _most_pieces_of_width_1_chains(depth: int, chains: int = 400, seed: int = 8) -> int:
    """The most linear pieces on [0, 1] over random chains of `depth` width-1 ReLU layers and a linear output."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, 2001)
    most = 0
    for _ in range(chains):
        z = x
        for a, b in rng.normal(0, 2, size=(depth, 2)):
            z = np.maximum(a * z + b, 0)
        slopes = np.diff(z) / np.diff(x)
        changes = ~np.isclose(slopes[1:], slopes[:-1], atol=1e-6)
        most = max(most, 1 + int(np.sum(changes & ~np.roll(changes, 1))))   # a kink between grid points counts once
    return most


def check_08_exercise_3(pieces: Any, depth: int = 5) -> Verdict:
    """Notebook 08, exercise 3: the most linear pieces a chain of ``depth`` width-1 ReLU layers can make on [0, 1].

    Each relu(a·z + b) of a monotone clamp is again a clamp: flat, a line, flat, so 3 at most (2 for one layer).
    The count is also measured on random chains; the monotonicity argument itself is yours, not judged."""
    exercise = f"08 exercise 3 (pieces of a width-1 chain of {depth})"
    expected = 2 if depth == 1 else 3
    measured = _most_pieces_of_width_1_chains(depth)
    how = (f"every layer is monotone, so the chain is monotone and each relu only cuts a flat end off the line below "
           f"it: at most {expected} pieces whatever the depth ({measured} the most found on 400 random chains); width "
           "2 is what folds")
    value = read_number(exercise, pieces, "your number")
    if isinstance(value, Verdict):
        return value
    if value == expected:
        return Verdict(exercise, True, how)
    if value in (2 ** depth, depth + 1):
        made = "2^k, the folding network's count" if value == 2 ** depth else "one kink per layer, but flat parts merge"
        return Verdict(exercise, False, f"you gave {value:g} ({made}); {how}")
    return Verdict(exercise, False, f"you gave {value:g}; {how}")
