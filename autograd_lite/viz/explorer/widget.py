"""`ExplorerWidget`: the explorer as an anywidget, the JavaScript drawing it and Python replaying edits.

A leaf edited in the page comes back as a message; Python replays the graph and sends the new state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from autograd_lite import Value

from .assets import module_source, read
from .core import Explorer
from .replay import ReplayError


class ExplorerWidget(anywidget.AnyWidget):
    """A live, interactive computation graph in Jupyter; ``save(path)`` writes a standalone page."""

    _esm = traitlets.Unicode(module_source()).tag(sync=True)
    _css = traitlets.Unicode(read("explorer.css")).tag(sync=True)
    state = traitlets.Dict().tag(sync=True)

    def __init__(self, explorer: Explorer, **kwargs: Any) -> None:
        super().__init__(state=explorer.state, **kwargs)
        self.explorer = explorer
        self.on_msg(self._on_message)

    @property
    def root(self) -> Value:
        """The root of the graph shown (a replayed copy of the one given to explore)."""
        return self.explorer.root

    def edit(self, leaf: Value | str | int, value: Any) -> None:
        """Give an input or parameter new data; the page redraws with the replayed values and gradients."""
        self.state = self.explorer.edit(leaf, value)

    def save(self, path: str | Path) -> Path:
        """Write one self-contained HTML file (see `Explorer.save`)."""
        return self.explorer.save(path)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "edit":
            return
        try:
            self.edit(str(content.get("id")), content.get("value"))
        except (ReplayError, TypeError, ValueError) as error:
            self.send({"type": "error", "message": str(error)})

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data or {})
        data["text/html"] = self.explorer.static_html()  # what a notebook run headless (or without widgets) keeps
        return (data, metadata) if isinstance(bundle, tuple) else data
