"""Compiled against eager, op by op: for every op in the registry, graphs built from it give the same
forward values and the same gradients when compiled, on the traced call and on replays.

`nn` is imported so that the registry holds its ops too (affine, softmax_cross_entropy): every op
registered when this module loads is tested, each on inputs drawn from its own test domain.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
import nn  # noqa: F401  (registers nn's ops)
from autograd_lite import Value
from autograd_lite.testing import HypothesisDraw, draw_case

OPS = sorted(al.registry())


def same(a, b, what):
    """Equal to 1e-12 (NaNs and infinities where the other has them)."""
    assert type(a) is type(b), f"{what}: {type(a).__name__} against {type(b).__name__}"
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=what)


def eager(fn, args, params):
    for p in params:
        p.zero_grad()
    out = fn(*args)
    if out.requires_grad:
        out.backward()
    return out.numpy().copy() if out.ndim else out.item(), [p.grad for p in params]


def compiled_run(step, args, params, zero=True):
    if zero:
        for p in params:
            p.zero_grad()
    out = step(*args)
    return out.numpy().copy() if out.ndim else out.item(), [p.grad for p in params]


def check(fn, args, params, what, changes=()):
    """Compile `fn`; compare with eager on the traced call, a replay, a replay after each change of the
    parameters' data, and accumulation over two calls without zero_grad."""
    step = al.compile(fn)
    for attempt in ("traced call", "replay"):
        with np.errstate(all="ignore"):
            c_loss, c_grads = compiled_run(step, args, params)
            e_loss, e_grads = eager(fn, [Value(a, requires_grad=False) if isinstance(a, np.ndarray) else a
                                         for a in args], params)
        same(c_loss, e_loss, f"{what}: loss, {attempt}")
        for i, (c, e) in enumerate(zip(c_grads, e_grads, strict=True)):
            same(c, e, f"{what}: gradient {i}, {attempt}")
    for change in changes:
        change()
        with np.errstate(all="ignore"):
            c_loss, c_grads = compiled_run(step, args, params)
            e_loss, e_grads = eager(fn, args, params)
        same(c_loss, e_loss, f"{what}: loss after the parameters changed")
        for i, (c, e) in enumerate(zip(c_grads, e_grads, strict=True)):
            same(c, e, f"{what}: gradient {i} after the parameters changed")
    with np.errstate(all="ignore"):
        for p in params:
            p.zero_grad()
        step(*args)
        step(*args)
        twice = [p.grad for p in params]
        _, once = eager(fn, args, params)
    for i, (t, o) in enumerate(zip(twice, once, strict=True)):
        same(t, o + o if type(o) is float else np.asarray(o) * 2, f"{what}: gradient {i} accumulated over two calls")
    assert step.traces == 1, f"{what}: replays traced again ({step.traces} traces)"


def scaled(values, factor):
    def change():
        for v in values:
            v.data = v.data * factor if type(v.data) is float else v.numpy() * factor
    return change


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=25)
@given(data=st.data())
def test_compiled_op_matches_eager_with_every_input_a_parameter(name, data):
    op = al.get_op(name)
    inputs, params = draw_case(op, data)
    values = [Value(x) for x in inputs]
    with np.errstate(all="ignore"):
        w = op(*values, **params)
    weights = HypothesisDraw(data).floats(-1.0, 1.0) if type(w.data) is float else \
        HypothesisDraw(data).array(w.shape, -1.0, 1.0)

    def loss():
        return (op(*values, **params) * weights).sum()

    check(loss, (), values, name, changes=[scaled(values, 1.0 + 1e-3)])


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=25)
@given(data=st.data())
def test_compiled_op_matches_eager_with_the_first_input_an_argument(name, data):
    """Input 0 is an argument of the compiled function (a placeholder, new data on every call), the
    others parameters; the op's output goes through exp, so the graph is more than one node."""
    op = al.get_op(name)
    inputs, params = draw_case(op, data)
    if op.variadic or len(inputs) < 2:
        values = [Value(x) for x in inputs]
        head = values

        def loss(*_):
            z = op(*values, **params)
            return (z * z).sum().tanh()

        check(loss, (), head, name)
        return
    first, rest = inputs[0], [Value(x) for x in inputs[1:]]

    def loss(x):
        z = op(x, *rest, **params)
        return ((z * 0.5).tanh() * z).sum()

    check(loss, (first,), rest, name, changes=[scaled(rest, 1.0 + 1e-3)])
    other = np.asarray(np.asarray(first) * (1.0 - 1e-3))  # new data for the argument: the replay reads it
    step = al.compile(loss)
    with np.errstate(all="ignore"):
        step(first)
        for p in rest:
            p.zero_grad()
        c = step(float(other) if type(first) is float else other)
        c_grads = [p.grad for p in rest]
        e_loss, e_grads = eager(loss, [float(other) if type(first) is float else Value(other, requires_grad=False)],
                                rest)
    same(c.item(), e_loss, f"{name}: loss for new argument data")
    for i, (cg, eg) in enumerate(zip(c_grads, e_grads, strict=True)):
        same(cg, eg, f"{name}: gradient {i} for new argument data")
    assert step.traces == 1
