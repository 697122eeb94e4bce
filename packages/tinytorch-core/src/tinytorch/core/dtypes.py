"""The three dtypes of tinyTorch and how they combine.

Python has exactly three kinds of scalar that a learner needs: ``bool``,
``int`` and ``float`` (a C double). tinyTorch names them as PyTorch does
(``bool``, ``int64``, ``float64``) and promotes them in that order, as PyTorch
promotes its categories: ``bool < int64 < float64``.
"""

import builtins


class DType:
    """One element type: its name, its rank in promotion, and how to convert to it."""

    __slots__ = ("name", "rank", "cast", "is_floating_point")

    def __init__(self, name, rank, cast):
        self.name = name
        self.rank = rank
        self.cast = cast
        self.is_floating_point = cast is builtins.float

    def __repr__(self):
        return f"tinytorch.{self.name}"

    def __reduce__(self):
        return self.name


bool = DType("bool", 0, builtins.bool)  # noqa: A001  (PyTorch's name)
int64 = DType("int64", 1, builtins.int)
float64 = DType("float64", 2, builtins.float)
double = float64
long = int64

_BY_RANK = (bool, int64, float64)
DTYPES = {d.name: d for d in _BY_RANK}


def get_default_dtype():
    """The dtype of floating-point tensors when none is asked for: float64."""
    return float64


def promote_types(a, b):
    """The dtype that holds values of both ``a`` and ``b``."""
    return a if a.rank >= b.rank else b


def dtype_of_value(value):
    """The dtype PyTorch infers for one Python scalar."""
    kind = type(value)
    if kind is builtins.float:
        return float64
    if kind is builtins.int:
        return int64
    if kind is builtins.bool:
        return bool
    if isinstance(value, builtins.bool):
        return bool
    if isinstance(value, builtins.int):
        return int64
    if isinstance(value, builtins.float):
        return float64
    raise TypeError(
        f"tensor: cannot make a tensor element from {type(value).__name__} {value!r}; "
        "use Python bools, ints or floats"
    )


def infer_dtype(values):
    """The dtype for a flat list of Python scalars: the highest of theirs (float64 if empty)."""
    if not values:
        return float64
    rank = 0
    for kind in set(map(type, values)):
        if kind is builtins.float:
            return float64
        if kind is builtins.int:
            rank = 1
        elif kind is not builtins.bool:
            rank = max(rank, dtype_of_value(_first_of_type(values, kind)).rank)
            if rank == 2:
                return float64
    return _BY_RANK[rank]


def _first_of_type(values, kind):
    return next(v for v in values if type(v) is kind)


def as_dtype(dtype):
    """Accept a DType or its name; anything else is a clear TypeError."""
    if isinstance(dtype, DType):
        return dtype
    if isinstance(dtype, str) and dtype in DTYPES:
        return DTYPES[dtype]
    if dtype is builtins.float:
        return float64
    if dtype is builtins.int:
        return int64
    if dtype is builtins.bool:
        return bool
    raise TypeError(
        f"unknown dtype {dtype!r}; tinyTorch has tinytorch.float64, tinytorch.int64 "
        "and tinytorch.bool"
    )
