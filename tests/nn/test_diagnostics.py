"""Diagnostics: sigmoid saturation per layer (section 10) and gradient norms per layer (section 15)."""

import numpy as np
import pytest

import nn


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_saturation_is_the_fraction_of_sigmoid_values_outside_02_08():
    model = nn.MLP(3, [5, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    for p in model.parameters():
        p.data = p.data * 6.0   # big weights saturate some units
    X = np.random.default_rng(0).normal(size=(50, 3))
    result = nn.saturation(model, X)
    assert list(result) == ["layers.1", "layers.3", "layers.5"]
    h, expected = X, []
    for linear in model.layers[0::2]:
        h = _sigmoid(h @ linear.weight.data + linear.bias.data)
        expected.append(np.mean((h < 0.2) | (h > 0.8)))
    np.testing.assert_allclose(list(result.values()), expected)
    assert 0 < expected[0] < 1


def test_small_weights_do_not_saturate_and_scalar_networks_are_measured_per_layer():
    model = nn.MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    for p in model.parameters():
        p.data = p.data * 0.01
    assert all(v == 0.0 for v in nn.saturation(model, np.ones((4, 2))).values())
    scalar = nn.ScalarMLP(2, [2, 1], seed=0)
    tensor = nn.MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    X = np.random.default_rng(1).normal(0, 4, size=(20, 2))
    from_scalar = nn.saturation(scalar, X)
    assert list(from_scalar) == ["layers.0", "layers.1"]
    assert list(from_scalar.values()) == pytest.approx(list(nn.saturation(tensor, X).values()))


def test_gradient_norms_per_layer_match_the_gradients():
    model = nn.MLP(4, [6, 6, 3], activation="sigmoid", seed=0)
    X = np.random.default_rng(0).normal(size=(10, 4))
    nn.cross_entropy(model(X), np.arange(10) % 3).backward()
    norms = nn.gradient_norms(model)
    assert list(norms) == ["layers.0", "layers.2", "layers.4"]
    first = model.layers[0]
    assert norms["layers.0"] == pytest.approx(np.sqrt(np.sum(first.weight.grad ** 2) + np.sum(first.bias.grad ** 2)))
    scalar = nn.ScalarMLP(2, [3, 1], seed=0)
    scalar([1.0, 2.0]).backward()
    assert list(nn.gradient_norms(scalar)) == ["layers.0", "layers.1"]
