"""Training diagnostics returned as plain data for plotting: sigmoid saturation (section 10)
and per-layer gradient norms (section 15's vanishing gradients in sigmoid networks).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

import autograd_lite as al

from .module import Module
from .scalar import Layer, Neuron, ScalarMLP

_NEURON = re.compile(r"\.neurons\.\d+$")
_LAYER = re.compile(r"^(.*?layers\.\d+)(\.|$)")


def _layer_of(scope: str | None) -> str:
    """The layer a scope path belongs to: up to ``layers.i`` when present (scalar neurons merge)."""
    if scope is None:
        return ""
    match = _LAYER.match(scope)
    return match.group(1) if match else _NEURON.sub("", scope)


def saturation(model: Module, X: Any, low: float = 0.2, high: float = 0.8) -> dict[str, float]:
    """Per layer: the fraction of sigmoid outputs outside [low, high] on the batch X.

    Section 10: most sigmoid values should lie between 0.2 and 0.8; near 0 or 1 the gradient
    g(z)(1 − g(z)) is tiny and training crawls. Layers are named by their module path (the
    scope of their sigmoid ops, e.g. ``layers.1``). Works for tensor models (X a batch) and
    for a ScalarMLP (X a list of examples, run one by one).
    """
    counts: dict[str, list[int]] = {}
    outputs = []
    with al.enable_grad():  # the graph is walked to find the sigmoid nodes; nothing is trained
        if isinstance(model, (ScalarMLP, Layer, Neuron)):
            outputs = [model(x) for x in np.asarray(X)]
        else:
            outputs = [model(X)]
    roots = []
    for out in outputs:
        roots.extend(out if isinstance(out, list) else [out])
    seen: set[int] = set()
    for root in roots:
        if not root.requires_grad:
            continue
        for node in al.backward_order(root):
            if node.op != "sigmoid" or id(node) in seen:
                continue
            seen.add(id(node))
            data = node.numpy()
            bucket = counts.setdefault(_layer_of(node.scope), [0, 0])
            bucket[0] += int(np.count_nonzero((data < low) | (data > high)))
            bucket[1] += data.size
    return {name: outside / total for name, (outside, total) in sorted(counts.items())}


def gradient_norms(model: Module) -> dict[str, float]:
    """Per layer: the Euclidean norm of all its parameters' gradients (call after backward).

    Section 15: in a deep sigmoid network the lower layers' norms are much smaller than the
    upper ones'; with ReLU they are more balanced. Keys are layer paths such as ``layers.0``.
    """
    squares: dict[str, float] = {}
    for name, p in model.named_parameters():
        layer = _layer_of(name.rsplit(".", 1)[0] if "." in name else None)
        g = np.asarray(p.grad, dtype=np.float64)
        squares[layer] = squares.get(layer, 0.0) + float(np.sum(g * g))
    return {name: float(np.sqrt(total)) for name, total in squares.items()}
