"""The everyday nn API of issue 13: the module tree, zero_grad(set_to_none), gradient clipping,
schedules in their own namespace, squared_error's mean default, and PyTorch's state-dict layout."""

import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from autograd_lite import Value


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(torch.float32)


class _Block(nn.Module):
    """A module of its own: a Sequential, a list and a dict of modules, and one module twice."""

    def __init__(self):
        self.body = nn.Sequential(nn.Linear(3, 4, seed=0), nn.Tanh())
        self.heads = [nn.Linear(4, 2, seed=1), nn.Linear(4, 1, seed=2)]
        self.extra = {"act": nn.ReLU()}
        self.again = self.body


# ----- the module tree ---------------------------------------------------------------------------------------
def test_children_are_the_modules_held_directly_in_assignment_order_each_once():
    block = _Block()
    assert [name for name, _ in block.named_children()] == ["body", "heads.0", "heads.1", "extra.act"]
    assert list(block.children()) == [block.body, *block.heads, block.extra["act"]]
    model = nn.MLP(2, [3, 1])
    assert list(model.children()) == model.layers   # a Sequential's layers, not their insides
    assert list(nn.Linear(2, 2).children()) == []


def test_named_modules_is_pytorchs_preorder_and_modules_follows_it():
    block = _Block()
    assert [name for name, _ in block.named_modules()] == [
        "", "body", "body.layers.0", "body.layers.1", "heads.0", "heads.1", "extra.act"]
    assert list(block.modules()) == [m for _, m in block.named_modules()]
    assert next(block.modules()) is block


def test_the_module_tree_walks_deeper_than_the_recursion_limit():
    depth = 1200   # past Python's default limit of 1000 frames
    model = nn.Linear(2, 2)
    for _ in range(depth):
        model = nn.Sequential(model)
    assert len(list(model.modules())) == depth + 1
    assert len(list(model.named_modules())) == depth + 1
    assert len(list(model.children())) == 1


# ----- zero_grad(set_to_none) ---------------------------------------------------------------------------------
def _backward(model, x):
    model.zero_grad()
    (model(x) ** 2).sum().backward()


@pytest.mark.parametrize("owner", ["module", "optimizer"])
def test_zero_grad_drops_gradients_by_default_and_gives_zeros_with_set_to_none_false(owner):
    model = nn.Sequential(nn.Linear(3, 2, seed=0), nn.PReLU(), nn.Linear(2, 1, seed=1, dtype=np.float64))
    unused = Value(np.ones(4, dtype=np.float32))
    opt = nn.SGD([*model.parameters(), unused], lr=0.1)
    zero_grad = model.zero_grad if owner == "module" else opt.zero_grad
    x = np.ones((5, 3))
    _backward(model, x)
    held = model.layers[0].weight.grad
    before = held.copy()
    zero_grad(set_to_none=False)
    for p in model.parameters():
        assert p.has_grad
        if p.ndim == 0:
            assert type(p.grad) is float and p.grad == 0.0   # the scalar PReLU slope stays a float
        else:
            assert p.grad.shape == p.shape and p.grad.dtype == p.dtype and not np.any(p.grad)
    np.testing.assert_array_equal(held, before)   # zeros are new arrays, not written into the old one
    assert not unused.has_grad                    # no gradient before: none after either
    _backward(model, x)
    zero_grad()
    assert not any(p.has_grad for p in model.parameters())


def test_after_zero_grad_set_to_none_false_momentum_still_moves_a_parameter_backward_missed():
    """PyTorch's meaning: a zero gradient is a gradient, so the step runs; None is skipped."""
    for set_to_none, moves in ((False, True), (True, False)):
        w = Value(np.array([1.0, 2.0]))
        opt = nn.SGD([w], lr=0.1, momentum=0.9)
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad(set_to_none=set_to_none)   # and no backward this time
        before = w.numpy().copy()
        opt.step()
        assert (not np.array_equal(w.numpy(), before)) is moves


# ----- clip_grad_norm_ and clip_grad_value_ -------------------------------------------------------------------
gradients = st.lists(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=4),
                                elements=st.floats(-1e3, 1e3)), min_size=1, max_size=4)


def _with_grads(arrays):
    params = []
    for g in arrays:
        p = Value(float(g)) if g.ndim == 0 else Value(np.zeros_like(g))
        p.grad = float(g) if g.ndim == 0 else g.copy()
        params.append(p)
    return params


