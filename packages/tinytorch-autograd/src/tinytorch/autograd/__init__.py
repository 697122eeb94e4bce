"""tinytorch-autograd: Variable, Function, backward, a gradient rule for every op, gradcheck.

>>> import tinytorch.core as tt
>>> from tinytorch.autograd import Variable
>>> x = Variable(tt.tensor([1.0, 2.0, 3.0]), requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""

from .anomaly import detect_anomaly
from .dot import to_dot
from .engine import backward, grad
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .registry import GradientRegistry, gradient_table, register_reference_rules
from .variable import Variable

register_reference_rules()

__version__ = "0.1.0"

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "GradientRegistry",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "gradient_table",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
    "to_dot",
]
