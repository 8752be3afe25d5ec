#!/usr/bin/env python3
"""Mutation check of the derivative code: inject one mistake at a time and see whether a test fails.

The project promises that a wrong derivative rule makes a test fail. This script checks that
promise: it writes small mistakes into the code that computes derivatives — one mistake, a
*mutant*, at a time, in a private copy of the tree — runs the tests that execute the changed
line, and reports every mutant that no test noticed. It is not part of the default test run.

Run it from the repository root with the project's venv::

    .venv/bin/python .ci/mutate.py --list                # the mutants only, nothing run (a second)
    .venv/bin/python .ci/mutate.py --only matmul         # one op's rules ("file::scope" substring or glob)
    .venv/bin/python .ci/mutate.py --sample 40 --seed 1  # a random subset, for a quick look
    .venv/bin/python .ci/mutate.py --keep --json /tmp/mutation.json   # every mutant (~600; see below)
    .venv/bin/python .ci/mutate.py --reuse /tmp/mutate-XXXX            # go on where a kept run stopped
    .venv/bin/python .ci/mutate.py --reuse /tmp/mutate-XXXX --report   # report what has run so far

How long: the traced run of the unmutated tests (the suite under a line tracer, ``--jobs`` at a
time), then each mutant: 4-7 CPU-seconds when a test kills it (interpreter and pytest start-up
and collection are most of that), its tests' whole run when it survives (up to two CPU-minutes
in the engine, which nearly every test executes). Measured on the project's 2-core machine while
other sessions kept it at a load of 4-10: the traced run took 21 minutes and the 605 mutants 60
minutes with ``--jobs 3`` (20-25 s of wall time per killed mutant at the worst load); a quiet
machine needs roughly half. Use ``--keep`` for a full run: every outcome is logged as it arrives
(``results.jsonl`` in the kept directory), Ctrl-C lets the running mutants finish and restore
their files, and ``--reuse DIR`` continues with the same snapshot and trace, skipping what ran.

What is mutated: every derivative rule (the ``grads=`` lambdas and functions of ``op(...)`` and
the module-level helpers they call) in ``autograd_lite/ops/*.py`` and ``nn/primitives.py`` (the
fused cross-entropy and affine), the raw and Value branches of ``autograd_lite/functional.py``
(not its branches on symbols), ``engine.fit``/``add_grad``/``chain_rule``,
``fastpath._chain``/``_accumulate`` and ``kernels.fit_grad``/``sum_to``/``sign``/``inside`` (the
`TARGETS` table). The mutation kinds, each applied wherever it fits:

- ``sign``: a unary minus removed, ``-(...)`` put on a rule's or a function's result, ``+`` ↔ ``-``
  (``+=`` ↔ ``-=`` too);
- ``drop-factor``: ``a * b`` → ``a`` and → ``b``, ``a @ b`` likewise, ``a / b`` → ``a``, ``x *= y`` dropped;
- ``swap``: two neighbouring positional arguments of a call, or the operands of ``- / @ **``;
- ``compare``: ``>`` ↔ ``>=``, ``<`` ↔ ``<=``, ``==`` ↔ ``!=``, ``is`` ↔ ``is not``, ``in`` ↔ ``not in``;
- ``constant``: 0 → 1, 1 → 0, 2 → 1, any other n → n + 1;
- ``return-g``: a rule returns its upstream gradient ``g`` unchanged.

Code inside ``raise`` statements and f-strings (error messages) is left alone. A mutant whose
code parses to the same tree as the original is dropped.

How it runs: the tracked and untracked-but-not-ignored files of the tree are copied once to a
temporary snapshot (``git ls-files``; the shared working tree is never written to), and the
snapshot once per parallel job (``--jobs``, default: the number of cores). The unmutated copy's tests (``--tests``,
default ``tests/core tests/nn tests/viz``) run once with a line tracer on the mutated files,
which records which tests execute which lines, how long each takes, and that they pass (a test
failing on the unmutated tree is left out and reported). Each mutant then runs only the tests
that execute one of its lines, fastest first, stopping at the first failure (``pytest -x``), under
hypothesis's ``ci`` profile (derandomized: the same examples every run) without shrinking, and
with a timeout of ``--timeout-factor`` times the traced run time of those tests plus 30 s.
The tracer cannot see code run in a subprocess (the demos) and is left off the million-node
test (minutes under a tracer): ``--confirm`` runs each survivor again on those and the README's
examples (`CONFIRM_TESTS`, about a CPU-minute a survivor; add ``tests/notebooks`` with
``--confirm-tests`` for three more), and ``--confirm-only --only ID`` does that alone.

Reading the output: a table per file — mutants, killed (a test failed), import (the mutant
broke the import: killed too, counted apart), survived, timeout, uncovered (no test executes the
line: a survivor), equivalent (survivors listed in the allowlist), error (the tool could not
run the tests: investigate) — and the kill rate over the non-equivalent mutants. Then each
survivor, grouped by kind: its id, file, line, scope (an op's rule is ``name.grads[i]``) and the
source line before and after. A survivor is either *equivalent* (the change cannot alter a
result, e.g. a speed threshold) or a *real gap* in the tests. Record equivalent ones in
``.ci/mutation-equivalent.txt``, one ``<id> <reason>`` a line (``#`` starts a comment); ids name
the file, the scope, the kind and a hash of the changed text, so they survive edits elsewhere in
the file. ``--json PATH`` writes every mutant with its outcome and the test that killed it.

Exit status: 0 when every survivor is in the allowlist, 1 when some are not, 2 when the
unmutated tree does not import, a run could not be made, or some chosen mutants have not run.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import fnmatch
import hashlib
import itertools
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / ".ci" / "mutation-equivalent.txt"

#: Each op's rules: the grads= lambdas and functions, and the module-level helpers they call.
RULES = "rules"
#: Every module-level function of the file.
ALL = "all"

#: What is mutated: (path glob relative to the root, RULES | ALL | the names of functions).
TARGETS: tuple[tuple[str, object], ...] = (
    ("autograd_lite/ops/*.py", RULES),
    ("nn/primitives.py", RULES),
    ("autograd_lite/functional.py", ALL),
    ("autograd_lite/engine.py", ("fit", "add_grad", "chain_rule")),
    ("autograd_lite/fastpath.py", ("_chain", "_accumulate")),
    ("autograd_lite/kernels.py", ("fit_grad", "sum_to", "sign", "inside")),
)

DEFAULT_TESTS = ("tests/core", "tests/nn", "tests/viz")
#: Tests the tracer cannot see or should not carry: they run the code in a subprocess (the demos),
#: or run a million nodes, which under a line tracer takes minutes. ``--confirm`` runs them.
UNTRACED = (
    "tests/core/test_demo.py",
    "tests/nn/test_demo.py",
    "tests/core/test_backward.py::test_a_chain_of_a_million_nodes_backpropagates_without_recursion",
)
#: What ``--confirm`` runs a survivor on: the tests above and the README's examples. The notebooks
#: (``tests/notebooks``, 3 CPU-minutes a run) can be added with ``--confirm-tests``.
CONFIRM_TESTS = (*UNTRACED, "tests/packaging/test_readme.py")
KINDS = ("sign", "drop-factor", "swap", "compare", "constant", "return-g")
OUTCOMES = ("killed", "import", "survived", "timeout", "uncovered", "equivalent", "error")


# ----- generating mutants ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mutant:
    """One injected mistake: the byte range [start, end) of a file replaced by `replacement`."""

    id: str
    file: str
    scope: str
    kind: str
    line: int
    end_line: int
    start: int
    end: int
    original: str
    replacement: str

    def apply(self, source: bytes) -> bytes:
        if source[self.start:self.end].decode(errors="replace") != self.original:  # the file changed since
            raise RuntimeError(f"{self.id}: {self.file} no longer has {self.original!r} at line {self.line}")
        return source[:self.start] + self.replacement.encode() + source[self.end:]

    def lines(self, source: bytes) -> tuple[str, str]:
        """The source lines this mutant touches, before and after (line counts are kept equal)."""
        before = source.decode().splitlines()[self.line - 1:self.end_line]
        after = self.apply(source).decode().splitlines()[self.line - 1:self.end_line]
        return "\n".join(before), "\n".join(after)


_ATOMS = (ast.Name, ast.Constant, ast.Attribute, ast.Subscript, ast.Call, ast.Tuple, ast.List)
_BINOP_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**",
                 ast.FloorDiv: "//", ast.Mod: "%"}
_SWAPPABLE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow, ast.FloorDiv, ast.Mod)  # not commutative
_COMPARE_FLIP = {ast.Gt: ">=", ast.GtE: ">", ast.Lt: "<=", ast.LtE: "<", ast.Eq: "!=", ast.NotEq: "==",
                 ast.Is: "is not", ast.IsNot: "is", ast.In: "not in", ast.NotIn: "in"}
_COMPARE_TOKEN = re.compile(r"is\s+not|not\s+in|>=|<=|==|!=|>|<|\bis\b|\bin\b")


class _Source:
    """A module's bytes with AST positions (UTF-8 byte columns) turned into byte offsets."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.line_starts = [0]
        for i, byte in enumerate(data):
            if byte == 0x0A:
                self.line_starts.append(i + 1)

    def offset(self, line: int, col: int) -> int:
        return self.line_starts[line - 1] + col

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode()

    def seg(self, node: ast.AST) -> str:
        return self.text(*self.span(node))

    def atom(self, node: ast.AST) -> str:
        """The node's text, in parentheses unless it is an atom (a name, a call, a subscript...)."""
        text = self.seg(node)
        return text if isinstance(node, _ATOMS) else f"({text})"


