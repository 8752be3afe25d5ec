"""Running a study's trials in this process: claiming a place in the budget that no other worker can
also take, a heartbeat while a trial runs, failures recorded, and trials whose worker died run again.

Any number of processes, on any number of machines, may run `work` on one study at once. The
budget is the number of trials the study should hold; a trial takes a place in it when it is
complete, pruned, failed or running. A worker claims a place by asking Optuna for a trial, which
the storage numbers atomically, and keeps it only if fewer than `budget` trials with smaller
numbers take a place (and, on a grid, no other trial holds or has queued its point): of two
workers racing for the last place, exactly one keeps it. The other records its trial as failed
with the user attribute "unused": it never ran, and results leave it out.

A running trial carries the user attributes "worker" (host:pid) and "alive_at" (seconds since
1970, renewed every HEARTBEAT_SECONDS; the machines' clocks must agree to well within
STALE_SECONDS). A worker that finds a running trial whose process is gone (same host) or silent
for STALE_SECONDS marks it failed and queues its parameters again, with the user attribute
"replaces" naming it; the failed trial then takes no place. So a search killed at any moment
resumes when the same command runs again: finished trials are kept, the budget is completed.
(A trial killed in the instant between its creation and its first attribute cannot be judged
and keeps its place; end it with ``study.tell(number, state=TrialState.FAIL)``.)
"""

from __future__ import annotations

import math
import numbers
import os
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from .deps import optuna

HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 300.0
_RUNNING_HERE: set[tuple[str, int]] = set()   # (study name, trial number) of the trials this process is running


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def replaced(trials: Iterable[Any]) -> dict[int, Any]:
    """Trial number -> the trial that was queued to run again in its place."""
    return {t.user_attrs["replaces"]: t for t in trials if "replaces" in t.user_attrs}


def takes_a_place(trial: Any, replacements: dict[int, Any]) -> bool:
    state = optuna().trial.TrialState
    if trial.state == state.WAITING:
        return False
    if trial.state == state.FAIL:
        return "unused" not in trial.user_attrs and trial.number not in replacements
    return True


def work(study: Any, objective: Callable[[dict, Any], Any], distributions: dict, budget: int, *,
         grid: list[dict] | None, heartbeat: bool) -> list[int]:
    """Run trials of `study` until every place in its budget is taken; the numbers of those run here.

    `grid` lists every point of a grid search (None for the other methods): a trial whose point
    another trial already holds, or has queued, is handed back rather than run twice.
    """
    ran = []
    while (trial := _claim(study, distributions, budget, grid)) is not None:
        try:
            _run(study, trial, objective, heartbeat)
        finally:
            _RUNNING_HERE.discard((study.study_name, trial.number))
        ran.append(trial.number)
    return ran


def _point(params: dict) -> tuple:
    return tuple(sorted(params.items()))


def _held_points(trials: list, replacements: dict, below: int | None = None) -> set[tuple]:
    """The grid points that trials taking a place hold, and those queued to run (of the trials
    numbered below `below`, if given: of two trials on one point, the first keeps it)."""
    waiting = optuna().trial.TrialState.WAITING
    held = set()
    for t in trials:
        if below is not None and t.number >= below:
            continue
        if t.state == waiting:
            held.add(_point(t.system_attrs.get("fixed_params", {})))
        elif takes_a_place(t, replacements):
            held.add(_point(t.params))
    return held


def _claim(study: Any, distributions: dict, budget: int, grid: list[dict] | None) -> Any:
    """A trial of `study` that holds a place in the budget (see the module's docstring), or None."""
    for _ in range(len(grid) + 2 if grid is not None else 1):
        trials = study.get_trials(deepcopy=False)
        if _fail_abandoned(study, trials):
            trials = study.get_trials(deepcopy=False)
        replacements = replaced(trials)
        if sum(takes_a_place(t, replacements) for t in trials) >= budget:
            return None
        if grid is not None and not _next_grid_point(study, trials, replacements, grid):
            return None
        trial, over_budget = _ask(study, distributions, budget, grid)
        if trial is not None or over_budget:
            return trial
    return None


def _next_grid_point(study: Any, trials: list, replacements: dict, grid: list[dict]) -> bool:
    """Whether a grid point is left to run. GridSampler gives trial n the n-th point of its shuffle;
    once the numbers pass the grid's size (after retries), a free point is queued explicitly."""
    if any(t.state == optuna().trial.TrialState.WAITING for t in trials):
        return True
    held = _held_points(trials, replacements)
    free = [p for p in grid if _point(p) not in held]
    if free and len(trials) >= len(grid):
        study.enqueue_trial(free[0])
    return bool(free)


