"""Index arithmetic for strided tensors: small pure functions, each tested alone.

A tensor's element ``(i0, i1, ..., ik)`` lives at position
``offset + i0*strides[0] + ... + ik*strides[k]`` of its flat storage list.
Every view (transpose, permute, expand, slicing) only changes shape, strides
and offset; the functions here turn those three back into storage positions.
"""

from itertools import chain, repeat
from math import prod


def numel(shape):
    """Number of elements of a tensor of this shape (1 for the 0-d shape ``()``)."""
    return prod(shape)


def contiguous_strides(shape):
    """Row-major strides for ``shape``: the last dimension varies fastest.

    >>> contiguous_strides((2, 3, 4))
    (12, 4, 1)
    """
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def is_contiguous(shape, strides):
    """True when the layout is row-major (strides of size-1 dims do not matter)."""
    step = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size == 0:
            return True
        if size != 1 and stride != step:
            return False
        step *= size
    return True


def positions(shape, strides, offset=0):
    """Storage positions of every element, in row-major order of ``shape``.

    Built one dimension at a time; the innermost dimension becomes C-level
    ``range`` objects chained together, so the cost per element is a few
    nanoseconds rather than a Python loop iteration.
    """
    if not shape:
        return [offset]
    starts = _row_starts(shape, strides, offset)
    size, stride = shape[-1], strides[-1]
    if stride == 0:
        return list(chain.from_iterable(map(repeat, starts, repeat(size))))
    span = size * stride
    return list(chain.from_iterable(range(s, s + span, stride) for s in starts))


def _row_starts(shape, strides, offset):
    """Storage position of the first element of every innermost row."""
    starts = [offset]
    for size, stride in zip(shape[:-1], strides[:-1]):
        steps = [stride * i for i in range(size)]
        starts = [s + d for s in starts for d in steps]
    return starts


def gather(storage, shape, strides, offset=0):
    """The elements of a strided layout as a flat row-major list (a copy).

    Each innermost row is one strided slice ``storage[start:stop:stride]``,
    which Python copies in C, so the cost per element is that of a list copy;
    a broadcast row (stride 0) is one ``repeat``.
    """
    if not shape:
        return [storage[offset]]
    size, stride = shape[-1], strides[-1]
    starts = _row_starts(shape, strides, offset)
    if size == 0 or not starts:
        return []
    if stride == 0:
        return list(chain.from_iterable(map(repeat, map(storage.__getitem__, starts), repeat(size))))
    span = (size - 1) * stride + 1
    ends = [s + span for s in starts]
    return list(chain.from_iterable(map(storage.__getitem__, map(slice, starts, ends, repeat(stride)))))


def view_strides(shape, strides, new_shape):
    """Strides that show a ``shape``/``strides`` layout as ``new_shape`` without a copy, or None.

    A view can split or merge dimensions only within runs of dimensions that
    are laid out one after the other in storage (each stride the next one
    times its size). Walking the old dims from the right, each such run must
    be covered exactly by a run of new dims. This is PyTorch's rule for
    ``view``; ``reshape`` copies when it returns None.
    """
    if is_contiguous(shape, strides) or prod(shape) == 0:
        return contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base = strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        run_ends = d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * base)
        if run_ends:
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                base = strides[d - 1]
                tensor_numel = view_numel = 1
    return tuple(new_strides) if view_d == -1 else None


def is_dense(shape, strides):
    """True when the layout covers a block of storage exactly once (a permuted contiguous one)."""
    dims = sorted((st, sz) for sz, st in zip(shape, strides) if sz != 1)
    step = 1
    for stride, size in dims:
        if stride != step:
            return False
        step *= size
    return True


def broadcast_shapes(a, b, op="broadcast"):
    """The shape two shapes broadcast to, by PyTorch's rule.

    Dimensions are compared from the right; each pair must be equal or
    contain a 1. Raises ``ValueError`` naming ``op`` and both shapes otherwise.
    """
    if a == b:
        return a
    result = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x == y or y == 1:
            result.append(x)
        elif x == 1:
            result.append(y)
        else:
            raise ValueError(
                f"{op}: shapes {tuple(a)} and {tuple(b)} cannot be broadcast "
                f"(size {x} vs {y} in dimension {-i})"
            )
    return tuple(reversed(result))


def broadcast_strides(shape, strides, target):
    """Strides that present a tensor of ``shape`` as the larger ``target`` shape.

    Broadcast dimensions (new on the left, or of size 1) get stride 0, so the
    same storage element is read again.
    """
    pad = len(target) - len(shape)
    out = [0] * pad
    for size, stride, want in zip(shape, strides, target[pad:]):
        out.append(stride if size == want else 0)
    return tuple(out)


def normalize_dim(dim, ndim, op="op"):
    """A dimension index in ``range(ndim)``; negative dims count from the end.

    A 0-d tensor accepts dims 0 and -1, as in PyTorch.
    """
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__} {dim!r}")
    bound = max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(
            f"{op}: dimension {dim} is out of range for a tensor of {ndim} "
            f"dimensions (expected a dim in [{-bound}, {bound - 1}])"
        )
    return dim % bound


def normalize_dims(dim, ndim, op="op"):
    """``None`` (all dims), an int or a tuple of ints -> a sorted tuple of dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        dims = tuple(sorted({normalize_dim(d, ndim, op) for d in dim}))
        if len(dims) != len(dim):
            raise ValueError(f"{op}: dim {tuple(dim)} names a dimension twice")
        return dims
    return (normalize_dim(dim, ndim, op),)


def infer_shape(shape, total, op="reshape"):
    """Resolve one ``-1`` in ``shape`` so that it holds ``total`` elements."""
    shape = tuple(shape)
    for size in shape:
        if not isinstance(size, int) or isinstance(size, bool) or size < -1:
            raise ValueError(f"{op}: invalid size {size!r} in shape {shape}")
    unknown = [i for i, size in enumerate(shape) if size == -1]
    if len(unknown) > 1:
        raise ValueError(f"{op}: only one dimension can be -1, got shape {shape}")
    if unknown:
        known = prod(s for s in shape if s != -1)
        if known == 0 or total % known:
            raise ValueError(f"{op}: shape {shape} is invalid for input of size {total}")
        shape = shape[: unknown[0]] + (total // known,) + shape[unknown[0] + 1 :]
    if prod(shape) != total:
        raise ValueError(f"{op}: shape {shape} is invalid for input of size {total}")
    return shape


def size_args(args, op="op"):
    """PyTorch's two spellings of a size: ``f(2, 3)`` and ``f((2, 3))``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for size in args:
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(
                f"{op}: sizes must be ints, got {type(size).__name__} {size!r} in {tuple(args)}"
            )
    return tuple(args)
