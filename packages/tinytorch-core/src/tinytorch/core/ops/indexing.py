"""Reference kernels for ``t[key]``, ``t[key] = value`` and ``masked_fill``.

Basic and advanced indexing
---------------------------
A key is one item or a tuple of items. **Basic** items are ints, slices
(positive steps), ``None`` (a new dimension of size 1) and ``...`` (as many
full slices as needed). A key made only of basic items never copies: each
item just changes the shape, strides and offset, and the result is a *view*
sharing the tensor's storage (so writes through it reach the base)::

    x = arange(12).reshape(3, 4)      # strides (4, 1)
    x[1, ::2]                         # shape (2,), strides (2,), offset 4

**Advanced** items are lists of ints, int64 tensors, bool tensors and lists of
Python bools (masks). They pick arbitrary elements, so the result is a copy.
All advanced items of a key are broadcast together (a k-dim mask counts as
the k int arrays of its True positions, so it must have the shape of the k
dims it covers); the broadcast shape B then replaces the indexed dims:

* if the advanced items are next to each other, B goes where they were:
  ``x`` of shape (5, 6, 7): ``x[:, [0, 1], [2, 3]]`` has shape (5, 2);
* if a slice, ``None`` or non-empty ``...`` separates them, B goes first:
  ``x[[0, 1], :, [2, 3]]`` has shape (2, 6).

An int is applied first, as a basic index that removes its dimension, so it
never separates advanced items: ``x[0, :, [0, 1]]`` is ``x[0][:, [0, 1]]``,
shape (6, 2). This is PyTorch's rule; NumPy instead counts the int as an
advanced index and gives shape (2, 6). A 0-d int tensor acts as an int, and a
Python bool (or 0-d bool tensor) adds a dimension of size 1 (True) or 0
(False), as in PyTorch. As in PyTorch, a top-level list of fewer than 32
items that holds a list, tuple, slice, None, ``...`` or a tensor is read as a
tuple key: ``x[[[0, 1], [1, 2]]]`` is ``x[[0, 1], [1, 2]]``.

How it is computed
------------------
``_parse`` turns the key into per-dim items (``...`` expanded, lists turned
into index arrays), ``_walk`` builds the basic view (shape, strides, offset)
and turns each advanced item into a flat list of storage offsets, and
``resolve`` broadcasts and places those offsets and returns the storage
position of every selected element. ``getitem`` gathers from those positions,
``setitem`` scatters into them (the last write wins for repeated indices).
"""

from collections import deque
from itertools import chain, compress, repeat
from math import prod
from operator import add, index

from .. import dtypes
from ..strides import broadcast_shapes, broadcast_strides, contiguous_strides, is_contiguous, positions
from ..tensor import Tensor

_BOOL = dtypes.bool
_INT64 = dtypes.int64

# kinds of parsed key items
_INT, _SLICE, _NEW, _ARRAY, _MASK = range(5)
_FULL = slice(None)


# --------------------------------------------------------------------- parsing
def _as_tuple(key):
    """The key as a tuple of items, with PyTorch's legacy reading of lists."""
    if type(key) is tuple:
        return key
    if type(key) is list and len(key) < 32:
        for item in key:
            if (
                item is None
                or item is Ellipsis
                or isinstance(item, (list, tuple, slice, Tensor))
            ):
                return tuple(key)
    return (key,)


def _bad_index(item, op):
    kind = type(item).__name__
    error = IndexError if isinstance(item, (float, list, tuple, Tensor)) else TypeError
    return error(
        f"{op}: only ints, slices, None, ..., lists of ints or bools and int64 or bool "
        f"tensors are valid indices; tensors used as indices must be int64 or bool "
        f"(got {kind} {item!r})"
    )


def _flatten(data, op):
    """A nested list of ints/bools -> (shape, flat values); ragged lists are an error."""
    shape = []
    level = data
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        if not level:
            break
        level = level[0]
    flat = [data]
    for depth, size in enumerate(shape):
        nxt = []
        for part in flat:
            if not isinstance(part, (list, tuple)) or len(part) != size:
                raise IndexError(f"{op}: the index list {data!r} is ragged (not rectangular)")
            nxt.extend(part)
        flat = nxt
    for leaf in flat:
        if isinstance(leaf, (list, tuple)):
            raise IndexError(f"{op}: the index list {data!r} is ragged (not rectangular)")
    return tuple(shape), flat


def _list_item(data, op):
    """A (nested) Python list as an index array or, when all bools, a mask."""
    shape, flat = _flatten(data, op)
    kinds = set(map(type, flat))
    if flat and kinds == {bool}:
        return (_MASK, (shape, flat))
    if kinds <= {int, bool}:
        return (_ARRAY, (shape, list(map(int, flat)) if bool in kinds else flat))
    values = []
    for leaf in flat:
        if isinstance(leaf, float) or (isinstance(leaf, Tensor) and leaf.dtype.is_floating_point):
            raise _bad_index(data, op)
        try:
            values.append(index(leaf))
        except (TypeError, ValueError):
            raise _bad_index(data, op) from None
    return (_ARRAY, (shape, values))


