"""Code generation: a recorded graph written out as one Python function, forward then backward.

The forward calls each op's own forward (a one-line lambda is inlined, an elementwise kernel on
arrays or a forward that takes ``out=`` writes into a buffer of its own, allocated once; what a
saving op keeps for its rule becomes a variable); the backward visits the nodes in the order
``backward()`` does and applies each op's own rules, read once here: inlined when they are one-line
lambdas, called otherwise (`backward`). `memory` then lets results reuse the buffers of operands
nothing reads again. The text of each line, and its comment, comes from `source`. Besides the
program, a second function checks its guards (`Stale` when one fails).
"""

from __future__ import annotations

import inspect
import operator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import kernels as K
from ..data import as_data
from ..value import Value
from .backward import backward
from .memory import reuse_dying_buffers
from .source import Namespace, call, literal, node_formula, params_text, shape_text
from .trace import Recording, TracingError

# elementwise kernels that numpy can write into a given buffer (`out=`): the same ufunc, so the same bits
_UFUNCS: dict[Any, tuple[Any, tuple]] = {
    operator.add: (np.add, ()), operator.sub: (np.subtract, ()), operator.mul: (np.multiply, ()),
    K.divide: (np.true_divide, ()), operator.neg: (np.negative, ()), K.power: (np.power, ()),
    np.matmul: (np.matmul, ()), K.exp: (np.exp, ()), K.log: (np.log, ()), K.sqrt: (np.sqrt, ()),
    K.tanh: (np.tanh, ()), K.absolute: (np.absolute, ()), K.sin: (np.sin, ()), K.cos: (np.cos, ()),
    K.relu: (np.maximum, ("0",)), K.maximum: (np.maximum, ()), K.minimum: (np.minimum, ()),
}
_OPERATORS = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/", operator.matmul: "@"}


@dataclass
class Generated:
    """The program's source and namespace, and what the trace's own run gave (the first call's results)."""

    source: str
    env: dict[str, Any]
    params: list[Value]                    # the parameters whose gradients the program returns, in order
    grad_inputs: list[int]                 # input leaves (Values requiring grad) whose gradients it returns
    first_grads: list[Any]                 # what those gradients were for the traced call
    reads: list[Value] = field(default_factory=list)   # every Value read afresh (guarded)
    buffers: int = 0


