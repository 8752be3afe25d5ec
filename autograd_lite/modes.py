"""Global recording state: whether ops record a graph (`no_grad`) and the current scope path.

Both are plain module-level state read on every op, so they must stay cheap to check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

_F = TypeVar("_F", bound=Callable)


class _State:
    """Mutable recording state shared by every op (one instance, module-level)."""

    __slots__ = ("grad_enabled", "scope")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.scope: str | None = None


STATE = _State()


class _GradMode:
    """A context manager and decorator that sets whether ops record a graph."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(STATE.grad_enabled)
        STATE.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        STATE.grad_enabled = self._saved.pop()

    def __call__(self, func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with _GradMode(self.enabled):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def no_grad() -> _GradMode:
    """Ops inside record nothing and give Values with ``requires_grad == False``.

    Use as ``with no_grad():`` or as a decorator ``@no_grad()``.
    """
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Turn recording back on inside a ``no_grad`` block (used by ``grad(create_graph=True)``)."""
    return _GradMode(True)


def is_grad_enabled() -> bool:
    """True when ops currently record the graph."""
    return STATE.grad_enabled


class scope:  # noqa: N801  (used like a function: ``with scope("layers.0"):``)
    """Tag every Value created inside with a dotted scope path (nested scopes join with dots).

    ``nn`` modules use this so that the visualizer can group a layer's Values in one cluster.
    A small class rather than a generator: models enter one per module call.
    """

    __slots__ = ("name", "_saved")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope: name must be a non-empty string, got {name!r}")
        self.name = name

    def __enter__(self) -> str:
        self._saved = saved = STATE.scope
        STATE.scope = path = self.name if saved is None else f"{saved}.{self.name}"
        return path

    def __exit__(self, *exc: object) -> None:
        STATE.scope = self._saved


def current_scope() -> str | None:
    """The dotted scope path that new Values are tagged with, or None outside any scope."""
    return STATE.scope
