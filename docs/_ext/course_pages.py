"""The course's notebooks made into site pages: executed once, their widgets turned into what a page can show.

A static page has no kernel, so a widget's sliders cannot move; its first picture (an Output widget's) is kept.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
from nbformat import NotebookNode

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: each notebook is written to run in under 60 s; this only guards against a hang
TIMEOUT_SECONDS = 240


def execute(path: Path) -> NotebookNode:
    """Run the notebook at ``path`` top to bottom in a fresh kernel (in its own folder) and return it with outputs.

    The kernel talks over unix sockets, not TCP, so kernels started at once never race for a port. A failing cell
    raises nbclient's ``CellExecutionError``, which names the cell.
    """
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(nb, km=km, timeout=TIMEOUT_SECONDS, startup_timeout=TIMEOUT_SECONDS,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    return nb


def same_cells(a: NotebookNode, b: NotebookNode) -> bool:
    """Whether two notebooks have the same cells (kind and source), whatever their outputs."""
    return [(c.cell_type, c.source) for c in a.cells] == [(c.cell_type, c.source) for c in b.cells]


def _captured_outputs(model_id: str, state: dict) -> list:
    """The outputs held by the Output widgets inside the widget ``model_id``, children first to last."""
    found, todo, seen = [], [model_id], set()
    while todo:
        key = todo.pop(0)
        if key in seen or key not in state:
            continue
        seen.add(key)
        model = state[key]
        found.extend(model.get("state", {}).get("outputs", []) if model.get("model_name") == "OutputModel" else [])
        children = model.get("state", {}).get("children", [])
        todo.extend(str(child).removeprefix("IPY_MODEL_") for child in children)
    return found


def _note(text: str) -> NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})


def static_widgets(nb: NotebookNode) -> NotebookNode:
    """Replace each widget output by a note and the pictures its Output widgets captured; drop the widget state.

    Without the state, the site loads no widget JavaScript (which would come from a CDN).
    """
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                outputs.append(output)
                continue
            captured = _captured_outputs(view["model_id"], state)
            if captured:
                outputs.append(_note("*Sliders here: open the notebook in JupyterLab to move them. "
                                     "Below, the picture they first draw.*"))
                outputs.extend(nbformat.from_dict(o) for o in captured)
            else:
                outputs.append(_note("*A live widget here: it runs in JupyterLab (`jupyter lab notebooks/`), "
                                     "not on this page.*"))
        cell.outputs = outputs
    return nb


def prepare(sources: Path, target: Path, executed: Path | None = None) -> list[Path]:
    """Write each numbered notebook of ``sources`` into ``target``, executed and with static widgets.

    With ``executed`` (a folder of copies the test suite ran, one per notebook), those outputs are used and the
    notebooks are not run again; a copy whose cells differ from its source is refused. A file is rewritten only
    when its content changes, so Sphinx rereads only what changed.
    """
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(sources.glob("[0-9][0-9]_*.ipynb")):
        if executed is not None:
            copy = executed / path.name
            if not copy.exists():
                raise FileNotFoundError(f"course_pages.prepare: no executed copy of {path.name} in {executed}; "
                                        "unset AUTOGRAD_LITE_EXECUTED_NOTEBOOKS to run the notebooks here")
            nb = nbformat.read(copy, as_version=4)
            if not same_cells(nb, nbformat.read(path, as_version=4)):
                raise ValueError(f"course_pages.prepare: {copy} was executed from an older {path.name} (its cells "
                                 "differ); run the notebook tests again or unset AUTOGRAD_LITE_EXECUTED_NOTEBOOKS")
        else:
            nb = execute(path)
        text = nbformat.writes(static_widgets(nb))
        out = target / path.name
        write_if_changed(out, text)
        written.append(out)
    return written


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless it already holds exactly that (Sphinx rereads files by their time)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def course_index(readme: str, pages: list[Path]) -> str:
    """The course's front page: ``notebooks/README.md`` and a table of contents of the notebooks and the guide."""
    names = "\n".join(page.stem for page in pages)
    return f"{readme.rstrip()}\n\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{names}\nTEACHING\n```\n"
