"""`python -m nn`: the tutorial end to end, and the 2-2-1 network's graph written to a file."""

import os
import re
import subprocess
import sys
from pathlib import Path


def run_demo(cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "nn"], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_demo_walks_the_tutorial_and_writes_the_network_graph(tmp_path, dot_program):
    out = run_demo(tmp_path)
    assert "training accuracy: 100% of" in out                      # the sigmoid unit on the movies
    assert re.search(r"Gravity \(3, 3\): h = 0\.\d+ -> (watch|skip) it", out)
    assert "2-2-1 network: 100%" in out
    test_accuracy = float(re.search(r"test accuracy (\d+\.\d)%", out).group(1))
    assert test_accuracy >= 97.0
    svg = tmp_path / "susan_network.svg"
    assert f"wrote the computation graph to {svg}" in out
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "θ1" in text and "ω2" in text and "#1" in text
    # an example whose gradients teach something: a training example, no parameter's gradient below 1e-2
    drawn = re.search(r"x = \(([\d.]+), ([\d.]+)\), y = ([01])\.0, .* the smallest ([\d.e-]+);", out)
    assert drawn, out
    import nn
    X, y = nn.datasets.susan()
    example = [float(drawn.group(1)), float(drawn.group(2))]
    assert any(list(row) == example and label == int(drawn.group(3)) for row, label in zip(X, y, strict=True))
    assert float(drawn.group(4)) >= 1e-2
    number = r"(?:&#45;|-)?[\d.]+(?:e(?:&#45;|-)?\d+)?"   # graphviz writes a minus sign as &#45;
    grads = [abs(float(g.replace("&#45;", "-"))) for g in re.findall(rf">grad ({number})<", text)]
    assert len(grads) >= 9 and min(grads) >= 1e-3      # every node's gradient, not just the parameters'
    width = float(re.search(r'<svg width="(\d+)pt"', text).group(1))
    assert width <= 1000                               # fits a screen's width at its natural size


def test_without_dot_the_demo_writes_the_dot_source_and_says_how_to_install_graphviz(tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = dict(os.environ, PATH=str(empty))
    out = run_demo(tmp_path, env)
    source = tmp_path / "susan_network.gv"
    assert source.exists() and "digraph" in source.read_text(encoding="utf-8")
    assert "apt-get install graphviz" in out and "brew install graphviz" in out
    assert "2-2-1 network: 100%" in out
