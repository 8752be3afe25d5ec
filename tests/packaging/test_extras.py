"""`pip install -e '.[notebooks]'` gives everything the course needs: a Jupyter front end and every import.

Read from pyproject.toml (no new venv is built): the extra's requirements, and each import of the
notebooks and of the package modules they use mapped to its distribution by the installed metadata.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
from pathlib import Path

import nbformat
import tomllib

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OWN = {"autograd_lite", "nn"}


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _extra(name: str, seen: frozenset = frozenset()) -> set[str]:
    """The distributions an extra brings, its own extras (autograd-lite[explorer]) unfolded."""
    found = set()
    for requirement in PROJECT["optional-dependencies"][name]:
        nested = re.fullmatch(r"autograd-lite\[(\w+)\]", requirement)
        if nested and nested.group(1) not in seen:
            found |= _extra(nested.group(1), seen | {name})
        elif not nested:
            found |= _names([requirement])
    return found


def _imports(source: str, package: str = "") -> set[str]:
    """Modules imported by `source` (relative ones resolved in `package`), leaving out imports guarded by
    ``except ImportError``."""
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    guarded = set()
    for node in ast.walk(tree):
        catches = {h.type.id for h in getattr(node, "handlers", []) if isinstance(h.type, ast.Name)}
        if isinstance(node, ast.Try) and catches & {"ImportError", "ModuleNotFoundError"}:
            guarded |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found |= {module} | {f"{module}.{a.name}" for a in node.names}
    return found


def _closure(modules: set[str]) -> set[str]:
    """`modules` and, for the project's own modules among them, what those import in turn."""
    todo, seen = list(modules), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name.split(".")[0] in OWN:
            path = ROOT / Path(*name.split("."))
            for file, package in ((path.with_suffix(".py"), name.rsplit(".", 1)[0]), (path / "__init__.py", name)):
                if file.is_file():
                    todo += _imports(file.read_text(encoding="utf-8"), package)
    return {name.split(".")[0] for name in seen}


def test_the_notebooks_extra_installs_a_jupyter_front_end_and_hypothesis():
    extra = _extra("notebooks")
    assert extra & {"jupyterlab", "notebook"}, f"no Jupyter front end in the notebooks extra: {sorted(extra)}"
    assert "hypothesis" in extra and "ipykernel" in extra
    readme, course = ((ROOT / "README.md").read_text(encoding="utf-8"),
                      (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8"))
    command = "pip install -e '.[notebooks]' && .venv/bin/jupyter lab notebooks/"
    assert command in readme and command in course   # one command opens the course


def _with_their_requirements(distributions: set[str]) -> set[str]:
    """`distributions` and everything they require in turn (not their optional extras), per installed metadata."""
    todo, seen = list(distributions), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += _names([r for r in requires if "extra ==" not in r])
    return seen


def test_every_notebook_import_is_installed_by_the_notebooks_extra_alone():
    provided = _with_their_requirements(_names(PROJECT["dependencies"]) | _extra("notebooks"))
    by_module = metadata.packages_distributions()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        modules = _closure(set().union(*(_imports(c.source) for c in nb.cells if c.cell_type == "code")))
        for module in sorted(modules - OWN - set(sys.stdlib_module_names)):
            distributions = {d.lower().replace("_", "-") for d in by_module.get(module, [])}
            assert distributions & provided, (
                f"{path.name} imports {module!r} (from {sorted(distributions) or 'no installed distribution'}), "
                "which neither the dependencies nor the notebooks extra install")
