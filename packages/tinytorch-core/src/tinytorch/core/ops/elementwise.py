"""Reference kernels for elementwise ops: binary (broadcasting), comparisons, unary math, softmax.

Every kernel has the same shape: get the operands' values as flat lists in
row-major order of the result (``broadcast_operands``), run one C-level
``map`` over them, and wrap the list in a new Tensor. Python's math raises
where IEEE arithmetic returns ``inf`` or ``nan`` (``1 / 0``, ``log(0)``,
``exp(1000)``); the fast path tries first and, only if it raises, the same
op runs again element by element with the IEEE answer.
"""

import math
import operator
from itertools import repeat

from .. import dtypes
from ..strides import broadcast_shapes, normalize_dim
from ..tensor import Tensor
from .shape import expanded_values, transpose

_INF = math.inf
_NAN = math.nan
_IEEE_ERRORS = (ZeroDivisionError, OverflowError, ValueError)


def broadcast_operands(a, b, op):
    """``(shape, a_values, b_values)``: both operands as flat lists of the broadcast shape."""
    if a.shape == b.shape:
        return a.shape, a.values(), b.values()
    shape = broadcast_shapes(a.shape, b.shape, op)
    n = math.prod(shape)
    if b.shape == () or (b.numel() == 1 and len(b.shape) <= len(shape)):
        av = a.values() if a.shape == shape else expanded_values(a, shape)
        return shape, av, list(repeat(b.storage[b.offset] if b._contiguous else b.values()[0], n))
    if a.shape == () or (a.numel() == 1 and len(a.shape) <= len(shape)):
        bv = b.values() if b.shape == shape else expanded_values(b, shape)
        return shape, list(repeat(a.storage[a.offset] if a._contiguous else a.values()[0], n)), bv
    return shape, expanded_values(a, shape), expanded_values(b, shape)


# ----------------------------------------------------------------- IEEE fallbacks
def _ieee_div(x, y):
    try:
        return x / y
    except ZeroDivisionError:
        if x != x or x == 0:
            return _NAN
        return math.copysign(_INF, x) * math.copysign(1.0, y)


def _ieee_pow(x, y):
    try:
        result = math.pow(x, y)
    except OverflowError:
        odd = float(y).is_integer() and int(y) % 2 == 1
        return -_INF if x < 0 and odd else _INF
    except ValueError:
        if x == 0 and y < 0:
            odd = float(y).is_integer() and int(y) % 2 == 1
            return math.copysign(_INF, x) if odd else _INF
        return _NAN  # negative base, fractional exponent
    return result


def _ieee_exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _ieee_log(x):
    if x > 0 or x != x:
        return math.log(x)
    return -_INF if x == 0 else _NAN


def _ieee_sqrt(x):
    return math.sqrt(x) if x >= 0 else _NAN


def _ieee_sin(x):
    return math.sin(x) if math.isfinite(x) else _NAN


def _ieee_cos(x):
    return math.cos(x) if math.isfinite(x) else _NAN


def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _ieee_sigmoid(x):
    return _NAN if x != x else _sigmoid(x)


# ----------------------------------------------------------------- binary ops
def _run(fast, safe, *columns):
    try:
        return list(map(fast, *columns))
    except _IEEE_ERRORS:
        return list(map(safe, *columns))


def _finish(values, shape, dtype, *inputs):
    """Wrap ``values`` as a tensor of ``dtype``, converting mixed-dtype results.

    Python computes ``True + True == 2`` and ``max(1, 2.5) == 2.5`` with the
    operands' own types, so results are cast when an input's dtype differs
    from the result's, and always for bool (where PyTorch's ``+`` is "or").
    """
    for t in inputs:
        if t.dtype is not dtype or dtype is dtypes.bool:
            values = list(map(dtype.cast, values))
            break
    return Tensor(values, shape, dtype=dtype)


