"""explain: the sum over paths of products of local derivatives, equal to equation 7 and to backward."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite import symbols as S
from autograd_lite.viz import explain

finite = st.floats(-2, 2, allow_nan=False)


@given(finite, finite, finite, finite, finite, st.sampled_from([0.0, 1.0]))
def test_sigmoid_unit_explanation_equals_equations_7_9_10(make_unit, t1, t2, b, x1, x2, y):
    unit = make_unit(t1, t2, b, x1, x2, y)
    for wrt, equation in ((unit.t1, unit.equation_7), (unit.t2, unit.equation_9), (unit.b, unit.equation_10)):
        e = explain(unit.J, wrt=wrt)
        assert e.path_count == 1 and len(e.paths) == 1 and not e.factored
        assert e.path_sum == pytest.approx(equation, rel=1e-12, abs=1e-15)
        assert e.value == pytest.approx(equation, rel=1e-12, abs=1e-15)
        assert e.paths[0].product == pytest.approx(math.prod(e.paths[0].values), rel=1e-12, abs=1e-300)


def test_sigmoid_unit_explanation_reads_as_equation_7(unit):
    text = str(explain(unit.J, wrt=unit.t1))
    # equation 7: Δθ1 = 2[g - y][1 - g] g x1, with h = g(θ1 x1 + θ2 x2 + b)
    assert "∂J/∂θ1 = 2(h - y)·h(1 - h)·x1" in text
    assert "path 1: J → h - y → h → z → θ1·x1 + θ2·x2 → θ1·x1 → θ1" in text
    assert "h = σ(z)" in text and "z = θ1·x1 + θ2·x2 + b" in text
    backward = f"{unit.equation_7:.4f}"
    assert f"= {backward}   (backward computes {backward})" in text
    latex = explain(unit.J, wrt=unit.t1)._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$")
    assert r"\frac{\partial J}{\partial \theta_{1}}" in latex
    assert r"h\left(1 - h\right)" in latex and r"x_{1}" in latex


def test_unlabelled_graphs_are_written_with_inline_formulas():
    t = Value(0.3)
    J = (t * 2.0).sigmoid() ** 2
    e = explain(J, wrt=t)
    assert "∂(σ(u1·2)²)/∂u1 = 2·σ(u1·2)·σ(u1·2)·(1 - σ(u1·2))·2" in str(e)
    assert "where u1 = 0.3000 (parameter)" in str(e)
    assert e.value == pytest.approx(ag.grad(J, t)[0])
    a = Value(0.3)
    long = (a * 1.5 + a * a * 0.25 + 3.0 * a).tanh()  # too long to inline: named, and defined under "where"
    factored = str(explain(long, wrt=a, max_paths=2))
    assert "∂(tanh(u2))/∂u1 = " in factored and "u2 = u1·1.5 + u1·u1·0.25 + 3·u1 = " in factored


@given(st.floats(-2, 2, allow_nan=False))
def test_shared_subexpressions_sum_every_path(a0):
    a = Value(a0, label="a")
    b = a * a
    b.label = "b"
    c = b + a
    c.label = "c"
    d = c * b
    d.label = "d"
    e = explain(d, wrt=a)
    # d→c→a, d→c→b→a twice (b = a·a uses a twice), d→b→a twice
    assert e.path_count == 5 and len(e.paths) == 5
    assert sorted(len(p.edges) for p in e.paths) == [2, 2, 2, 3, 3]
    expected = 4 * a0 ** 3 + 3 * a0 ** 2  # d = a⁴ + a³
    assert e.path_sum == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert e.value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert sum(p.product for p in e.paths) == pytest.approx(e.value, rel=1e-12, abs=1e-12)
    text = str(e)
    assert "(5 paths)" in text and "path 5:" in text
    assert "∂d/∂a = b·a + b·a + b + c·a + c·a" in text
    assert "path 1: d → c → b → a (input 1 of b)" in text and "path 2: d → c → b → a (input 2 of b)" in text


def test_past_max_paths_it_factors_shared_sub_paths():
    a = Value(1.1, label="a")
    x = a
    for _ in range(6):
        x = x * x  # every squaring doubles the number of paths: 2**6 = 64
    x.label = "out"
    e = explain(x, wrt=a, max_paths=16)
    assert e.factored and e.paths == [] and e.path_count == 64
    text = str(e)
    assert "64 paths" in text and "max_paths=16" in text and "factors" in text
    assert e.path_sum == pytest.approx(ag.grad(x, a)[0], rel=1e-12)
    assert e.path_sum == pytest.approx(64 * 1.1 ** 63, rel=1e-12)
    full = explain(x, wrt=a, max_paths=64)
    assert not full.factored and len(full.paths) == 64
    assert full.path_sum == pytest.approx(e.value, rel=1e-12)
    assert r"\frac" in e._repr_latex_()


def test_explain_says_when_there_is_no_path_and_refuses_tensors():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    out = a * 3.0
    e = explain(out, wrt=b)
    assert e.value == 0.0 and e.path_count == 0 and "does not depend on b" in str(e)
    m = Value(np.ones(3), label="m")
    with pytest.raises(ValueError, match="scalar graphs"):
        explain((m * a).sum(), wrt=a)
    with pytest.raises(ValueError, match="does not require grad"):
        explain(out, wrt=Value(1.0, requires_grad=False))


# ----- scale: long chains and explosions of paths ------------------------------------------------------
CHAIN_STEPS = {"mul": lambda v: v * 1.1, "tanh": lambda v: v.tanh(), "add": lambda v: v + 0.2,
               "sigmoid": lambda v: v.sigmoid(), "neg": lambda v: -v, "div": lambda v: 1.0 / (v + 3.0),
               "square": lambda v: v ** 2, "sub": lambda v: 0.5 - v, "exp": lambda v: (v * 0.1).exp()}


def _chain(kinds: list[str]) -> tuple[Value, Value]:
    """x followed by one op per kind: a single path from the root down to x, one edge per op."""
    x = Value(0.3, label="x")
    y = x
    for kind in kinds:
        y = CHAIN_STEPS[kind](y)
    y.label = "out"
    return x, y


class _deep_recursion:
    """Room for symbols' recursive printer, so a test can print a deep formula the reference way."""

    def __enter__(self):
        self.limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(self.limit, 20_000))

    def __exit__(self, *exc):
        sys.setrecursionlimit(self.limit)


