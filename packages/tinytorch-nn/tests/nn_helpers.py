"""Helpers for the nn tests: seeded inputs and comparisons with plain-Python references.

Every expected value in these tests is computed with plain Python (``math``,
lists), never with tinyTorch itself, so a wrong kernel or layer cannot agree
with its own reference.
"""

import math
import random

import tinytorch.core as tt
from tinytorch.autograd import Variable
from tinytorch.core.tensor import Tensor


def values(n, seed=0, low=-1.0, high=1.0):
    """``n`` floats from a seeded ``random.Random``."""
    rng = random.Random(f"nn-{seed}-{n}-{low}-{high}")
    return [rng.uniform(low, high) for _ in range(n)]


def nested(flat, shape):
    """The nested list of ``shape`` holding ``flat`` in row-major order."""
    if not shape:
        return flat[0]
    step = math.prod(shape[1:])
    return [nested(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def data(*shape, seed=0, low=-1.0, high=1.0):
    """A nested list of seeded floats (the plain-Python side of an input)."""
    return nested(values(math.prod(shape), seed, low, high), shape)


def var(value, requires_grad=True):
    """A float64 leaf Variable holding a nested list (or number)."""
    return Variable(tt.tensor(value, dtype=tt.float64), requires_grad=requires_grad)


def rand_var(*shape, seed=0, low=-1.0, high=1.0, requires_grad=True):
    return var(data(*shape, seed=seed, low=low, high=high), requires_grad)


def flat(value):
    """Elements of a Variable, Tensor, nested list or number, row-major, as a flat list."""
    if isinstance(value, Variable):
        value = value.data
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, list):
        return [x for v in value for x in flat(v)]
    return [value]


def shape_of(value):
    if isinstance(value, (Variable, Tensor)):
        return tuple(value.shape)
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(shape)


def assert_close(actual, expected, rel=1e-9, abs_tol=1e-12):
    """``actual`` (Variable / Tensor) has the shape and (close) values of ``expected``."""
    assert isinstance(actual, (Variable, Tensor)), f"expected a Variable or Tensor, got {type(actual).__name__}"
    want = shape_of(expected)
    assert tuple(actual.shape) == want, f"shape {tuple(actual.shape)}, expected {want}"
    got, exp = flat(actual), flat(expected)
    for i, (g, e) in enumerate(zip(got, exp)):
        if isinstance(e, float) and math.isnan(e):
            assert isinstance(g, float) and math.isnan(g), f"element {i}: got {g!r}, expected nan"
            continue
        assert math.isclose(g, e, rel_tol=rel, abs_tol=abs_tol), (
            f"element {i}: got {g!r}, expected {e!r}\n got: {got}\nwant: {exp}"
        )


def grad_of(v):
    """``v.grad`` as a Tensor (a Variable's gradient may be a Variable)."""
    g = v.grad
    assert g is not None, "no gradient was computed"
    return g.data if isinstance(g, Variable) else g


def mean(xs):
    return sum(xs) / len(xs)


def var_pop(xs):
    m = mean(xs)
    return sum((x - m) ** 2 for x in xs) / len(xs)


def var_unbiased(xs):
    m = mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def log_softmax_row(row):
    m = max(row)
    lse = m + math.log(sum(math.exp(v - m) for v in row))
    return [v - lse for v in row]


def softmax_row(row):
    return [math.exp(v) for v in log_softmax_row(row)]


def matmul(a, b):
    """Plain-Python product of two 2-D nested lists."""
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def transpose(a):
    return [list(r) for r in zip(*a)]
