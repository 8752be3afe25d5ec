"""Optimisers: the update formulas, schedules, and resuming from a saved state."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd_lite import Value


def _quadratic_step(opt, params, target):
    opt.zero_grad()
    loss = None
    for p, t in zip(params, target, strict=True):
        term = ((p - t) * (p - t)).sum() if p.ndim else (p - t) * (p - t)
        loss = term if loss is None else loss + term
    loss.backward()
    opt.step()


@given(lr=st.floats(0.01, 1.0), momentum=st.sampled_from([0.0, 0.5, 0.9]), decay=st.sampled_from([0.0, 0.1]),
       seed=st.integers(0, 2**16))
def test_sgd_follows_its_formula_on_arrays_and_floats(lr, momentum, decay, seed):
    rng = np.random.default_rng(seed)
    W, s = Value(rng.normal(size=(2, 3))), Value(float(rng.normal()))
    opt = nn.SGD([W, s], lr=lr, momentum=momentum, weight_decay=decay)
    w_ref, s_ref, vw, vs = W.data.copy(), s.data, 0.0, 0.0
    for _ in range(3):
        _quadratic_step(opt, [W, s], [np.ones((2, 3)), 1.0])
        gw, gs = 2 * (w_ref - 1) + decay * w_ref, 2 * (s_ref - 1) + decay * s_ref
        vw, vs = momentum * vw + gw, momentum * vs + gs
        w_ref, s_ref = w_ref - lr * vw, s_ref - lr * vs
    np.testing.assert_allclose(W.data, w_ref, rtol=1e-12)
    assert s.data == pytest.approx(s_ref, rel=1e-12)
    assert type(s.data) is float


@given(seed=st.integers(0, 2**16))
def test_adam_follows_its_formula(seed):
    rng = np.random.default_rng(seed)
    W, s = Value(rng.normal(size=3)), Value(float(rng.normal()))
    opt = nn.Adam([W, s], lr=0.1, betas=(0.8, 0.9), eps=1e-8)
    ref = [W.data.copy(), np.array(s.data)]
    m = [np.zeros(3), np.zeros(())]
    v = [np.zeros(3), np.zeros(())]
    for t in range(1, 4):
        _quadratic_step(opt, [W, s], [np.zeros(3), 0.0])
        for i in range(2):
            g = 2 * ref[i]
            m[i] = 0.8 * m[i] + 0.2 * g
            v[i] = 0.9 * v[i] + 0.1 * g * g
            ref[i] = ref[i] - 0.1 * (m[i] / (1 - 0.8 ** t)) / (np.sqrt(v[i] / (1 - 0.9 ** t)) + 1e-8)
    np.testing.assert_allclose(W.data, ref[0], rtol=1e-10)
    assert s.data == pytest.approx(float(ref[1]), rel=1e-10)


def test_schedules_scale_the_base_rate():
    assert [nn.optim.schedules.step_decay(2, 0.5)(t) for t in range(5)] == [1, 1, 0.5, 0.5, 0.25]
    assert nn.optim.schedules.exponential_decay(0.9)(2) == pytest.approx(0.81)
    cosine = nn.optim.schedules.cosine_decay(10, floor=0.1)
    assert cosine(0) == pytest.approx(1.0) and cosine(10) == pytest.approx(0.1) and cosine(50) == pytest.approx(0.1)
    assert cosine(5) == pytest.approx(0.55)
    W = Value(np.zeros(1))
    opt = nn.SGD([W], lr=1.0, schedule=nn.optim.schedules.step_decay(1, 0.5))
    for _ in range(3):
        opt.zero_grad()
        (W * 1.0).sum().backward()   # gradient 1: each step moves by the current rate
        opt.step()
    np.testing.assert_allclose(W.data, [-(1 + 0.5 + 0.25)])
    assert opt.current_lr == 0.125


@pytest.mark.parametrize("make", [lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: nn.Adam(ps, lr=0.05, schedule=nn.optim.schedules.exponential_decay(0.9))])
def test_saving_and_loading_optimiser_state_resumes_training_exactly(make, tmp_path):
    X = np.random.default_rng(0).normal(size=(16, 3))
    y = np.arange(16) % 2

    def train(model, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            nn.cross_entropy(model(X), y).backward()
            opt.step()

    straight = nn.MLP(3, [4, 2], seed=0)
    opt = make(straight.parameters())
    train(straight, opt, 6)

    first = nn.MLP(3, [4, 2], seed=0)
    opt1 = make(first.parameters())
    train(first, opt1, 3)
    first.save(tmp_path / "model.npz")
    opt1.save(tmp_path / "opt.npz")
    resumed = nn.MLP(3, [4, 2], seed=1).load(tmp_path / "model.npz")
    opt2 = make(resumed.parameters()).load(tmp_path / "opt.npz")
    assert opt2.steps == 3
    train(resumed, opt2, 3)
    for a, b in zip(straight.parameters(), resumed.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_optimiser_state_errors_and_argument_checks():
    W = Value(np.zeros(3))
    opt = nn.SGD([W], lr=0.1, momentum=0.5)
    (W * 2.0).sum().backward()
    opt.step()
    state = opt.state_dict()
    assert set(state) == {"lr", "steps", "velocity.0"}
    with pytest.raises(ValueError, match=r"'velocity.0' has shape \(2,\), parameter 0 has shape \(3,\)"):
        opt.load_state_dict({**state, "velocity.0": np.zeros(2)})
    with pytest.raises(KeyError, match="unexpected key 'm.0'"):
        opt.load_state_dict({**state, "m.0": np.zeros(3)})
    with pytest.raises(KeyError, match="missing keys"):
        opt.load_state_dict({"velocity.0": np.zeros(3)})
    with pytest.raises(ValueError, match="empty parameter list"):
        nn.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr must be positive"):
        nn.Adam([W], lr=0)
    with pytest.raises(ValueError, match="momentum"):
        nn.SGD([W], lr=0.1, momentum=1.5)
    with pytest.raises(TypeError, match="parameter 0 is a ndarray"):
        nn.SGD([np.zeros(2)], lr=0.1)
