"""The README's Python examples run as written (in order, sharing one namespace)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files the examples write (the explorer's page) land here
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no python examples"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102
    assert namespace["W"].grad.shape == (64, 10)
    assert isinstance(namespace["t1"].grad, float)
    assert (tmp_path / "backprop.html").stat().st_size > 1_000_000  # the page, with Viz.js and KaTeX inlined
