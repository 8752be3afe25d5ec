"""Tensor-level layers: `Linear`, `Sequential`, `MLP` and `Dropout`, working on whole batches.

Weights are matrices, so one `@` does the work of a layer of neurons (the vectorized
backpropagation of tutorial section 8); inputs have shape (batch, features).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_lite import Value
from autograd_lite.compiler import fresh

from .activations import get_activation
from .init import Seed, as_rng, linear_default, weight_init
from .module import Module
from .primitives import affine


def as_batch(x: Any, features: int, dtype: np.dtype, where: str) -> Value:
    """`x` as a Value of shape (batch, features) and the layer's dtype, refusing anything else.

    Arrays become constant Values without a copy (their data is only read).
    """
    if isinstance(x, Value):
        if x.ndim != 2 or x.shape[1] != features:
            raise ValueError(f"{where}: expected input of shape (batch, {features}), got {x.shape}"
                             + (" (for one example use x[None, :])" if x.ndim == 1 else ""))
        return x if x.dtype == dtype else x.astype(dtype)
    array = np.asarray(x)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{where}: input must be numeric, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[1] != features:
        raise ValueError(f"{where}: expected input of shape (batch, {features}), got {array.shape}"
                         + (" (for one example use x[None, :])" if array.ndim == 1 else ""))
    if array.dtype != dtype:
        array = array.astype(dtype)
    return Value(array, requires_grad=False, copy=False)  # the batch is only read: no copy


class Linear(Module):
    """An affine layer h = x @ W + b with W of shape (nin, nout): one row of x per example.

    Default initialisation (PyTorch's): W and b drawn from U(±1/√nin). `init` may name another
    weight initialiser ("xavier_uniform", "he_normal", ...) or be a function (shape, rng) ->
    array; biases then start at zero. `seed` is an int or a `numpy.random.Generator`.
    """

    def __init__(self, nin: int, nout: int, seed: Seed = None, bias: bool = True,
                 init: str | Callable | None = None, dtype: Any = np.float64) -> None:
        for name, n in (("nin", nin), ("nout", nout)):
            if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
                raise ValueError(f"Linear: {name} must be a positive int, got {n!r}")
        self.nin, self.nout = int(nin), int(nout)
        rng = as_rng(seed)
        dtype = np.dtype(dtype)
        self.weight = Value(weight_init(init)((self.nin, self.nout), rng).astype(dtype), label="W")
        if bias:
            data = linear_default((self.nout,), self.nin, rng) if init is None else np.zeros(self.nout)
            self.bias = Value(data.astype(dtype), label="b")
        else:
            self.bias = None

    def forward(self, x: Any) -> Value:
        weight = self.weight
        x = as_batch(x, self.nin, weight.dtype, "Linear")
        return x @ weight if self.bias is None else affine(x, weight, self.bias)

    def extra_repr(self) -> str:
        return f"nin={self.nin}, nout={self.nout}, bias={self.bias is not None}"


class Sequential(Module):
    """Modules applied one after another; the i-th is named ``layers.i``."""

    def __init__(self, *layers: Module) -> None:
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: item {i} is a {type(layer).__name__}, not a Module")
        self.layers = list(layers)

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)


class MLP(Sequential):
    """A multilayer perceptron: Linear layers of sizes `nouts`, with `activation` between them.

    ``MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid")`` is the tutorial's
    section 7 network. The output has shape (batch, nouts[-1]), also when that is 1.
    One generator made from `seed` draws all layers' weights in order (``layers.0`` first).
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | type[Module] = "relu",
                 output_activation: str | type[Module] | None = None, seed: Seed = None,
                 init: str | Callable | None = None, dtype: Any = np.float64) -> None:
        nouts = list(nouts)
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        rng = as_rng(seed)
        layers: list[Module] = []
        sizes = [nin] + nouts
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(Linear(a, b, seed=rng, init=init, dtype=dtype))
            last = i == len(nouts) - 1
            if not last:
                layers.append(get_activation(activation))
            elif output_activation is not None:
                layers.append(get_activation(output_activation))
        super().__init__(*layers)
        self.sizes = sizes

    def extra_repr(self) -> str:
        return "-".join(str(n) for n in self.sizes)


class Dropout(Module):
    """Inverted dropout (tutorial section 16): in training, zero each unit with probability `p`.

    Kept units are scaled by 1/(1 − p), so a unit's expected value is unchanged and evaluation
    mode is the exact identity. The tutorial instead leaves training unscaled and multiplies the
    incoming weights by "p" at test time; that factor is the *keep* probability 1 − p (equal to
    the drop probability only at p = 0.5). Both give the same expected activations.
    """

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p!r}")
        self.p = float(p)
        self._rng = as_rng(seed)

    def forward(self, x: Any) -> Value:
        """`x` with dropped units zeroed: the same dtype, and a float stays a float.

        Input that is not a Value becomes a constant Value, in training and in evaluation.
        """
        if not isinstance(x, Value):
            x = Value(x, requires_grad=False, copy=False)  # only read: no copy of an array
        if not self.training or self.p == 0.0:
            return x
        # The mask is drawn through `compiler.fresh`, so a compiled step draws a new one on every run.
        return x * fresh(self._mask_drawer(x.shape, x.dtype))

    def _mask_drawer(self, shape: tuple[int, ...], dtype: np.dtype) -> Callable[[], Any]:
        """A function drawing one mask: 0 for a dropped unit, 1/(1 − p) for a kept one."""
        rng = self._rng

        def draw() -> Any:
            scale = 1.0 / (1.0 - self.p)
            if not shape:  # a Python number keeps a float a float, and a 0-d array's dtype
                return scale if rng.random() >= self.p else 0.0
            mask = (rng.random(shape) >= self.p).astype(dtype)
            mask *= scale  # a Python float keeps the mask in x's dtype
            return mask

        return draw

    def extra_repr(self) -> str:
        return f"p={self.p}"
