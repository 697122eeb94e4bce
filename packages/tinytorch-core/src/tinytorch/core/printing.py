"""How a Tensor prints: the repr PyTorch gives the same values.

The rules follow PyTorch's ``torch/_tensor_str.py`` with its default print
options (4 decimals, summarize above 1000 elements with 3 edge items per
dimension, 80 columns):

* floats whose nonzero finite values are all integral print as ``1.``; else
  with 4 decimals, ``2.5000``; scientific ``1.0000e+10`` when the largest
  nonzero finite magnitude exceeds 1e8, the smallest is below 1e-4, or their
  ratio exceeds 1000;
* every element is right-aligned to the width of the widest nonzero finite
  one (``nan``, ``inf`` and zeros do not count towards that width);
* a row too long for 80 columns wraps, each line holding the same count;
* float64 is the default dtype and int64 and bool are inferred from the
  values, so only an empty int64 or bool tensor names its dtype.
"""

import math

from . import dtypes

PRECISION = 4  # decimals of a float
THRESHOLD = 1000  # more elements than this and the repr is summarized
EDGEITEMS = 3  # items kept at each end of a summarized dimension
LINEWIDTH = 80  # columns a row may fill before it wraps
PREFIX = "tensor("
ELLIPSIS = object()  # marks the items a summary leaves out


def format_tensor(t, suffixes=()):
    """The repr of ``t``: ``tensor([1., 2.])``.

    ``suffixes`` are extra ``key=value`` strings to append after the values,
    such as ``"requires_grad=True"``; they wrap to a new line as PyTorch's do.
    """
    shape = tuple(t.shape)
    extra = []
    if math.prod(shape) == 0:
        body = "[]"
        if len(shape) != 1:
            extra.append(f"size={shape}")
        if t.dtype is not dtypes.float64:
            extra.append(f"dtype={t.dtype!r}")
    else:
        body = _body(t, shape)
    return _add_suffixes(PREFIX + body, extra + list(suffixes), len(PREFIX))


def _body(t, shape):
    """The values of a non-empty tensor, nested in brackets, without the prefix."""
    cast = t.dtype.cast
    flat = t.values()
    summarize = math.prod(shape) > THRESHOLD
    shown = _shown(flat, shape, 0, 0, summarize, cast)
    fmt = _Formatter(list(_leaves(shown, len(shape))), t.dtype)
    if not shape:
        return fmt(shown)
    return _render(shown, len(shape), len(PREFIX), fmt)


def _kept(size, summarize):
    """Indices shown along a dimension of ``size``; ``None`` stands for ``...``."""
    if summarize and size > 2 * EDGEITEMS:
        return [*range(EDGEITEMS), None, *range(size - EDGEITEMS, size)]
    return range(size)


def _shown(flat, shape, dim, start, summarize, cast):
    """The elements to print as nested lists, ELLIPSIS where a summary skips.

    ``start`` is the flat row-major position of the sub-tensor at ``dim``.
    """
    if dim == len(shape):
        return cast(flat[start])
    step = math.prod(shape[dim + 1 :])
    return [
        ELLIPSIS if i is None else _shown(flat, shape, dim + 1, start + i * step, summarize, cast)
        for i in _kept(shape[dim], summarize)
    ]


def _leaves(node, dims):
    """The values in a ``_shown`` structure of ``dims`` dimensions, in order."""
    if dims == 0:
        yield node
        return
    for child in node:
        if child is not ELLIPSIS:
            yield from _leaves(child, dims - 1)


class _Formatter:
    """Turns one value into its right-aligned cell, as PyTorch's ``_Formatter``.

    The mode (integral floats, fixed-point or scientific) and the cell
    ``width`` are chosen once from ``values``, the elements that are shown.
    """

    def __init__(self, values, dtype):
        self.floating = dtype.is_floating_point
        self.sci, self.integral, self.width = False, True, 1
        if not self.floating:
            self.width = max(1, max(len(str(v)) for v in values))
            return
        finite = [v for v in values if v != 0 and math.isfinite(v)]
        if not finite:
            return
        self.integral = all(v == math.ceil(v) for v in finite)
        low, high = min(map(abs, finite)), max(map(abs, finite))
        self.sci = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        extra = 1 if self.integral and not self.sci else 0  # the trailing "."
        self.width = max(1, max(len(self._text(v)) + extra for v in finite))

    def _text(self, value):
        """The value's digits, before the float's "." and the alignment."""
        if not self.floating:
            return str(value)
        if self.sci:
            return f"{value:.{PRECISION}e}"
        if self.integral:
            return f"{value:.0f}"
        return f"{value:.{PRECISION}f}"

    def __call__(self, value):
        text = self._text(value)
        if self.floating and self.integral and not self.sci and math.isfinite(value):
            text += "."
        return text.rjust(self.width)


def _render(node, dims, indent, fmt):
    """Bracketed text of a ``_shown`` structure of ``dims >= 1`` dimensions.

    ``indent`` is the column of its opening bracket; inner rows line up one
    column to its right, separated by ``dims - 1`` line breaks.
    """
    if dims == 1:
        return _render_row(node, indent, fmt)
    rows = ["..." if row is ELLIPSIS else _render(row, dims - 1, indent + 1, fmt) for row in node]
    return "[" + ("," + "\n" * (dims - 1) + " " * (indent + 1)).join(rows) + "]"


def _render_row(items, indent, fmt):
    """One innermost row, wrapped so each line holds as many cells as fit."""
    cells = [" ..." if v is ELLIPSIS else fmt(v) for v in items]
    per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
    lines = [", ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _add_suffixes(text, suffixes, indent):
    """Close the repr, appending ``suffixes``; one that would pass column 80 wraps."""
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1  # PyTorch's count, kept as is
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(parts) + ")"
