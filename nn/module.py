"""`Module`: the base class of every layer and model — parameters, modes, scopes and state.

A module's parameters are the `Value` attributes it holds, found recursively through child
modules and the lists, tuples and dicts holding them, in the order the attributes were assigned.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

import autograd_lite as al
from autograd_lite import Value

from .io import load_arrays, save_arrays

_CONTAINERS = (list, tuple, dict)
_watch = al.compiler.watch


def _held(module: Module, attribute: str, item: Any) -> Iterator[tuple[str, Value | Module]]:
    """(name, Value or Module) for each one an attribute holds, itself or inside containers.

    Lists and tuples name their elements by index (``layers.0``), dicts by key
    (``blocks.encoder``), nested to any depth; containers holding neither are left alone. A dict
    key that cannot be a name segment (not a non-empty string, or with a dot) is refused once a
    Value or module is found under it: that one would have no name in ``state_dict`` and files.
    """
    kinds = (Value, Module, *_CONTAINERS)
    stack: list[tuple[str, Any, tuple[str, Any] | None]] = [(attribute, item, None)]  # (name, item, bad key above)
    visited: set[int] = set()  # containers already walked: one that holds itself is walked once
    while stack:
        name, item, bad_key = stack.pop()
        if isinstance(item, (Value, Module)):
            if bad_key is not None:
                where, key = bad_key
                raise ValueError(f"{type(module).__name__}.{where}: the key {key!r} cannot name the "
                                 f"{type(item).__name__} under it (its parameters are named "
                                 f"'{where}.<key>...'); use a non-empty string without '.' as the key")
            yield name, item
            continue
        if not isinstance(item, _CONTAINERS) or id(item) in visited:
            continue
        visited.add(id(item))
        if isinstance(item, dict):
            inside = [(f"{name}.{key}", element,
                       bad_key or (None if isinstance(key, str) and key and "." not in key else (name, key)))
                      for key, element in item.items() if isinstance(element, kinds)]
        else:
            inside = [(f"{name}.{i}", element, bad_key) for i, element in enumerate(item) if isinstance(element, kinds)]
        stack.extend(reversed(inside))


def holds_float(value: Value) -> bool:
    """Whether `value` holds a Python float rather than an array.

    ``data`` is read only for 0-d Values: handing out an array through ``data`` makes autograd_lite
    keep a copy of it (to catch writes into it), which reading through ``numpy()`` avoids.
    """
    return value.ndim == 0 and type(value.data) is float


def zero_grads(parameters: Iterable[Value], set_to_none: bool = True) -> None:
    """Clear the gradients of `parameters`, as PyTorch's ``zero_grad(set_to_none)`` does.

    With `set_to_none` (the default) each gradient is dropped: ``has_grad`` is False until the
    next backward reaches the parameter, so optimisers skip it until then. With
    ``set_to_none=False`` a parameter that has a gradient gets zeros instead (a new array, never
    a write into the old one, which the caller may hold): ``has_grad`` stays True, so a step
    still applies momentum and weight decay to it. One without a gradient is left without.
    """
    if set_to_none:
        for p in parameters:
            p.zero_grad()
        return
    for p in parameters:
        if p.has_grad:
            p.grad = 0.0 if holds_float(p) else np.zeros(p.shape, dtype=p.dtype)


def _children(module: Module) -> Iterator[tuple[str, Value | Module]]:
    """(name, item) for each parameter or child module held directly, in assignment order."""
    for name, item in vars(module).items():
        if not name.startswith("_"):
            yield from _held(module, name, item)


class Module:
    """Base class of layers and models: subclasses set attributes and define ``forward``.

    **Scope names.** Each module records its path relative to the module that holds it: the
    attribute name, with the list index or dict key for modules kept in a list or dict
    (``layers.0``, ``blocks.encoder``). Calling a module runs ``forward`` inside
    ``autograd_lite.scope(path)``; scopes nest, so the Values a layer creates carry the full
    dotted path from the outermost model (``layers.0`` or ``encoder.layers.2``). The root model
    adds no segment of its own: its own ops carry the caller's scope (None at top level), and
    parameter names (``named_parameters``) are the same paths, plus the attribute name
    (``layers.0.weight``). Parameters' ``scope`` attribute is set to their module's path too, so
    a drawing can put weights in their layer's cluster.
    """

    training: bool = True
    _scope_name: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_") and any(isinstance(item, Module) for _, item in _held(self, name, value)):
            self._name_children()

    def _name_children(self) -> None:
        """Give every module below this one its relative scope name, and tag parameter scopes."""
        stack: list[tuple[Module, str | None]] = [(self, None)]
        while stack:
            module, path = stack.pop()
            for name, item in _children(module):
                full = name if path is None else f"{path}.{name}"
                if isinstance(item, Module):
                    object.__setattr__(item, "_scope_name", name)
                    stack.append((item, full))
                else:
                    item.scope = path

    # ----- the call ----------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _watch(self, "training")  # while compiling: a program traced in one mode is not replayed in the other
        name = self._scope_name
        if name is None:
            return self.forward(*args, **kwargs)
        with al.scope(name):
            return self.forward(*args, **kwargs)

    # ----- parameters --------------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each module held directly (``layers.0``), in assignment order, each once."""
        seen: set[int] = set()
        for name, item in _children(self):
            if isinstance(item, Module) and id(item) not in seen:
                seen.add(id(item))
                yield name, item

    def children(self) -> Iterator[Module]:
        """The modules held directly, as in ``named_children``: a Sequential's layers, not theirs."""
        for _, module in self.named_children():
            yield module

    def named_modules(self) -> Iterator[tuple[str, Module]]:
        """(path, module) for this module ("") and every module below it, each once, depth first.

        PyTorch's order: a module comes before the modules it holds, and those come in assignment
        order (``""``, ``layers.0``, ``layers.1``, ...). A module reached twice (shared) is listed
        at its first path only. The walk keeps its own stack, so depth is not limited by recursion.
        """
        stack: list[tuple[str, Module]] = [("", self)]
        seen: set[int] = set()
        while stack:
            path, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield path, module
            below = [(f"{path}.{n}" if path else n, m) for n, m in _children(module) if isinstance(m, Module)]
            stack.extend(reversed(below))

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, in the order of ``named_modules``."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """(dotted name, parameter) pairs, recursively, in assignment order; shared ones once."""
        seen: set[int] = set()
        stack: list[tuple[str, Any]] = [("", self)]
        while stack:
            path, item = stack.pop()
            if isinstance(item, Value):
                if id(item) not in seen:
                    seen.add(id(item))
                    yield path, item
                continue
            below = [(f"{path}.{n}" if path else n, child) for n, child in _children(item)]
            stack.extend(reversed(below))

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of ``named_parameters``."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """The number of trainable numbers (scalars) in the model."""
        return sum(p.size for p in self.parameters())

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (call between steps: leaves accumulate); see `zero_grads`."""
        zero_grads(self.parameters(), set_to_none)

    # ----- modes -------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Switch this module and all below to training mode (dropout active); returns self."""
        for _, module in self.named_modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode (dropout is the identity); returns self."""
        return self.train(False)

    # ----- state -------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """name -> a copy of the parameter's data as an array (0-d for scalar parameters)."""
        return {name: np.array(p.numpy(), copy=True) for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, Any]) -> Module:
        """Copy arrays into the parameters; wrong keys, shapes or dtypes are refused by name.

        Nothing is changed unless every entry fits. Returns self.
        """
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        if missing or unexpected:
            raise KeyError(f"load_state_dict: {type(self).__name__} state does not match: "
                           f"missing keys {missing}, unexpected keys {unexpected}")
        new = {}
        for name, p in own.items():
            array = np.asarray(state[name])
            if array.shape != p.shape:
                raise ValueError(f"load_state_dict: {name!r} has shape {array.shape}, the model expects {p.shape}")
            if array.dtype != p.dtype:
                raise TypeError(f"load_state_dict: {name!r} has dtype {array.dtype}, the model expects {p.dtype} "
                                "(convert the model with astype first)")
            new[name] = array
        for name, p in own.items():
            p.data = float(new[name]) if holds_float(p) else np.array(new[name], copy=True)
        return self

    def save(self, path: str | os.PathLike) -> None:
        """Write the parameters to `path` (`.npz`), atomically: write a temporary file, then rename."""
        save_arrays(path, self.state_dict())

    def load(self, path: str | os.PathLike) -> Module:
        """Load parameters saved by ``save``; never unpickles. Returns self."""
        return self.load_state_dict(load_arrays(path))

    def astype(self, dtype: Any) -> Module:
        """Cast every parameter to a floating dtype (tutorial section 10: float32 halves memory).

        Gradients are reset. Build optimisers after this call (their state follows the dtype).
        Scalar parameters (Python floats) stay floats: they are always float64.
        """
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"astype: only floating dtypes are supported, got {dtype}")
        for _, p in self.named_parameters():
            if not holds_float(p):
                p.data = p.numpy().astype(dtype)
            p.zero_grad()
        return self

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the first parameter (float64 for a module without parameters)."""
        for _, p in self.named_parameters():
            return p.dtype
        return np.dtype(np.float64)

    # ----- display -----------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown inside this module's line of ``repr``."""
        return ""

    def __repr__(self) -> str:
        lines = []
        stack: list[tuple[int, str, Module]] = [(0, "", self)]
        while stack:
            depth, name, module = stack.pop()
            label = f"({name}): " if name else ""
            lines.append("  " * depth + f"{label}{type(module).__name__}({module.extra_repr()})")
            below = [(depth + 1, n, m) for n, m in _children(module) if isinstance(m, Module)]
            stack.extend(reversed(below))
        count = self.num_parameters()
        lines.append(f"[{count} parameter{'s' if count != 1 else ''}]")
        return "\n".join(lines)
