"""Every built-in op's derivative rules against central differences, first and second order, and
the fast backward loop against the reference chain rule.

The suite enumerates a fixed list, `autograd_lite.ops.BUILTIN`, so what it tests does not depend
on which other modules were imported first; an op defined in `autograd_lite/ops` without being
listed there, or listed without a test domain, fails here.
"""

import importlib
import pkgutil

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
import autograd_lite.ops
from autograd_lite import Value
from autograd_lite.ops import BUILTIN
from autograd_lite.testing import check_first_order, check_second_order, draw_case

OPS = sorted(BUILTIN)


def test_every_op_defined_in_the_ops_package_is_in_the_fixed_list():
    defined = set()
    for info in pkgutil.iter_modules(autograd_lite.ops.__path__):
        module = importlib.import_module(f"autograd_lite.ops.{info.name}")
        defined |= {v.name for v in vars(module).values() if isinstance(v, ag.Op)}
    assert defined == set(BUILTIN)
    assert all(ag.get_op(name) is op for name, op in BUILTIN.items())


def test_every_op_has_a_test_domain():
    missing = [name for name, op in BUILTIN.items() if op.domain is None]
    assert not missing, f"ops without a test domain: {missing}"


def test_the_list_holds_the_documented_primitives():
    expected = {"add", "sub", "mul", "div", "neg", "power", "matmul", "exp", "log", "sqrt", "abs", "tanh",
                "sigmoid", "sin", "cos", "relu", "clip", "sum", "mean", "max", "min", "logsumexp", "softmax",
                "log_softmax", "reshape", "transpose", "getitem", "broadcast_to", "sum_to", "index_add",
                "maximum", "minimum", "where", "concatenate", "astype"}
    assert expected == set(OPS)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_first_derivative_matches_central_differences(name, data):
    check_first_order(ag.get_op(name), data)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_second_derivative_matches_central_differences(name, data):
    check_second_order(ag.get_op(name), data)


def reference_grads(root: Value) -> dict:
    """Every node's gradient by the reference loop, `chain_rule`."""
    return {node: g for node, g, _ in ag.chain_rule(root)}


def assert_identical(fast, reference) -> None:
    assert type(fast) is type(reference)
    if isinstance(fast, np.ndarray):
        assert fast.dtype == reference.dtype and np.array_equal(fast, reference)
    else:
        assert fast == reference


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_the_fast_loop_gives_what_the_reference_chain_rule_gives(name, data):
    op = ag.get_op(name)
    inputs, params = draw_case(op, data)
    values = [Value(x) for x in inputs]
    out = op(*values, **params)
    root = (out * np.random.default_rng(0).uniform(-1, 1, size=out.shape)).sum()
    reference = reference_grads(root)
    root.backward()
    for node in ag.topological_order(root):
        assert_identical(node.grad, reference[node])


def _broadcastable(*shapes) -> bool:
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


def _random_graph(data) -> Value:
    """A graph of shared tensors and floats through ops drawn from the whole registry."""
    pick = lambda options: data.draw(st.sampled_from(options))  # noqa: E731
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16)))
    nodes = [Value(rng.uniform(0.5, 1.5, size=(2, 3)), label="A"), Value(rng.uniform(0.5, 1.5, size=3)),
             Value(float(rng.uniform(0.5, 1.5)))]
    steps = [
        lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (1.0 + b * b),
        lambda a, b: (a * a + 0.5) ** b.sigmoid(), lambda a, b: ag.maximum(a, b), lambda a, b: ag.minimum(a, b),
        lambda a, b: ag.where(np.asarray(a.data) > 0.7, a, b), lambda a, b: -a.tanh(), lambda a, b: a.exp() * 0.1,
        lambda a, b: (a * a + 1.0).log(), lambda a, b: (a * a + 0.1).sqrt(), lambda a, b: abs(a - 0.9),
        lambda a, b: a.relu(), lambda a, b: a.clip(0.6, 1.2),
        lambda a, b: a.sum(axis=-1, keepdims=True) if a.ndim else a, lambda a, b: a.mean() + b,
        lambda a, b: a.max(axis=0) if a.ndim == 2 else a, lambda a, b: a.logsumexp(axis=-1) if a.ndim else a,
        lambda a, b: a.softmax(axis=-1) if a.ndim else a, lambda a, b: a.log_softmax(axis=0) if a.ndim else a,
        lambda a, b: a.reshape(3, 2).T if a.shape == (2, 3) else a, lambda a, b: a[..., ::2] if a.ndim else a,
        lambda a, b: a.broadcast_to((2, 3)) if a.shape in ((3,), (1, 3)) else a,
        lambda a, b: a @ nodes[1] if a.ndim and a.shape[-1] == 3 else a,
        lambda a, b: ag.concatenate([a, a * 2.0], axis=-1) if a.ndim else a, lambda a, b: a.astype(np.float64),
    ]
    for _ in range(data.draw(st.integers(2, 10))):
        a = pick(nodes)
        out = pick(steps)(a, pick([b for b in nodes if _broadcastable(a.shape, b.shape)]))
        nodes.append(out if _broadcastable(out.shape, (2, 3)) else out.sum())  # keep every node combinable
    return sum((v.sum() for v in nodes[3:] if v.requires_grad), nodes[0].sum())


@given(data=st.data())
def test_the_fast_loop_and_the_reference_agree_on_random_graphs(data):
    root = _random_graph(data)
    reference = reference_grads(root)
    root.backward()
    for node in ag.topological_order(root):
        assert_identical(node.grad, reference[node])
