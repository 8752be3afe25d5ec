"""Anomaly mode: find the forward line that produced the first NaN or infinity in a gradient.

Inside ``with detect_anomaly():`` every Value remembers where your code made it (the first frame
outside autograd_lite and nn), and backward runs the reference chain rule checking each
contribution: the first non-finite one raises `AnomalyError`, naming the op, the node, the input
that received it, the first bad element, and the line of your forward pass that recorded the
node. ``detect_anomaly(check_forward=True)`` also stops the forward pass at the first op that turns
finite inputs into a non-finite output. Outside the mode none of this runs: the only cost is one
test of the mode per recorded node.
"""

from __future__ import annotations

import linecache
import sys
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .modes import Mode, ModeChange
from .versions import describe

_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = (str(_PACKAGE) + "/", str(_PACKAGE.parent / "nn") + "/")


@dataclass(frozen=True)
class Site:
    """Where user code made a Value: file, line, function and the line's source text."""

    filename: str
    lineno: int
    function: str
    source: str

    def __str__(self) -> str:
        in_notebook = "ipykernel_" in self.filename  # Jupyter runs each cell from a temporary file
        place = f"a notebook cell, line {self.lineno}" if in_notebook else f"{self.filename}:{self.lineno}"
        text = f"{place} in {self.function}"
        return f"{text}\n    {self.source}" if self.source else text


class AnomalyError(FloatingPointError):
    """A non-finite value appeared where anomaly mode was watching.

    ``node`` is the Value whose op produced it (give it to ``draw_graph(root, highlight=...)``),
    ``input`` the input that received it (None for a forward check), ``index`` the first bad
    element, ``site`` the user's line that recorded ``node``.
    """

    def __init__(self, message: str, node: Any, input: Any, index: tuple[int, ...], site: Site | None) -> None:  # noqa: A002
        super().__init__(message)
        self.node = node
        self.input = input
        self.index = index
        self.site = site


_SITES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def site_of(value: Any) -> Site | None:
    """Where user code made `value` (recorded only inside ``detect_anomaly``), or None."""
    return _SITES.get(value)


class detect_anomaly(ModeChange):  # noqa: N801  (a context manager and decorator, like no_grad)
    """Watch for NaN and infinity: ``with detect_anomaly():`` or ``@detect_anomaly()``.

    Backward (and ``grad``) inside it check every gradient contribution; with `check_forward`,
    every recorded op's output too. It holds for the current thread (and asyncio task) only.
    """

    def __init__(self, check_forward: bool = False) -> None:
        self.check_forward = bool(check_forward)
        self._tokens = []

    def changes(self, mode: Mode) -> Mode:
        return Mode(mode.grad_enabled, mode.scope, self, mode.tracing)

    def __enter__(self) -> detect_anomaly:
        super().__enter__()
        return self

    def created(self, value: Any) -> None:
        """Called for each Value made in this mode: remember the user's line; check the forward."""
        site = _user_site()
        if site is not None:
            _SITES[value] = site
        if self.check_forward and value._op is not None:
            data = value._data
            if not _all_finite(data) and all(_all_finite(p._data) for p in value.parents):
                index = first_bad(data)
                raise AnomalyError(
                    f"detect_anomaly: op {value._op.name!r} turned finite inputs into a non-finite output "
                    f"({_element(data, index)}) at\n  {site or 'an unknown line'}",
                    value, None, index, site)


def check_contributions(node: Any, sent: list[tuple[Any, Any]], where: str) -> None:
    """Raise `AnomalyError` at the first non-finite contribution that `node`'s rule sent."""
    for parent, contribution in sent:
        data = getattr(contribution, "_data", contribution)  # a Value under create_graph
        if _all_finite(data):
            continue
        index = first_bad(data)
        argnum = next(i for i, p in enumerate(node.parents) if p is parent)
        site = site_of(node)
        recorded = f"recorded at\n  {site}" if site else \
            "recorded outside detect_anomaly (enter it before the forward pass to see the line)"
        raise AnomalyError(
            f"{where}: op {node.op!r} sent a non-finite gradient ({_element(data, index)}) to its input "
            f"{argnum}, {describe(parent)}. The op's node is {describe(node)}, {recorded}",
            node, parent, index, site)


def first_bad(data: Any) -> tuple[int, ...]:
    """The index of the first element that is NaN or ±inf (() for a number)."""
    if type(data) is float:
        return ()
    return tuple(int(i) for i in np.argwhere(~np.isfinite(data))[0])


def _all_finite(data: Any) -> bool:
    if type(data) is float:
        return data - data == 0.0  # False for NaN and ±inf, without a call
    return bool(np.isfinite(data).all())


def _element(data: Any, index: tuple[int, ...]) -> str:
    if type(data) is float:
        return repr(data)
    return f"{float(data[index])!r} at index {index} of shape {data.shape}"


def user_site() -> Site | None:
    """Where user code is running now: the innermost frame outside autograd_lite and nn (or None)."""
    return _user_site()


def _user_site() -> Site | None:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARIES):
        frame = frame.f_back
    if frame is None:
        return None
    code = frame.f_code
    return Site(code.co_filename, frame.f_lineno, code.co_name,
                linecache.getline(code.co_filename, frame.f_lineno, frame.f_globals).strip())
