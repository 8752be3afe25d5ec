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


def test_without_dot_the_demo_writes_the_dot_source_and_says_how_to_install_graphviz(tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = dict(os.environ, PATH=str(empty))
    out = run_demo(tmp_path, env)
    source = tmp_path / "susan_network.gv"
    assert source.exists() and "digraph" in source.read_text(encoding="utf-8")
    assert "apt-get install graphviz" in out and "brew install graphviz" in out
    assert "2-2-1 network: 100%" in out
