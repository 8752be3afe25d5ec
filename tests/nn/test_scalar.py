"""Scalar level: the tutorial's labels, its equations, and one maths with the tensor level."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as al
import nn
from autograd_lite import Value


def test_two_two_one_network_reads_as_in_section_7():
    model = nn.ScalarMLP(2, [2, 1], seed=0)
    labels = [p.label for p in model.parameters()]
    assert labels == ["θ1", "θ2", "b1", "θ3", "θ4", "b2", "ω1", "ω2", "c"]


def test_bigger_networks_use_section_8_indices():
    model = nn.ScalarMLP(3, [4, 12, 1], seed=0)
    first = model.layers[0].neurons[1]
    assert [w.label for w in first.w] == ["θ⁽¹⁾₂₁", "θ⁽¹⁾₂₂", "θ⁽¹⁾₂₃"]  # neuron 2 of layer 2, inputs 1..3
    assert first.b.label == "b⁽¹⁾₂"
    assert model.layers[1].neurons[10].w[2].label == "θ⁽²⁾₁₁,₃"  # two-digit index: comma-separated
    assert model.layers[2].neurons[0].b.label == "b⁽³⁾₁"


def test_two_two_one_output_is_the_section_7_formula():
    model = nn.ScalarMLP(2, [2, 1], seed=3)
    p = {v.label: v.data for v in model.parameters()}
    x1, x2 = 3.0, 4.5
    g = lambda z: 1 / (1 + np.exp(-z))
    h = g(p["ω1"] * g(p["θ1"] * x1 + p["θ2"] * x2 + p["b1"])
          + p["ω2"] * g(p["θ3"] * x1 + p["θ4"] * x2 + p["b2"]) + p["c"])
    out = model([x1, x2])
    assert isinstance(out, Value) and type(out.data) is float
    assert out.data == pytest.approx(h, rel=1e-12)


def test_sigmoid_unit_gradient_is_equations_7_9_10():
    neuron = nn.Neuron(2, "sigmoid", weights=[0.3, -0.2], bias=0.1)
    x, y = [4.5, 4.0], 1.0
    loss = nn.squared_error(neuron(x), y)
    loss.backward()
    g = 1 / (1 + np.exp(-(0.3 * 4.5 - 0.2 * 4.0 + 0.1)))
    common = 2 * (g - y) * (1 - g) * g
    assert neuron.w[0].grad == pytest.approx(common * x[0], rel=1e-12)   # equation 7
    assert neuron.w[1].grad == pytest.approx(common * x[1], rel=1e-12)   # equation 9
    assert neuron.b.grad == pytest.approx(common, rel=1e-12)             # equation 10


@given(nin=st.integers(1, 4), hidden=st.lists(st.integers(1, 4), min_size=1, max_size=2), nout=st.integers(1, 3),
       activation=st.sampled_from(["sigmoid", "tanh", "relu"]), seed=st.integers(0, 2**16))
def test_scalar_and_tensor_levels_give_the_same_outputs_and_gradients(nin, hidden, nout, activation, seed):
    nouts = hidden + [nout]
    scalar = nn.ScalarMLP(nin, nouts, activation=activation, output_activation="sigmoid", seed=seed)
    tensor = nn.MLP(nin, nouts, activation=activation, output_activation="sigmoid", seed=seed)
    for (W, b), layer in zip(scalar.weights(), tensor.layers[0::2], strict=True):
        np.testing.assert_array_equal(W, layer.weight.data)   # the same seed draws the same weights
        np.testing.assert_array_equal(b, layer.bias.data)
    x = np.random.default_rng(seed).normal(size=nin)
    target = np.linspace(0.1, 0.9, nout)
    out_t = tensor(x[None, :])
    loss_t = nn.squared_error(out_t, target[None, :])
    loss_t.backward()
    out_s = scalar(x.tolist())
    loss_s = nn.squared_error(out_s, target if nout > 1 else target[0])
    loss_s.backward()
    outs = [out_s] if nout == 1 else out_s
    np.testing.assert_allclose([o.data for o in outs], out_t.data[0], rtol=1e-12, atol=1e-14)
    assert loss_s.item() == pytest.approx(loss_t.item(), rel=1e-10, abs=1e-15)
    for layer_s, layer_t in zip(scalar.layers, tensor.layers[0::2], strict=True):
        grad_w = np.array([[w.grad for w in n.w] for n in layer_s.neurons]).T
        grad_b = np.array([n.b.grad for n in layer_s.neurons])
        np.testing.assert_allclose(grad_w, layer_t.weight.grad, rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(grad_b, layer_t.bias.grad, rtol=1e-9, atol=1e-13)


@given(nin=st.integers(1, 3), nout=st.integers(1, 3), activation=st.sampled_from(["sigmoid", "tanh", "identity"]),
       seed=st.integers(0, 2**16))
def test_scalar_layer_gradients_match_central_differences(nin, nout, activation, seed):
    layer = nn.Layer(nin, nout, activation, seed=seed)
    params = layer.parameters()
    x = np.random.default_rng(seed).normal(size=nin).tolist()

    def f(*values):
        it = iter(values)
        for neuron in layer.neurons:
            neuron.w = [next(it) for _ in neuron.w]
            neuron.b = next(it)
        outs = layer(x)
        total = outs[0] * 1.0
        for k, o in enumerate(outs[1:], start=2):
            total = total + o * float(k)
        return total

    assert al.gradcheck(f, *[p.data for p in params])


def test_scalar_inputs_may_be_values_and_are_checked():
    model = nn.ScalarMLP(2, [3, 2], seed=0)
    x1, x2 = Value(1.0, label="x1"), Value(2.0, label="x2")
    outs = model([x1, x2])
    assert isinstance(outs, list) and len(outs) == 2
    (outs[0] + outs[1]).backward()
    assert x1.grad != 0.0 and x2.grad != 0.0
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        model([1, 2, 3])
    with pytest.raises(TypeError, match="numbers or scalar Values"):
        model(["a", 1])
    with pytest.raises(ValueError, match="unknown activation"):
        nn.Neuron(2, "softsign")


def test_prelu_neuron_learns_its_slope():
    neuron = nn.Neuron(1, "prelu", weights=[1.0], bias=0.0)
    out = neuron([-2.0])
    assert out.data == pytest.approx(-0.5)
    out.backward()
    assert neuron.slope.grad == pytest.approx(-2.0)
