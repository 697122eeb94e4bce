"""Dropout: randomly zeroing activations while training, a regulariser."""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import tinytorch.core as tt  # noqa: F401  (the examples in the docstrings use it)

from .. import functional as F
from ..module import Module


class Dropout(Module):
    """Zeroes each element with probability ``p`` in training, scaling the rest by ``1 / (1 - p)``.

    ``y = x * mask / (1 - p)``, ``mask`` drawn afresh each call (1 with
    probability ``1 - p``). The scaling keeps each element's expected value,
    so in evaluation (``model.eval()``) the layer is the identity.

    Args:
        p: probability of an element being zeroed, in [0, 1]. Default: 0.5.
        inplace: accepted for PyTorch compatibility (a new tensor is returned). Default: ``False``.
        generator: an optional ``tinytorch.core.Generator`` for the masks (a
            tinyTorch addition; by default the global generator, see ``tt.manual_seed``).

    Shape:
        - Input: ``(*)``; Output: ``(*)``, the same shape.

    >>> m = Dropout(p=0.5, generator=tt.Generator(0))
    >>> sorted(set(m(tt.ones(100)).tolist()))
    [0.0, 2.0]
    >>> m.eval()(tt.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p=0.5, inplace=False, *, generator=None):
        super().__init__()
        if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace
        self.generator = generator

    def forward(self, input):
        return F.dropout(input, self.p, self.training, generator=self.generator)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
