"""The four methods as Optuna samplers: grid (GridSampler), random (RandomSampler), bayes (TPE) and
gp (GPSampler), seeded per trial number so that workers never repeat each other and a search repeats.

Every sampler but the grid is made afresh for each trial, seeded by (seed, trial number): trial n
of a study draws the same way whichever process runs it, so two workers with one seed do not draw
the same configurations, and a search in one process repeats exactly. (The samplers keep no state
between trials that this loses: they read the study's history each time.) The grid needs no seed
per trial: Optuna's GridSampler gives trial n the n-th point of its seeded shuffle of the grid.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from .deps import optuna, require_gp_libraries
from .space import grid_values

METHODS = ("grid", "random", "bayes", "gp")


def check_method(method: Any) -> str:
    if method not in METHODS:
        raise ValueError(f"nn.search: unknown method {method!r}; choose one of {', '.join(map(repr, METHODS))} "
                         "('bayes' is TPE, 'gp' Bayesian optimisation with a Gaussian process)")
    return method


def trial_seed(seed: int | None, number: int) -> int | None:
    """The seed of trial `number`'s sampler: a hash of (seed, number), or None for an unseeded search."""
    if seed is None:
        return None
    return int(np.random.SeedSequence([seed, number]).generate_state(1)[0])


def make_sampler(method: str, space: dict, seed: int | None) -> Any:
    """The Optuna sampler for `method` over the checked `space`."""
    samplers = optuna().samplers
    if method == "grid":
        return _classes()[0](grid_values(space), seed=seed)
    if method == "random":
        make = samplers.RandomSampler
    elif method == "bayes":
        make = lambda s: samplers.TPESampler(seed=s, constant_liar=True)
    else:
        require_gp_libraries()
        make = lambda s: samplers.GPSampler(seed=s)
    return _classes()[1](make, seed)


@cache
def _classes() -> tuple[type, type]:
    """The two sampler classes, defined once Optuna is imported (so `nn` imports without it)."""
    samplers = optuna().samplers

    class Grid(samplers.GridSampler):
        """GridSampler whose end does not call `study.stop()` (an error outside `optimize`): our loop stops."""

        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            pass

    class SeededPerTrial(samplers.BaseSampler):
        """Delegates each trial to a sampler made for it with seed ``trial_seed(seed, trial.number)``."""

        def __init__(self, make: Any, seed: int | None) -> None:
            self._make, self._seed = make, seed
            self._number, self._sampler = None, None

        def _for(self, trial: Any) -> Any:
            if self._number != trial.number:
                self._number, self._sampler = trial.number, self._make(trial_seed(self._seed, trial.number))
            return self._sampler

        def infer_relative_search_space(self, study: Any, trial: Any) -> dict:
            return self._for(trial).infer_relative_search_space(study, trial)

        def sample_relative(self, study: Any, trial: Any, search_space: dict) -> dict:
            return self._for(trial).sample_relative(study, trial, search_space)

        def sample_independent(self, study: Any, trial: Any, name: str, distribution: Any) -> Any:
            return self._for(trial).sample_independent(study, trial, name, distribution)

        def before_trial(self, study: Any, trial: Any) -> None:
            self._for(trial).before_trial(study, trial)

        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            self._for(trial).after_trial(study, trial, state, values)

        def reseed_rng(self) -> None:
            pass  # the seed of each trial is fixed by its number

    return Grid, SeededPerTrial
