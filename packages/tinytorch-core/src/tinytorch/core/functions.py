"""The ``tinytorch.core.<op>(tensor, ...)`` spellings of the Tensor methods, as in ``torch.exp(x)``.

Each calls the method of its first argument, so the same functions serve any
object with Tensor's methods (tinytorch-autograd's Variable among them).
Functions that take several tensors (``cat``, ``stack``, ``where``) let an
argument of another type take over through ``__tinytorch_function__``: a class
that defines that classmethod receives ``(name, args)`` and returns the result.
"""

from .dispatch import kernels as _k
from .tensor import Tensor, as_operand


def _delegate(name, args, candidates):
    for item in candidates:
        if not isinstance(item, Tensor) and hasattr(type(item), "__tinytorch_function__"):
            return type(item).__tinytorch_function__(name, args)
    return NotImplemented


def cat(tensors, dim=0):
    """Join tensors along an existing dimension."""
    tensors = list(tensors)
    result = _delegate("cat", (tensors, dim), tensors)
    return _k["cat"](tensors, dim) if result is NotImplemented else result


concat = cat


def stack(tensors, dim=0):
    """Join tensors of one shape along a new dimension."""
    tensors = list(tensors)
    result = _delegate("stack", (tensors, dim), tensors)
    return _k["stack"](tensors, dim) if result is NotImplemented else result


def where(condition, x, y):
    """``x`` where ``condition`` is True, else ``y``; ``x`` and ``y`` may be numbers."""
    result = _delegate("where", (condition, x, y), (condition, x, y))
    if result is not NotImplemented:
        return result
    operands = [as_operand(v) for v in (x, y)]
    if not isinstance(condition, Tensor) or None in operands:
        raise TypeError("where: condition must be a Tensor, x and y Tensors or numbers")
    return _k["where"](condition, *operands)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """Elementwise ``|input - other| <= atol + rtol * |other|``, as a bool tensor (as PyTorch)."""
    a, b = _as_tensor(input).float(), _as_tensor(other).float()  # bools have no subtraction
    close = (a - b).abs() <= atol + rtol * b.abs()
    same = a == b  # equal infinities count as close
    result = close | same
    if equal_nan:
        result = result | ((a != a) & (b != b))
    return result


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """True when every element of ``input`` is close to ``other`` (see ``isclose``)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):  # noqa: A002
    """True when both have the same shape and the same values."""
    a, b = _as_tensor(input), _as_tensor(other)
    return a.shape == b.shape and bool((a == b).all())


def _as_tensor(value):
    data = getattr(value, "data", value)  # a Variable's Tensor
    if isinstance(data, Tensor):
        return data
    operand = as_operand(data)
    if operand is None:
        raise TypeError(f"expected a Tensor or a number, got {type(value).__name__}")
    return operand


def _method(name):
    def function(input, *args, **kwargs):  # noqa: A002  (PyTorch's name)
        if not isinstance(input, Tensor) or not args:
            return getattr(input, name)(*args, **kwargs)
        result = _delegate(name, (input, *args), args)  # tt.add(tensor, variable)
        return getattr(input, name)(*args, **kwargs) if result is NotImplemented else result

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``{name}(input, ...)`` is ``input.{name}(...)``."
    return function


_METHODS = ["add", "sub", "mul", "div", "pow", "matmul", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "clamp", "softmax", "log_softmax", "sum", "mean", "prod", "max", "min", "argmax", "argmin", "var", "std", "reshape", "permute", "transpose", "squeeze", "unsqueeze", "flatten", "masked_fill", "clone"]

globals().update({name: _method(name) for name in _METHODS})

__all__ = ["allclose", "cat", "concat", "equal", "isclose", "stack", "where", *_METHODS]