@given(arrays=gradients, max_norm=st.floats(0.0, 100.0), norm_type=st.sampled_from([1.0, 2.0, 3.0, math.inf]))
def test_clip_grad_norm_returns_the_joint_norm_and_scales_every_gradient_by_one_factor(arrays, max_norm, norm_type):
    params = _with_grads(arrays)
    flat = np.concatenate([np.ravel(g) for g in arrays])
    expected = np.linalg.norm(flat, ord=norm_type)
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    assert type(total) is float and total == pytest.approx(expected, rel=1e-12, abs=1e-300)
    scale = min(1.0, max_norm / (expected + 1e-6))   # PyTorch's factor
    for p, g in zip(params, arrays, strict=True):
        np.testing.assert_allclose(p.grad, g * scale, rtol=1e-12, atol=0)
        assert type(p.grad) is (float if g.ndim == 0 else np.ndarray)
    clipped = np.concatenate([np.ravel(p.grad) for p in params])
    assert np.linalg.norm(clipped, ord=norm_type) <= max_norm * (1 + 1e-12) or expected <= max_norm


@given(arrays=gradients, clip=st.floats(0.0, 10.0))
def test_clip_grad_value_clamps_every_entry(arrays, clip):
    params = _with_grads(arrays)
    assert nn.utils.clip_grad_value_(params, clip) is None
    for p, g in zip(params, arrays, strict=True):
        np.testing.assert_array_equal(p.grad, np.clip(g, -clip, clip))


@pytest.mark.parametrize("clip", [lambda ps: nn.utils.clip_grad_norm_(ps, 0.5),
                                  lambda ps: nn.utils.clip_grad_value_(ps, 0.1)])
def test_the_optimiser_steps_with_the_clipped_gradient_and_the_callers_array_is_untouched(clip):
    w, s = Value(np.array([3.0, -4.0], dtype=np.float32)), Value(2.0)
    given_grad = np.array([3.0, -4.0], dtype=np.float32)
    w.grad, s.grad = given_grad, 2.0
    clip([w, s])
    clipped_w, clipped_s = w.grad.copy(), s.grad
    assert np.all(np.abs(clipped_w) < np.abs(given_grad)) and abs(clipped_s) < 2.0
    np.testing.assert_array_equal(given_grad, [3.0, -4.0])   # a new array was stored, the old one kept
    assert w.grad.dtype == np.float32 and type(s.grad) is float
    opt = nn.SGD([w, s], lr=1.0)
    opt.step()
    np.testing.assert_array_equal(w.numpy(), np.float32([3.0, -4.0]) - clipped_w)
    assert s.data == 2.0 - clipped_s


def test_clipping_skips_parameters_without_a_gradient_and_counts_a_shared_one_once():
    a, b, untouched = Value(np.array([3.0])), Value(np.array([4.0])), Value(np.ones(2))
    a.grad, b.grad = [3.0], [4.0]
    assert nn.utils.clip_grad_norm_([a, b, untouched, a], 1.0) == pytest.approx(5.0)
    assert not untouched.has_grad
    np.testing.assert_allclose(a.grad, [3.0 / (5 + 1e-6)])   # scaled once, not twice
    assert nn.utils.clip_grad_norm_([untouched], 1.0) == 0.0
    assert nn.utils.clip_grad_norm_(a, 10.0) == pytest.approx(0.6, rel=1e-5)   # one Value alone


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_a_non_finite_norm_raises_naming_the_parameter_or_is_returned_with_gradients_untouched(bad):
    a, b = Value(np.array([1.0, 2.0])), Value(np.zeros((2, 2)))
    a.grad, b.grad = [1.0, 2.0], [[0.0, bad], [0.0, 0.0]]
    with pytest.raises(FloatingPointError, match=r"clip_grad_norm_: .* parameter 1 \(shape \(2, 2\)\).*"
                                                 "error_if_nonfinite=False"):
        nn.utils.clip_grad_norm_([a, b], 1.0)
    total = nn.utils.clip_grad_norm_([a, b], 1.0, error_if_nonfinite=False)
    assert not math.isfinite(total)
    np.testing.assert_array_equal(a.grad, [1.0, 2.0])
    np.testing.assert_array_equal(b.grad, [[0.0, bad], [0.0, 0.0]])


