"""Every notebook of the course runs top to bottom in a fresh kernel; a failing cell fails here.

Each notebook also has the course's shape: it opens with what you will learn, cites the
tutorial's sections, and closes with exercises. Notebooks are committed without outputs.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_the_course_has_twelve_numbered_notebooks_listed_in_its_readme():
    assert [int(p.name[:2]) for p in NOTEBOOKS] == list(range(1, 13))
    readme = (NOTEBOOKS[0].parent / "README.md").read_text(encoding="utf-8")
    assert all(f"({p.name})" in readme for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    dirty = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; run nbstripout on it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_goals_cites_the_tutorial_and_ends_with_exercises(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert markdown and re.search(r"what you will learn", markdown[0], re.I), "first cell: what you will learn"
    assert any(re.search(r"section\s+\d+", m, re.I) for m in markdown), "cite the tutorial's sections"
    assert any(re.search(r"^#+\s*exercises", m, re.I | re.M) for m in markdown[-3:]), "end with exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, executed_notebook):
    # executed once per run, in a fresh kernel; the site build (tests/docs) reads the same copy.
    # A failing cell raises CellExecutionError there, naming the cell.
    nb = nbformat.read(executed_notebook(path), as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
