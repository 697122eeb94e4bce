"""Reference kernels that join tensors: cat, stack, where."""

import math
from functools import reduce

from .. import dtypes
from ..strides import broadcast_shapes, normalize_dim
from ..tensor import Tensor
from .shape import expanded_values, unsqueeze


def _check_tensors(tensors, op):
    tensors = list(tensors)
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: element {i} is a {type(t).__name__}, expected a Tensor")
    return tensors


def cat(tensors, dim):
    tensors = _check_tensors(tensors, "cat")
    first = tensors[0]
    if first.ndim == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated; use stack")
    d = normalize_dim(dim, first.ndim, "cat")
    for i, t in enumerate(tensors):
        same = t.ndim == first.ndim and all(
            s == f for j, (s, f) in enumerate(zip(t.shape, first.shape)) if j != d
        )
        if not same:
            raise ValueError(
                f"cat: tensor {i} has shape {t.shape}, which does not match shape "
                f"{first.shape} of tensor 0 outside dimension {d}"
            )
    dtype = reduce(dtypes.promote_types, (t.dtype for t in tensors))
    inner = math.prod(first.shape[d + 1 :])
    outer = math.prod(first.shape[:d])
    chunks = [(t.values(), t.shape[d] * inner) for t in tensors]
    out = []
    for o in range(outer):
        for values, size in chunks:
            out.extend(values[o * size : (o + 1) * size])
    if any(t.dtype is not dtype for t in tensors):
        out = list(map(dtype.cast, out))
    shape = first.shape[:d] + (sum(t.shape[d] for t in tensors),) + first.shape[d + 1 :]
    return Tensor(out, shape, dtype=dtype)


def stack(tensors, dim):
    tensors = _check_tensors(tensors, "stack")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise ValueError(
                f"stack: all tensors must have the same shape; tensor 0 has shape "
                f"{tensors[0].shape} and tensor {i} has shape {t.shape}"
            )
    if not -tensors[0].ndim - 1 <= dim <= tensors[0].ndim:
        raise IndexError(
            f"stack: dimension {dim} is out of range for stacking tensors of "
            f"{tensors[0].ndim} dimensions"
        )
    return cat([unsqueeze(t, dim) for t in tensors], dim)


def where(condition, a, b):
    if condition.dtype is not dtypes.bool:
        raise TypeError(f"where: condition must be a bool tensor, got {condition.dtype}")
    shape = broadcast_shapes(broadcast_shapes(condition.shape, a.shape, "where"), b.shape, "where")
    dtype = dtypes.promote_types(a.dtype, b.dtype)

    def spread(t):
        return t.values() if t.shape == shape else expanded_values(t, shape)

    out = [x if c else y for c, x, y in zip(spread(condition), spread(a), spread(b))]
    if a.dtype is not dtype or b.dtype is not dtype:
        out = list(map(dtype.cast, out))
    return Tensor(out, shape, dtype=dtype)
