"""Buffer reuse: an elementwise result written over an operand's buffer when nothing reads that operand again.

`codegen` gives every elementwise result an array of its own, allocated once (``out=buffer_x``).
This pass then reads the whole program: where an elementwise line's operand lives in another such
buffer, of the result's shape and dtype, and that line is the operand's only use, the result is
written over it (``relu``'s gradient over the matmul result it masks). The working set shrinks and
stays in cache: benchmarks/compiled's digits step measured 3 % faster at batch 32, 5 % at 256.

Why it is safe: the operand's variable is named by no line but its own definition and this one,
so nothing else reads it, nor any view of it (making a view is a line that names it); an
elementwise ufunc may write its output over one of its inputs. What leaves the program is a copy
(the outputs) or an array no buffer backs (the parameters' gradients).
"""

from __future__ import annotations

import ast
import re
from typing import Any

import numpy as np

_ELEMENTWISE = {"add", "subtract", "multiply", "true_divide", "negative", "power", "exp", "log", "sqrt", "tanh",
                "absolute", "sin", "cos", "maximum", "minimum"}
_BUFFERED = re.compile(r"^    (\w+) = ([\w.]+)\((.*), out=(buffer_\w+)\)(  # .*)?$")
_NAME = re.compile(r"[A-Za-z_]\w*")


def reuse_dying_buffers(lines: list[str], env: dict[str, Any]) -> list[str]:
    """`lines` with each elementwise result written over a dying operand's buffer, when one fits;
    the buffers that no line names any more are dropped from `env`, so their memory is freed."""
    if not any(name.startswith("buffer_") for name in env):  # a scalar program (Python floats): nothing to do
        return lines
    code = [line.split("  # ", 1)[0] for line in lines]  # (the program's code never holds "  # ")
    uses: dict[str, set[int]] = {}
    for i, text in enumerate(code):
        for name in _NAME.findall(text):
            uses.setdefault(name, set()).add(i)
    backing: dict[str, tuple[str, int]] = {}  # variable -> (the buffer it lives in, the line defining it)
    result = list(lines)
    for i, line in enumerate(lines):
        found = _BUFFERED.match(line)
        if found is None:
            continue
        target, function, arguments, buffer, comment = found.groups()
        if function.removeprefix("np.") in _ELEMENTWISE and function.startswith("np."):
            operand = _dying_operand(arguments, i, uses, backing, env, env.get(buffer))
            if operand is not None:
                buffer = backing[operand][0]
                result[i] = f"    {target} = {function}({arguments}, out={buffer}){comment or ''} (over {operand})"
                code[i] = code[i].replace(found.group(4), buffer)
        backing[target] = (buffer, i)
    named = {name for text in code for name in _NAME.findall(text)}
    for name in [n for n in env if n.startswith("buffer_") and n not in named]:
        del env[name]
    return result


def _dying_operand(arguments: str, line: int, uses: dict[str, set[int]], backing: dict[str, tuple[str, int]],
                   env: dict[str, Any], like: Any) -> str | None:
    """An operand of this line that lives in a buffer shaped and typed like the result, named once
    here and nowhere else but where it is defined; None if there is none."""
    if not isinstance(like, np.ndarray):
        return None
    tokens = _NAME.findall(arguments)
    for argument in ast.parse(f"f({arguments})", mode="eval").body.args:
        if not isinstance(argument, ast.Name) or argument.id not in backing or tokens.count(argument.id) != 1:
            continue
        buffer, defined = backing[argument.id]
        mine = env.get(buffer)
        if uses[argument.id] == {defined, line} and isinstance(mine, np.ndarray) and mine.shape == like.shape \
                and mine.dtype == like.dtype:
            return argument.id
    return None
