"""The backward program: the chain rule written out, node by node, from the ops' own rules.

Nodes are visited in the order ``backward()`` visits them; each rule is applied to the program's
variables (`source.call`), run once on the traced data to learn its result's shape and whether the
array is its own (then a gradient accumulates into it in place, or is written into a buffer), and
its result is summed back to its input's shape where broadcasting made it larger.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from .. import kernels as K
from ..engine import seed, topological_order
from ..value import Value
from .source import Namespace, call, literal, node_formula, params_text, rule_comment, shape_text, wrapped
from .trace import Recording


def _owned(result: Any, received: list[Any]) -> bool:
    """Whether an array a rule returned is its own (fresh, writable): safe to accumulate into in place."""
    if type(result) is not np.ndarray or not result.flags.writeable:
        return False
    return not any(type(r) is np.ndarray and np.may_share_memory(result, r) for r in received)


_BUFFERED = {ast.Mult: "multiply", ast.Add: "add", ast.Sub: "subtract", ast.Div: "true_divide",
             ast.MatMult: "matmul"}


def _into_buffer(expression: str) -> tuple[str, list[str]] | None:
    """For ``a * b`` (one operator at the top): the ufunc that computes it and its operands, to write
    ``np.multiply(a, b, out=buffer)``: the same numbers, into memory allocated once. None otherwise."""
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(tree, ast.BinOp) and type(tree.op) in _BUFFERED:
        return _BUFFERED[type(tree.op)], [ast.unparse(tree.left), ast.unparse(tree.right)]
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.USub):
        return "negative", [ast.unparse(tree.operand)]
    return None


def backward(rec: Recording, root: Value, needs: dict[int, bool], var: dict[int, str], saved: dict[int, str],
             shown: dict[int, str], ns: Namespace, args: list[str], buffers: bool
              ) -> tuple[list[str], list[Value], list[int], list[Any], list[str]]:
    """The backward lines; the parameters (and input leaves) whose gradients are returned, and their
    values for the traced call (the rules run on the traced data, as the program will)."""
    lines = ["", "    # ----- backward: the chain rule, node by node (the order backward() visits them)"]
    start = seed(root, None, "compile")
    seed_name = literal(start) if type(start) is float else ns.bind("seed", start)
    total: dict[int, str] = {}        # node -> the variable holding its gradient so far
    sample: dict[int, Any] = {}       # node -> that gradient on the traced data
    owned: dict[int, bool] = {}
    total[id(root)] = seed_name
    sample[id(root)] = start
    owned[id(root)] = False
    order = topological_order(root)
    for node in reversed(order):
        op = node._op
        if op is None or not needs.get(id(node), False) or id(node) not in total:
            continue
        parents = node.parents
        g, g_data = total[id(node)], sample[id(node)]
        datas = [p._data for p in parents]
        names = [var[id(p)] for p in parents]
        params = params_text(node, rec, ns, args)
        if op.saves:  # the rule reads what this run's forward kept
            params["saved"] = saved[id(node)]
        lines.append(f"    # through {shown[id(node)]} = {node_formula(op, node, [shown[id(p)] for p in parents], ns)}"
                     + (f"  [{node.scope}]" if node.scope else ""))
        for argnum, parent in enumerate(parents):
            if not needs.get(id(parent), False):
                continue
            c = op.vjp(argnum, g_data, node._data, datas, node._params)
            received = [g_data, node._data, *datas, *[p for p in (node._params or {}).values()
                                                       if type(p) is np.ndarray]]
            if op.variadic:
                expression = call(op.grads, f"{op.name}_rule", names, params, ns, variadic=True,
                                   prefix=(g, var[id(node)]), suffix={"argnum": str(argnum)})
            else:
                expression = call(op.rules[argnum], f"{op.name}_rule{argnum}", names, params, ns, variadic=False,
                                   prefix=(g, var[id(node)]), samples=[g_data, node._data, *datas])
            like = parent._data
            fitted = K.fit_grad(c, like, op, argnum)
            note = ""
            if type(c) is np.ndarray and type(like) is np.ndarray and c.shape == like.shape and c.dtype == like.dtype:
                pass
            elif type(c) is float and type(like) is float:
                pass
            elif type(c) is np.ndarray and type(like) is np.ndarray and c.dtype == like.dtype \
                    and K.reduces_to(c.shape, like.shape):
                if c.ndim == 2 and c.shape[1:] == like.shape and c.dtype.kind == "f" and c.flags.c_contiguous \
                        and 0 < c.shape[0] <= 4096 and c.shape[1]:
                    # kernels.sum_to's own way for this shape: column sums as a product with ones (BLAS)
                    ones = np.ones(c.shape[0], c.dtype)
                    ones.flags.writeable = False
                    expression = f"{ns.bind(f'ones_{c.shape[0]}', ones)} @ {wrapped(expression)}"
                else:
                    expression = f"{ns.bind('sum_to', K.sum_to)}({expression}, {like.shape!r})"
                note = f"; summed back to {like.shape} (broadcast undone)"
            else:
                expression = f"{ns.bind('fit_grad', K.fit_grad)}({expression}, {var[id(parent)]})"
                note = f"; fitted to {shape_text(like)}"
            own = _owned(fitted, received) if fitted is c or type(c) is not np.ndarray \
                else _owned(fitted, received + [c])
            if fitted is not c and type(fitted) is np.ndarray and type(c) is np.ndarray \
                    and not np.may_share_memory(fitted, c) and fitted.flags.writeable:
                own = True  # the fitting made a new array
            comment = rule_comment(op, argnum, node, [shown[id(p)] for p in parents], shown[id(node)], ns) + note
            key = id(parent)
            if buffers and key not in total and own and not note and parent._op is not None \
                    and type(fitted) is np.ndarray and fitted.shape == like.shape:
                # an intermediate gradient the rule makes afresh: written into a buffer of its own instead
                found = _into_buffer(expression)
                if found is not None:
                    ufunc, operands = found
                    buffer = ns.bind(f"buffer_g_{var[key]}", np.empty_like(fitted))
                    expression = f"np.{ufunc}({', '.join(operands)}, out={buffer})"
            if key not in total:
                target = ns.fresh("g_" + var[key].strip("()"))
                total[key], sample[key], owned[key] = target, fitted, own
                lines.append(f"    {target} = {expression}  # {comment}")
            else:
                target = total[key]
                if type(fitted) is float or owned[key]:
                    lines.append(f"    {target} += {expression}  # {comment}")
                    if type(fitted) is float:
                        sample[key] = sample[key] + fitted
                    else:
                        sample[key] += fitted
                else:
                    lines.append(f"    {target} = {target} + {expression}  # {comment}")
                    sample[key] = sample[key] + fitted
                    owned[key] = True
    params: list[Value] = []
    grad_inputs: list[int] = []
    first: list[Any] = []
    returned: list[str] = []
    for node in order:
        kind = rec.kinds.get(id(node), (None, None))
        if node._op is not None or id(node) not in total or not needs.get(id(node), False):
            continue
        name, g = total[id(node)], sample[id(node)]
        if type(g) is np.ndarray and not owned[id(node)]:
            name, g = f"{name}.copy()", g.copy()  # a leaf's gradient is an array of its own, as backward gives
        if kind[0] == "param":
            params.append(node)
        elif kind[0] == "input":
            grad_inputs.append(kind[1])
        else:
            continue
        first.append(g)
        returned.append(name)
    return lines, params, grad_inputs, first, returned
