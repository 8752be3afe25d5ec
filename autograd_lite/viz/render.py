"""Turning a drawn graph into SVG or PNG files and text: `to_svg`, `to_png`, `render_graph`, `write_graph`.

Each takes a `draw_graph` result or a Value (drawn first, with the options given).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphviz

from autograd_lite import Value

from .dot import INSTALL_HINT, DotNotFoundError, pipe
from .graph import draw_graph


def _as_graph(graph_or_root: graphviz.Digraph | Value, draw_options: dict) -> graphviz.Digraph:
    if isinstance(graph_or_root, Value):
        return draw_graph(graph_or_root, **draw_options)
    if isinstance(graph_or_root, graphviz.Digraph):
        if draw_options:
            raise TypeError(f"draw options {sorted(draw_options)} only apply when passing a Value, not a drawn graph")
        return graph_or_root
    raise TypeError(f"expected a Value or a graphviz.Digraph, got {type(graph_or_root).__name__}")


def to_svg(graph_or_root: graphviz.Digraph | Value, **draw_options: Any) -> str:
    """The picture as SVG text (draws `graph_or_root` first when it is a Value)."""
    return pipe(_as_graph(graph_or_root, draw_options), "svg").decode("utf-8")


def to_png(graph_or_root: graphviz.Digraph | Value, **draw_options: Any) -> bytes:
    """The picture as PNG bytes (draws `graph_or_root` first when it is a Value)."""
    return pipe(_as_graph(graph_or_root, draw_options), "png")


_SUFFIXES = {".svg", ".png", ".gv", ".dot", ".pdf"}


def _strip_suffix(path: str | Path) -> Path:
    path = Path(path)
    return path.with_suffix("") if path.suffix.lower() in _SUFFIXES else path


def render_graph(graph_or_root: graphviz.Digraph | Value, path_without_suffix: str | Path,
                 format: str = "svg", **draw_options: Any) -> Path:  # noqa: A002  (graphviz's own name)
    """Write the picture to ``path_without_suffix + '.' + format`` and return that path.

    Raises `DotNotFoundError` (with install instructions) when `dot` is missing.
    """
    graph = _as_graph(graph_or_root, draw_options)
    out = _strip_suffix(path_without_suffix).with_name(_strip_suffix(path_without_suffix).name + f".{format}")
    data = pipe(graph, format)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def write_graph(root: Value, path_without_suffix: str | Path, **draw_options: Any) -> tuple[Path, str]:
    """Write `root`'s graph as an SVG; without `dot`, write the ``.gv`` source instead. Never fails for lack of dot.

    Returns ``(path written, a one-line message for the user)``. Used by the ``python -m nn`` demo.
    """
    graph = _as_graph(root, draw_options)
    base = _strip_suffix(path_without_suffix)
    try:
        path = render_graph(graph, base, "svg")
    except DotNotFoundError:
        path = base.with_name(base.name + ".gv")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(graph.source, encoding="utf-8")
        return path, (f"Graphviz's `dot` program is not installed, so the graph's DOT source was written to {path} "
                      f"instead. To get the picture, {INSTALL_HINT}; then run: dot -Tsvg {path.resolve()} -o "
                      f"{path.with_suffix('.svg')}")
    return path, f"wrote the computation graph to {path.resolve()}"
