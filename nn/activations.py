"""Activation functions (the tutorial's g) as plain functions and as modules, found by name.

sigmoid (section 3), tanh, ReLU (section 15), PReLU with a learnable slope (section 15) and
the identity; they work on scalar and tensor Values alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_lite as al
from autograd_lite import Value

from .module import Module


def _value(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x, requires_grad=False)


def sigmoid(x: Any) -> Value:
    """g(z) = 1 / (1 + exp(-z)) (equation 2); its derivative is g(z)(1 - g(z))."""
    return _value(x).sigmoid()


def relu(x: Any) -> Value:
    """max(0, z) (section 15): derivative 1 for z > 0 and 0 otherwise."""
    return _value(x).relu()


def tanh(x: Any) -> Value:
    """tanh(z) = 2·sigmoid(2z) − 1, a sigmoid rescaled to (−1, 1)."""
    return _value(x).tanh()


def identity(x: Any) -> Value:
    """z itself: no nonlinearity (a linear output layer)."""
    return _value(x)


def prelu(x: Any, slope: Any) -> Value:
    """z for z > 0 and slope·z otherwise: max(z, a·z) of section 15 when a < 1.

    Its derivative is nonzero everywhere except at one point; the gradient reaches the slope too.
    """
    x = _value(x)
    return al.where(x > 0, x, slope * x)


class Sigmoid(Module):
    """The sigmoid g(z) of equation 2, applied elementwise."""

    def forward(self, x: Any) -> Value:
        return sigmoid(x)


class ReLU(Module):
    """The rectified linear unit max(0, z) (section 15), applied elementwise."""

    def forward(self, x: Any) -> Value:
        return relu(x)


class Tanh(Module):
    """The hyperbolic tangent, applied elementwise."""

    def forward(self, x: Any) -> Value:
        return tanh(x)


class Identity(Module):
    """Passes its input through unchanged."""

    def forward(self, x: Any) -> Value:
        return identity(x)


class PReLU(Module):
    """ReLU with a learnable negative slope a (section 15): z if z > 0 else a·z.

    `num_parameters=1` shares one slope (a scalar Value, usable at the scalar level too);
    `num_parameters=n` learns one slope per feature of a (batch, n) input.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        if not isinstance(num_parameters, int) or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be a positive int, got {num_parameters!r}")
        self.num_parameters = num_parameters
        data = float(init) if num_parameters == 1 else np.full(num_parameters, float(init))
        self.slope = Value(data, label="a")

    def forward(self, x: Any) -> Value:
        return prelu(x, self.slope)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


ACTIVATIONS: dict[str, type[Module]] = {
    "sigmoid": Sigmoid, "relu": ReLU, "tanh": Tanh, "prelu": PReLU, "identity": Identity,
}
FUNCTIONS = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh, "identity": identity}


def get_activation(name: str | type[Module] | Module | None) -> Module:
    """A new activation module from its name ("sigmoid", "relu", "tanh", "prelu", "identity").

    A Module class is instantiated, a Module instance is returned as is, None gives Identity.
    """
    if name is None:
        return Identity()
    if isinstance(name, Module):
        return name
    if isinstance(name, type) and issubclass(name, Module):
        return name()
    if isinstance(name, str) and name.lower() in ACTIVATIONS:
        return ACTIVATIONS[name.lower()]()
    raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
