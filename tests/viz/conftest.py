"""Graphs the visualizer tests share: the tutorial's sigmoid unit (section 5) and 2-2-1 network (section 7)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from autograd_lite import Value


def build_sigmoid_unit(t1: float = 0.5, t2: float = -0.3, b: float = 0.1, x1: float = 1.5, x2: float = 2.0,
                       y: float = 1.0) -> SimpleNamespace:
    """J = (g(θ1 x1 + θ2 x2 + b) - y)², every Value labelled as in the tutorial."""
    theta1, theta2, bias = Value(t1, label="θ1"), Value(t2, label="θ2"), Value(b, label="b")
    in1, in2 = Value(x1, requires_grad=False, label="x1"), Value(x2, requires_grad=False, label="x2")
    target = Value(y, requires_grad=False, label="y")
    z = theta1 * in1 + theta2 * in2 + bias
    z.label = "z"
    h = z.sigmoid()
    h.label = "h"
    J = (h - target) ** 2
    J.label = "J"
    g = 1 / (1 + math.exp(-(t1 * x1 + t2 * x2 + b)))
    return SimpleNamespace(J=J, h=h, z=z, t1=theta1, t2=theta2, b=bias, x1=in1, x2=in2, y=target, g=g,
                           equation_7=2 * (g - y) * (1 - g) * g * x1,
                           equation_9=2 * (g - y) * (1 - g) * g * x2,
                           equation_10=2 * (g - y) * (1 - g) * g)


def build_network(**numbers: float) -> SimpleNamespace:
    """The 2-2-1 network of section 7 from scalar Values: h = g(ω1 h1 + ω2 h2 + c) (`numbers` replace
    parameters' values by label, e.g. ``build_network(θ1=2.5)``)."""
    start = {"θ1": 0.5, "θ2": -0.4, "θ3": 0.3, "θ4": 0.8, "b1": 0.1, "b2": -0.2, "ω1": 1.2, "ω2": -0.7, "c": 0.05}
    p = {name: Value(v, label=name) for name, v in (start | numbers).items()}
    x1, x2 = Value(1.0, requires_grad=False, label="x1"), Value(2.0, requires_grad=False, label="x2")
    y = Value(1.0, requires_grad=False, label="y")
    h1 = (p["θ1"] * x1 + p["θ2"] * x2 + p["b1"]).sigmoid()
    h1.label = "h1"
    h2 = (p["θ3"] * x1 + p["θ4"] * x2 + p["b2"]).sigmoid()
    h2.label = "h2"
    h = (p["ω1"] * h1 + p["ω2"] * h2 + p["c"]).sigmoid()
    h.label = "h"
    J = (h - y) ** 2
    J.label = "J"
    return SimpleNamespace(J=J, h=h, h1=h1, h2=h2, x1=x1, x2=x2, y=y, params=p)


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """Simulate a machine without Graphviz: `dot` is not on the PATH."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture
def unit() -> SimpleNamespace:
    return build_sigmoid_unit()


@pytest.fixture
def network() -> SimpleNamespace:
    return build_network()


def random_scalar_graph(data, max_ops: int = 8) -> Value:
    """A random scalar expression graph drawn with hypothesis: shared inputs, constants, mixed ops.

    Leaf ``a0`` always requires grad and feeds the root, so backward has work to do.
    """
    from hypothesis import strategies as st

    number = st.floats(-2, 2, allow_nan=False, allow_infinity=False)
    nodes = [Value(data.draw(number), label="a0")]
    for i in range(1, data.draw(st.integers(1, 4))):
        nodes.append(Value(data.draw(number), requires_grad=data.draw(st.booleans()), label=f"a{i}"))
    for _ in range(data.draw(st.integers(1, max_ops))):
        kind = data.draw(st.sampled_from(["add", "sub", "mul", "tanh", "sigmoid", "neg", "square", "scale", "div"]))
        a, b = data.draw(st.sampled_from(nodes)), data.draw(st.sampled_from(nodes))
        if kind == "add":
            out = a + b
        elif kind == "sub":
            out = a - b
        elif kind == "mul":
            out = a * b
        elif kind == "tanh":
            out = a.tanh()
        elif kind == "sigmoid":
            out = a.sigmoid()
        elif kind == "neg":
            out = -a
        elif kind == "square":
            out = a ** 2
        elif kind == "scale":
            out = 0.5 * a
        else:
            out = a / (1.0 + b * b)
        nodes.append(out)
    return nodes[-1] + nodes[0]


@pytest.fixture(scope="session")
def scalar_graph():
    """`random_scalar_graph`, as a fixture usable from @given tests (it holds no state)."""
    return random_scalar_graph


@pytest.fixture(scope="session")
def make_network():
    """`build_network`, for tests that rebuild the network from other numbers."""
    return build_network


@pytest.fixture(scope="session")
def make_unit():
    """`build_sigmoid_unit`, for @given tests that draw the unit's numbers."""
    return build_sigmoid_unit


def reachable_values(root: Value) -> set[Value]:
    """Every Value `root` depends on: the tests' own traversal, independent of the one in viz."""
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(v.parents)
    return seen


@pytest.fixture(scope="session")
def reachable():
    return reachable_values
