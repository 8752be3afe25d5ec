"""Module: parameters, modes, repr, scope names, state, save/load and dtype conversion."""

import os
import pickle

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import Value


def _model(seed=0):
    return nn.Sequential(nn.Linear(3, 4, seed=seed), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 2, seed=seed + 1))


def test_parameters_are_recursive_named_and_in_a_fixed_order():
    model = _model()
    names = [n for n, _ in model.named_parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias"]
    assert model.parameters()[0] is model.layers[0].weight
    assert isinstance(model.parameters(), list)
    assert model.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2


def test_a_shared_parameter_is_listed_once():
    model = _model()
    model.extra = model.layers[0].weight
    assert len(model.parameters()) == 4


def test_zero_grad_clears_every_parameter():
    model = _model()
    model(np.ones((2, 3))).sum().backward()
    assert any(np.any(p.grad != 0) for p in model.parameters())
    model.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())


def test_train_and_eval_reach_every_submodule():
    model = _model()
    assert model.eval() is model
    assert all(not m.training for _, m in model.named_modules())
    model.train()
    assert all(m.training for _, m in model.named_modules())


def test_repr_shows_the_structure_and_parameter_count():
    text = repr(nn.MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid"))
    assert text.splitlines()[0] == "MLP(2-2-1)"
    assert "(layers.0): Linear(nin=2, nout=2, bias=True)" in text
    assert "(layers.3): Sigmoid()" in text
    assert text.endswith("[9 parameters]")


def test_values_a_layer_creates_carry_its_path_as_scope():
    model = nn.MLP(2, [3, 1], activation="sigmoid", seed=0)
    out = model(np.ones((1, 2)))
    scopes = {node.op: node.scope for node in al.backward_order(out) if node.op}
    assert scopes["affine"] in ("layers.0", "layers.2")
    assert scopes["sigmoid"] == "layers.1"
    assert out.scope == "layers.2"
    assert model.layers[0].weight.scope == "layers.0"   # parameters sit in their layer's scope
    outer = nn.Sequential(model)
    assert outer(np.ones((1, 2))).scope == "layers.0.layers.2"  # nesting extends the path
    scalar = nn.ScalarMLP(2, [2, 1], seed=0)
    assert scalar([1.0, 2.0]).scope == "layers.1.neurons.0"


def test_state_dict_round_trip_and_errors_name_the_problem():
    a, b = _model(0), _model(5)
    b.load_state_dict(a.state_dict())
    for (_, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert np.array_equal(pa.data, pb.data) and pa.data is not pb.data
    state = a.state_dict()
    state["layers.0.weight"][...] = 99.0   # the state is a copy
    assert not np.any(a.layers[0].weight.data == 99.0)
    with pytest.raises(KeyError, match=r"missing keys \['layers.3.bias'\]"):
        b.load_state_dict({k: v for k, v in state.items() if k != "layers.3.bias"})
    with pytest.raises(KeyError, match=r"unexpected keys \['extra'\]"):
        b.load_state_dict({**state, "extra": np.zeros(1)})
    with pytest.raises(ValueError, match=r"'layers.0.bias' has shape \(5,\), the model expects \(4,\)"):
        b.load_state_dict({**state, "layers.0.bias": np.zeros(5)})
    with pytest.raises(TypeError, match="'layers.0.bias' has dtype float32"):
        b.load_state_dict({**state, "layers.0.bias": np.zeros(4, dtype=np.float32)})
    before = b.layers[0].weight.data.copy()
    with pytest.raises(ValueError):
        b.load_state_dict({**state, "layers.3.bias": np.zeros(7)})
    assert np.array_equal(b.layers[0].weight.data, before)  # nothing changed on a failed load


def test_save_and_load_round_trip(tmp_path):
    a, b = _model(0), _model(9)
    path = tmp_path / "model.npz"
    a.save(path)
    assert b.load(path) is b
    x = np.random.default_rng(0).normal(size=(5, 3))
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(x).data, b(x).data)
    scalar, other = nn.ScalarMLP(2, [2, 1], seed=0), nn.ScalarMLP(2, [2, 1], seed=1)
    scalar.save(tmp_path / "scalar.npz")
    other.load(tmp_path / "scalar.npz")
    assert [p.data for p in other.parameters()] == [p.data for p in scalar.parameters()]
    assert all(type(p.data) is float for p in other.parameters())


def test_save_never_leaves_a_half_written_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    model = _model()
    model.save(path)
    original = path.read_bytes()

    def crash(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        _model(3).save(path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is gone too


class _Payload:
    """Unpickling this object would create a file: the proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_loading_a_file_that_would_run_code_on_unpickling_is_refused(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "evil.npz"
    payload = np.empty(1, dtype=object)
    payload[0] = _Payload(str(marker))
    np.savez(path, **{"layers.0.weight": payload})  # numpy pickles object arrays
    pickle.loads(pickle.dumps(_Payload(str(marker)))).close()
    assert marker.exists()  # the payload is live: unpickling it runs code
    marker.unlink()
    with pytest.raises(ValueError, match="refusing to unpickle"):
        _model().load(path)
    assert not marker.exists()


def test_loading_other_files_fails_clearly(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a .npz file"):
        _model().load(text)
    with pytest.raises(FileNotFoundError):
        _model().load(tmp_path / "missing.npz")
    other = tmp_path / "other.npz"
    nn.Linear(2, 2).save(other)
    with pytest.raises(KeyError, match="missing keys"):
        _model().load(other)


def test_astype_float32_converts_parameters_and_computation():
    model = nn.MLP(4, [8, 3], seed=0)
    reference = model(np.ones((2, 4))).data
    assert model.astype(np.float32) is model
    assert all(p.dtype == np.float32 for p in model.parameters())
    out = model(np.ones((2, 4)))          # float64 inputs follow the model's dtype
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, reference, rtol=1e-5)
    loss = nn.cross_entropy(out, [0, 2])
    loss.backward()
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    opt = nn.Adam(model.parameters())
    opt.step()
    assert all(p.dtype == np.float32 for p in model.parameters())
    with pytest.raises(TypeError, match="only floating dtypes"):
        model.astype(np.int32)


def test_a_plain_module_subclass_works():
    class Affine(nn.Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.inner = nn.Linear(1, 1, seed=0)

        def forward(self, x):
            return self.inner(x) * self.scale

    model = Affine()
    assert [n for n, _ in model.named_parameters()] == ["scale", "inner.weight", "inner.bias"]
    out = model(np.ones((1, 1)))
    assert out.shape == (1, 1)
    with pytest.raises(NotImplementedError, match="must define forward"):
        nn.Module()(1)
