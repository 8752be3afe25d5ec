"""An op is complete: reached by `get_op(name)` with its arguments in raw user form (negative axes,
an int axis, a list shape, a lone or list index), it gives what the method or function gives —
forward, gradient and second derivative — and the same errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite import functional as F
from autograd_lite.ops import BUILTIN
from autograd_lite.testing import draw_case


def _negative(axis, ndim):
    """A normalized axis tuple written as a user would: one negative int, or a list of negative ints."""
    if axis is None:
        return None
    negative = [a - ndim for a in axis]
    return negative[0] if len(negative) == 1 else negative


def _raw_index(index):
    """A normalized index tuple as a user might type it: a lone item unwrapped, arrays as lists."""
    items = [item.tolist() if isinstance(item, np.ndarray) else item for item in index]
    return items[0] if len(items) == 1 and not isinstance(items[0], list) else tuple(items)


def _reduction(method):
    return (lambda xs, p: getattr(xs[0], method)(axis=p["axis"], keepdims=p["keepdims"]),
            lambda p, shapes: {"axis": _negative(p["axis"], len(shapes[0])), "keepdims": int(p["keepdims"])})


def _softmax(method):
    return (lambda xs, p: getattr(xs[0], method)(axis=p["axis"]),
            lambda p, shapes: {"axis": _negative(p["axis"], len(shapes[0]))})


SAME = lambda p, shapes: dict(p)  # noqa: E731  (no params, or params users type as they are)

#: op name -> (the method/function form a user calls, the raw user form of the op's params)
FORMS = {
    "add": (lambda xs, p: xs[0] + xs[1], SAME),
    "sub": (lambda xs, p: xs[0] - xs[1], SAME),
    "mul": (lambda xs, p: xs[0] * xs[1], SAME),
    "div": (lambda xs, p: xs[0] / xs[1], SAME),
    "neg": (lambda xs, p: -xs[0], SAME),
    "power": (lambda xs, p: xs[0] ** xs[1], SAME),
    "matmul": (lambda xs, p: xs[0] @ xs[1], SAME),
    "exp": (lambda xs, p: xs[0].exp(), SAME),
    "log": (lambda xs, p: xs[0].log(), SAME),
    "sqrt": (lambda xs, p: xs[0].sqrt(), SAME),
    "abs": (lambda xs, p: abs(xs[0]), SAME),
    "tanh": (lambda xs, p: xs[0].tanh(), SAME),
    "sigmoid": (lambda xs, p: xs[0].sigmoid(), SAME),
    "sin": (lambda xs, p: xs[0].sin(), SAME),
    "cos": (lambda xs, p: xs[0].cos(), SAME),
    "relu": (lambda xs, p: xs[0].relu(), SAME),
    "clip": (lambda xs, p: xs[0].clip(p["low"], p["high"]), SAME),
    "astype": (lambda xs, p: xs[0].astype(p["dtype"]), lambda p, shapes: {"dtype": np.dtype(p["dtype"]).type}),
    "sum": _reduction("sum"),
    "mean": _reduction("mean"),
    "max": _reduction("max"),
    "min": _reduction("min"),
    "logsumexp": _reduction("logsumexp"),
    "softmax": _softmax("softmax"),
    "log_softmax": _softmax("log_softmax"),
    "reshape": (lambda xs, p: xs[0].reshape(*p["shape"]), lambda p, shapes: {"shape": list(p["shape"])}),
    "transpose": (lambda xs, p: xs[0].transpose(*p["axes"]),
                  lambda p, shapes: {"axes": [a - len(shapes[0]) for a in p["axes"]]}),
    "broadcast_to": (lambda xs, p: xs[0].broadcast_to(p["shape"]), lambda p, shapes: {"shape": list(p["shape"])}),
    "sum_to": (lambda xs, p: xs[0].sum_to(p["shape"]), lambda p, shapes: {"shape": list(p["shape"])}),
    "getitem": (lambda xs, p: xs[0][p["index"]], lambda p, shapes: {"index": _raw_index(p["index"])}),
    "index_add": (lambda xs, p: F.index_add(xs[0], p["index"], p["shape"]),
                  lambda p, shapes: {"index": _raw_index(p["index"]), "shape": list(p["shape"])}),
    "concatenate": (lambda xs, p: ag.concatenate(list(xs), axis=p["axis"]),
                    lambda p, shapes: {"axis": p["axis"] - len(shapes[0])}),
    "maximum": (lambda xs, p: ag.maximum(xs[0], xs[1]), SAME),
    "minimum": (lambda xs, p: ag.minimum(xs[0], xs[1]), SAME),
    "where": (lambda xs, p: ag.where(p["condition"], xs[0], xs[1]),
              lambda p, shapes: {"condition": np.asarray(p["condition"]).tolist()}),
}


def test_every_built_in_op_has_a_user_form_here():
    assert set(FORMS) == set(BUILTIN), "add the new op's method/function form and raw params to FORMS"


def _weighted(out: Value, seed: int) -> Value:
    w = np.random.default_rng(seed).uniform(-1, 1, size=out.shape)
    return (out * (float(w) if type(out.data) is float else w)).sum()


def _same(a, b) -> None:
    assert type(a) is type(b), (type(a), type(b))
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(BUILTIN))
@given(data=st.data())
def test_get_op_with_raw_params_agrees_with_the_method_form(name, data):
    op = ag.get_op(name)
    inputs, params = draw_case(op, data)
    shapes = [np.shape(x) for x in inputs]
    method, raw_form = FORMS[name]
    raw = raw_form(params, shapes)

    def by_method(*xs):
        return method(xs, params)

    def by_registry(*xs):
        return op(*xs, **raw)

    values = [Value(x) for x in inputs]
    out_method, out_registry = by_method(*values), by_registry(*values)
    _same(out_method.data, out_registry.data)
    assert out_registry.params.keys() == out_method.params.keys()

    first = ag.grad(_weighted(out_method, 0), values)
    again = ag.grad(_weighted(out_registry, 0), values)
    for a, b in zip(first, again, strict=True):
        _same(a, b)

    def second(f):  # d/dx of sum(grad · v): a second derivative in a drawn direction
        grads = ag.grad(_weighted(f(*values), 0), values, create_graph=True)
        total = Value(0.0, requires_grad=False)
        for k, g in enumerate(grads):
            total = total + (g * np.random.default_rng(k + 1).uniform(-1, 1, size=g.shape)).sum()
        return ag.grad(total, values)

    for a, b in zip(second(by_method), second(by_registry), strict=True):
        _same(a, b)


def test_the_issue_example_sum_over_an_int_axis_differentiates():
    x = Value(np.arange(6.0).reshape(2, 3))
    y = ag.get_op("sum")(x, axis=-1, keepdims=False)
    assert y.params == {"axis": (1,), "keepdims": False}
    (y * np.array([1.0, 2.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1, 1, 1], [2, 2, 2]])


@pytest.mark.parametrize("call, message", [
    (lambda x: ag.get_op("sum")(x, axis=3), "sum: axis 3 is out of range"),
    (lambda x: ag.get_op("mean")(x, axis=1.5), "mean: axis must be None, an int or a tuple of ints"),
    (lambda x: ag.get_op("softmax")(x, axis=None), "softmax: axis must be an int"),
    (lambda x: ag.get_op("reshape")(x, shape=[4, 2]), r"reshape: cannot reshape shape \(2, 3\)"),
    (lambda x: ag.get_op("transpose")(x, axes=[0, 0]), "transpose: axes .* are not a permutation"),
    (lambda x: ag.get_op("broadcast_to")(x, shape=(3, 3)), r"broadcast_to: cannot broadcast shape \(2, 3\)"),
    (lambda x: ag.get_op("getitem")(x, index="a"), "getitem: unsupported index"),
    (lambda x: ag.get_op("clip")(x, low=2, high=1), "clip: low 2 is above high 1"),
    (lambda x: ag.get_op("astype")(x, dtype=np.int32), "astype: only floating dtypes"),
    (lambda x: ag.get_op("where")(x, x, condition=[1, 0, 1]), "where: condition must be boolean"),
    (lambda x: ag.get_op("concatenate")(x, Value(np.ones((3, 3))), axis=1), "concatenate: shapes .* differ"),
])
def test_get_op_refuses_bad_arguments_with_the_methods_messages(call, message):
    with pytest.raises((ValueError, TypeError, IndexError), match=message):
        call(Value(np.ones((2, 3))))
