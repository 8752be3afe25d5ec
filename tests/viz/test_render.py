"""Rendering: real SVG and PNG bytes through `dot`, and a clear way out when `dot` is missing."""

from __future__ import annotations

import graphviz
import pytest

from autograd_lite.viz import DotNotFoundError, draw_graph, render_graph, to_png, to_svg, write_graph

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
needs_dot = pytest.mark.usefixtures("dot_program")  # skips without dot, except in CI (tests/conftest.py)


@needs_dot
def test_svg_and_png_are_real_pictures(unit, tmp_path):
    unit.J.backward()
    svg = to_svg(unit.J, order=True, local_grads=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert "θ1" in svg and "#1" in svg  # the labels made it into the picture
    png = to_png(draw_graph(unit.J))
    assert png.startswith(PNG_MAGIC) and len(png) > 1000
    path = render_graph(unit.J, tmp_path / "unit", "png")
    assert path == tmp_path / "unit.png" and path.read_bytes().startswith(PNG_MAGIC)
    assert draw_graph(unit.J).render(tmp_path / "direct", format="svg").endswith(".svg")


@needs_dot
def test_the_graph_shows_inline_in_jupyter(unit):
    bundle = draw_graph(unit.J)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


@needs_dot
def test_write_graph_writes_an_svg_and_says_where(unit, tmp_path):
    path, message = write_graph(unit.J, tmp_path / "out" / "net", order=True, local_grads=True)
    assert path == tmp_path / "out" / "net.svg"
    assert "<svg" in path.read_text() and str(path) in message
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["net.svg"]  # no stray .gv


def test_missing_dot_gives_install_instructions_and_keeps_the_source(unit, no_dot):
    g = draw_graph(unit.J)
    with pytest.raises(DotNotFoundError) as info:
        to_svg(g)
    error = info.value
    assert isinstance(error, graphviz.ExecutableNotFound)  # code catching graphviz's error still works
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz"):
        assert hint in str(error)
    assert error.source == g.source and "digraph" in g.source
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        g.pipe(format="png")
    with pytest.raises(DotNotFoundError, match="brew install graphviz"):
        to_png(unit.J)
    bundle = g._repr_mimebundle_()  # Jupyter shows the hint and the source instead of a traceback
    assert "conda install graphviz" in bundle["text/plain"] and "digraph" in bundle["text/plain"]


def test_write_graph_without_dot_writes_the_source_and_never_fails(unit, no_dot, tmp_path):
    path, message = write_graph(unit.J, tmp_path / "net.svg", order=True, local_grads=True)
    assert path == tmp_path / "net.gv"
    assert path.read_text(encoding="utf-8") == draw_graph(unit.J, order=True, local_grads=True).source
    assert "apt-get install graphviz" in message and str(path) in message and "dot -Tsvg" in message
