"""The formula a learner sees is the derivative backward computes: each op's rule, read on symbols,
evaluates to the number the same rule gives on floats; and it prints as the tutorial writes it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Domain, Value
from autograd_lite import functional as F
from autograd_lite import symbols as S
from autograd_lite.ops import BUILTIN
from autograd_lite.testing import HypothesisDraw
from autograd_lite.viz import draw_graph, explain

#: the ops of scalar graphs: they take Python floats, and drawings and explain show their formulas
SCALAR_OPS = ["add", "sub", "mul", "div", "neg", "power", "exp", "log", "sqrt", "abs", "tanh", "sigmoid",
              "sin", "cos", "relu", "clip", "maximum", "minimum", "where"]


def _scalar_case(op, data):
    """Python-float inputs (and params) drawn from the op's own test domain."""
    domain, draw = op.domain, HypothesisDraw(data)
    arity = domain.arity
    shapes = ((),) * arity
    params = domain.params(draw, shapes) if domain.params else {}
    if "condition" in params:
        params["condition"] = draw.boolean()
    inputs = []
    for i in range(arity):
        low, high = domain.value_range(i)
        x = draw.floats(low, high)
        for p in domain.avoid:  # keep off kinks, as the property suite does
            if abs(x - p) < domain.margin:
                x = p + domain.margin if x >= p else p - domain.margin
        inputs.append(x)
    if domain.adjust:
        inputs = [float(a) for a in domain.adjust(tuple(np.asarray(x) for x in inputs), params)]
    return inputs, params


@pytest.mark.parametrize("name", SCALAR_OPS)
@given(data=st.data())
def test_the_symbolic_local_derivative_evaluates_to_the_numeric_rule(name, data):
    op = ag.get_op(name)
    inputs, params = _scalar_case(op, data)
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    node = op(*xs, **params)
    names = [S.symbol(f"x{i}") for i in range(len(xs))]
    formulas = S.local_derivatives(node, S.symbol("out"), names)
    values = {f"x{i}": x for i, x in enumerate(inputs)} | {"out": node.data}
    assert S.formula(node, names).evaluate(values) == pytest.approx(node.data, rel=1e-12, abs=1e-12)
    for argnum, formula in enumerate(formulas):
        assert formula is not None, f"{name}: its rule for input {argnum} has no formula"
        numeric = op.vjp(argnum, 1.0, node.data, inputs, node._params)
        assert formula.evaluate(values) == pytest.approx(float(numeric), rel=1e-12, abs=1e-12), S.text(formula)


def test_every_op_taking_floats_is_listed_here():
    takes_floats = set()
    for name, op in BUILTIN.items():
        arity = op.arity or 1
        try:
            op(*[Value(0.5)] * arity, **({"condition": True} if name == "where" else
                                        {"low": 0.0} if name == "clip" else {}))
        except (TypeError, ValueError):
            continue
        if name not in ("astype", "sum", "mean", "max", "min", "logsumexp", "sum_to", "reshape",
                        "transpose", "broadcast_to"):  # tensor-only rules: shape labels on edges
            takes_floats.add(name)
    assert takes_floats == set(SCALAR_OPS)


def _derivative(op_call, *names):
    xs = [Value(0.7, label=n) for n in names]
    node = op_call(*xs)
    node.label = "h"
    inputs = [S.symbol(p.label) if p.label else S.number(p.item()) for p in node.parents]  # constants as numbers
    return [S.text(f) for f in S.local_derivatives(node, S.symbol("h"), inputs) if f is not None]


def test_the_rules_print_as_the_tutorial_writes_them():
    assert _derivative(lambda z: z.sigmoid(), "z") == ["h(1 - h)"]   # equation 7's [1 - g] g
    assert _derivative(lambda a, b: a * b, "a", "b") == ["b", "a"]   # mul: the other factor
    assert _derivative(lambda z: z.relu(), "z") == ["[h > 0]"]       # relu: an indicator
    assert _derivative(lambda x: x.tanh(), "x") == ["1 - h²"]
    assert _derivative(lambda x: x.exp(), "x") == ["h"]
    assert _derivative(lambda x: x.log(), "x") == ["1/x"]
    assert _derivative(lambda a, b: a - b, "a", "b") == ["1", "-1"]
    assert _derivative(lambda x: x ** 3, "x") == ["3·x²"]
    assert _derivative(lambda x: x.clip(-1, 1), "x") == ["[x ≥ -1]·[x ≤ 1]"]


def test_by_default_a_node_and_its_inputs_are_written_with_their_labels():
    z = Value(0.3, label="z")
    h = z.sigmoid()
    h.label = "h"
    assert [S.text(f) for f in S.local_derivatives(h)] == ["h(1 - h)"] and S.text(S.formula(h)) == "σ(z)"
    y = Value(0.5) * 3.0  # unlabelled: out and x1; the constant is a number and takes no gradient
    assert [None if f is None else S.text(f) for f in S.local_derivatives(y)] == ["3", None]
    assert S.latex(S.local_derivatives(h)[0]) == r"h\left(1 - h\right)"


def test_tensor_only_rules_have_no_formula_and_keep_shape_labels():
    m = Value(np.ones((2, 3)), label="m")
    s = m.sum()
    assert S.local_derivatives(s, S.symbol("s"), [S.symbol("m")]) == (None,)


softplus = ag.op("softplus_for_tests", forward=lambda x: np.logaddexp(0.0, x),
                 grads=lambda g, out, x: g * F.sigmoid(x), domain=Domain(low=-4.0, high=4.0),
                 symbol="softplus", register=False)


def test_a_user_defined_op_shows_its_own_derivative_on_edges_and_in_explain():
    theta = Value(0.5, label="θ")
    J = softplus(theta * 2.0)
    J.label = "J"
    J.backward()
    source = draw_graph(J, local_grads=True).source
    assert 'xlabel="σ(in)"' in source              # d softplus(u)/du = σ(u): the unlabelled input is `in`
    text = str(explain(J, wrt=theta))
    assert "∂J/∂θ = σ(θ·2)·2" in text
    assert "J = softplus(θ·2)" in text
    assert float(re.search(r"= (-?\d\.\d+)   \(backward computes", text).group(1)) == pytest.approx(theta.grad,
                                                                                            abs=1e-4)
