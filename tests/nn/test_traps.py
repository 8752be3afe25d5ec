"""nn's traps: frozen and gradient-less parameters, duplicates, dict sub-modules, dropout's dtype, file modes."""

import os
import re
import stat

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as al
import nn
from autograd_lite import Value

OPTIMISERS = {
    "sgd": lambda ps: nn.SGD(ps, lr=0.1),
    "sgd+momentum+decay": lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
    "adam": lambda ps: nn.Adam(ps, lr=0.05),
    "adam+decay": lambda ps: nn.Adam(ps, lr=0.05, weight_decay=0.1, schedule=nn.optim.schedules.exponential_decay(0.9)),
}


def _squared_distance_step(opt, params, targets):
    """One step on the sum of (p - t)²; frozen parameters are in the graph, but backward skips them."""
    opt.zero_grad()
    loss = sum(((p - t) * (p - t)).sum() for p, t in zip(params, targets, strict=True))
    if isinstance(loss, Value) and loss.requires_grad:
        loss.backward()
    opt.step()


def _copy(p):
    data = p.data if type(p.data) is float else p.data.copy()
    return Value(data, requires_grad=p.requires_grad)


# ----- frozen and gradient-less parameters ----------------------------------------------------------
@pytest.mark.parametrize("make", OPTIMISERS.values(), ids=OPTIMISERS.keys())
def test_a_parameter_frozen_after_some_steps_stays_where_it_is(make):
    W, b = Value(np.array([1.0, -2.0, 3.0])), Value(0.5)
    opt = make([W, b])
    for _ in range(3):   # momentum, moments and velocity build up
        _squared_distance_step(opt, [W, b], [np.zeros(3), 0.0])
    W.requires_grad = b.requires_grad = False
    frozen_w, frozen_b = W.data.copy(), b.data
    for _ in range(3):
        _squared_distance_step(opt, [W, b], [np.zeros(3), 0.0])
    np.testing.assert_array_equal(W.data, frozen_w)
    assert b.data == frozen_b


@pytest.mark.parametrize("make", OPTIMISERS.values(), ids=OPTIMISERS.keys())
def test_a_parameter_frozen_while_it_holds_a_gradient_is_not_moved_by_it(make):
    W = Value(np.array([1.0, -2.0]))
    opt = make([W])
    (W * W).sum().backward()
    W.requires_grad = False          # frozen before the step, its last gradient still there
    before = W.data.copy()
    opt.step()
    np.testing.assert_array_equal(W.data, before)


@pytest.mark.parametrize("make", OPTIMISERS.values(), ids=OPTIMISERS.keys())
def test_a_parameter_no_backward_reached_since_zero_grad_is_not_moved(make):
    used, unused = Value(np.array([1.0, 2.0])), Value(np.array([3.0, -4.0]))
    opt = make([used, unused])
    for _ in range(2):   # both get gradients, momentum and moments
        opt.zero_grad()
        ((used * unused) * (used * unused)).sum().backward()
        opt.step()
    before = unused.data.copy()
    for _ in range(3):   # now only `used` is in the loss
        opt.zero_grad()
        (used * used).sum().backward()
        opt.step()
    np.testing.assert_array_equal(unused.data, before)


