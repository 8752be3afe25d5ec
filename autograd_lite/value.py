"""`Value`: a node of the computation graph holding a Python float or a numpy array.

A Value knows its data, its gradient, the op that made it and that op's inputs (its parents,
in argument order). It holds no closures, so a dropped graph is freed by reference counting
alone. `make` records an op's output; operators and methods are thin calls into the ops.

Layering: this module imports only `data`, `kernels`, `modes` and `versions`. Its methods reach the two layers
built on top of it — the ops (operators, functions) and the engine (``backward``) — through the
one late binding at the bottom of this file (`connect`), since both of those import `Value`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from . import kernels as K
from .data import as_data, float_dtype, format_data
from .modes import Mode, current
from .versions import CLOCK, handed_out, written

Axis = int | tuple[int, ...] | None
_FLOAT64 = np.dtype(np.float64)


class Value:
    """A scalar or tensor in a computation graph; ``backward()`` fills in ``grad``.

    ``Value(3.0)`` holds a Python float; ``Value(np.zeros((2, 3)))`` holds a copy of the array
    (``copy=False`` shares a float array instead, e.g. a batch of inputs that is only read).
    Python numbers and plain arrays mixed into ops are constants (no gradient is computed for
    them). ``==`` and ``hash`` are by identity, so Values work as dict keys and set members.
    """

    # Parents live in slots, not in a tuple: a tuple per node would double the objects the
    # cyclic garbage collector tracks, and that collector is most of a big scalar graph's cost.
    # `_a` and `_b` are the first two inputs (None when absent); `_rest` a tuple of any more.
    # `_stamp` is which backward() call last added to a leaf's grad, or the latest backward called on
    # a root; unset until then (engine.grad_is_current). One slot more fits the object's memory block
    # (152 bytes round to pymalloc's 160), a second would not: a 10^6-node chain's backward was ~10 %
    # slower with two (benchmarks/deep_chain).
    __slots__ = ("_data", "_grad", "_a", "_b", "_rest", "_op", "_params", "requires_grad", "label",
                 "scope", "is_constant", "_acc", "_version", "_kept", "_stamp", "__weakref__")
    __array_ufunc__ = None  # numpy defers to our reflected operators: array * Value -> Value

    def __init__(self, data: Any, requires_grad: bool = True, label: str | None = None,
                 dtype: Any = None, copy: bool = True) -> None:
        data = as_data(data, copy=copy)
        if dtype is not None:
            data = K.cast(data, float_dtype(dtype, "Value"))
        self._data = data
        self._grad = None
        self._a = self._b = self._rest = None
        self._op: Any = None  # the Op that made this Value (autograd_lite.op), None for a leaf
        self._params: dict | None = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        mode = current()
        self.scope = mode.scope
        self.is_constant = False
        self._acc = None  # the engine's running sum during a backward pass, None at rest
        self._version = CLOCK.now  # when the data was last set (autograd_lite/versions.py)
        if mode.anomaly is not None:
            mode.anomaly.created(self)  # remember the user's line (autograd_lite/anomaly.py)

    # ----- data and gradient ---------------------------------------------------------------
    @property
    def data(self) -> float | np.ndarray:
        """The forward value: a Python float or an ndarray. Assignable (``p.data -= lr * p.grad``).

        Changing data that a recorded graph still needs makes that graph's backward raise
        (`versions.DataChangedError`). Read without that bookkeeping through ``numpy()``.
        """
        data = self._data
        if type(data) is not float:
            handed_out(self)  # writes through this array cannot be seen: remember what it held
        return data

    @data.setter
    def data(self, new: Any) -> None:
        old = self._data
        if self._op is not None or type(new) is not type(old) or type(new) is np.ndarray and (
                new.shape != old.shape or new.dtype.kind != "f"):
            new = self._checked_data(new)  # not a like-for-like float array or float: convert or refuse
        self._data = new
        written(self)

    def _checked_data(self, new: Any) -> float | np.ndarray:
        """New data for the setter: of this Value's kind (float or array) and shape, or refused."""
        if self._op is not None:
            raise AttributeError(
                f"Value.data: this Value was computed by op {self._op.name!r} and its graph reads its data; "
                "set the data of leaves (inputs, parameters) instead, or work on a copy: v.detach()")
        old, given = self._data, type(new)
        new = as_data(new, where="Value.data")
        if type(old) is float:
            if np.shape(new) != ():
                raise ValueError(f"Value.data: this Value holds a number; got data of shape {np.shape(new)} "
                                 "(make a new Value for data of another shape)")
            return float(new)
        if np.shape(new) != old.shape:
            raise ValueError(f"Value.data: this Value holds an array of shape {old.shape}; got data of "
                             f"shape {np.shape(new)} (make a new Value for data of another shape)")
        return new if given is np.ndarray else np.asarray(new, dtype=old.dtype)  # a number or list: old's dtype

    @property
    def grad(self) -> float | np.ndarray:
        """d(root)/d(this Value) after ``backward()``: a float, or an array shaped like ``data``.

        Zero until a backward reaches this Value (for a tensor, read-only zeros: reading a
        gradient never makes one — see ``has_grad``). Leaves accumulate across backward calls
        until ``zero_grad()``.
        """
        g = self._grad
        if g is None:
            data = self._data
            return 0.0 if type(data) is float else _read_only_zeros(data)
        return g

    @property
    def has_grad(self) -> bool:
        """True once a backward (or an assignment to ``grad``) gave this Value a gradient, until
        ``zero_grad()``: what optimisers test to skip a parameter that no backward reached."""
        return self._grad is not None

    @grad.setter
    def grad(self, new: Any) -> None:
        if new is None:
            self._grad = None
            return
        new = as_data(new, where="Value.grad")
        if np.shape(new) != self.shape:
            raise ValueError(f"Value.grad: a gradient of shape {np.shape(new)} for data of shape {self.shape}")
        self._grad = float(new) if type(self._data) is float else np.asarray(new, dtype=self._data.dtype)

    def zero_grad(self) -> None:
        """Drop this Value's gradient: it reads as zeros, and `has_grad` is False until the next backward."""
        self._grad = None

    @property
    def op(self) -> str | None:
        """The name of the op that made this Value, or None for a leaf."""
        return None if self._op is None else self._op.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this Value, in argument order (empty for a leaf)."""
        a = self._a
        if a is None:
            return ()
        b = self._b
        if b is None:
            return (a,)
        rest = self._rest
        return (a, b) if rest is None else (a, b, *rest)

    @property
    def params(self) -> dict:
        """The op's non-differentiable arguments (axis, shape, index, ...); empty for a leaf.

        What a saving op's forward kept for its rule is not one of them (`saved`, see
        `autograd_lite.op`): the node holds it beside them.
        """
        params = self._params
        if not params:
            return {}
        return params if "saved" not in params else {k: v for k, v in params.items() if k != "saved"}

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    @property
    def shape(self) -> tuple[int, ...]:
        data = self._data
        return () if type(data) is float else data.shape

    @property
    def ndim(self) -> int:
        data = self._data
        return 0 if type(data) is float else data.ndim

    @property
    def size(self) -> int:
        data = self._data
        return 1 if type(data) is float else data.size

    @property
    def dtype(self) -> np.dtype:
        data = self._data
        return _FLOAT64 if type(data) is float else data.dtype

    def item(self) -> float:
        """The single number this Value holds, as a Python float."""
        return self._one_number("item")

    def _one_number(self, where: str) -> float:
        """The one number of a one-element Value (any shape: (), (1,), (1, 1)), or a ValueError naming `where`."""
        tracing = current().tracing
        if tracing is not None:
            tracing.read(self, where)  # a number read while compiling: refused if it depends on data
        data = self._data
        if type(data) is float:
            return data
        if data.size != 1:
            raise ValueError(f"{where}: only a Value with one element converts to a number, this one has "
                             f"{data.size} elements (shape {data.shape}); take one (v[i]) or reduce first "
                             "(v.sum()), or convert the whole array: v.numpy(), v.tolist()")
        return float(data.item())

    def tolist(self) -> float | list:
        """The data as Python floats: a float, or nested lists of them (numpy's ``tolist``)."""
        tracing = current().tracing
        if tracing is not None:
            tracing.read(self, "tolist()")
        data = self._data
        return data if type(data) is float else data.tolist()

    def __float__(self) -> float:
        return self._one_number("float()")

    def __int__(self) -> int:
        return int(self._one_number("int()"))  # towards zero, as int(float) does

    def __round__(self, ndigits: int | None = None) -> int | float:
        """``round(v)`` is an int and ``round(v, n)`` a float, as for Python floats (halves to even)."""
        number = self._one_number("round()")
        return round(number) if ndigits is None else round(number, ndigits)

    def __format__(self, spec: str) -> str:
        """``f"{v:.2f}"`` formats the one number of a one-element Value; ``f"{v}"`` is ``repr(v)``."""
        if not spec:
            return repr(self)
        return format(self._one_number("format()"), spec)

    def numpy(self) -> np.ndarray:
        """The data as a read-only ndarray: a view of a tensor Value's array, not a copy.

        Read-only because graphs read this memory when they are differentiated; ``np.array(v.numpy())``
        is a copy to write into, ``v.data = new`` a change the graphs that saved `v` will notice.
        """
        tracing = current().tracing
        if tracing is not None:
            tracing.read(self, "numpy()")
        return read_only(self._data)

    def detach(self) -> Value:
        """A new leaf with this Value's data, cut from the graph (``requires_grad=False``).

        It shares a tensor's memory read-only (writing into it would corrupt this Value's graphs);
        assigning its ``data`` gives it a new array of its own.
        """
        return leaf(self._data if type(self._data) is float else read_only(self._data))

    def requires_grad_(self, requires_grad: bool = True) -> Value:
        """Switch whether gradients are computed for this leaf; returns it (PyTorch's in-place form).

        Only leaves: a computed Value requires grad exactly when one of its inputs does. The
        graphs recorded before the switch keep what they recorded.
        """
        if self._op is not None:
            raise RuntimeError(
                f"requires_grad_: this Value was computed by op {self._op.name!r}, so it requires grad when its "
                "inputs do; switch the inputs (leaves) instead, or cut it from the graph with v.detach()")
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad_: the flag must be True or False, got {requires_grad!r}")
        self.requires_grad = bool(requires_grad)
        return self

    # ----- copies: pickle, copy.deepcopy, copy.copy ------------------------------------------------
    # A copy is a leaf holding the data (its own copy of an array), with requires_grad, label,
    # scope and grad (if it has one): a graph node copies as a leaf, since ops are not data that
    # pickles. It is a fresh Value: stamped now by this process's clock, with no snapshot, so a
    # stamp or snapshot taken in another process (or another moment) can never raise a false
    # DataChangedError. Held twice, a Value is copied once (pickle's and deepcopy's memo).
    def __reduce__(self) -> tuple:
        """What pickle stores: a leaf holding the data (see the note above)."""
        return (_restored, (self._data, self.requires_grad, self.label, self.scope, self._grad))

    def __deepcopy__(self, memo: dict) -> Value:
        return self.__copy__()

    def __copy__(self) -> Value:
        """A leaf with a copy of the data (and grad): a shallow copy sharing the array would let
        writes through one reach the other unseen by its change detection."""
        data, grad = self._data, self._grad
        return _restored(data if type(data) is float else data.copy(), self.requires_grad, self.label,
                         self.scope, grad if type(grad) is not np.ndarray else grad.copy())

    def __bool__(self) -> bool:
        tracing = current().tracing
        if tracing is not None:
            tracing.read(self, "bool()")
        data = self._data
        if type(data) is float:
            return data != 0.0
        if data.size != 1:
            raise ValueError(f"bool() of a Value with {data.size} elements (shape {data.shape}) is ambiguous; "
                             "use (v > 0).any() or .all() on the data, e.g. bool((v.numpy() > 0).all())")
        return bool(data)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d Value")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Value]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d Value")
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        grad = "" if self._grad is None else f", grad={format_data(self._grad)}"
        if type(self._data) is not float and self._data.size > 6:
            return f"Value({name}shape={self.shape}, dtype={self.dtype}{grad and ', grad=...'})"
        return f"Value({name}data={format_data(self._data)}{grad})"

    # ----- comparisons: on data, no gradient (numpy booleans: masks in rules) --------------------------
    # While a function is compiled (`autograd_lite.compiler`) the tracer is told of each mask: used as
    # where's condition it is computed again on every run, anything else is refused (it would be frozen).
    def __lt__(self, other: Any) -> Any:
        mask = np.less(self._data, data_of(other))
        tracing = current().tracing
        if tracing is not None:
            tracing.compared(self, other, "<", mask)
        return mask

    def __le__(self, other: Any) -> Any:
        mask = np.less_equal(self._data, data_of(other))
        tracing = current().tracing
        if tracing is not None:
            tracing.compared(self, other, "<=", mask)
        return mask

    def __gt__(self, other: Any) -> Any:
        mask = np.greater(self._data, data_of(other))
        tracing = current().tracing
        if tracing is not None:
            tracing.compared(self, other, ">", mask)
        return mask

    def __ge__(self, other: Any) -> Any:
        mask = np.greater_equal(self._data, data_of(other))
        tracing = current().tracing
        if tracing is not None:
            tracing.compared(self, other, ">=", mask)
        return mask

    __hash__ = object.__hash__

    # ----- operators ---------------------------------------------------------------------------
    def __add__(self, other: Any) -> Value:
        return _ops.add.binary(self, other)

    def __radd__(self, other: Any) -> Value:
        return _ops.add.binary(other, self)

    def __sub__(self, other: Any) -> Value:
        return _ops.sub.binary(self, other)

    def __rsub__(self, other: Any) -> Value:
        return _ops.sub.binary(other, self)

    def __mul__(self, other: Any) -> Value:
        return _ops.mul.binary(self, other)

    def __rmul__(self, other: Any) -> Value:
        return _ops.mul.binary(other, self)

    def __truediv__(self, other: Any) -> Value:
        return _ops.div.binary(self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return _ops.div.binary(other, self)

    def __pow__(self, other: Any) -> Value:
        return _ops.power.binary(self, other)

    def __rpow__(self, other: Any) -> Value:
        return _ops.power.binary(other, self)

    def __matmul__(self, other: Any) -> Value:
        return _ops.matmul.binary(self, other)

    def __rmatmul__(self, other: Any) -> Value:
        return _ops.matmul.binary(other, self)

    def __neg__(self) -> Value:
        return _ops.neg.unary(self)

    def __pos__(self) -> Value:
        return self

    def __getitem__(self, index: Any) -> Value:
        return _ops.getitem(self, index=index)

    # ----- in-place updates: an optimiser step as PyTorch writes it -----------------------------
    # ``with no_grad(): p -= lr * p.grad`` changes p's own data (without these, Python would bind
    # `p` to a new Value and leave the parameter as it was, without a word).
    def __iadd__(self, other: Any) -> Value:
        return self._update_in_place("+=", np.add, other)

    def __isub__(self, other: Any) -> Value:
        return self._update_in_place("-=", np.subtract, other)

    def __imul__(self, other: Any) -> Value:
        return self._update_in_place("*=", np.multiply, other)

    def __itruediv__(self, other: Any) -> Value:
        return self._update_in_place("/=", np.true_divide, other)

    def _update_in_place(self, symbol: str, ufunc: Any, other: Any) -> Value:
        """Write ``self <op> other`` into this leaf's data, keeping its kind, shape and dtype; stamped
        like any write, so a graph that saved the old data refuses to differentiate."""
        if self._op is not None:
            raise RuntimeError(
                f"Value {symbol}: this Value was computed by op {self._op.name!r}, and its graph reads its data; "
                f"in-place ops change a leaf's data (an optimiser step). To record a new node write "
                f"v = v {symbol[0]} x")
        if self.requires_grad and current().grad_enabled:
            raise RuntimeError(
                f"Value {symbol}: this Value requires grad and recording is on, so an in-place change would "
                "not be recorded; run the update under `with autograd_lite.no_grad():` (an optimiser step, "
                f"as in PyTorch), or write v = v {symbol[0]} x to record a new node")
        operand = other._data if isinstance(other, Value) else other
        old = self._data
        if type(old) is float:
            result = ufunc(old, operand)
            if np.ndim(result) != 0:
                raise ValueError(f"Value {symbol}: this Value holds a number; the operand has shape "
                                 f"{np.shape(operand)} (make a new Value for data of another shape)")
            self._data = float(result)
        else:
            try:  # (ufuncs cast to an `out` array "same_kind" by default: float32 data stays float32)
                try:
                    ufunc(old, operand, out=old)
                except ValueError:
                    if old.flags.writeable:
                        raise
                    # memory shared read-only (detach, copy=False): the result goes to an array of its own
                    self._data = ufunc(old, operand, out=np.empty_like(old))
            except (ValueError, TypeError) as error:
                raise ValueError(f"Value {symbol}: cannot update data of shape {old.shape} and dtype {old.dtype} "
                                 f"in place with an operand of shape {np.shape(operand)}: {error}") from None
        written(self)
        return self

    # ----- elementwise functions ---------------------------------------------------------------
    def exp(self) -> Value:
        return _ops.exp.unary(self)

    def log(self) -> Value:
        return _ops.log.unary(self)

    def sqrt(self) -> Value:
        return _ops.sqrt.unary(self)

    def abs(self) -> Value:
        return _ops.absolute.unary(self)

    __abs__ = abs

    def tanh(self) -> Value:
        return _ops.tanh.unary(self)

    def sin(self) -> Value:
        return _ops.sin.unary(self)

    def cos(self) -> Value:
        return _ops.cos.unary(self)

    def sigmoid(self) -> Value:
        """g(z) = 1 / (1 + exp(-z)), the tutorial's equation 2; stable for large ``|z|``."""
        return _ops.sigmoid.unary(self)

    def relu(self) -> Value:
        """max(0, z) (tutorial section 15); its derivative at 0 is taken as 0."""
        return _ops.relu.unary(self)

    def clip(self, low: float | None = None, high: float | None = None) -> Value:
        """Limit to [low, high]; the gradient passes where low <= x <= high (bounds included)."""
        return _ops.clip(self, low=low, high=high)

    def astype(self, dtype: Any) -> Value:
        """This Value cast to `dtype`; the gradient is cast back."""
        return _ops.astype(self, dtype=dtype)

    # ----- reductions ------------------------------------------------------------------------
    def sum(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return _ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return _ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Axis = None, keepdims: bool = False) -> Value:
        """The largest element(s); tied maxima share the gradient equally (as in PyTorch)."""
        return _ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Value:
        """The smallest element(s); tied minima share the gradient equally (as in PyTorch)."""
        return _ops.min(self, axis=axis, keepdims=keepdims)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return _ops.logsumexp(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Axis = None, keepdims: bool = False, ddof: float = 0) -> Value:
        """The variance over `axis`: the sum of squared deviations from the mean, over n - ddof.

        ddof=0, numpy's default, divides by n (the population variance); PyTorch's default is
        the sample variance, ``correction=1``: pass ddof=1 for it. Composed from mean, -, * and
        sum, so its gradients, to any order, are theirs. n - ddof must be positive.
        """
        return self._variance("var", axis, keepdims, ddof)

    def std(self, axis: Axis = None, keepdims: bool = False, ddof: float = 0) -> Value:
        """The standard deviation, ``sqrt(var(axis, keepdims, ddof))``: ddof=0 is numpy's default,
        PyTorch's is 1 (``correction``). Where the variance is 0 (all elements equal) its gradient
        is 0, as PyTorch's."""
        variance = self._variance("std", axis, keepdims, ddof)
        zero = np.equal(variance._data, 0.0)
        if not zero.any():
            return variance.sqrt()
        # sqrt'(0) is inf, and inf times var's zero gradient there is nan. sqrt(var + 1) - 1 where
        # var = 0 (a constant mask) has the same value, 0, and the finite gradient var' / 2 = 0.
        shift = float(zero) if type(variance._data) is float else zero.astype(variance.dtype)
        return (variance + shift).sqrt() - shift

    def _variance(self, where: str, axis: Axis, keepdims: bool, ddof: float) -> Value:
        if isinstance(ddof, (bool, np.bool_)) or not isinstance(ddof, (int, float, np.integer, np.floating)):
            raise TypeError(f"{where}: ddof must be a number (0 for numpy's default, 1 for PyTorch's), got {ddof!r}")
        axes = _ops.arguments.axes(axis, self.ndim, where)  # (the ops' own argument checks, named `where`)
        keepdims = _ops.arguments.flag(keepdims, "keepdims", where)
        shape = self.shape
        count = 1
        for i in range(len(shape)) if axes is None else axes:
            count *= shape[i]
        if count - ddof <= 0:
            along = "" if axes is None else f" along axis {axes[0] if len(axes) == 1 else axes}"
            raise ValueError(f"{where}: ddof={ddof} leaves no degrees of freedom: {count} element(s){along} of "
                             f"shape {shape}, and the sum of squares is divided by n - ddof")
        deviation = self - _ops.mean(self, axis=axes, keepdims=True)
        return _ops.sum(deviation * deviation, axis=axes, keepdims=keepdims) / (count - ddof)

    def argmax(self, axis: int | None = None) -> Any:
        """Where the largest element is (numpy's ``argmax``: an integer, or integers over `axis`); no graph."""
        return self._arg_extreme("argmax", np.argmax, axis)

    def argmin(self, axis: int | None = None) -> Any:
        """Where the smallest element is (numpy's ``argmin``: an integer, or integers over `axis`); no graph."""
        return self._arg_extreme("argmin", np.argmin, axis)

    def _arg_extreme(self, where: str, find: Any, axis: int | None) -> Any:
        if axis is not None:
            if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
                raise TypeError(f"{where}: axis must be None or an int, got {axis!r}")
            _ops.arguments.axes(axis, self.ndim, where)  # out of range: refused by name
        if self.size == 0:
            raise ValueError(f"{where}: a Value with no elements (empty, shape {self.shape}) has no extreme")
        return find(self._data, axis=axis)

    def softmax(self, axis: int | tuple[int, ...] = -1) -> Value:
        return _ops.softmax(self, axis=axis)

    def log_softmax(self, axis: int | tuple[int, ...] = -1) -> Value:
        return _ops.log_softmax(self, axis=axis)

    # ----- shape -----------------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Value:
        return _ops.reshape(self, shape=shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes: Any) -> Value:
        """Permute axes (numpy semantics: no arguments reverses them all)."""
        return _ops.transpose(self, axes=(axes[0] if len(axes) == 1 else axes) or None)

    @property
    def T(self) -> Value:
        return _ops.transpose(self, axes=None)

    @property
    def mT(self) -> Value:
        """The last two axes swapped (numpy's and PyTorch's ``mT``): a batch of matrices, transposed."""
        n = self.ndim
        if n < 2:
            raise ValueError(f"mT: needs a Value with at least 2 dimensions, got shape {self.shape} (use .T "
                             "or reshape to make a matrix)")
        return _ops.transpose(self, axes=(*range(n - 2), n - 1, n - 2))

    def flatten(self) -> Value:
        """The data in one axis (``reshape(-1)``; a view when the memory allows, as numpy's reshape)."""
        return _ops.reshape(self, shape=(-1,))

    def squeeze(self, axis: Axis = None) -> Value:
        """Drop axes of size 1: all of them, or those in `axis` (each must have size 1). A reshape."""
        shape = self.shape
        if axis is None:
            dropped: tuple[int, ...] = tuple(i for i, n in enumerate(shape) if n == 1)
        else:
            dropped = _ops.arguments.axes(axis, len(shape), "squeeze")
            for i in dropped:
                if shape[i] != 1:
                    raise ValueError(f"squeeze: axis {i} of shape {shape} has size {shape[i]}; only axes of size "
                                     "1 can be squeezed (reshape changes the others)")
        if type(self._data) is float:
            return self  # a number has no axes to drop (and reshape would make it a 0-d array)
        return _ops.reshape(self, shape=tuple(n for i, n in enumerate(shape) if i not in dropped))

    def expand_dims(self, axis: int | tuple[int, ...]) -> Value:
        """New axes of size 1 at `axis`, positions in the result (numpy's ``expand_dims``). A reshape."""
        return self._with_new_axes(axis, "expand_dims")

    def unsqueeze(self, axis: int) -> Value:
        """A new axis of size 1 at position `axis` of the result (PyTorch's name; one axis). A reshape."""
        if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"unsqueeze: axis must be an int, got {axis!r} (expand_dims takes a tuple)")
        return self._with_new_axes(axis, "unsqueeze")

    def _with_new_axes(self, axis: int | tuple[int, ...], where: str) -> Value:
        shape = self.shape
        ndim = len(shape) + (len(axis) if isinstance(axis, (tuple, list)) else 1)
        try:
            added = _ops.arguments.axes(axis, ndim, where)
        except ValueError as error:  # out of range or repeated: the axes count in the result
            raise ValueError(f"{error}: axes count in the result, shape {shape} with "
                             f"{ndim - len(shape)} new axis/axes") from None
        kept = iter(shape)
        return _ops.reshape(self, shape=tuple(1 if i in added else next(kept) for i in range(ndim)))

    def broadcast_to(self, shape: tuple[int, ...]) -> Value:
        return _ops.broadcast_to(self, shape=shape)

    def sum_to(self, shape: tuple[int, ...]) -> Value:
        """Sum over broadcast axes down to `shape` (undoes ``broadcast_to``)."""
        return _ops.sum_to(self, shape=shape)

    # ----- gradients ---------------------------------------------------------------------------
    def backward(self, grad: Any = None) -> None:
        """Fill in ``.grad`` on every node of the graph that requires grad, by the chain rule.

        Nodes are visited in reverse topological order. Leaves accumulate (call ``zero_grad``
        between steps); intermediate nodes get fresh gradients on every call. `grad` is the
        seed, d(root)/d(self); it may be omitted only when this Value holds a single number.
        """
        _engine.backward(self, grad)


