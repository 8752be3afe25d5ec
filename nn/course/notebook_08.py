"""Checks for notebook 08 (section 12): the pieces a deep sawtooth network makes.

Each tent layer folds the interval onto itself, doubling the linear pieces.
"""

from __future__ import annotations

from typing import Any

from .verdict import Verdict, number


def check_08_exercise_2(pieces: Any, k: int = 5) -> Verdict:
    """Notebook 08, exercise 2: the number of linear pieces of the deep sawtooth network with ``k`` tent layers."""
    return number(f"08 exercise 2 (pieces of the k = {k} sawtooth)", pieces, 2 ** k,
                  f"each tent layer folds [0, 1] onto itself and doubles the pieces: 2^{k} = {2 ** k} (2^k − 1 is the "
                  "count of hidden units a single layer needs, one per kink)")
