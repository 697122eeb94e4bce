"""The Tensor: a flat Python list plus shape, strides and offset.

Every operation of a Tensor is one lookup in the kernel table
(``tinytorch.core.dispatch.kernels``) and one call, so a kernel that a learner
registers through a plugin serves ``a + b`` from the very next op. This file
holds no arithmetic: the reference kernels live in ``tinytorch/core/ops/``.
"""

from math import prod

from . import dtypes
from .dispatch import kernels as _k
from .strides import contiguous_strides, gather, is_contiguous, normalize_dim, size_args


class Tensor:
    """An n-dimensional array of float64, int64 or bool values.

    ``Tensor(storage, shape, strides=None, offset=0, dtype=None)`` is the
    low-level constructor kernels use: ``storage`` is a flat list (taken, not
    copied) and ``shape`` a tuple; without ``strides`` the layout is row-major
    and the storage must hold exactly the tensor's elements. Learners create
    tensors with ``tinytorch.core.tensor([...])``, ``zeros``, ``arange`` ....
    """

    __slots__ = ("storage", "shape", "_strides", "offset", "dtype", "_contiguous", "__weakref__")

    def __init__(self, storage, shape, strides=None, offset=0, dtype=None):
        self.storage = storage
        self.shape = shape
        self.offset = offset
        if strides is None:
            if len(storage) != prod(shape) or offset:
                raise ValueError(
                    f"Tensor: storage of {len(storage)} elements does not fit shape "
                    f"{tuple(shape)} ({prod(shape)} elements) without strides"
                )
            self._strides = None  # row-major, computed when asked for
            self._contiguous = True
        else:
            self._strides = strides
            self._contiguous = is_contiguous(shape, strides)
        self.dtype = dtypes.infer_dtype(storage) if dtype is None else dtype

    # ----------------------------------------------------------- layout
    @property
    def strides(self):
        """Steps through storage per dimension, in elements."""
        if self._strides is None:
            self._strides = contiguous_strides(self.shape)
        return self._strides

    @property
    def ndim(self):
        return len(self.shape)

    def dim(self):
        return len(self.shape)

    def numel(self):
        return prod(self.shape)

    def size(self, dim=None):
        if dim is None:
            return self.shape
        return self.shape[normalize_dim(dim, self.ndim, "size")] if self.shape else 1

    def stride(self, dim=None):
        if dim is None:
            return self.strides
        return self.strides[normalize_dim(dim, self.ndim, "stride")] if self.shape else 1

    def storage_offset(self):
        return self.offset

    def is_contiguous(self):
        return self._contiguous

    def values(self):
        """The elements as a flat list in row-major order.

        When the tensor is contiguous and covers its whole storage this is the
        storage list itself (no copy): read it, do not mutate it.
        """
        storage = self.storage
        if self._contiguous:
            offset = self.offset
            n = prod(self.shape)
            if offset == 0 and len(storage) == n:
                return storage
            return storage[offset : offset + n]
        return gather(storage, self.shape, self.strides, self.offset)

    # ----------------------------------------------------------- conversion
    def tolist(self):
        """Nested Python lists (a Python number for a 0-d tensor)."""
        return _nest(self.values(), self.shape)

    def item(self):
        if prod(self.shape) != 1:
            raise ValueError(
                f"item: only a tensor with one element can be converted to a Python "
                f"number, this one has shape {self.shape} ({self.numel()} elements)"
            )
        return self.storage[self.offset] if self._contiguous else self.values()[0]

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype is dtypes.float64:
            raise TypeError("only integer tensors of a single element can be used as an index")
        return int(self.item())

    def __bool__(self):
        if prod(self.shape) != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self.numel()} elements (shape "
                f"{self.shape}) is ambiguous; use t.any() or t.all()"
            )
        return bool(self.item())

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __repr__(self):
        from .printing import format_tensor

        return format_tensor(self)

    __hash__ = object.__hash__

    def to(self, dtype):
        return _k["to"](self, dtypes.as_dtype(dtype))

    def float(self):
        return _k["to"](self, dtypes.float64)

    double = float

    def long(self):
        return _k["to"](self, dtypes.int64)

    int = long

    def bool(self):
        return _k["to"](self, dtypes.bool)

    def clone(self):
        return _k["clone"](self)

    def contiguous(self):
        return _k["contiguous"](self)

    # ----------------------------------------------------------- arithmetic
    def __add__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["add"](self, other)

    def __radd__(self, other):
        other = as_operand(other)
        return NotImplemented if other is None else _k["add"](other, self)

    def __sub__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["sub"](self, other)

    def __rsub__(self, other):
        other = as_operand(other)
        return NotImplemented if other is None else _k["sub"](other, self)

    def __mul__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["mul"](self, other)

    def __rmul__(self, other):
        other = as_operand(other)
        return NotImplemented if other is None else _k["mul"](other, self)

    def __truediv__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["div"](self, other)

    def __rtruediv__(self, other):
        other = as_operand(other)
        return NotImplemented if other is None else _k["div"](other, self)

    def __pow__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["pow"](self, other)

    def __rpow__(self, other):
        other = as_operand(other)
        return NotImplemented if other is None else _k["pow"](other, self)

    def __matmul__(self, other):
        return _k["matmul"](self, other) if isinstance(other, Tensor) else NotImplemented

    def __rmatmul__(self, other):
        return _k["matmul"](other, self) if isinstance(other, Tensor) else NotImplemented

    def __neg__(self):
        return _k["neg"](self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _k["abs"](self)

    def __invert__(self):
        if self.dtype is not dtypes.bool:
            raise TypeError(f"~ (logical not) needs a bool tensor, got {self.dtype}")
        return _k["eq"](self, _FALSE)

    def __and__(self, other):
        return _logical(self, other, "&", _k["mul"])

    def __or__(self, other):
        return _logical(self, other, "|", _k["add"])

    def __xor__(self, other):
        return _logical(self, other, "^", _k["ne"])

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__

    def any(self, dim=None, keepdim=False):
        """True where any element (along ``dim``) is nonzero."""
        return _k["gt"](_k["sum"](_k["ne"](self, _FALSE), dim, keepdim), _ZERO)

    def all(self, dim=None, keepdim=False):
        """True where every element (along ``dim``) is nonzero."""
        return _k["eq"](_k["sum"](_k["eq"](self, _FALSE), dim, keepdim), _ZERO)

    def __eq__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["eq"](self, other)

    def __ne__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["ne"](self, other)

    def __lt__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["lt"](self, other)

    def __le__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["le"](self, other)

    def __gt__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["gt"](self, other)

    def __ge__(self, other):
        other = other if type(other) is Tensor else as_operand(other)
        return NotImplemented if other is None else _k["ge"](self, other)

    def add(self, other):
        return _named(self, other, "add")

    def sub(self, other):
        return _named(self, other, "sub")

    def mul(self, other):
        return _named(self, other, "mul")

    def div(self, other):
        return _named(self, other, "div")

    def pow(self, exponent):
        return _named(self, exponent, "pow")

    def maximum(self, other):
        return _named(self, other, "maximum")

    def minimum(self, other):
        return _named(self, other, "minimum")

    def eq(self, other):
        return _named(self, other, "eq")

    def ne(self, other):
        return _named(self, other, "ne")

    def lt(self, other):
        return _named(self, other, "lt")

    def le(self, other):
        return _named(self, other, "le")

    def gt(self, other):
        return _named(self, other, "gt")

    def ge(self, other):
        return _named(self, other, "ge")

    def matmul(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"matmul: expected a Tensor, got {type(other).__name__}")
        return _k["matmul"](self, other)

    # ----------------------------------------------------------- in place
    def copy_(self, src):
        """Write ``src`` (broadcast to this shape) into this tensor's storage."""
        return _k["setitem"](self, Ellipsis, _operand_or_raise(src, "copy_"))

    def _write_result(self, result, op):
        """The in-place half of ``a += b``: refuse a result this dtype cannot hold."""
        if result.dtype.rank > self.dtype.rank:
            raise TypeError(
                f"{op}: the result is {result.dtype}, which cannot be written into a "
                f"{self.dtype} tensor in place; use a = a {_SYMBOLS[op]} b, or convert "
                f"with .to({result.dtype}) first"
            )
        if result.shape != self.shape:
            raise ValueError(
                f"{op}: the result has shape {result.shape}, but the tensor written in "
                f"place has shape {self.shape}"
            )
        return _k["setitem"](self, Ellipsis, result)

    def add_(self, other):
        return self._write_result(self.add(other), "add_")

    def sub_(self, other):
        return self._write_result(self.sub(other), "sub_")

    def mul_(self, other):
        return self._write_result(self.mul(other), "mul_")

    def div_(self, other):
        return self._write_result(self.div(other), "div_")

    def fill_(self, value):
        return self.copy_(value)

    def zero_(self):
        return self.copy_(0)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # ----------------------------------------------------------- elementwise math
    def neg(self):
        return _k["neg"](self)

    def exp(self):
        return _k["exp"](self)

    def log(self):
        return _k["log"](self)

    def sqrt(self):
        return _k["sqrt"](self)

    def abs(self):
        return _k["abs"](self)

    def sin(self):
        return _k["sin"](self)

    def cos(self):
        return _k["cos"](self)

    def tanh(self):
        return _k["tanh"](self)

    def sigmoid(self):
        return _k["sigmoid"](self)

    def erf(self):
        return _k["erf"](self)

    def relu(self):
        return _k["relu"](self)

    def clamp(self, min=None, max=None):  # noqa: A002  (PyTorch's names)
        return _k["clamp"](self, min, max)

    clip = clamp

    def softmax(self, dim):
        return _k["softmax"](self, dim)

    def log_softmax(self, dim):
        return _k["log_softmax"](self, dim)

    # ----------------------------------------------------------- reductions
    def sum(self, dim=None, keepdim=False):
        return _k["sum"](self, dim, keepdim)

    def mean(self, dim=None, keepdim=False):
        return _k["mean"](self, dim, keepdim)

    def prod(self, dim=None, keepdim=False):
        return _k["prod"](self, dim, keepdim)

    def max(self, dim=None, keepdim=False):
        if dim is None or isinstance(dim, (int, tuple, list)):
            return _k["max"](self, dim, keepdim)
        return _named(self, dim, "maximum")  # max(other): elementwise

    def min(self, dim=None, keepdim=False):
        if dim is None or isinstance(dim, (int, tuple, list)):
            return _k["min"](self, dim, keepdim)
        return _named(self, dim, "minimum")

    def argmax(self, dim=None, keepdim=False):
        return _k["argmax"](self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _k["argmin"](self, dim, keepdim)

    def var(self, dim=None, unbiased=None, *, correction=None, keepdim=False):
        return _k["var"](self, dim, var_correction(unbiased, correction), keepdim)

    def std(self, dim=None, unbiased=None, *, correction=None, keepdim=False):
        return _k["std"](self, dim, var_correction(unbiased, correction), keepdim)

    # ----------------------------------------------------------- shape
    def reshape(self, *shape):
        return _k["reshape"](self, size_args(shape, "reshape"))

    def view(self, *shape):
        return _k["view"](self, size_args(shape, "view"))

    def permute(self, *dims):
        return _k["permute"](self, size_args(dims, "permute"))

    def transpose(self, dim0, dim1):
        return _k["transpose"](self, dim0, dim1)

    def t(self):
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor with <= 2 dimensions, got shape {self.shape}")
        return _k["transpose"](self, 0, -1) if self.ndim == 2 else self

    @property
    def T(self):
        return _k["permute"](self, tuple(range(self.ndim - 1, -1, -1)))

    def expand(self, *sizes):
        return _k["expand"](self, size_args(sizes, "expand"))

    def expand_as(self, other):
        return _k["expand"](self, other.shape)

    def squeeze(self, dim=None):
        return _k["squeeze"](self, dim)

    def unsqueeze(self, dim):
        return _k["unsqueeze"](self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        return _k["flatten"](self, start_dim, end_dim)

    # ----------------------------------------------------------- indexing
    def __getitem__(self, key):
        return _k["getitem"](self, key)

    def __setitem__(self, key, value):
        _k["setitem"](self, key, _operand_or_raise(value, "setitem"))

    def add_at(self, key, value):
        """A copy with ``value`` added at ``self[key]`` (repeated indices accumulate)."""
        return _k["add_at"](self, key, _operand_or_raise(value, "add_at"))

    def masked_fill(self, mask, value):
        return _k["masked_fill"](self, mask, _operand_or_raise(value, "masked_fill"))


def as_operand(value):
    """A Python number as a 0-d tensor; a Tensor as itself; anything else None."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (int, float)):
        return Tensor([value], (), dtype=dtypes.dtype_of_value(value))
    return None


def _logical(a, b, symbol, kernel):
    """``&``, ``|`` and ``^`` of bool tensors, from mul, add ("or" for bools) and ne."""
    b = as_operand(b)
    if b is None:
        return NotImplemented
    if a.dtype is not dtypes.bool or b.dtype is not dtypes.bool:
        raise TypeError(
            f"{symbol}: tinyTorch's logical operators take bool tensors, got {a.dtype} "
            f"and {b.dtype}; compare first, e.g. (a > 0) {symbol} (b > 0)"
        )
    return kernel(a, b)


def _named(a, b, op):
    """``a.op(b)``: ``b`` a Tensor or a number, or an object that serves the op itself.

    A Variable passed to a Tensor method takes over through its
    ``__tinytorch_function__``, so ``tensor.mul(variable)`` works as in PyTorch.
    """
    operand = b if type(b) is Tensor else as_operand(b)
    if operand is not None:
        return _k[op](a, operand)
    handler = getattr(type(b), "__tinytorch_function__", None)
    if handler is not None:
        return handler(op, (a, b))
    raise TypeError(f"{op}: expected a Tensor or a Python number, got {type(b).__name__}")


def _operand_or_raise(value, op):
    operand = as_operand(value)
    if operand is None:
        raise TypeError(f"{op}: expected a Tensor or a Python number, got {type(value).__name__}")
    return operand


_FALSE = Tensor([False], (), dtype=dtypes.bool)
_ZERO = Tensor([0], (), dtype=dtypes.int64)
_SYMBOLS = {"add_": "+", "sub_": "-", "mul_": "*", "div_": "/"}


def var_correction(unbiased, correction):
    """var/std's ``correction`` from PyTorch's two spellings (``unbiased=`` or ``correction=``)."""
    if unbiased is not None and correction is not None:
        raise TypeError("var/std: give either unbiased or correction, not both")
    if correction is not None:
        return correction
    return 0 if unbiased is False else 1


def _nest(flat, shape):
    """Group a flat row-major list into nested lists of ``shape``."""
    if not shape:
        return flat[0]
    if 0 in shape:
        return _empty_nest(shape)
    nested = flat if type(flat) is list else list(flat)
    for size in reversed(shape[1:]):
        nested = [nested[i : i + size] for i in range(0, len(nested), size)]
    return nested if nested is not flat else list(flat)


def _empty_nest(shape):
    if shape[0] == 0:
        return []
    return [_empty_nest(shape[1:]) if len(shape) > 1 else [] for _ in range(shape[0])]
