"""The engine: backpropagation, the tutorial's section 8, as a loop over the recorded graph.

Section 8 in terms of this code:

1. *The feedforward pass* is your own code: every op on Values records a node (`Value` holds the
   op, its inputs and its output; see `autograd_lite.op`), so ``J = loss(h(x))`` leaves behind
   the whole computation, from the parameters θ, b to J.
2. *The output layer's δ* is the seed: ``∂J/∂J = 1`` (`seed`).
3. *The backward pass* is `chain_rule`: it visits the nodes in reverse topological order (J
   first, every node before its inputs), so by the time a node is reached every node that used
   it has already passed back its share, and its gradient is complete — the section's δ⁽ˡ⁾ is the
   gradient at a layer's pre-activation. Each node hands each input ``g × ∂node/∂input``, which
   its op's rule computes; an input used twice receives two contributions, and they add up.
   The ``(θ⁽ˡ⁾)ᵀ δ⁽ˡ⁺¹⁾`` of step 3 is matmul's rule, the ``⊙ g'(·)`` is the activation's.
4. *The partial derivatives* Δθ = δ hᵀ and Δb = δ are what the parameters receive, left in
   ``.grad`` by `backward` (or returned by `grad`, which also keeps a graph of the gradient
   itself with ``create_graph=True``, for second derivatives).

Everything is iterative, so a chain of a million nodes is fine. `chain_rule` is the reference:
``create_graph=True``, ``viz.backward_steps`` and the tests use it. ``backward()`` and
first-order ``grad()`` run the same arithmetic in `autograd_lite.fastpath`, which is unrolled for
speed and checked against this loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import fastpath
from . import kernels as K
from .anomaly import check_contributions
from .data import as_data
from .modes import current, enable_grad, no_grad
from .value import Value, data_of, lift
from .versions import CLOCK
from .versions import check as check_unchanged

_FINISHED = object()  # on the DFS stack: "the node below me has had all its inputs ordered"
_BACKWARD_CALLS = itertools.count(1)  # one stamp per backward() call: which call filled each .grad


def topological_order(root: Value, *, all_nodes: bool = False) -> list[Value]:
    """The nodes reachable from `root`, each after all of its inputs (root last; inputs in argument order).

    Only nodes that require grad — those backward visits — unless `all_nodes` (inputs and
    constants too, as a drawing shows them). An iterative depth-first search.
    """
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
        # parents live in slots (see Value): a, b, then any more; pushed last-first so `a` is ordered first
        a = node._a
        if a is None:  # a leaf
            continue
        b = node._b
        if b is not None:
            if node._rest is not None:
                for parent in reversed(node._rest):
                    if (all_nodes or parent.requires_grad) and parent not in visited:
                        push(parent)
            if (all_nodes or b.requires_grad) and b not in visited:
                push(b)
        if (all_nodes or a.requires_grad) and a not in visited:
            push(a)
    return order


def backward_order(root: Value) -> list[Value]:
    """The order in which backward visits nodes: `root` first, every node before its inputs."""
    order = topological_order(root)
    order.reverse()
    return order


def seed(root: Value, grad: Any, where: str) -> Any:
    """The gradient backward starts from, ∂root/∂root: 1 for a one-number root, else `grad` checked."""
    data = root._data
    if grad is None:
        if type(data) is not float and data.size != 1:
            raise ValueError(
                f"{where}: the output has shape {data.shape}; pass grad= (an array of that shape), "
                "or reduce it to one number first (e.g. .sum() or .mean())"
            )
        return 1.0 if type(data) is float else np.array(1, dtype=data.dtype).reshape(data.shape)
    if isinstance(grad, Value) and grad.requires_grad:  # a seed with a graph, for higher orders
        given, shape = grad, grad.shape
    else:
        given = as_data(grad, where=f"{where} grad")
        shape = np.shape(given)
    if shape != root.shape:
        raise ValueError(f"{where}: grad has shape {shape}, the output has shape {root.shape}")
    if isinstance(given, Value):
        return given
    return float(given) if type(data) is float else np.asarray(given, dtype=data.dtype)


def add_grad(total: Any, contribution: Any) -> Any:
    """The sum of the contributions into a node: the first one, then each added to the total."""
    return contribution if total is None else total + contribution


def fit(contribution: Any, like: Value, create_graph: bool, op: Any = None, argnum: int | None = None) -> Any:
    """Shape a rule's result like the input it is for: `kernels.fit_grad`, or with `create_graph`
    the same fitting by recorded ops, so that it is differentiated too. `op` and `argnum` name
    the rule in the error for a result that cannot fit (`kernels.misfit_error`)."""
    if not create_graph:
        return K.fit_grad(contribution, like._data, op, argnum)
    if not isinstance(contribution, Value):  # a constant: nothing to record, so fitted as raw data
        return lift(K.fit_grad(contribution, like._data, op, argnum))
    c = contribution
    if type(like._data) is float:
        return c if type(c._data) is float else c.sum_to(None)
    if c.shape != like.shape:
        if not K.reduces_to(c.shape, like.shape):
            raise K.misfit_error(c._data, like._data, op, argnum)
        c = c.sum_to(like.shape)
    return c if type(c._data) is not float and c.dtype == like.dtype else c.astype(like.dtype)


def chain_rule(root: Value, grad: Any = None, *, create_graph: bool = False, where: str = "chain_rule"
               ) -> Iterator[tuple[Value, Any, list[tuple[Value, Any]]]]:
    """The chain rule, one node at a time: yields ``(node, gradient, [(input, contribution), ...])``.

    The reference loop (see the module docstring), seeded with ``∂root/∂root`` (`grad`, or 1).
    With ``create_graph=True`` the rules run on the Values themselves, so every contribution is
    recorded and can be differentiated again. `where` names the caller in error messages.
    """
    start = seed(root, grad, where)
    grads: dict[Value, Any] = {root: lift(start) if create_graph else data_of(start)}
    for node in backward_order(root):
        g = grads[node]  # complete: every consumer of `node` came earlier
        sent: list[tuple[Value, Any]] = []
        if node._op is not None:
            if node._version < CLOCK.now:  # data was written since `node` was recorded: was it its own?
                check_unchanged(node, where)
            parents = node.parents
            out, inputs = (node, parents) if create_graph else (node._data, [p._data for p in parents])
            for argnum, parent in enumerate(parents):
                if parent.requires_grad:
                    contribution = fit(node._op.vjp(argnum, g, out, inputs, node._params), parent, create_graph,
                                       node._op, argnum)
                    grads[parent] = add_grad(grads.get(parent), contribution)
                    sent.append((parent, contribution))
        yield node, g, sent


def local_grads(node: Value, upstream: Any = None) -> tuple[Any, ...]:
    """Evaluate `node`'s rule for each of its parents: upstream × d(node)/d(parent).

    With the default upstream of ones this is the local derivative on each incoming edge (for
    scalars: ∂out/∂in). Results are reduced to each parent's shape, as backward does; a parent
    that does not require grad (a constant, an input) gets None, as backward skips it.
    """
    if node._op is None:
        return ()
    check_unchanged(node, "local_grads")
    out = node._data
    upstream = (1.0 if type(out) is float else np.ones_like(out)) if upstream is None else lift(upstream)._data
    parents = node.parents
    inputs = [p._data for p in parents]
    return tuple(fit(node._op.vjp(i, upstream, out, inputs, node._params), p, False, node._op, i)
                 if p.requires_grad else None for i, p in enumerate(parents))


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
    mode = current()
    if mode.tracing is not None:  # inside autograd_lite.compile: the program does the backward itself
        mode.tracing.refuse("backward()")
    if mode.anomaly is not None:  # the reference loop, checking every contribution
        found = watched_chain_rule(root, grad, False, "backward")
        order, get = list(found), found.get
    else:
        start = seed(root, grad, "backward")
        order, get = topological_order(root), None
        with no_grad():
            fastpath.propagate(order, root, data_of(start), "backward")
    root._stamp = stamp = next(_BACKWARD_CALLS)
    for node in order:
        g = node._acc if get is None else get(node)
        node._acc = None
        if node._op is not None:
            node._grad = g  # an intermediate's gradient is replaced
        elif g is not None:
            node._grad = add_grad(node._grad, g)  # a leaf's accumulates across calls
            node._stamp = stamp  # ...and remembers which call last added to it (grad_is_current)


def grad_is_current(node: Value, root: Value) -> bool:
    """True when ``node.grad`` is what the latest ``root.backward()`` stored: that call was the
    last backward to write it (so it is ∂root/∂node; a leaf not zeroed in between also holds the
    sums of earlier calls, as in PyTorch).

    False when no backward from `root` has run, when a later backward from another root wrote
    it (a parameter's grad left from a training step), or after ``zero_grad()``. Drawings use it
    to show such a gradient as "not computed" instead of a number that belongs to another graph.
    One case it cannot tell: a computed node shared by two graphs holds the grad of whichever
    graph's backward ran last.
    """
    if node._grad is None:
        return False
    stamp = getattr(root, "_stamp", None)
    if stamp is None:
        return False
    if node._op is not None:  # every backward that reaches a computed node replaces its grad: only leaves
        return True           # carry a stamp
    return getattr(node, "_stamp", None) == stamp


class UnusedInputError(ValueError):
    """`grad(..., allow_unused=False)` was given an input that the output does not depend on."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def grad(output: Value, inputs: Value | Sequence[Value], grad_output: Any = None,
         create_graph: bool = False, *, grad_outputs: Any = None, allow_unused: bool = True) -> tuple[Any, ...]:
    """The gradient of `output` with respect to each of `inputs`, leaving every ``.grad`` alone.

    Returns a tuple. An input that `output` does not depend on gets zeros, or, with
    ``allow_unused=False``, an `UnusedInputError` naming it. `grad_output` (or PyTorch's name,
    `grad_outputs`) is the upstream gradient, needed when `output` has more than one element.
    With ``create_graph=True`` the gradients are Values whose graph leads back to `inputs`, so
    they can be differentiated again (second derivatives, Hessian-vector products).
    """
    if grad_outputs is not None:
        if grad_output is not None:
            raise TypeError("grad: give grad_output or grad_outputs (PyTorch's name for it), not both")
        grad_output = grad_outputs
    if isinstance(inputs, Value):
        inputs = (inputs,)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] is a {type(x).__name__}, not a Value")
    if not output.requires_grad:
        if not allow_unused and inputs:
            _refuse_unused(inputs, 0)
        return tuple(_zeros_like(x, create_graph) for x in inputs)
    mode = current()
    if mode.tracing is not None:
        mode.tracing.refuse("grad()")
    if mode.anomaly is not None:
        found = watched_chain_rule(output, grad_output, create_graph, "grad")
    elif create_graph:
        with enable_grad():
            found = {node: g for node, g, _ in chain_rule(output, grad_output, create_graph=True, where="grad")}
    else:
        start = seed(output, grad_output, "grad")
        order = topological_order(output)
        with no_grad():
            fastpath.propagate(order, output, data_of(start), "grad")
        found = {}
        for node in order:
            found[node], node._acc = node._acc, None
    if not allow_unused:
        for i, x in enumerate(inputs):
            if found.get(x) is None:
                _refuse_unused(inputs, i)
    return tuple(_zeros_like(x, create_graph) if found.get(x) is None else found[x] for x in inputs)


def _refuse_unused(inputs: Sequence[Value], index: int) -> None:
    x = inputs[index]
    name = f" ({x.label!r})" if x.label else ""
    raise UnusedInputError(f"grad: inputs[{index}]{name}, of shape {x.shape}, is not used to compute the output "
                           "(no path leads from it to the output, or it does not require grad); "
                           "pass allow_unused=True to get zeros for it", index)


def watched_chain_rule(root: Value, grad: Any, create_graph: bool, where: str) -> dict[Value, Any]:
    """Every node's gradient by `chain_rule`, stopping at the first non-finite contribution
    (anomaly mode: `autograd_lite.anomaly`)."""
    found = {}
    with enable_grad() if create_graph else no_grad():
        for node, g, sent in chain_rule(root, grad, create_graph=create_graph, where=where):
            check_contributions(node, sent, where)
            # a leaf keeps an array of its own (chain_rule passes arrays on, as `g` or a view of it)
            found[node] = g.copy() if node._op is None and type(g) is np.ndarray else g
    return found


def _zeros_like(x: Value, as_value: bool) -> Any:
    data = x._data
    zero = 0.0 if type(data) is float else np.zeros_like(data)
    return lift(zero) if as_value else zero
