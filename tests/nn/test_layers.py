"""Tensor-level layers: gradients against central differences, shapes, seeding, dropout modes."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_lite as al
import nn
from autograd_lite import Value

sizes = st.integers(1, 5)


def _projection(shape, seed=1):
    """A fixed random weighting that turns a tensor into one number with a generic gradient."""
    return np.random.default_rng(seed).normal(size=shape)


@given(batch=sizes, nin=sizes, nout=sizes, seed=st.integers(0, 2**16))
def test_linear_gradients_match_central_differences(batch, nin, nout, seed):
    layer = nn.Linear(nin, nout, seed=seed)
    x = np.random.default_rng(seed).normal(size=(batch, nin))
    R = _projection((batch, nout), seed)

    def f(x, W, b):
        layer.weight, layer.bias = W, b
        return (layer(x) * R).sum()

    assert al.gradcheck(f, x, layer.weight.data, layer.bias.data)


def set_parameter(model, name, value):
    """Put `value` where ``named_parameters`` found `name` (a dotted path of attributes and indices)."""
    *path, attr = name.split(".")
    owner = model
    for part in path:
        owner = owner[int(part)] if isinstance(owner, list) else getattr(owner, part)
    setattr(owner, attr, value)


@given(batch=sizes, nin=sizes, hidden=sizes, nout=sizes, activation=st.sampled_from(["sigmoid", "tanh", "relu"]),
       seed=st.integers(0, 2**16))
def test_mlp_gradients_match_central_differences(batch, nin, hidden, nout, activation, seed):
    model = nn.MLP(nin, [hidden, nout], activation=activation, output_activation="sigmoid", seed=seed)
    x = np.random.default_rng(seed).normal(size=(batch, nin))
    params = dict(model.named_parameters())
    pre = x @ params["layers.0.weight"].data + params["layers.0.bias"].data
    assume(activation != "relu" or np.min(np.abs(pre)) > 1e-3)  # central differences fail at a kink
    R = _projection((batch, nout), seed)

    def f(*values):
        for name, v in zip(params, values, strict=True):
            set_parameter(model, name, v)
        return (model(x) * R).sum()

    assert al.gradcheck(f, *[p.data for p in params.values()])


@given(batch=sizes, nin=sizes, nout=sizes)
def test_linear_returns_batch_by_nout_also_for_one_output(batch, nin, nout):
    layer = nn.Linear(nin, nout, seed=0)
    out = layer(np.ones((batch, nin)))
    assert out.shape == (batch, nout)
    assert nn.MLP(nin, [3, 1], seed=0)(np.ones((batch, nin))).shape == (batch, 1)


def test_linear_is_x_times_w_plus_b():
    layer = nn.Linear(3, 2, seed=0)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(layer(x).data, x @ layer.weight.data + layer.bias.data)
    assert layer.weight.shape == (3, 2) and layer.bias.shape == (2,)


def test_linear_default_init_is_uniform_within_one_over_sqrt_nin():
    layer = nn.Linear(16, 200, seed=0)
    bound = 1 / np.sqrt(16)
    for p in (layer.weight, layer.bias):
        assert np.all(np.abs(p.data) <= bound)
        assert np.max(np.abs(p.data)) > 0.9 * bound  # fills the interval, not a narrower one


def test_linear_bad_inputs_are_named():
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"expected input of shape \(batch, 3\), got \(4, 2\)"):
        layer(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"x\[None, :\]"):
        layer(np.ones(3))
    with pytest.raises(TypeError, match="numeric"):
        layer(np.array([["a", "b", "c"]]))
    with pytest.raises(ValueError, match="nin must be a positive int"):
        nn.Linear(0, 2)


def test_same_seed_same_weights_and_generator_seeds_differ_per_layer():
    a, b = nn.MLP(4, [8, 3], seed=7), nn.MLP(4, [8, 3], seed=7)
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert na == nb and np.array_equal(pa.data, pb.data)
    c = nn.MLP(4, [8, 3], seed=8)
    assert not np.array_equal(a.parameters()[0].data, c.parameters()[0].data)
    rng = np.random.default_rng(3)
    first, second = nn.Linear(2, 2, seed=rng), nn.Linear(2, 2, seed=rng)
    assert not np.array_equal(first.weight.data, second.weight.data)


def test_named_inits_have_their_spread():
    he = nn.Linear(400, 400, seed=0, init="he_normal")
    assert abs(he.weight.data.std() - np.sqrt(2 / 400)) < 0.01 * np.sqrt(2 / 400) * 5
    assert np.all(he.bias.data == 0)
    xavier = nn.Linear(300, 100, seed=0, init="xavier_uniform")
    assert np.max(np.abs(xavier.weight.data)) <= np.sqrt(6 / 400)
    with pytest.raises(ValueError, match="unknown init"):
        nn.Linear(2, 2, init="magic")


def test_dropout_keeps_about_one_minus_p_and_scales_by_its_inverse():
    drop = nn.Dropout(0.3, seed=0)
    out = drop(Value(np.ones((200, 500)), requires_grad=False)).data
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.7)
    assert abs(out.mean() - 1.0) < 0.02  # the expected value is unchanged


def test_dropout_is_exactly_the_identity_in_eval_mode():
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.Dropout(0.5, seed=0))
    x = Value(np.ones((5, 3)), requires_grad=False)
    model.eval()
    assert not model.layers[1].training
    first = model(x)
    np.testing.assert_array_equal(first.data, model.layers[0](x).data)
    assert model.layers[1](x) is x
    model.train()
    assert np.any(model(x).data == 0)


def test_dropout_gradient_flows_only_through_kept_units():
    drop = nn.Dropout(0.5, seed=1)
    x = Value(np.arange(1.0, 41.0).reshape(4, 10))
    out = drop(x)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, (out.data != 0) * 2.0)


def test_dropout_same_seed_same_masks_and_p_is_checked():
    x = Value(np.ones((10, 10)), requires_grad=False)
    assert np.array_equal(nn.Dropout(0.5, seed=4)(x).data, nn.Dropout(0.5, seed=4)(x).data)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\)"):
        nn.Dropout(1.0)


def test_sequential_indexing_and_type_check():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    assert len(seq) == 2 and isinstance(seq[1], nn.ReLU)
    with pytest.raises(TypeError, match="item 1 is a int"):
        nn.Sequential(nn.Linear(2, 3), 5)


def test_the_affine_primitive_passes_the_op_property_checks():
    from autograd_lite.testing import check_op
    from nn.primitives import affine

    check_op(affine, max_examples=40)


def test_linear_is_one_affine_node_per_layer():
    layer = nn.Linear(3, 2, seed=0)
    out = layer(np.ones((4, 3)))
    assert out.op == "affine" and out.parents[1] is layer.weight and out.parents[2] is layer.bias
    with pytest.raises(ValueError, match=r"affine: expected x \(n, k\), W \(k, m\), b \(m,\)"):
        nn.primitives.affine(np.ones((4, 3)), layer.weight, np.ones(3))
