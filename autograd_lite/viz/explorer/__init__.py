"""autograd_lite.viz.explorer: a live backprop explorer (an anywidget) and its standalone HTML export.

``explore(J)`` is the entry point (also ``autograd_lite.viz.explore``). Importing this package
imports neither anywidget nor the JavaScript assets: `explore` loads them when it is called.
"""

from .explore import explore
from .replay import Replayed, ReplayError, replay

__all__ = ["ReplayError", "Replayed", "explore", "replay"]
