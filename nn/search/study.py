"""`run`, `serve` (one worker) and `load`: every argument checked before any training starts, the
Optuna study created or resumed (its method, space, seed and direction kept in it), trials run here.
"""

from __future__ import annotations

import inspect
import numbers
import time
from collections.abc import Callable, Mapping
from typing import Any

from . import space as spaces
from . import storage as storages
from .deps import optuna
from .result import SearchResult
from .samplers import check_method, make_sampler
from .trials import work

DIRECTIONS = {"maximize": "maximize", "maximise": "maximize", "minimize": "minimize", "minimise": "minimize"}
DEFAULT_STUDY = "search"
SETTINGS_KEY = "nn.search"  # the study's user attribute that holds method, space, seed and direction
BUDGET_KEY = "nn.search.trials"  # the budget last asked for (a worker without --trials uses it)


def run(objective: Callable[..., float], space: Mapping[str, Any], method: str = "bayes",
        trials: int | None = None, *, seed: int | None = 0, direction: str = "maximize",
        pruner: Any = "median", storage: Any = None, study_name: str = DEFAULT_STUDY) -> SearchResult:
    """Search `space` for the hyper-parameters that give `objective` its best score; see the README.

    ``objective(params, trial)`` (or ``objective(params)``) trains with the hyper-parameters in the
    dict `params` and returns the validation score; pass `trial` on to ``nn.fit(..., trial=trial)``
    so that poor trials are pruned. `method` is "grid" (every combination once; `trials` defaults
    to the grid's size), "random", "bayes" (TPE) or "gp" (a Gaussian process; needs torch and
    scipy). `direction` is "maximize" (an accuracy, the default) or "minimize" (a loss). `pruner`
    is "median" (Optuna's MedianPruner), None for no pruning, or an Optuna pruner. `storage` None
    keeps the study in memory; a path ending in .db/.sqlite (SQLite) or .log/.journal (Optuna's
    journal) keeps it in a file, and any Optuna storage URL in a database: running the same call
    again resumes the study, and workers (``python -m nn.search worker``) may share it. `trials`
    is the study's total budget, counting trials finished before.

    A trial that raises, or returns NaN or an infinity, is recorded as failed with its error and the
    search goes on. Returns a SearchResult (``best_params``, ``best_score``, ``table()``, ``plot()``).
    """
    call = check_objective(objective)
    checked = spaces.check_space(space, check_method(method))
    settings = check_settings(method, checked, seed, direction)
    budget = check_trials(trials, method, checked)
    study = open_study(storage, study_name, settings, pruner)
    study.set_user_attr(BUDGET_KEY, budget)
    work(study, call, spaces.to_distributions(checked), budget, grid=spaces.grid_points(checked, method),
         heartbeat=storage is not None)
    return SearchResult(study, checked, method)


def serve(objective: Callable[..., float], storage: Any, study_name: str, trials: int | None = None, *,
          space: Mapping[str, Any] | None = None, method: str | None = None, seed: Any = "stored",
          direction: str | None = None, pruner: Any = "median") -> tuple[SearchResult, list[int]]:
    """One worker of a shared study: what ``python -m nn.search worker`` runs.

    The settings not given (space, method, seed, direction, trials) are read from the study; a
    study that does not exist yet needs `space` and `method` to be created. Returns the result and
    the numbers of the trials this worker ran.
    """
    call = check_objective(objective)
    if storage is None:
        raise ValueError("nn.search: a worker needs a storage (a file or URL) that the other workers share")
    try:
        _, stored = existing_study(storage, study_name)
    except LookupError:
        stored = None
    if stored is None and (space is None or method is None):
        raise ValueError(f"nn.search: there is no study {study_name!r} in {storages.describe(storage)} yet: give "
                         "the space and the method (--space module:attr --method NAME) to create it")
    method = check_method(method if method is not None else stored["method"])
    checked = spaces.check_space(space, method) if space is not None else spaces.from_json(stored["space"])
    if seed == "stored":
        seed = stored["seed"] if stored is not None else 0
    if direction is None:
        direction = stored["direction"] if stored is not None else "maximize"
    settings = check_settings(method, checked, seed, direction)
    study = open_study(storage, study_name, settings, pruner)
    if trials is None:
        trials = study.user_attrs.get(BUDGET_KEY)
    budget = check_trials(trials, method, checked)
    study.set_user_attr(BUDGET_KEY, budget)
    ran = work(study, call, spaces.to_distributions(checked), budget, grid=spaces.grid_points(checked, method),
               heartbeat=True)
    return SearchResult(study, checked, method), ran


def load(storage: Any, study_name: str = DEFAULT_STUDY) -> SearchResult:
    """The results so far of a study in `storage` (a file or URL, as for `run`), made by `run` or workers."""
    study, settings = existing_study(storage, study_name)
    return SearchResult(study, spaces.from_json(settings["space"]), settings["method"])