@pytest.mark.parametrize("n", [200, 2000])
def test_a_long_chain_is_explained_one_path_long(n):
    x, out = _chain(["mul", "tanh", "add", "sigmoid"] * (n // 4))
    e = explain(out, wrt=x)
    assert e.path_count == 1 and not e.factored and len(e.paths[0].edges) == n
    assert e.path_sum == pytest.approx(e.value, rel=1e-9, abs=1e-300)
    text, latex = str(e), e._repr_latex_()
    with _deep_recursion():  # the sum's formula is the path's product, written as symbols writes it
        assert f"∂out/∂x = {S.text(e.paths[0].expression)}\n" in text
        assert S.latex(e.paths[0].expression) in latex


@given(st.lists(st.sampled_from(sorted(CHAIN_STEPS)), min_size=1, max_size=120))
def test_any_chain_is_written_as_symbols_write_its_product(kinds):
    x, out = _chain(kinds)
    e = explain(out, wrt=x)
    assert e.path_sum == pytest.approx(e.value, rel=1e-9, abs=1e-12)
    with _deep_recursion():
        assert f"∂out/∂x = {S.text(e.paths[0].expression)}\n" in str(e)
        assert S.latex(e.paths[0].expression) in e._repr_latex_()


def _diamonds(levels: int, left: float = 0.5, right: float = 0.5) -> tuple[Value, Value]:
    """x → (c·left, c·right) → their sum → ...: each level doubles the paths, 2**levels in all."""
    x = Value(0.5, label="x")
    c = x
    for _ in range(levels):
        c = c * left + c * right
    c.label = "out"
    return x, c


@pytest.mark.parametrize("levels, count", [(200, "1.6 × 10^60"), (2000, "1.1 × 10^602")])
def test_an_explosion_of_paths_is_counted_in_powers_of_ten_and_factored(levels, count):
    x, out = _diamonds(levels)
    e = explain(out, wrt=x)
    assert e.factored and e.paths == [] and e.path_count == 2 ** levels
    text = str(e)
    assert f"about {count} paths lead from out down to x" in text
    assert "pass a larger max_paths" not in text  # no max_paths would make that many readable
    assert e.path_sum == pytest.approx(1.0, rel=1e-9) and e.value == pytest.approx(1.0, rel=1e-9)


def test_explain_lists_paths_only_while_the_listing_stays_small():
    x, out = _diamonds(14, 2.0, 3.0)  # 16,384 paths of 28 edges: 458,752 local derivatives to write out
    e = explain(out, wrt=x, max_paths=10 ** 6)
    assert e.factored and e.paths == [] and e.path_count == 2 ** 14
    assert "458,752 local derivatives" in str(e) and "more than explain writes out" in str(e)
    assert e.path_sum == pytest.approx(5.0 ** 14, rel=1e-12)
    x, out = _chain(["mul", "tanh"] * 6000)  # one path, but 12,000 factors long
    e = explain(out, wrt=x)
    assert e.factored and e.path_count == 1 and "12,000 local derivatives" in str(e)
    assert e.path_sum == pytest.approx(e.value, rel=1e-9, abs=1e-300)




@given(finite, finite, finite, finite, finite, st.booleans())
def test_every_symbol_the_derivation_writes_is_defined_under_where(t1, t2, b, x1, x2, labelled_inputs):
    # numbers for inputs (02's movie ratings) or labelled inputs (12's x1, x2): θ2 appears in the formulas
    # of nodes off θ1's path, and must still be defined
    p1, p2, bias = Value(t1, label="θ1"), Value(t2, label="θ2"), Value(b, label="b")
    if labelled_inputs:
        in1, in2 = Value(x1, requires_grad=False, label="x1"), Value(x2, requires_grad=False, label="x2")
    else:
        in1, in2 = x1, x2
    h = (p1 * in1 + p2 * in2 + bias).sigmoid()
    h.label = "h"
    J = (h - 1.0) ** 2
    J.label = "J"
    for wrt in (p1, p2, bias):
        text = str(explain(J, wrt=wrt))
        defined = {line.strip().removeprefix("where ").split(" ")[0] for line in text.split("\nwhere ")[1].splitlines()}
        written = {name for name in ("θ1", "θ2", "b", "x1", "x2", "h", "J") if name in text.split("\nwhere ")[0]}
        assert written <= defined, (written - defined, text)
        assert ("σ" in defined) == ("σ(" in text)   # the op symbol too, wherever a formula uses it


def test_the_factored_form_defines_its_symbols_too():
    a = Value(0.3, label="a")
    c = Value(0.7, label="c")
    x = a
    for _ in range(6):
        x = x * c + x  # every level doubles the paths from the top down to a
    x.label = "top"
    text = str(explain(x, wrt=a, max_paths=4))
    assert "backprop factors them" in text
    defined = {line.strip().removeprefix("where ").split(" ")[0] for line in text.split("\nwhere ")[1].splitlines()}
    assert {"a", "c", "top"} <= defined


def test_latex_partials_keep_their_parentheses_and_plain_text_is_the_derivation():
    t1, t2, bias = Value(0.5, label="θ1"), Value(-0.3, label="θ2"), Value(0.1, label="b")
    x1, x2 = Value(4.5, label="x1", requires_grad=False), Value(4.0, label="x2", requires_grad=False)
    h = (t1 * x1 + t2 * x2 + bias).tanh()
    h.label = "h"
    J = (h - 1.0) ** 2
    e = explain(J, wrt=t1)
    # a denominator that is a formula is wrapped: ∂h/∂(θ1 x1 + θ2 x2 + b), never ∂h/∂θ1 x1 + …
    denominators = []
    for piece in e.latex.split(r"}{\partial ")[1:]:
        depth, end = 1, 0
        while depth:
            depth += {"{": 1, "}": -1}.get(piece[end], 0)
            end += 1
        denominators.append(piece[:end - 1])
    assert r"\left(\theta_{1} \cdot x_{1} + \theta_{2} \cdot x_{2} + b\right)" in denominators
    for body in denominators:
        assert body.startswith(r"\left(") and body.endswith(r"\right)") or " " not in body, body
    assert len(repr(e)) < 120 and "print()" in repr(e)   # no dataclass dump of Values and paths
    printed = []

    class Printer:
        def text(self, t):
            printed.append(t)

    e._repr_pretty_(Printer(), False)  # what Jupyter shows as text/plain
    assert printed == [e.text]
