"""Making tensors: from nested lists, filled with a value, ranges, and random numbers."""

import math
import random

from . import dtypes
from .strides import size_args
from .tensor import Tensor


def _flatten_nested(data):
    """``(flat values, shape)`` of nested lists/tuples; ragged nesting is refused."""
    shape = []
    level = [data]
    while level:
        nested = [isinstance(x, (list, tuple, Tensor)) for x in level]
        if not any(nested):
            break
        if not all(nested):
            raise ValueError(
                f"tensor: the nested lists are ragged at depth {len(shape)}: numbers and "
                "lists mixed at the same level; every row must have the same length"
            )
        level = [x.tolist() if isinstance(x, Tensor) else x for x in level]
        first = len(level[0])
        for i, x in enumerate(level):
            if len(x) != first:
                raise ValueError(
                    f"tensor: the nested lists are ragged at depth {len(shape)}: row {i} has "
                    f"{len(x)} elements but row 0 has {first}; every row must have the same length"
                )
        shape.append(first)
        level = [y for x in level for y in x]
        if not shape[-1]:
            level = []
    return level, tuple(shape)


def tensor(data, dtype=None):
    """A new tensor holding a copy of ``data`` (nested lists, a number, or a Tensor).

    >>> tensor([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if isinstance(data, Tensor):
        values, shape = list(data.values()), data.shape
        inferred = data.dtype
    elif isinstance(data, (list, tuple)):
        values, shape = _flatten_nested(data)
        inferred = dtypes.infer_dtype(values) if values else dtypes.float64
    else:
        values, shape = [data], ()
        inferred = dtypes.dtype_of_value(data)
    target = inferred if dtype is None else dtypes.as_dtype(dtype)
    values = list(map(target.cast, values))  # bools among ints, ints among floats
    return Tensor(values, shape, dtype=target)


def _filled(size, value, dtype, op):
    shape = size_args(size, op)
    if any(s < 0 for s in shape):
        raise ValueError(f"{op}: negative size in {shape}")
    dtype = dtypes.dtype_of_value(value) if dtype is None else dtypes.as_dtype(dtype)
    if dtype is dtypes.int64 and isinstance(value, float) and value == value:
        dtype = dtypes.float64 if not value.is_integer() else dtype
    return Tensor([dtype.cast(value)] * math.prod(shape), shape, dtype=dtype)


def zeros(*size, dtype=None):
    return _filled(size, 0.0, dtype or dtypes.float64, "zeros")


def ones(*size, dtype=None):
    return _filled(size, 1.0, dtype or dtypes.float64, "ones")


def full(size, fill_value, dtype=None):
    size = (size,) if isinstance(size, int) else size
    return _filled(size, fill_value, dtype, "full")


def zeros_like(t, dtype=None):
    return _filled(t.shape, 0, dtype or t.dtype, "zeros_like")


def ones_like(t, dtype=None):
    return _filled(t.shape, 1, dtype or t.dtype, "ones_like")


def full_like(t, fill_value, dtype=None):
    return _filled(t.shape, fill_value, dtype or t.dtype, "full_like")


def arange(start, end=None, step=1, dtype=None):
    """``[start, start + step, ...]`` up to but excluding ``end``; int64 for int arguments."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise ValueError(
            f"arange: upper bound and step are inconsistent (start {start}, end {end}, step {step})"
        )
    n = max(0, math.ceil((end - start) / step))
    all_ints = all(isinstance(v, int) for v in (start, end, step))
    target = dtypes.as_dtype(dtype) if dtype else (dtypes.int64 if all_ints else dtypes.float64)
    return Tensor([target.cast(start + i * step) for i in range(n)], (n,), dtype=target)


def linspace(start, end, steps, dtype=None):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise ValueError(f"linspace: number of steps must be non-negative, got {steps}")
    target = dtypes.as_dtype(dtype) if dtype else dtypes.float64
    if steps == 1:
        return Tensor([target.cast(start)], (1,), dtype=target)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    # the first half counts up from start and the second down from end, as PyTorch,
    # so that both ends are exact
    values = [start + i * step if i < half else end - (steps - 1 - i) * step for i in range(steps)]
    return Tensor(list(map(target.cast, values)), (steps,), dtype=target)


def eye(n, m=None, dtype=None):
    m = n if m is None else m
    target = dtypes.as_dtype(dtype) if dtype else dtypes.float64
    one, zero = target.cast(1), target.cast(0)
    return Tensor([one if i == j else zero for i in range(n) for j in range(m)], (n, m), dtype=target)


# ----------------------------------------------------------------- random numbers
class Generator:
    """A random number stream (Python's Mersenne Twister), repeatable from its seed."""

    def __init__(self, seed=67280421310721):
        self._random = random.Random()
        self.manual_seed(seed)

    def manual_seed(self, seed):
        self._seed = int(seed)
        self._random.seed(self._seed)
        return self

    def initial_seed(self):
        return self._seed

    def random(self):
        return self._random.random()

    def gauss(self):
        return self._random.gauss(0.0, 1.0)

    def randrange(self, low, high):
        return self._random.randrange(low, high)

    def shuffle(self, values):
        self._random.shuffle(values)

    def get_state(self):
        return self._random.getstate()

    def set_state(self, state):
        self._random.setstate(state)


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator (as ``torch.manual_seed``); returns it."""
    return default_generator.manual_seed(seed)


def _shape_and_generator(size, generator, op):
    shape = size_args(size, op)
    return shape, math.prod(shape), generator or default_generator


def rand(*size, generator=None):
    """Uniform random numbers in [0, 1)."""
    shape, n, g = _shape_and_generator(size, generator, "rand")
    draw = g._random.random
    return Tensor([draw() for _ in range(n)], shape, dtype=dtypes.float64)


def randn(*size, generator=None):
    """Standard normal random numbers."""
    shape, n, g = _shape_and_generator(size, generator, "randn")
    draw = g._random.gauss
    return Tensor([draw(0.0, 1.0) for _ in range(n)], shape, dtype=dtypes.float64)


def randint(*args, size=None, generator=None, dtype=None):
    """``randint(high, size)`` or ``randint(low, high, size)``: ints in [low, high)."""
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, (high, size) = 0, args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint: call as randint(high, size) or randint(low, high, size)")
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    shape, n, g = _shape_and_generator(size, generator, "randint")
    draw = g._random.randrange
    target = dtypes.as_dtype(dtype) if dtype else dtypes.int64
    return Tensor([target.cast(draw(low, high)) for _ in range(n)], shape, dtype=target)


def randperm(n, generator=None):
    """A random permutation of ``0 .. n-1``."""
    values = list(range(n))
    (generator or default_generator).shuffle(values)
    return Tensor(values, (n,), dtype=dtypes.int64)
