"""Linear layers and shape helpers: Linear, Identity, Flatten, Unflatten."""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import math

import tinytorch.core as tt

from .. import functional as F
from .. import init
from ..module import Module, Parameter


def shape_error(layer, expected, input):
    """The ValueError a layer raises for an input of the wrong shape: which layer, what, what it got."""
    return ValueError(f"{layer!r}: expected {expected}, got shape {tuple(input.shape)}")


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
        ndim = max(input.ndim, 1)
        start, end = (d + ndim if d < 0 else d for d in (self.start_dim, self.end_dim))
        if not (0 <= start < ndim and 0 <= end < ndim) or start > end:
            raise shape_error(
                self, f"an input with dims {self.start_dim} .. {self.end_dim} (at least "
                f"{max(start, end, 0) + 1} dimensions)", input,
            )
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
        dim = self.dim + len(shape) if self.dim < 0 else self.dim
        if not 0 <= dim < len(shape):
            raise shape_error(self, f"an input with a dim {self.dim}", input)
        sizes = tuple(self.unflattened_size)
        known = math.prod(s for s in sizes if s != -1)
        if -1 in sizes:  # one size to infer: the dim must be a multiple of the others
            fits = sizes.count(-1) == 1 and known > 0 and shape[dim] % known == 0
            expected = f"an input whose dim {self.dim} is a multiple of {known} (to split as {sizes})"
        else:
            fits = shape[dim] == known
            expected = f"an input whose dim {self.dim} has size {known} (to split as {sizes})"
        if not fits:
            raise shape_error(self, expected, input)
        return input.reshape(shape[:dim] + sizes + shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
