"""Helpers for the parity tests: the same inputs in tinyTorch and PyTorch, and
one comparison that checks shape, dtype and values.

Inputs are written as short specs so that each test case is one readable row:

    "3x4"     a contiguous 3x4 tensor          "()"    a 0-d tensor
    "0x3"     an empty tensor                  "5"     a 1-D tensor of 5
    "4x3.T"   a 4x3 transposed view of a contiguous 3x4 tensor
    "3x4.s"   a 3x4 step-sliced view (``base[..., ::2]`` of a 3x8 tensor)
    "2x3x4.x" a 2x3x4 expanded view (stride 0) of a 1x3x4 tensor

``make(spec, dtype, domain, seed)`` returns a ``Pair(ours, theirs)`` holding
the same values; the random values come from a seeded PyTorch generator and
reach tinyTorch through ``tolist()``, the view is then taken in both.
"""

import math
import operator
import os
import zlib
from typing import NamedTuple

import pytest
import torch

import tinytorch.core as tt

RTOL = 1e-9
ATOL = 1e-12

DTYPE_NAMES = ("float64", "int64", "bool")
TORCH_DTYPES = {"float64": torch.float64, "int64": torch.int64, "bool": torch.bool}
TT_DTYPES = {"float64": tt.float64, "int64": tt.int64, "bool": tt.bool}


def dtype_name(dtype):
    """'float64', 'int64' or 'bool' for a tinyTorch or a PyTorch dtype."""
    if isinstance(dtype, torch.dtype):
        return str(dtype).removeprefix("torch.")
    return repr(dtype).rsplit(".", 1)[-1]  # repr(tt.float64) == "tinytorch.float64"


def to_torch(x):
    """A tinyTorch tensor as a (contiguous) PyTorch tensor, through tolist()."""
    dt = TORCH_DTYPES[dtype_name(x.dtype)]
    return torch.tensor(x.tolist(), dtype=dt).reshape(tuple(x.shape))


def from_torch(t):
    """A PyTorch tensor as a contiguous tinyTorch tensor, through tolist()."""
    ours = tt.tensor(t.tolist(), dtype=TT_DTYPES[dtype_name(t.dtype)])
    if tuple(ours.shape) != tuple(t.shape):  # empty tensors: [] carries no shape
        ours = ours.reshape(tuple(t.shape))
    return ours


class Pair(NamedTuple):
    ours: object
    theirs: object


def parse_spec(spec):
    """'4x3.T' -> ((4, 3), 'T'); '()' -> ((), ''); '5' -> ((5,), '')."""
    shape_part, _, layout = spec.partition(".")
    if shape_part in ("()", ""):
        return (), layout
    return tuple(int(n) for n in shape_part.split("x")), layout


def _seed(spec, dtype, domain, seed):
    return zlib.crc32(f"{spec}|{dtype}|{domain}|{seed}".encode())


def _random(shape, dtype, domain, gen):
    if domain == "normal":
        t = torch.randn(shape, generator=gen, dtype=torch.float64)
    elif domain == "pos":  # strictly positive, away from 0: log, sqrt, pow bases
        t = torch.rand(shape, generator=gen, dtype=torch.float64) * 2.9 + 0.1
    elif domain == "unit":  # (-1, 1)
        t = torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1
    elif domain == "int":
        t = torch.randint(-5, 6, shape, generator=gen)
    elif domain == "small":  # few distinct values: ties for comparisons and argmax
        t = torch.randint(-2, 3, shape, generator=gen)
    elif domain == "nonneg":  # integer exponents
        t = torch.randint(0, 4, shape, generator=gen)
    elif domain == "bool":
        t = torch.randint(0, 2, shape, generator=gen)
    else:
        raise ValueError(f"unknown domain {domain!r}")
    return t.to(TORCH_DTYPES[dtype])


DEFAULT_DOMAIN = {"float64": "normal", "int64": "int", "bool": "bool"}


def _take_view(x, layout, shape):
    """The same view in either library."""
    if layout == "T":
        return x.transpose(-1, -2)
    if layout == "s":
        return x[..., ::2]
    if layout == "x":
        return x.expand(*shape)
    return x