def _arithmetic(values, shape, a, b):
    """The result of ``+ - *``: Python already gives ints for ints and floats as soon as
    one operand is a float, so only a bool result (``True + True`` is 2) needs casting."""
    dtype = dtypes.promote_types(a.dtype, b.dtype)
    if dtype is dtypes.bool:
        values = list(map(bool, values))
    return Tensor(values, shape, dtype=dtype)


def add(a, b):
    shape, av, bv = broadcast_operands(a, b, "add")
    return _arithmetic(list(map(operator.add, av, bv)), shape, a, b)


def sub(a, b):
    if a.dtype is dtypes.bool or b.dtype is dtypes.bool:
        raise TypeError(
            "sub: subtraction with a bool tensor is not supported (as in PyTorch); "
            "for masks use ~ or ^, or convert with .long() first"
        )
    shape, av, bv = broadcast_operands(a, b, "sub")
    return _arithmetic(list(map(operator.sub, av, bv)), shape, a, b)


def mul(a, b):
    shape, av, bv = broadcast_operands(a, b, "mul")
    return _arithmetic(list(map(operator.mul, av, bv)), shape, a, b)


def div(a, b):
    shape, av, bv = broadcast_operands(a, b, "div")
    # Python's / gives a float for ints and bools too: no conversion pass needed
    return Tensor(_run(operator.truediv, _ieee_div, av, bv), shape, dtype=dtypes.float64)


def pow(a, b):  # noqa: A001  (the op's name)
    shape, av, bv = broadcast_operands(a, b, "pow")
    dtype = dtypes.promote_types(a.dtype, b.dtype)
    if dtype is dtypes.bool:
        raise TypeError("pow: not supported for two bool tensors; convert with .long() first")
    if dtype is dtypes.float64:
        values = _run(math.pow, _ieee_pow, av, bv)
        return Tensor(values, shape, dtype=dtype)
    if any(y < 0 for y in bv):
        raise ValueError("pow: integers to negative integer powers are not allowed; use floats")
    return Tensor(list(map(operator.pow, av, bv)), shape, dtype=dtype)  # int ** int is an int


def _nan_aware(pick):
    """max/min of two numbers that returns nan if either is nan (as PyTorch)."""

    def choose(x, y):
        if x != x or y != y:
            return _NAN
        return pick(x, y)

    return choose


_maximum_ieee = _nan_aware(max)
_minimum_ieee = _nan_aware(min)


def maximum(a, b):
    shape, av, bv = broadcast_operands(a, b, "maximum")
    dtype = dtypes.promote_types(a.dtype, b.dtype)
    pick = _maximum_ieee if dtype is dtypes.float64 else max
    return _finish(list(map(pick, av, bv)), shape, dtype, a, b)


def minimum(a, b):
    shape, av, bv = broadcast_operands(a, b, "minimum")
    dtype = dtypes.promote_types(a.dtype, b.dtype)
    pick = _minimum_ieee if dtype is dtypes.float64 else min
    return _finish(list(map(pick, av, bv)), shape, dtype, a, b)


def _comparison(name, fn):
    def kernel(a, b):
        shape, av, bv = broadcast_operands(a, b, name)
        return Tensor(list(map(fn, av, bv)), shape, dtype=dtypes.bool)

    kernel.__name__ = kernel.__qualname__ = name
    kernel.__doc__ = f"a {name} b, elementwise, as a bool tensor."
    return kernel


eq = _comparison("eq", operator.eq)
ne = _comparison("ne", operator.ne)
lt = _comparison("lt", operator.lt)
le = _comparison("le", operator.le)
gt = _comparison("gt", operator.gt)
ge = _comparison("ge", operator.ge)


# ----------------------------------------------------------------- unary ops
def _float_unary(name, fast, safe):
    """A unary op whose result is always float64 (exp, log, ...)."""

    def kernel(a):
        return Tensor(_run(fast, safe, a.values()), a.shape, dtype=dtypes.float64)

    kernel.__name__ = kernel.__qualname__ = name
    return kernel


