"""Checks for notebook 09 (section 15): where a chain of single ReLU neurons stops the gradient, tanh's gradient
norms beside the sigmoid's, and by how much each ReLU layer scales the variance under nn.MLP's default init.

The chain and the norms are recomputed live; the factor is measured on a wide random layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import datasets
from ..diagnostics import gradient_norms
from ..layers import MLP, Linear
from ..losses import cross_entropy
from ..scalar import ScalarMLP
from .verdict import Verdict, read_number, unanswered


def check_09_exercise_1(zero_neurons: Any) -> Verdict:
    """Notebook 09, exercise 1: the neurons (1–6, from the input) of the seed-0 ReLU chain whose weight gets exactly
    zero gradient for (h − 1)² at x = 0.5. Recomputed by backward; the drawing is not judged."""
    exercise = "09 exercise 1 (where the ReLU chain's gradient stops)"
    if (missing := unanswered(exercise, zero_neurons, "your list of neurons")) is not None:
        return missing
    chain = ScalarMLP(1, [1] * 6, activation="relu", output_activation="sigmoid", seed=0)
    J = (chain([0.5]) - 1) ** 2
    J.backward()
    zero = {i for i, layer in enumerate(chain.layers, start=1) if layer.neurons[0].w[0].grad == 0}
    z, off = 0.5, set()
    for i, layer in enumerate(chain.layers[:-1], start=1):
        neuron = layer.neurons[0]
        pre = neuron.w[0].data * z + neuron.b.data
        off |= {i} if pre < 0 else set()
        z = max(pre, 0.0)
    try:
        yours = {int(i) for i in zero_neurons}
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is a list of neuron numbers; got {zero_neurons!r}")
    why = (f"neurons {sorted(off)} get θx + b < 0 (output 0, derivative 0), so nothing reaches below them, and the "
           f"next neuron's weight multiplies an input of 0")
    if yours == zero:
        return Verdict(exercise, True, f"neurons {sorted(zero)}: {why}")
    if yours == off:
        return Verdict(exercise, False, f"you gave {sorted(yours)}, the switched-off neurons; the weight of neuron "
                                        f"{max(zero)} gets 0 too: {why}")
    if yours == {7 - i for i in zero}:
        return Verdict(exercise, False, f"you counted from the output; from the input it is {sorted(zero)}: {why}")
    return Verdict(exercise, False, f"you gave {sorted(yours)}; backward gives exactly 0 to the weights of neurons "
                                    f"{sorted(zero)}: {why}")


def _layer_norms(activation: str, init: str) -> np.ndarray:
    """The notebook's layer_gradient_norms: each Linear layer's gradient norm after one backward on 256 digits."""
    Xtr, ytr, _, _ = datasets.digits(split=0.25, seed=0)
    model = MLP(64, [32] * 6 + [10], activation=activation, init=init, seed=0)
    cross_entropy(model(Xtr[:256]), ytr[:256]).backward()
    norms = gradient_norms(model)
    return np.array([norms[f"layers.{i}"] for i, layer in enumerate(model.layers) if isinstance(layer, Linear)])


def check_09_exercise_2(tanh_spread: Any) -> Verdict:
    """Notebook 09, exercise 2: the ratio of the largest to the smallest layer gradient norm of the tanh network
    (``xavier_normal``), beside the sigmoid's. Measured again here, within 10 %; the reason (slope 1/4 and
    outputs of mean 0.5) is yours, not judged."""
    exercise = "09 exercise 2 (tanh's gradient norms)"
    spread = read_number(exercise, tanh_spread, "your ratio max/min")
    if isinstance(spread, Verdict):
        return spread
    tanh, sigmoid = _layer_norms("tanh", "xavier_normal"), _layer_norms("sigmoid", "xavier_normal")
    expected, versus = float(tanh.max() / tanh.min()), float(sigmoid.max() / sigmoid.min())
    how = (f"tanh's norms stay within {expected:.2f}× of each other across the 7 layers, the sigmoid's spread "
           f"{versus:.0f}×")
    if abs(spread - expected) <= 0.1 * expected:
        return Verdict(exercise, True, how)
    if abs(spread - versus) <= 0.1 * versus:
        return Verdict(exercise, False, f"you gave {spread:g}, the sigmoid's spread; {how}")
    return Verdict(exercise, False, f"you gave {spread:g}; {how}")


def check_09_exercise_3(factor: Any) -> Verdict:
    """Notebook 09, exercise 3: the factor by which one ReLU layer initialised from U(±1/√n) multiplies the mean
    square of its input (n inputs, no bias), as the variance argument gives it."""
    exercise = "09 exercise 3 (variance per ReLU layer, default init)"
    factor = read_number(exercise, factor, "your factor")
    if isinstance(factor, Verdict):
        return factor
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
