"""Activations as functions and modules: values, gradients, lookup by name."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as al
import nn
from autograd_lite import Value

arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
                    elements=st.floats(-3, 3).filter(lambda v: abs(v) > 0.05))  # off relu/prelu's kink


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity", "prelu"])
@given(x=arrays)
def test_activation_modules_gradients_match_central_differences(name, x):
    module = nn.get_activation(name)
    R = np.random.default_rng(0).normal(size=x.shape)
    if name == "prelu":
        assert al.gradcheck(lambda x, a: (nn.prelu(x, a) * R).sum(), x, 0.25)
    assert al.gradcheck(lambda x: (module(x) * R).sum(), x)


def test_activation_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(nn.sigmoid(z).data, 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(nn.relu(z).data, [0.0, 0.0, 3.0])
    np.testing.assert_allclose(nn.tanh(z).data, np.tanh(z))
    np.testing.assert_allclose(nn.identity(z).data, z)
    np.testing.assert_allclose(nn.PReLU()(z).data, [-0.5, 0.0, 3.0])


def test_prelu_per_feature_slopes_get_their_own_gradient():
    act = nn.PReLU(num_parameters=3, init=0.1)
    x = Value(np.array([[-1.0, 2.0, -3.0], [-2.0, -1.0, 1.0]]), requires_grad=False)
    act(x).sum().backward()
    np.testing.assert_allclose(act.slope.grad, [-3.0, -1.0, -3.0])


def test_get_activation_by_name_class_or_none():
    assert isinstance(nn.get_activation("ReLU"), nn.ReLU)
    assert isinstance(nn.get_activation(nn.Tanh), nn.Tanh)
    assert isinstance(nn.get_activation(None), nn.Identity)
    assert nn.get_activation("relu") is not nn.get_activation("relu")  # fresh modules, never shared
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.get_activation("swish")
    assert isinstance(nn.MLP(2, [3, 1], activation="tanh").layers[1], nn.Tanh)
