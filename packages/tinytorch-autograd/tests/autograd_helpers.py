"""Inputs for the autograd tests: seeded leaves, contiguous or as non-contiguous views.

Values come from Python's ``random`` with a fixed seed, so every test sees the
same numbers. Several kinds keep gradchecks away from kinks and poles:

- ``uniform``: plain values in [low, high);
- ``signed``: |x| in [low, high) with a random sign (away from 0: prod, div);
- ``grid``: multiples of 0.4 plus ``offset`` (two grids with different
  offsets never tie: maximum/minimum; offset 0.2 stays 0.2 away from 0: abs,
  relu; and away from clamp bounds such as +-0.5 or 0.3);
- ``distinct``: all values different, at least 0.3 apart (max/min reductions).

``transposed=True`` makes the leaf itself a non-contiguous view (all dims
reversed of a tensor of the reversed shape, or every other element of a
longer 1-D tensor), the layout gradcheck must perturb through its storage.
"""

import math
import random

import tinytorch.core as tt
from tinytorch.autograd import Variable
from tinytorch.core.tensor import Tensor


def _rng(seed, shape, kind):
    return random.Random(f"{seed}-{shape}-{kind}")


def _values(kind, shape, seed, low, high, offset):
    n = math.prod(shape)
    rng = _rng(seed, shape, kind)
    if kind == "uniform":
        return [rng.uniform(low, high) for _ in range(n)]
    if kind == "signed":
        return [rng.uniform(low, high) * rng.choice((-1.0, 1.0)) for _ in range(n)]
    if kind == "grid":
        return [rng.randint(-4, 4) * 0.4 + offset for _ in range(n)]
    if kind == "distinct":
        values = [(k - n // 2) * 0.3 + 0.05 for k in range(n)]
        rng.shuffle(values)
        return values
    raise ValueError(kind)


def make_tensor(shape, kind="uniform", seed=0, low=-1.0, high=1.0, offset=0.0, transposed=False):
    """A float64 Tensor of ``shape``; a non-contiguous view of one when ``transposed``."""
    shape = tuple(shape)
    flat = _values(kind, shape, seed, low, high, offset)
    if not transposed:
        return Tensor(flat, shape, dtype=tt.float64)
    if len(shape) >= 2:
        t = Tensor(flat, shape[::-1], dtype=tt.float64).T
    elif len(shape) == 1:
        wide = [x for v in flat for x in (v, 99.0)]  # every other element: stride 2
        t = Tensor(wide, (2 * shape[0],), dtype=tt.float64)[::2]
    else:
        raise ValueError("a 0-d tensor cannot be a non-contiguous view")
    assert t.shape == shape and not t.is_contiguous(), (shape, t.strides)
    return t


def leaf(*shape, requires_grad=True, **kw):
    """A leaf Variable (see ``make_tensor`` for the keywords)."""
    return Variable(make_tensor(shape, **kw), requires_grad=requires_grad)


def tleaf(*shape, **kw):
    """A leaf Variable that is a non-contiguous view."""
    return leaf(*shape, transposed=True, **kw)


def flat(value):
    """The elements of a Variable, Tensor, nested list or number as a flat list."""
    if isinstance(value, Variable):
        value = value.data
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, list):
        return [x for v in value for x in flat(v)]
    return [value]


def assert_close(actual, expected, rel=1e-9, abs_tol=1e-12):
    """``actual`` (Variable/Tensor) holds ``expected`` (nested list or number), shapes included."""
    if isinstance(actual, Variable):
        actual = actual.data
    assert isinstance(actual, Tensor), f"expected a Tensor or Variable, got {type(actual).__name__}"
    want_shape = tt.tensor(expected).shape
    assert actual.shape == want_shape, f"shape {actual.shape}, expected {want_shape}"
    got, want = flat(actual), flat(expected)
    for i, (g, w) in enumerate(zip(got, want)):
        assert math.isclose(g, w, rel_tol=rel, abs_tol=abs_tol), (
            f"element {i}: got {g!r}, expected {w!r} (all: {got} vs {want})"
        )
