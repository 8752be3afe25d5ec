"""The op registry: the one door through which every primitive, built-in or yours, is defined.

An op is complete in one place: its forward (on raw floats/arrays), one derivative rule per
input, the checks that turn user arguments into one canonical form (`normalize`), how formulas
print it, and the domain its property tests draw inputs from. Rules have the signature
``rule(g, out, *inputs, **params)`` and return ``g`` times d(out)/d(input): the vector-Jacobian
product. They are written with operators and ``autograd_lite.functional``, so each rule has
three readings: on raw arrays (the fast first-order backward), on Values
(``create_graph=True``: second derivatives) and on symbols (the formula a drawing shows).

An op may also keep something its forward computed for its rule (``saves=True``, PyTorch's
``ctx.save_for_backward``, JAX's residuals): softmax cross-entropy keeps the log-probabilities, so
its backward does not compute the softmax a second time. Only the raw reading gets it (as
``saved=``); on Values and symbols the rule is given ``saved=None`` and computes it from the
inputs, because a second derivative must see how it depends on them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import symbols
from .domain import Domain
from .modes import current
from .value import Value, leaf, lift, make, read_only

Rule = Callable[..., Any]

_REGISTRY: dict[str, Op] = {}
_NUMERIC_ERRORS = (ValueError, TypeError, IndexError, ZeroDivisionError, OverflowError)


@dataclass(eq=False)
class Op:
    """A primitive: ``forward(*arrays, **params)`` and one vector-Jacobian rule per input.

    Call it on Values, numbers or arrays to apply it: ``op(x, y, axis=0)``; on symbols it gives
    its formula. `normalize(*arrays, **params)` checks the arguments and returns them in
    canonical form (or None to keep them). `variadic` ops take any number of inputs and a single
    rule ``rule(g, out, inputs, *, argnum, **params)``, given the inputs as one sequence and
    called once per input (unpacking them on each call would make a backward quadratic).
    `symbol` and `latex` say how formulas print it (``σ``, ``\\sigma``; a LaTeX template may
    place the argument with ``{0}``); `formula`, when given, builds the formula from the inputs'
    formulas instead (``operator.add`` for ``a + b``). A forward that takes a keyword ``out`` is
    handed, in compiled programs, an array of its result's shape to write into (nn's affine does
    this; eager calls never pass it). With `saves`, the forward returns
    ``(out, saved)`` and the rules take a keyword ``saved``: the forward's `saved` on raw data,
    None on Values and symbols (see the module docstring). The node keeps it, read-only.
    """

    name: str
    forward: Callable[..., Any]
    grads: tuple[Rule, ...] | Rule
    domain: Domain | None = None
    normalize: Callable[..., dict | None] | None = None
    variadic: bool = False
    doc: str = ""
    symbol: str | None = None
    latex: str | None = None
    formula: Callable[..., Any] | None = None
    saves: bool = False
    rules: tuple[Rule, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.variadic:
            if not callable(self.grads):
                raise TypeError(f"op {self.name!r}: a variadic op takes one rule, called with argnum=i")
            self.rules = ()
        else:
            rules = (self.grads,) if callable(self.grads) else tuple(self.grads)
            if not rules or not all(callable(r) for r in rules):
                raise TypeError(f"op {self.name!r}: grads must be one callable rule per input")
            self.rules = rules

    @property
    def arity(self) -> int | None:
        """The number of differentiable inputs (None for variadic ops)."""
        return None if self.variadic else len(self.rules)

    def __call__(self, *inputs: Any, **params: Any) -> Value:
        """Apply the op: lift the inputs, normalize the params, run the forward, record the node."""
        if not self.variadic and len(inputs) != len(self.rules):
            raise TypeError(f"{self.name}: takes {len(self.rules)} input(s), got {len(inputs)}")
        values, datas, requires_grad = [], [], False
        mode = current()  # read once per op: whether to record, the scope, anomaly detection
        for x in inputs:
            if not isinstance(x, Value):
                if isinstance(x, symbols.Expr):  # read symbolically: the formula, not a node
                    return symbols.op_formula(self, inputs, params)
                x = lift(x, mode)  # numbers and arrays become constants
            values.append(x)
            datas.append(x._data)
            requires_grad = requires_grad or x.requires_grad
        if self.normalize is not None:
            params = self.normalize(*datas, **params) or params
        try:
            out = self.forward(*datas, **params)
        except _NUMERIC_ERRORS as error:
            raise self.explain_error(error, datas) from None
        if self.saves:
            out, saved = self.split_saved(out, params)
        if type(out) is not float and type(out) is not np.ndarray:
            out = _normalize_output(out, datas)
        if not (requires_grad and mode.grad_enabled):
            if type(out) is np.ndarray and out.base is not None and len(datas) == 1 \
                    and np.may_share_memory(out, datas[0]):
                out = read_only(out)  # a view (reshape, .T, a slice): writing into it would change its input
            return leaf(out, False, mode)
        if self.saves:  # kept beside the params, so that the raw reading of the rules receives it
            params = {**params, "saved": saved}
        rest = tuple(values[2:]) if len(values) > 2 else None
        return make(out, self, params or None, values[0], values[1] if len(values) > 1 else None, rest, mode)

    def explain_error(self, error: Exception, datas: Sequence[Any]) -> Exception:
        """The numpy/math error re-raised with this op's name and the input shapes."""
        shapes = ", ".join(str(np.shape(d)) for d in datas)
        return type(error)(f"{self.name}: {error} (input shapes: {shapes})")

    def split_saved(self, result: Any, params: dict) -> tuple[Any, Any]:
        """A saving op's forward result `(out, saved)`, checked; arrays in `saved` as read-only views,
        because every backward through the node reads them again."""
        if type(result) is not tuple or len(result) != 2:
            raise TypeError(f"{self.name}: this op saves for its rule (saves=True), so its forward must return "
                            f"(out, saved); it returned a {type(result).__name__}")
        if "saved" in params:
            raise TypeError(f"{self.name}: 'saved' is the name of what the forward keeps for the rule "
                            "(saves=True); call the parameter something else")
        out, saved = result
        if type(saved) is tuple:
            return out, tuple(_frozen(item) for item in saved)
        return out, _frozen(saved)

    def vjp(self, argnum: int, g: Any, out: Any, inputs: Sequence[Any], params: dict | None) -> Any:
        """g times d(out)/d(inputs[argnum]) by this op's rule: raw data, Values or symbols alike.

        What a saving op kept (``params["saved"]``) goes to the rule on raw data only: on Values
        and symbols the rule gets ``saved=None`` and recomputes it from the inputs.
        """
        if self.saves:
            params = dict(params or {})
            if type(out) is not float and type(out) is not np.ndarray:
                params["saved"] = None
            else:
                params.setdefault("saved", None)
        if self.variadic:
            return self.grads(g, out, inputs, argnum=argnum, **(params or {}))  # one sequence: n calls stay O(n)
        rule = self.rules[argnum]
        return rule(g, out, *inputs, **params) if params else rule(g, out, *inputs)

    # ----- speed: the operators' paths ---------------------------------------------------------------
    # `unary` and `binary` are `__call__` for one or two inputs without params, with nothing packed
    # into tuples or dicts: the Value operators and elementwise methods, i.e. nearly every node of a
    # scalar graph (benchmarks/scalar_mlp pays for them). They take data and Values, not symbols
    # (rules on symbols reach ops through `functional`, i.e. `__call__`), and serve ops that save
    # nothing for their rules (a saving op is called through `__call__`). tests/core/test_fast_paths.py
    # checks that they give what `__call__` gives, errors included.
    def unary(self, x: Any) -> Value:
        mode = current()
        if not isinstance(x, Value):
            x = lift(x, mode)
        data = x._data
        if self.normalize is not None:
            self.normalize(data)
        try:
            out = self.forward(data)
        except _NUMERIC_ERRORS as error:
            raise self.explain_error(error, (data,)) from None
        if type(out) is not float and type(out) is not np.ndarray:
            out = _normalize_output(out, (data,))
        if x.requires_grad and mode.grad_enabled:
            return make(out, self, None, x, None, None, mode)
        return leaf(out, False, mode)

    def binary(self, a: Any, b: Any) -> Value:
        mode = current()
        if not isinstance(a, Value):
            a = lift(a, mode)
        if not isinstance(b, Value):
            b = lift(b, mode)
        da, db = a._data, b._data
        if self.normalize is not None:
            self.normalize(da, db)
        try:
            out = self.forward(da, db)
        except _NUMERIC_ERRORS as error:
            raise self.explain_error(error, (da, db)) from None
        if type(out) is not float and type(out) is not np.ndarray:
            out = _normalize_output(out, (da, db))
        if (a.requires_grad or b.requires_grad) and mode.grad_enabled:
            return make(out, self, None, a, b, None, mode)
        return leaf(out, False, mode)


