"""Turning a drawn graph into SVG or PNG, and a clear way out when Graphviz's `dot` is missing.

`ValueGraph` is the `graphviz.Digraph` that `draw_graph` returns: it renders and shows inline
in Jupyter like any Digraph, but a missing `dot` gives install instructions and keeps the source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphviz

from autograd_lite import Value

INSTALL_HINT = ("install Graphviz, which provides the `dot` program: `apt-get install graphviz` (Debian, Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install graphviz` (conda)")


class DotNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's `dot` program is not installed; `source` still holds the graph's DOT text.

    A subclass of ``graphviz.ExecutableNotFound``, so code that already catches that still works.
    """

    def __init__(self, source: str, action: str) -> None:
        RuntimeError.__init__(
            self,
            f"{action}: Graphviz's `dot` program was not found, so the graph cannot be turned into a picture. "
            f"To fix it, {INSTALL_HINT}. The DOT source is still available (graph.source, or this error's "
            "`.source`); graph.save('graph.gv') writes it to a file.")
        self.source = source


class ValueGraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` of Values whose rendering explains how to install `dot` when it is missing."""

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            if isinstance(error, DotNotFoundError):
                raise
            raise DotNotFoundError(self.source, "rendering the graph") from error

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            if isinstance(error, DotNotFoundError):
                raise
            raise DotNotFoundError(self.source, "rendering the graph") from error

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except graphviz.ExecutableNotFound as error:  # show the hint and the source, not a traceback
            return {"text/plain": f"{error}\n\n{self.source}"}


def _as_graph(graph_or_root: graphviz.Digraph | Value, draw_options: dict) -> graphviz.Digraph:
    if isinstance(graph_or_root, Value):
        from .graph import draw_graph

        return draw_graph(graph_or_root, **draw_options)
    if isinstance(graph_or_root, graphviz.Digraph):
        if draw_options:
            raise TypeError(f"draw options {sorted(draw_options)} only apply when passing a Value, not a drawn graph")
        return graph_or_root
    raise TypeError(f"expected a Value or a graphviz.Digraph, got {type(graph_or_root).__name__}")


def _pipe(graph: graphviz.Digraph, fmt: str) -> bytes:
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        if isinstance(error, DotNotFoundError):
            raise
        raise DotNotFoundError(graph.source, f"rendering to {fmt.upper()}") from error


def to_svg(graph_or_root: graphviz.Digraph | Value, **draw_options: Any) -> str:
    """The picture as SVG text (draws `graph_or_root` first when it is a Value)."""
    return _pipe(_as_graph(graph_or_root, draw_options), "svg").decode("utf-8")


def to_png(graph_or_root: graphviz.Digraph | Value, **draw_options: Any) -> bytes:
    """The picture as PNG bytes (draws `graph_or_root` first when it is a Value)."""
    return _pipe(_as_graph(graph_or_root, draw_options), "png")


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
    data = _pipe(graph, format)
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


def frame_html(root: Value, index: int, draw_options: dict) -> str:
    """One frame of the backward step-through as HTML: the step in words over its picture."""
    import html

    from .graph import draw_graph
    from .steps import backward_steps

    step = backward_steps(root)[index]
    words = f"<pre style='margin:0'>{html.escape(str(step))}</pre>"
    graph = draw_graph(root, step=index, **draw_options)
    try:
        svg = _pipe(graph, "svg").decode("utf-8")
    except DotNotFoundError as error:
        return f"<div>{words}<pre>{html.escape(str(error))}</pre></div>"
    return f"<div>{words}{svg}</div>"
