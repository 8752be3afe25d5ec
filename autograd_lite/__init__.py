"""autograd_lite: reverse-mode automatic differentiation for learning how backpropagation works.

One `Value` class holds a Python float or a numpy array and records the ops applied to it;
``backward()`` applies the chain rule in reverse topological order.

The layers, each importing only those above it in this list: `kernels` (numerics), `modes`
and `versions` (in-place change detection); `anomaly`; `symbols` (formulas); `value` (the
graph's nodes); `op` (the registry); `functional`; `ops` (the built-in ops); `fastpath` and
`engine` (the chain rule); `func` (function transforms), `compiler` (trace once, replay a fixed
program), `gradcheck`, `testing`. `viz` and `nn` use only what this file exports.
"""

from . import compiler, engine, func, functional, ops, symbols, value
from .anomaly import AnomalyError, detect_anomaly
from .compiler import compile  # noqa: A004
from .engine import backward_order, chain_rule, grad, grad_is_current, local_grads, topological_order
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .modes import current_scope, enable_grad, is_grad_enabled, no_grad, scope
from .op import Domain, Op, get_op, op, registry
from .ops import concatenate, maximum, minimum, stack, where
from .value import Value
from .versions import DataChangedError

value.connect(ops, engine)  # the one late binding: Value's methods reach the ops and the engine

__all__ = [
    "AnomalyError", "DataChangedError", "Domain", "GradcheckError", "Op", "Value", "backward_order", "chain_rule",
    "compile", "compiler", "concatenate", "current_scope", "detect_anomaly", "enable_grad", "func", "functional",
    "get_op", "grad", "grad_is_current", "gradcheck", "is_grad_enabled", "local_grads", "maximum", "minimum", "no_grad",
    "numerical_grad", "op", "registry", "scope", "stack", "symbols", "topological_order", "where",
]
__version__ = "0.1.0"
