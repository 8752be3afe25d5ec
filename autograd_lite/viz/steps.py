"""What backward does, one node at a time: `backward_steps` and a notebook slider over its frames.

The steps replay the chain rule with `autograd_lite.local_grads` in `autograd_lite.backward_order`
and keep their own gradients, so no ``.grad`` in the graph changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_lite import Value, backward_order, local_grads

from .labels import format_data, is_scalar, node_kind, op_text, shape_text


@dataclass(eq=False)
class Step:
    """One node processed by backward: its gradient then, and what it sends to each input.

    `index` is the step's place in the list (0-based); the picture numbers the node ``#index+1``.
    `contributions` holds ``(input, local_derivative, contribution)`` for each input that needs a
    gradient, in argument order: ``contribution = upstream × local_derivative`` for scalars (for
    tensors, the vector-Jacobian product; `local_derivative` is then that product with ones).
    A leaf's step has no contributions: its gradient is final.
    """

    index: int
    node: Value
    upstream: Any
    contributions: list[tuple[Value, Any, Any]] = field(default_factory=list)

    @property
    def number(self) -> int:
        """The node's ``#k`` in ``draw_graph(root, order=True)``."""
        return self.index + 1

    def __str__(self) -> str:
        return describe_step(self)


def edge_derivatives(node: Value, upstream: Any = None) -> list[Any]:
    """`autograd_lite.local_grads` as a list: upstream × ∂node/∂input per input (None for inputs
    that do not require grad, whose rules backward never runs)."""
    return list(local_grads(node, upstream))


def name_of(v: Value) -> str:
    """How text refers to a Value: its label, else what it is (its op, or 'input' / 'constant')."""
    if v.label:
        return v.label
    kind = node_kind(v)
    if kind == "result":
        return f"({op_text(v)})"
    if kind == "constant":
        return format_data(v.data)
    return kind


def describe_step(step: Step, precision: int = 4) -> str:
    """A step in words: the node, its upstream gradient, and upstream × local = contribution."""
    node = step.node
    head = f"step {step.index} (#{step.number}) {name_of(node)}"
    grad = _amount(step.upstream, precision)
    if not step.contributions:
        kind = node_kind(node)
        what = "a parameter" if kind == "parameter" else "a leaf"
        return f"{head} is {what}: its gradient {grad} is final (backward adds it to .grad)"
    lines = [f"{head}: upstream gradient {grad}; it passes to its inputs:"]
    for parent, local, contribution in step.contributions:
        lines.append(f"  -> {name_of(parent)}: {grad} × local {_amount(local, precision)} "
                     f"= {_amount(contribution, precision)}")
    return "\n".join(lines)


def _amount(x: Any, precision: int) -> str:
    if is_scalar(x):
        return format_data(x, precision)
    return f"<array {shape_text(np.shape(x))}>"


def seed_for(root: Value, grad: Any, where: str) -> Any:
    """The gradient backward starts from: 1 for a one-element root, else the given `grad`."""
    data = root.data
    if grad is None:
        if type(data) is not float and data.size != 1:
            raise ValueError(f"{where}: the root has shape {root.shape}; pass grad= (an array of that shape) "
                             "or reduce the root to one number first (e.g. .sum())")
        return 1.0 if type(data) is float else np.ones_like(data)
    if isinstance(grad, Value):
        grad = grad.data
    if type(data) is float:
        if np.size(grad) != 1:
            raise ValueError(f"{where}: grad has shape {np.shape(grad)}, the root is a scalar")
        return float(np.asarray(grad).reshape(()))
    grad = np.asarray(grad, dtype=data.dtype)
    if grad.shape != data.shape:
        raise ValueError(f"{where}: grad has shape {grad.shape}, the root has shape {data.shape}")
    return grad


def backward_steps(root: Value, grad: Any = None) -> list[Step]:
    """The steps of ``root.backward(grad)`` in backward's own visit order, without running it.

    ``steps[i].node is autograd_lite.backward_order(root)[i]``. Each step's `upstream` is the
    node's complete gradient (every consumer came earlier); its `contributions` are what it adds
    to each input. For every leaf, its contributions received sum to the gradient backward
    would add to its ``.grad``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: root must be a Value, got {type(root).__name__}")
    if not root.requires_grad:
        raise ValueError("backward_steps: the root does not require grad, so backward has nothing to do "
                         "(its inputs have requires_grad=False, or it was computed under no_grad())")
    grads: dict[Value, Any] = {root: seed_for(root, grad, "backward_steps")}
    steps: list[Step] = []
    for index, node in enumerate(backward_order(root)):
        upstream = grads.get(node)
        if upstream is None:  # cannot happen for a node backward_order reaches; kept explicit
            upstream = 0.0 if type(node.data) is float else np.zeros_like(node.data)
        contributions: list[tuple[Value, Any, Any]] = []
        if not node.is_leaf:
            locals_ = edge_derivatives(node)
            sent = edge_derivatives(node, upstream)
            for parent, local, contribution in zip(node.parents, locals_, sent, strict=True):
                if not parent.requires_grad:
                    continue
                contributions.append((parent, local, contribution))
                previous = grads.get(parent)
                grads[parent] = contribution if previous is None else previous + contribution
        steps.append(Step(index, node, upstream, contributions))
    return steps


def gradients_at(steps: list[Step], frame: int) -> dict[Value, Any]:
    """Every node's gradient as backward has accumulated it after step `frame` has run."""
    if not steps:
        return {}
    accumulated: dict[Value, Any] = {steps[0].node: steps[0].upstream}
    for step in steps[: frame + 1]:
        for parent, _, contribution in step.contributions:
            previous = accumulated.get(parent)
            accumulated[parent] = contribution if previous is None else previous + contribution
    return accumulated


class StepFrames:
    """The static fallback of `step_slider`: every frame one after another (SVG, or text without dot)."""

    def __init__(self, root: Value, steps: list[Step], draw_options: dict) -> None:
        self.root, self.steps, self.draw_options = root, steps, draw_options

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        return "\n".join(str(step) for step in self.steps)

    def _repr_html_(self) -> str:
        from .render import frame_html

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
    from .render import frame_html

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
