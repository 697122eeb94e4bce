"""Gradient rules of the elementwise ops (see ``tinytorch/core/ops/elementwise.py``).

``grad`` has the broadcast output's shape; the engine sums it back to each
input's shape, so these rules never think about broadcasting.
"""

import math

import tinytorch.core as tt

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _sign(a):
    return (a > 0).float() - (a < 0).float()


def _ties(a, b):
    """Where a == b the gradient is split evenly between the two, as in PyTorch."""
    return (a == b).float() * 0.5


def _pow_base(grad, out, a, b):
    # d(a**b)/da = b * a**(b-1); 0 where b == 0 (even at a == 0, where the formula is 0 * inf)
    return tt.where(b == 0, 0.0, grad * b * a ** (b - 1))


def _pow_exponent(grad, out, a, b):
    # d(a**b)/db = a**b * log(a): nan for a negative base, as in PyTorch; 0 at a == 0, b >= 0
    return tt.where((a == 0) * (b >= 0), 0.0, grad * out * a.log())


def _clamp(grad, out, a, min, max):  # noqa: A002
    inside = 1.0
    if min is not None:
        inside = (a >= min).float()
    if max is not None:
        inside = inside * (a <= max).float()
    return grad * inside


RULES = {
    "add": {"a": lambda grad, out, a, b: grad, "b": lambda grad, out, a, b: grad},
    "sub": {"a": lambda grad, out, a, b: grad, "b": lambda grad, out, a, b: -grad},
    "mul": {"a": lambda grad, out, a, b: grad * b, "b": lambda grad, out, a, b: grad * a},
    "div": {"a": lambda grad, out, a, b: grad / b, "b": lambda grad, out, a, b: -grad * a / (b * b)},
    "pow": {"a": _pow_base, "b": _pow_exponent},
    "maximum": {
        "a": lambda grad, out, a, b: grad * ((a > b).float() + _ties(a, b)),
        "b": lambda grad, out, a, b: grad * ((b > a).float() + _ties(a, b)),
    },
    "minimum": {
        "a": lambda grad, out, a, b: grad * ((a < b).float() + _ties(a, b)),
        "b": lambda grad, out, a, b: grad * ((b < a).float() + _ties(a, b)),
    },
    "neg": {"a": lambda grad, out, a: -grad},
    "exp": {"a": lambda grad, out, a: grad * out},
    "log": {"a": lambda grad, out, a: grad / a},
    "sqrt": {"a": lambda grad, out, a: grad / (2 * out)},
    "abs": {"a": lambda grad, out, a: grad * _sign(a)},
    "sin": {"a": lambda grad, out, a: grad * a.cos()},
    "cos": {"a": lambda grad, out, a: -grad * a.sin()},
    "tanh": {"a": lambda grad, out, a: grad * (1 - out * out)},
    "erf": {"a": lambda grad, out, a: grad * _TWO_OVER_SQRT_PI * (-(a * a)).exp()},
    "sigmoid": {"a": lambda grad, out, a: grad * out * (1 - out)},
    "relu": {"a": lambda grad, out, a: tt.where(a > 0, grad, 0.0)},
    "clamp": {"a": _clamp},
    "softmax": {"a": lambda grad, out, a, dim: out * (grad - (grad * out).sum(dim, keepdim=True))},
    "log_softmax": {"a": lambda grad, out, a, dim: grad - out.exp() * grad.sum(dim, keepdim=True)},
}
