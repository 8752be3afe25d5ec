"""Layers import one way: numeric kernels below symbols below Value below the op registry below the
ops below the engine; `viz` and `nn` use only the public API. Read from the source, so adding a
forbidden import (say, `engine` importing `ops`) fails here."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import autograd_lite

ROOT = Path(autograd_lite.__file__).parent
REPO = ROOT.parent

#: module -> the package modules it may import (ops.* stands for the modules inside autograd_lite/ops)
ALLOWED = {
    "kernels": set(),
    "modes": set(),
    "versions": set(),
    "anomaly": {"modes", "versions"},
    "data": set(),
    "domain": set(),
    "symbols": {"kernels"},
    "value": {"data", "kernels", "modes", "versions"},
    "op": {"domain", "modes", "symbols", "value"},
    "functional": {"kernels", "symbols", "op", "value"},
    "ops": {"data", "functional", "kernels", "op", "value", "ops"},
    "fastpath": {"kernels", "versions"},
    "engine": {"anomaly", "data", "fastpath", "kernels", "modes", "value", "versions"},
    "func": {"engine", "modes", "ops", "value"},
    "compiler": {"anomaly", "data", "engine", "functional", "kernels", "modes", "symbols", "value", "versions"},
    "gradcheck": {"data", "engine", "value"},
    "testing": {"engine", "gradcheck", "op", "value"},
    "__main__": {"__init__"},
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return "ops" if rel.parts[0] == "ops" else rel.parts[0] if rel.parts[0] != "__init__" else "__init__"


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported autograd_lite module, line, at module level?) for each import of the package in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    package = path.relative_to(REPO).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = list(package[: len(package) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
                names = [target + [a.name] for a in node.names] if not node.module else [target]
            else:
                names = [(node.module or "").split(".")]
            for parts in names:
                if parts and parts[0] == "autograd_lite":
                    found.append((".".join(parts), node.lineno, id(node) in top_level))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "autograd_lite":
                    found.append((alias.name, node.lineno, id(node) in top_level))
    return found


def _core_target(dotted: str) -> str:
    parts = dotted.split(".")[1:]
    if not parts or not ((ROOT / parts[0]).with_suffix(".py").exists() or (ROOT / parts[0]).is_dir()):
        return "__init__"  # a name the package exports (`from . import Value`)
    return "ops" if parts[0] == "ops" else parts[0]


CORE = sorted(p for p in ROOT.rglob("*.py") if "viz" not in p.relative_to(ROOT).parts)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_modules_import_only_the_layers_below_them(path):
    name = _module_name(path)
    if name == "__init__":
        return  # the package gathers everything (and makes the one late binding)
    for target, line, top in _imports(path):
        module = _core_target(target)
        if module == name and name != "ops":
            continue
        assert top, f"{path.name}:{line} imports {target} inside a function: import at the top, one way"
        assert module in ALLOWED[name], f"{path.name}:{line}: {name} must not import {target}"


def _public_only(path: Path) -> None:
    public = set(autograd_lite.__all__)
    for target, line, _ in _imports(path):
        if target.startswith("autograd_lite.viz"):
            continue
        tree_line = path.read_text(encoding="utf-8").splitlines()[line - 1]
        assert target == "autograd_lite" or target.removeprefix("autograd_lite.") in public, \
            f"{path}:{line} reaches inside autograd_lite ({tree_line.strip()}); use the public API"


@pytest.mark.parametrize("path", sorted((ROOT / "viz").rglob("*.py")) + sorted((REPO / "nn").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_viz_and_nn_use_only_the_public_api(path):
    _public_only(path)
    if "nn" in path.parts:
        assert all(not t.startswith("autograd_lite.viz") or "__main__" in path.name for t, _, _ in _imports(path))


def test_there_is_one_late_binding_and_it_is_documented():
    value = (ROOT / "value.py").read_text(encoding="utf-8")
    assert "the one late binding" in value and "def connect(" in value
    init = (ROOT / "__init__.py").read_text(encoding="utf-8")
    assert init.count("value.connect(") == 1
    assert autograd_lite.value._ops is autograd_lite.ops and autograd_lite.value._engine is autograd_lite.engine


def test_the_checker_catches_a_forbidden_import(tmp_path, monkeypatch):
    shutil.copytree(ROOT, tmp_path / "autograd_lite")
    copy = tmp_path / "autograd_lite" / "engine.py"
    copy.write_text(copy.read_text(encoding="utf-8") + "\nfrom . import ops as _forbidden  # noqa\n", encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path / "autograd_lite")
    monkeypatch.setitem(globals(), "REPO", tmp_path)
    with pytest.raises(AssertionError, match="engine must not import autograd_lite.ops"):
        test_core_modules_import_only_the_layers_below_them(copy)
