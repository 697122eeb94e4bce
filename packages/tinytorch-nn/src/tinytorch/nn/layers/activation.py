"""Activation layers: ReLU, LeakyReLU, ELU, GELU, SiLU, Softplus, Sigmoid, Tanh, Softmax, LogSoftmax.

Each holds its settings and calls the function of the same name in
``nn.functional``. The elementwise ones take any shape and keep it:
Input ``(*)``, Output ``(*)``.

``inplace=True`` is accepted (and shown by ``repr``) for code written for
PyTorch, but tinyTorch always returns a new tensor.
"""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import tinytorch.core as tt  # noqa: F401  (the examples in the docstrings use it)

from .. import functional as F
from ..module import Module, layer_dim


class _Elementwise(Module):
    """Base of ReLU and SiLU, whose only option is ``inplace`` (not a layer itself)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU(_Elementwise):
    """Rectified linear unit: ``ReLU(x) = max(0, x)``.

    Args:
        inplace: accepted for PyTorch compatibility (a new tensor is returned). Default: ``False``.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> ReLU()(tt.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
    """

    def forward(self, input):
        return F.relu(input)


class LeakyReLU(Module):
    """``LeakyReLU(x) = x`` if ``x > 0``, else ``negative_slope * x``.

    Args:
        negative_slope: the slope for negative inputs. Default: 0.01.
        inplace: accepted for PyTorch compatibility. Default: ``False``.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> LeakyReLU(0.1)(tt.tensor([-2.0, 3.0]))
    tensor([-0.2000,  3.0000])
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """Exponential linear unit: ``ELU(x) = max(0, x) + min(0, alpha * (exp(x) - 1))``.

    Args:
        alpha: the value approached for large negative inputs is ``-alpha``. Default: 1.0.
        inplace: accepted for PyTorch compatibility. Default: ``False``.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> ELU()(tt.tensor([-1.0, 2.0]))
    tensor([-0.6321,  2.0000])
    """

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """Gaussian error linear unit: ``GELU(x) = x * Phi(x)``, Phi the standard normal CDF.

    ``Phi(x) = 0.5 * (1 + erf(x / sqrt(2)))``; with ``approximate='tanh'``,
    ``GELU(x) = 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))``.

    Args:
        approximate: ``'none'`` (exact, with erf) or ``'tanh'``. Default: ``'none'``.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> GELU()(tt.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    """

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(_Elementwise):
    """Sigmoid linear unit (swish): ``SiLU(x) = x * sigmoid(x)``.

    Args:
        inplace: accepted for PyTorch compatibility. Default: ``False``.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> SiLU()(tt.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7311])
    """

    def forward(self, input):
        return F.silu(input)


class Softplus(Module):
    """A smooth ReLU: ``Softplus(x) = log(1 + exp(beta * x)) / beta``.

    Where ``beta * x > threshold`` the result is ``x`` itself (the two agree
    to double precision there, and exp would overflow).

    Args:
        beta: sharpness. Default: 1.0.
        threshold: above this value of ``beta * x`` the layer is linear. Default: 20.0.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> Softplus()(tt.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.0000])
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Sigmoid(Module):
    """The logistic function: ``Sigmoid(x) = 1 / (1 + exp(-x))``.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> Sigmoid()(tt.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent: ``Tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))``.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> Tanh()(tt.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])
    """

    def forward(self, input):
        return F.tanh(input)


class _AlongDim(Module):
    """Base of Softmax and LogSoftmax: an activation along one dim."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def _check(self, input):
        if self.dim is not None:
            layer_dim(self, self.dim, input)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """``Softmax(x)_i = exp(x_i) / sum_j exp(x_j)`` along ``dim``: each slice becomes probabilities.

    Args:
        dim: the dim along which the results sum to 1. (``None`` picks one as
            old PyTorch did, with a warning: pass it.)

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape, values in [0, 1].

    >>> Softmax(dim=1)(tt.tensor([[1.0, 1.0], [0.0, 2.0]]))
    tensor([[0.5000, 0.5000],
            [0.1192, 0.8808]])
    """

    def forward(self, input):
        self._check(input)
        return F.softmax(input, self.dim)


class LogSoftmax(_AlongDim):
    """``LogSoftmax(x)_i = x_i - log(sum_j exp(x_j))`` along ``dim``: the log of Softmax, stably.

    Args:
        dim: the dim along which softmax is taken.

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape, values in (-inf, 0].

    >>> LogSoftmax(dim=0)(tt.tensor([0.0, 0.0]))
    tensor([-0.6931, -0.6931])
    """

    def forward(self, input):
        self._check(input)
        return F.log_softmax(input, self.dim)
