"""In-place operators on Values: the optimiser step PyTorch users write, ``with no_grad(): p -= lr * g``.

Without them Python falls back to ``p = p - lr * g``, binding the loop variable to a new Value and
leaving the parameter unchanged, without a word. With them the leaf's own data changes (kind,
shape and dtype kept), the change is stamped like any write, and what cannot be right is refused.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import DataChangedError, Value


def test_an_optimiser_step_written_as_in_pytorch_moves_the_parameters_themselves():
    params = [Value(np.array([1.0, 2.0])), Value(np.ones((2, 2), dtype=np.float32)), Value(3.0)]
    before = [p.numpy().copy() for p in params]
    loss = (params[0] * params[0]).sum() + params[1].sum() + params[2] * params[2]
    loss.backward()
    with ag.no_grad():
        for p in params:
            p -= 0.1 * p.grad
    np.testing.assert_allclose(params[0].data, before[0] - 0.1 * 2 * before[0])
    np.testing.assert_allclose(params[1].data, before[1] - 0.1)
    assert params[1].dtype == np.float32
    assert type(params[2].data) is float and params[2].data == pytest.approx(3.0 - 0.6)


@pytest.mark.parametrize("symbol, update, expected", [
    ("+=", lambda v: v.__iadd__(2.0), [3.0, 4.0]),
    ("-=", lambda v: v.__isub__(np.array([1.0, 1.0])), [0.0, 1.0]),
    ("*=", lambda v: v.__imul__(Value(np.array([3.0, 0.5]))), [3.0, 1.0]),
    ("/=", lambda v: v.__itruediv__(4.0), [0.25, 0.5]),
])
def test_each_in_place_operator_updates_the_same_object_and_stamps_it(symbol, update, expected):
    v = Value(np.array([1.0, 2.0]))
    y = (v * 2.0).sum()
    with ag.no_grad():
        assert update(v) is v
    np.testing.assert_array_equal(v.data, expected)
    with pytest.raises(DataChangedError, match="was assigned"):
        y.backward()


def test_refused_while_recording_a_value_that_requires_grad_and_on_computed_values():
    w = Value(np.ones(2))
    with pytest.raises(RuntimeError, match=r"Value -=: this Value requires grad and recording is on.*no_grad"):
        w -= 1.0
    np.testing.assert_array_equal(w.data, [1.0, 1.0])
    h = w * 2.0
    with ag.no_grad(), pytest.raises(RuntimeError, match=r"computed by op 'mul'.*v = v \+ x"):
        h += 1.0
    c = Value(np.ones(2), requires_grad=False)  # a constant may change in place while recording
    c += 1.0
    np.testing.assert_array_equal(c.data, [2.0, 2.0])


def test_shape_kind_and_dtype_are_kept_or_the_update_is_refused():
    v = Value(np.ones((2, 3), dtype=np.float32))
    with ag.no_grad():
        v += np.arange(3.0)  # broadcast into v's shape; float64 operand, float32 kept
        assert v.dtype == np.float32 and v.shape == (2, 3)
        with pytest.raises(ValueError, match=r"Value \+=: cannot update data of shape \(2, 3\) and dtype float32"):
            v += np.ones((4, 3))
        s = Value(2.0)
        with pytest.raises(ValueError, match=r"holds a number; the operand has shape \(2,\)"):
            s += np.ones(2)
        assert s.data == 2.0


def test_a_view_of_the_updated_parameter_in_a_retained_graph_is_caught():
    w = Value(np.arange(6.0))
    y = (w.reshape(2, 3) * 2.0).sum()
    with ag.no_grad():
        w -= 1.0
    with pytest.raises(DataChangedError):
        y.backward()


def test_a_value_sharing_read_only_memory_gets_an_array_of_its_own():
    base = Value(np.ones(3))
    view = base.detach()  # shares base's memory, read-only
    view += 1.0
    np.testing.assert_array_equal(view.data, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(base.data, [1.0, 1.0, 1.0])
