"""The course site builds offline with warnings as errors: the README's tour, the API, the twelve executed notebooks.

The build reads the copies the notebook tests executed (each notebook runs once per test run), and its pages
load nothing from the network: no script, stylesheet, font or picture from an http(s) address.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BUILD_COMMAND = ".venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html"
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


@pytest.fixture(scope="module")
def site(executed_notebook, tmp_path_factory) -> Path:
    """The site built as the README says (``-W --keep-going``) from the executed notebooks; its html folder."""
    (folder,) = {executed_notebook(path).parent for path in NOTEBOOKS}
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "AUTOGRAD_LITE_EXECUTED_NOTEBOOKS": str(folder)}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d", str(out / "doctrees"),
         str(ROOT / "docs"), str(out / "html")],
        env=env, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stderr[-8000:]}"
    return out / "html"


class _Links(HTMLParser):
    """The addresses a page loads: scripts, stylesheets and icons, pictures, frames; and its inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        wanted = {"script": "src", "img": "src", "iframe": "src", "source": "src", "link": "href"}
        if tag in wanted and attrs.get(wanted[tag]):
            self.loads.append(attrs[wanted[tag]])
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _urls_in_css(text: str) -> list[str]:
    return re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text)


def test_the_readme_gives_one_command_that_builds_the_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pip install -e '.[docs]' && {BUILD_COMMAND}" in readme
    assert "docs/_build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_no_page_loads_anything_from_the_network(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 15
    for page in pages:
        links = _Links()
        links.feed(page.read_text(encoding="utf-8"))
        remote = [u for u in links.loads + [u for s in links.styles for u in _urls_in_css(s)] if REMOTE.match(u)]
        assert not remote, f"{page.relative_to(site)} loads {remote}"
    for sheet in sorted(site.rglob("*.css")):
        remote = [u for u in _urls_in_css(sheet.read_text(encoding="utf-8")) if REMOTE.match(u)]
        assert not remote, f"{sheet.relative_to(site)} loads {remote}"


def test_math_is_rendered_by_the_vendored_mathjax(site):
    page = (site / "notebooks" / "02_learning_by_sgd.html").read_text(encoding="utf-8")
    assert 'src="../_static/mathjax/tex-svg-full.js' in page
    assert (site / "_static" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000
    assert r"\frac" in page or r"\partial" in page   # TeX left for MathJax to typeset


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_page_shows_its_outputs_and_pictures(site, path, executed_notebook):
    page = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
    nb = nbformat.read(executed_notebook(path), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    pictures = [o for o in outputs if {"image/png", "image/svg+xml"} & set(o.get("data", {}))]
    assert outputs and "cell_output" in page
    shown = len(re.findall(r'<img[^>]+src="\.\./_images/', page)) + page.count("<svg")
    assert shown >= len(pictures), f"{path.name}: {len(pictures)} pictures in the notebook, {shown} on its page"
    assert "jupyter-widgets" not in page and "widget-view+json" not in page


def test_widgets_become_a_note_and_the_picture_their_sliders_first_draw(site):
    page = (site / "notebooks" / "01_movie_ratings_and_the_sigmoid.html").read_text(encoding="utf-8")
    note = page.index("open the notebook in JupyterLab to move them")
    assert re.search(r'<img[^>]+src="\.\./_images/', page[note:note + 3000])
    explorer = (site / "notebooks" / "04_backpropagation.html").read_text(encoding="utf-8")
    assert "A live widget here" in explorer


def test_the_api_reference_documents_every_public_module(site):
    page = (site / "api.html").read_text(encoding="utf-8")
    for name in ("autograd_lite.Value", "autograd_lite.Value.backward", "autograd_lite.no_grad",
                 "autograd_lite.func.hessian", "autograd_lite.viz.draw_graph", "autograd_lite.viz.explore",
                 "nn.MLP", "nn.fit", "nn.optim.SGD", "nn.optim.Adam", "nn.course.check_02_exercise_1"):
        assert f'id="{name}"' in page, f"{name} is missing from the API reference"


def test_the_front_page_is_the_readme_tour_and_links_the_course(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "A short tour" in page and "What a Value holds" in page and "See backprop" in page
    course = (site / "notebooks" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{p.stem}.html"' in course for p in NOTEBOOKS)
    assert (site / "notebooks" / "TEACHING.html").exists()
