"""Reference kernels for reductions: sum, mean, prod, max, min, argmax, argmin, var, std.

Every reduction is "cut the tensor into the runs of elements that reduce to one
output, then apply a plain Python function to each run". ``reduced_runs`` does
the cutting; for one dim of a row-major tensor a run is a strided slice of the
flat list (``values[start:stop:inner]``), which Python copies at C speed.
"""

import builtins
import math
from collections import namedtuple
from itertools import repeat

from .. import dtypes
from ..strides import normalize_dims
from ..tensor import Tensor
from .shape import permute

MinMax = namedtuple("MinMax", ["values", "indices"])

# this module defines ops named sum, max and min; keep the builtins at hand
_builtin_sum, _builtin_max, _builtin_min = builtins.sum, builtins.max, builtins.min


def reduced_runs(a, dims):
    """``(runs, kept_shape)``: one list of elements per output, in output order.

    ``dims`` is a sorted tuple of the dims to reduce; ``kept_shape`` is the
    output shape with those dims removed.
    """
    shape = a.shape
    kept = tuple(s for d, s in enumerate(shape) if d not in dims)
    if not shape or len(dims) == len(shape):
        return [a.values()], kept
    if a.numel() == 0:  # every run is empty (or there are none)
        return [[] for _ in range(math.prod(kept))], kept
    if len(dims) == 1:
        d = dims[0]
        values = a.values()
        k = shape[d]
        inner = math.prod(shape[d + 1 :])
        block = k * inner
        if inner == 1:
            return [values[i : i + k] for i in range(0, len(values), k)], kept
        return [
            values[o + i : o + block : inner]
            for o in range(0, math.prod(shape[:d]) * block, block)
            for i in range(inner)
        ], kept
    # several dims: move the reduced dims last, then the runs are consecutive chunks
    order = [d for d in range(len(shape)) if d not in dims] + list(dims)
    values = permute(a, order).values()
    k = math.prod(shape[d] for d in dims)
    return [values[i : i + k] for i in range(0, len(values), k)], kept


def _output_shape(a, dims, kept, keepdim):
    if keepdim:
        return tuple(1 if d in dims else s for d, s in enumerate(a.shape))
    return kept


def _reduce(a, dim, keepdim, fn, dtype, op):
    dims = normalize_dims(dim, a.ndim, op)
    runs, kept = reduced_runs(a, dims)
    return Tensor(list(map(fn, runs)), _output_shape(a, dims, kept, keepdim), dtype=dtype)


def _accumulated_dtype(a):
    return dtypes.int64 if a.dtype is dtypes.bool else a.dtype


def sum(a, dim, keepdim):  # noqa: A001  (the op's name)
    dtype = _accumulated_dtype(a)
    start = 0.0 if dtype is dtypes.float64 else 0
    dims = normalize_dims(dim, a.ndim, "sum")
    runs, kept = reduced_runs(a, dims)
    return Tensor(
        list(map(_builtin_sum, runs, repeat(start))),
        _output_shape(a, dims, kept, keepdim),
        dtype=dtype,
    )


def _mean_of(run):
    return _builtin_sum(run, 0.0) / len(run) if run else math.nan


def mean(a, dim, keepdim):
    return _reduce(a, dim, keepdim, _mean_of, dtypes.float64, "mean")


def prod(a, dim, keepdim):
    dtype = _accumulated_dtype(a)
    start = 1.0 if dtype is dtypes.float64 else 1
    return _reduce(a, dim, keepdim, lambda run: math.prod(run, start=start), dtype, "prod")


def _check_nonempty(dims, a, op):
    if any(a.shape[d] == 0 for d in dims if d < a.ndim):
        raise ValueError(
            f"{op}: cannot reduce over a dimension of size 0 (shape {a.shape}); "
            "there is no identity for this reduction"
        )


def _extreme_index(run, pick):
    """Index of the first extreme value; the first nan wins, as in PyTorch."""
    best = pick(run)
    if best != best or _has_nan(run):
        return next(i for i, x in enumerate(run) if x != x)
    return run.index(best)


def _has_nan(run):
    total = _builtin_sum(run, 0.0)
    return total != total and any(x != x for x in run)


def _extreme_value(pick):
    def value(run):
        best = pick(run)
        if best == best and isinstance(best, float) and _has_nan(run):
            return math.nan
        return best

    return value


def _min_max(a, dim, keepdim, pick, op):
    if dim is None:
        if a.numel() == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {a.shape}); specify a non-empty one")
        return Tensor([_extreme_value(pick)(a.values())], (), dtype=a.dtype)
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op}: dim must be one int (got {dim}); reduce one dim at a time")
    dims = normalize_dims(dim, a.ndim, op)
    _check_nonempty(dims, a, op)
    runs, kept = reduced_runs(a, dims)
    shape = _output_shape(a, dims, kept, keepdim)
    values = Tensor(list(map(_extreme_value(pick), runs)), shape, dtype=a.dtype)
    indices = Tensor([_extreme_index(run, pick) for run in runs], shape, dtype=dtypes.int64)
    return MinMax(values, indices)


def max(a, dim, keepdim):  # noqa: A001  (the op's name)
    return _min_max(a, dim, keepdim, _builtin_max, "max")


def min(a, dim, keepdim):  # noqa: A001  (the op's name)
    return _min_max(a, dim, keepdim, _builtin_min, "min")


def _arg_extreme(a, dim, keepdim, pick, op):
    if dim is None:
        if a.numel() == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {a.shape}); there is no index to return")
        index = _extreme_index(a.values(), pick)
        shape = (1,) * a.ndim if keepdim else ()
        return Tensor([index], shape, dtype=dtypes.int64)
    dims = normalize_dims(dim, a.ndim, op)
    _check_nonempty(dims, a, op)
    runs, kept = reduced_runs(a, dims)
    indices = [_extreme_index(run, pick) for run in runs]
    return Tensor(indices, _output_shape(a, dims, kept, keepdim), dtype=dtypes.int64)


def argmax(a, dim, keepdim):
    return _arg_extreme(a, dim, keepdim, _builtin_max, "argmax")


def argmin(a, dim, keepdim):
    return _arg_extreme(a, dim, keepdim, _builtin_min, "argmin")


def _variance(correction):
    def var_of(run):
        n = len(run)
        if n == 0:
            return math.nan
        m = _builtin_sum(run, 0.0) / n
        d = [x - m for x in run]
        ss = _builtin_sum(map(float.__mul__, d, d), 0.0)
        denom = n - correction
        if denom <= 0:  # PyTorch divides by max(0, n - correction)
            return math.nan if ss == 0 or ss != ss else math.inf
        return ss / denom

    return var_of


def var(a, dim, correction, keepdim):
    if a.dtype is not dtypes.float64:
        a = Tensor(list(map(float, a.values())), a.shape, dtype=dtypes.float64)
    return _reduce(a, dim, keepdim, _variance(correction), dtypes.float64, "var")


def std(a, dim, correction, keepdim):
    v = var(a, dim, correction, keepdim)
    return Tensor([math.sqrt(x) if x >= 0 else math.nan for x in v.values()], v.shape, dtype=v.dtype)