@given(status=st.lists(st.sampled_from(["trained", "frozen", "unused"]), min_size=2, max_size=4),
       name=st.sampled_from(sorted(OPTIMISERS)), steps=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_skipped_parameters_change_nothing_for_the_others(status, name, steps, seed):
    """An optimiser over all parameters moves the trained ones exactly as one over those alone."""
    rng = np.random.default_rng(seed)
    params = [Value(rng.normal(size=3)) if i % 2 else Value(float(rng.normal())) for i in range(len(status))]
    targets = [np.zeros(p.shape) if p.ndim else 0.0 for p in params]
    for p, s in zip(params, status, strict=True):
        p.requires_grad = s != "frozen"
    twins = [_copy(p) for p in params]
    everything = OPTIMISERS[name](params)
    trained_twins = [t for t, s in zip(twins, status, strict=True) if s == "trained"]
    alone = OPTIMISERS[name](trained_twins) if trained_twins else None
    start = [_copy(p) for p in params]
    in_loss = [i for i, s in enumerate(status) if s != "unused"]
    trained = [i for i, s in enumerate(status) if s == "trained"]
    for _ in range(steps):
        _squared_distance_step(everything, [params[i] for i in in_loss], [targets[i] for i in in_loss])
        if alone is not None:
            _squared_distance_step(alone, trained_twins, [targets[i] for i in trained])
    for p, twin, first, s in zip(params, twins, start, status, strict=True):
        np.testing.assert_array_equal(p.data, (twin if s == "trained" else first).data)


@given(frozen_steps=st.integers(1, 30), lr=st.floats(1e-3, 1e-1), grad=st.floats(0.1, 10.0))
def test_adam_treats_a_parameter_unfrozen_late_like_a_fresh_one(frozen_steps, lr, grad):
    """Bias correction counts a parameter's own updates (as PyTorch's per-parameter step does)."""
    early, late, fresh = Value(np.zeros(2)), Value(np.zeros(2)), Value(np.zeros(2))
    opt = nn.Adam([early, late], lr=lr)
    late.requires_grad = False
    for _ in range(frozen_steps):
        opt.zero_grad()
        (early * grad).sum().backward()
        opt.step()
    late.requires_grad = True
    reference = nn.Adam([fresh], lr=lr)
    for _ in range(3):
        for o, p in ((opt, late), (reference, fresh)):
            o.zero_grad()
            (p * grad).sum().backward()
            o.step()
        np.testing.assert_allclose(late.data, fresh.data, rtol=1e-12)


def test_adam_state_keeps_each_parameters_own_count(tmp_path):
    a, b = Value(np.zeros(2)), Value(np.zeros(2))
    opt = nn.Adam([a, b], lr=0.1)
    b.requires_grad = False
    for _ in range(3):
        opt.zero_grad()
        a.sum().backward()
        opt.step()
    b.requires_grad = True
    opt.save(tmp_path / "adam.npz")
    resumed = nn.Adam([_copy(a), _copy(b)], lr=0.1).load(tmp_path / "adam.npz")
    assert resumed.updates == [3, 0]
    old_file = {k: v for k, v in opt.state_dict().items() if k != "updates"}   # saved before the counts
    assert nn.Adam([a, b], lr=0.1).load_state_dict(old_file).updates == [3, 0]
    with pytest.raises(ValueError, match=r"Adam.load_state_dict: 'updates' must hold 2 counts"):
        nn.Adam([a, b], lr=0.1).load_state_dict({**opt.state_dict(), "updates": np.array([1])})


@pytest.mark.parametrize("make", OPTIMISERS.values(), ids=OPTIMISERS.keys())
def test_a_step_updates_in_place_and_a_graph_from_before_refuses_to_differentiate(make):
    W = Value(np.ones(4))
    array, kept = W.numpy(), W.numpy().copy()
    opt = make([W])
    loss = None
    for _ in range(2):
        opt.zero_grad()
        loss = (W * W).sum()
        loss.backward()
        opt.step()
    assert np.shares_memory(W.numpy(), array)   # the same memory, moved on
    np.testing.assert_array_equal(array, W.numpy())   # a view sees the new data (as in PyTorch)...
    np.testing.assert_array_equal(kept, np.ones(4))   # ...a copy keeps the old
    assert np.all(W.numpy() < 1)
    with pytest.raises(al.DataChangedError, match=r"op 'mul'"):   # the graph saw W before the step
        loss.backward()


# ----- the same parameter twice -------------------------------------------------------------------
@pytest.mark.parametrize("make", [nn.SGD, nn.Adam])
def test_an_optimiser_refuses_the_same_parameter_twice(make):
    W, b = Value(np.ones(2)), Value(0.0)
    with pytest.raises(ValueError, match=f"{make.__name__}: parameter 2 is the same Value as parameter 0"):
        make([W, b, W], lr=0.1)
    model = nn.Sequential(nn.Linear(2, 2, seed=0), nn.Linear(2, 2, seed=1))
    with pytest.raises(ValueError, match="parameter 4 is the same Value as parameter 0"):
        make(model.parameters() + model.layers[0].parameters(), lr=0.1)


# ----- sub-modules held in dicts, tuples and nested containers ---------------------------------------
class _Blocks(nn.Module):
    def __init__(self):
        self.blocks = {"encoder": nn.Linear(2, 3, seed=0), "decoder": nn.Linear(3, 1, seed=1)}
        self.config = {"width": 3, 7: "not a module"}   # a dict without modules: left alone

    def forward(self, x):
        return self.blocks["decoder"](self.blocks["encoder"](x))


def test_modules_in_a_dict_are_registered_under_their_keys(tmp_path):
    model = _Blocks()
    names = ["blocks.encoder.weight", "blocks.encoder.bias", "blocks.decoder.weight", "blocks.decoder.bias"]
    assert [n for n, _ in model.named_parameters()] == names
    assert list(model.state_dict()) == names
    assert model.num_parameters() == 2 * 3 + 3 + 3 * 1 + 1
    out = model(np.ones((1, 2)))
    assert out.scope == "blocks.decoder"
    assert model.blocks["encoder"].weight.scope == "blocks.encoder"
    assert "(blocks.encoder): Linear(nin=2, nout=3, bias=True)" in repr(model)
    assert all(not m.training for _, m in model.eval().named_modules())
    model.save(tmp_path / "blocks.npz")
    other = _Blocks()
    other.blocks["encoder"].weight.data = np.zeros((2, 3))
    other.load(tmp_path / "blocks.npz")
    np.testing.assert_array_equal(other.blocks["encoder"].weight.data, model.blocks["encoder"].weight.data)


def test_modules_in_tuples_and_nested_containers_are_registered():
    class Nested(nn.Module):
        def __init__(self):
            self.pair = (nn.Linear(1, 1, seed=0), Value(2.0))
            self.stages = [[nn.Linear(1, 1, seed=1)], {"head": (nn.Linear(1, 1, seed=2),)}]

        def forward(self, x):
            return x

    model = Nested()
    assert [n for n, _ in model.named_parameters()] == [
        "pair.0.weight", "pair.0.bias", "pair.1", "stages.0.0.weight", "stages.0.0.bias",
        "stages.1.head.0.weight", "stages.1.head.0.bias"]
    assert model.stages[1]["head"][0]._scope_name == "stages.1.head.0"


def test_a_dict_added_to_after_assignment_is_still_found():
    class Growing(nn.Module):
        def __init__(self):
            self.blocks = {}
            self.blocks["a"] = nn.Linear(1, 1, seed=0)

    assert [n for n, _ in Growing().named_parameters()] == ["blocks.a.weight", "blocks.a.bias"]


@pytest.mark.parametrize("key", [1, "a.b", ""])
def test_a_dict_of_modules_with_a_key_that_cannot_name_them_is_refused(key):
    class Bad(nn.Module):
        def __init__(self):
            self.blocks = {key: nn.Linear(1, 1)}

    with pytest.raises(ValueError, match=rf"Bad\.blocks: the key {key!r} .* a non-empty string without '\.'"):
        Bad()


# ----- dropout keeps the input's dtype and kind ----------------------------------------------------
@given(dtype=st.sampled_from([np.float16, np.float32, np.float64]), shape=st.sampled_from([(), (3,), (4, 5)]),
       p=st.floats(0.1, 0.9), seed=st.integers(0, 2**16))
def test_dropout_keeps_the_dtype_of_arrays_and_their_gradients(dtype, shape, p, seed):
    x = Value(np.ones(shape, dtype=dtype))
    out = nn.Dropout(p, seed=seed)(x)
    assert out.dtype == dtype and out.shape == shape
    out.sum().backward()
    assert x.grad.dtype == dtype
    kept = out.data != 0
    np.testing.assert_allclose(out.data[kept], np.asarray(1 / (1 - p), dtype=dtype))


def test_dropout_keeps_a_float_value_a_float():
    outputs = [nn.Dropout(0.5, seed=s)(Value(3.0)) for s in range(20)]
    assert all(type(out.data) is float for out in outputs)
    assert {out.data for out in outputs} == {0.0, 6.0}


def test_dropout_gives_a_value_for_a_plain_array_in_both_modes():
    drop = nn.Dropout(0.5, seed=0)
    x = np.ones((2, 3), dtype=np.float32)
    for mode in (True, False):
        out = drop.train(mode)(x)
        assert isinstance(out, Value) and out.dtype == np.float32 and not out.requires_grad


# ----- saving files ---------------------------------------------------------------------------------
@pytest.fixture
def umask():
    """Set the process umask for one test, and put the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_saved_files_follow_the_umask(tmp_path, umask, mask):
    umask(mask)
    model, opt_path, model_path = nn.Linear(2, 2, seed=0), tmp_path / "opt.npz", tmp_path / "model.npz"
    model.save(model_path)
    nn.SGD(model.parameters(), lr=0.1).save(opt_path)
    for path in (model_path, opt_path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~mask


def test_an_error_while_saving_names_the_users_path(tmp_path, monkeypatch):
    missing = tmp_path / "no-such-folder" / "model.npz"
    with pytest.raises(FileNotFoundError, match="save:.*no-such-folder") as info:
        nn.Linear(1, 1).save(missing)
    assert ".tmp" not in str(info.value)
    folder = tmp_path / "taken"
    folder.mkdir()
    with pytest.raises(OSError, match=re.escape(f"save: could not write {str(folder)!r}")) as info:
        nn.Linear(1, 1).save(folder)   # a directory is in the way of the rename
    assert ".tmp" not in str(info.value)

    def crash(file, **arrays):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", crash)
    path = tmp_path / "model.npz"
    with pytest.raises(OSError, match=re.escape(f"save: could not write {str(path)!r}: No space left on device")):
        nn.Linear(1, 1).save(path)
    assert os.listdir(tmp_path) == ["taken"]   # no temporary file is left behind


def test_scope_names_reach_dict_modules_in_the_graph():
    model = _Blocks()
    out = model(np.ones((1, 2)))
    scopes = {node.scope for node in al.backward_order(out) if node.op}
    assert scopes == {"blocks.encoder", "blocks.decoder"}
