"""Gradient rules of the reductions (see ``tinytorch/core/ops/reduction.py``).

A reduction's gradient is the output's gradient spread back over the
elements that were reduced: ``unreduce`` puts the reduced dims back (size 1)
and expands to the input's shape.
"""

import tinytorch.core as tt
from tinytorch.core.strides import normalize_dims


def unreduce(grad, a, dim, keepdim):
    """``grad`` of a reduction over ``dim``, broadcast back to ``a``'s shape."""
    dims = normalize_dims(dim, a.ndim, "backward") if a.ndim else ()
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(a.shape)


def _count(a, dim):
    dims = normalize_dims(dim, a.ndim, "backward") if a.ndim else ()
    n = 1
    for d in dims:
        n *= a.shape[d]
    return n


def _mean(grad, out, a, dim, keepdim):
    return unreduce(grad, a, dim, keepdim) / max(_count(a, dim), 1)


def _prod(grad, out, a, dim, keepdim):
    """d(prod)/da_i is the product of the other elements of a_i's run.

    Without zeros that is ``prod / a_i``. With one zero in a run only the zero
    gets a gradient (the product of the rest); with two or more, nothing does.
    """
    nonzero = a != 0
    safe = tt.where(nonzero, a, 1.0)
    kept = dim is not None
    product_of_rest = safe.prod(dim, keepdim=True) if kept else safe.prod()
    zeros = (~nonzero).float().sum(dim, keepdim=True) if kept else (~nonzero).float().sum()
    others = tt.where(zeros == 0, product_of_rest / safe,
                      tt.where((zeros == 1) * ~nonzero, product_of_rest, 0.0))
    return unreduce(grad, a, dim, keepdim) * others


def _extreme(grad, out, a, dim, keepdim):
    if dim is None:  # a 0-d result: the gradient is shared by every element equal to it
        mask = (a == out).float()
        return grad * mask / mask.sum()
    _values, indices = out
    d = normalize_dims(dim, a.ndim, "backward")[0] if a.ndim else 0
    if not keepdim and a.ndim:
        indices = indices.unsqueeze(d)
    shape = [1] * a.ndim
    if a.ndim:
        shape[d] = a.shape[d]
    positions = tt.arange(a.shape[d] if a.ndim else 1).reshape(shape)
    return unreduce(grad, a, dim, keepdim) * (positions == indices).float()


def _var(grad, out, a, dim, correction, keepdim):
    n = _count(a, dim)
    centred = a - a.mean(dim, keepdim=True)
    denominator = n - correction
    if denominator <= 0:
        denominator = 0.0  # as PyTorch: the gradient is inf/nan, like the variance
    return unreduce(grad, a, dim, keepdim) * 2 * centred / denominator


def _std(grad, out, a, dim, correction, keepdim):
    return _var(grad / (2 * out), None, a, dim, correction, keepdim)


RULES = {
    "sum": {"a": lambda grad, out, a, dim, keepdim: unreduce(grad, a, dim, keepdim)},
    "mean": {"a": _mean},
    "prod": {"a": _prod},
    "max": {"a": _extreme},
    "min": {"a": _extreme},
    "var": {"a": _var},
    "std": {"a": _std},
}