def check_objective(objective: Any) -> Callable[[dict, Any], Any]:
    """The objective as a function of (params, trial), whether it takes both or only params."""
    if not callable(objective):
        raise TypeError(f"nn.search: the objective must be a function of (params, trial), got {objective!r}")
    try:
        signature = inspect.signature(objective)
    except (TypeError, ValueError):
        return objective
    for arguments in (({}, None), ({},)):
        try:
            signature.bind(*arguments)
        except TypeError:
            continue
        return objective if len(arguments) == 2 else (lambda params, trial: objective(params))
    raise TypeError(f"nn.search: the objective {getattr(objective, '__name__', objective)!r}{signature} must take "
                    "(params, trial) or (params)")


def check_settings(method: str, space: dict, seed: Any, direction: Any) -> dict[str, Any]:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"nn.search: seed must be a non-negative int or None, got {seed!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"nn.search: direction must be 'maximize' (a score such as accuracy) or 'minimize' "
                         f"(a loss), got {direction!r}")
    return {"method": method, "space": spaces.to_json(space), "seed": None if seed is None else int(seed),
            "direction": DIRECTIONS[direction]}


def check_trials(trials: Any, method: str, space: dict) -> int:
    size = spaces.grid_size(space) if method == "grid" else None
    if trials is None:
        if size is None:
            raise ValueError(f"nn.search: method={method!r} needs trials= (how many trainings the study may run)")
        return size
    if isinstance(trials, bool) or not isinstance(trials, numbers.Integral) or trials < 1:
        raise ValueError(f"nn.search: trials must be a positive int, got {trials!r}")
    if size is not None and trials > size:
        raise ValueError(f"nn.search: trials={trials} is more than the grid's {size} points, and a grid runs each "
                         "point once; leave trials out to run the whole grid")
    return int(trials)


def check_pruner(pruner: Any) -> Any:
    pruners = optuna().pruners
    if pruner is None:
        return pruners.NopPruner()
    if isinstance(pruner, str) and pruner == "median":
        return pruners.MedianPruner()
    if isinstance(pruner, pruners.BasePruner):
        return pruner
    raise ValueError(f"nn.search: pruner must be 'median', None (no pruning) or an Optuna pruner, got {pruner!r}")


def open_study(storage: Any, study_name: str, settings: dict, pruner: Any) -> Any:
    """The Optuna study `study_name` in `storage`, created with `settings` or resumed if they match."""
    op = optuna()
    if not isinstance(study_name, str) or not study_name:
        raise ValueError(f"nn.search: study_name must be a non-empty string, got {study_name!r}")
    pruner = check_pruner(pruner)
    space = spaces.from_json(settings["space"])
    sampler = make_sampler(settings["method"], space, settings["seed"])
    opened = storages.open_storage(storage)
    verbosity = op.logging.get_verbosity()
    op.logging.set_verbosity(op.logging.WARNING)  # no "A new study created" line for every search
    try:
        study = op.create_study(storage=opened, sampler=sampler, pruner=pruner, study_name=study_name,
                                direction=settings["direction"], load_if_exists=True)
    finally:
        op.logging.set_verbosity(verbosity)
    stored = study.user_attrs.get(SETTINGS_KEY)   # set by whoever creates it, before any trial
    if stored is None and study.get_trials(deepcopy=False):
        # Another worker may have created the study between the two reads above: its settings were stored
        # before its first trial, so they are there now, unless the trials are not nn.search's.
        stored = study.user_attrs.get(SETTINGS_KEY)
        if stored is None:
            raise ValueError(f"nn.search: study {study_name!r} in {storages.describe(storage)} already has trials "
                             "that nn.search did not make; give another study_name")
    if stored is None:
        study.set_user_attr(SETTINGS_KEY, settings)
    elif stored != settings:
        raise ValueError(f"nn.search: study {study_name!r} in {storages.describe(storage)} was made with "
                         f"{_settings_text(stored)}, and this call asks for {_settings_text(settings)}; "
                         "run it with the same settings to resume it, or give another study_name")
    return study


def existing_study(storage: Any, study_name: str) -> tuple[Any, dict]:
    """A study that nn.search made in `storage`, with its settings; a clear error if there is none."""
    op = optuna()
    if storage is None:
        raise ValueError("nn.search: a study in memory lives only in the process that ran it; "
                         "give the storage (a file or URL) that holds the study")
    opened = storages.open_storage(storage)
    names = [s.study_name for s in op.get_all_study_summaries(opened, include_best_trial=False)]
    if study_name not in names:
        raise LookupError(f"nn.search: there is no study {study_name!r} in {storages.describe(storage)}"
                         + (f" (it holds {', '.join(map(repr, names))})" if names else " (it holds none)"))
    study = op.load_study(study_name=study_name, storage=opened)
    settings = _settings_of(study)
    if settings is None:
        raise ValueError(f"nn.search: study {study_name!r} in {storages.describe(storage)} was not made by nn.search")
    return study, settings


def _settings_of(study: Any, wait: float = 2.0) -> dict | None:
    """The settings nn.search keeps in the study. A worker that opens the study in the instant
    after another created it may not see them yet: it looks again for up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while (settings := study.user_attrs.get(SETTINGS_KEY)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return settings


def _settings_text(settings: dict) -> str:
    space = spaces.describe(spaces.from_json(settings["space"]))
    return (f"method={settings['method']!r}, space {space}, seed={settings['seed']!r}, "
            f"direction={settings['direction']!r}")
