"""The compiler's buffer reuse (`autograd_lite.compiler.memory`): an elementwise result goes over the
buffer of an operand that nothing reads again, and never over one that something still reads.

Compiled-against-eager equality on random graphs (tests/core/test_compile.py) covers the programs
it rewrites; these tests pin each condition on hand-written lines.
"""

from __future__ import annotations

import numpy as np

import autograd_lite as al
from autograd_lite import Value
from autograd_lite.compiler.memory import reuse_dying_buffers


def env(**shapes):
    return {name: np.empty(shape, dtype=dtype) for name, (shape, dtype) in shapes.items()}


F64 = np.float64


def test_a_result_goes_over_its_dying_operand_and_the_spare_buffer_is_freed():
    space = env(buffer_a=((3, 2), F64), buffer_b=((3, 2), F64))
    lines = ["def f(x, y):",
             "    a = np.matmul(x, y, out=buffer_a)  # a product",
             "    b = np.multiply(a, x > 0, out=buffer_b)  # a mask",
             "    return b.copy()"]
    out = reuse_dying_buffers(lines, space)
    assert out[2] == "    b = np.multiply(a, x > 0, out=buffer_a)  # a mask (over a)"
    assert "buffer_b" not in space and "buffer_a" in space


def test_an_operand_read_later_keeps_its_buffer():
    space = env(buffer_a=((3, 2), F64), buffer_b=((3, 2), F64))
    lines = ["def f(x):",
             "    a = np.exp(x, out=buffer_a)",
             "    b = np.multiply(a, 2.0, out=buffer_b)",
             "    v = a.T  # a view made later: writing over a would change it",
             "    return b + v"]
    assert reuse_dying_buffers(lines, space) == lines
    assert set(space) == {"buffer_a", "buffer_b"}


def test_another_shape_or_dtype_or_a_repeated_operand_or_a_matmul_is_left_alone():
    cases = [
        (env(buffer_a=((3, 1), F64), buffer_b=((3, 2), F64)), "    b = np.add(a, x, out=buffer_b)"),  # broadcast
        (env(buffer_a=((3, 2), np.float32), buffer_b=((3, 2), F64)), "    b = np.add(a, x, out=buffer_b)"),
        (env(buffer_a=((3, 2), F64), buffer_b=((3, 2), F64)), "    b = np.add(a, a, out=buffer_b)"),
        (env(buffer_a=((2, 2), F64), buffer_b=((2, 2), F64)), "    b = np.matmul(a, x, out=buffer_b)"),
    ]
    for space, line in cases:
        lines = ["def f(x):", "    a = np.exp(x, out=buffer_a)", line, "    return b.copy()"]
        assert reuse_dying_buffers(lines, space) == lines, line


def test_a_chain_of_results_shares_one_buffer_and_matches_eager():
    W = Value(np.random.default_rng(0).normal(size=(4, 5)), label="W")

    def loss(x):
        h = (x @ W).relu()
        return ((h * 0.5).tanh() * 3.0).sum()

    step = al.compile(loss)
    x = np.random.default_rng(1).normal(size=(6, 4))
    for call in range(3):
        W.zero_grad()
        compiled = step(x * (call + 1)).item()
        got = W.grad.copy()
        W.zero_grad()
        expected = loss(Value(x * (call + 1), requires_grad=False))
        expected.backward()
        np.testing.assert_allclose(compiled, expected.item(), rtol=1e-12)
        np.testing.assert_allclose(got, W.grad, rtol=1e-12, atol=1e-15)
    assert "(over " in step.source()


def _scaled_into(x, out=None):
    return np.multiply(x, 3.0, out=out)


def _ignores_out(x, out=None):
    return x * 3.0


def _triple_loss(forward):
    triple = al.op("test_memory_triple", forward, lambda g, out, x: g * 3.0, register=False)
    W = Value(np.arange(6.0).reshape(2, 3))

    def loss(x):
        return (triple(x * W) * W).sum()

    return W, loss


def test_a_forward_that_takes_out_writes_into_a_buffer_only_when_it_does_so_faithfully():
    for forward, used in ((_scaled_into, True), (_ignores_out, False)):
        W, loss = _triple_loss(forward)
        step = al.compile(loss)
        for call in range(2):
            x = np.full((2, 3), call + 1.0)
            W.zero_grad()
            got = step(x).item()
            compiled = W.grad.copy()
            W.zero_grad()
            expected = loss(Value(x, requires_grad=False))
            expected.backward()
            assert got == expected.item()
            np.testing.assert_array_equal(compiled, W.grad)
        assert ("out=buffer_" in step.source().split("triple")[1].splitlines()[0]) is used, forward.__name__


def test_affine_writes_into_its_buffer_and_relu_over_it():
    import nn

    model = nn.MLP(4, [5, 3], seed=0)

    def loss(x, y):
        return nn.cross_entropy(model(x), y)

    step = al.compile(loss)
    step(np.ones((6, 4)), np.zeros(6, dtype=int))
    source = step.source()
    assert "out=buffer_" in source.split("affine(")[1].splitlines()[0]
    assert "(over " in source
