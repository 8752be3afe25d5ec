"""What backward does, one node at a time: `backward_steps` and a notebook slider over its frames.

The steps are the engine's own reference loop, `autograd_lite.chain_rule`, recorded one node
at a time; it keeps its own gradients, so no ``.grad`` in the graph changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_lite import Value, chain_rule, local_grads, topological_order
from autograd_lite import functional as F
from autograd_lite import symbols as S

from .formulas import Names
from .labels import format_data, is_scalar, node_kind, op_text, shape_text


@dataclass(eq=False)
class Step:
    """One node processed by backward: its gradient then, and what it sends to each input.

    `index` is the step's place in the list (0-based); the picture numbers the node ``#index+1``.
    `contributions` holds ``(input, local_derivative, contribution)`` for each input that needs a
    gradient, in argument order: ``contribution = upstream × local_derivative`` for scalars (for
    tensors, the vector-Jacobian product; `local_derivative` is then that product with ones).
    `formulas` holds the local derivative of each of those inputs as a formula read off the op's
    rule (``h(1 - h)``), or None where the rule needs tensors. A leaf's step has no contributions:
    its gradient is final.
    """

    index: int
    node: Value
    upstream: Any
    contributions: list[tuple[Value, Any, Any]] = field(default_factory=list)
    formulas: list[S.Expr | None] = field(default_factory=list)

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
        return format_data(F.raw(v))
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
    formulas = step.formulas or [None] * len(step.contributions)
    for (parent, local, contribution), formula in zip(step.contributions, formulas, strict=True):
        shown = "" if formula is None or formula.kind == "num" else f" ({S.text(formula)})"
        lines.append(f"  -> {name_of(parent)}: {grad} × local {_amount(local, precision)}{shown} "
                     f"= {_amount(contribution, precision)}")
    return "\n".join(lines)


def _amount(x: Any, precision: int) -> str:
    if is_scalar(x):
        return format_data(x, precision)
    return f"<array {shape_text(np.shape(x))}>"


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
    names = Names(topological_order(root, all_nodes=True), root)
    steps: list[Step] = []
    for index, (node, upstream, sent) in enumerate(chain_rule(root, grad, where="backward_steps")):
        step = Step(index, node, upstream)
        if sent:
            locals_, formulas = edge_derivatives(node), names.local_derivatives(node)
            needed = [argnum for argnum, parent in enumerate(node.parents) if parent.requires_grad]
            for argnum, (parent, contribution) in zip(needed, sent, strict=True):
                step.contributions.append((parent, locals_[argnum], contribution))
                step.formulas.append(formulas[argnum])
        steps.append(step)
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
