"""Optimisers: SGD (with momentum and weight decay) and Adam; their schedules are in `schedules`.

A step updates each parameter in place, as PyTorch's optimisers do: ``with no_grad(): p -= step``,
which stamps the parameter as written, so a graph recorded before the step refuses to
differentiate instead of reading the new data (autograd_lite's `DataChangedError`). Arrays that
view a parameter (``p.numpy()``, ``p.detach()``) see the new data; copy them
(``p.numpy().copy()``) to keep the old. Parameters that are frozen (``requires_grad = False``) or
that no backward reached since ``zero_grad`` are left as they are.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_lite import Value, no_grad

from ..io import load_arrays, save_arrays
from ..module import holds_float, zero_grads
from . import schedules
from .schedules import Schedule

__all__ = ["SGD", "Adam", "Optimizer", "schedules"]


class Optimizer:
    """Base class: holds the parameters, the base learning rate, a schedule and a step count.

    ``lr`` is the base rate; the rate used at step t is ``lr * schedule(t)`` (see
    ``current_lr``). ``state_dict`` captures everything needed to resume training.
    """

    def __init__(self, params: Iterable[Value], lr: float, schedule: Schedule | None = None) -> None:
        self.params = list(params)
        where = type(self).__name__
        if not self.params:
            raise ValueError(f"{where}: got an empty parameter list")
        first_index: dict[int, int] = {}  # id -> where the Value first appears: a repeat would be stepped twice
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{where}: parameter {i} is a {type(p).__name__}, not a Value")
            j = first_index.setdefault(id(p), i)
            if j != i:
                raise ValueError(f"{where}: parameter {i} is the same Value as parameter {j}, so each step would "
                                 "move it twice; pass each parameter once (a model's parameters() lists a "
                                 "shared one once)")
        if not lr > 0:
            raise ValueError(f"{where}: lr must be positive, got {lr!r}")
        self.lr = float(lr)
        self.schedule = schedule
        self.steps = 0
        self._scratch: list[Any] = [None] * len(self.params)

    def _work_array(self, i: int, like: np.ndarray) -> np.ndarray:
        """An array shaped like `like` for parameter i's step, kept from step to step, so that a
        step allocates nothing (benchmarks/mlp_step's nn step pays for it)."""
        work = self._scratch[i]
        if work is None or work.shape != like.shape or work.dtype != like.dtype:
            work = self._scratch[i] = np.empty_like(like)
        return work

    @property
    def current_lr(self) -> float:
        """The learning rate the next step will use."""
        return self.lr if self.schedule is None else self.lr * self.schedule(self.steps)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (call before each backward); see `nn.module.zero_grads`."""
        if not set_to_none:
            zero_grads(self.params, set_to_none)
            return
        for p in self.params:  # the default, once per training step: written out, one call fewer
            p.zero_grad()

    def step(self) -> None:
        raise NotImplementedError

    def _to_update(self) -> list[int]:
        """The indices of the parameters a step moves: those that require grad and have a gradient.

        As PyTorch skips parameters whose grad is None: a frozen parameter, or one that no
        backward reached since ``zero_grad``, keeps its data, and momentum, moments and weight
        decay leave it alone.
        """
        return [i for i, p in enumerate(self.params) if p.requires_grad and p.has_grad]

    # ----- state ---------------------------------------------------------------------------------
    _buffers: tuple[str, ...] = ()

    def state_dict(self) -> dict[str, np.ndarray]:
        """Arrays: "lr", "steps", and ``<buffer>.<i>`` for each per-parameter buffer in use."""
        state = {"lr": np.array(self.lr), "steps": np.array(self.steps)}
        for name in self._buffers:
            for i, buffer in enumerate(getattr(self, name)):
                if buffer is not None:
                    state[f"{name}.{i}"] = np.array(buffer, copy=True)
        return state

    def load_state_dict(self, state: dict[str, Any]) -> Optimizer:
        """Restore a state from ``state_dict``; wrong keys or shapes are refused by name."""
        expected = {"lr", "steps"}
        for key in state:
            name, _, index = key.partition(".")
            if key in expected:
                continue
            if name not in self._buffers or not index.isdigit() or int(index) >= len(self.params):
                raise KeyError(f"{type(self).__name__}.load_state_dict: unexpected key {key!r}")
            p = self.params[int(index)]
            if np.shape(state[key]) != p.shape:
                raise ValueError(f"{type(self).__name__}.load_state_dict: {key!r} has shape "
                                 f"{np.shape(state[key])}, parameter {index} has shape {p.shape}")
        missing = expected - set(state)
        if missing:
            raise KeyError(f"{type(self).__name__}.load_state_dict: missing keys {sorted(missing)}")
        self.lr = float(state["lr"])
        self.steps = int(state["steps"])
        for name in self._buffers:
            buffers = [None] * len(self.params)
            for i, p in enumerate(self.params):
                key = f"{name}.{i}"
                if key in state:
                    array = np.array(state[key], dtype=p.dtype, copy=True)
                    buffers[i] = float(array) if holds_float(p) else array
            setattr(self, name, buffers)
        return self

    def save(self, path: str | os.PathLike) -> None:
        """Write ``state_dict`` to `path` (`.npz`, atomically)."""
        save_arrays(path, self.state_dict())

    def load(self, path: str | os.PathLike) -> Optimizer:
        """Read a state written by ``save`` (never unpickles); returns self."""
        return self.load_state_dict(load_arrays(path))


class SGD(Optimizer):
    """Stochastic gradient descent (section 5): θ ← θ − α Δθ.

    With `momentum` μ: v ← μ v + Δθ and θ ← θ − α v. With `weight_decay` λ the gradient gets
    λθ added, i.e. the gradient of (λ/2)‖θ‖² (section 16's penalty).
    """

    _buffers = ("velocity",)

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 schedule: Schedule | None = None) -> None:
        super().__init__(params, lr, schedule)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        if weight_decay < 0:
            raise ValueError(f"SGD: weight_decay must be >= 0, got {weight_decay!r}")
        self.momentum, self.weight_decay = float(momentum), float(weight_decay)
        self.velocity: list[Any] = [None] * len(self.params)

    def step(self) -> None:
        if self.momentum or self.weight_decay:
            self._step_with_state()
        else:
            self._plain_step()
        self.steps += 1

    def _plain_step(self) -> None:
        """θ ← θ − αg, the whole step without momentum or decay: written out for the common case, with
        one pass over the parameters and no call per parameter but numpy's and ``-=`` (the compiled
        digits step of benchmarks/compiled measured 3-7 % faster than through `_step_with_state`)."""
        lr, scratch = self.current_lr, self._scratch
        with no_grad():
            for i, p in enumerate(self.params):
                if not (p.requires_grad and p.has_grad):  # as `_to_update` says
                    continue
                grad = p.grad
                if type(grad) is float:  # a float Value's gradient is a float
                    p -= lr * grad
                    continue
                work = scratch[i]
                if work is None or work.shape != grad.shape or work.dtype != grad.dtype:
                    work = self._work_array(i, grad)
                np.multiply(grad, lr, work)
                p -= work  # in place (Value.__isub__)

    def _step_with_state(self) -> None:
        lr, momentum, decay = self.current_lr, self.momentum, self.weight_decay
        velocity = self.velocity
        params = self.params
        with no_grad():
            for i in self._to_update():
                p = params[i]
                grad = p.grad
                if type(grad) is float:  # a float Value's gradient is a float
                    data = p.data
                    g = grad + decay * data if decay else grad
                    if momentum:
                        v = velocity[i]
                        g = velocity[i] = g if v is None else momentum * v + g
                    p.data = data - lr * g
                    continue
                g = grad + decay * p.numpy() if decay else grad
                if momentum:
                    v = velocity[i]
                    if v is None or v.dtype != p.dtype:
                        v = velocity[i] = np.array(g, dtype=p.dtype, copy=True)
                    else:
                        v *= momentum
                        v += g
                    g = v
                step = np.multiply(g, lr, out=self._work_array(i, grad))
                p -= step  # θ ← θ − αg, in place (Value.__isub__)


class Adam(Optimizer):
    """Adam: per-parameter step sizes from running averages of the gradient and its square.

    m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,  θ ← θ − α m̂ / (√v̂ + ε), with the bias
    corrections m̂ = m / (1−β1ᵗ), v̂ = v / (1−β2ᵗ), where t counts the steps that moved this
    parameter (``updates``). `weight_decay` adds λθ to g (L2, not AdamW).
    """

    _buffers = ("m", "v")

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, schedule: Schedule | None = None) -> None:
        super().__init__(params, lr, schedule)
        b1, b2 = betas
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise ValueError(f"Adam: betas must lie in [0, 1), got {betas!r}")
        self.betas, self.eps, self.weight_decay = (float(b1), float(b2)), float(eps), float(weight_decay)
        self.m: list[Any] = [None] * len(self.params)
        self.v: list[Any] = [None] * len(self.params)
        # Each parameter's own t in the bias corrections: how many steps have moved it. A parameter
        # unfrozen after k steps then starts like a fresh one, not with moments the corrections
        # no longer scale up (its first steps would be several times lr).
        self.updates: list[int] = [0] * len(self.params)

    def step(self) -> None:
        lr, (b1, b2), eps, decay = self.current_lr, self.betas, self.eps, self.weight_decay
        updates = self.updates
        params = self.params
        with no_grad():
            for i in self._to_update():
                p = params[i]
                t = updates[i] = updates[i] + 1
                step_size = lr / (1 - b1 ** t)
                root_correction = math.sqrt(1 - b2 ** t)
                grad = p.grad
                if type(grad) is float:  # a float Value's gradient is a float
                    data = p.data
                    if decay:
                        grad = grad + decay * data
                    m = self.m[i] = b1 * (self.m[i] or 0.0) + (1 - b1) * grad
                    v = self.v[i] = b2 * (self.v[i] or 0.0) + (1 - b2) * grad * grad
                    p.data = data - step_size * m / (math.sqrt(v) / root_correction + eps)
                    continue
                if decay:
                    grad = grad + decay * p.numpy()
                m, v = self.m[i], self.v[i]
                if m is None or m.dtype != grad.dtype:
                    m = self.m[i] = np.zeros_like(grad)
                    v = self.v[i] = np.zeros_like(grad)
                step = self._work_array(i, grad)
                m *= b1
                np.multiply(grad, 1 - b1, out=step)
                m += step
                v *= b2
                np.multiply(grad, grad, out=step)
                step *= 1 - b2
                v += step
                np.sqrt(v, out=step)          # √v̂ + ε = √v / √(1 − β2ᵗ) + ε
                step /= root_correction
                step += eps
                np.divide(m, step, out=step)
                step *= step_size
                p -= step                     # θ ← θ − step·m̂/(√v̂ + ε), in place (Value.__isub__)
        self.steps += 1

    def state_dict(self) -> dict[str, np.ndarray]:
        """The base state, plus "updates": how many steps have moved each parameter."""
        state = super().state_dict()
        state["updates"] = np.array(self.updates, dtype=np.int64)
        return state

    def load_state_dict(self, state: dict[str, Any]) -> Adam:
        """Restore a state from ``state_dict``, refusing wrong keys or shapes by name.

        A state saved before Adam kept "updates" gives each parameter with moments the count of
        all steps, which is the t that Adam used then.
        """
        state = dict(state)
        updates = state.pop("updates", None)
        if updates is not None:
            updates = np.asarray(updates)
            if updates.shape != (len(self.params),) or updates.dtype.kind not in "iu" or np.any(updates < 0):
                raise ValueError(f"Adam.load_state_dict: 'updates' must hold {len(self.params)} counts "
                                 f"(one per parameter, integers >= 0), got {updates.dtype} of shape {updates.shape}")
        super().load_state_dict(state)
        if updates is None:
            self.updates = [self.steps if m is not None else 0 for m in self.m]
        else:
            self.updates = [int(n) for n in updates]
        return self
