"""The objective that the storage tests' subprocesses run: it logs each call (pid, trial, params)
to SEARCH_LOG, sleeps SEARCH_SLEEP seconds, and with SEARCH_WORKERS=n first waits for n workers."""

import json
import os
import time
from pathlib import Path

import nn

GRID = {"a": [0, 1, 2, 3], "b": ["x", "y", "z"]}                  # 12 points, best at a=2, b="y"
RANGES = {"x": nn.search.uniform(-5.0, 5.0), "b": ["x", "y", "z"]}


def _wait_for_the_other_workers() -> None:
    folder = Path(os.environ["SEARCH_LOG"]).parent
    (folder / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while len(list(folder.glob("ready-*"))) < int(os.environ["SEARCH_WORKERS"]):
        if time.monotonic() > deadline:   # stop the worker (a plain error would fail only this trial)
            raise SystemExit("the other workers did not start within 60 s")
        time.sleep(0.02)


_started = False


def objective(params, trial):
    global _started
    if os.environ.get("SEARCH_WORKERS") and not _started:
        _wait_for_the_other_workers()
    _started = True
    with open(os.environ["SEARCH_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"pid": os.getpid(), "trial": trial.number, "params": params}) + "\n")
    time.sleep(float(os.environ.get("SEARCH_SLEEP", "0")))
    if "a" in params:
        return -(params["a"] - 2) ** 2 - (params["b"] != "y")
    return -(params["x"] - 1.0) ** 2 - (params["b"] != "y")
