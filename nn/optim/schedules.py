"""Learning-rate schedules: functions from the step number (0, 1, ...) to a factor of the base rate.

An optimiser built with ``schedule=f`` steps with ``lr * f(t)`` at its t-th step, e.g.
``nn.SGD(params, lr=0.1, schedule=nn.optim.schedules.cosine_decay(1000))``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

Schedule = Callable[[int], float]

__all__ = ["Schedule", "constant", "cosine_decay", "exponential_decay", "step_decay"]


def constant() -> Schedule:
    """The base learning rate at every step."""
    return lambda step: 1.0


def step_decay(every: int, gamma: float = 0.1) -> Schedule:
    """Multiply the rate by `gamma` once every `every` steps."""
    if every < 1:
        raise ValueError(f"step_decay: every must be >= 1, got {every}")
    return lambda step: gamma ** (step // every)


def exponential_decay(gamma: float) -> Schedule:
    """Multiply the rate by `gamma` at every step."""
    return lambda step: gamma ** step


def cosine_decay(total_steps: int, floor: float = 0.0) -> Schedule:
    """From 1 down to `floor` along half a cosine over `total_steps` steps, then stay at `floor`."""
    if total_steps < 1:
        raise ValueError(f"cosine_decay: total_steps must be >= 1, got {total_steps}")
    return lambda step: floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps))