def _read_only_zeros(like: np.ndarray) -> np.ndarray:
    zeros = np.zeros_like(like)
    zeros.flags.writeable = False
    return zeros


def read_only(data: float | np.ndarray) -> np.ndarray:
    """A read-only view of `data` (an array; a 0-d array for a float)."""
    view = np.asarray(data).view()
    view.flags.writeable = False
    return view


def data_of(x: Any) -> Any:
    """The data behind `x` if it is a Value, else `x` itself (a number, an array, a symbol)."""
    return x._data if isinstance(x, Value) else x


_new = object.__new__


def make(data: float | np.ndarray, op: Any, params: dict | None, a: Value | None,
         b: Value | None = None, rest: tuple[Value, ...] | None = None, mode: Mode | None = None) -> Value:
    """Record an op's output: a node with parents `a`, `b`, *`rest` (hot path, no checks).

    `mode` is the current `modes.Mode` when the caller has already read it (one read per op).
    """
    v = _new(Value)
    v._data = data
    v._grad = None
    v._a = a
    v._b = b
    v._rest = rest
    v._op = op
    v._params = params
    v.requires_grad = True
    v.label = None
    if mode is None:
        mode = current()
    v.scope = mode.scope
    v.is_constant = False
    v._acc = None
    v._version = CLOCK.now
    if mode.anomaly is not None:
        mode.anomaly.created(v)  # remember the user's line; maybe check the output (anomaly.py)
    return v


