"""Walking backward's frames in a notebook: `step_slider` (an ipywidgets slider) and its static fallback.

Each frame is ``draw_graph(root, step=i)`` under the step in words (`backward_steps`).
"""

from __future__ import annotations

import html
from typing import Any

from autograd_lite import Value

from .dot import DotNotFoundError, pipe
from .graph import draw_graph
from .steps import Step, backward_steps


def frame_html(root: Value, index: int, draw_options: dict) -> str:
    """One frame of the backward step-through as HTML: the step in words over its picture."""
    step = backward_steps(root)[index]
    words = f"<pre style='margin:0'>{html.escape(str(step))}</pre>"
    graph = draw_graph(root, step=index, **draw_options)
    try:
        svg = pipe(graph, "svg").decode("utf-8")
    except DotNotFoundError as error:
        return f"<div>{words}<pre>{html.escape(str(error))}</pre></div>"
    return f"<div>{words}{svg}</div>"


class StepFrames:
    """The static fallback of `step_slider`: every frame one after another (SVG, or text without dot)."""

    def __init__(self, root: Value, steps: list[Step], draw_options: dict) -> None:
        self.root, self.steps, self.draw_options = root, steps, draw_options

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        return "\n".join(str(step) for step in self.steps)

    def _repr_html_(self) -> str:
        return "\n".join(frame_html(self.root, i, self.draw_options) for i in range(len(self.steps)))


def step_slider(root: Value, *, widgets: bool = True, **draw_options: Any) -> Any:
    """Walk backward's frames in a notebook: an ipywidgets slider over ``draw_graph(root, step=i)``.

    Without ipywidgets (or with ``widgets=False``) it returns a `StepFrames`, which shows every
    frame in turn; ``print()`` of it lists the steps in words.
    """
    steps = backward_steps(root)
    if widgets:
        try:
            import ipywidgets
        except ImportError:
            ipywidgets = None
        if ipywidgets is not None:
            return _slider(ipywidgets, root, steps, draw_options)
    return StepFrames(root, steps, draw_options)


def _slider(ipywidgets: Any, root: Value, steps: list[Step], draw_options: dict) -> Any:
    cache: dict[int, str] = {}

    def frame(i: int) -> str:
        if i not in cache:
            cache[i] = frame_html(root, i, draw_options)
        return cache[i]

    slider = ipywidgets.IntSlider(value=0, min=0, max=len(steps) - 1, description="step",
                                  continuous_update=False)
    picture = ipywidgets.HTML(value=frame(0))

    def show(change: dict) -> None:
        picture.value = frame(change["new"])

    slider.observe(show, names="value")
    return ipywidgets.VBox([slider, picture])
