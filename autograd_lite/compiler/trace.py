"""Tracing: run a function once, eagerly, on placeholder inputs, and keep the graph it records.

Inputs become placeholders (Values that record every op applied to them); Values made before the
call are parameters or state, read afresh on every run; Values made during the call are constants,
random draws (`fresh`) or copies of an input. What would freeze data into the program — a number,
a truth value, a mask or an array read from traced data — is refused with the user's line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..anomaly import user_site
from ..data import as_data
from ..modes import Mode, ModeChange, current
from ..value import Value
from ..versions import tick
from .guards import Leaf


class TracingError(RuntimeError):
    """The function cannot be replayed as a fixed program (data-dependent Python, or a frozen draw)."""


_HINT = ("A compiled program replays the graph of the first call: Python that branches on data, or a "
         "number, mask or array read from data, would keep the first call's value for ever. Express it "
         "with ops (where, maximum, relu, clip), pass it in as an input, or call the function eagerly.")


@dataclass
class Comparison:
    """A comparison of traced data made during a trace: ``value <symbol> other`` gave `mask` at `site`."""

    value: Value
    other: Any
    symbol: str
    mask: Any
    site: Any


class Tracer:
    """What a trace in progress collects; the recording mode's `tracing` field holds it.

    `start` is the clock's time when the trace began: a Value stamped earlier existed before the call.
    """

    def __init__(self, where: str) -> None:
        self.where = where
        self.start = tick()
        self.sources: dict[int, tuple[int, Value, Callable[[], Any]]] = {}
        self.watched: list[tuple[Any, str, Any]] = []
        self.comparisons: list[Comparison] = []
        self._watched_ids: set[tuple[int, str]] = set()

    def traced(self, value: Value) -> bool:
        """Whether `value`'s data may differ from run to run (it depends on inputs or parameters)."""
        return value.requires_grad or value._version < self.start

    def _refuse(self, what: str) -> None:
        site = user_site()
        place = f" at {site}" if site is not None else ""
        raise TracingError(f"{self.where}: {what}{place}\n{_HINT}")

    def read(self, value: Value, where: str) -> None:
        """`value`'s data is read as Python data (float(), item(), bool(), numpy(), tolist())."""
        if self.traced(value):
            self._refuse(f"{where} of a traced Value (its data depends on the inputs or parameters)")

    def compared(self, value: Value, other: Any, symbol: str, mask: Any) -> None:
        """A comparison of Values gave `mask`, a mask of their data: kept, to be matched with a
        `where` condition after the trace (or refused)."""
        if self.traced(value) or isinstance(other, Value) and self.traced(other):
            self.comparisons.append(Comparison(value, other, symbol, mask, user_site()))

    def refuse(self, what: str) -> None:
        """Something the function does cannot be recorded (e.g. entering no_grad())."""
        self._refuse(f"{what} inside a compiled function (what it computes would be frozen)")

    def source(self, value: Value, draw: Callable[[], Any]) -> None:
        self.sources[id(value)] = (len(self.sources), value, draw)

    def watch(self, owner: Any, attribute: str) -> None:
        key = (id(owner), attribute)
        if key not in self._watched_ids:
            self._watched_ids.add(key)
            self.watched.append((owner, attribute, getattr(owner, attribute)))


class _Tracing(ModeChange):
    """Record everything (grad on, whatever the caller's mode), with the tracer in the mode."""

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer
        self._tokens = []  # every ModeChange sets its own stack of reset tokens (modes.ModeChange)

    def changes(self, mode: Mode) -> Mode:
        return Mode(True, mode.scope, None, self.tracer)


def fresh(draw: Callable[[], Any]) -> Value:
    """A constant Value holding ``draw()``; a compiled program calls `draw` again on every run.

    For random draws inside a function that may be compiled (dropout's mask): without it the first
    call's draw would be a constant of the program. The draw must give the same shape every time.
    """
    v = Value(as_data(draw(), copy=False), requires_grad=False, copy=False)
    tracer = current().tracing
    if tracer is not None:
        tracer.source(v, draw)
    return v


