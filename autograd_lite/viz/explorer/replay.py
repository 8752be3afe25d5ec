"""Replaying a recorded graph on new leaf data: the ops and their params re-applied, then backward.

What the explorer's live editing runs. Only the public API: each node's ``op`` name, ``parents``
and ``params``, the registry (`get_op`) and `topological_order`; graphs it cannot replay are refused.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_lite import Value, enable_grad, get_op, registry, topological_order
from autograd_lite import functional as F


class ReplayError(ValueError):
    """The recorded graph cannot be re-run on new data; the message names the node and says why."""


@dataclass(eq=False)
class Replayed:
    """A fresh copy of a graph, run forward on (possibly new) leaf data and then backward.

    `nodes[i]` stands for ``all_nodes[i]`` of the recorded graph (inputs before results, as
    ``topological_order(root, all_nodes=True)`` lists them); `root` is the copy's root.
    """

    root: Value
    nodes: list[Value]


def _name(v: Value, position: int) -> str:
    kind = "leaf" if v.is_leaf else f"op {v.op!r}"
    return f"node {position} ({v.label + ', ' if v.label else ''}{kind})"


def check_leaf_data(leaf: Value, data: Any, where: str = "replay") -> float | np.ndarray:
    """New data for `leaf`: a finite number for a scalar leaf, a finite float array of its shape otherwise."""
    old = F.raw(leaf)
    name = leaf.label or "a leaf"
    if isinstance(data, Value):
        raise TypeError(f"{where}: new data for {name} must be a number or an array, not a Value")
    if type(old) is float:
        if isinstance(data, (bool, np.bool_)) or not isinstance(data, (int, float, np.integer, np.floating)):
            raise TypeError(f"{where}: {name} holds a number; got {type(data).__name__} {data!r}")
        number = float(data)
        if not math.isfinite(number):
            raise ValueError(f"{where}: {name} must get a finite number, got {number!r}")
        return number
    array = np.asarray(data, dtype=old.dtype)
    if array.shape != old.shape:
        raise ValueError(f"{where}: {name} holds an array of shape {old.shape}; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where}: {name} must get finite numbers; the new array has nan or inf")
    return array.copy()


def check_replayable(root: Value) -> list[Value]:
    """The recorded nodes (inputs first) after checking that every one can be re-applied; else ReplayError."""
    if not isinstance(root, Value):
        raise TypeError(f"replay: root must be a Value, got {type(root).__name__}")
    nodes = topological_order(root, all_nodes=True)
    ops = registry()
    for position, v in enumerate(nodes):
        if v.is_leaf:
            data = F.raw(v)
            if type(data) is not float and not (isinstance(data, np.ndarray) and data.dtype.kind == "f"):
                raise ReplayError(f"replay: {_name(v, position)} holds {type(data).__name__} data; only floats "
                                  "and float arrays can be replayed")
            if type(data) is np.ndarray and not v.is_constant and data.base is not None \
                    and not data.flags.writeable:  # what detach() hands out: a read-only view of another Value
                raise ReplayError(
                    f"replay: {_name(v, position)} holds a read-only view of another Value's data (made by "
                    "detach()?): replayed on new leaf data it would keep its old numbers, so the graph cannot "
                    "be replayed; compute it inside the graph, or give it data of its own (np.array(...))")
        elif v.op not in ops:
            raise ReplayError(f"replay: {_name(v, position)} was made by op {v.op!r}, which is not in the "
                              "registry (an op made with register=False?), so it cannot be re-applied")
    return nodes


def replay(root: Value, new_data: Mapping[Value | int, Any] | None = None, *, nodes: list[Value] | None = None,
           verify: bool = False) -> Replayed:
    """Re-run the graph of `root` on new leaf data, in topological order, then run backward.

    `new_data` maps a leaf (the Value, or its position in ``topological_order(root, all_nodes=True)``)
    to its new data; other leaves keep theirs, and the recorded graph is not changed. With `verify`, a replay
    must reproduce every recorded forward value exactly (else the graph's data changed after
    recording, or an op's name no longer means the op that ran): a ReplayError says which node.
    """
    nodes = check_replayable(root) if nodes is None else nodes
    index = {v: i for i, v in enumerate(nodes)}
    new_data = {index.get(key, key) if isinstance(key, Value) else key: data for key, data in (new_data or {}).items()}
    for position in new_data:
        if not (isinstance(position, int) and 0 <= position < len(nodes)) or not nodes[position].is_leaf \
                or nodes[position].is_constant:
            raise ReplayError(f"replay: new data is only for inputs and parameters; position {position!r} "
                              "is not one (see topological_order(root, all_nodes=True))")
        new_data[position] = check_leaf_data(nodes[position], new_data[position])
    copies: list[Any] = []
    with enable_grad():
        for position, v in enumerate(nodes):
            if v.is_constant:
                copies.append(None)  # passed as raw data: the op lifts it to a constant again
                continue
            if v.is_leaf:
                data = new_data.get(position, F.raw(v))
                new = Value(data if type(data) is float else np.array(data), requires_grad=v.requires_grad,
                            label=v.label)
            else:
                args = [F.raw(p) if p.is_constant else copies[index[p]] for p in v.parents]
                try:
                    new = get_op(v.op)(*args, **v.params)
                except Exception as error:  # noqa: BLE001  (any failure names the node)
                    raise ReplayError(f"replay: re-applying {_name(v, position)} with params {v.params} "
                                      f"failed: {error}") from error
                new.label = v.label
                if verify and not _same(F.raw(new), F.raw(v)):
                    raise ReplayError(f"replay: {_name(v, position)} recomputes to a different value than the "
                                      "one recorded: a leaf's data changed after the graph was recorded, or its "
                                      "op is not the registered op of that name; record the graph again")
            new.scope = v.scope
            copies.append(new)
    new_root = copies[index[root]]
    if new_root is None:
        raise ReplayError("replay: the root is a constant; there is nothing to replay")
    replayed = topological_order(new_root, all_nodes=True)
    if len(replayed) != len(nodes) or any(
            (a.op != b.op or len(a.parents) != len(b.parents)) for a, b in zip(replayed, nodes, strict=True)):
        raise ReplayError("replay: the replayed graph does not have the recorded graph's shape (a constant "
                          "shared by several ops?), so it cannot stand for it")
    if new_root.requires_grad:
        new_root.backward()
    return Replayed(new_root, replayed)


def _same(a: Any, b: Any) -> bool:
    if type(a) is float or type(b) is float:
        return type(a) is type(b) and (a == b or (math.isnan(a) and math.isnan(b)))
    return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=True))
