"""The search space: ranges (`log_uniform`, `uniform`, `int_range`) and lists of choices, checked
before any training starts, then read as Optuna's distributions or as the points of a grid.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_GRID = 100_000  # a grid larger than this is a mistake, not a search


@dataclass(frozen=True)
class Range:
    """A range of numbers to search: floats on a linear or log scale, or integers with a step."""

    kind: str  # "uniform", "log_uniform" or "int_range"
    low: float
    high: float
    step: int = 1
    log: bool = False

    def __repr__(self) -> str:
        if self.kind != "int_range":
            return f"{self.kind}({self.low!r}, {self.high!r})"
        extras = (f", step={self.step}" if self.step != 1 else "") + (", log=True" if self.log else "")
        return f"int_range({self.low}, {self.high}{extras})"

    @property
    def continuous(self) -> bool:
        return self.kind != "int_range"

    def values(self) -> list[int]:
        """Every integer of an int_range (a grid's values for it)."""
        return list(range(int(self.low), int(self.high) + 1, self.step))


def _number(where: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be finite, got {value}")
    return value


def uniform(low: float, high: float) -> Range:
    """Floats drawn evenly between `low` and `high` (both finite, low < high)."""
    low, high = _number("nn.search.uniform", "low", low), _number("nn.search.uniform", "high", high)
    if not low < high:
        raise ValueError(f"nn.search.uniform: low must be below high, got uniform({low}, {high}); "
                         "to fix a value, give a one-element list")
    return Range("uniform", low, high)


def log_uniform(low: float, high: float) -> Range:
    """Floats whose logarithm is drawn evenly: each factor of ten between `low` and `high` is as likely.

    The scale for learning rates and penalties: ``log_uniform(1e-4, 1.0)`` tries 1e-3 as often as 0.1.
    """
    where = "nn.search.log_uniform"
    low, high = _number(where, "low", low), _number(where, "high", high)
    if low <= 0:
        raise ValueError(f"{where}: low must be above 0 (a log scale has no zero), got log_uniform({low}, {high})")
    if not low < high:
        raise ValueError(f"{where}: low must be below high, got log_uniform({low}, {high})")
    return Range("log_uniform", low, high)


def int_range(low: int, high: int, step: int = 1, log: bool = False) -> Range:
    """Integers from `low` to `high`, both included, `step` apart (or log-spaced draws with ``log=True``)."""
    where = "nn.search.int_range"
    for name, value in (("low", low), ("high", high), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{where}: {name} must be an int, got {value!r}")
    low, high, step = int(low), int(high), int(step)
    if not low < high:
        raise ValueError(f"{where}: low must be below high, got int_range({low}, {high}); "
                         "to fix a value, give a one-element list")
    if step < 1 or (high - low) % step:
        raise ValueError(f"{where}: step must be a positive int that divides high - low = {high - low}, got {step}")
    if log and (low < 1 or step != 1):
        raise ValueError(f"{where}: log=True needs low >= 1 and step 1, got int_range({low}, {high}, step={step})")
    return Range("int_range", low, high, step, bool(log))


def _choice(name: str, value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is not None and not isinstance(value, (bool, int, float, str)):
        raise TypeError(f"nn.search: the choices for {name!r} must be None, bools, numbers or strings (what a "
                        f"study's storage can hold), got {value!r} of type {type(value).__name__}")
    if isinstance(value, float) and math.isnan(value):
        raise ValueError(f"nn.search: the choices for {name!r} include NaN")
    return value


def check_space(space: Any, method: str) -> dict[str, Range | tuple]:
    """`space` checked and put in one form: name -> Range, or name -> tuple of choices (from a list).

    Raises a TypeError or ValueError naming the hyper-parameter for an empty or malformed space, a
    tuple (choices or a range? say which), repeated choices, and for a grid, a continuous range.
    """
    if not isinstance(space, Mapping):
        raise TypeError("nn.search: the space must be a dict of name -> range or list of choices, e.g. "
                        f"{{'lr': nn.search.log_uniform(1e-3, 1.0), 'hidden': [32, 64]}}; got {type(space).__name__}")
    if not space:
        raise ValueError("nn.search: the space is empty: give at least one hyper-parameter, e.g. "
                         "{'lr': nn.search.log_uniform(1e-3, 1.0)}")
    checked: dict[str, Range | tuple] = {}
    for name, entry in space.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"nn.search: hyper-parameter names must be non-empty strings, got {name!r}")
        if isinstance(entry, Range):
            checked[name] = entry
        elif isinstance(entry, (list, range)) or (isinstance(entry, np.ndarray) and entry.ndim == 1):
            choices = tuple(_choice(name, v) for v in entry)
            if not choices:
                raise ValueError(f"nn.search: the list of choices for {name!r} is empty")
            repeated = sorted({repr(v) for i, v in enumerate(choices) if v in choices[:i]})
            if repeated:
                raise ValueError(f"nn.search: the choices for {name!r} repeat {', '.join(repeated)} "
                                 "(1, 1.0 and True count as the same)")
            checked[name] = choices
        elif isinstance(entry, tuple):
            raise TypeError(f"nn.search: {name!r} is a tuple {entry!r}: write a list {list(entry)!r} to choose among "
                            f"its values, or nn.search.uniform(low, high) / log_uniform / int_range for a range")
        else:
            raise TypeError(f"nn.search: {name!r} must be a list of choices or a range (nn.search.uniform, "
                            f"log_uniform, int_range), got {entry!r}")
    if method == "grid":
        grid_values(checked)
    return checked


def grid_values(space: Mapping[str, Range | tuple]) -> dict[str, list]:
    """The values each hyper-parameter takes on a grid; a continuous range has none and is refused."""
    values: dict[str, list] = {}
    for name, entry in space.items():
        if isinstance(entry, Range) and entry.continuous:
            spread = np.geomspace if entry.kind == "log_uniform" else np.linspace
            example = [float(f"{v:.3g}") for v in spread(entry.low, entry.high, 4)]
            raise ValueError(f"nn.search: a grid needs a list of values for {name!r}, but {entry!r} is a "
                             f"continuous range; give the values to try, e.g. {example}, or use method='random' "
                             "or 'bayes'")
        values[name] = entry.values() if isinstance(entry, Range) else list(entry)
    size = math.prod(len(v) for v in values.values())
    if size > MAX_GRID:
        raise ValueError(f"nn.search: the grid has {size:,} points (more than {MAX_GRID:,}); "
                         "use fewer values, or method='random' or 'bayes' with a budget of trials")
    return values


def grid_size(space: Mapping[str, Range | tuple]) -> int:
    return math.prod(len(v) for v in grid_values(space).values())


def grid_points(space: Mapping[str, Range | tuple], method: str) -> list[dict] | None:
    """Every point of the grid as a dict of parameters, for method "grid"; None for the others."""
    if method != "grid":
        return None
    values = grid_values(space)
    return [dict(zip(values, combo, strict=True)) for combo in itertools.product(*values.values())]


def to_distributions(space: Mapping[str, Range | tuple]) -> dict[str, Any]:
    """Optuna's distribution for each hyper-parameter (`study.ask` samples them all at once)."""
    from .deps import optuna

    distributions = optuna().distributions
    out = {}
    for name, entry in space.items():
        if isinstance(entry, tuple):
            out[name] = distributions.CategoricalDistribution(entry)
        elif entry.kind == "int_range":
            out[name] = distributions.IntDistribution(int(entry.low), int(entry.high), log=entry.log, step=entry.step)
        else:
            out[name] = distributions.FloatDistribution(entry.low, entry.high, log=entry.kind == "log_uniform")
    return out


def to_json(space: Mapping[str, Range | tuple]) -> dict[str, dict]:
    """The space as plain data (kept in the study, so a worker can rebuild it and a rerun can compare)."""
    out: dict[str, dict] = {}
    for name, entry in space.items():
        if isinstance(entry, tuple):
            out[name] = {"choices": list(entry)}
        elif entry.kind == "int_range":
            out[name] = {"int_range": [int(entry.low), int(entry.high)], "step": entry.step, "log": entry.log}
        else:
            out[name] = {entry.kind: [entry.low, entry.high]}
    return out


def from_json(data: Mapping[str, Mapping]) -> dict[str, Range | tuple]:
    """The inverse of `to_json`."""
    space: dict[str, Range | tuple] = {}
    for name, entry in data.items():
        if "choices" in entry:
            space[name] = tuple(entry["choices"])
        elif "int_range" in entry:
            space[name] = int_range(*entry["int_range"], step=entry.get("step", 1), log=entry.get("log", False))
        elif "log_uniform" in entry:
            space[name] = log_uniform(*entry["log_uniform"])
        elif "uniform" in entry:
            space[name] = uniform(*entry["uniform"])
        else:
            raise ValueError(f"nn.search: cannot read the stored space entry {name!r}: {dict(entry)!r}")
    return space


def describe(space: Mapping[str, Range | tuple]) -> str:
    """``{'lr': log_uniform(0.001, 1.0), 'hidden': [32, 64]}``: the space as a user writes it."""
    parts = [f"{name!r}: {list(e) if isinstance(e, tuple) else e!r}" for name, e in space.items()]
    return "{" + ", ".join(parts) + "}"
