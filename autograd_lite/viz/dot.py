"""Graphviz's `dot`, and a clear way out when it is missing: the Digraph that `draw_graph` returns.

`ValueGraph` renders and shows inline in Jupyter like any ``graphviz.Digraph``, but a missing
`dot` gives install instructions and keeps the DOT source (a notebook draws it in the browser instead).
"""

from __future__ import annotations

from typing import Any

import graphviz

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
        """``graphviz.Digraph.pipe`` (the rendered bytes), raising `DotNotFoundError` when `dot` is missing."""
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            if isinstance(error, DotNotFoundError):
                raise
            raise DotNotFoundError(self.source, "rendering the graph") from error

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """``graphviz.Digraph.render`` (a file written), raising `DotNotFoundError` when `dot` is missing."""
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
            bundle = {"text/plain": f"{error}\n\n{self.source}"}
            try:  # and the picture, laid out in the browser by Graphviz compiled to WebAssembly
                from .explorer.dotless import wasm_html

                note = f"Graphviz's `dot` program is not installed ({INSTALL_HINT} to render pictures in Python too)"
                bundle["text/html"] = wasm_html(self.source, note)
            except OSError:  # the packaged assets are missing: the text is all there is
                pass
            return bundle


def pipe(graph: graphviz.Digraph, fmt: str) -> bytes:
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        if isinstance(error, DotNotFoundError):
            raise
        raise DotNotFoundError(graph.source, f"rendering to {fmt.upper()}") from error