def _tensor_item(t, op):
    if t.dtype is _BOOL:
        return (_MASK, (t.shape, t.values()))
    if t.dtype is not _INT64:
        raise IndexError(
            f"{op}: tensors used as indices must be int64 or bool tensors, got a "
            f"{t.dtype.name} tensor of shape {t.shape}"
        )
    if not t.shape:
        return (_INT, t.item())
    return (_ARRAY, (t.shape, t.values()))


def _parse_item(item, op):
    """One key item -> (kind, payload); Ellipsis is returned as itself."""
    kind = type(item)
    if kind is int:
        return (_INT, item)
    if kind is slice:
        return (_SLICE, item)
    if item is None:
        return (_NEW, None)
    if item is Ellipsis:
        return Ellipsis
    if kind is bool:
        return (_MASK, ((), [item]))
    if isinstance(item, Tensor):
        return _tensor_item(item, op)
    if isinstance(item, (list, tuple)):
        return _list_item(item, op)
    if isinstance(item, float):
        raise _bad_index(item, op)
    try:
        return (_INT, index(item))
    except TypeError:
        raise _bad_index(item, op) from None


def _too_many(ndim, op):
    if ndim == 0:
        return IndexError(
            f"{op}: too many indices for tensor of dimension 0 (invalid index of a 0-dim "
            "tensor; use tensor.item() to get its number)"
        )
    return IndexError(f"{op}: too many indices for tensor of dimension {ndim}")


def _parse(key, ndim, op):
    """The key as a list of (kind, payload) items, one per consumed dim or new dim.

    ``...`` is expanded into full slices; dims left over at the end are not
    listed (the walk keeps them whole).
    """
    items = []
    consumed = 0
    ellipsis_at = None
    for raw in _as_tuple(key):
        item = _parse_item(raw, op)
        if item is Ellipsis:
            if ellipsis_at is not None:
                raise IndexError(f"{op}: an index can only have a single ellipsis ('...')")
            ellipsis_at = len(items)
            continue
        kind = item[0]
        if kind is _MASK:
            consumed += len(item[1][0])
        elif kind is not _NEW:
            consumed += 1
        items.append(item)
    if consumed > ndim:
        raise _too_many(ndim, op)
    if ellipsis_at is not None:
        items[ellipsis_at:ellipsis_at] = [(_SLICE, _FULL)] * (ndim - consumed)
    return items


# --------------------------------------------------------------------- the walk
def _out_of_bounds(i, dim, size, op):
    return IndexError(f"{op}: index {i} is out of bounds for dimension {dim} with size {size}")


def _slice_range(s, size, op):
    """(start, length, step) of a slice with a positive step over ``size``."""
    if s.step is not None:
        step = index(s.step)
        if step == 0:
            raise ValueError(f"{op}: slice step cannot be zero")
        if step < 0:
            raise ValueError(f"{op}: step must be greater than zero (got {step})")
    if s.start is None and s.stop is None and s.step is None:
        return 0, size, 1
    start, stop, step = s.indices(size)
    return start, len(range(start, stop, step)), step


def _array_offsets(values, dim, size, stride, op):
    """Storage offsets for an int index array along one dim (bounds checked)."""
    if values:
        lo, hi = min(values), max(values)
        if hi >= size or lo < -size:
            bad = next(i for i in values if i >= size or i < -size)
            raise _out_of_bounds(bad, dim, size, op)
        if lo < 0:
            return [(i + size if i < 0 else i) * stride for i in values]
    if stride == 1:
        return list(values)
    return [i * stride for i in values]


def _mask_offsets(mshape, mvalues, dim, a, op):
    """Storage offsets of the True positions of a mask covering dims dim..dim+k-1."""
    k = len(mshape)
    covered = a.shape[dim : dim + k]
    if covered != tuple(mshape):
        raise IndexError(
            f"{op}: the shape of the mask {tuple(mshape)} does not match the shape "
            f"{covered} of the dimensions it indexes (from dimension {dim} of a tensor "
            f"of shape {a.shape})"
        )
    return list(compress(positions(covered, a.strides[dim : dim + k], 0), mvalues))


