"""Shared test settings: hypothesis profiles sized for a developer's run and for CI, and the course's notebooks
executed once per run (the notebook tests and the site build read the same executed copies)."""

import fcntl
import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path

# One BLAS thread for the test process and the notebook kernels it starts: pytest-xdist already
# runs a worker per core, and nested BLAS threads oversubscribe a small machine many times over.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import pytest  # noqa: E402  (after the environment above, before numpy loads)
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def dot_program() -> str:
    """Graphviz's `dot`: tests that render skip without it, except where CI demands it."""
    path = shutil.which("dot")
    if path is None:
        if os.environ.get("AUTOGRAD_LITE_REQUIRE_DOT"):
            pytest.fail("Graphviz's dot is missing but AUTOGRAD_LITE_REQUIRE_DOT is set (.ci/run installs it)")
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    return path


def _course_pages():
    """docs/_ext/course_pages.py, which runs the course's notebooks for the site and for these tests alike."""
    path = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "course_pages.py"
    spec = importlib.util.spec_from_file_location("course_pages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def executed_notebook(tmp_path_factory, worker_id) -> Callable[[Path], Path]:
    """``executed_notebook(path)``: the notebook run top to bottom, once per test run whichever test asks first.

    The copies live in a folder all xdist workers share; a lock per notebook makes a second asker wait for the
    first run instead of starting its own. A notebook that failed fails every test that asks for it.
    """
    import nbformat

    root = tmp_path_factory.getbasetemp()
    folder = (root if worker_id == "master" else root.parent) / "executed-notebooks"
    folder.mkdir(exist_ok=True)
    pages = _course_pages()

    def executed(path: Path) -> Path:
        out, failed = folder / path.name, folder / f"{path.name}.error"
        with open(folder / f"{path.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not out.exists() and not failed.exists():
                try:
                    nb = pages.execute(path)
                except Exception as error:
                    failed.write_text(f"{type(error).__name__}: {error}", encoding="utf-8")
                    raise
                partial = out.with_suffix(".partial")
                nbformat.write(nb, partial)
                partial.replace(out)
        if failed.exists():
            pytest.fail(f"{path.name} failed when another test ran it:\n{failed.read_text(encoding='utf-8')}")
        return out

    return executed
