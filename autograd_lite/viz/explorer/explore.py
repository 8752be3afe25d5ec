"""`explore(root)`: the live backprop explorer, a widget in Jupyter (anywidget), or its plain Python side.

``explore(J).save("backprop.html")`` writes a page that works offline in any current browser.
"""

from __future__ import annotations

from typing import Any

from autograd_lite import Value

from ..graph import DEFAULT_MAX_NODES
from .core import Explorer


def explore(root: Value, *, precision: int = 4, rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES,
            collapse: bool | int | list[str] = False, widget: bool = True) -> Any:
    """Explore the graph of `root`: click a node for its chain rule, step through backward, edit leaves live.

    Returns an ``ExplorerWidget`` (anywidget) when `widget` and anywidget is installed, else the
    `Explorer` itself; both have ``save(path)``, ``edit(leaf, value)`` and ``state``. The options are
    `draw_graph`'s (`max_nodes` and `collapse` guard big graphs the same way, with the same message).
    """
    explorer = Explorer(root, precision=precision, rankdir=rankdir, max_nodes=max_nodes, collapse=collapse)
    if widget:
        try:
            from .widget import ExplorerWidget
        except ImportError:
            return explorer
        return ExplorerWidget(explorer)
    return explorer
