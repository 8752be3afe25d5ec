""".ci/mutate.py's mutants, generated from a small sample module (no test suite is run here)."""

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "mutate.py"


def load_tool():
    spec = importlib.util.spec_from_file_location("mutate_tool", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mutate = load_tool()

SAMPLE = b'''
def op(*args, **kwargs):
    return None


def _helper(x, n):
    return x * n


def _rule(g, out, a, b):
    """A rule written as a function."""
    if a > b:
        return g * _helper(b, 2)
    return -g


def forward(x):
    return x * 3   # not a rule: never mutated


mul = op("mul", forward,
         grads=(lambda g, out, a, b: g * b,   # comment: d(ab)/da = b
                _rule),
         doc="ab")


def checked(x, low):
    if x < low:
        raise ValueError(f"too low: {x - 1}")
    return x - low
'''


def mutants_of(source=SAMPLE, selection=mutate.RULES):
    return mutate.generate(source, "sample.py", selection)


def changes(mutants, scope=None, kind=None):
    return {(m.original, m.replacement) for m in mutants
            if (scope is None or m.scope == scope) and (kind is None or m.kind == kind)}


def test_a_lambda_rule_gets_its_factors_dropped_its_result_negated_and_no_duplicate():
    found = mutants_of()
    lam = [m for m in found if m.scope == "mul.grads[0]"]
    assert changes(lam) == {("g * b", "g"), ("g * b", "b"), ("g * b", "-(g * b)")}
    assert {m.kind for m in lam} == {"drop-factor", "sign"}   # `return g` is the dropped factor, kept once


def test_a_function_rule_and_the_helper_it_calls_are_mutated_and_forward_code_is_not():
    found = mutants_of()
    assert {m.scope for m in found} == {"mul.grads[0]", "_rule", "_helper"}
    assert ("a > b", "a >= b") in changes(found, "_rule", "compare")
    assert ("-g", "g") in changes(found, "_rule", "sign")
    assert ("2", "1") in changes(found, "_rule", "constant")
    assert ("b, 2", "2, b") in changes(found, "_rule", "swap")   # the arguments only: the call stays
    (returns_g,) = [m for m in found if m.kind == "return-g"]
    assert returns_g.scope == "_rule" and returns_g.replacement.startswith("return g")
    assert changes(found, "_helper") == {("x * n", "x"), ("x * n", "n"), ("x * n", "-(x * n)")}


def test_error_messages_are_left_alone_and_subtraction_is_flipped_and_swapped():
    found = mutants_of(selection=("checked",))
    assert all("too low" not in m.original for m in found)
    assert changes(found, kind="sign") >= {("x - low", "x + low"), ("x - low", "-(x - low)")}
    assert ("x - low", "low - x") in changes(found, kind="swap")
    assert ("x < low", "x <= low") in changes(found, kind="compare")


def test_every_mutant_parses_keeps_the_line_count_and_differs_from_the_original():
    original = ast.dump(ast.parse(SAMPLE))
    for m in mutants_of() + mutants_of(selection=mutate.ALL):
        mutated = m.apply(SAMPLE)
        assert mutated.count(b"\n") == SAMPLE.count(b"\n"), m
        assert ast.dump(ast.parse(mutated)) != original, m
        before, after = m.lines(SAMPLE)
        assert before != after and m.original in before


def test_a_multi_line_rule_returning_g_keeps_later_lines_where_they_were():
    (m,) = [m for m in mutants_of() if m.kind == "return-g"]
    mutated = m.apply(SAMPLE).decode().splitlines()
    original = SAMPLE.decode().splitlines()
    assert mutated[m.line - 1].strip() == "return g"
    assert mutated[m.end_line:] == original[m.end_line:]


def test_ids_do_not_depend_on_line_numbers_and_are_unique():
    ids = [m.id for m in mutants_of()]
    assert len(set(ids)) == len(ids)
    assert [m.id for m in mutants_of(b"\n\n# moved down\n" + SAMPLE)] == ids


def test_only_and_sample_choose_mutants_reproducibly():
    found = mutants_of()
    assert {m.scope for m in mutate.select(found, ["_helper"], None, 0)} == {"_helper"}
    assert {m.scope for m in mutate.select(found, ["sample.py::mul.*"], None, 0)} == {"mul.grads[0]"}
    assert mutate.select(found, None, 3, 7) == mutate.select(found, None, 3, 7)
    assert len(mutate.select(found, None, 3, 7)) == 3


def test_the_allowlist_needs_a_reason_for_each_id(tmp_path):
    path = tmp_path / "equivalent.txt"
    path.write_text("# comment\n\nsample.py::_rule::constant::0123abcd  only a threshold\n", encoding="utf-8")
    assert mutate.read_allowlist(path) == {"sample.py::_rule::constant::0123abcd": "only a threshold"}
    path.write_text("sample.py::_rule::constant::0123abcd\n", encoding="utf-8")
    with pytest.raises(ValueError, match="give a reason"):
        mutate.read_allowlist(path)


def test_the_targets_table_names_functions_that_exist_in_the_tree():
    mutants = mutate.all_mutants(SCRIPT.parents[1])
    files = {m.file for m in mutants}
    assert {"autograd_lite/engine.py", "autograd_lite/fastpath.py", "autograd_lite/kernels.py",
            "autograd_lite/functional.py", "nn/primitives.py"} <= files
    assert any(m.scope == "matmul.grads" or m.scope == "_matmul_grad_a" for m in mutants)


def test_the_report_counts_outcomes_per_file_and_shows_each_survivor_before_and_after(tmp_path):
    first, second = mutants_of()[:2]
    before, after = first.lines(SAMPLE)
    log = tmp_path / "results.jsonl"
    record = {"id": first.id, "status": "survived", "seconds": 1.0, "tests": 3, "killed_by": None,
              "detail": "", "before": "", "after": "", "reason": ""}
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "sample.py").write_bytes(SAMPLE)
    (survivor,) = mutate.read_results(log, {first.id: first, second.id: second}, tmp_path)
    assert (survivor.before, survivor.after) == (before, after)   # read again from the snapshot
    killed = mutate.Outcome(second, "killed", 1.0, 3, killed_by="tests/x.py::t")
    table = mutate.summary_table([survivor, killed])
    assert "sample.py" in table and "caught 1 of 2" in table
    text = mutate.survivors_text([survivor, killed])
    assert first.id in text and second.id not in text and after.strip() in text
