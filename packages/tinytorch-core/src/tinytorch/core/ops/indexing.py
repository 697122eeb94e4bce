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
``resolve`` broadcasts and places those offsets and returns a *selection*:
the storage position of every selected element, kept compact (positions of
the leading dims, the advanced offsets, and even trailing runs) so that
``getitem`` gathers and ``setitem`` scatters a whole row with one slice
where it can. ``selection_positions`` expands a selection into the full
position list. For repeated indices in ``setitem`` the last write wins.
"""

from collections import deque
from itertools import chain, compress, repeat
from math import prod
from operator import add as _add
from operator import index as _index
from operator import itemgetter

from .. import dtypes
from ..strides import broadcast_shapes, broadcast_strides, contiguous_strides, positions
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
            if item is None or item is Ellipsis or isinstance(item, (list, tuple, slice, Tensor)):
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
    for size in shape:
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
            values.append(_index(leaf))
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
        return (_INT, _index(item))
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
        step = _index(s.step)
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
    lead_shape, _, length, step = _trailing_run(covered, a.strides[dim : dim + k])
    if not lead_shape and step:  # the covered dims are one even run: no position list
        return list(compress(range(0, length * step, step), mvalues))
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


# --------------------------------------------------------------------- selections
# A selection says where every element of ``a[key]`` lives in ``a.storage``,
# compactly: ``(P, O, q_shape, q_strides, L, k)``. In row-major order of the
# result, the elements sit at ``p + o + q + j*k`` for p in P (the dims before
# the advanced ones, offset included), o in O (the broadcast advanced offsets;
# ``[0]`` for a basic key), q in the positions of (q_shape, q_strides) (the
# dims after, except the last run) and j in range(L) (the trailing run of
# dims that steps through storage evenly). Keeping the run apart lets gather
# and scatter move a whole row with one slice instead of one element at a time.


def _extend(starts, shape, strides):
    """``positions`` of (shape, strides) from each start, starts varying slowest."""
    for size, stride in zip(shape, strides):
        steps = [stride * i for i in range(size)]
        starts = [s + d for s in starts for d in steps]
    return starts


def _trailing_run(shape, strides):
    """Split a layout into leading dims and the longest even trailing run.

    Returns ``(lead_shape, lead_strides, L, k)``: the last dims together visit
    ``L`` storage elements ``k`` apart. ``(3, 4)`` with strides ``(4, 1)`` is
    one run of 12; ``(3, 2)`` with strides ``(4, 2)`` (a column slice) is 3
    runs of 2 with step 2.
    """
    dims = len(shape)
    if not dims:
        return (), (), 1, 1
    length, step = shape[-1], strides[-1]
    d = dims - 1
    while d > 0:
        size, stride = shape[d - 1], strides[d - 1]
        if size == 1:
            pass
        elif length == 1:
            length, step = size, stride
        elif stride == length * step:
            length *= size
        else:
            break
        d -= 1
    if length == 1:
        step = 1
    return tuple(shape[:d]), tuple(strides[:d]), length, step


def _sums(P, O):
    """``[p + o for p in P for o in O]``, without a Python-level loop per element."""
    if len(O) == 1:
        o = O[0]
        return P if o == 0 else list(map(o.__add__, P))
    if len(P) == 1:
        p = P[0]
        return O if p == 0 else list(map(p.__add__, O))
    return list(chain.from_iterable(map(p.__add__, O) for p in P))


def _run_positions(starts, length, step):
    """Every position of runs of ``length`` elements ``step`` apart from each start."""
    if length == 1:
        return starts
    if step == 0:
        return list(chain.from_iterable(map(repeat, starts, repeat(length))))
    span = length * step
    return list(chain.from_iterable(range(s, s + span, step) for s in starts))


def selection_positions(selection):
    """The storage position of every selected element, in row-major order."""
    P, O, q_shape, q_strides, length, step = selection
    return _run_positions(_extend(_sums(P, O), q_shape, q_strides), length, step)


def _view_selection(shape, strides, offset):
    """The selection of a basic view: its leading dims and its trailing run."""
    lead_shape, lead_strides, length, step = _trailing_run(shape, strides)
    return positions(lead_shape, lead_strides, offset), [0], (), (), length, step


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
        total = offs if total is None else list(map(_add, total, offs))
    return bshape, total


def resolve(a, key, op="getitem"):
    """What ``a[key]`` selects: ``(shape, strides, offset, selection)``.

    The one place a key is interpreted; ``getitem`` gathers from it and
    ``setitem`` scatters into it. For a basic key ``selection`` is None and
    (shape, strides, offset) is the view. For an advanced key ``strides`` and
    ``offset`` are None and ``selection`` (see above; ``selection_positions``
    expands it) places every element of the result, of shape ``shape``.
    """
    items = _parse(key, len(a.shape), op)
    shape, strides, offset, advanced = _walk(a, items, op)
    if not advanced:
        return tuple(shape), tuple(strides), offset, None
    bshape, offs = _broadcast_advanced(advanced, op)
    first = advanced[0][0]
    at = first if all(p == first for p, _, _ in advanced) else 0
    P = positions(shape[:at], strides[:at], offset)
    q_shape, q_strides, length, step = _trailing_run(shape[at:], strides[at:])
    result_shape = tuple(shape[:at]) + tuple(bshape) + tuple(shape[at:])
    return result_shape, None, None, (P, offs, q_shape, q_strides, length, step)


# --------------------------------------------------------------------- gather / scatter
def _gather_points(storage, P, O):
    """``storage[p + o]`` for p in P for o in O (no trailing run)."""
    if len(P) > 1 and len(O) > 1:
        lo, hi = min(O), max(O)
        width = hi - lo + 1
        if width <= 4 * len(O) + 64:  # dense enough: copy a window per p, pick from it in C
            pick = itemgetter(*[o - lo for o in O])
            return list(chain.from_iterable(pick(storage[p + lo : p + lo + width]) for p in P))
    return list(map(storage.__getitem__, _sums(P, O)))


def _gather(storage, selection):
    P, O, q_shape, q_strides, length, step = selection
    if length == 1 and not q_shape:
        return _gather_points(storage, P, O)
    starts = _extend(_sums(P, O), q_shape, q_strides)
    if step == 0:
        return list(
            chain.from_iterable(map(repeat, map(storage.__getitem__, starts), repeat(length)))
        )
    span = length * step
    if len(starts) == 1:
        start = starts[0]
        return storage[start : start + span : step]
    return list(chain.from_iterable(storage[s : s + span : step] for s in starts))


def _scatter(storage, selection, values, fill):
    """Write ``values`` (or ``fill`` everywhere when values is None) at the selection."""
    P, O, q_shape, q_strides, length, step = selection
    starts = _extend(_sums(P, O), q_shape, q_strides)
    if step and (length >= 4 or len(starts) == 1):  # whole runs by slice assignment
        span = length * step
        if values is None:
            row = [fill] * length
            for s in starts:
                storage[s : s + span : step] = row
        elif len(starts) == 1:
            storage[starts[0] : starts[0] + span : step] = values
        else:
            for r, s in enumerate(starts):
                storage[s : s + span : step] = values[r * length : (r + 1) * length]
        return
    pos = _run_positions(starts, length, step)
    deque(map(storage.__setitem__, pos, repeat(fill) if values is None else values), maxlen=0)


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
    if isinstance(key, Tensor) and key.dtype is _BOOL and key.shape == a.shape and a.shape:
        picked = list(compress(a.values(), key.values()))  # x[x > 0]: one C-level pass
        return Tensor(picked, (len(picked),), dtype=a.dtype)
    shape, strides, offset, selection = resolve(a, key, "getitem")
    if selection is None:
        return Tensor(a.storage, shape, strides, offset, a.dtype)
    return Tensor(_gather(a.storage, selection), shape, dtype=a.dtype)


def _cast_all(values, dtype, src, op):
    try:
        return list(map(dtype.cast, values))
    except (OverflowError, ValueError) as exc:
        raise ValueError(
            f"{op}: cannot write {src.name} values into a {dtype.name} tensor ({exc})"
        ) from None


_NO_FILL = object()


def _values_for(value, shape, n, dtype, op):
    """``(values, fill)``: ``value`` broadcast to ``shape`` and cast to ``dtype``.

    A one-element value comes back as ``(None, fill)``; otherwise ``values``
    is a flat row-major list of ``n`` elements.
    """
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: expected a Tensor value, got {type(value).__name__}")
    vshape, vstrides = value.shape, value.strides
    while len(vshape) > len(shape) and vshape[0] == 1:  # PyTorch drops leading 1s
        vshape, vstrides = vshape[1:], vstrides[1:]
    if len(vshape) <= len(shape) and prod(vshape) == 1 and n:
        fill = value.storage[value.offset]
        if value.dtype is not dtype:
            fill = _cast_all([fill], dtype, value.dtype, op)[0]
        return None, fill
    if vshape == shape:
        values = value.values()
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
    return values, _NO_FILL


def setitem(a, key, value):
    """``a[key] = value``: write into ``a.storage`` in place; returns ``a``.

    ``value`` is broadcast to the indexed shape and cast to ``a.dtype`` (floats
    truncate into int64, as PyTorch's assignment does). Repeated indices: the
    last write wins. ``key=...`` (``copy_``, ``fill_``) is one pass.
    """
    op = "setitem"
    storage = a.storage
    if (
        isinstance(key, Tensor)
        and key.dtype is _BOOL
        and key.shape == a.shape
        and a.shape
        and a.is_contiguous()
    ):
        return _set_whole_mask(a, key.values(), value, op)
    if key is Ellipsis:
        shape, selection = a.shape, None
        strides, offset = a.strides, a.offset
    else:
        shape, strides, offset, selection = resolve(a, key, op)
    n = prod(shape)
    values, fill = _values_for(value, shape, n, a.dtype, op)
    if not n:
        return a
    if values is storage:  # value is a's whole storage (a.T[...] = a): read it first
        values = values[:]
    if selection is None:
        selection = _view_selection(shape, strides, offset)
    _scatter(storage, selection, values, fill)
    return a


def _set_whole_mask(a, mask_values, value, op):
    """``a[mask] = value`` for a contiguous ``a`` and a mask of its shape: one pass."""
    count = mask_values.count(True)
    values, fill = _values_for(value, (count,), count, a.dtype, op)
    old = a.values()
    if values is None:
        new = [fill if m else x for x, m in zip(old, mask_values)]
    else:
        take = iter(values).__next__
        new = [take() if m else x for x, m in zip(old, mask_values)]
    a.storage[a.offset : a.offset + len(new)] = new
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
            f"{op}: mask of shape {mask.shape} cannot be broadcast to the tensor's shape {a.shape}"
        ) from None
    av = _broadcast_values(a, shape)
    mv = _broadcast_values(mask, shape)
    return Tensor([fill if m else x for x, m in zip(av, mv)], shape, dtype=a.dtype)


def _broadcast_values(t, shape):
    """``t``'s values broadcast to ``shape`` as a flat list (list repetition when
    only leading dims are broadcast, as for a (S, S) mask over (B, H, S, S))."""
    if t.shape == shape:
        return t.values()
    tshape = (1,) * (len(shape) - len(t.shape)) + tuple(t.shape)
    lead = 0
    while lead < len(shape) and tshape[lead] == 1 and shape[lead] != 1:
        lead += 1
    if tshape[lead:] == shape[lead:]:
        return t.values() * prod(shape[:lead])
    spread = broadcast_strides(t.shape, t.strides, shape)
    return list(map(t.storage.__getitem__, positions(shape, spread, t.offset)))


def add_at(a, key, value):
    """A new tensor: ``a`` with ``value`` added at ``a[key]``, repeated indices accumulating.

    NumPy calls this ``np.add.at``; PyTorch spells it
    ``a.index_put((idx,), value, accumulate=True)``. It is the gradient of ``getitem``: every element that ``a[key]`` picked
    receives its share of the gradient, twice if it was picked twice (where
    ``setitem`` would keep only the last write).
    """
    op = "add_at"
    out = Tensor(list(a.values()), a.shape, dtype=a.dtype)
    shape, strides, offset, selection = resolve(out, key, op)
    n = prod(shape)
    values, fill = _values_for(value, shape, n, a.dtype, op)
    if not n:
        return out
    if selection is None:
        selection = _view_selection(shape, strides, offset)
    storage = out.storage
    added = repeat(fill, n) if values is None else values
    for p, v in zip(selection_positions(selection), added):
        storage[p] += v
    return out
