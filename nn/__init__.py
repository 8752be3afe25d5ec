"""nn: the tutorial's neural networks, and modern training, built on autograd_lite's public API.

Scalar level for teaching (`Neuron`, `Layer`, `ScalarMLP`), tensor level for speed (`Linear`,
`Sequential`, `MLP`), activations, losses, optimisers (`nn.optim`, schedules in
`nn.optim.schedules`), gradient clipping (`nn.utils`), data, datasets, `fit`, and hyper-parameter
search on Optuna (`nn.search`).
Run ``python -m nn`` for a tour of the tutorial.
"""

from . import datasets, diagnostics, init, optim, search, utils
from .activations import (
    ACTIVATIONS,
    Identity,
    PReLU,
    ReLU,
    Sigmoid,
    Tanh,
    get_activation,
    identity,
    prelu,
    relu,
    sigmoid,
    tanh,
)
from .data import batches, train_val_split
from .diagnostics import gradient_norms, saturation
from .layers import MLP, Dropout, Linear, Sequential
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l2_penalty,
    squared_error,
)
from .module import Module
from .optim import SGD, Adam, Optimizer
from .scalar import Layer, Neuron, ScalarMLP
from .torch_layout import from_torch_state_dict, to_torch_state_dict
from .train import accuracy, evaluate, fit

__all__ = [
    "ACTIVATIONS", "MLP", "SGD", "Adam", "Dropout", "Identity", "Layer", "Linear", "Module", "Neuron",
    "Optimizer", "PReLU", "ReLU", "ScalarMLP", "Sequential", "Sigmoid", "Tanh", "accuracy", "batches",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "datasets", "diagnostics",
    "evaluate", "fit", "from_torch_state_dict", "get_activation", "gradient_norms", "identity", "init",
    "l2_penalty", "optim", "prelu", "relu", "saturation", "search", "sigmoid", "squared_error", "tanh",
    "to_torch_state_dict", "train_val_split", "utils",
]

_REPLACED = {"grid_search": "grid", "random_search": "random"}


def __getattr__(name: str) -> object:
    if name in _REPLACED:
        raise AttributeError(f"nn.{name} was replaced by nn.search.run(objective, space, method="
                             f"{_REPLACED[name]!r}) (the README's 'Hyper-parameter search')")
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