def generate(rec: Recording, want_grad: bool, name: str, buffers: bool = True) -> Generated:
    """Write `rec` as the source of a function ``name(*input_leaves)``; with `want_grad` it also returns
    the loss's gradients for the parameters (and input Values that require grad)."""
    ns = Namespace()
    ns.env["np"] = np
    ns.taken.add("np")
    var: dict[int, str] = {}
    shown: dict[int, str] = {}      # a name for comments and formulas: dotted, as the user wrote it
    head: list[str] = []
    checks: list[str] = []
    reads: list[Value] = []
    sources: list[str] = []
    body: list[str] = []
    needs: dict[int, bool] = {}
    saved: dict[int, str] = {}      # a saving op's node -> the variable holding what its forward kept
    kinds = rec.kinds
    args = [ns.fresh(label) for label in rec.names]
    for i, v in enumerate(rec.placeholders):
        if v is not None:
            var[id(v)] = args[i]
            shown[id(v)] = rec.names[i]

    # ----- leaves: inputs, parameters and state read afresh, random draws, constants --------------------
    for v in rec.nodes:
        if v._op is not None:
            continue
        kind, info = kinds[id(v)]
        if kind == "input":
            needs[id(v)] = want_grad and rec.placeholders[info] is not None and _input_requires_grad(rec, info)
            continue
        label = f"{v.scope}.{v.label}" if v.scope and v.label else v.label
        if kind in ("param", "state"):
            needs[id(v)] = want_grad and kind == "param"
            text = label or ("p" if kind == "param" else "s")
            holder = ns.bind("P_" + text, v)
            local = ns.fresh(text)
            reads.append(v)
            head.append(f"    {local} = {holder}._data  # {kind} {label or ''} {shape_text(v._data)}, read afresh")
            checks.append(f"    {local} = {holder}._data\n    if {_guard(local, holder, v, ns)}: raise "
                          f"{ns.bind('Stale', Stale)}")
        elif kind == "source":
            needs[id(v)] = False
            local = ns.fresh(label or (f"{v.scope}.draw" if v.scope else "draw"))
            draw = ns.bind("draw", info)
            data_of_draw = ns.bind("as_data", as_data)  # as `fresh` made the traced Value's data
            sources.append((v, f"    {local} = {data_of_draw}({draw}(), copy=False)  # drawn afresh on every run "
                               f"({shape_text(v._data)})"))
        elif kind == "alias":
            needs[id(v)] = False
            local = ns.fresh(label or rec.names[info])
            data = v._data
            source = args[info]
            head.append(f"    {local} = np.reshape({source}, {data.shape!r}).astype({ns.bind('dtype', data.dtype)})"
                        f"  # {rec.names[info]} as a Value's data")
        else:
            needs[id(v)] = False
            data = v._data
            text = literal(data) if type(data) is float else None
            if text is not None:
                var[id(v)] = text if data >= 0 else f"({text})"
                shown[id(v)] = text
                continue
            local = ns.bind("c_" + (label or "const"), data)
        var[id(v)] = local
        shown[id(v)] = label or local
    order_of_sources = {id(v): k for k, (v, _) in enumerate(rec.sources)}
    sources.sort(key=lambda s: order_of_sources.get(id(s[0]), 0))

    # ----- forward ---------------------------------------------------------------------------------------
    for v in rec.nodes:
        op = v._op
        if op is None:
            continue
        parents = v.parents
        needs[id(v)] = any(needs[id(p)] for p in parents)
        label = v.label or (f"{v.scope}.{op.name}" if v.scope else op.name)
        local = ns.fresh(label)
        var[id(v)] = local
        shown[id(v)] = v.label or local
        inputs = [var[id(p)] for p in parents]
        for key in v.params:
            mask = rec.masks.get((id(v), key))
            if mask is not None and id(mask) not in ns.mask_names:
                name_ = ns.mask_names[id(mask)] = ns.fresh("mask")
                other = var[id(mask.other)] if isinstance(mask.other, Value) else \
                    (literal(mask.other) or ns.bind("c_const", mask.other))
                body.append(f"    {name_} = {var[id(mask.value)]} {mask.symbol} {other}  # the where condition, "
                            "computed afresh")
        params = params_text(v, rec, ns, args)
        datas = [p._data for p in parents]
        raw = op.forward(*datas, **v.params)
        if op.saves:  # the forward also returns what it keeps for the rule: a variable of the program
            raw = raw[0]
            saved[id(v)] = ns.fresh(f"{local}_saved")
        if type(raw) is not float and type(raw) is not np.ndarray:
            wrap = "float" if type(v._data) is float else "np.asarray"
            raw = float(raw) if wrap == "float" else np.asarray(raw)
        else:
            wrap = None
        if type(raw) is not type(v._data) or not np.array_equal(raw, v._data, equal_nan=True):
            raise TracingError(f"{name}: op {op.name!r} gave another result when run again on the same inputs: "
                               "is its forward random? Draw random data with autograd_lite.compiler.fresh")
        expression = None
        ufunc = None if op.saves else _UFUNCS.get(op.forward)
        if buffers and ufunc is not None and wrap is None and type(v._data) is np.ndarray and not v._params \
                and all(type(d) in (float, np.ndarray) for d in datas):
            function, extra = ufunc
            buffer = ns.bind(f"buffer_{local}", np.empty_like(v._data))
            expression = f"np.{function.__name__}({', '.join(inputs + list(extra))}, out={buffer})"
        if expression is None and not v._params and op.forward in _OPERATORS and len(inputs) == 2:
            expression = f"{inputs[0]} {_OPERATORS[op.forward]} {inputs[1]}"
        if expression is None and op.forward is operator.neg and not op.saves:
            expression = f"-{inputs[0]}"
        if expression is None:
            into = _buffer_for(op, v, datas, local, ns) if buffers and wrap is None and not op.saves else None
            expression = call(op.forward, op.name + "_forward", inputs, params, ns, variadic=op.variadic,
                              suffix=None if into is None else {"out": into})
        where = f"[{v.scope}] " if v.scope else ""
        formula = node_formula(op, v, [shown[id(p)] for p in parents], ns)
        if op.saves:
            body.append(f"    {local}, {saved[id(v)]} = {expression}  # {where}{formula}; and what the rule reads")
            if wrap is not None:
                body.append(f"    {local} = {wrap}({local})")
            continue
        if wrap is not None:
            expression = f"{wrap}({expression})"
        body.append(f"    {local} = {expression}  # {where}{formula}")

    outputs = []
    for out in rec.outputs:
        if out is None:
            outputs.append("None")
        elif type(out._data) is np.ndarray:
            outputs.append(f"np.array({var[id(out)]})")  # a copy: the program's buffers are reused
        else:
            outputs.append(var[id(out)])

    # ----- backward -------------------------------------------------------------------------------------
    params_out: list[Value] = []
    grad_inputs: list[int] = []
    first: list[Any] = []
    grads_text: list[str] = []
    root = rec.outputs[0]
    if want_grad and root is not None and needs.get(id(root), False):
        back, params_out, grad_inputs, first, grads_text = backward(rec, root, needs, var, saved, shown, ns, args,
                                                                  buffers)
        body += back

    guard_name = ns.fresh(f"{name}_guards")
    lines = [f"def {name}({', '.join(args)}):",
             f"    {guard_name}()  # the program's assumptions (shapes, dtypes, modes): Stale if one changed",
             *head, *(s for _, s in sources), *body]
    if params_out:
        lines.append("")
        lines.append("    # ----- the parameters' gradients, added to what they hold (as backward() does)")
    returned = []
    for p, text in zip(params_out, grads_text, strict=False):
        holder = ns.bind("P_" + (f"{p.scope}.{p.label}" if p.scope and p.label else p.label or "p"), p)
        plain = text.removesuffix(".copy()")  # a sum is a new array already: only the first needs a copy
        lines.append(f"    {holder}._grad = {text} if {holder}._grad is None else {holder}._grad + {plain}")
    returned = grads_text[len(params_out):]
    lines.append(f"    return ({', '.join(outputs)},), ({''.join(g + ', ' for g in returned)})")
    if buffers:
        lines = reuse_dying_buffers(lines, ns.env)
    lines += ["", "", f"def {guard_name}():",
              '    """Raise Stale when a parameter or mode flag no longer is what the program was traced for."""',
              *_watch_guards(rec, ns), *checks]
    n_buffers = sum(1 for key in ns.env if key.startswith("buffer_"))
    return Generated("\n".join(lines) + "\n", ns.env, params_out, grad_inputs, first, reads, n_buffers)


