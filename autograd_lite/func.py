"""Function transforms: derivatives of Python functions, as HIPS autograd and JAX offer them.

``grad(f)`` is a new function that returns the gradient of `f` where `f` returns a Value; the
transforms take plain numbers and arrays and give plain numbers and arrays back::

    from autograd_lite import func
    func.grad(f)(w0)               # shaped like w0
    func.hessian(f)(w0)            # shape w0.shape + w0.shape
    func.hvp(f, w0, v)             # H v, without forming H

Everything here is built on one operation, the reverse pass `autograd_lite.grad`, so each
derivative is still written once (in the op's rule). How the others come out of it:

- **Nesting.** Inside a transform, every transform records its result (``create_graph``): the
  gradient is a Value whose graph leads back to the inputs, so the outer transform
  differentiates it again. ``grad(grad(f))`` works to any order, and ``hessian`` is
  ``jacobian(grad(f))``. At the top level results are raw data.
- **Forward mode (`jvp`) by two reverse passes.** ``u ↦ uᵀJ`` is linear in u; its own gradient
  with respect to u, taken along v, is ``J v``. So `jvp` runs the reverse pass once with a
  recorded u (a graph of the vjp) and once more over that graph. No forward rule is written
  anywhere, at the price of about three passes where true forward mode needs one.
- **Jacobians row by row, or column by column.** A reverse pass gives one row of J (one output
  element); the double pass above gives one column (one input element) once the vjp graph is
  built. `jacobian` takes whichever is fewer.

Inputs may be floats, arrays (integers become float64, as in `Value`) or Values; a Value input
is differentiated where it stands, so a transform of a function of Values composes with the
graph around it when called with ``create_graph=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

import numpy as np

from . import engine
from .modes import enable_grad
from .ops import stack
from .value import Value

Argnums = int | Sequence[int]

#: how many transforms are running around this call: inside one, results are recorded Values
_DEPTH: ContextVar[int] = ContextVar("autograd_lite.func.depth", default=0)


# ----- the transforms -----------------------------------------------------------------------------------
def grad(f: Callable[..., Any], argnums: Argnums = 0, *, allow_unused: bool = True,
         create_graph: bool = False) -> Callable[..., Any]:
    """``grad(f)(*args)``: the gradient of the scalar ``f(*args)`` with respect to ``args[argnums]``,
    shaped like that argument; a tuple of gradients when `argnums` is a tuple.

    `f` must return one number (a Value with one element). An argument `f` does not use gets a
    zero gradient, or an error with ``allow_unused=False``. Cost: one forward and one reverse pass.
    """
    def grad_f(*args: Any) -> Any:
        return _value_and_grad(f, args, argnums, allow_unused, create_graph, "grad")[1]

    return _named(grad_f, f, "grad")


def value_and_grad(f: Callable[..., Any], argnums: Argnums = 0, *, allow_unused: bool = True,
                   create_graph: bool = False) -> Callable[..., tuple[Any, Any]]:
    """``value_and_grad(f)(*args)`` is ``(f(*args), grad(f)(*args))`` for the price of one forward pass."""
    def value_and_grad_f(*args: Any) -> tuple[Any, Any]:
        return _value_and_grad(f, args, argnums, allow_unused, create_graph, "value_and_grad")

    return _named(value_and_grad_f, f, "value_and_grad")


def vjp(f: Callable[..., Any], *args: Any, create_graph: bool = False) -> tuple[Any, Callable[[Any], Any]]:
    """``(f(*args), pullback)`` where ``pullback(u)`` is ``uᵀJ``: the gradient of ``sum(u * f(*args))``
    with respect to each argument (a tuple when there are several arguments).

    `u` is shaped like f's output. The forward pass runs once; each pullback is one reverse pass
    over its graph, so many pullbacks share one forward.
    """
    with _transform(create_graph) as record:
        inputs = _inputs(args, tuple(range(len(args))))
        out = _output(f(*inputs), "vjp", scalar=False)

    def pullback(u: Any) -> Any:
        with _transform(create_graph) as record_pullback:
            grads = _pull(out, inputs, _cotangent(u, out, "vjp"), record_pullback, True, "vjp")
        return _result(grads[0] if len(inputs) == 1 else grads, record_pullback)

    return _result(out, record), pullback


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], *,
        create_graph: bool = False) -> tuple[Any, Any]:
    """``(f(*primals), J v)``: forward mode, the derivative of f along the tangents v.

    Computed by two reverse passes (no forward rules exist): with u a recorded input shaped like
    the output, ``w(u) = uᵀJ`` is linear in u, and the gradient of ``sum(w(u) * v)`` with respect
    to u is ``J v``. Cost: a forward pass, a reverse pass recorded (``create_graph``) and a reverse
    pass over that record; `jacobian` builds the record once and reuses it for every column.
    """
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per primal")
    with _transform(create_graph) as record:
        inputs = _inputs(primals, tuple(range(len(primals))))
        out = _output(f(*inputs), "jvp", scalar=False)
        for i, (x, v) in enumerate(zip(inputs, tangents, strict=True)):
            if np.shape(_raw(v)) != x.shape:
                raise ValueError(f"jvp: tangent {i} has shape {np.shape(_raw(v))}, its primal {x.shape}; "
                                 "a tangent is shaped like its primal")
        tangent = _Columns(out, inputs)(tangents, record)
    return _result(out, record), _result(tangent, record)


def jacobian(f: Callable[..., Any], argnums: Argnums = 0, *, create_graph: bool = False) -> Callable[..., Any]:
    """``jacobian(f)(*args)``: d ``f(*args)`` / d ``args[argnums]``, of shape ``out.shape + arg.shape``
    (a tuple of them when `argnums` is a tuple; and a tuple of those when f returns a tuple of
    Values, so that ``hessian(f, argnums=(0, 1))`` gives the blocks ((H00, H01), (H10, H11))).

    Cost: with m output elements and n input elements, min(m, n) passes after the forward pass:
    m reverse passes (one row each), or, when the inputs are fewer, one recorded reverse pass and
    n reverse passes over it (one column each, as `jvp`).
    """
    def jacobian_f(*args: Any) -> Any:
        with _transform(create_graph) as record:
            inputs, full = _arguments(args, argnums, "jacobian")
            result = f(*full)
            outs = [_output(out, "jacobian", scalar=False) for out in (result if type(result) is tuple else (result,))]
            jacobians = []
            for out in outs:
                by_rows = out.size <= sum(x.size for x in inputs)  # the fewer passes
                blocks = (_by_rows if by_rows else _by_columns)(out, inputs, record)
                jacobians.append(_pick(tuple(_result(b, record) for b in blocks), argnums))
        return tuple(jacobians) if type(result) is tuple else jacobians[0]

    return _named(jacobian_f, f, "jacobian")


def hessian(f: Callable[..., Any], argnums: Argnums = 0, *, create_graph: bool = False) -> Callable[..., Any]:
    """``hessian(f)(*args)``: the second derivatives of the scalar f, of shape ``arg.shape + arg.shape``;
    ``jacobian(grad(f))``, so it costs one recorded reverse pass and one pass per input element."""
    return _named(jacobian(grad(f, argnums), argnums, create_graph=create_graph), f, "hessian")


def hvp(f: Callable[..., Any], x: Any, v: Any, *, create_graph: bool = False) -> Any:
    """The Hessian of the scalar f at x times v, without forming the Hessian: the gradient of
    ``sum(grad f(x) * v)``. Cost: a forward pass and two reverse passes (the first recorded)."""
    if np.shape(_raw(v)) != np.shape(_raw(x)):
        raise ValueError(f"hvp: v has shape {np.shape(_raw(v))} but x has {np.shape(_raw(x))}; v is shaped like x")

    def along_v(y: Any) -> Value:  # the directional derivative of f along v, as a function of y
        return (grad(f)(y) * _raw(v)).sum()

    return grad(along_v, create_graph=create_graph)(x)


# ----- how they are made -----------------------------------------------------------------------------------
class _transform:
    """Mark a transform as running; tells whether its results must be recorded Values (inside
    another transform, or when asked with ``create_graph``)."""

    def __init__(self, create_graph: bool) -> None:
        self.create_graph = create_graph

    def __enter__(self) -> bool:
        record = self.create_graph or _DEPTH.get() > 0
        self._token = _DEPTH.set(_DEPTH.get() + 1)
        self._grad = enable_grad()
        self._grad.__enter__()
        return record

    def __exit__(self, *exc: object) -> None:
        self._grad.__exit__(*exc)
        _DEPTH.reset(self._token)


def _value_and_grad(f: Callable[..., Any], args: tuple, argnums: Argnums, allow_unused: bool,
                    create_graph: bool, name: str) -> tuple[Any, Any]:
    with _transform(create_graph) as record:
        inputs, full = _arguments(args, argnums, name)
        out = _output(f(*full), name, scalar=True)
        grads = _pull(out, inputs, None, record, allow_unused, name, _argnums(argnums, len(args), name))
    return _result(out, record), _pick(tuple(_result(g, record) for g in grads), argnums)


def _pull(out: Value, inputs: Sequence[Value], cotangent: Any, record: bool, allow_unused: bool, name: str,
          argnums: Sequence[int] | None = None) -> tuple[Any, ...]:
    """One reverse pass: d(sum(cotangent * out)) / d each input."""
    try:
        return engine.grad(out, inputs, cotangent, create_graph=record, allow_unused=allow_unused)
    except engine.UnusedInputError as error:
        number = error.index if argnums is None else argnums[error.index]
        raise ValueError(f"{name}: the function does not use argument {number} (shape {inputs[error.index].shape}); "
                         "pass allow_unused=True for a zero gradient") from None


class _Columns:
    """Jacobian-vector products of `out` by two reverse passes, sharing one recorded vjp graph."""

    def __init__(self, out: Value, inputs: Sequence[Value]) -> None:
        self.u = Value(_zeros(out), label="u")  # the cotangent, recorded: w(u) = uᵀJ is linear in u
        self.pulled = engine.grad(out, inputs, self.u, create_graph=True)  # Values: w(u) for each input

    def __call__(self, tangents: Sequence[Any], record: bool) -> Any:
        """J v for one tangent per input: the gradient of sum(w(u) · v) with respect to u."""
        along = sum(((w * _raw(v)).sum() for w, v in zip(self.pulled, tangents, strict=True)), Value(0.0, False))
        return engine.grad(along, [self.u], create_graph=record)[0]


def _by_rows(out: Value, inputs: Sequence[Value], record: bool) -> list[Any]:
    """One reverse pass per output element: row i of J is the gradient of out[i]."""
    rows: list[list[Any]] = [[] for _ in inputs]
    for i in range(out.size):
        seed = _one_hot(out, i)
        for row, g in zip(rows, engine.grad(out, inputs, seed, create_graph=record), strict=True):
            row.append(g)
    return [_assemble(row, out.shape, x.shape, record, by_rows=True) for row, x in zip(rows, inputs, strict=True)]


def _by_columns(out: Value, inputs: Sequence[Value], record: bool) -> list[Any]:
    """One reverse pass over the recorded vjp graph per input element (see `jvp`)."""
    columns = _Columns(out, inputs)
    blocks = []
    for k, x in enumerate(inputs):
        cols = []
        for j in range(x.size):
            tangents = [_one_hot(y, j) if n == k else _zeros(y) for n, y in enumerate(inputs)]
            cols.append(columns(tangents, record))
        blocks.append(_assemble(cols, out.shape, x.shape, record, by_rows=False))
    return blocks


def _assemble(parts: list[Any], out_shape: tuple, in_shape: tuple, record: bool, by_rows: bool) -> Any:
    """Stack rows (each shaped like the input) or columns (each shaped like the output) into
    an array of shape out_shape + in_shape (a float when both are scalars)."""
    if not out_shape and not in_shape:
        return parts[0]
    if record:
        stacked = stack(*[p if isinstance(p, Value) else Value(p, requires_grad=False) for p in parts])
    else:
        stacked = np.stack([np.asarray(p, dtype=np.float64) if type(p) is float else p for p in parts])
    if by_rows:
        return stacked.reshape((*out_shape, *in_shape))
    n_in, n_out = len(in_shape), len(out_shape)  # columns: move the output's axes to the front
    moved = stacked.reshape((*in_shape, *out_shape)).transpose(tuple(range(n_in, n_in + n_out)) + tuple(range(n_in)))
    return moved if record else np.ascontiguousarray(moved)


# ----- small helpers ---------------------------------------------------------------------------------------
def _argnums(argnums: Argnums, count: int, name: str) -> tuple[int, ...]:
    chosen = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not chosen:
        raise ValueError(f"{name}: argnums is empty; give the position of at least one argument")
    for a in chosen:
        if not isinstance(a, int) or isinstance(a, bool):
            raise TypeError(f"{name}: argnums must be ints, got {a!r}")
        if not -count <= a < count:
            raise ValueError(f"{name}: argnums={argnums!r} but the function was called with {count} "
                             f"argument{'s' if count != 1 else ''}")
    normal = tuple(a % count for a in chosen)
    if len(set(normal)) != len(normal):
        raise ValueError(f"{name}: argnums={argnums!r} names an argument twice")
    return normal


def _arguments(args: Sequence[Any], argnums: Argnums, name: str) -> tuple[list[Value], list[Any]]:
    """The Values to differentiate (see `_inputs`) and the full argument list with them in place."""
    chosen = _argnums(argnums, len(args), name)
    inputs = _inputs(args, chosen)
    full = list(args)
    for i, x in zip(chosen, inputs, strict=True):
        full[i] = x
    return inputs, full


def _inputs(args: Sequence[Any], chosen: Sequence[int]) -> list[Value]:
    """The Value to differentiate for each chosen argument. A number or an array becomes a fresh
    leaf. A Value that requires grad is stood in for by a new node on it (an identity op), so
    that only the paths through this argument count (not a use of the same Value that the
    function closes over, nor another argument given the same Value), while the result still
    leads back to it: that is what lets transforms nest."""
    inputs = []
    for i in chosen:
        x = args[i]
        if isinstance(x, Value) and x.requires_grad:
            inputs.append(x + 0.0 if type(x._data) is float else x.reshape(x.shape))  # (reshape: a view, no copy)
        else:
            inputs.append(Value(_raw(x)))
    return inputs


def _output(out: Any, name: str, scalar: bool) -> Value:
    if isinstance(out, (tuple, list, dict)):
        raise TypeError(f"{name}: the function returned a {type(out).__name__}; it must return one Value"
                        + (" (jacobian takes a tuple of them)" if name != "jacobian" else ""))
    if not isinstance(out, Value):
        out = Value(out, requires_grad=False)  # a constant: every derivative is zero
    if scalar and out.size != 1:
        raise ValueError(f"{name}: the function returned shape {out.shape}; {name} needs one number (a scalar "
                         "loss). For every output element use jacobian, or vjp for uᵀJ")
    return out


def _cotangent(u: Any, out: Value, name: str) -> Any:
    data = _raw(u)
    if np.shape(data) != out.shape:
        raise ValueError(f"{name}: the cotangent has shape {np.shape(data)} but the output {out.shape}; "
                         "it is shaped like the output")
    return u if isinstance(u, Value) else data


def _one_hot(like: Value, index: int) -> Any:
    if type(like._data) is float:
        return 1.0
    hot = np.zeros_like(like._data)
    hot.flat[index] = 1.0
    return hot


def _zeros(like: Value) -> Any:
    return 0.0 if type(like._data) is float else np.zeros_like(like._data)


def _raw(x: Any) -> Any:
    return x.numpy() if isinstance(x, Value) else x


def _result(x: Any, record: bool) -> Any:
    """A transform's result: a Value when recording, else raw data (a float or an array)."""
    if isinstance(x, tuple):
        return tuple(_result(v, record) for v in x)
    if record:
        return x if isinstance(x, Value) else Value(x, requires_grad=False)
    if isinstance(x, Value):  # the output itself: its data, as an array of the caller's own
        return x._data if type(x._data) is float else x.numpy().copy()
    return x


def _pick(results: tuple, argnums: Argnums) -> Any:
    return results[0] if isinstance(argnums, int) else results


def _named(transformed: Callable, f: Callable, transform: str) -> Callable:
    name = getattr(f, "__name__", "f")
    transformed.__name__ = f"{transform}({name})"
    transformed.__qualname__ = transformed.__name__
    transformed.__doc__ = f"{transform} of {name}" + (f": {f.__doc__}" if getattr(f, "__doc__", None) else "")
    transformed.__wrapped__ = f  # type: ignore[attr-defined]
    return transformed
