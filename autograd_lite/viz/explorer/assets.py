"""The explorer's static files (its JavaScript, CSS and the vendored Viz.js and KaTeX), read from the package.

`module_source` is the one ES module both hosts run: the vendored libraries, then ``static/explorer.js``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

VENDOR_FILES = {"Viz": "vendor/viz-global.js", "katex": "vendor/katex.min.js"}


@cache
def read(name: str) -> str:
    """A file of ``static/`` as text (``"explorer.js"``, ``"vendor/katex.min.js"``)."""
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _wrapped(global_name: str, path: str) -> str:
    """A vendored UMD script run as a CommonJS module inside a function, so that neither a page's AMD
    loader (``define``) nor its globals see it; its exports land on ``globalThis.__autogradLiteVendor``."""
    return (f"(function (vendor) {{ if (vendor.{global_name}) return; const module = {{ exports: {{}} }};\n"
            "const exports = module.exports; const define = undefined;\n"
            f"{read(path)}\n;vendor.{global_name} = module.exports;\n"
            "})(globalThis.__autogradLiteVendor = globalThis.__autogradLiteVendor || {});\n")


@cache
def module_source(math: bool = True) -> str:
    """The explorer's ES module with Viz.js (and KaTeX, with `math`) placed before it."""
    libraries = [_wrapped(name, path) for name, path in VENDOR_FILES.items() if math or name != "katex"]
    return "".join(libraries) + read("explorer.js")


def inline_script(source: str) -> str:
    """JavaScript made safe inside an HTML ``<script>`` element (no ``</script`` ends it early)."""
    return source.replace("</script", "<\\/script").replace("<!--", "<\\!--")