def _walk(a, items, op):
    """Apply the basic items; collect the advanced ones as storage offsets.

    Returns ``(shape, strides, offset, advanced)`` where shape/strides/offset
    describe the basic view with the advanced dims removed, and ``advanced``
    is a list of ``(position, index_shape, offsets)``: ``position`` is where
    in the view's dims the item stood, ``offsets`` a flat row-major list of
    ``index_shape`` storage offsets.
    """
    a_shape, a_strides = a.shape, a.strides
    shape, strides, advanced, new_dims = [], [], [], []
    offset = a.offset
    dim = 0
    for kind, payload in items:
        if kind is _SLICE:
            size, stride = a_shape[dim], a_strides[dim]
            start, length, step = _slice_range(payload, size, op)
            shape.append(length)
            strides.append(stride * step)
            offset += start * stride
            dim += 1
        elif kind is _INT:
            size = a_shape[dim]
            i = payload
            if not -size <= i < size:
                raise _out_of_bounds(i, dim, size, op)
            offset += (i + size if i < 0 else i) * a_strides[dim]
            dim += 1
        elif kind is _NEW:
            new_dims.append(len(shape))
            shape.append(1)
            strides.append(0)
        elif kind is _ARRAY:
            ishape, values = payload
            offs = _array_offsets(values, dim, a_shape[dim], a_strides[dim], op)
            advanced.append((len(shape), tuple(ishape), offs))
            dim += 1
        else:  # _MASK
            mshape, mvalues = payload
            if mshape:
                offs = _mask_offsets(mshape, mvalues, dim, a, op)
            else:  # a Python bool / 0-d bool tensor: a new dim of size 1 or 0
                offs = [0] if mvalues[0] else []
            advanced.append((len(shape), (len(offs),), offs))
            dim += len(mshape)
    shape.extend(a_shape[dim:])
    strides.extend(a_strides[dim:])
    for i in reversed(new_dims):  # PyTorch's unsqueeze strides, for fidelity
        strides[i] = shape[i + 1] * strides[i + 1] if i + 1 < len(shape) else 1
    return shape, strides, offset, advanced


# --------------------------------------------------------------------- advanced
def _extend(starts, shape, strides):
    """``positions`` of (shape, strides) from each start, starts varying slowest."""
    if not shape:
        return starts
    for size, stride in zip(shape[:-1], strides[:-1]):
        steps = [stride * i for i in range(size)]
        starts = [s + d for s in starts for d in steps]
    size, stride = shape[-1], strides[-1]
    if stride == 0:
        return list(chain.from_iterable(map(repeat, starts, repeat(size))))
    span = size * stride
    return list(chain.from_iterable(range(s, s + span, stride) for s in starts))


def _broadcast_advanced(advanced, op):
    """All advanced items broadcast together -> (shape, summed flat offsets)."""
    if len(advanced) == 1:
        return advanced[0][1], advanced[0][2]
    bshape = ()
    try:
        for _, ishape, _ in advanced:
            bshape = broadcast_shapes(bshape, ishape, op)
    except ValueError:
        shapes = ", ".join(str(ishape) for _, ishape, _ in advanced)
        raise IndexError(
            f"{op}: shape mismatch: indexing tensors could not be broadcast together "
            f"with shapes {shapes}"
        ) from None
    total = None
    for _, ishape, offs in advanced:
        if ishape != bshape:
            spread = broadcast_strides(ishape, contiguous_strides(ishape), bshape)
            offs = list(map(offs.__getitem__, positions(bshape, spread, 0)))
        total = offs if total is None else list(map(add, total, offs))
    return bshape, total


def resolve(a, key, op="getitem"):
    """Where ``a[key]`` lives in ``a.storage``: ``(shape, strides, offset, positions)``.

    For a basic key ``positions`` is None and (shape, strides, offset) is the
    view. For an advanced key ``strides``/``offset`` are None and
    ``positions`` lists the storage position of every element of the result,
    in row-major order of ``shape``.
    """
    items = _parse(key, len(a.shape), op)
    shape, strides, offset, advanced = _walk(a, items, op)
    if not advanced:
        return tuple(shape), tuple(strides), offset, None
    bshape, offs = _broadcast_advanced(advanced, op)
    first = advanced[0][0]
    at = first if all(p == first for p, _, _ in advanced) else 0
    starts = positions(shape[:at], strides[:at], offset)
    if len(starts) == 1:
        start = starts[0]
        starts = [start + o for o in offs] if start else offs
    else:
        starts = [s + o for s in starts for o in offs]
    pos = _extend(starts, shape[at:], strides[at:])
    return tuple(shape[:at]) + tuple(bshape) + tuple(shape[at:]), None, None, pos


# --------------------------------------------------------------------- kernels
def getitem(a, key):
    """``a[key]``: a view for basic keys, a copy for advanced ones."""
    if type(key) is int and a.shape:  # the common t[i] (iteration): straight to the view
        size = a.shape[0]
        if not -size <= key < size:
            raise _out_of_bounds(key, 0, size, "getitem")
        strides = a.strides
        offset = a.offset + (key + size if key < 0 else key) * strides[0]
        return Tensor(a.storage, a.shape[1:], strides[1:], offset, a.dtype)
    shape, strides, offset, pos = resolve(a, key, "getitem")
    if pos is None:
        return Tensor(a.storage, shape, strides, offset, a.dtype)
    return Tensor(list(map(a.storage.__getitem__, pos)), shape, dtype=a.dtype)


