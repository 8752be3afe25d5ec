"""Every notebook of the course runs top to bottom in a fresh kernel; a failing cell fails here.

Each notebook also has the course's shape: it opens with what you will learn, cites the
tutorial's sections, and closes with exercises. Notebooks are committed without outputs.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GUARD_SECONDS = 240  # a hang guard, far above the 60 s each notebook is written to need


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
def test_notebook_runs_top_to_bottom(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    # the kernel talks over unix sockets in tmp_path, not TCP: two kernels started at once (xdist)
    # can otherwise pick the same free port, and the second then waits forever
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = NotebookClient(nb, km=km, timeout=GUARD_SECONDS, startup_timeout=GUARD_SECONDS,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, when any cell fails
    errors = [o for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
