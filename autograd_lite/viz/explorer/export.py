"""The explorer as one self-contained HTML file: scripts, WebAssembly, styles and state inlined.

The page makes no network request of any kind; step-through and click-to-explain work from disk.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from .assets import inline_script, module_source, read

#: the page may run its own inline scripts and WebAssembly and nothing else: it cannot fetch anything
POLICY = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; "
          "style-src 'unsafe-inline'; img-src data:")
OFFLINE_NOTE = ("Live editing of inputs and parameters needs a running Python kernel: in Jupyter, "
                "autograd_lite.viz.explore(root) shows this explorer as a widget whose leaves you can change. "
                "Here, step through backward and click any node.")


def state_json(state: dict) -> str:
    """The state as JSON that can sit inside a ``<script>`` element."""
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def page(state: dict, title: str) -> str:
    """The whole HTML page for `state` (made offline: live editing off, with a note that says so)."""
    offline = dict(state, live=False, note=OFFLINE_NOTE if state.get("live") or not state.get("note")
                   else f"{OFFLINE_NOTE} ({state['note']})")
    boot = ("\nmount(document.getElementById('al-app'), "
            "JSON.parse(document.getElementById('al-state').textContent), {});\n")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{margin:16px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;"
        "background:#f1f3f5}h1{font-size:18px;margin:0 0 4px}header p{margin:0 0 10px;color:#495057;font-size:13px}"
        ".al-explorer .al-body{height:calc(100vh - 150px)}</style>\n"
        f"<style>{read('explorer.css')}</style>\n</head>\n<body>\n"
        f"<header><h1>{html.escape(title)}</h1><p>Made by autograd_lite.viz.explore: the computation graph, "
        "backward one step at a time, and the chain rule behind every gradient.</p></header>\n"
        '<div id="al-app"><noscript>This page needs JavaScript to draw the graph.</noscript></div>\n'
        f'<script type="application/json" id="al-state">{state_json(offline)}</script>\n'
        f'<script type="module">{inline_script(module_source() + boot)}</script>\n'
        "</body>\n</html>\n")


def save(state: dict, path: str | Path, title: str) -> Path:
    """Write the page for `state` to `path` (``.html`` added when it has no suffix); return the path."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".html")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(state, title), encoding="utf-8")
    return path
