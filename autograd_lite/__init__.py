"""autograd_lite: reverse-mode automatic differentiation for learning how backpropagation works.

One `Value` class holds a Python float or a numpy array and records the ops applied to it;
``backward()`` applies the chain rule in reverse topological order.
"""

from . import functional
from .engine import backward_order, grad, topological_order
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .modes import current_scope, enable_grad, is_grad_enabled, no_grad, scope
from .op import Domain, Op, get_op, local_grads, op, registry
from .ops import concatenate, maximum, minimum, stack, where
from .value import Value

__all__ = [
    "Domain", "GradcheckError", "Op", "Value", "backward_order", "concatenate", "current_scope",
    "enable_grad", "functional", "get_op", "grad", "gradcheck", "is_grad_enabled", "local_grads",
    "maximum", "minimum", "no_grad", "numerical_grad", "op", "registry", "scope", "stack",
    "topological_order", "where",
]
__version__ = "0.1.0"
