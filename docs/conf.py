"""Sphinx configuration of the course site: the README's tour, the API from its docstrings, the executed notebooks.

Builds offline: MathJax is vendored in ``_static/mathjax``; no intersphinx, no widget JavaScript, no CDN.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

import course_pages  # noqa: E402  (docs/_ext, put on the path just above)

# The notebooks become pages in docs/notebooks/ (generated, git-ignored): executed here, or taken from the copies
# the test suite executed (AUTOGRAD_LITE_EXECUTED_NOTEBOOKS names their folder), so CI runs each notebook once.
_executed = os.environ.get("AUTOGRAD_LITE_EXECUTED_NOTEBOOKS")
_pages = course_pages.prepare(ROOT / "notebooks", DOCS / "notebooks", Path(_executed) if _executed else None)
course_pages.write_if_changed(DOCS / "notebooks" / "TEACHING.md",
                              (ROOT / "notebooks" / "TEACHING.md").read_text(encoding="utf-8"))
course_pages.write_if_changed(DOCS / "notebooks" / "index.md", course_pages.course_index(
    (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8"), _pages))

project = "autograd_lite"
author = "the autograd_lite maintainers"
copyright = "the autograd_lite maintainers (MIT licence)"  # noqa: A001  (Sphinx's own name for it)

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.mathjax"]
exclude_patterns = ["_build", "_ext", "**.ipynb_checkpoints"]

# MyST: $…$ and $$…$$ math as the notebooks write it; heading anchors for in-page links
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# myst-nb: never execute here (course_pages.prepare did, or the test suite); fail on any error output kept
nb_execution_mode = "off"
nb_output_stderr = "show"

# autodoc: signatures with their type hints, members in source order
autodoc_member_order = "bysource"
autodoc_typehints = "signature"

# MathJax from _static (TeX in, SVG out: no web fonts); its menu off, as its speech tools would fetch from a CDN
mathjax_path = "mathjax/tex-svg-full.js"
mathjax3_config = {"options": {"enableMenu": False}}

html_theme = "furo"
html_title = "autograd_lite: backpropagation by doing"
html_static_path = ["_static"]
