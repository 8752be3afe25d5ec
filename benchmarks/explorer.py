"""The backprop explorer's budgets (issue 12): export size, draw time in a headless browser, one live edit.

- the page `explore(J).save(...)` writes for a 300-node graph (a 2-7-8-1 ``nn.ScalarMLP``'s loss, 283
  Values, then 17 tanh to make exactly 300), in bytes: budget 3 MB;
- its draw time in headless chromium, from navigation to the graph drawn and tagged (Graphviz's
  WebAssembly instantiated, the layout done): budget 2 s, the median of several fresh page loads;
- one live edit of a leaf of Susan's 2-2-1 network in the kernel (replay forward and backward, the new
  state, and its JSON as the widget sends it): budget 300 ms, the median of many edits.

Run: ``python -m benchmarks.explorer [--loads 5] [--edits 30]`` (needs playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import nn
from autograd_lite.viz import all_nodes, explore

from ._timing import machine

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
BUDGETS = {"export bytes": 3_000_000, "draw seconds": 2.0, "edit seconds": 0.3}


def big_graph():
    net = nn.ScalarMLP(2, [7, 8, 1], seed=0)
    loss = nn.squared_error(net([0.5, -1.0]), 1.0)
    for _ in range(300 - len(all_nodes(loss))):
        loss = loss.tanh()
    loss.label = "J"
    assert len(all_nodes(loss)) == 300
    return loss


def susan_loss():
    net = nn.ScalarMLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=2)
    loss = (net([1.0, 5.0]) - 0.0) ** 2
    loss.label = "J"
    return loss


def draw_seconds(path: Path, loads: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1400, "height": 820})
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_selector(".al-explorer[data-ready=true]", timeout=60_000)
            times.append(time.perf_counter() - start)
            assert page.locator("svg g.node").count() == 300
            page.close()
        browser.close()
    return times


def edit_seconds(edits: int) -> list[float]:
    w = explore(susan_loss(), widget=False)
    theta = next(r["id"] for r in w.state["nodes"] if r["label"] == "θ1")
    times = []
    for i in range(edits):
        start = time.perf_counter()
        state = w.edit(theta, 0.1 * i - 1.0)
        json.dumps(state)  # what the widget's trait sync serialises
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        path = explore(big_graph(), widget=False).save(Path(folder) / "big.html")
        build = time.perf_counter() - start
        size = path.stat().st_size
        draws = draw_seconds(path, args.loads)
    edits = edit_seconds(args.edits)
    results = {"export bytes": size, "draw seconds": statistics.median(draws),
               "edit seconds": statistics.median(edits)}
    print(f"300-node graph: explore + save took {build:.2f} s in Python")
    print(f"export size: {size:,} bytes ({size / 1e6:.2f} MB; budget 3 MB)")
    print(f"draw in headless chromium: median {results['draw seconds']:.2f} s over {len(draws)} loads "
          f"(min {min(draws):.2f}, max {max(draws):.2f}; budget 2 s)")
    print(f"live edit of θ1 in Susan's 2-2-1 network: median {results['edit seconds'] * 1000:.1f} ms over "
          f"{len(edits)} edits (max {max(edits) * 1000:.1f} ms; budget 300 ms)")
    over = [name for name, budget in BUDGETS.items() if results[name] > budget]
    if over:
        raise SystemExit(f"over budget: {', '.join(over)}")


if __name__ == "__main__":
    main()
