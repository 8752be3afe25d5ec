"""Recording modes: whether ops record a graph (`no_grad`), the scope path, and anomaly detection.

The mode is a context variable holding one immutable `Mode`, so each thread — and each asyncio
task, which runs in a copy of its creator's context — has its own: a ``no_grad()`` in one thread
never drops part of a gradient that another thread is recording. Entering a mode sets a new
`Mode` and leaving resets the previous one. Ops read the mode on every call (`current()`), so it
is a single context-variable lookup.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable)


class Mode:
    """What ops do right now: record the graph? tag Values with which scope? watch for anomalies?

    Immutable (a change makes a new Mode), so one can be shared by every context that copied it.
    A slotted class rather than a named tuple: ops read its fields on every call, and slot reads
    are the fastest attribute reads Python has.
    """

    __slots__ = ("grad_enabled", "scope", "anomaly", "tracing", "_derived")

    def __init__(self, grad_enabled: bool = True, scope: str | None = None, anomaly: Any = None,
                 tracing: Any = None) -> None:
        set_field = object.__setattr__
        set_field(self, "grad_enabled", grad_enabled)
        set_field(self, "scope", scope)
        set_field(self, "anomaly", anomaly)  # None, or the active `anomaly.detect_anomaly`
        set_field(self, "tracing", tracing)  # None, or the `compiler.trace.Tracer` recording a call
        # The Modes made from this one by entering no_grad()/enable_grad() (key: the new
        # grad_enabled) or a scope (key: its name). Entering the same change from the same mode
        # makes the same Mode every time, and nn enters one scope per module call: finding it here
        # costs a dict lookup instead of building a Mode (benchmarks/mlp_step's nn step pays for
        # it). At most `_DERIVED_LIMIT` are kept, so names made up on the fly cannot grow it.
        set_field(self, "_derived", {})

    def remember(self, key: bool | str, mode: Mode) -> Mode:
        """Remember `mode` as the one derived from this Mode under `key` (see `_derived`); return it."""
        memo = self._derived
        if len(memo) < _DERIVED_LIMIT:
            memo[key] = mode
        return mode

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Mode is immutable: enter no_grad(), scope() or detect_anomaly() instead")

    def __repr__(self) -> str:
        return (f"Mode(grad_enabled={self.grad_enabled}, scope={self.scope!r}, anomaly={self.anomaly!r}, "
                f"tracing={self.tracing!r})")


_DERIVED_LIMIT = 64
DEFAULT = Mode()  # recording, no scope, no anomaly detection
_MODE: ContextVar[Mode] = ContextVar("autograd_lite.mode", default=DEFAULT)
current = _MODE.get  # bound once: the hot path calls it on every op


class ModeChange:
    """Base of the context managers that change one field of the mode; also usable as decorators.

    A decorated function runs with the mode changed; a decorated generator function has the mode
    changed while its body runs (each time it resumes, by next, send, throw or close), not only
    while it is created.
    """

    # Slotted, as are the subclasses: one manager is made and entered per module call (a scope).
    # `_tokens` holds the context variable's reset tokens, a stack since one manager may be
    # entered again inside itself; each subclass's __init__ sets it to [].
    __slots__ = ("_tokens",)

    def changes(self, mode: Mode) -> Mode:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __enter__(self) -> Any:
        new = self.changes(current())
        self._tokens.append(_MODE.set(new))
        return new

    def __exit__(self, *exc: object) -> None:
        _MODE.reset(self._tokens.pop())

    def __call__(self, func: _F) -> _F:
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def generator(*args, **kwargs):
                inner = func(*args, **kwargs)
                resume, argument = inner.send, None  # each resumption runs with the mode changed:
                while True:                           # next/send, throw and close alike
                    with self.fresh():
                        try:
                            item = resume(argument)
                        except StopIteration as stop:
                            return stop.value
                    try:
                        argument, resume = (yield item), inner.send
                    except GeneratorExit:
                        with self.fresh():
                            inner.close()
                        raise
                    except BaseException as error:  # thrown in by the caller: pass it to the body
                        argument, resume = error, inner.throw

            return generator  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.fresh():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def fresh(self) -> ModeChange:
        """A new manager making the same change: a decorator enters one per call, since calls may
        nest, interleave (generators) or run in several threads at once."""
        new = copy.copy(self)
        new._tokens = []
        return new


class _GradMode(ModeChange):
    __slots__ = ("enabled",)

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._tokens = []

    def changes(self, mode: Mode) -> Mode:
        enabled = self.enabled
        if mode.tracing is not None and not enabled:
            mode.tracing.refuse("no_grad()")  # what it computes would be frozen into the program
        if mode.grad_enabled is enabled:
            return mode
        new = mode._derived.get(enabled)
        return new if new is not None else mode.remember(enabled, Mode(enabled, mode.scope, mode.anomaly,
                                                                       mode.tracing))

    def __enter__(self) -> None:  # ModeChange.__enter__ written out (one call fewer): None for `as`
        self._tokens.append(_MODE.set(self.changes(current())))


def no_grad(func: Callable | None = None) -> Any:
    """Ops inside record nothing and give Values with ``requires_grad == False``.

    Use as ``with no_grad():``, or as a decorator: ``@no_grad()`` or ``@no_grad``. It holds for
    the current thread (and asyncio task) only.
    """
    if func is not None:
        if not callable(func):
            raise TypeError(f"no_grad: expected a function to decorate, got {type(func).__name__}")
        return functools.wraps(func)(_GradMode(False)(func))
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Turn recording back on inside a ``no_grad`` block (used by ``grad(create_graph=True)``)."""
    return _GradMode(True)


def is_grad_enabled() -> bool:
    """True when ops currently record the graph (in this thread and context)."""
    return current().grad_enabled


class scope(ModeChange):  # noqa: N801  (used like a function: ``with scope("layers.0"):``)
    """Tag every Value created inside with a dotted scope path (nested scopes join with dots).

    ``nn`` modules use this so that the visualizer can group a layer's Values in one cluster.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope: name must be a non-empty string, got {name!r}")
        self.name = name
        self._tokens = []

    def changes(self, mode: Mode) -> Mode:
        name = self.name
        new = mode._derived.get(name)
        if new is None:
            outer = mode.scope
            new = mode.remember(name, Mode(mode.grad_enabled, name if outer is None else f"{outer}.{name}",
                                           mode.anomaly, mode.tracing))
        return new

    def __enter__(self) -> str:  # ModeChange.__enter__ written out (one call fewer): the path for `as`
        new = self.changes(current())
        self._tokens.append(_MODE.set(new))
        return new.scope


def current_scope() -> str | None:
    """The dotted scope path that new Values are tagged with, or None outside any scope."""
    return current().scope