exp = _float_unary("exp", math.exp, _ieee_exp)
log = _float_unary("log", math.log, _ieee_log)
sqrt = _float_unary("sqrt", math.sqrt, _ieee_sqrt)
sin = _float_unary("sin", math.sin, _ieee_sin)
cos = _float_unary("cos", math.cos, _ieee_cos)
tanh = _float_unary("tanh", math.tanh, math.tanh)
erf = _float_unary("erf", math.erf, math.erf)
sigmoid = _float_unary("sigmoid", _sigmoid, _ieee_sigmoid)


def neg(a):
    if a.dtype is dtypes.bool:
        raise TypeError("neg: negating a bool tensor is not supported; use ~ to invert a mask")
    return Tensor(list(map(operator.neg, a.values())), a.shape, dtype=a.dtype)


def _refuse_bool(a, op):
    if a.dtype is dtypes.bool:
        raise TypeError(f"{op}: not supported for bool tensors (as in PyTorch); convert with .long() first")


def abs(a):  # noqa: A001  (the op's name)
    _refuse_bool(a, "abs")
    return Tensor(list(map(operator.abs, a.values())), a.shape, dtype=a.dtype)


def relu(a):
    _refuse_bool(a, "relu")
    zero = 0.0 if a.dtype is dtypes.float64 else 0
    # max(x, 0) returns x itself when x is nan (nan > 0 is False), as PyTorch.
    return Tensor(list(map(max, a.values(), repeat(zero))), a.shape, dtype=a.dtype)


def clamp(a, min, max):  # noqa: A002  (PyTorch's names)
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    dtype = a.dtype
    for bound in (min, max):
        if bound is not None:
            dtype = dtypes.promote_types(dtype, dtypes.dtype_of_value(bound))
    values = a.values()
    # builtins max/min keep nan in the first argument's place, so nan stays nan
    if min is not None:
        values = list(map(_builtin_max, values, repeat(min)))
    if max is not None:
        values = list(map(_builtin_min, values, repeat(max)))
    if min is not None and max is not None and min > max:
        values = [max] * len(values)  # PyTorch: every element becomes max
    if dtype is not a.dtype:
        values = list(map(dtype.cast, values))
    return Tensor(values, a.shape, dtype=dtype)


_builtin_max = max
_builtin_min = min


# ----------------------------------------------------------------- softmax
def _rows_along(a, dim, op):
    """The tensor with ``dim`` moved last, as contiguous values and its row length."""
    d = normalize_dim(dim, a.ndim, op)
    last = max(a.ndim - 1, 0)
    moved = transpose(a, d, last) if d != last else a
    return d, last, moved.shape, moved.values(), (moved.shape[-1] if moved.shape else 1)


def _softmax_rows(values, k, log):
    out = []
    extend = out.extend
    for start in range(0, len(values), k):
        row = values[start : start + k]
        m = _builtin_max(row)
        if m == -_INF:
            m = 0.0  # a row of -inf: softmax is nan (0 / 0), as in PyTorch
        shifted = [x - m for x in row]
        exps = list(map(_ieee_exp, shifted))
        total = sum(exps)
        if log:
            lse = _ieee_log(total)
            extend([x - lse for x in shifted])
        else:
            extend([e / total if total else _NAN for e in exps])
    return out


def _softmax_kernel(a, dim, log, op):
    d, last, moved_shape, values, k = _rows_along(a, dim, op)
    if a.dtype is not dtypes.float64:
        values = list(map(float, values))
    out = Tensor(_softmax_rows(values, k, log) if k else [], moved_shape, dtype=dtypes.float64)
    if d != last:
        from .shape import contiguous

        out = contiguous(transpose(out, d, last))
    return out


def softmax(a, dim):
    return _softmax_kernel(a, dim, False, "softmax")


def log_softmax(a, dim):
    return _softmax_kernel(a, dim, True, "log_softmax")
