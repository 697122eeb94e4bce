"""tinytorch-core: the Tensor, every array op, and the op registry.

>>> import tinytorch.core as tt
>>> tt.tensor([[1., 2.], [3., 4.]]) @ tt.ones(2, 1)
tensor([[3.],
        [7.]])
"""

from . import (
    dtypes,
    plugins,  # noqa: E402, I001  (registers core's reference kernels)
)
from .creation import (
    Generator,
    arange,
    default_generator,
    eye,
    full,
    full_like,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import bool, double, float64, get_default_dtype, int64, long, promote_types  # noqa: A004
from .functions import *  # noqa: F403  (exp, sum, cat, ... as torch.exp, torch.sum, torch.cat)
from .functions import __all__ as _function_names
from .tensor import Tensor


def is_tensor(obj):
    return isinstance(obj, Tensor)


__version__ = "0.1.0"

__all__ = [
    "Generator",
    "Tensor",
    "arange",
    "bool",
    "default_generator",
    "double",
    "dtypes",
    "eye",
    "float64",
    "full",
    "full_like",
    "get_default_dtype",
    "int64",
    "is_tensor",
    "linspace",
    "long",
    "manual_seed",
    "ones",
    "ones_like",
    "plugins",
    "promote_types",
    "rand",
    "randint",
    "randn",
    "randperm",
    "tensor",
    "zeros",
    "zeros_like",
    *_function_names,
]