def make(spec, dtype="float64", domain=None, seed=0):
    """The same random tensor (and the same view of it) in both libraries."""
    shape, layout = parse_spec(spec)
    domain = domain or DEFAULT_DOMAIN[dtype]
    if layout == "T":
        base_shape = (*shape[:-2], shape[-1], shape[-2])
    elif layout == "s":
        base_shape = (*shape[:-1], 2 * shape[-1])
    elif layout == "x":
        base_shape = (1, *shape[1:])
    elif layout == "":
        base_shape = shape
    else:
        raise ValueError(f"unknown layout {layout!r} in {spec!r}")
    gen = torch.Generator().manual_seed(_seed(spec, dtype, domain, seed))
    theirs = _random(base_shape, dtype, domain, gen)
    ours = from_torch(theirs)
    return Pair(_take_view(ours, layout, shape), _take_view(theirs, layout, shape))


def values(data, dtype=None):
    """The same literal data in both libraries."""
    td = None if dtype is None else TORCH_DTYPES[dtype]
    od = None if dtype is None else TT_DTYPES[dtype]
    return Pair(tt.tensor(data, dtype=od), torch.tensor(data, dtype=td))


def _show(x):
    try:
        return repr(x.tolist())
    except Exception as exc:  # a broken tolist must not hide the real failure
        return f"<tolist() raised {exc!r}>"


