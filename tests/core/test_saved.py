"""Ops that keep something from their forward for their rule (``op(..., saves=True)``).

The raw first-order backward hands the rule what the forward kept (``saved=``); on Values
(``create_graph=True``) and on symbols the rule gets ``saved=None`` and must compute it from the
inputs, so that second derivatives see how it depends on them. What is kept is read-only, is
not one of the node's params, and a compiled program keeps its own, made by each run's forward.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Value
from autograd_lite import functional as F

CALLS: list[str] = []


def _softplus_saving(x):
    """softplus(x) = log(1 + eˣ); its derivative σ(x) is kept from the forward."""
    return np.logaddexp(0.0, x), F.sigmoid(x)


def _softplus_rule(g, out, x, saved=None):
    CALLS.append("saved" if saved is not None else "recomputed")
    return g * (saved if saved is not None else F.sigmoid(x))


softplus = al.op("test_saved_softplus", _softplus_saving, _softplus_rule, saves=True, register=False)


@pytest.fixture(autouse=True)
def _forget_calls():
    CALLS.clear()


def test_backward_gives_the_rule_what_the_forward_kept():
    x = Value(np.array([-2.0, 0.5, 3.0]))
    softplus(x).sum().backward()
    assert CALLS == ["saved"]
    np.testing.assert_allclose(x.grad, 1 / (1 + np.exp(-x.data)), rtol=1e-15)


def test_values_and_symbols_recompute_it_so_second_derivatives_are_right():
    x = Value(np.array([-2.0, 0.5, 3.0]))
    (dx,) = al.grad(softplus(x).sum(), x, create_graph=True)
    assert CALLS == ["recomputed"]
    (d2x,) = al.grad(dx.sum(), x)
    s = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(d2x, s * (1 - s), rtol=1e-12)
    CALLS.clear()
    symbol = al.symbols.symbol
    formula = softplus.vjp(0, symbol("g"), symbol("h"), [symbol("z")], {"saved": np.ones(3)})
    assert "σ" in str(formula) and CALLS == ["recomputed"]
    (derivative,) = al.symbols.local_derivatives(softplus(Value(np.ones(2), label="z")))
    assert "σ" in str(derivative)


def test_it_is_not_a_param_and_it_is_read_only():
    x = Value(np.array([0.0, 1.0]))
    y = softplus(x)
    assert y.params == {}
    with pytest.raises(ValueError, match="read-only"):
        y._params["saved"][0] = 5.0
    y.sum().backward()
    first = x.grad.copy()
    y.sum().backward()  # a second backward through the same graph reads the same saved values
    np.testing.assert_array_equal(x.grad, 2 * first)


def test_without_recording_nothing_is_kept():
    with al.no_grad():
        y = softplus(Value(np.array([1.0])))
    assert y.is_leaf and y._params is None


def test_a_forward_that_returns_no_pair_is_refused_by_name():
    wrong = al.op("test_saved_wrong", lambda x: np.exp(x), lambda g, out, x, saved=None: g * out, saves=True,
                  register=False)
    with pytest.raises(TypeError, match=r"test_saved_wrong: .*saves=True.*\(out, saved\)"):
        wrong(Value(np.ones(2)))


def test_a_param_called_saved_is_refused():
    clash = al.op("test_saved_clash", lambda x, saved: (x * saved, None),
                  lambda g, out, x, saved=None: g, saves=True, register=False)
    with pytest.raises(TypeError, match="test_saved_clash: 'saved' is the name"):
        clash(Value(np.ones(2)), saved=2.0)


def test_a_compiled_program_uses_what_each_run_computed():
    w = Value(np.array([0.3, -1.0, 2.0]))

    def loss(x):
        return softplus(x * w).sum()

    step = al.compile(loss)
    for seed in range(3):  # new data every call: a residual frozen at trace time would be wrong here
        x = np.random.default_rng(seed).normal(size=3)
        w.zero_grad()
        step(x)
        compiled = w.grad.copy()
        w.zero_grad()
        loss(Value(x, requires_grad=False)).backward()
        np.testing.assert_allclose(compiled, w.grad, rtol=1e-12, atol=1e-15)
    assert "saved=" in step.source()


def test_cross_entropy_keeps_its_log_probabilities():
    import nn

    logits = Value(np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]))
    loss = nn.cross_entropy(logits, np.array([1, 2]))
    np.testing.assert_allclose(np.exp(loss._params["saved"]).sum(axis=0), 1.0, rtol=1e-15)
    assert set(loss.params) == {"labels", "reduction"}


def test_a_tuple_is_kept_with_each_array_read_only():
    both = al.op("test_saved_tuple", lambda x: (np.tanh(x), (np.tanh(x), 2.0)),
                 lambda g, out, x, saved=None: g * (1 - (saved[0] if saved is not None else F.tanh(x)) ** 2),
                 saves=True, register=False)
    x = Value(np.array([0.2, -0.4]))
    y = both(x)
    kept, number = y._params["saved"]
    assert number == 2.0 and not kept.flags.writeable
    y.sum().backward()
    np.testing.assert_allclose(x.grad, 1 - np.tanh(x.data) ** 2, rtol=1e-15)
