"""Checks for notebook 03 (sections 6–7): counting the parameters of a deeper network.

The count is rebuilt layer by layer, weights plus biases.
"""

from __future__ import annotations

from typing import Any

from .verdict import Verdict, number


def check_03_exercise_2(count: Any) -> Verdict:
    """Notebook 03, exercise 2: the number of parameters of the 2-2-3-1 network."""
    sizes = [2, 2, 3, 1]
    per_layer = [a * b + b for a, b in zip(sizes, sizes[1:], strict=False)]
    return number("03 exercise 2 (parameters of 2-2-3-1)", count, sum(per_layer),
                   "weights plus biases, layer by layer: " + " + ".join(
                       f"({a}·{b} + {b})" for a, b in zip(sizes, sizes[1:], strict=False)) + f" = {sum(per_layer)}")
