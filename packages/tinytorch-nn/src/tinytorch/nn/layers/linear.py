"""Linear layers and shape helpers: Linear, Identity, Flatten, Unflatten."""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import math

import tinytorch.core as tt
from tinytorch.core.strides import infer_shape

from .. import functional as F
from .. import init
from ..module import Module, Parameter, layer_dim, shape_error


class Linear(Module):
    r"""A fully connected layer: ``y = x W^T + b``.

    Args:
        in_features: size of each input sample (the last dimension).
        out_features: size of each output sample.
        bias: if ``False``, the layer learns no additive bias. Default: ``True``.
        generator: an optional ``tinytorch.core.Generator`` for the initial
            weights (a tinyTorch addition).

    Shape:
        - Input: ``(*, H_in)``, ``*`` any number of dimensions (also none), ``H_in = in_features``.
        - Output: ``(*, H_out)``, ``H_out = out_features``.

    Attributes:
        weight: ``(out_features, in_features)``, PyTorch's layout, initialised
            from U(-k, k) with ``k = 1 / sqrt(in_features)`` (that is
            ``kaiming_uniform_(weight, a=sqrt(5))``).
        bias: ``(out_features,)``, from U(-k, k); or None.

    >>> m = Linear(20, 30)
    >>> m(tt.randn(128, 20)).shape
    (128, 30)
    >>> m
    Linear(in_features=20, out_features=30, bias=True)
    """

    def __init__(self, in_features, out_features, bias=True, *, generator=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(tt.zeros(out_features, in_features))
        if bias:
            self.bias = Parameter(tt.zeros(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator=None):
        """Draw fresh initial values, as PyTorch's ``Linear`` does."""
        # a=sqrt(5) makes the bound gain * sqrt(3 / fan_in) equal 1 / sqrt(fan_in)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            fan_in, _ = init.calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, input):
        if input.ndim < 1 or input.shape[-1] != self.in_features:
            raise shape_error(self, f"an input whose last dimension is {self.in_features}", input)
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored (a placeholder).

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same.

    >>> x = tt.randn(2, 3)
    >>> Identity(54, unused="argument")(x) is x
    True
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Flatten(Module):
    """Merges the dims ``start_dim`` .. ``end_dim`` into one (by default all but the batch dim).

    Args:
        start_dim: first dim to flatten. Default: 1.
        end_dim: last dim to flatten (inclusive). Default: -1.

    Shape:
        - Input: ``(*, S_start, ..., S_end, *)``.
        - Output: ``(*, S_start * ... * S_end, *)``.

    >>> Flatten()(tt.zeros(32, 1, 5, 5)).shape
    (32, 25)
    >>> Flatten(0, 2)(tt.zeros(32, 1, 5, 5)).shape
    (160, 5)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        start, end = (layer_dim(self, d, input) for d in (self.start_dim, self.end_dim))
        if start > end:
            raise shape_error(self, f"start_dim {self.start_dim} not to come after end_dim {self.end_dim}", input)
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dim ``dim`` into the shape ``unflattened_size`` (the inverse of ``Flatten``).

    Args:
        dim: the dim to split.
        unflattened_size: its new shape, a tuple (or list) of ints whose
            product is the size of ``dim``; one entry may be -1 (inferred).

    Shape:
        - Input: ``(*, S_dim, *)``.
        - Output: ``(*, U_1, ..., U_n, *)``, ``U_1 * ... * U_n = S_dim``.

    >>> Unflatten(1, (2, 5, 5))(tt.zeros(2, 50)).shape
    (2, 2, 5, 5)
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(
                f"Unflatten: unflattened_size must be a tuple of ints, got {type(unflattened_size).__name__}"
            )
        for i, size in enumerate(unflattened_size):
            if not isinstance(size, int):
                raise TypeError(
                    f"Unflatten: unflattened_size must be a tuple of ints, but found an element "
                    f"of type {type(size).__name__} at position {i}"
                )
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        shape = tuple(input.shape)
        if not shape:
            raise shape_error(self, f"an input with a dim {self.dim}", input)
        dim = layer_dim(self, self.dim, input)
        try:  # core's rule for one -1
            sizes = infer_shape(self.unflattened_size, shape[dim], "Unflatten")
        except ValueError:
            known = math.prod(s for s in self.unflattened_size if s != -1)
            size = f"is a multiple of {known}" if -1 in self.unflattened_size else f"has size {known}"
            split = tuple(self.unflattened_size)
            raise shape_error(self, f"an input whose dim {self.dim} {size} (to split as {split})", input) from None
        return input.reshape(shape[:dim] + sizes + shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
