"""Catching a change to data that a recorded graph still needs, before it becomes a wrong gradient.

Rules read their inputs' (and output's) data when backward runs, not when the op was recorded, so
data changed in between would silently give the gradient of a different function. Two records
catch that:

- **A clock.** Every write through the API — the ``data`` setter, as in ``p.data = p.data - step``
  or ``p.data -= step`` — moves a process-wide clock on and stamps the written Value; every node
  is stamped with the clock when it is recorded. A node whose input was stamped later than the
  node itself would read changed data: `check` refuses it.
- **Snapshots.** numpy arrays have no write hook, so ``v.data[...] = 0`` cannot be seen as it
  happens. Instead, handing out a writable array through the ``data`` getter moves the clock on
  and keeps a copy of what the array held; `check` compares the copy with the array.

A Value that views another's memory (the outputs of reshape, transpose, basic slices and
broadcast_to) is checked together with the Values it views: a write to either is a write to both.
The backward loops call `check` only for nodes recorded before the clock last moved, so a graph
recorded after the last write (every training step's) costs one comparison per node.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np


class _Clock:
    __slots__ = ("now",)

    def __init__(self) -> None:
        self.now = 0


CLOCK = _Clock()
_ticks = itertools.count(1)  # next() on a count is atomic in CPython: threads never share a tick



class DataChangedError(RuntimeError):
    """A Value's data changed after an op saved it for backward; ``.value`` and ``.node`` say which."""

    def __init__(self, message: str, value: Any, node: Any) -> None:
        super().__init__(message)
        self.value = value
        self.node = node


def tick() -> int:
    """Move the clock on; the new time."""
    CLOCK.now = now = next(_ticks)
    return now


def written(value: Any) -> None:
    """Stamp `value` as written now (its data setter ran)."""
    CLOCK.now = value._version = next(_ticks)
    value._kept = None  # the stamp now tells everything the snapshot could


def handed_out(value: Any) -> None:
    """`value`'s array is being handed out (the ``data`` getter): keep copies to compare with later.

    The copy, with the time it was taken, lives in the Value's ``_kept`` slot (unset until the
    first hand-out, so recording a node never pays for it). A copy taken earlier is kept as long
    as no write through the setter came after it: the array handed out then may already have
    been written through.
    """
    if value._a is None:  # a leaf, the usual case (a parameter): no chain of views to walk
        if getattr(value, "_kept", None) is None and value._data.flags.writeable:
            value._kept = (tick(), value._data.copy())
        return
    now = None
    for q in memory_of(value):
        data = q._data
        if getattr(q, "_kept", None) is None and data.flags.writeable:
            if now is None:
                now = tick()
            q._kept = (now, data.copy())


def memory_of(value: Any) -> Iterator[Any]:
    """`value`, then each Value whose memory its data views, up the chain of view ops."""
    q = value
    yield q
    while True:
        parent = q._a
        if parent is None or q._b is not None:
            return
        data, base = q._data, parent._data
        if type(data) is not np.ndarray or type(base) is not np.ndarray or data.base is None \
                or not np.may_share_memory(data, base):
            return
        q = parent
        yield q


def check(node: Any, where: str) -> None:
    """Raise `DataChangedError` if data that `node`'s rule reads changed after `node` was recorded."""
    made = node._version
    for saved in (*node.parents, node):
        for q in memory_of(saved):
            if q._version > made:
                how = "was assigned through its `data` setter"
            else:
                taken = getattr(q, "_kept", None)
                if taken is None or taken[0] <= made or np.array_equal(taken[1], q._data, equal_nan=True):
                    continue
                how = "was written in place through the array its `data` attribute handed out"
            raise DataChangedError(_message(where, node, saved, q, how), q, node)


def describe(value: Any) -> str:
    """``Value 'w' (scope 'model.layers.0', shape (2, 3), made by op 'reshape')``, for messages."""
    name = f"Value {value.label!r}" if value.label else "an unlabelled Value"
    details = [f"scope {value.scope!r}"] if value.scope else []
    details.append(f"shape {value.shape}")
    if value.op is not None:
        details.append(f"made by op {value.op!r}")
    return f"{name} ({', '.join(details)})"


def _message(where: str, node: Any, saved: Any, changed: Any, how: str) -> str:
    role = "its output" if saved is node else f"input {node.parents.index(saved)}"
    through = "" if changed is saved else f", whose memory {describe(saved)} views,"
    return (f"{where}: the data of {describe(changed)}{through} {how} after op {node.op!r} saved it "
            f"({role}) for the backward pass, so the gradient would be that of different data. "
            "Differentiate before changing the data (backward, then the optimiser step), or run the "
            "forward pass again after changing it.")
