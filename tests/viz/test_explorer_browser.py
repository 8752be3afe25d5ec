"""The explorer in a real browser: Debian's chromium, headless, driven by Playwright with the system browser.

Pages are opened from disk; no request other than the file itself may be made.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.viz import all_nodes, backward_steps, draw_graph, explore
from autograd_lite.viz.explorer.assets import inline_script, module_source, read
from autograd_lite.viz.labels import format_data

CHROMIUM = os.environ.get("AUTOGRAD_LITE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Headless chromium: skipped where it is absent, except in CI (CI=true), whose .ci/run installs it."""
    try:
        from playwright import sync_api
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is missing but CI is set (it is in the test extra)")
        pytest.skip("playwright is not installed (pip install playwright; never `playwright install`)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"chromium is missing at {CHROMIUM} but CI is set (.ci/run installs it)")
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


class Page:
    """A page opened from a file, recording console errors and every request it makes."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 820})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.uri = path.resolve().as_uri()
        self.page.goto(self.uri)

    def check_clean(self) -> None:
        assert self.errors == []
        assert self.requests == [self.uri]  # the file itself, and nothing else of any kind

    def node_id(self, selector: str) -> str:
        return self.page.locator(selector).get_attribute("data-value-id")


def ready(page) -> None:
    page.wait_for_selector(".al-explorer[data-ready=true]", timeout=30_000)


def test_the_exported_page_explains_and_steps_through_backward(browser, network, tmp_path):
    w = explore(network.J, widget=False)
    path = w.save(tmp_path / "network.html")
    view = Page(browser, path)
    page = view.page
    ready(page)
    nodes = all_nodes(w.root)
    assert page.locator("svg g.node").count() == len(nodes)  # one SVG node per Value
    ids = sorted(page.locator("svg g.node").evaluate_all("gs => gs.map(g => g.dataset.valueId)"))
    assert ids == sorted(w.ids.values())

    theta1 = next(v for v in nodes if v.label == "θ1")
    page.click(f'g.node[data-value-id="{w.ids[theta1]}"]')
    panel = page.locator(".al-node-info")
    assert panel.locator(".al-node-grad").inner_text() == format_data(theta1.grad)
    record = next(r for r in w.state["nodes"] if r["label"] == "θ1")
    terms = panel.locator("tr.al-term")
    assert terms.count() == len(record["sum"]["terms"]) == 1
    assert terms.first.locator(".al-term-product").inner_text() == record["sum"]["terms"][0]["product"]
    assert panel.locator("math").count() >= 2  # the chain-rule sum and explain's derivation, rendered as MathML
    assert "x1" in panel.inner_text()  # ∂(θ1·x1)/∂θ1 = x1, the local derivative on its edge

    h1 = network_node(nodes, "h1")
    page.click(f'g.node[data-value-id="{w.ids[h1]}"]')
    h1_record = next(r for r in w.state["nodes"] if r["label"] == "h1")
    assert [t.inner_text() for t in panel.locator(".al-term-product").all()] == \
        [t["product"] for t in h1_record["sum"]["terms"]]

    steps = backward_steps(w.root)
    assert page.locator("g.node.al-current").get_attribute("data-value-id") == w.ids[steps[0].node]
    for k in range(1, 8):
        page.click('button[data-action="next"]')
        assert page.locator("g.node.al-current").count() == 1
        assert view.node_id("g.node.al-current") == w.ids[steps[k].node]
    assert page.locator(".al-step-info").inner_text().count("×") == len(steps[7].contributions)
    page.locator('input[data-toggle="local"]').check()
    page.wait_for_function("document.querySelector('.al-graph svg').textContent.includes('∂')")
    assert view.node_id("g.node.al-current") == w.ids[steps[7].node]  # the frame survives a redraw
    page.screenshot(path=str(tmp_path / "explorer.png"))
    assert (tmp_path / "explorer.png").stat().st_size > 10_000
    assert "needs a running Python kernel" in page.locator(".al-note").inner_text()
    view.check_clean()


def network_node(nodes, label):
    return next(v for v in nodes if v.label == label)


def test_collapsing_modules_and_sizing_edges(browser, tmp_path):
    x = Value(1.5, requires_grad=False, label="x")
    hidden = []
    for i in range(3):
        with ag.scope(f"layers.0.neurons.{i}"):
            hidden.append((Value(0.2 * i - 0.3, label=f"w{i}") * x + Value(0.1, label=f"b{i}")).tanh())
    J = (hidden[0] + hidden[1] * hidden[2]) ** 2
    J.label = "J"
    w = explore(J, widget=False)
    view = Page(browser, w.save(tmp_path / "scoped.html"))
    page = view.page
    ready(page)
    assert page.locator("svg g.node").count() == len(all_nodes(w.root))
    page.locator('input[data-toggle="collapse"]').check()
    page.wait_for_selector('g.node[data-value-id="scope layers.0.neurons.0"]')
    count = page.locator("svg g.node").count()
    assert count == len({r["box"] or r["id"] for r in w.state["nodes"]})
    page.locator('input[data-toggle="sizes"]').check()
    sized = page.locator("g.edge.al-sized, g.edge.al-sized-zero").count()
    assert sized == sum(1 for e in w.state["edges"] if not any(
        r["box"] for r in w.state["nodes"] if r["id"] in (e["from"], e["to"])))
    page.locator('input[data-toggle="collapse"]').uncheck()
    page.wait_for_function(f"document.querySelectorAll('svg g.node').length === {len(all_nodes(w.root))}")
    assert page.locator("g.edge.al-sized, g.edge.al-sized-zero").count() == len(w.state["edges"])
    view.check_clean()


def test_without_dot_a_notebook_picture_is_drawn_by_webassembly(browser, unit, no_dot, tmp_path):
    bundle = draw_graph(unit.J, order=True)._repr_mimebundle_()
    path = tmp_path / "dotless.html"
    path.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{bundle['text/html']}</body>", encoding="utf-8")
    view = Page(browser, path)
    view.page.wait_for_selector(".al-dot-picture svg", timeout=30_000)
    assert view.page.locator(".al-dot-picture svg g.node").count() == len(all_nodes(unit.J))
    assert "#1" in view.page.locator(".al-dot-picture svg").text_content()
    view.check_clean()


def test_the_widget_module_sends_edits_and_redraws_new_state(browser, unit, tmp_path):
    """The anywidget side of the protocol, with a stand-in for anywidget's model (no Jupyter needed)."""
    pytest.importorskip("anywidget")
    w = explore(unit.J)
    model = ("const listeners = {}; window.sent = [];\n"
             "window.model = { state: JSON.parse(document.getElementById('state').textContent),\n"
             "  get(name) { return this[name]; }, send(message) { window.sent.push(message); },\n"
             "  on(event, callback) { (listeners[event] = listeners[event] || []).push(callback); },\n"
             "  set(name, value) { this[name] = value; (listeners['change:' + name] || []).forEach((f) => f()); },\n"
             "  custom(message) { (listeners['msg:custom'] || []).forEach((f) => f(message)); } };\n")
    state = json.dumps(w.state).replace("</", "<\\/")
    page_html = ("<!DOCTYPE html><meta charset='utf-8'>"
                 f"<style>{read('explorer.css')}</style><div id='app'></div>"
                 f"<script type='application/json' id='state'>{state}</script>"
                 f"<script type='module'>{inline_script(module_source())}\n{model}"
                 "render({ model: window.model, el: document.getElementById('app') });</script>")
    path = tmp_path / "widget.html"
    path.write_text(page_html, encoding="utf-8")
    view = Page(browser, path)
    page = view.page
    ready(page)
    theta = next(r for r in w.state["nodes"] if r["label"] == "θ1")
    page.click(f'g.node[data-value-id="{theta["id"]}"]')
    page.fill(".al-edit-number", "1.25")
    page.press(".al-edit-number", "Enter")
    page.wait_for_function("window.sent.length > 0")
    (message,) = page.evaluate("window.sent")
    assert message == {"type": "edit", "id": theta["id"], "value": 1.25}
    w._on_message(w, message, [])  # Python replays the graph; the model then carries the new state
    page.evaluate("state => window.model.set('state', state)", w.state)
    new_grad = next(r for r in w.state["nodes"] if r["label"] == "θ1")["grad"]
    page.wait_for_function(f"document.querySelector('.al-node-grad').textContent === {json.dumps(new_grad)}")
    assert page.locator(".al-node-data").inner_text() == "1.2500"
    page.evaluate("window.model.custom({type: 'error', message: 'replay: refused'})")
    assert page.locator(".al-error").inner_text() == "replay: refused"
    view.check_clean()
