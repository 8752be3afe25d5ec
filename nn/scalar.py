"""Scalar-level networks for teaching: every weight and bias is its own scalar `Value`.

`Neuron`, `Layer` and `ScalarMLP` compute one example at a time, exactly as the tutorial
writes the maths (sections 3 and 7); the graph shows every multiplication and addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_lite import Value

from .activations import FUNCTIONS, prelu
from .init import Seed, as_rng, linear_default
from .module import Module

_SUPERSCRIPT = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_SUBSCRIPT = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")


def _sub(*indices: int) -> str:
    """Subscript indices: ᵢⱼ as digits, with a comma once an index has two digits (θ₁₀,₂)."""
    sep = "," if any(i >= 10 for i in indices) else ""
    return sep.join(str(i) for i in indices).translate(_SUBSCRIPT)


def tutorial_labels(sizes: Sequence[int]) -> list[tuple[list[list[str]], list[str]]]:
    """Per layer: weight labels (one list per neuron) and bias labels, in the tutorial's notation.

    The 2-2-1 network of section 7 reads θ1…θ4, b1, b2 (hidden) and ω1, ω2, c (output);
    any other shape uses section 8's θ⁽ˡ⁾ᵢⱼ (layer l's input j to neuron i of layer l+1) and b⁽ˡ⁾ᵢ.
    """
    sizes = list(sizes)
    if sizes == [2, 2, 1]:
        return [([["θ1", "θ2"], ["θ3", "θ4"]], ["b1", "b2"]), ([["ω1", "ω2"]], ["c"])]
    out = []
    for layer, (nin, nout) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        sup = f"({layer})".translate(_SUPERSCRIPT)
        weights = [[f"θ{sup}{_sub(i, j)}" for j in range(1, nin + 1)] for i in range(1, nout + 1)]
        out.append((weights, [f"b{sup}{_sub(i)}" for i in range(1, nout + 1)]))
    return out


def _example(x: Any, nin: int, where: str) -> list:
    """One example as a list of Python floats or scalar Values, of length `nin`."""
    if isinstance(x, Value):
        x = list(x) if x.ndim == 1 else [x]
    elif isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{where}: takes one example (a 1-D list of {nin} numbers), got shape {x.shape}")
        x = x.tolist()
    elif isinstance(x, (int, float)):
        x = [x]
    items = []
    for item in x:
        if isinstance(item, Value):
            if item.size != 1:
                raise ValueError(f"{where}: inputs must be scalar Values, got shape {item.shape}")
            items.append(item)
        elif isinstance(item, (int, float, np.integer, np.floating)) and not isinstance(item, bool):
            items.append(float(item))
        else:
            raise TypeError(f"{where}: inputs must be numbers or scalar Values, got {type(item).__name__}")
    if len(items) != nin:
        raise ValueError(f"{where}: expected {nin} inputs, got {len(items)}")
    return items


class Neuron(Module):
    """One unit: g(θ1 x1 + … + θn xn + b) (equations 1 and 2), with scalar Values θ and b.

    `activation` is "sigmoid" (the tutorial's default), "tanh", "relu", "prelu" (own slope a)
    or "identity"/None. Without `weights`/`bias` they are drawn from U(±1/√nin) (as `Linear`).
    """

    def __init__(self, nin: int, activation: str | None = "sigmoid", seed: Seed = None,
                 weights: Sequence[float] | None = None, bias: float | None = None,
                 labels: tuple[Sequence[str], str] | None = None) -> None:
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"Neuron: nin must be a positive int, got {nin!r}")
        name = "identity" if activation is None else str(activation).lower()
        if name not in FUNCTIONS and name != "prelu":
            raise ValueError(f"Neuron: unknown activation {activation!r}; choose one of "
                             f"{sorted(FUNCTIONS) + ['prelu']}")
        self.nin, self.activation = nin, name
        if weights is None or bias is None:
            rng = as_rng(seed)
            drawn_w = linear_default((nin,), nin, rng)
            drawn_b = float(linear_default((1,), nin, rng)[0])
        weights = drawn_w if weights is None else weights
        bias = drawn_b if bias is None else bias
        if len(weights) != nin:
            raise ValueError(f"Neuron: expected {nin} weights, got {len(weights)}")
        w_labels, b_label = labels if labels is not None else ([f"w{j + 1}" for j in range(nin)], "b")
        self.w = [Value(float(v), label=lab) for v, lab in zip(weights, w_labels, strict=True)]
        self.b = Value(float(bias), label=b_label)
        if name == "prelu":
            self.slope = Value(0.25, label="a")

    def forward(self, x: Any) -> Value:
        x = _example(x, self.nin, "Neuron")
        z = self.w[0] * x[0]
        for w, xi in zip(self.w[1:], x[1:], strict=True):
            z = z + w * xi
        z = z + self.b
        if self.activation == "prelu":
            return prelu(z, self.slope)
        return FUNCTIONS[self.activation](z)

    def extra_repr(self) -> str:
        return f"nin={self.nin}, activation={self.activation}"


class Layer(Module):
    """`nout` neurons reading the same inputs; returns a list of `nout` scalar Values.

    Weights are drawn like ``Linear(nin, nout)`` from the same seed: a (nin, nout) matrix,
    then the biases, so neuron i holds column i.
    """

    def __init__(self, nin: int, nout: int, activation: str | None = "sigmoid", seed: Seed = None,
                 labels: tuple[list[list[str]], list[str]] | None = None) -> None:
        if not isinstance(nout, int) or nout < 1:
            raise ValueError(f"Layer: nout must be a positive int, got {nout!r}")
        rng = as_rng(seed)
        weights = linear_default((nin, nout), nin, rng)
        biases = linear_default((nout,), nin, rng)
        self.neurons = [
            Neuron(nin, activation, weights=weights[:, i], bias=biases[i],
                   labels=None if labels is None else (labels[0][i], labels[1][i]))
            for i in range(nout)
        ]

    def forward(self, x: Any) -> list[Value]:
        x = _example(x, self.neurons[0].nin, "Layer")
        return [neuron(x) for neuron in self.neurons]

    def extra_repr(self) -> str:
        return f"nin={self.neurons[0].nin}, nout={len(self.neurons)}, activation={self.neurons[0].activation}"


class ScalarMLP(Module):
    """The tutorial's network with one scalar Value per weight: ``ScalarMLP(2, [2, 1])`` is section 7.

    It takes one example (a list of numbers or scalar Values) and returns a Value when the last
    layer has one neuron, else a list. With the same `seed` it holds exactly the weights of
    ``MLP(nin, nouts, ..., seed=seed)``, so both levels can be checked against each other.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | None = "sigmoid",
                 output_activation: str | None = "sigmoid", seed: Seed = None) -> None:
        nouts = list(nouts)
        if not nouts:
            raise ValueError("ScalarMLP: nouts must list at least one layer size")
        rng = as_rng(seed)
        sizes = [nin] + nouts
        labels = tutorial_labels(sizes)
        self.sizes = sizes
        self.layers = [
            Layer(a, b, activation if i < len(nouts) - 1 else output_activation, seed=rng, labels=labels[i])
            for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))
        ]

    def forward(self, x: Any) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer (W, b) as arrays shaped like `Linear`'s: W[j, i] is input j to neuron i."""
        return [(np.array([[w.data for w in n.w] for n in layer.neurons]).T,
                 np.array([n.b.data for n in layer.neurons])) for layer in self.layers]

    def extra_repr(self) -> str:
        return "-".join(str(n) for n in self.sizes)
