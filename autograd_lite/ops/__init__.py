"""The built-in ops, gathered from the modules that define them (this file defines nothing).

Every name here is an `Op` (complete: it normalizes its own arguments), except `concatenate`,
`stack` and `where`, which take numpy's signatures (a sequence; a condition first) and call
their ops (``get_op("concatenate")``, ``get_op("where")``).
"""

from .arithmetic import add, div, matmul, mul, neg, power, sub
from .elementwise import absolute, astype, clip, cos, exp, log, relu, sigmoid, sin, sqrt, tanh
from .reductions import log_softmax, logsumexp, max, mean, min, softmax, sum  # noqa: A004
from .select import maximum, minimum, where, where_op
from .shape import broadcast_to, concatenate, concatenate_op, getitem, index_add, reshape, stack, sum_to, transpose

#: the built-in ops, by registry name: the property suite tests exactly these (plus any a test adds)
BUILTIN = {o.name: o for o in (
    add, sub, mul, div, neg, power, matmul,
    exp, log, sqrt, absolute, tanh, sigmoid, sin, cos, relu, clip, astype,
    sum, mean, max, min, logsumexp, softmax, log_softmax,
    reshape, transpose, broadcast_to, sum_to, getitem, index_add, concatenate_op,
    maximum, minimum, where_op,
)}

__all__ = [
    "BUILTIN", "absolute", "add", "astype", "broadcast_to", "clip", "concatenate", "concatenate_op", "cos", "div",
    "exp", "getitem", "index_add", "log", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min",
    "minimum", "mul", "neg", "power", "relu", "reshape", "sigmoid", "sin", "softmax", "sqrt", "stack", "sub", "sum",
    "sum_to", "tanh", "transpose", "where", "where_op",
]
