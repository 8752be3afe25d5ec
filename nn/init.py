"""Weight initialisation (tutorial section 10): random draws that break the symmetry of neurons.

Every function takes the shape and a seed or `numpy.random.Generator` and returns a new array;
there is no hidden global random state, so the same seed always gives the same weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Seed = int | np.random.Generator | None
Shape = tuple[int, ...]


def as_rng(seed: Seed) -> np.random.Generator:
    """A Generator from an int seed, an existing Generator (used as is), or None (fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy.random.Generator or None, got {type(seed).__name__}")


def _fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (nin, nout) as `Linear` stores it; 1-D: (n, n)."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


def uniform(shape: Shape, scale: float = 1.0, seed: Seed = None) -> np.ndarray:
    """U(-scale, scale): uniform random initialisation with a tunable width."""
    return as_rng(seed).uniform(-scale, scale, size=shape)


def normal(shape: Shape, std: float = 1.0, seed: Seed = None) -> np.ndarray:
    """N(0, std²): Gaussian random initialisation with a tunable spread."""
    return as_rng(seed).normal(0.0, std, size=shape)


def linear_default(shape: Shape, fan_in: int, seed: Seed = None) -> np.ndarray:
    """U(±1/√fan_in): the default of `Linear` for weights and biases (as in PyTorch)."""
    return uniform(shape, 1.0 / math.sqrt(fan_in), seed)


def xavier_uniform(shape: Shape, seed: Seed = None, gain: float = 1.0) -> np.ndarray:
    """Glorot/Xavier: U(±gain·√(6 / (fan_in + fan_out))), keeping activations' variance level for tanh/sigmoid."""
    fan_in, fan_out = _fans(shape)
    return uniform(shape, gain * math.sqrt(6.0 / (fan_in + fan_out)), seed)


def xavier_normal(shape: Shape, seed: Seed = None, gain: float = 1.0) -> np.ndarray:
    """Glorot/Xavier: N(0, gain² · 2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(shape)
    return normal(shape, gain * math.sqrt(2.0 / (fan_in + fan_out)), seed)


def he_uniform(shape: Shape, seed: Seed = None) -> np.ndarray:
    """He/Kaiming for ReLU layers: U(±√(6 / fan_in)), i.e. variance 2 / fan_in."""
    fan_in, _ = _fans(shape)
    return uniform(shape, math.sqrt(6.0 / fan_in), seed)


def he_normal(shape: Shape, seed: Seed = None) -> np.ndarray:
    """He/Kaiming for ReLU layers: N(0, 2 / fan_in)."""
    fan_in, _ = _fans(shape)
    return normal(shape, math.sqrt(2.0 / fan_in), seed)


WEIGHT_INITS: dict[str, Callable[..., np.ndarray]] = {
    "xavier_uniform": xavier_uniform, "xavier_normal": xavier_normal,
    "he_uniform": he_uniform, "he_normal": he_normal,
}


def weight_init(name: str | Callable[..., np.ndarray] | None) -> Callable[[Shape, np.random.Generator], np.ndarray]:
    """A function (shape, rng) -> array from a name in WEIGHT_INITS, a callable, or None (the default)."""
    if name is None:
        return lambda shape, rng: linear_default(shape, shape[0], rng)
    if callable(name):
        return name
    try:
        return WEIGHT_INITS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown init {name!r}; choose one of {sorted(WEIGHT_INITS)} or pass a function") from None