def leaf(data: float | np.ndarray, is_constant: bool = False, mode: Mode | None = None) -> Value:
    """A Value that requires no grad and has no parents, from already-valid data (no checks)."""
    v = make(data, None, None, None, None, None, mode)
    v.requires_grad = False
    v.is_constant = is_constant
    return v


def _restored(data: Any, requires_grad: bool, label: str | None, scope: str | None, grad: Any) -> Value:
    """A fresh leaf from what `Value.__reduce__` stored (also the copy a deepcopy makes)."""
    v = make(as_data(data, copy=False), None, None, None)
    v.requires_grad = bool(requires_grad)
    v.label = label
    v.scope = scope
    v._grad = None if grad is None else as_data(grad, copy=False)
    return v


def lift(x: Any, mode: Mode | None = None) -> Value:
    """A Value for an op's input: Values pass through; numbers and arrays become constants."""
    kind = type(x)
    if kind is float:  # the most common constant (`2 * v`, `v + 1.0`) first
        data = x
    elif isinstance(x, Value):
        return x
    elif kind is int or kind is bool or kind is np.bool_:  # np.bool_: a mask from comparing Values
        data = float(x)
    elif kind is np.ndarray and x.dtype.kind in "fiub":
        data = x.copy()  # a later change to the caller's array must not corrupt the graph
    else:
        data = as_data(x, where="operand")
    return leaf(data, True, mode)


# ----- the one late binding ----------------------------------------------------------------------------
# Value's methods call the ops (operators, functions) and the engine (backward). Both are built on
# Value — they import it — so this module cannot import them; autograd_lite/__init__.py hands them
# over, once, as soon as both are loaded. Methods composed of several ops (var, squeeze, argmax)
# check their axes with the ops' own checks, `_ops.arguments` (autograd_lite/ops/arguments.py), so
# they refuse a bad axis in the same words, under their own name.
_ops: Any = None
_engine: Any = None


def connect(ops: Any, engine: Any) -> None:
    """Give Value's methods the ops and the engine (called once, by ``autograd_lite/__init__.py``)."""
    global _ops, _engine
    _ops, _engine = ops, engine