def _buffer_for(op: Any, v: Value, datas: list[Any], local: str, ns: Namespace) -> str | None:
    """A buffer for a forward that takes ``out=`` (as `nn`'s affine does) to write its result into, when
    it does so on the traced data and gives the same numbers; None otherwise."""
    if type(v._data) is not np.ndarray or not _takes_out(op.forward):
        return None
    buffer = np.empty_like(v._data)
    try:
        result = op.forward(*datas, **v.params, out=buffer)
    except TypeError:
        return None
    if result is not buffer or not np.array_equal(buffer, v._data, equal_nan=True):
        return None
    return ns.bind(f"buffer_{local}", buffer)


def _takes_out(fn: Any) -> bool:
    try:
        return "out" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class Stale(Exception):  # noqa: N818  (a signal, not an error: the program's guards failed)
    """Raised by a program, before it computes anything, when what it was traced for has changed."""


def _guard(local: str, holder: str, v: Value, ns: Namespace) -> str:
    """The condition under which a Value read afresh no longer fits the program (kind, shape, dtype, grad)."""
    data = v._data
    grad = f"{holder}.requires_grad is not {v.requires_grad}"
    if type(data) is float:
        return f"{local}.__class__ is not float or {grad}"
    return (f"{local}.__class__ is not {ns.bind('ndarray', np.ndarray)} or {local}.shape != {data.shape!r} "
            f"or {local}.dtype != {ns.bind(str(data.dtype), data.dtype)} or {grad}")


def _watch_guards(rec: Recording, ns: Namespace) -> list[str]:
    """A line per mode flag the trace read (a module's ``training``): another value makes the program stale."""
    lines = []
    for owner, attribute, value in rec.watched:
        holder = ns.bind(f"M_{type(owner).__name__}", owner)
        text = literal(value)
        expected = text if text is not None else ns.bind(attribute, value)
        read = f"{holder}.{attribute}" if attribute.isidentifier() else f"getattr({holder}, {attribute!r})"
        lines.append(f"    if {read} != {expected}: raise {ns.bind('Stale', Stale)}  # traced with "
                     f"{type(owner).__name__}.{attribute} = {value!r}")
    return lines


def _input_requires_grad(rec: Recording, index: int) -> bool:
    spec = rec.specs[index]
    return spec.kind == "value" and spec.extra[1]