def assert_matches(ours, theirs, *, rtol=RTOL, atol=ATOL, what="result"):
    """tinyTorch's ``ours`` equals PyTorch's ``theirs``: same kind of object;
    for tensors the same shape, dtype name and values (floats to ``rtol``,
    NaN equal to NaN, infinities exact; ints and bools exactly)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tt.Tensor), (
            f"{what}: expected a tinytorch Tensor, got {type(ours).__name__} {ours!r}"
        )
        assert isinstance(ours.shape, tuple), f"{what}: shape is {type(ours.shape)}, not a tuple"
        assert tuple(ours.shape) == tuple(theirs.shape), (
            f"{what}: shape {tuple(ours.shape)} != torch's {tuple(theirs.shape)}"
            f"\n  ours:  {_show(ours)}\n  torch: {theirs.tolist()}"
        )
        assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), (
            f"{what}: dtype {dtype_name(ours.dtype)} != torch's {dtype_name(theirs.dtype)}"
        )
        got = to_torch(ours)
        if theirs.dtype == torch.float64:
            try:
                torch.testing.assert_close(got, theirs, rtol=rtol, atol=atol, equal_nan=True)
            except AssertionError as exc:
                raise AssertionError(
                    f"{what}: values differ\n  ours:  {got.tolist()}\n"
                    f"  torch: {theirs.tolist()}\n{exc}"
                ) from None
        else:
            assert got.tolist() == theirs.tolist(), (
                f"{what}: values differ\n  ours:  {got.tolist()}\n  torch: {theirs.tolist()}"
            )
    elif isinstance(theirs, tuple):  # also torch.Size and torch.return_types.*
        assert isinstance(ours, tuple), f"{what}: expected a tuple, got {type(ours).__name__}"
        assert len(ours) == len(theirs), f"{what}: {len(ours)} items != torch's {len(theirs)}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_matches(o, t, rtol=rtol, atol=atol, what=f"{what}[{i}]")
        for field in getattr(theirs, "_fields", None) or ():
            assert hasattr(ours, field), f"{what}: has no field .{field}"
    elif isinstance(theirs, list):
        assert isinstance(ours, list), f"{what}: expected a list, got {type(ours).__name__}"
        assert len(ours) == len(theirs), f"{what}: {len(ours)} items != torch's {len(theirs)}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_matches(o, t, rtol=rtol, atol=atol, what=f"{what}[{i}]")
    elif isinstance(theirs, (bool, int, float)):
        assert type(ours) is type(theirs), (
            f"{what}: {type(ours).__name__} {ours!r} != torch's {type(theirs).__name__} {theirs!r}"
        )
        if isinstance(theirs, float):
            assert (math.isnan(ours) and math.isnan(theirs)) or math.isclose(
                ours, theirs, rel_tol=rtol, abs_tol=atol
            ), f"{what}: {ours!r} != torch's {theirs!r}"
        else:
            assert ours == theirs, f"{what}: {ours!r} != torch's {theirs!r}"
    else:
        assert ours == theirs, f"{what}: {ours!r} != torch's {theirs!r}"


def check(fn, *pairs, torch_fn=None, rtol=RTOL, atol=ATOL):
    """Run ``fn(tt, *ours)`` and ``(torch_fn or fn)(torch, *theirs)`` and compare.

    ``fn`` takes the library module first (``lambda L, x: L.exp(x)``) so one
    expression serves both sides. When PyTorch raises, tinyTorch must raise
    too. Afterwards the inputs must still agree (an op that is not in-place
    must not modify its inputs; an in-place one must modify both alike).
    Returns (ours, theirs).
    """
    ours_in = [p[0] for p in pairs]
    theirs_in = [p[1] for p in pairs]
    try:
        expected = (torch_fn or fn)(torch, *theirs_in)
    except Exception as exc:
        # PARITY_LOG=file: note each case PyTorch refuses (to review the tables)
        if os.environ.get("PARITY_LOG"):
            with open(os.environ["PARITY_LOG"], "a") as f:
                f.write(f"{os.environ.get('PYTEST_CURRENT_TEST')}: {type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:150]}\n")
        try:
            got = fn(tt, *ours_in)
        except Exception:
            return None, None
        pytest.fail(
            f"PyTorch raises {type(exc).__name__}: {str(exc).splitlines()[0]}\n"
            f"but tinyTorch returned {got!r}"
        )
    actual = fn(tt, *ours_in)
    assert_matches(actual, expected, rtol=rtol, atol=atol)
    for i, (o, t) in enumerate(zip(ours_in, theirs_in)):
        if isinstance(t, torch.Tensor):
            assert_matches(o, t, what=f"input {i} after the op")
    return actual, expected


def torch_raises(fn, *args):
    """True when PyTorch refuses ``fn(torch, *args)`` (used to filter tables)."""
    try:
        fn(torch, *args)
    except Exception:
        return True
    return False


def assert_same_layout(ours, theirs, ours_base=None, theirs_base=None):
    """Strides (where a dim has more than one element, since a stride of a dim
    of size 1 is arbitrary) and, given the bases, storage sharing and offset."""
    if ours.numel() == 0:
        return
    o_strides = tuple(ours.stride())
    t_strides = tuple(theirs.stride())
    for d, size in enumerate(theirs.shape):
        if size > 1:
            assert o_strides[d] == t_strides[d], (
                f"strides {o_strides} != torch's {t_strides} (dim {d}, shape {tuple(theirs.shape)})"
            )
    if ours_base is not None:
        t_shares = theirs.untyped_storage().data_ptr() == theirs_base.untyped_storage().data_ptr()
        o_shares = ours.storage is ours_base.storage
        assert o_shares == t_shares, (
            f"torch's result {'is a view of' if t_shares else 'is a copy of'} its input, "
            f"ours {'is a view' if o_shares else 'is a copy'}"
        )
        if t_shares:
            t_off = theirs.storage_offset() - theirs_base.storage_offset()
            o_off = ours.storage_offset() - ours_base.storage_offset()
            assert o_off == t_off, f"storage offset {o_off} != torch's {t_off}"


# op name -> (the expression, the domain of a, the domain of b)
BINARY = {
    "add": (operator.add, "normal", "normal"),
    "sub": (operator.sub, "normal", "normal"),
    "mul": (operator.mul, "normal", "normal"),
    "div": (operator.truediv, "normal", "normal"),
    "pow": (operator.pow, "pos", "normal"),
    "maximum": (lambda a, b: a.maximum(b), "small", "small"),
    "minimum": (lambda a, b: a.minimum(b), "small", "small"),
    "eq": (operator.eq, "small", "small"),
    "ne": (operator.ne, "small", "small"),
    "lt": (operator.lt, "small", "small"),
    "le": (operator.le, "small", "small"),
    "gt": (operator.gt, "small", "small"),
    "ge": (operator.ge, "small", "small"),
}