def test_clipping_refuses_bad_arguments_by_name():
    w = Value(np.ones(2))
    w.grad = [1.0, 1.0]
    with pytest.raises(ValueError, match="clip_grad_norm_: max_norm must be a number >= 0"):
        nn.utils.clip_grad_norm_([w], -1.0)
    with pytest.raises(ValueError, match="clip_grad_norm_: max_norm"):
        nn.utils.clip_grad_norm_([w], float("nan"))
    with pytest.raises(ValueError, match="clip_grad_norm_: norm_type must be > 0"):
        nn.utils.clip_grad_norm_([w], 1.0, norm_type=0)
    with pytest.raises(ValueError, match="clip_grad_value_: clip_value must be a number >= 0"):
        nn.utils.clip_grad_value_([w], -0.5)
    with pytest.raises(TypeError, match=r"pass its parameters: clip_grad_norm_\(model.parameters\(\)"):
        nn.utils.clip_grad_norm_(nn.Linear(2, 2), 1.0)
    with pytest.raises(TypeError, match="clip_grad_value_: parameter 1 is a ndarray, not a Value"):
        nn.utils.clip_grad_value_([w, np.ones(2)], 1.0)


def test_clip_grad_norm_agrees_with_pytorch(torch):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)) * 5, rng.normal(size=4), rng.normal(size=(2, 2, 2))]
    for norm_type in (1.0, 2.0, 3.5, math.inf):
        ours = _with_grads(grads)
        theirs = [torch.zeros(g.shape, requires_grad=True) for g in grads]
        for t, g in zip(theirs, grads, strict=True):
            t.grad = torch.tensor(g)
        total = nn.utils.clip_grad_norm_(ours, 2.0, norm_type=norm_type)
        expected = torch.nn.utils.clip_grad_norm_(theirs, 2.0, norm_type=norm_type)
        assert total == pytest.approx(float(expected), rel=1e-12)
        for p, t in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-12, atol=0)


# ----- schedules and losses -----------------------------------------------------------------------------------
def test_schedules_live_beside_the_optimisers_not_at_nns_top_level():
    names = ("constant", "step_decay", "exponential_decay", "cosine_decay")
    assert not any(hasattr(nn, name) or name in nn.__all__ for name in names)
    assert all(callable(getattr(nn.optim.schedules, name)) for name in names)
    assert nn.optim.SGD is nn.SGD and nn.optim.Adam is nn.Adam
    opt = nn.SGD([Value(1.0)], lr=0.4, schedule=nn.optim.schedules.cosine_decay(4))
    assert opt.current_lr == pytest.approx(0.4)


def test_every_loss_defaults_to_the_mean():
    for name, loss in nn.losses.LOSSES.items():
        assert inspect.signature(loss).parameters["reduction"].default == "mean", name