def _cast_all(values, dtype, src, op):
    try:
        return list(map(dtype.cast, values))
    except (OverflowError, ValueError) as exc:
        raise ValueError(
            f"{op}: cannot write {src.name} values into a {dtype.name} tensor ({exc})"
        ) from None


def _values_for(value, shape, n, dtype, op):
    """The n values to write: ``value`` broadcast to ``shape`` and cast to ``dtype``."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: expected a Tensor value, got {type(value).__name__}")
    vshape, vstrides = value.shape, value.strides
    while len(vshape) > len(shape) and vshape[0] == 1:  # PyTorch drops leading 1s
        vshape, vstrides = vshape[1:], vstrides[1:]
    if vshape == shape:
        values = value.values()
    elif len(vshape) <= len(shape) and prod(vshape) == 1 and n:
        first = value.storage[value.offset]
        if value.dtype is not dtype:
            first = _cast_all([first], dtype, value.dtype, op)[0]
        return [first] * n
    else:
        try:
            ok = len(vshape) <= len(shape) and broadcast_shapes(vshape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"{op}: value of shape {value.shape} cannot be broadcast to the indexed "
                f"shape {shape}"
            )
        spread = broadcast_strides(vshape, vstrides, shape)
        values = list(map(value.storage.__getitem__, positions(shape, spread, value.offset)))
    if value.dtype is not dtype:
        values = _cast_all(values, dtype, value.dtype, op)
    return values


def setitem(a, key, value):
    """``a[key] = value``: write into ``a.storage`` in place; returns ``a``.

    ``value`` is broadcast to the indexed shape and cast to ``a.dtype`` (floats
    truncate into int64, as PyTorch's assignment does).
    """
    op = "setitem"
    storage = a.storage
    if key is Ellipsis:
        shape, strides, offset, pos = a.shape, a.strides, a.offset, None
    else:
        shape, strides, offset, pos = resolve(a, key, op)
    n = prod(shape)
    values = _values_for(value, shape, n, a.dtype, op)
    if not n:
        return a
    if pos is None and is_contiguous(shape, strides):  # one slice assignment
        storage[offset : offset + n] = values  # (Python copies first if values is storage)
        return a
    if values is storage:  # value is a's whole storage (a.T[...] = a): read before writing
        values = values[:]
    if pos is None:  # a strided view: write row by row with extended-slice assignment
        length, step = shape[-1], strides[-1]
        if step and length >= 4:
            span = length * step
            rows = positions(shape[:-1], strides[:-1], offset)
            for r, start in enumerate(rows):
                storage[start : start + span : step] = values[r * length : (r + 1) * length]
            return a
        pos = positions(shape, strides, offset)
    deque(map(storage.__setitem__, pos, values), maxlen=0)
    return a


def masked_fill(a, mask, value):
    """A new tensor: ``a`` with ``value`` where ``mask`` is True.

    ``mask`` is a bool tensor broadcastable with ``a`` (the result has the
    broadcast shape, as in PyTorch: ``a``'s shape whenever the mask is not
    larger); ``value`` a 0-d (or one-element) tensor, cast to ``a.dtype``.
    """
    op = "masked_fill"
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}: mask must be a bool tensor, got {type(mask).__name__}")
    if mask.dtype is not _BOOL:
        raise TypeError(f"{op}: mask must be a bool tensor, got a {mask.dtype.name} tensor")
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: value must be a number or a tensor, got {type(value).__name__}")
    if prod(value.shape) != 1:
        raise ValueError(
            f"{op}: value must be a 0-d tensor (or have one element), got shape {value.shape}"
        )
    fill = _cast_all([value.values()[0]], a.dtype, value.dtype, op)[0]
    try:
        shape = broadcast_shapes(a.shape, mask.shape, op)
    except ValueError:
        raise ValueError(
            f"{op}: mask of shape {mask.shape} cannot be broadcast to the tensor's shape "
            f"{a.shape}"
        ) from None
    av = a.values() if a.shape == shape else _gather_broadcast(a, shape)
    mv = mask.values() if mask.shape == shape else _gather_broadcast(mask, shape)
    return Tensor([fill if m else x for x, m in zip(av, mv)], shape, dtype=a.dtype)


def _gather_broadcast(t, shape):
    spread = broadcast_strides(t.shape, t.strides, shape)
    return list(map(t.storage.__getitem__, positions(shape, spread, t.offset)))
