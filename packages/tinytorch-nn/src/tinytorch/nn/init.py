"""Filling weights with starting values: ``nn.init``, as ``torch.nn.init``.

Each ``*_`` function overwrites its argument in place (a Parameter's data,
under ``no_grad``, or a plain Tensor) and returns it, so both
``init.zeros_(layer.bias)`` and ``w = init.normal_(w)`` read well. Every
random one takes an optional ``generator`` (a ``tinytorch.core.Generator``)
for a stream of its own; without it the default generator is used (seed it
with ``tt.manual_seed``). The numbers differ from PyTorch's (another random
source) but follow the same distributions.

>>> import tinytorch.core as tt
>>> from tinytorch import nn
>>> w = nn.Parameter(tt.zeros(3, 5))
>>> _ = nn.init.kaiming_uniform_(w, nonlinearity="relu")   # U(-b, b), b = sqrt(2) * sqrt(3 / 5)
>>> bool((w.data.abs() <= (6 / 5) ** 0.5).all())
True

Which to use: ``kaiming_*`` before ReLU-like activations, ``xavier_*``
before tanh/sigmoid; ``Linear`` uses ``kaiming_uniform_(w, a=sqrt(5))``,
which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
"""

import math
import warnings

import tinytorch.core as tt
from tinytorch.autograd import Variable, no_grad

__all__ = [
    "calculate_fan_in_and_fan_out",
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

_LINEAR_FNS = (
    "linear", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
)


def calculate_gain(nonlinearity, param=None):
    """The recommended scale of the weights before ``nonlinearity`` (PyTorch's values).

    ================= ==========================================
    nonlinearity      gain
    ================= ==========================================
    linear, conv*d    1
    sigmoid           1
    tanh              5/3
    relu              sqrt(2)
    leaky_relu        sqrt(2 / (1 + negative_slope**2)); ``param`` is the slope (default 0.01)
    selu              3/4
    ================= ==========================================

    >>> round(calculate_gain("leaky_relu", 0.2), 4)
    1.3868
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            negative_slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r} (one of "
        + ", ".join(_LINEAR_FNS + ("sigmoid", "tanh", "relu", "leaky_relu", "selu"))
        + ")"
    )


def calculate_fan_in_and_fan_out(tensor):
    """``(fan_in, fan_out)`` of a weight laid out ``(out, in, *kernel)``, as PyTorch.

    ``fan_in = in * prod(kernel)``, ``fan_out = out * prod(kernel)``: a Linear
    weight ``(out_features, in_features)`` has fan_in ``in_features``.

    >>> calculate_fan_in_and_fan_out(tt.zeros(10, 4))
    (4, 10)
    >>> calculate_fan_in_and_fan_out(tt.zeros(8, 3, 5, 5))   # a Conv2d weight
    (75, 200)
    """
    shape = tuple(tensor.shape)
    if len(shape) < 2:
        raise ValueError(
            f"fan in and fan out can not be computed for a tensor with fewer than 2 "
            f"dimensions (got shape {shape})"
        )
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out  # PyTorch's (private) name


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor, values):
    """Write ``values`` into ``tensor`` (a Variable's data, or a Tensor) without recording."""
    with no_grad():
        tensor.copy_(values)
    return tensor


def _is_empty(tensor, name):
    if 0 in tuple(tensor.shape):
        warnings.warn(f"{name}: initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def _check(tensor, name):
    if not isinstance(tensor, (Variable, tt.Tensor)):
        raise TypeError(f"{name}: expected a Parameter, Variable or Tensor, got {type(tensor).__name__}")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` with values drawn from U(a, b)."""
    _check(tensor, "uniform_")
    return _fill(tensor, tt.rand(tensor.shape, generator=generator) * (b - a) + a)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` with values drawn from N(mean, std**2)."""
    _check(tensor, "normal_")
    return _fill(tensor, tt.randn(tensor.shape, generator=generator) * std + mean)


def constant_(tensor, val):
    """Fill ``tensor`` with ``val``."""
    _check(tensor, "constant_")
    return _fill(tensor, val)


def ones_(tensor):
    """Fill ``tensor`` with 1."""
    return constant_(tensor, 1.0)


def zeros_(tensor):
    """Fill ``tensor`` with 0."""
    return constant_(tensor, 0.0)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std  # a uniform on (-a, a) has standard deviation a / sqrt(3)
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-bound, bound) with ``bound = gain * sqrt(3 / fan)``.

    ``fan`` is fan_in (``mode='fan_in'``, keeps the forward variance) or
    fan_out (``'fan_out'``, keeps the backward one); ``gain =
    calculate_gain(nonlinearity, a)``, where ``a`` is the negative slope of
    a leaky ReLU.
    """
    _check(tensor, "kaiming_uniform_")
    if _is_empty(tensor, "kaiming_uniform_"):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std**2) with ``std = gain / sqrt(fan)`` (arguments as ``kaiming_uniform_``)."""
    _check(tensor, "kaiming_normal_")
    if _is_empty(tensor, "kaiming_normal_"):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)
