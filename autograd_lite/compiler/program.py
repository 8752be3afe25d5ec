"""The compiled callable: a cache of programs (one per kind of call), each a generated function.

`Compiled.__call__` finds the program for the call's guards (tracing a new one when there is none,
or when what it assumed has changed), runs it, writes the parameters' gradients as ``backward()``
would (added to what they hold), and returns the function's outputs as fresh Values.
"""

from __future__ import annotations

import inspect
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from ..modes import current
from ..value import Value, leaf
from . import codegen, guards, trace


class Program:
    """One traced call written out as a function: its source, its guards and its namespace."""

    def __init__(self, fn: Callable, leaves: list[Any], specs: list[guards.Leaf], tree: Any, want_grad: bool,
                 where: str, buffers: bool) -> None:
        began = time.perf_counter()
        names = _argument_names(fn, len(leaves), tree)
        self.recording = rec = trace.run(fn, leaves, specs, lambda new: guards.rebuild(tree, new), names, where)
        traced = time.perf_counter()
        self.generated = gen = codegen.generate(rec, want_grad, _function_name(fn), buffers)
        namespace = dict(gen.env)
        exec(compile(gen.source, f"<compiled {_function_name(fn)}>", "exec"), namespace)  # noqa: S102
        self.run = namespace[_function_name(fn)]
        self.params = gen.params
        self.reads = gen.reads
        self.watched = rec.watched
        self.output_tree = rec.output_tree
        self.trace_seconds = traced - began
        self.compile_seconds = time.perf_counter() - traced

    def first_results(self) -> tuple[tuple, list[Any]]:
        """The traced call's own outputs and gradients (the first call returns these)."""
        outputs = tuple(None if v is None else (np.array(v._data) if type(v._data) is np.ndarray else v._data)
                        for v in self.recording.outputs)
        return outputs, self.generated.first_grads


class Compiled:
    """``autograd_lite.compile(fn)``: call it as you would call `fn`; ``source()`` shows the program."""

    def __init__(self, fn: Callable, guards: Callable[[], Any] | None = None, cache_size: int = 8,
                 buffers: bool = True) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
        if not isinstance(cache_size, int) or cache_size < 1:
            raise ValueError(f"compile: cache_size must be a positive int, got {cache_size!r}")
        self.fn = fn
        self.guards = guards
        self.cache_size = cache_size
        self.buffers = buffers
        self.programs: OrderedDict[Any, list[tuple[Program, Any]]] = OrderedDict()  # per key, by mode flags
        self.traces = 0
        self._last: Program | None = None
        self.__wrapped__ = fn
        self.where = f"compile({_function_name(fn)})"
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *args: Any) -> Any:
        want_grad = current().grad_enabled
        quick = guards.quick_key(args)
        if quick is not None:
            key: Any = (quick, want_grad)
            leaves: Any = args
        else:
            leaves, specs, tree = guards.flatten(args, self.where)
            key = (tree, tuple(specs), want_grad)
        outputs = None
        candidates = self.programs.get(key, ())
        if candidates:
            extra = self.guards() if self.guards is not None else None
            data = [x._data if type(x) is Value else x for x in leaves]
            for program, value in reversed(candidates):  # the most recently traced first
                if value != extra:
                    continue
                try:  # a program checks its parameters and mode flags first: Stale if one changed
                    outputs, grads = program.run(*data)
                    break
                except codegen.Stale:
                    continue
            if outputs is not None and self._last is not program:
                self.programs.move_to_end(key)
        if outputs is None:
            if quick is not None:
                leaves, specs, tree = guards.flatten(args, self.where)
            extra = self.guards() if self.guards is not None else None
            program = Program(self.fn, leaves, specs, tree, want_grad, self.where, self.buffers)
            self.traces += 1
            self.programs.setdefault(key, []).append((program, extra))
            self.programs.move_to_end(key)
            self._evict()
            outputs, grads = program.first_results()
            params = program.params
            for p, g in zip(params, grads, strict=False):
                old = p._grad
                p._grad = g if old is None else old + g
            grads = grads[len(params):]
        self._last = program
        if grads:
            for index, g in zip(program.generated.grad_inputs, grads, strict=True):
                v = leaves[index]
                old = v._grad
                v._grad = g if old is None else old + g
        if program.output_tree is None:
            return leaf(outputs[0])
        return program.output_tree(None if o is None else leaf(o) for o in outputs)

    def _evict(self) -> None:
        """Keep at most `cache_size` programs: the least recently used go first."""
        while sum(len(entries) for entries in self.programs.values()) > self.cache_size:
            key, entries = next(iter(self.programs.items()))
            entries.pop(0)
            if not entries:
                del self.programs[key]

    def source(self) -> str:
        """The generated forward and backward of the last call's program, as Python/numpy source."""
        if self._last is None:
            raise RuntimeError("source: nothing compiled yet; call the compiled function once first")
        return self._last.generated.source

    @property
    def program(self) -> Program | None:
        """The last call's program (its trace and compile times, its recording), or None before a call."""
        return self._last


def _function_name(fn: Callable) -> str:
    name = getattr(fn, "__name__", "step")
    return name if name.isidentifier() and name != "<lambda>" else "step"


def _argument_names(fn: Callable, count: int, tree: Any) -> list[str]:
    """A name per argument leaf: the function's parameter names (with an index inside lists)."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        params = []
    names: list[str] = []

    def walk(node: Any, base: str) -> None:
        if node is None:
            names.append(base)
            return
        for i, child in enumerate(node[1]):
            walk(child, f"{base}_{i}")

    _, top = tree
    for i, child in enumerate(top):
        walk(child, params[i] if i < len(params) else f"arg{i}")
    return names[:count]
