"""`Explorer`: one graph being explored, its state, live edits by replay, and `save` to a standalone page.

Pure Python (no widget library): `ExplorerWidget` wraps it for notebooks, and it works without one.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from autograd_lite import Value

from ..dot import DotNotFoundError, pipe
from ..graph import DEFAULT_MAX_NODES, all_nodes, draw_graph
from . import export
from .replay import ReplayError, check_replayable, replay
from .state import graph_state


class Explorer:
    """The explorer's Python side for `root`: ``state`` (JSON data), ``edit(leaf, value)``, ``save(path)``.

    It explores a replayed copy of the graph (fresh forward and backward), so the caller's Values and
    their ``.grad`` never change. A graph that cannot be replayed is shown as recorded, without live editing.
    """

    def __init__(self, root: Value, *, precision: int = 4, rankdir: str = "LR",
                 max_nodes: int = DEFAULT_MAX_NODES, collapse: Any = False) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"explore: root must be a Value, got {type(root).__name__}")
        self.options = dict(precision=precision, rankdir=rankdir, max_nodes=max_nodes, collapse=collapse)
        draw_graph(root, precision=precision, rankdir=rankdir, max_nodes=max_nodes, collapse=collapse,
                   caption=False)  # draw_graph's own checks and its node limit, before any work
        self.recorded = root
        try:
            nodes = check_replayable(root)
            copy = replay(root, nodes=nodes, verify=True)
            self.root, self.nodes, self.live, self.note = copy.root, copy.nodes, True, None
        except ReplayError as error:
            self.root, self.nodes, self.live = root, all_nodes(root), False
            self.note = f"Live editing is off: {error}"
        self.state = self._state()

    @property
    def ids(self) -> dict[Value, str]:
        """Each Value of the explored graph -> its node id in the DOT sources and the page ("v3")."""
        return {v: f"v{i}" for i, v in enumerate(self.nodes)}

    def _state(self) -> dict:
        return graph_state(self.root, live=self.live, note=self.note, **self.options)

    def _position(self, leaf: Value | str | int) -> int:
        if isinstance(leaf, Value):
            for graph in (self.nodes, all_nodes(self.recorded)):
                found = next((i for i, v in enumerate(graph) if v is leaf), None)
                if found is not None:
                    return found
            raise ValueError("explore.edit: this Value is not in the explored graph")
        if isinstance(leaf, str) and leaf.startswith("v") and leaf[1:].isdigit():
            position = int(leaf[1:])
        elif isinstance(leaf, str):
            matches = [i for i, v in enumerate(self.nodes) if v.label == leaf and v.is_leaf]
            if len(matches) != 1:
                raise ValueError(f"explore.edit: {len(matches)} leaves are labelled {leaf!r}; pass the Value or its id")
            position = matches[0]
        elif isinstance(leaf, int) and not isinstance(leaf, bool):
            position = leaf
        else:
            raise TypeError(f"explore.edit: name a leaf by its Value, label or id ('v3'), got {leaf!r}")
        if not 0 <= position < len(self.nodes):
            raise ValueError(f"explore.edit: no node {leaf!r} (the graph has {len(self.nodes)} nodes)")
        return position

    def edit(self, leaf: Value | str | int, value: Any) -> dict:
        """Give an input or parameter new data, replay the graph (forward and backward), and return the new state."""
        if not self.live:
            raise ReplayError(f"explore.edit: {self.note}")
        position = self._position(leaf)
        copy = replay(self.root, {position: value}, nodes=self.nodes)
        self.root, self.nodes = copy.root, copy.nodes
        self.state = self._state()
        return self.state

    def save(self, path: str | Path) -> Path:
        """Write the explorer as one self-contained HTML file (opens offline; no live editing there)."""
        name = self.root.label or "the graph"
        return export.save(self.state, path, f"Backprop explorer: {name}")

    def static_html(self) -> str:
        """What a notebook shows where no widget can run: the graph drawn by `dot`, or the install hint."""
        try:
            picture = pipe(draw_graph(self.root, order=True, precision=self.options["precision"],
                                      rankdir=self.options["rankdir"], max_nodes=self.options["max_nodes"],
                                      collapse=self.options["collapse"]), "svg").decode("utf-8")
        except DotNotFoundError as error:
            picture = f"<pre>{html.escape(str(error))}</pre>"
        return ("<div><p style='font-size:12px;color:#666'>autograd_lite backprop explorer (interactive in a live "
                "Jupyter kernel with anywidget; <code>.save('page.html')</code> writes a page that works offline). "
                f"Static picture:</p>{picture}</div>")

    def _repr_html_(self) -> str:
        return self.static_html()

