"""Pictures of a search with matplotlib: the best score so far against the number of trials, and
the score against each hyper-parameter (log axes for log ranges, one position per choice).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .space import Range


def best_so_far(scores: list[float | None], direction: str) -> np.ndarray:
    """The best complete score after each trial (NaN until one completes); None marks a trial without one."""
    pick = np.fmax if direction == "maximize" else np.fmin
    values = np.array([np.nan if s is None else s for s in scores], dtype=float)
    return pick.accumulate(values) if values.size else values


def plot_result(result: Any) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("SearchResult.plot needs matplotlib: pip install matplotlib") from error
    rows = result.table()
    names = list(result.space)
    fig, axes = plt.subplots(1, 1 + len(names), figsize=(4.2 * (1 + len(names)), 3.6), squeeze=False)
    axes = axes[0]
    complete = [r for r in rows if r["state"] == "complete"]
    pruned = [r for r in rows if r["state"] == "pruned" and r["score"] is not None]
    scores = [r["score"] if r["state"] == "complete" else None for r in rows]
    axes[0].plot(np.arange(1, len(rows) + 1), best_so_far(scores, result.direction), drawstyle="steps-post")
    axes[0].set_xlabel("trials")
    axes[0].set_ylabel(f"best score so far ({result.direction}d)")
    axes[0].set_title(f"{result.method} search")
    for ax, name in zip(axes[1:], names, strict=True):
        entry = result.space[name]
        position = _positions(entry, ax)
        ax.scatter([position(r["params"][name]) for r in complete], [r["score"] for r in complete],
                   label="complete", zorder=3)
        if pruned:
            ax.scatter([position(r["params"][name]) for r in pruned], [r["score"] for r in pruned], marker="x",
                       color="gray", label="pruned (last report)", zorder=2)
            ax.legend(fontsize=8)
        ax.set_xlabel(name)
        ax.set_ylabel("score")
    fig.tight_layout()
    return fig


def _positions(entry: Any, ax: Any) -> Any:
    """How a value of this hyper-parameter maps to the x axis (and the axis set up for it)."""
    if isinstance(entry, Range):
        if entry.kind == "log_uniform" or entry.log:
            ax.set_xscale("log")
        return lambda v: v
    choices = list(entry)
    ax.set_xticks(range(len(choices)), [str(c) for c in choices])
    return lambda v: choices.index(v)
