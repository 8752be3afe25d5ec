"""The compiler: trace a function once, replay it as a fixed Python/numpy program of forward and backward.

``step = autograd_lite.compile(loss_fn)``: the first call runs `loss_fn` eagerly and records its
graph (`trace`); `codegen` writes the forward and `backward` the backward (from the ops' own rules,
`source` and `inline` give the text) as one function; `guards` decide when a call may replay it;
`program` holds the cache of programs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .program import Compiled, Program
from .trace import TracingError, fresh, watch


def compile(fn: Callable, *, guards: Callable[[], Any] | None = None, cache_size: int = 8,  # noqa: A001
            buffers: bool = True) -> Compiled:
    """Compile `fn` (returning a one-number loss Value, or a tuple whose first item is one).

    Calling the result calls `fn`: the first call with arguments of given shapes and dtypes
    traces it, later ones replay the program, filling the parameters' ``.grad`` as
    ``loss.backward()`` would (added to what they hold: call ``zero_grad()`` between steps).
    `guards`, if given, is called on every call and its result compared with the one at trace
    time (another value traces again); `cache_size` programs are kept (least recently used go);
    ``buffers=False`` gives every elementwise result a new array instead of a reused buffer.
    """
    return Compiled(fn, guards=guards, cache_size=cache_size, buffers=buffers)


__all__ = ["Compiled", "Program", "TracingError", "compile", "fresh", "watch"]