def watch(owner: Any, attribute: str) -> None:
    """Make a trace in progress guard on ``owner.attribute`` (a mode flag such as a module's
    ``training``): a later call with another value traces again. Outside a trace, nothing."""
    tracer = current().tracing
    if tracer is not None:
        tracer.watch(owner, attribute)


@dataclass
class Recording:
    """A finished trace: the nodes in order, how each leaf gets its data, the outputs."""

    nodes: list[Value]                       # every node reachable from the outputs, inputs before uses
    kinds: dict[int, tuple[str, Any]]        # id(leaf) -> ("input", i) | ("param", None) | ("state", None)
                                             # | ("source", draw) | ("const", None) | ("alias", (i, how))
    bound: dict[tuple[int, str], int]        # (id(node), param name) -> the input leaf it is
    outputs: list[Value | None]
    output_tree: Any
    placeholders: list[Value | None]         # per input leaf: its placeholder (None: passed raw)
    names: list[str]                          # per input leaf: a name for it
    specs: list[Leaf]                         # per input leaf: its guard (kind, shape, dtype)
    watched: list[tuple[Any, str, Any]] = field(default_factory=list)
    sources: list[tuple[Value, Callable[[], Any]]] = field(default_factory=list)
    masks: dict[tuple[int, str], Comparison] = field(default_factory=dict)  # where conditions computed afresh


def run(fn: Callable, leaves: list[Any], specs: list[Leaf], rebuild: Callable[[list[Any]], tuple],
        names: list[str], where: str) -> Recording:
    """Call `fn` on placeholders for the `leaves` (flattened arguments) and record what it does."""
    tracer = Tracer(where)
    placeholders: list[Value | None] = []
    call_leaves: list[Any] = []
    for leaf, spec, name in zip(leaves, specs, names, strict=True):
        if spec.kind in ("float", "array", "value"):
            data = leaf._data if spec.kind == "value" else (float(leaf) if spec.kind == "float" else leaf)
            label = leaf.label if spec.kind == "value" and leaf.label else name
            v = Value(data, requires_grad=True, label=label, copy=False)
            placeholders.append(v)
            call_leaves.append(v)
        else:  # integer and boolean arrays (labels, indices) and static Python values pass as they are
            placeholders.append(None)
            call_leaves.append(leaf)
    with _Tracing(tracer):
        result = fn(*rebuild(call_leaves))
    outputs, tree = _flatten_outputs(result, where)
    nodes = _order(outputs)
    kinds: dict[int, tuple[str, Any]] = {}
    inputs = {id(v): i for i, v in enumerate(placeholders) if v is not None}
    raw = [(i, leaf) for i, (leaf, spec) in enumerate(zip(leaves, specs, strict=True)) if spec.kind == "ints"]
    used: set[int] = set()
    for v in nodes:
        if v._op is not None:
            continue
        if id(v) in inputs:
            kinds[id(v)] = ("input", inputs[id(v)])
        elif id(v) in tracer.sources:
            kinds[id(v)] = ("source", tracer.sources[id(v)][2])
        elif v._version < tracer.start:
            kinds[id(v)] = ("param", None) if v.requires_grad else ("state", None)
        else:
            found = _bind(v._data, raw)
            if found is not None:
                used.add(found)
                kinds[id(v)] = ("alias", found)
            else:
                kinds[id(v)] = ("const", None)
    bound: dict[tuple[int, str], int] = {}
    for v in nodes:
        if v._op is not None and v._params:
            for key, param in v.params.items():
                if type(param) is np.ndarray:
                    found = _bind(param, raw, exact=True)
                    if found is not None:
                        used.add(found)
                        bound[(id(v), key)] = found
    masks = _bind_masks(nodes, tracer.comparisons, where)
    for i, leaf in raw:
        if i not in used:
            raise TracingError(
                f"{where}: input {names[i]!r}, an array of {leaf.dtype} of shape {leaf.shape}, is not used as an "
                "op's argument (such as cross_entropy's labels) or as a Value's data: whatever was computed from "
                "it with numpy would be frozen into the program. Compute it with ops, or pass its result as an "
                "input (a float array becomes a traced Value).")
    order = sorted(tracer.sources.values(), key=lambda s: s[0])
    return Recording(nodes, kinds, bound, outputs, tree, placeholders, names, specs, tracer.watched,
                     [(v, draw) for _, v, draw in order if id(v) in kinds], masks)


