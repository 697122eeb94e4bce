"""Gradient rules of cat, stack and where (see ``tinytorch/core/ops/joining.py``)."""

import tinytorch.core as tt
from tinytorch.core.strides import normalize_dim


def _cat(grad, out, tensors, dim):
    d = normalize_dim(dim, tensors[0].ndim, "cat")
    pieces, start = [], 0
    for t in tensors:
        size = t.shape[d]
        pieces.append(grad[(slice(None),) * d + (slice(start, start + size),)])
        start += size
    return pieces


def _stack(grad, out, tensors, dim):
    d = dim % (tensors[0].ndim + 1)
    return [grad[(slice(None),) * d + (i,)] for i in range(len(tensors))]


RULES = {
    "cat": {"tensors": _cat},
    "stack": {"tensors": _stack},
    "where": {
        "a": lambda grad, out, condition, a, b: tt.where(condition, grad, 0.0),
        "b": lambda grad, out, condition, a, b: tt.where(condition, 0.0, grad),
    },
}
