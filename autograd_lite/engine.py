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

_FINISHED = object()  # on the DFS stack: "the node below me has had all its inputs ordered"


def topological_order(root: Value) -> list[Value]:
    """The nodes that require grad reachable from `root`, each after all of its inputs (root last)."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list = [root]
    pop, push, visit, emit = stack.pop, stack.append, visited.add, order.append
    while stack:
        node = pop()
        if node is _FINISHED:
            emit(pop())
            continue
        if node in visited:
            continue
        visit(node)
        push(node)
        push(_FINISHED)
        a = node._a  # parents in slots (see Value): a, b, then any more
        if a is None:
            continue
        if a.requires_grad and a not in visited:
            push(a)
        b = node._b
        if b is None:
            continue
        if b.requires_grad and b not in visited:
            push(b)
        if node._rest is not None:
            for parent in node._rest:
                if parent.requires_grad and parent not in visited:
                    push(parent)
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
        if contribution.shape[contribution.ndim - like.ndim:] != like.shape and not _reduces_to(
                contribution.shape, like.shape):  # a rule gave less than the broadcast shape
            contribution = np.broadcast_to(contribution, np.broadcast_shapes(contribution.shape, like.shape))
        contribution = K.sum_to(contribution, like.shape)
    if contribution.dtype != like.dtype:
        contribution = contribution.astype(like.dtype)
    return contribution


def _reduces_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """True when `shape` is `target` broadcast (so summing axes gets back to `target`)."""
    if len(shape) < len(target):
        return False
    for have, want in zip(shape[len(shape) - len(target):], target, strict=True):
        if have != want and want != 1:
            return False
    return True


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
        return 1.0 if type(data) is float else np.array(1, dtype=data.dtype).reshape(data.shape)
    if isinstance(grad, Value) and grad.requires_grad:
        seed = grad
    else:
        seed = as_data(grad, where=f"{where} grad")
    if np.shape(_data_of(seed)) != root.shape:
        raise ValueError(f"{where}: grad has shape {np.shape(_data_of(seed))}, the output has shape {root.shape}")
    if isinstance(seed, Value):
        return seed
    if type(data) is float:
        return float(seed)
    return np.asarray(seed, dtype=data.dtype)


def _data_of(x: Any) -> Any:
    return x._data if isinstance(x, Value) else x


def _propagate(root: Value, seed: Any, create_graph: bool) -> list[Value]:
    """Run the chain rule from `root`, leaving d(root)/d(node) in each node's ``_acc``.

    Returns the topological order; the caller reads ``_acc`` and must clear it (``_release``).
    Gradients are summed in a slot of each node rather than in a dict; it is None at rest.
    """
    order = topological_order(root)
    root._acc = seed
    (_chain_values if create_graph else _chain_raw)(order)
    return order


def _chain_raw(order: list[Value]) -> None:
    """The first-order chain rule on raw floats and arrays: the hot loop of every backward.

    Nodes of one input, or of two without params, call their rules directly without packing
    arguments; that is nearly every node of a scalar graph or of an MLP.
    """
    for node in reversed(order):
        op = node._op
        if op is None:
            continue
        g = node._acc
        if g is None:
            continue
        out = node._data
        rules = op._rules
        a, b, params = node._a, node._b, node._params
        if b is None and rules:  # one input: elementwise functions, reductions, reshapes
            if a.requires_grad:
                da = a._data
                c = rules[0](g, out, da) if params is None else rules[0](g, out, da, **params)
                if type(c) is float and type(da) is float:  # scalar graphs: add in place, no call
                    previous = a._acc
                    a._acc = c if previous is None else previous + c
                else:
                    _accumulate(a, c, g)
        elif params is None and node._rest is None and rules:  # two inputs: the operators
            da, db = a._data, b._data
            if a.requires_grad:
                c = rules[0](g, out, da, db)
                if type(c) is float and type(da) is float:
                    previous = a._acc
                    a._acc = c if previous is None else previous + c
                else:
                    _accumulate(a, c, g)
            if b.requires_grad:
                c = rules[1](g, out, da, db)
                if type(c) is float and type(db) is float:
                    previous = b._acc
                    b._acc = c if previous is None else previous + c
                else:
                    _accumulate(b, c, g)
        elif rules:  # three or more inputs (an affine layer), or two with params: one rule per input
            parents = (a, b) if node._rest is None else (a, b, *node._rest)
            inputs = [p._data for p in parents]
            for rule, parent in zip(rules, parents, strict=True):
                if parent.requires_grad:
                    c = rule(g, out, *inputs) if params is None else rule(g, out, *inputs, **params)
                    _accumulate(parent, c, g)
        else:  # variadic ops (concatenate, stack) share one rule, told which input it is for
            parents = node.parents
            inputs = [p._data for p in parents]
            for argnum, parent in enumerate(parents):
                if parent.requires_grad:
                    _accumulate(parent, op.vjp(argnum, g, out, inputs, params), g)


def _accumulate(parent: Value, contribution: Any, g: Any) -> None:
    """Add a raw contribution to `parent`'s gradient, shaped like its data.

    A leaf never keeps an array that another node holds too (rules may pass `g` through).
    """
    like = parent._data
    kind = type(contribution)
    if kind is np.ndarray:  # most often already fitted: same shape, the same dtype object
        if type(like) is float or contribution.shape != like.shape or contribution.dtype is not like.dtype:
            contribution = fit_grad(contribution, like)
    elif kind is not float or type(like) is not float:
        contribution = fit_grad(contribution, like)
    previous = parent._acc
    if previous is not None:
        parent._acc = previous + contribution
    elif parent._op is None and type(contribution) is np.ndarray and (
            contribution is g or contribution.base is not None):
        parent._acc = contribution.copy()
    else:
        parent._acc = contribution


def _chain_values(order: list[Value]) -> None:
    """The chain rule with Values (``create_graph=True``): every step is recorded, so the
    gradients can be differentiated again."""
    for index in range(len(order) - 1, -1, -1):
        node = order[index]
        g = node._acc
        op = node._op
        if g is None or op is None:
            continue
        parents = node.parents
        for argnum, parent in enumerate(parents):
            if parent.requires_grad:
                contribution = _fit_value(op.vjp(argnum, g, node, parents, node._params), parent._data)
                previous = parent._acc
                parent._acc = contribution if previous is None else previous + contribution


def _release(order: list[Value]) -> None:
    for node in order:
        node._acc = None


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
        order = []
        try:
            order = _propagate(root, seed, create_graph=False)
        except BaseException:
            _release(topological_order(root))
            raise
    for node in order:
        g = node._acc
        node._acc = None
        if node._op is not None:
            node._grad = g
        elif g is not None:
            previous = node._grad
            node._grad = g if previous is None else previous + g


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
        return tuple(_zeros_like(x, create_graph) for x in inputs)
    seed = _seed(output, grad_output, "grad")
    if create_graph:
        mode, seed = enable_grad(), lift(seed)
    else:
        mode, seed = no_grad(), (seed._data if isinstance(seed, Value) else seed)
    order = topological_order(output)
    try:
        with mode:
            _propagate(output, seed, create_graph)
        found = {id(node): node._acc for node in order}
    finally:
        _release(order)
    return tuple(_zeros_like(x, create_graph) if found.get(id(x)) is None else found[id(x)] for x in inputs)


def _zeros_like(x: Value, as_value: bool) -> Any:
    data = x._data
    zero = 0.0 if type(data) is float else np.zeros_like(data)
    return lift(zero) if as_value else zero


from . import ops as _ops  # noqa: E402