def _bind_masks(nodes: list[Value], comparisons: list[Comparison], where: str) -> dict[tuple[int, str], Comparison]:
    """Each `where` condition that is the mask of a comparison made during the trace: computed again on
    every run. A comparison of traced data used any other way is refused (its mask would be frozen)."""
    found: dict[tuple[int, str], Comparison] = {}
    used: set[int] = set()
    position = {id(v): i for i, v in enumerate(nodes)}
    for i, node in enumerate(nodes):
        condition = (node._params or {}).get("condition") if node._op is not None else None
        if type(condition) is not np.ndarray:
            continue
        matches = [c for c in comparisons if type(c.mask) is np.ndarray and c.mask.shape == condition.shape
                   and np.array_equal(c.mask, condition)]
        if not matches:
            continue
        distinct = {(id(c.value), id(c.other) if isinstance(c.other, Value) else repr(c.other), c.symbol)
                    for c in matches}
        if len(distinct) > 1:
            raise TracingError(f"{where}: a where condition equals the masks of {len(distinct)} different "
                               f"comparisons (at {matches[0].site} and {matches[-1].site}); which one it is cannot "
                               f"be told apart: make them differ, or compute the condition once\n{_HINT}")
        chosen = matches[-1]
        for operand in (chosen.value, chosen.other):
            if isinstance(operand, Value) and position.get(id(operand), len(nodes)) > i:
                raise TracingError(f"{where}: the comparison at {chosen.site} reads a Value that the program "
                                   f"computes only after the where that uses its mask\n{_HINT}")
        found[(id(node), "condition")] = chosen
        used.update(id(c) for c in matches)
    for c in comparisons:
        if id(c) not in used:
            raise TracingError(f"{where}: a comparison `{c.symbol}` of a traced Value (its mask is data) at "
                               f"{c.site or 'an unknown line'}, used other than as a where condition\n{_HINT}")
    return found


def _bind(data: Any, raw: list[tuple[int, np.ndarray]], exact: bool = False) -> int | None:
    """The raw (integer) input whose elements `data` holds, or None: an array made from the input."""
    if type(data) is not np.ndarray:
        return None
    for i, array in raw:
        if data is array:
            return i
        if exact:
            if data.shape == array.shape and np.array_equal(data, array):
                return i
        elif data.size == array.size and data.size and np.array_equal(data.reshape(-1), array.reshape(-1)):
            return i
    return None


def _flatten_outputs(result: Any, where: str) -> tuple[list[Value | None], Any]:
    """The function's result as a list of Values and a structure: one Value, or a tuple/list of them."""
    if isinstance(result, Value):
        return [result], None
    if isinstance(result, (tuple, list)) and result and all(r is None or isinstance(r, Value) for r in result):
        return list(result), type(result)
    raise TypeError(f"{where}: the function must return a Value (the loss) or a tuple of Values whose first is "
                    f"the loss; got {type(result).__name__}")


def _order(outputs: list[Value | None]) -> list[Value]:
    """Every node reachable from the outputs, each after its inputs (iterative depth-first search)."""
    order: list[Value] = []
    visited: set[int] = set()
    for root in outputs:
        if root is None or id(root) in visited:
            continue
        stack: list[tuple[Value, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            for parent in reversed(node.parents):
                if id(parent) not in visited:
                    stack.append((parent, False))
    return order
