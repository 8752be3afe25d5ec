"""A change to data that a recorded graph still needs is caught when the graph is differentiated,
however it was made: the data setter, an optimiser step, a write into the array `.data` handed out,
or a write through a view. Reading data never trips the check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
import nn
from autograd_lite.versions import DataChangedError


def _recorded(label="w", scope="model"):
    with ag.scope(scope):
        w = ag.Value(np.array([1.0, 2.0]), label=label)
        x = ag.Value(np.array([3.0, 4.0]), label="x")
        y = (w * x).sum()
    return w, x, y


def test_a_write_into_the_array_data_hands_out_is_caught_and_named():
    w, x, y = _recorded(label="w", scope="layer")
    w.data[...] = 0
    with pytest.raises(DataChangedError) as caught:
        y.backward()
    message = str(caught.value)
    assert "backward" in message and "'w'" in message and "scope 'layer'" in message
    assert "shape (2,)" in message and "op 'mul'" in message and "input 0" in message
    assert caught.value.value is w and caught.value.node.op == "mul"
    assert x._grad is None  # nothing half-written


@pytest.mark.parametrize("write", [
    lambda w: setattr(w, "data", w.numpy() - 1.0),   # an optimiser step: a new array
    lambda w: w.__setattr__("data", w.data - 1.0),
    lambda w: exec("w.data -= 1.0", {"w": w}),        # in place, then the setter
    lambda w: np.copyto(w.data, 7.0),
    lambda w: w.data.fill(0.0),
])
def test_every_way_of_writing_a_leaf_is_caught(write):
    w, x, y = _recorded()
    write(w)
    with pytest.raises(DataChangedError, match="'w'"):
        y.backward()


@pytest.mark.parametrize("differentiate", [
    lambda y, xs: y.backward(),
    lambda y, xs: ag.grad(y, xs),
    lambda y, xs: ag.grad(y, xs, create_graph=True),
    lambda y, xs: list(ag.chain_rule(y)),
])
def test_every_way_of_differentiating_checks(differentiate):
    w, x, y = _recorded()
    w.data = np.array([5.0, 5.0])
    with pytest.raises(DataChangedError):
        differentiate(y, (w, x))


def test_a_constant_input_changed_in_place_is_caught():
    w = ag.Value(np.array([1.0, 2.0]))
    x = ag.Value(np.array([3.0, 4.0]), requires_grad=False, label="x")
    y = (w * x).sum()
    x.data[0] = 100.0
    with pytest.raises(DataChangedError, match="'x'.*input 1"):
        y.backward()


def test_reading_data_between_forward_and_backward_is_not_a_change():
    w, x, y = _recorded()
    seen = (w.data.copy(), x.data.sum(), repr(w), w.numpy().max(), float(y.data))
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])
    assert seen[1] == 7.0


def test_changes_before_recording_are_fine_and_so_are_changes_after_differentiating():
    w = ag.Value(np.array([1.0, 2.0]))
    handle = w.data
    handle[...] = 5.0                      # before the graph exists
    y = (w * w).sum()
    y.backward()
    np.testing.assert_array_equal(w.grad, [10.0, 10.0])
    w.data = w.numpy() - 0.1 * w.grad      # the optimiser step, after backward
    z = (w * w).sum()                      # a new forward sees the new data
    w.zero_grad()
    z.backward()
    np.testing.assert_allclose(w.grad, [8.0, 8.0])


_VIEWS_OF_2x3 = [
    lambda w: w.reshape(6),
    lambda w: w.T,
    lambda w: w[0],
    lambda w: w[:, 1:],
    lambda w: w.broadcast_to((4, 2, 3)),
    lambda w: w.reshape(3, 2).T[1:],
]


@pytest.mark.parametrize("view", _VIEWS_OF_2x3)
def test_a_write_to_the_base_is_caught_where_its_views_were_used(view):
    w = ag.Value(np.arange(6.0).reshape(2, 3), label="w")
    v = view(w)
    y = (v * ag.Value(np.ones(v.shape))).sum()
    w.data -= 1.0  # in place: every view of w changed
    with pytest.raises(DataChangedError, match="'w'"):
        y.backward()


@pytest.mark.parametrize("view", _VIEWS_OF_2x3[:4] + _VIEWS_OF_2x3[5:])  # broadcast_to's view is read-only
def test_a_write_through_a_view_is_caught_where_the_base_was_used(view):
    w = ag.Value(np.arange(6.0).reshape(2, 3), label="w")
    y = (w * w).sum()
    v = view(w)
    assert np.shares_memory(v.numpy(), w.numpy())
    v.data[...] = 9.0
    with pytest.raises(DataChangedError, match="'w'"):
        y.backward()


def test_a_write_through_a_view_names_the_view_and_the_base():
    w = ag.Value(np.arange(6.0).reshape(2, 3), label="w")
    flat = w.reshape(6)
    flat.label = "flat"
    y = (w * w).sum() + (flat * 2.0).sum()
    flat.data[0] = 100.0                   # changes w's memory too: w's own consumers are stale
    with pytest.raises(DataChangedError) as caught:
        y.backward()
    assert "'w'" in str(caught.value) or "'flat'" in str(caught.value)


def test_an_optimiser_step_before_differentiating_a_retained_graph_is_caught():
    model = nn.Linear(3, 2, seed=0)
    x = np.ones((4, 3))
    loss = model(x).sum()
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    loss.backward()
    optimizer.step()                       # rewrites the parameters the graph read
    with pytest.raises(DataChangedError, match="op 'matmul'|op 'affine'|op 'add'"):
        loss.backward()


def test_numpy_is_a_read_only_view_for_parameters_and_constants():
    for requires_grad in (True, False):
        v = ag.Value(np.array([1.0, 2.0]), requires_grad=requires_grad)
        view = v.numpy()
        assert np.shares_memory(view, v.data) and not view.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            view[0] = 5.0
    assert ag.Value(2.0).numpy() == 2.0


def test_detach_shares_memory_read_only_and_assigning_gives_it_its_own():
    w = ag.Value(np.array([1.0, 2.0]))
    d = w.detach()
    assert not d.requires_grad and np.shares_memory(d.numpy(), w.numpy())
    with pytest.raises(ValueError, match="read-only"):
        d.data[0] = 3.0
    d.data = np.array([7.0, 8.0])
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


def test_views_made_under_no_grad_are_read_only():
    w = ag.Value(np.arange(6.0))
    with ag.no_grad():
        flat = w.reshape(2, 3)
        doubled = w * 2.0
    assert not flat.numpy().flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        flat.data[0, 0] = 1.0
    doubled.data[0] = 1.0  # not a view: its own array


def test_the_data_of_a_computed_value_cannot_be_assigned():
    w = ag.Value(np.array([1.0, 2.0]))
    h = w * 2.0
    with pytest.raises(AttributeError, match="computed by op 'mul'.*leaves"):
        h.data = np.zeros(2)


def test_the_data_setter_keeps_kind_and_shape_or_refuses():
    vector = ag.Value(np.array([1.0, 2.0], dtype=np.float32))
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(\)"):
        vector.data = 3
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        vector.data = np.zeros(3)
    vector.data = [5, 6]
    assert type(vector.data) is np.ndarray and vector.dtype == np.float32
    number = ag.Value(1.0)
    number.data = np.float32(2.5)
    assert type(number.data) is float and number.data == 2.5
    with pytest.raises(ValueError, match="holds a number"):
        number.data = np.zeros(2)
    zero_d = ag.Value(np.array(1.0))
    zero_d.data = 4.0
    assert type(zero_d.data) is np.ndarray and zero_d.shape == ()


# ----- the promise, over drawn graphs: a change is an error or made no difference ----------------------
_VIEWS = [lambda v: v.reshape(-1), lambda v: v.T, lambda v: v[1:], lambda v: v.broadcast_to((2, 3, 2))]
_OPS = [lambda a, b: a * b, lambda a, b: (a - b).sigmoid(), lambda a, b: a.exp() * b.tanh()]
_WRITES = ["setter", "in place", "through the handle", "none"]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_changed_graph_never_gives_a_silent_wrong_gradient(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    leaves = [ag.Value(rng.normal(size=(3, 2)), label=f"p{i}") for i in range(2)]
    view = data.draw(st.sampled_from(_VIEWS))
    views = [view(leaf) for leaf in leaves]
    combine = data.draw(st.sampled_from(_OPS))
    y = combine(views[0], views[1]).sum()
    target = data.draw(st.sampled_from(leaves + views))
    write = data.draw(st.sampled_from(_WRITES))
    expected = ag.grad(y, leaves)
    if write == "setter" and target.is_leaf:
        target.data = target.numpy() + 1.0
    elif write == "in place" and target.is_leaf:
        target.data += 1.0
    elif write == "through the handle":
        handle = target.data
        if handle.flags.writeable:
            handle[(0,) * handle.ndim] += 1.0
    try:
        got = ag.grad(y, leaves)
    except DataChangedError:
        return
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)
