"""State dicts in PyTorch's layout, so a model trained here can continue in PyTorch and back.

Here a `Linear` weight is (nin, nout), used as ``x @ W``, and a `Sequential` names its i-th
layer ``layers.i``; PyTorch's ``nn.Linear`` keeps (out, in) and ``nn.Sequential`` names it ``i``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from autograd_lite import Value

from .activations import PReLU
from .layers import Linear, Sequential
from .module import Module, _children

__all__ = ["from_torch_state_dict", "to_torch_state_dict"]


class _Entry(NamedTuple):
    name: str          # the key in ``model.state_dict()``
    torch_name: str    # the key PyTorch's equivalent model uses
    parameter: Value
    torch_shape: tuple[int, ...]


# (module type, attribute) -> PyTorch's attribute name; weights of Linear are transposed.
_TORCH_NAMES = {(Linear, "weight"): "weight", (Linear, "bias"): "bias", (PReLU, "slope"): "weight"}


def _torch_shape(module: Module, attribute: str, p: Value) -> tuple[int, ...]:
    if isinstance(module, Linear) and attribute == "weight":
        return p.shape[::-1]
    if isinstance(module, PReLU):
        return (module.num_parameters,)  # PyTorch's slope is always a vector, also of one
    return p.shape


def _entries(model: Module, where: str) -> list[_Entry]:
    """Every parameter with its name here and in PyTorch, walked without recursion.

    Only `Linear` and `PReLU` hold parameters with a known PyTorch counterpart; a parameter
    held by any other module is refused rather than given a layout that might be wrong.
    """
    entries: list[_Entry] = []
    seen: set[int] = set()  # a module or Value reached twice (shared) has the name of its first path
    stack: list[tuple[str, str, Module]] = [("", "", model)]
    while stack:
        path, torch_path, module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        below = []
        for name, item in _children(module):
            full = f"{path}.{name}" if path else name
            if isinstance(item, Module):
                segment = name
                if isinstance(module, Sequential) and name.startswith("layers."):
                    segment = name[len("layers."):]
                below.append((full, f"{torch_path}.{segment}" if torch_path else segment, item))
                continue
            if id(item) in seen:
                continue
            seen.add(id(item))
            torch_attribute = next((t for (kind, attribute), t in _TORCH_NAMES.items()
                                    if isinstance(module, kind) and attribute == name), None)
            if torch_attribute is None:
                raise ValueError(
                    f"{where}: parameter {full!r} is held by a {type(module).__name__}, which has no known PyTorch "
                    "layout (only Linear and PReLU parameters, inside Sequential, MLP or modules of your own, "
                    "are converted); build the model from nn.Linear layers, or convert this parameter yourself")
            key = f"{torch_path}.{torch_attribute}" if torch_path else torch_attribute
            entries.append(_Entry(full, key, item, _torch_shape(module, name, item)))
        stack.extend(reversed(below))
    return entries


def to_torch_state_dict(model: Module) -> dict[str, np.ndarray]:
    """``model``'s parameters as PyTorch's equivalent model names and shapes them (numpy arrays).

    An ``MLP(2, [3, 1], activation="tanh")`` gives ``0.weight`` (3, 2), ``0.bias``, ``2.weight``
    (1, 3), ``2.bias``: the keys of ``torch.nn.Sequential(Linear(2, 3), Tanh(), Linear(3, 1))``.
    Load it there with ``torch_model.load_state_dict({k: torch.from_numpy(v) for k, v in
    state.items()})``; the arrays are new (C-ordered copies) and keep the model's dtype.
    """
    state = {}
    for entry in _entries(model, "to_torch_state_dict"):
        data = entry.parameter.numpy()
        state[entry.torch_name] = np.array(np.reshape(data.T, entry.torch_shape), order="C")  # a copy
    return state


def from_torch_state_dict(model: Module, state: dict[str, Any]) -> Module:
    """Load a state in PyTorch's layout (as ``to_torch_state_dict`` writes it) into `model`; returns it.

    Values may be numpy arrays or CPU tensors (anything ``numpy.asarray`` reads). Keys and shapes
    are checked in PyTorch's terms first; then ``load_state_dict`` checks dtypes (a float32 torch
    model needs ``model.astype(np.float32)`` here, or ``.double()`` there) and nothing changes
    unless every entry fits.
    """
    where = "from_torch_state_dict"
    entries = _entries(model, where)
    expected = {entry.torch_name for entry in entries}
    missing = [entry.torch_name for entry in entries if entry.torch_name not in state]
    unexpected = [key for key in state if key not in expected]
    if missing or unexpected:
        raise KeyError(f"{where}: the state does not fit a {type(model).__name__} (in PyTorch's names): "
                       f"missing keys {missing}, unexpected keys {unexpected}")
    ours = {}
    for entry in entries:
        array = np.asarray(state[entry.torch_name])
        if array.shape != entry.torch_shape:
            raise ValueError(f"{where}: {entry.torch_name!r} has shape {array.shape}, the model expects "
                             f"{entry.torch_shape} in PyTorch's layout (for {entry.name!r} of shape "
                             f"{entry.parameter.shape} here)")
        # back through the same steps: PyTorch's shape is ours reversed (a transpose for a weight,
        # nothing for a vector), except a shared PReLU slope, (1,) there and a scalar here
        ours[entry.name] = np.array(np.reshape(array, entry.parameter.shape[::-1]).T, order="C")
    return model.load_state_dict(ours)
