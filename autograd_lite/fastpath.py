"""The first-order chain rule unrolled for speed: what ``backward()`` and ``grad()`` run.

It is `engine.chain_rule` on raw floats and arrays, visiting the same nodes in the same order
and adding the same contributions in the same order, so its gradients are identical (the
property suite checks that for every op and on random graphs). What it saves: no dict (each
node's running total lives in its ``_acc`` slot), no tuple of parents, and rules of one- and
two-input nodes called without packing arguments — nearly every node of a scalar graph or an
MLP. benchmarks/scalar_mlp (scalar graphs) and benchmarks/mlp_step (tensor graphs) pay for it.

For Python floats, `engine.add_grad` (the sum of contributions) is written inline: with one
call per contribution, scalar_mlp's backward measured 23-29 % slower (two paired runs); arrays
go through `_accumulate`, which also fits them to their input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels as K
from .versions import CLOCK
from .versions import check as check_unchanged


def propagate(order: list, root: Any, seed: Any, where: str) -> None:
    """Leave d(root)/d(node) in each node's ``_acc`` (None where no gradient arrived); the caller
    reads and clears them. `order` is a topological order ending at `root`; `where` names the
    caller in errors."""
    root._acc = seed
    try:
        _chain(order, where)
    except BaseException:
        for node in order:
            node._acc = None
        raise


def _chain(order: list, where: str) -> None:
    now = CLOCK.now
    for node in reversed(order):
        op = node._op
        g = node._acc
        if op is None or g is None:
            continue
        if node._version < now:  # data was written since `node` was recorded: was it its own?
            check_unchanged(node, where)
        out = node._data
        a, b, params = node._a, node._b, node._params  # (three names: no tuple is built)
        rules = op.rules
        if b is None and rules:  # one input: elementwise functions, reductions, reshapes
            if a.requires_grad:
                da = a._data
                c = rules[0](g, out, da) if params is None else rules[0](g, out, da, **params)
                if type(c) is float and type(da) is float:  # scalar graphs: add_grad inlined
                    total = a._acc
                    a._acc = c if total is None else total + c
                else:
                    _accumulate(a, c, g, op, 0)
        elif params is None and node._rest is None and rules:  # two inputs: the operators
            da, db = a._data, b._data
            if a.requires_grad:
                c = rules[0](g, out, da, db)
                if type(c) is float and type(da) is float:  # scalar graphs: add_grad inlined
                    total = a._acc
                    a._acc = c if total is None else total + c
                else:
                    _accumulate(a, c, g, op, 0)
            if b.requires_grad:
                c = rules[1](g, out, da, db)
                if type(c) is float and type(db) is float:  # scalar graphs: add_grad inlined
                    total = b._acc
                    b._acc = c if total is None else total + c
                else:
                    _accumulate(b, c, g, op, 1)
        elif rules:  # three or more inputs (an affine layer), or two with params: one rule per input
            parents = (a, b) if node._rest is None else (a, b, *node._rest)
            inputs = [p._data for p in parents]
            for argnum, (rule, parent) in enumerate(zip(rules, parents, strict=True)):
                if parent.requires_grad:
                    c = rule(g, out, *inputs) if params is None else rule(g, out, *inputs, **params)
                    _accumulate(parent, c, g, op, argnum)
        else:  # a variadic op (concatenate): one rule, told which input it is for
            parents = node.parents
            inputs = [p._data for p in parents]
            for argnum, parent in enumerate(parents):
                if parent.requires_grad:
                    _accumulate(parent, op.vjp(argnum, g, out, inputs, params), g, op, argnum)


def _accumulate(node: Any, contribution: Any, g: Any, op: Any = None, argnum: int | None = None) -> None:
    """Add a rule's result to `node`'s running total, shaped like its data (`kernels.fit_grad`).

    Skips the fitting when the result already fits (a float for a float, an array of the same
    shape and dtype object); what cannot be fitted is refused, naming `op` and input `argnum`.
    A leaf's first contribution is copied when it is another node's array (`g`, passed through
    by a rule, or a view), so a leaf never shares its ``.grad``.
    """
    like = node._data
    kind = type(contribution)
    if kind is np.ndarray:  # most often already fitted: same shape, the same dtype object
        if type(like) is float or contribution.shape != like.shape or contribution.dtype is not like.dtype:
            contribution = K.fit_grad(contribution, like, op, argnum)
    elif kind is not float or type(like) is not float:
        contribution = K.fit_grad(contribution, like, op, argnum)
    total = node._acc
    if total is not None:
        node._acc = total + contribution
    elif node._op is None and type(contribution) is np.ndarray and (contribution is g or contribution.base is not None):
        node._acc = contribution.copy()
    else:
        node._acc = contribution
