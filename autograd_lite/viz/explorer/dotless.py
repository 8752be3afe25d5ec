"""A DOT graph drawn by the browser when Graphviz's `dot` is missing: HTML that runs Graphviz in WebAssembly.

What a `draw_graph` result shows in a notebook when rendering it fails for lack of `dot`.
"""

from __future__ import annotations

import html
import json
import uuid

from .assets import inline_script, module_source


def wasm_html(source: str, message: str) -> str:
    """HTML that lays out `source` in the browser (Viz.js); `message` is shown above it, the source below."""
    target = f"al-dot-{uuid.uuid4().hex}"
    boot = (f"\nconst al_target = document.getElementById({json.dumps(target)});\n"
            f"renderDot({json.dumps(source)}).then((svg) => {{ svg.style.maxWidth = '100%'; svg.style.height = 'auto';"
            " al_target.querySelector('.al-dot-picture').replaceChildren(svg); })"
            ".catch((error) => { al_target.querySelector('.al-dot-picture').textContent = String(error); });\n")
    return (f'<div id="{target}" class="al-dot-fallback">'
            '<p style="font-size:12px;color:#666;margin:0 0 4px">Drawn in the browser by Graphviz compiled to '
            f"WebAssembly: {html.escape(message)}</p>"
            '<div class="al-dot-picture">(drawing the graph: needs JavaScript)</div>'
            f'<details><summary style="font-size:12px;color:#666">DOT source</summary><pre>{html.escape(source)}'
            f'</pre></details><script type="module">{inline_script(module_source(math=False) + boot)}</script></div>')
