"""Checks for notebook 10 (section 16): the weight decay that equals an L2 penalty λ‖θ‖².

Both steps are taken on the same small network, and their results compared.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..layers import MLP
from ..losses import l2_penalty, squared_error
from ..optim import SGD
from .verdict import Verdict, unanswered


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
    if (missing := unanswered(exercise, weight_decay, "your weight_decay")) is not None:
        return missing
    try:
        weight_decay = float(weight_decay)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is a number; got {type(weight_decay).__name__} {weight_decay!r}")
    penalised, decayed = _step(0.0, l2, lr), _step(weight_decay, 0.0, lr)
    gap = max(float(np.abs(a - b).max()) for a, b in zip(penalised, decayed, strict=True))
    if gap <= 1e-12:
        return Verdict(exercise, True, f"one step each way gives the same parameters (largest difference {gap:.1g}): "
                                       f"∂(λθ²)/∂θ = 2λθ, so weight_decay = 2λ = {2 * l2:g}")
    return Verdict(exercise, False, f"with weight_decay = {weight_decay:g} the parameters differ by up to {gap:.3g} "
                                    f"from the step on J + λ‖θ‖²: the penalty's gradient is 2λθ, and weight_decay "
                                    "adds its coefficient times θ")