def _padded(original: str, replacement: str, statement: bool = False) -> str | None:
    """`replacement` with as many line breaks as `original`, so that no line number moves."""
    missing = original.count("\n") - replacement.count("\n")
    if missing < 0:
        return None
    if missing == 0:
        return replacement
    return replacement + "\n" * missing if statement else f"({replacement}{chr(10) * missing})"


@dataclass
class _Scope:
    name: str
    node: ast.AST  # a FunctionDef or a Lambda
    is_rule: bool


def _module_defs(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _rule_scopes(tree: ast.Module) -> list[_Scope]:
    """The grads= rules of every op(...) call, then the module-level helpers they call (transitively)."""
    defs = _module_defs(tree)
    scopes: list[_Scope] = []
    seen: set[int] = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        for keyword in call.keywords:
            if keyword.arg != "grads":
                continue
            first = call.args[0] if call.args else None
            opname = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "op"
            many = isinstance(keyword.value, ast.Tuple)
            for i, rule in enumerate(keyword.value.elts if many else [keyword.value]):
                node = defs.get(rule.id) if isinstance(rule, ast.Name) else rule
                if not isinstance(node, (ast.Lambda, ast.FunctionDef)) or id(node) in seen:
                    continue
                seen.add(id(node))
                index = f"[{i}]" if many else ""
                label = node.name if isinstance(node, ast.FunctionDef) else f"{opname}.grads{index}"
                scopes.append(_Scope(label, node, True))
    pending = [s.node for s in scopes]
    while pending:
        for inner in ast.walk(pending.pop()):
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
                helper = defs.get(inner.func.id)
                if helper is not None and id(helper) not in seen:
                    seen.add(id(helper))
                    scopes.append(_Scope(helper.name, helper, False))
                    pending.append(helper)
    return scopes


def _scopes(tree: ast.Module, selection: object) -> list[_Scope]:
    if selection == RULES:
        return _rule_scopes(tree)
    defs = _module_defs(tree)
    if selection == ALL:
        return [_Scope(name, node, False) for name, node in defs.items()]
    missing = [name for name in selection if name not in defs]
    if missing:
        raise LookupError(f"mutate: TARGETS names functions that are gone: {missing}")
    return [_Scope(name, defs[name], False) for name in selection]


def _body(node: ast.AST) -> list[ast.AST]:
    """A function's statements less its docstring, or a lambda's expression."""
    if isinstance(node, ast.Lambda):
        return [node.body]
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _walk(roots: list[ast.AST], src: _Source) -> Iterator[ast.AST]:
    """The nodes under `roots`, depth first in source order, less error messages and symbol branches."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Raise, ast.Assert, ast.JoinedStr, ast.arguments)):
            continue
        yield node
        if isinstance(node, ast.If) and "symbols.Expr" in src.seg(node.test):  # the reading on symbols
            stack.extend(reversed(node.orelse))
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _changed_constant(value: int | float) -> int | float:
    if value == 0:
        return type(value)(1)
    if value == 1:
        return type(value)(0)
    if value == 2:
        return type(value)(1)
    return value + 1


def _results(scope: _Scope) -> Iterator[ast.AST]:
    """The expressions a scope returns: a lambda's body, a function's return values (not nested ones)."""
    if isinstance(scope.node, ast.Lambda):
        yield scope.node.body
        return
    stack = list(scope.node.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            yield node.value
        if not isinstance(node, (ast.FunctionDef, ast.Lambda, ast.AsyncFunctionDef)):
            stack.extend(ast.iter_child_nodes(node))


def _negatable(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    return not isinstance(node, (ast.Tuple, ast.List, ast.Dict, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.JoinedStr))


def _edits(node: ast.AST, src: _Source) -> Iterator[tuple[str, int, int, str, bool]]:
    """(kind, start, end, replacement, is_statement) for each mutation that fits `node`."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield ("sign", *src.span(node), src.atom(node.operand), False)
    elif isinstance(node, ast.BinOp):
        start, end = src.span(node)
        left_end, right_start = src.span(node.left)[1], src.span(node.right)[0]
        symbol = _BINOP_SYMBOL.get(type(node.op))
        if isinstance(node.op, (ast.Add, ast.Sub)):  # the operator flipped inside the text between operands
            gap = src.text(left_end, right_start)
            flipped = gap.replace(symbol, "-" if symbol == "+" else "+", 1)
            yield "sign", start, end, src.text(start, left_end) + flipped + src.text(right_start, end), False
        if isinstance(node.op, (ast.Mult, ast.MatMult)):
            yield "drop-factor", start, end, src.atom(node.left), False
            yield "drop-factor", start, end, src.atom(node.right), False
        if isinstance(node.op, ast.Div):
            yield "drop-factor", start, end, src.atom(node.left), False
        if isinstance(node.op, _SWAPPABLE):
            yield "swap", start, end, f"{src.atom(node.right)} {symbol} {src.atom(node.left)}", False
    elif isinstance(node, ast.AugAssign):
        start, end = src.span(node)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            target_end, value_start = src.span(node.target)[1], src.span(node.value)[0]
            gap = src.text(target_end, value_start)
            old, new = ("+=", "-=") if isinstance(node.op, ast.Add) else ("-=", "+=")
            yield ("sign", start, end,
                   src.text(start, target_end) + gap.replace(old, new, 1) + src.text(value_start, end), True)
        elif isinstance(node.op, (ast.Mult, ast.Div, ast.MatMult)):
            yield "drop-factor", start, end, "pass", True
    elif isinstance(node, ast.Compare):
        start, end = src.span(node)
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            gap_start, gap_end = src.span(operands[i])[1], src.span(operands[i + 1])[0]
            gap = src.text(gap_start, gap_end)
            new_gap = _COMPARE_TOKEN.sub(_COMPARE_FLIP[type(op)], gap, count=1)
            yield "compare", start, end, src.text(start, gap_start) + new_gap + src.text(gap_end, end), False
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        yield ("constant", *src.span(node), repr(_changed_constant(node.value)), False)
    elif isinstance(node, ast.Call):
        args = node.args
        for first, second in itertools.pairwise(args):
            if isinstance(first, ast.Starred) or isinstance(second, ast.Starred):
                continue
            a_start, a_end = src.span(first)
            b_start, b_end = src.span(second)
            between = src.text(a_end, b_start)
            yield "swap", a_start, b_end, src.seg(second) + between + src.seg(first), False


def _scope_edits(scope: _Scope, src: _Source) -> Iterator[tuple[str, int, int, str, bool]]:
    for node in _walk(_body(scope.node), src):
        yield from _edits(node, src)
    for result in _results(scope):
        if _negatable(result):
            yield ("sign", *src.span(result), "-" + src.atom(result), False)
    if scope.is_rule:
        upstream = scope.node.args.args[0].arg if scope.node.args.args else "g"
        body = _body(scope.node)
        if isinstance(scope.node, ast.Lambda):
            yield ("return-g", *src.span(scope.node.body), upstream, False)
        elif body:
            start, end = src.span(body[0])[0], src.span(body[-1])[1]
            yield "return-g", start, end, f"return {upstream}", True


def _same_code(original: str, replacement: str, statement: bool) -> bool:
    """True when the replacement parses to the same tree as the text it replaces (say, f(x, x) swapped).

    Both are read as one parenthesized expression (a statement's text starts at its own column,
    so a statement replacement is compared as the first line of a block)."""
    def tree(text: str) -> str:
        if statement:
            return ast.dump(ast.parse("if 1:\n " + text.replace("\n", "\n ")))
        return ast.dump(ast.parse(f"({text}\n)", mode="eval"))
    try:
        return tree(original) == tree(replacement)
    except SyntaxError:
        return False


def generate(source: bytes, path: str, selection: object) -> list[Mutant]:
    """Every mutant of `source` (the file at `path`, relative to the root) in the selected scopes."""
    tree = ast.parse(source)
    src = _Source(source)
    mutants: list[Mutant] = []
    seen: Counter[str] = Counter()
    spans: set[tuple[int, int, str]] = set()
    for scope in _scopes(tree, selection):
        for kind, start, end, replacement, statement in _scope_edits(scope, src):
            original = src.text(start, end)
            replacement = _padded(original, replacement, statement)
            if replacement is None or replacement == original or (start, end, replacement) in spans:
                continue
            if _same_code(original, replacement, statement):
                continue
            spans.add((start, end, replacement))
            key = f"{scope.name}|{kind}|{original}|{replacement}"
            seen[key] += 1
            digest = hashlib.sha1(f"{key}|{seen[key]}".encode()).hexdigest()[:8]
            line = src.data.count(b"\n", 0, start) + 1
            mutants.append(Mutant(id=f"{path}::{scope.name}::{kind}::{digest}", file=path, scope=scope.name,
                                  kind=kind, line=line, end_line=line + original.count("\n"), start=start,
                                  end=end, original=original, replacement=replacement))
    return mutants


def target_files(tree: Path) -> list[tuple[str, object]]:
    """(path relative to `tree`, selection) for every file the TARGETS table names."""
    found = []
    for pattern, selection in TARGETS:
        paths = sorted(p.relative_to(tree).as_posix() for p in tree.glob(pattern) if p.is_file())
        if not paths:
            raise LookupError(f"mutate: no file matches {pattern} under {tree}")
        found.extend((path, selection) for path in paths)
    return found


def all_mutants(tree: Path) -> list[Mutant]:
    mutants = []
    for path, selection in target_files(tree):
        mutants.extend(generate((tree / path).read_bytes(), path, selection))
    return mutants


def select(mutants: list[Mutant], only: list[str] | None, sample: int | None, seed: int) -> list[Mutant]:
    """The mutants whose ``file::scope`` (or id) matches one of `only` (substring or glob), then a sample."""
    if only:
        def wanted(m: Mutant) -> bool:
            name = f"{m.file}::{m.scope}"
            return any(p in m.id or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(m.id, p) for p in only)
        mutants = [m for m in mutants if wanted(m)]
    if sample is not None and sample < len(mutants):
        chosen = set(random.Random(seed).sample(range(len(mutants)), sample))
        mutants = [m for i, m in enumerate(mutants) if i in chosen]
    return mutants


def read_allowlist(path: Path) -> dict[str, str]:
    """``{mutant id: reason}`` from lines ``<id> <reason>``; blank lines and ``#`` comments are skipped."""
    if not path.exists():
        return {}
    allowed = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        mutant_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise ValueError(f"{path}:{number}: give a reason after the mutant id ({mutant_id})")
        allowed[mutant_id] = reason.strip()
    return allowed


# ----- the pytest plugin: loaded into every test run as `-p mutate` -----------------------------------------
# It is configured by environment variables, so that importing this module elsewhere does nothing:
# MUTATE_RESULT (a JSON file to write the outcome to), MUTATE_TREE (the copy under test: the import
# must come from there), MUTATE_SELECT (a file of test ids: run those, in that order), MUTATE_TRACE
# (a directory: record which lines of MUTATE_FILES each test executes).
_state: dict = {"failed": None, "collect_errors": [], "tests": {}, "import_error": None}


def pytest_configure(config) -> None:
    if "MUTATE_RESULT" not in os.environ:
        return
    # under xdist the controller hears every worker's hooks: only the process running a test traces it
    workers = config.getoption("numprocesses", 0)
    _state["controller"] = "PYTEST_XDIST_WORKER" not in os.environ and workers not in (0, None)
    from hypothesis import Phase, settings
    settings.register_profile("mutation", parent=settings.get_profile("ci"), database=None, print_blob=False,
                              phases=(Phase.explicit, Phase.reuse, Phase.generate))
    settings.load_profile("mutation")


def pytest_sessionstart(session) -> None:
    if "MUTATE_RESULT" not in os.environ:
        return
    import pytest
    tree = Path(os.environ["MUTATE_TREE"]).resolve()
    try:
        import autograd_lite
        import nn
    except Exception as error:  # the mutant broke the import itself
        _state["import_error"] = f"{type(error).__name__}: {error}"
        _write_result(3)
        pytest.exit(f"mutate: import failed: {_state['import_error']}", returncode=3)
    for module in (autograd_lite, nn):
        if tree not in Path(module.__file__).resolve().parents:
            pytest.exit(f"mutate: {module.__name__} was imported from {module.__file__}, not from {tree}",
                        returncode=4)


def pytest_collectreport(report) -> None:
    if "MUTATE_RESULT" in os.environ and report.failed:
        _state["collect_errors"].append(f"{report.nodeid}: {str(report.longrepr).strip().splitlines()[-1:]}")


def pytest_collection_modifyitems(session, config, items) -> None:
    chosen = os.environ.get("MUTATE_SELECT")
    if not chosen:
        return
    order = {nodeid: i for i, nodeid in enumerate(Path(chosen).read_text(encoding="utf-8").splitlines())}
    keep = sorted((item for item in items if item.nodeid in order), key=lambda item: order[item.nodeid])
    dropped = [item for item in items if item.nodeid not in order]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


def pytest_runtest_logreport(report) -> None:
    if "MUTATE_RESULT" not in os.environ:
        return
    record = _state["tests"].setdefault(report.nodeid, {"outcome": "passed"})
    if report.failed:
        record["outcome"] = "failed"
        if _state["failed"] is None:
            _state["failed"] = report.nodeid
    elif report.skipped and record["outcome"] == "passed":
        record["outcome"] = "skipped"


_trace: dict = {}


def pytest_runtest_logstart(nodeid, location) -> None:
    if "MUTATE_TRACE" not in os.environ or _state.get("controller"):
        return
    tree = Path(os.environ["MUTATE_TREE"]).resolve()
    files = {str(tree / name): name for name in os.environ["MUTATE_FILES"].split(",")}
    hits: set = set()
    add = hits.add

    def on_line(frame, event, arg):
        if event == "line":
            add((frame.f_code.co_filename, frame.f_lineno))
        return on_line

    def on_call(frame, event, arg):
        if frame.f_code.co_filename in files:
            add((frame.f_code.co_filename, frame.f_lineno))
            return on_line
        return None

    _trace.update(nodeid=nodeid, hits=hits, files=files, start=time.perf_counter())
    sys.settrace(on_call)


def pytest_runtest_logfinish(nodeid, location) -> None:
    if "MUTATE_TRACE" not in os.environ or _trace.get("nodeid") != nodeid:
        return
    sys.settrace(None)
    lines: dict[str, list[int]] = defaultdict(list)
    for filename, line in _trace["hits"]:
        lines[_trace["files"][filename]].append(line)
    record = _state["tests"].setdefault(nodeid, {"outcome": "passed"})
    record["duration"] = time.perf_counter() - _trace["start"]
    record["lines"] = {name: sorted(set(numbers)) for name, numbers in lines.items()}
    _trace.clear()


def pytest_sessionfinish(session, exitstatus) -> None:
    if "MUTATE_RESULT" in os.environ:
        _write_result(int(exitstatus))


def _write_result(exitstatus: int) -> None:
    path = Path(os.environ["MUTATE_RESULT"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # each xdist worker writes its own file beside the controller's
        path = path.with_name(f"{path.stem}.{worker}{path.suffix}")
    path.write_text(json.dumps({**_state, "exitstatus": exitstatus}), encoding="utf-8")


# ----- running mutants -------------------------------------------------------------------------------------
@dataclass
class Outcome:
    mutant: Mutant
    status: str
    seconds: float
    tests: int
    killed_by: str | None = None
    detail: str = ""
    before: str = ""
    after: str = ""
    reason: str = ""  # for an equivalent mutant: the allowlist's reason


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def copy_tree(source: Path, destination: Path) -> None:
    """Copy the files git knows of (tracked, and untracked but not ignored) from `source`."""
    listed = subprocess.run(["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        origin = source / name
        if origin.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)


class Runner:
    """Runs pytest in the copies, one process at a time per copy, with a process group per run."""

    def __init__(self, work: Path, copies: list[Path], plugin_dir: Path, files: list[str]) -> None:
        self.work, self.files, self.plugin_dir, self.snapshot = work, files, plugin_dir, work / "snapshot"
        self.free: queue.Queue[Path] = queue.Queue()
        for copy in copies:
            self.free.put(copy)
        self.running: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.counter = 0

    def pytest(self, copy: Path, args: list[str], timeout: float, extra_env: dict | None = None
               ) -> tuple[dict | None, str, bool]:
        """Run pytest in `copy`; returns (the plugin's result or None, the output's tail, timed out)."""
        with self.lock:
            self.counter += 1
            result = self.work / f"result-{self.counter}.json"
        env = dict(os.environ, MUTATE_RESULT=str(result), MUTATE_TREE=str(copy), MUTATE_FILES=",".join(self.files),
                   PYTHONPATH=os.pathsep.join([str(copy), str(self.plugin_dir)]))
        env.pop("MUTATE_SELECT", None)
        env.pop("MUTATE_TRACE", None)
        env.update(extra_env or {})
        command = [_python(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "mutate", "--tb=line", *args]
        process = subprocess.Popen(command, cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        with self.lock:
            self.running.add(process)
        timed_out = False
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        finally:
            with self.lock:
                self.running.discard(process)
        tail = "\n".join(output.decode(errors="replace").strip().splitlines()[-6:])
        data = json.loads(result.read_text(encoding="utf-8")) if result.exists() and not timed_out else None
        if result.exists():
            result.unlink()
        return data, tail, timed_out

    def stop(self) -> None:
        with self.lock:
            for process in self.running:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def _drop_bytecode(copy: Path, name: str) -> None:
    """Remove the cached bytecode of a file whose source was just rewritten (mtime and size may match)."""
    path = copy / name
    for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        cached.unlink()


@dataclass
class Baseline:
    """What the unmutated tests do: for each test its run time under the tracer and the lines it runs."""

    durations: dict[str, float]
    covering: dict[tuple[str, int], set[str]]
    failing: list[str]
    seconds: float

    def tests_for(self, mutant: Mutant) -> list[str]:
        found: set[str] = set()
        for line in range(mutant.line, mutant.end_line + 1):
            found |= self.covering.get((mutant.file, line), set())
        return sorted(found, key=lambda t: (self.durations[t], t))


def run_baseline(runner: Runner, copy: Path, tests: list[str], jobs: int) -> Baseline:
    trace_dir = runner.work / "trace"
    trace_dir.mkdir()
    result = trace_dir / "result.json"
    started = time.perf_counter()
    env = {"MUTATE_TRACE": str(trace_dir), "MUTATE_RESULT": str(result)}
    deselect = [arg for test in UNTRACED for arg in ("--deselect", test)]
    command = [_python(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "mutate", "--tb=short",
               "-n", str(jobs), *deselect, *tests]
    full_env = dict(os.environ, MUTATE_TREE=str(copy), MUTATE_FILES=",".join(runner.files),
                    PYTHONPATH=os.pathsep.join([str(copy), str(runner.plugin_dir)]), **env)
    done = subprocess.run(command, cwd=copy, env=full_env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    (trace_dir / "seconds.txt").write_text(f"{seconds:.1f}", encoding="utf-8")
    return load_baseline(trace_dir, done.stdout[-3000:] + done.stderr[-2000:])


def load_baseline(trace_dir: Path, output: str = "") -> Baseline:
    """The traced run's records, merged over the xdist workers' files."""
    seconds_file = trace_dir / "seconds.txt"
    seconds = float(seconds_file.read_text(encoding="utf-8")) if seconds_file.exists() else 0.0
    records: dict[str, dict] = {}
    for part in sorted(trace_dir.glob("result*.json")):
        data = json.loads(part.read_text(encoding="utf-8"))
        if data.get("import_error"):
            raise RuntimeError(f"mutate: the unmutated tree does not import: {data['import_error']}")
        for nodeid, record in data["tests"].items():
            records.setdefault(nodeid, {}).update({k: v for k, v in record.items() if v is not None})
    if not records:
        raise RuntimeError(f"mutate: the unmutated test run recorded no test:\n{output}")
    failing = sorted(t for t, r in records.items() if r.get("outcome") == "failed")
    durations, covering = {}, defaultdict(set)
    for nodeid, record in records.items():
        if record.get("outcome") != "passed" or "lines" not in record:
            continue
        durations[nodeid] = record["duration"]
        for name, numbers in record["lines"].items():
            for line in numbers:
                covering[(name, line)].add(nodeid)
    return Baseline(durations, dict(covering), failing, seconds)


def run_mutant(runner: Runner, mutant: Mutant, tests: list[str], budget: float, confirm: list[str] | None = None
               ) -> Outcome:
    """Apply `mutant` in a free copy, run `tests` (or the whole `confirm` selection), restore the file."""
    copy = runner.free.get()
    path = copy / mutant.file
    original = path.read_bytes()
    before, after = mutant.lines(original)
    mutated = mutant.apply(original)
    try:
        ast.parse(mutated)
    except SyntaxError as error:  # the tool's mistake, not a kill
        runner.free.put(copy)
        return Outcome(mutant, "error", 0.0, len(tests), detail=f"the mutant does not parse: {error}",
                       before=before, after=after)
    try:
        path.write_bytes(mutated)
        _drop_bytecode(copy, mutant.file)
        started = time.perf_counter()
        if confirm is None:
            selection = runner.work / f"select-{copy.name}.txt"
            selection.write_text("\n".join(tests), encoding="utf-8")
            files = sorted({t.split("::")[0] for t in tests})
            data, tail, timed_out = runner.pytest(copy, ["-x", "-n", "0", *files], budget,
                                                  {"MUTATE_SELECT": str(selection)})
        else:
            data, tail, timed_out = runner.pytest(copy, ["-x", "-n", "0", *confirm], budget)
        seconds = time.perf_counter() - started
    finally:
        path.write_bytes(original)
        _drop_bytecode(copy, mutant.file)
        runner.free.put(copy)
    outcome = Outcome(mutant, "error", seconds, len(tests), before=before, after=after)
    if timed_out:
        outcome.status, outcome.detail = "timeout", f"no result after {budget:.0f} s"
    elif data is None:
        outcome.detail = tail
    elif data["import_error"] or data["collect_errors"]:
        outcome.status = "import"
        outcome.detail = data["import_error"] or "; ".join(data["collect_errors"])[:500]
    elif data["failed"]:
        outcome.status, outcome.killed_by = "killed", data["failed"]
    elif data["exitstatus"] == 0:
        outcome.status = "survived"
    else:
        outcome.detail = f"pytest exit status {data['exitstatus']}: {tail}"
    return outcome


# ----- reporting -------------------------------------------------------------------------------------------
def summary_table(outcomes: list[Outcome]) -> str:
    per_file: dict[str, Counter] = defaultdict(Counter)
    for o in outcomes:
        per_file[o.mutant.file][o.status] += 1
    columns = ("mutants", *OUTCOMES)
    width = max([len("total"), *map(len, per_file)])
    lines = [f"{'file':<{width}}  " + "  ".join(f"{c:>10}" for c in columns)]
    total: Counter = Counter()
    for name in sorted(per_file):
        counts = per_file[name]
        total.update(counts)
        lines.append(f"{name:<{width}}  {sum(counts.values()):>10}  " + "  ".join(f"{counts[c]:>10}" for c in OUTCOMES))
    lines.append(f"{'total':<{width}}  {sum(total.values()):>10}  " + "  ".join(f"{total[c]:>10}" for c in OUTCOMES))
    relevant = sum(total.values()) - total["equivalent"] - total["error"]
    caught = total["killed"] + total["import"] + total["timeout"]
    if relevant:
        lines.append(f"caught {caught} of {relevant} non-equivalent mutants ({100 * caught / relevant:.1f} %); "
                     f"{total['survived'] + total['uncovered']} not caught; timeouts count as caught")
    return "\n".join(lines)


def survivors_text(outcomes: list[Outcome]) -> str:
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.status in ("survived", "uncovered"):
            grouped[o.mutant.kind].append(o)
    if not grouped:
        return "no survivors"
    parts = []
    for kind in KINDS:
        for o in grouped.get(kind, []):
            m = o.mutant
            note = " (no test executes this line)" if o.status == "uncovered" else f" ({o.tests} tests ran)"
            parts.append(f"[{kind}] {m.file}:{m.line}  {m.scope}{note}\n  id: {m.id}\n"
                         f"  - {_indent(o.before)}\n  + {_indent(o.after)}")
    return "\n".join(parts)


def _indent(text: str) -> str:
    lines = text.splitlines() or [""]
    margin = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
    return "\n    ".join(s[margin:] for s in lines)


def write_json(path: Path, outcomes: list[Outcome], baseline: Baseline | None, stale: list[str],
               seconds: float) -> None:
    report = {
        "seconds": round(seconds, 1),
        "baseline": None if baseline is None else {
            "seconds": round(baseline.seconds, 1), "failing": baseline.failing,
            "traced_seconds": {t: round(d, 2) for t, d in sorted(baseline.durations.items())}},
        "counts": dict(Counter(o.status for o in outcomes)),
        "stale_allowlist": stale,
        "mutants": [{**asdict(o.mutant), **{k: v for k, v in asdict(o).items() if k != "mutant"}} for o in outcomes],
    }
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


# ----- the command line ------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the mutants and exit")
    parser.add_argument("--only", action="append", metavar="PATTERN",
                        help="keep mutants whose file::scope or id matches (substring or glob); repeatable")
    parser.add_argument("--sample", type=int, metavar="N", help="run a random N of the mutants")
    parser.add_argument("--seed", type=int, default=0, help="the seed of --sample (default 0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel runs (default: cores)")
    parser.add_argument("--tests", nargs="+", default=list(DEFAULT_TESTS), metavar="PATH",
                        help=f"the tests to trace and draw from (default: {' '.join(DEFAULT_TESTS)})")
    parser.add_argument("--timeout-factor", type=float, default=3.0,
                        help="a mutant's timeout: this times its tests' traced run time, plus 30 s (default 3)")
    parser.add_argument("--confirm", action="store_true",
                        help="run each survivor again on the tests the tracer cannot see (--confirm-tests)")
    parser.add_argument("--confirm-only", action="store_true",
                        help="skip the traced stage: run the chosen mutants (--only ids) on --confirm-tests alone")
    parser.add_argument("--confirm-tests", nargs="+", default=list(CONFIRM_TESTS), metavar="PATH",
                        help=f"default: {' '.join(CONFIRM_TESTS)}")
    parser.add_argument("--confirm-timeout", type=float, default=1800.0, help="seconds per survivor (default 1800)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the full report as JSON")
    parser.add_argument("--allowlist", type=Path, default=ALLOWLIST, help="equivalent mutants (id and reason)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the source tree to copy (default: this repo)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument("--report", action="store_true", help="with --reuse: report what has run, run nothing")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="continue in the kept directory of an earlier run: its snapshot and trace, "
                             "skipping the mutants its results.jsonl already holds")
    parser.add_argument("--quiet", action="store_true", help="no line per finished mutant")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report and not args.reuse:
        print("mutate: --report reads an earlier run: give --reuse DIR", file=sys.stderr)
        return 2
    tree = args.tree.resolve()
    allowed = read_allowlist(args.allowlist)
    if args.list:
        mutants = select(all_mutants(tree), args.only, args.sample, args.seed)
        for m in mutants:
            mark = "  (equivalent)" if m.id in allowed else ""
            print(f"{m.id}  {m.file}:{m.line}  {m.original!r} -> {m.replacement!r}{mark}")
        print(f"{len(mutants)} mutants: " + ", ".join(f"{k} {n}" for k, n in Counter(m.kind for m in mutants).items()))
        return 0

    started = time.perf_counter()
    work = args.reuse.resolve() if args.reuse else Path(tempfile.mkdtemp(prefix="mutate-"))
    keep = args.keep or args.reuse is not None
    runner = None
    try:
        snapshot = work / "snapshot"  # never run in: the copies are made, and restored, from it
        if not args.reuse:
            copy_tree(tree, snapshot)  # one snapshot: the tree may change while this runs
        generated = all_mutants(snapshot)
        stale = sorted(set(allowed) - {m.id for m in generated})
        mutants = select(generated, args.only, args.sample, args.seed)
        files = sorted({path for path, _ in target_files(snapshot)})
        log = work / "results.jsonl"
        done = read_results(log, {m.id: m for m in mutants}, snapshot) if args.reuse else []
        finished = {o.mutant.id for o in done}
        if args.report:  # read only: another run may be working in the copies
            return report(done, len(mutants), None, stale, args, time.perf_counter() - started)
        copies = [work / f"copy-{i}" for i in range(max(1, args.jobs))]
        for copy in copies:
            if copy.exists():  # a stopped run may have left a mutant in place
                for name in files:
                    shutil.copy2(snapshot / name, copy / name)
                    _drop_bytecode(copy, name)
            else:
                shutil.copytree(snapshot, copy, ignore=shutil.ignore_patterns("__pycache__"))
        plugin_dir = work / "plugin"
        plugin_dir.mkdir(exist_ok=True)
        shutil.copy2(Path(__file__), plugin_dir / "mutate.py")
        runner = Runner(work, copies, plugin_dir, files)

        if args.confirm_only:
            outcomes = [Outcome(m, "survived", 0.0, 0) for m in mutants]
            confirm(runner, outcomes, args)
            print(summary_table(outcomes))
            if args.json:
                write_json(args.json, outcomes, None, stale, time.perf_counter() - started)
            return 1 if any(o.status == "survived" for o in outcomes) else 0
        if args.reuse:
            baseline = load_baseline(work / "trace")
        else:
            print(f"mutate: {len(mutants)} mutants in {len(files)} files; tracing the unmutated tests "
                  f"({' '.join(args.tests)})...", flush=True)
            baseline = run_baseline(runner, copies[0], args.tests, max(1, args.jobs))
        print(f"mutate: {len(baseline.durations)} tests pass on the unmutated tree ({baseline.seconds:.0f} s traced)",
              flush=True)
        if baseline.failing:
            shown = ", ".join(baseline.failing[:5]) + (", ..." if len(baseline.failing) > 5 else "")
            print(f"mutate: {len(baseline.failing)} tests fail before any mutation and are left out: {shown}",
                  flush=True)

        if finished:
            print(f"mutate: {len(finished)} mutants already ran in {work}", flush=True)
        outcomes = done + execute(runner, baseline, [m for m in mutants if m.id not in finished], args, log)
        if args.confirm:
            confirm(runner, outcomes, args)
        return report(outcomes, len(mutants), baseline, stale, args, time.perf_counter() - started)
    except (RuntimeError, LookupError) as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        if runner is not None:
            runner.stop()
        if keep:
            print(f"mutate: the copies are kept in {work} (continue there with --reuse {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(outcomes: list[Outcome], chosen: int, baseline: Baseline | None, stale: list[str],
           args: argparse.Namespace, seconds: float) -> int:
    """Print the summary and the survivors, write the JSON; the exit status (see the module docstring)."""
    allowed = read_allowlist(args.allowlist)
    for o in outcomes:
        if o.status in ("survived", "uncovered") and o.mutant.id in allowed:
            o.status, o.reason = "equivalent", allowed[o.mutant.id]
    outcomes.sort(key=lambda o: (o.mutant.file, o.mutant.start, o.mutant.kind))
    print()
    print(summary_table(outcomes))
    print(f"\nsurvivors, by kind:\n{survivors_text(outcomes)}")
    errors = [o for o in outcomes if o.status == "error"]
    for o in errors:
        print(f"\nerror: {o.mutant.id} ({o.mutant.file}:{o.mutant.line}): {o.detail}")
    if stale:
        print(f"\nallowlist entries that match no mutant any more: {', '.join(stale)}")
    if len(outcomes) < chosen:
        print(f"\nmutate: {chosen - len(outcomes)} of {chosen} mutants have not run yet (continue with --reuse)")
    traced = "" if baseline is None else f" (the unmutated, traced run: {baseline.seconds:.0f} s)"
    print(f"\nmutate: {len(outcomes)} mutants in {seconds / 60:.1f} min{traced}")
    if args.json:
        write_json(args.json, outcomes, baseline, stale, seconds)
    if errors or len(outcomes) < chosen:
        return 2
    return 1 if any(o.status in ("survived", "uncovered") for o in outcomes) else 0


def read_results(log: Path, mutants: dict[str, Mutant], snapshot: Path) -> list[Outcome]:
    """The outcomes an earlier run logged, for the mutants still chosen (their lines read from `snapshot`)."""
    if not log.exists():
        return []
    outcomes = []
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        mutant = mutants.get(record.pop("id"))
        if mutant is not None:
            record["before"], record["after"] = mutant.lines((snapshot / mutant.file).read_bytes())
            outcomes.append(Outcome(mutant, **record))
    return outcomes


def execute(runner: Runner, baseline: Baseline, mutants: list[Mutant], args: argparse.Namespace,
            log: Path) -> list[Outcome]:
    """Run every mutant on the tests that execute its lines, the slowest first (the pool ends together).

    Each outcome is appended to `log` as it arrives, so a stopped run can be continued (--reuse);
    Ctrl-C lets the running mutants finish (each restores its file) and skips the rest."""
    outcomes: list[Outcome] = []

    def record(outcome: Outcome, show: bool = True) -> None:
        outcomes.append(outcome)
        fields = {k: v for k, v in asdict(outcome).items() if k != "mutant"}
        with log.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"id": outcome.mutant.id, **fields}, ensure_ascii=False) + "\n")
        if show and not args.quiet:
            m = outcome.mutant
            by = f" by {outcome.killed_by}" if outcome.killed_by else ""
            print(f"[{len(outcomes)}/{len(mutants)}] {outcome.status:<9} {m.id} line {m.line} "
                  f"({outcome.seconds:.1f} s, {outcome.tests} tests){by}", flush=True)

    plans = []
    for m in mutants:
        tests = baseline.tests_for(m)
        if tests:
            plans.append((sum(baseline.durations[t] for t in tests), m, tests))
        else:
            before, after = m.lines((runner.snapshot / m.file).read_bytes())
            record(Outcome(m, "uncovered", 0.0, 0, before=before, after=after), show=False)
    plans.sort(key=lambda p: -p[0])
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_mutant, runner, m, tests, args.timeout_factor * expected + 30)
                   for expected, m, tests in plans]
        handled = set()
        try:
            for future in concurrent.futures.as_completed(futures):
                handled.add(future)
                record(future.result())
        except KeyboardInterrupt:
            print("mutate: interrupted; waiting for the running mutants (continue later with --reuse)", flush=True)
            for future in futures:
                future.cancel()
            for future in futures:
                if future not in handled and not future.cancelled():
                    record(future.result())
    return outcomes


def confirm(runner: Runner, outcomes: list[Outcome], args: argparse.Namespace) -> None:
    """Run each survivor on the whole confirm selection: a kill there means the tracer missed a test."""
    pending = [o for o in outcomes if o.status in ("survived", "uncovered")]
    if not pending:
        return
    print(f"mutate: confirming {len(pending)} survivors on {' '.join(args.confirm_tests)}...", flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_mutant, runner, o.mutant, [], args.confirm_timeout, args.confirm_tests): o
                   for o in pending}
        for future in concurrent.futures.as_completed(futures):
            first, again = futures[future], future.result()
            if again.status in ("killed", "import", "timeout"):
                first.status, first.killed_by = again.status, again.killed_by
                first.detail = "caught only by the whole suite (confirm stage)"
            elif again.status == "error":
                first.detail = f"confirm stage failed to run: {again.detail}"
            if not args.quiet:
                print(f"confirm: {first.status:<9} {first.mutant.id} ({again.seconds:.0f} s)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
