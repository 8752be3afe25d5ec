"""What a search found: the best hyper-parameters and score, and one row per trial (params, score,
epochs run, seconds, state, error) as a list of dicts that prints as a table, in text or HTML.
"""

from __future__ import annotations

import html
import math
from typing import Any

from .deps import optuna
from .trials import replaced

STATES = {"COMPLETE": "complete", "PRUNED": "pruned", "FAIL": "failed", "RUNNING": "running", "WAITING": "waiting"}


class SearchResult:
    """The trials of a study, read from its storage each time (other workers may still be adding to it).

    `best_params` and `best_score` come from complete trials only: a pruned trial's last reported
    score and a failed one's are never the best. `study` is the Optuna study itself.
    """

    def __init__(self, study: Any, space: dict, method: str) -> None:
        self.study, self.space, self.method = study, space, method

    @property
    def direction(self) -> str:
        return "maximize" if self.study.direction.name == "MAXIMIZE" else "minimize"

    def _best(self) -> Any:
        complete = [t for t in self.study.get_trials(deepcopy=False)
                    if t.state == optuna().trial.TrialState.COMPLETE]
        if not complete:
            rows = self.table()
            errors = [r for r in rows if r["error"]]
            first = f"; trial {errors[0]['trial']} failed with {errors[0]['error']}" if errors else ""
            counts = ", ".join(f"{sum(r['state'] == s for r in rows)} {s}" for s in STATES.values()
                               if any(r["state"] == s for r in rows))
            raise RuntimeError(f"nn.search: no trial has completed ({counts or 'no trials'}){first}")
        sign = 1.0 if self.direction == "maximize" else -1.0
        return max(complete, key=lambda t: (sign * t.value, -t.number))

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self._best().params)

    @property
    def best_score(self) -> float:
        return float(self._best().value)

    @property
    def best_trial(self) -> int:
        return self._best().number

    def table(self) -> Table:
        """One dict per trial, in trial order: "trial", "state", "score", "params", "epochs",
        "seconds", "error" (None unless failed) and "worker" (host:pid). Trials a worker claimed but
        never ran (see nn/search/trials.py) are left out."""
        trials = self.study.get_trials(deepcopy=False)
        replacements = replaced(trials)
        rows = []
        for t in trials:
            if "unused" in t.user_attrs:
                continue
            error = t.user_attrs.get("error") if t.state.name == "FAIL" else None
            if t.number in replacements:
                again = replacements[t.number]
                error = (f"{error}; " if error else "") + f"{again.user_attrs.get('reason', 'stopped')}: " \
                    f"run again as trial {again.number}"
            elif t.state.name == "FAIL" and error is None:
                error = "failed (no error recorded)"
            epochs = t.user_attrs.get("epochs", t.last_step)
            seconds = (t.datetime_complete - t.datetime_start).total_seconds() \
                if t.datetime_complete is not None and t.datetime_start is not None else None
            rows.append({"trial": t.number, "state": STATES.get(t.state.name, t.state.name.lower()),
                         "score": t.value, "params": dict(t.params), "epochs": epochs, "seconds": seconds,
                         "error": error, "worker": t.user_attrs.get("worker")})
        return Table(rows, list(self.space))

    def plot(self) -> Any:
        """A matplotlib Figure: the best score so far against trials, and the score against each
        hyper-parameter (pruned trials at their last reported score, as crosses)."""
        from .plot import plot_result

        return plot_result(self)

    def __repr__(self) -> str:
        rows = self.table()
        counts = ", ".join(f"{sum(r['state'] == s for r in rows)} {s}" for s in STATES.values()
                           if any(r["state"] == s for r in rows))
        try:
            best = f"; best score {self.best_score:.6g} with {self.best_params}"
        except RuntimeError:
            best = ""
        return f"<SearchResult method={self.method!r} {self.direction}: {len(rows)} trials ({counts}){best}>"


class Table(list):
    """A list of row dicts that prints as a table (plain text in a terminal, HTML in a notebook)."""

    def __init__(self, rows: list[dict], names: list[str]) -> None:
        super().__init__(rows)
        self.names = names

    def _columns(self) -> list[tuple[str, Any]]:
        columns = [("trial", lambda r: r["trial"]), ("state", lambda r: r["state"]),
                   ("score", lambda r: r["score"])]
        columns += [(name, lambda r, name=name: r["params"].get(name)) for name in self.names]
        columns += [("epochs", lambda r: r["epochs"]), ("seconds", lambda r: r["seconds"])]
        if len({r["worker"] for r in self}) > 1:
            columns.append(("worker", lambda r: r["worker"]))
        if any(r["error"] for r in self):
            columns.append(("error", lambda r: r["error"]))
        return columns

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        columns = self._columns()
        return [c for c, _ in columns], [[_cell(get(r)) for _, get in columns] for r in self]

    def __repr__(self) -> str:
        head, body = self._cells()
        if not body:
            return "(no trials)"
        widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(head)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body]
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        head, body = self._cells()
        cells = lambda row, tag: "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row)
        rows = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in body)
        return f"<table><thead><tr>{cells(head, 'th')}</tr></thead><tbody>{rows}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    return str(value)
