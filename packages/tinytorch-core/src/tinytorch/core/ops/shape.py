"""Reference kernels for shape ops. Most are views: new shape and strides, same storage.

``transpose`` swaps two strides, ``expand`` sets a stride to 0, ``unsqueeze``
inserts a dim of size 1; nothing is copied, which is why these cost the same
for ten elements as for ten million. ``contiguous`` and ``clone`` are the ops
that copy.
"""

from math import prod

from .. import dtypes
from ..strides import (
    broadcast_strides,
    gather,
    infer_shape,
    is_dense,
    normalize_dim,
    normalize_dims,
    view_strides,
)
from ..tensor import Tensor


def _view(a, shape, strides, offset=None):
    return Tensor(a.storage, shape, strides, a.offset if offset is None else offset, a.dtype)


def expanded_values(a, shape):
    """The values of ``a`` broadcast to ``shape``, as a flat row-major list."""
    return gather(a.storage, shape, broadcast_strides(a.shape, a.strides, shape), a.offset)


def view(a, shape):
    shape = infer_shape(shape, a.numel(), "view")
    strides = view_strides(a.shape, a.strides, shape)
    if strides is None:
        raise RuntimeError(
            f"view: a tensor of shape {a.shape} with strides {a.strides} is not "
            f"contiguous, so its elements cannot be regrouped as {shape} without a "
            "copy; use .reshape(...) instead, or call .contiguous() first"
        )
    return Tensor(a.storage, shape, strides, a.offset, a.dtype)


def reshape(a, shape):
    shape = infer_shape(shape, a.numel(), "reshape")
    strides = view_strides(a.shape, a.strides, shape)
    if strides is not None:
        return Tensor(a.storage, shape, strides, a.offset, a.dtype)
    return Tensor(a.values(), shape, dtype=a.dtype)


def permute(a, dims):
    dims = tuple(dims)
    if len(dims) != a.ndim:
        raise ValueError(
            f"permute: got {len(dims)} dims {dims} for a tensor of {a.ndim} dimensions "
            f"(shape {a.shape})"
        )
    order = [normalize_dim(d, a.ndim, "permute") for d in dims]
    if len(set(order)) != len(order):
        raise ValueError(f"permute: dims {dims} repeat a dimension")
    if not order:
        return _view(a, (), ())
    strides = a.strides
    return _view(a, tuple(a.shape[d] for d in order), tuple(strides[d] for d in order))


def transpose(a, dim0, dim1):
    if a.ndim == 0:
        normalize_dim(dim0, 0, "transpose")
        normalize_dim(dim1, 0, "transpose")
        return _view(a, (), ())
    d0 = normalize_dim(dim0, a.ndim, "transpose")
    d1 = normalize_dim(dim1, a.ndim, "transpose")
    shape, strides = list(a.shape), list(a.strides)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    strides[d0], strides[d1] = strides[d1], strides[d0]
    return _view(a, tuple(shape), tuple(strides))


def expand(a, shape):
    shape = tuple(shape)
    if len(shape) < a.ndim:
        raise ValueError(
            f"expand: the number of sizes {shape} must be at least the tensor's "
            f"{a.ndim} dimensions (shape {a.shape})"
        )
    pad = len(shape) - a.ndim
    target = list(shape)
    for i, size in enumerate(shape):
        if i < pad:
            if size < 0:
                raise ValueError(f"expand: size -1 is not allowed for a new leading dim {i}")
            continue
        have = a.shape[i - pad]
        if size == -1:
            target[i] = have
        elif size != have and have != 1:
            raise ValueError(
                f"expand: the expanded size {size} must match the existing size {have} "
                f"at non-singleton dimension {i}; target sizes {shape}, tensor sizes {a.shape}"
            )
    target = tuple(target)
    return _view(a, target, broadcast_strides(a.shape, a.strides, target))


def squeeze(a, dim):
    dims = normalize_dims(dim, a.ndim, "squeeze") if a.ndim else ()
    drop = {d for d in dims if a.shape[d] == 1}
    keep = [d for d in range(a.ndim) if d not in drop]
    strides = a.strides
    return _view(a, tuple(a.shape[d] for d in keep), tuple(strides[d] for d in keep))


def unsqueeze(a, dim):
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"unsqueeze: dim must be an int, got {type(dim).__name__}")
    if not -a.ndim - 1 <= dim <= a.ndim:
        raise IndexError(
            f"unsqueeze: dimension {dim} is out of range for a tensor of {a.ndim} "
            f"dimensions (expected a dim in [{-a.ndim - 1}, {a.ndim}])"
        )
    d = dim % (a.ndim + 1)
    inner = a.strides[d] * a.shape[d] if d < a.ndim else 1
    shape = a.shape[:d] + (1,) + a.shape[d:]
    strides = a.strides[:d] + (inner,) + a.strides[d:]
    return _view(a, shape, strides)


def flatten(a, start_dim, end_dim):
    if a.ndim == 0:
        return reshape(a, (1,))
    start = normalize_dim(start_dim, a.ndim, "flatten")
    end = normalize_dim(end_dim, a.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = a.shape[:start] + (prod(a.shape[start : end + 1]),) + a.shape[end + 1 :]
    return reshape(a, shape)


def contiguous(a):
    if a.is_contiguous():
        return a
    return Tensor(a.values(), a.shape, dtype=a.dtype)


def clone(a):
    """A copy with its own storage; a permuted layout (a transpose) keeps its strides, as in PyTorch."""
    n = a.numel()
    if not a.is_contiguous() and n and is_dense(a.shape, a.strides):
        return Tensor(a.storage[a.offset : a.offset + n], a.shape, a.strides, 0, a.dtype)
    return Tensor(list(a.values()), a.shape, dtype=a.dtype)


def to(a, dtype):
    dtype = dtypes.as_dtype(dtype)
    if dtype is a.dtype:
        return a
    values = a.values()
    if dtype is dtypes.int64 and a.dtype is dtypes.float64:
        bad = [x for x in values if x != x or x in (float("inf"), float("-inf"))]
        if bad:
            raise ValueError(f"to: cannot convert {bad[0]} to int64")
    return Tensor(list(map(dtype.cast, values)), a.shape, dtype=dtype)