def _frozen(saved: Any) -> Any:
    """What a forward saved, as the node keeps it: an array as a read-only view (a rule that wrote
    into it would change what the next backward through the same graph reads), anything else as is."""
    return read_only(saved) if type(saved) is np.ndarray else saved


def _normalize_output(out: Any, datas: Sequence[Any]) -> float | np.ndarray:
    """numpy hands back scalars from 0-d work: floats stay floats, anything else an array."""
    if type(out) is np.float64:
        for d in datas:
            if type(d) is not float:
                return np.asarray(out)
        return float(out)
    return np.asarray(out)


def op(name: str, forward: Callable[..., Any], grads: Sequence[Rule] | Rule, *,
       domain: Domain | None = None, normalize: Callable[..., dict | None] | None = None,
       check: Callable[..., None] | None = None, variadic: bool = False, doc: str = "",
       symbol: str | None = None, latex: str | None = None, formula: Callable[..., Any] | None = None,
       saves: bool = False, replace: bool = False, register: bool = True) -> Op:
    """Define and register a primitive. The returned Op applies it: ``y = myop(x)``.

    `forward` works on raw floats/arrays; `grads` holds one rule per input (see the module
    docstring); `domain` says where property tests draw inputs. `normalize` checks and
    canonicalizes the arguments (`check` is the same for a function that only raises).
    `symbol`/`latex` name the op in formulas (drawings and ``explain`` derive the local
    derivatives from the rules themselves). `saves` lets the forward keep something for the
    rules: it returns ``(out, saved)``, and each rule takes ``saved`` (None when it must
    recompute it: see the module docstring). ``register=False`` makes an unregistered op, e.g. a
    deliberately wrong one in a lesson.

    Example — softplus(x) = log(1 + exp(x)), whose derivative is sigmoid(x)::

        softplus = op("softplus",
                      forward=lambda x: np.logaddexp(0, x),
                      grads=lambda g, out, x: g * F.sigmoid(x),
                      domain=Domain(low=-4, high=4))
    """
    if register and name in _REGISTRY and not replace:
        raise ValueError(f"op {name!r} is already registered (pass replace=True to redefine it)")
    if check is not None and normalize is not None:
        raise TypeError(f"op {name!r}: give normalize or check, not both")
    new = Op(name, forward, grads, domain=domain, normalize=normalize or check, variadic=variadic, doc=doc,
             symbol=symbol, latex=latex, formula=formula, saves=saves)
    if register:  # registered ops are picked up by the property suite (tests/core/test_op_gradients.py)
        _REGISTRY[name] = new
    return new


def registry() -> dict[str, Op]:
    """A copy of the registry: op name -> Op, for every registered primitive."""
    return dict(_REGISTRY)


def get_op(name: str) -> Op:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no op named {name!r}; registered: {', '.join(sorted(_REGISTRY))}") from None
