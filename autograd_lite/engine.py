"""Reverse-mode differentiation: topological order, backward, and ``grad`` for higher orders.

Everything is iterative (a chain of a million nodes is fine). The chain rule runs over the
nodes in reverse topological order, so a node's gradient is complete — the sum over all its
consumers — before it is passed on to its own inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import kernels as K
from .modes import enable_grad, no_grad
from .value import Value, as_data, lift


def topological_order(root: Value) -> list[Value]:
    """The nodes that require grad reachable from `root`, each after all of its inputs (root last)."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    pop, push, visit = stack.pop, stack.append, visited.add
    while stack:
        node, expanded = pop()
        if expanded:
            order.append(node)
            continue
        if node in visited:
            continue
        visit(node)
        push((node, True))
        for parent in node._parents:
            if parent.requires_grad and parent not in visited:
                push((parent, False))
    return order


def backward_order(root: Value) -> list[Value]:
    """The order in which backward visits nodes: `root` first, every node before its inputs."""
    order = topological_order(root)
    order.reverse()
    return order


def fit_grad(contribution: Any, like: Any) -> Any:
    """Shape a raw gradient contribution like the data of the input it is for.

    Sums away broadcast axes (the one shared helper for broadcasting's gradient), casts to the
    input's dtype, and gives a Python float for a float input.
    """
    if type(like) is float:
        return contribution if type(contribution) is float else float(np.sum(contribution))
    if type(contribution) is not np.ndarray:
        contribution = np.asarray(contribution, dtype=like.dtype)
    if contribution.shape != like.shape:
        full = np.broadcast_shapes(contribution.shape, like.shape)
        contribution = K.sum_to(np.broadcast_to(contribution, full), like.shape)
    if contribution.dtype != like.dtype:
        contribution = contribution.astype(like.dtype)
    return contribution


def _fit_value(contribution: Any, like: Any) -> Value:
    """`fit_grad` for ``create_graph=True``: the same reductions, as recorded ops."""
    c = lift(contribution)
    if type(like) is float:
        return c if type(c._data) is float else _ops.sum_to(c, None)
    if c.shape != like.shape:
        full = np.broadcast_shapes(c.shape, like.shape)
        if full != c.shape:
            c = c.broadcast_to(full)
        c = c.sum_to(like.shape)
    if c.dtype != like.dtype:
        c = c.astype(like.dtype)
    return c


def _seed(root: Value, grad: Any, where: str) -> Any:
    data = root._data
    if grad is None:
        if type(data) is not float and data.size != 1:
            raise ValueError(
                f"{where}: the output has shape {data.shape}; pass grad= (an array of that shape), "
                "or reduce it to one number first (e.g. .sum() or .mean())"
            )
        return 1.0 if type(data) is float else np.ones_like(data)
    if isinstance(grad, Value) and grad.requires_grad:
        seed = grad
    else:
        seed = as_data(grad, where=f"{where} grad")
    if tuple(np.shape(seed._data if isinstance(seed, Value) else seed)) != root.shape:
        raise ValueError(f"{where}: grad has shape {np.shape(_data_of(seed))}, the output has shape {root.shape}")
    if isinstance(seed, Value):
        return seed
    if type(data) is float:
        return float(seed)
    return np.asarray(seed, dtype=data.dtype)


def _data_of(x: Any) -> Any:
    return x._data if isinstance(x, Value) else x


def _propagate(root: Value, seed: Any, create_graph: bool) -> tuple[list[Value], dict[Value, Any]]:
    """Run the chain rule from `root`; return the topological order and every node's gradient."""
    order = topological_order(root)
    grads: dict[Value, Any] = {root: seed}
    fit = _fit_value if create_graph else fit_grad
    get = grads.get
    for index in range(len(order) - 1, -1, -1):
        node = order[index]
        op = node._op
        if op is None:
            continue
        g = get(node)
        if g is None:
            continue
        parents = node._parents
        if create_graph:
            out, inputs = node, parents
        else:
            out, inputs = node._data, [p._data for p in parents]
        params = node._params
        for argnum, parent in enumerate(parents):
            if not parent.requires_grad:
                continue
            contribution = fit(op.vjp(argnum, g, out, inputs, params), parent._data)
            previous = get(parent)
            grads[parent] = contribution if previous is None else previous + contribution
    return order, grads


def backward(root: Value, grad: Any = None) -> None:
    """Store d(root)/d(node) in ``node.grad`` for every node of the graph that requires grad.

    Leaves accumulate into their existing grad (as in PyTorch: call ``zero_grad()`` between
    steps); every intermediate node's grad is replaced, so calling backward twice doubles the
    leaves' grads but never the intermediates'.
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this Value does not require grad (its inputs have requires_grad=False, "
            "or it was computed under no_grad())"
        )
    seed = _seed(root, grad, "backward")
    if isinstance(seed, Value):
        seed = seed._data
    with no_grad():
        order, grads = _propagate(root, seed, create_graph=False)
    get = grads.get
    for node in order:
        g = get(node)
        if node._op is not None:
            node._grad = g
        elif g is not None:
            previous = node._grad
            if previous is not None:
                node._grad = previous + g
            else:  # a leaf owns its grad: rules may hand the same array to several inputs
                node._grad = g.copy() if type(g) is np.ndarray else g


def grad(output: Value, inputs: Value | Sequence[Value], grad_output: Any = None,
         create_graph: bool = False) -> tuple[Any, ...]:
    """The gradient of `output` with respect to each of `inputs`, leaving every ``.grad`` alone.

    Returns a tuple (zeros for an input that `output` does not depend on). With
    ``create_graph=True`` the gradients are Values whose graph leads back to `inputs`, so they
    can be differentiated again (second derivatives, Hessian-vector products).
    """
    if isinstance(inputs, Value):
        inputs = (inputs,)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] is a {type(x).__name__}, not a Value")
    if not output.requires_grad:
        results = tuple(_zeros_like(x, create_graph) for x in inputs)
        return results
    seed = _seed(output, grad_output, "grad")
    if create_graph:
        with enable_grad():
            _, grads = _propagate(output, lift(seed), create_graph=True)
    else:
        if isinstance(seed, Value):
            seed = seed._data
        with no_grad():
            _, grads = _propagate(output, seed, create_graph=False)
    results = []
    for x in inputs:
        g = grads.get(x)
        results.append(_zeros_like(x, create_graph) if g is None else g)
    return tuple(results)


def _zeros_like(x: Value, as_value: bool) -> Any:
    data = x._data
    zero = 0.0 if type(data) is float else np.zeros_like(data)
    return lift(zero) if as_value else zero


from . import ops as _ops  # noqa: E402
