"""Reference kernel for matmul.

The whole kernel is one line of arithmetic: every output element is the dot
product of a row of ``a`` with a column of ``b``. Columns are read once, as
rows of ``b`` transposed, so that each dot product is two contiguous lists:
``sumprod(row, col)`` (Python 3.12+, a dot product in C) or
``sum(map(mul, row, col))``. Everything else here is shape bookkeeping: 1-D
operands and broadcast batch dimensions, as in PyTorch.
"""

import math
from operator import mul

from .. import dtypes
from ..strides import broadcast_shapes
from ..tensor import Tensor
from .shape import expanded_values, transpose

if hasattr(math, "sumprod"):
    dot = math.sumprod
else:  # Python 3.11

    def dot(row, col):
        return sum(map(mul, row, col))


def _matmul_shapes(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: both arguments need at least one dimension, got shapes {a.shape} and {b.shape}"
        )
    a_shape = a.shape if a.ndim > 1 else (1,) + a.shape
    b_shape = b.shape if b.ndim > 1 else b.shape + (1,)
    if a_shape[-1] != b_shape[-2]:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied "
            f"({a_shape[-1]} != {b_shape[-2]})"
        )
    try:
        batch = broadcast_shapes(a_shape[:-2], b_shape[:-2], "matmul")
    except ValueError:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied: their batch "
            f"dimensions {a_shape[:-2]} and {b_shape[:-2]} cannot be broadcast"
        ) from None
    out = batch + (a_shape[-2], b_shape[-1])
    if a.ndim == 1:
        out = out[:-2] + out[-1:]
    if b.ndim == 1:
        out = out[:-1]
    return a_shape, b_shape, batch, out


def _rows(values, k):
    return [values[i : i + k] for i in range(0, len(values), k)]


def matmul(a, b):
    a_shape, b_shape, batch, out_shape = _matmul_shapes(a, b)
    n, k, m = a_shape[-2], a_shape[-1], b_shape[-1]
    a3 = Tensor(a.storage, a_shape, a.strides if a.ndim > 1 else (0, a.strides[0]), a.offset, a.dtype)
    b_view = b if b.ndim > 1 else Tensor(b.storage, b_shape, (b.strides[0], 0), b.offset, b.dtype)
    bt = transpose(b_view, -1, -2)  # (..., m, k): the columns of b as rows
    av = a3.values() if a3.shape[:-2] == batch else expanded_values(a3, batch + (n, k))
    btv = bt.values() if bt.shape[:-2] == batch else expanded_values(bt, batch + (m, k))
    dtype = dtypes.promote_types(a.dtype, b.dtype)
    if k == 0:
        zero = dtype.cast(0)
        return Tensor([zero] * math.prod(out_shape), out_shape, dtype=dtype)
    rows, cols = _rows(av, k), _rows(btv, k)
    if not batch:
        out = [dot(r, c) for r in rows for c in cols]
    else:
        out = []
        for i in range(math.prod(batch)):
            batch_cols = cols[i * m : (i + 1) * m]
            out.extend([dot(r, c) for r in rows[i * n : (i + 1) * n] for c in batch_cols])
    if a.dtype is not dtype or b.dtype is not dtype or dtype is dtypes.bool:
        out = list(map(dtype.cast, out))
    return Tensor(out, out_shape, dtype=dtype)
