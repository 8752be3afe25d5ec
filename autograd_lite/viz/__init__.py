"""autograd_lite.viz: see backprop — computation graphs drawn with graphviz, backward step by step, chain rules.

``from autograd_lite.viz import draw_graph, backward_steps, explain, explore``. Never imported by
``autograd_lite`` itself, so ``import autograd_lite`` stays fast; `dot` is only needed to render.
"""

from .dot import DotNotFoundError, ValueGraph
from .explain import ChainPath, Explanation, explain
from .explorer import ReplayError, explore, replay
from .graph import GraphTooLargeError, all_nodes, draw_graph
from .render import render_graph, to_png, to_svg, write_graph
from .slider import StepFrames, step_slider
from .steps import Step, backward_steps

__all__ = [
    "ChainPath", "DotNotFoundError", "Explanation", "GraphTooLargeError", "ReplayError", "Step", "StepFrames",
    "ValueGraph", "all_nodes", "backward_steps", "draw_graph", "explain", "explore", "render_graph", "replay",
    "step_slider", "to_png", "to_svg", "write_graph",
]
