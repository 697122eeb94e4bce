"""A demo tinyTorch plugin, installed only in the ``core`` test environment.

It is found through its ``[project.entry-points.tinytorch]`` entry (named
``demo``) and serves the ``abs`` op with a kernel written with nothing but the
public Tensor API, as a learner's plugin would be.
"""

import tinytorch.core as tt
from tinytorch.core.plugins import hookimpl


def demo_abs(a):
    """abs(a), elementwise: ``-a`` where ``a`` is negative, else ``a``."""
    if a.dtype == tt.bool:  # |True| is True: abs keeps a mask as it is
        return a.clone()
    # `a + 0` turns -0.0 into 0.0, as abs does (and keeps the dtype of ints)
    return tt.where(a < 0, -a, a + 0)


@hookimpl
def tinytorch_register_ops(registry):
    registry.kernel("abs", demo_abs)