def _ask(study: Any, distributions: dict, budget: int, grid: list[dict] | None) -> tuple[Any, bool]:
    """Ask for a trial; keep it if it holds a place, else hand it back: (trial or None, over budget)."""
    state = optuna().trial.TrialState
    trial = study.ask(distributions)
    here = (study.study_name, trial.number)
    _RUNNING_HERE.add(here)   # before its "worker" shows it as this process's
    try:
        trial.set_user_attr("worker", worker_name())
        trial.set_user_attr("alive_at", time.time())   # seconds since 1970, whatever the machine's time zone
    except BaseException:
        _RUNNING_HERE.discard(here)
        raise
    trials = study.get_trials(deepcopy=False)
    replacements = replaced(trials)
    over_budget = sum(takes_a_place(t, replacements) for t in trials if t.number < trial.number) >= budget
    is_retry = "replaces" in trial.user_attrs
    repeat = grid is not None and _point(trial.params) in _held_points(trials, replacements, below=trial.number)
    if not over_budget and not repeat:
        return trial, False
    # Another worker took the last place (or this grid point) first: hand this trial back, keeping
    # a retry's or a new grid point's parameters queued for a later, larger budget.
    trial.set_user_attr("unused", "another worker took the last place in the budget (or this grid point); "
                                  "this trial never ran")
    study.tell(trial, state=state.FAIL)
    _RUNNING_HERE.discard(here)
    if is_retry or (grid is not None and not repeat):
        study.enqueue_trial(dict(trial.params), user_attrs={"replaces": trial.number, "reason": "not run"})
    return None, over_budget


def _fail_abandoned(study: Any, trials: list) -> bool:
    """Mark failed the running trials whose worker is gone, and queue each one's parameters again."""
    op = optuna()
    host, now, changed = socket.gethostname(), time.time(), False
    for t in trials:
        if t.state != op.trial.TrialState.RUNNING:
            continue
        reason = _why_abandoned(t, host, now, study.study_name)
        if reason is None:
            continue
        try:
            study.tell(t.number, state=op.trial.TrialState.FAIL)
        except (ValueError, RuntimeError, op.exceptions.UpdateFinishedTrialError):
            continue  # another worker got there first, and queues the retry
        changed = True
        if set(t.params) == set(t.distributions) and t.params:
            study.enqueue_trial(dict(t.params), user_attrs={"replaces": t.number, "reason": reason})
    return changed


def _why_abandoned(trial: Any, host: str, now: float, study_name: str) -> str | None:
    worker = trial.user_attrs.get("worker", "")
    if worker == worker_name() and (study_name, trial.number) not in _RUNNING_HERE:
        return "it was interrupted in this process"
    name, _, pid = worker.rpartition(":")
    if name == host and pid.isdigit() and not _process_alive(int(pid)):
        return f"its worker {worker} stopped during the trial"
    alive_at = trial.user_attrs.get("alive_at")   # None: made by another tool, or killed as it was made
    if alive_at is not None and now - alive_at > STALE_SECONDS:
        return f"its worker {worker} sent no heartbeat for {now - alive_at:.0f} s"
    return None


def _process_alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # no signal 0 on Windows: only the heartbeat tells
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child that its parent has not reaped yet is a zombie: gone all the same
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _run(study: Any, trial: Any, objective: Callable[[dict, Any], Any], heartbeat: bool) -> None:
    op = optuna()
    failed = op.trial.TrialState.FAIL
    beat = _Heartbeat(trial) if heartbeat else None
    try:
        score = objective(dict(trial.params), trial)
    except op.TrialPruned:
        study.tell(trial, state=op.trial.TrialState.PRUNED)
        return
    except Exception as error:
        _fail(study, trial, f"{type(error).__name__}: {error}")
        return
    except BaseException as error:  # KeyboardInterrupt, SystemExit: record it, queue it again, stop
        trial.set_user_attr("error", f"interrupted ({type(error).__name__})")
        study.tell(trial, state=failed)
        study.enqueue_trial(dict(trial.params), user_attrs={"replaces": trial.number, "reason": "interrupted"})
        raise
    finally:
        if beat is not None:
            beat.stop()
    problem = _score_problem(score)
    if problem is not None:
        _fail(study, trial, problem)
        return
    study.tell(trial, float(score))


def _fail(study: Any, trial: Any, error: str) -> None:
    trial.set_user_attr("error", error)
    study.tell(trial, state=optuna().trial.TrialState.FAIL)
    warnings.warn(f"nn.search: trial {trial.number} with {dict(trial.params)} failed: {error}",
                  RuntimeWarning, stacklevel=5)   # the caller of run()


def _score_problem(score: Any) -> str | None:
    if isinstance(score, bool) or not isinstance(score, numbers.Real):
        return (f"the objective returned {score!r} of type {type(score).__name__}; it must return the score "
                "as a number (a Value's .item(), a float from the history)")
    if not math.isfinite(score):
        return f"the objective returned the score {float(score)} (not finite): a failed trial, never a best one"
    return None


class _Heartbeat:
    """Renews the trial's "alive_at" every HEARTBEAT_SECONDS from a thread, until stopped."""

    def __init__(self, trial: Any) -> None:
        self._trial, self._done = trial, threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"nn.search heartbeat {trial.number}", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._done.wait(HEARTBEAT_SECONDS):
            try:
                self._trial.set_user_attr("alive_at", time.time())
            except Exception:  # a storage hiccup: the next beat tries again
                pass

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
