"""Gradient rules of the shape ops (see ``tinytorch/core/ops/shape.py``).

A view moves elements without changing them, so its gradient moves the
gradient back: reshape undoes a reshape, the inverse permutation undoes a
permute; ``expand``'s gradient is the identity here because the engine sums
broadcast gradients back to the input's shape.
"""

from tinytorch.core.strides import normalize_dim


def _back_to_shape(grad, out, a, *rest):
    return grad.reshape(a.shape)


def _permute(grad, out, a, dims):
    inverse = [0] * len(dims)
    for position, d in enumerate(dims):
        inverse[normalize_dim(d, a.ndim, "permute")] = position
    return grad.permute(*inverse)


def _identity(grad, out, a, *rest):
    return grad


RULES = {
    "reshape": {"a": _back_to_shape},
    "view": {"a": _back_to_shape},
    "flatten": {"a": _back_to_shape},
    "squeeze": {"a": _back_to_shape},
    "unsqueeze": {"a": _back_to_shape},
    "permute": {"a": _permute},
    "transpose": {"a": lambda grad, out, a, dim0, dim1: grad.transpose(dim0, dim1)},
    "expand": {"a": _identity},
    "contiguous": {"a": _identity},
    "clone": {"a": _identity},
    "to": {"a": lambda grad, out, a, dtype: grad.to(a.dtype)},
}