def test_fits_training_loss_with_squared_error_is_the_mean_per_example():
    """fit weighs each batch's loss by its size: with a summed default it reported batch_size times J/m."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 2)), rng.integers(0, 2, 12)
    model = nn.MLP(2, [1], output_activation="sigmoid", seed=0)
    loss, _ = nn.evaluate(model, nn.squared_error, X, y)
    history = nn.fit(model, nn.squared_error, (X, y), optimizer=nn.SGD(model.parameters(), lr=1e-300),
                     epochs=1, batch_size=4, progress=False)   # a step too small to move any weight
    assert history["loss"][0] == pytest.approx(loss, rel=1e-12)


# ----- PyTorch's state-dict layout ----------------------------------------------------------------------------
def test_to_torch_state_dict_transposes_weights_and_numbers_the_layers():
    model = nn.MLP(3, [4, 2], activation="tanh", seed=0)
    state = nn.to_torch_state_dict(model)
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    ours = model.state_dict()
    assert list(ours) == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    np.testing.assert_array_equal(state["0.weight"], ours["layers.0.weight"].T)
    np.testing.assert_array_equal(state["2.bias"], ours["layers.2.bias"])
    assert state["0.weight"].shape == (4, 3) and state["0.weight"].flags.c_contiguous
    state["0.weight"][...] = 7.0   # copies: the model is unchanged
    assert not np.any(model.layers[0].weight.numpy() == 7.0)


def test_a_torch_state_dict_converts_back_to_the_same_parameters():
    block = _Block()
    block.slope = nn.PReLU()
    block.slopes = nn.PReLU(4)
    state = nn.to_torch_state_dict(block)
    assert list(state) == ["body.0.weight", "body.0.bias", "heads.0.weight", "heads.0.bias", "heads.1.weight",
                           "heads.1.bias", "slope.weight", "slopes.weight"]
    assert state["slope.weight"].shape == (1,) and state["slopes.weight"].shape == (4,)
    fresh = _Block()
    fresh.slope, fresh.slopes = nn.PReLU(init=0.0), nn.PReLU(4, init=0.0)
    assert nn.from_torch_state_dict(fresh, state) is fresh
    for (name, a), (_, b) in zip(block.state_dict().items(), fresh.state_dict().items(), strict=True):
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert type(fresh.slope.slope.data) is float


def test_from_torch_state_dict_refuses_what_does_not_fit_in_pytorchs_names_and_changes_nothing():
    model = nn.MLP(3, [4, 2], seed=0)
    before = model.state_dict()
    state = nn.to_torch_state_dict(nn.MLP(3, [4, 2], seed=1))
    with pytest.raises(KeyError, match=r"missing keys \['2.bias'\], unexpected keys \['2.b'\]"):
        nn.from_torch_state_dict(model, {**{k: v for k, v in state.items() if k != "2.bias"}, "2.b": state["2.bias"]})
    with pytest.raises(ValueError, match=r"'2.weight' has shape \(4, 2\), the model expects \(2, 4\) in PyTorch's "
                                         r"layout \(for 'layers.2.weight' of shape \(4, 2\) here\)"):
        nn.from_torch_state_dict(model, {**state, "2.weight": state["2.weight"].T})
    with pytest.raises(TypeError, match="dtype float32, the model expects float64"):
        nn.from_torch_state_dict(model, {**state, "2.bias": state["2.bias"].astype(np.float32)})
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


def test_parameters_without_a_known_torch_layout_are_refused_by_name():
    with pytest.raises(ValueError, match=r"'layers.0.neurons.0.w.0' is held by a Neuron, which has no known PyTorch"):
        nn.to_torch_state_dict(nn.ScalarMLP(2, [2, 1]))


def _torch_mlp(torch, sizes, activation):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(activation())
    layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers).double()


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "prelu"])
def test_a_model_continues_in_pytorch_with_the_same_outputs_and_gradients_and_comes_back(torch, activation):
    sizes = [3, 5, 4, 2]
    model = nn.MLP(sizes[0], sizes[1:], activation=activation, output_activation="sigmoid", seed=0)
    if activation == "prelu":   # slopes away from PyTorch's default, so loading them is tested
        for layer in model.layers[1:-1:2]:
            layer.slope.data = 0.1
    twin = _torch_mlp(torch, sizes, {"tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
                                     "prelu": torch.nn.PReLU}[activation])
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in nn.to_torch_state_dict(model).items()})
    X = np.random.default_rng(1).normal(size=(6, 3))
    target = np.random.default_rng(2).uniform(size=(6, 2))

    out = model(X)
    nn.squared_error(out, target).backward()
    out_t = twin(torch.from_numpy(X))
    torch.nn.functional.mse_loss(out_t, torch.from_numpy(target)).backward()
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    grads_t = nn.to_torch_state_dict(model)   # our gradients, put in PyTorch's layout by the same rule
    for (name, p), (key, _) in zip(model.named_parameters(), grads_t.items(), strict=True):
        grad_t = dict(twin.named_parameters())[key].grad.numpy()
        ours = np.reshape(np.asarray(p.grad).T, grad_t.shape)
        np.testing.assert_allclose(ours, grad_t, rtol=1e-12, atol=1e-12, err_msg=name)

    with torch.no_grad():   # train a little in PyTorch, then come back
        for p in twin.parameters():
            p -= 0.5 * p.grad
    back = nn.MLP(sizes[0], sizes[1:], activation=activation, output_activation="sigmoid", seed=9)
    nn.from_torch_state_dict(back, {k: v.numpy() for k, v in twin.state_dict().items()})
    np.testing.assert_allclose(back(X).numpy(), twin(torch.from_numpy(X)).detach().numpy(), rtol=1e-12, atol=1e-12)
    nn.from_torch_state_dict(back, twin.state_dict())   # tensors themselves are read too
