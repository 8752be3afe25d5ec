"""What every exercise check returns (a Verdict) and the helpers they share to judge numbers and code.

A verdict is right or wrong with the reason, and prints as one line a learner can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: how close a learner's number must be to the reference, relative to its size
RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Verdict:
    """A check's answer: ``right`` and the reason; truthy when right, printed as one line."""

    exercise: str
    right: bool
    why: str

    def __bool__(self) -> bool:
        return self.right

    def __str__(self) -> str:
        mark = "right" if self.right else ("not answered yet" if self.why.startswith("assign") else "not yet")
        return f"{self.exercise}: {mark}: {self.why}"

    __repr__ = __str__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def unanswered(exercise: str, answer: Any, what: str) -> Verdict | None:
    if answer is None:
        return Verdict(exercise, False, f"assign {what} to the variable and run this cell again")
    return None


def close(a: float, b: float, tolerance: float = RELATIVE_TOLERANCE) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def read_number(exercise: str, answer: Any, what: str) -> float | Verdict:
    """The learner's answer as a float, or the Verdict that says it is missing or not a number."""
    if (missing := unanswered(exercise, answer, what)) is not None:
        return missing
    try:
        return float(answer)
    except (TypeError, ValueError):
        return Verdict(exercise, False, f"the answer is a number; got {type(answer).__name__} {answer!r}")


def number(exercise: str, answer: Any, expected: float, how: str, tolerance: float = RELATIVE_TOLERANCE) -> Verdict:
    value = read_number(exercise, answer, "your number")
    if isinstance(value, Verdict):
        return value
    if close(value, expected, tolerance):
        return Verdict(exercise, True, how)
    return Verdict(exercise, False, f"you gave {value:g}; {how}")


def fraction(value: Any) -> float:
    """An accuracy as a fraction, whether given as one (0.97) or as a percentage (97)."""
    value = float(value)
    return value / 100 if value > 1 else value


def sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))
