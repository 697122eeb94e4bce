"""Creation functions: tensor, zeros/ones/full(_like), arange, linspace, eye, random."""

import math

import pytest

import tinytorch.core as tt

from helpers import assert_tensor, flatten


# ------------------------------------------------------------------ tensor
@pytest.mark.parametrize(
    "data, want, dtype",
    [
        ([[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]], tt.int64),
        (((1.5, 2.0), (3.0, 4.0)), [[1.5, 2.0], [3.0, 4.0]], tt.float64),
        ([1, 2.5], [1.0, 2.5], tt.float64),
        ([True, 0], [1, 0], tt.int64),
        ([[[True]], [[False]]], [[[True]], [[False]]], tt.bool),
        (7, 7, tt.int64),
        (-0.5, -0.5, tt.float64),
        (False, False, tt.bool),
    ],
)
def test_tensor_from_data(data, want, dtype):
    assert_tensor(tt.tensor(data), want, dtype)


def test_tensor_of_empty_lists():
    assert_tensor(tt.tensor([]), [], tt.float64, shape=(0,))
    assert_tensor(tt.tensor([[]]), [[]], tt.float64, shape=(1, 0))
    assert tt.tensor([[], []]).shape == (2, 0)


@pytest.mark.parametrize(
    "data, dtype, want",
    [
        ([1, 2], tt.float64, [1.0, 2.0]),
        ([1.7, -1.7, 0.2], tt.int64, [1, -1, 0]),  # truncation towards zero
        ([0, 2, -1], tt.bool, [False, True, True]),
        ([True, False], tt.int64, [1, 0]),
        (3, tt.float64, 3.0),
    ],
)
def test_tensor_with_dtype(data, dtype, want):
    assert_tensor(tt.tensor(data, dtype=dtype), want, dtype)


def test_tensor_of_a_tensor_is_a_copy():
    src = tt.tensor([[1, 2], [3, 4]])
    copy = tt.tensor(src)
    assert copy.storage is not src.storage
    copy[0, 0] = 100
    assert src.tolist() == [[1, 2], [3, 4]]
    assert_tensor(tt.tensor(src.T), [[1, 3], [2, 4]], tt.int64)
    assert_tensor(tt.tensor(src, dtype=tt.float64), [[1.0, 2.0], [3.0, 4.0]], tt.float64)


# ---------------------------------------------------------- zeros / ones
@pytest.mark.parametrize("fn, value", [(tt.zeros, 0.0), (tt.ones, 1.0)])
@pytest.mark.parametrize(
    "args, shape",
    [
        ((2, 3), (2, 3)),
        (((2, 3),), (2, 3)),
        (([2, 3],), (2, 3)),
        ((4,), (4,)),
        ((0,), (0,)),
        (((),), ()),
        ((2, 0, 3), (2, 0, 3)),
    ],
)
def test_zeros_and_ones_sizes(fn, value, args, shape):
    t = fn(*args)
    assert t.shape == shape and t.dtype is tt.float64
    assert flatten(t.tolist()) == ([value] * math.prod(shape) if shape else [value])


@pytest.mark.parametrize("fn, value", [(tt.zeros, 0), (tt.ones, 1)])
def test_zeros_and_ones_with_dtype(fn, value):
    assert_tensor(fn(2, dtype=tt.int64), [value, value], tt.int64)
    assert_tensor(fn((1, 2), dtype=tt.bool), [[bool(value)] * 2], tt.bool)


@pytest.mark.parametrize(
    "size, fill, dtype, want",
    [
        ((2, 2), 7, tt.int64, [[7, 7], [7, 7]]),
        ((3,), 1.5, tt.float64, [1.5, 1.5, 1.5]),
        ((2,), True, tt.bool, [True, True]),
        ((), -2, tt.int64, -2),
        ([1, 2], 0.0, tt.float64, [[0.0, 0.0]]),
    ],
)
def test_full_infers_dtype_from_the_value(size, fill, dtype, want):
    assert_tensor(tt.full(size, fill), want, dtype)


def test_full_with_dtype():
    assert_tensor(tt.full((2,), 3, dtype=tt.float64), [3.0, 3.0], tt.float64)
    assert tt.full((0, 2), 1.0).shape == (0, 2)


@pytest.mark.parametrize(
    "fn, extra, value",
    [(tt.zeros_like, (), 0), (tt.ones_like, (), 1), (tt.full_like, (5,), 5)],
)
def test_like_functions_keep_shape_and_dtype(fn, extra, value):
    src = tt.tensor([[1, 2, 3], [4, 5, 6]])
    assert_tensor(fn(src, *extra), [[value] * 3] * 2, tt.int64)
    assert_tensor(fn(src.T, *extra), [[value] * 2] * 3, tt.int64)
    assert_tensor(fn(src, *extra, dtype=tt.float64), [[float(value)] * 3] * 2, tt.float64)
    assert src.tolist() == [[1, 2, 3], [4, 5, 6]]


def test_like_of_0d_and_empty():
    assert_tensor(tt.zeros_like(tt.tensor(3.5)), 0.0, tt.float64)
    assert tt.ones_like(tt.zeros(0, 4)).shape == (0, 4)


# ------------------------------------------------------ arange / linspace
@pytest.mark.parametrize(
    "args, kwargs, want, dtype",
    [
        ((5,), {}, [0, 1, 2, 3, 4], tt.int64),
        ((1, 4), {}, [1, 2, 3], tt.int64),
        ((0, 10, 3), {}, [0, 3, 6, 9], tt.int64),
        ((5, 0, -2), {}, [5, 3, 1], tt.int64),
        ((0, 1, 0.25), {}, [0.0, 0.25, 0.5, 0.75], tt.float64),
        ((1.0, 3), {}, [1.0, 2.0], tt.float64),
        ((2.5,), {}, [0.0, 1.0, 2.0], tt.float64),
        ((3,), {"dtype": tt.float64}, [0.0, 1.0, 2.0], tt.float64),
        ((-1, 2), {"step": 1}, [-1, 0, 1], tt.int64),
    ],
)
def test_arange(args, kwargs, want, dtype):
    assert_tensor(tt.arange(*args, **kwargs), want, dtype)


@pytest.mark.parametrize("args", [(0,), (3, 3), (0.5, 0.5)])
def test_arange_empty(args):
    t = tt.arange(*args)
    assert t.shape == (0,)
    assert t.dtype is (tt.float64 if isinstance(args[0], float) else tt.int64)


@pytest.mark.parametrize("args", [(0, 5, 0), (3, 1), (1, 3, -1)])
def test_arange_bad_step_is_refused(args):
    with pytest.raises((ValueError, RuntimeError), match=r"^arange"):
        tt.arange(*args)


@pytest.mark.parametrize(
    "args, want",
    [
        ((0, 1, 5), [0.0, 0.25, 0.5, 0.75, 1.0]),
        ((2, 2, 1), [2.0]),
        ((0, 1, 1), [0.0]),
        ((-1, 1, 3), [-1.0, 0.0, 1.0]),
        ((1, 0, 3), [1.0, 0.5, 0.0]),
    ],
)
def test_linspace(args, want):
    t = tt.linspace(*args)
    assert_tensor(t, want, tt.float64)
    assert t.tolist()[-1] == float(args[1]) or args[2] == 1  # the end point is exact


def test_linspace_zero_steps():
    assert tt.linspace(0, 1, 0).shape == (0,)


@pytest.mark.parametrize("start, end, steps", [(0, 1, 50), (1, 0.3, 3)])
def test_linspace_ends_exactly(start, end, steps):
    # start + (steps - 1) * step misses `end` by one ulp here; PyTorch lands on it.
    t = tt.linspace(start, end, steps).tolist()
    assert len(t) == steps and t[0] == start and t[-1] == end
    step = (end - start) / (steps - 1)
    assert all(math.isclose(b - a, step) for a, b in zip(t, t[1:]))


# --------------------------------------------------------------------- eye
@pytest.mark.parametrize(
    "args, want",
    [
        ((3,), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
        ((2, 3), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        ((3, 2), [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
        ((1,), [[1.0]]),
    ],
)
def test_eye(args, want):
    assert_tensor(tt.eye(*args), want, tt.float64)


def test_eye_dtype_and_empty():
    assert_tensor(tt.eye(2, dtype=tt.int64), [[1, 0], [0, 1]], tt.int64)
    assert tt.eye(0).shape == (0, 0)


# ------------------------------------------------------------------ random
def test_rand_shape_dtype_and_range():
    tt.manual_seed(0)
    t = tt.rand(20, 30)
    assert t.shape == (20, 30) and t.dtype is tt.float64
    vals = flatten(t.tolist())
    assert all(0.0 <= v < 1.0 for v in vals)
    assert 0.4 < sum(vals) / len(vals) < 0.6
    assert tt.rand((2, 3)).shape == (2, 3)
    assert tt.rand(0).shape == (0,)


def test_randn_shape_dtype_and_moments():
    tt.manual_seed(0)
    t = tt.randn(40, 50)
    assert t.shape == (40, 50) and t.dtype is tt.float64
    vals = flatten(t.tolist())
    mean = sum(vals) / len(vals)
    var = sum((v - mean) ** 2 for v in vals) / len(vals)
    assert abs(mean) < 0.1 and 0.85 < var < 1.15
    assert tt.randn((3,)).shape == (3,)


@pytest.mark.parametrize(
    "fn",
    [
        lambda: tt.rand(5),
        lambda: tt.randn(2, 2),
        lambda: tt.randint(0, 100, (6,)),
        lambda: tt.randperm(8),
    ],
)
def test_manual_seed_repeats_the_stream(fn):
    tt.manual_seed(123)
    first = fn().tolist()
    tt.manual_seed(123)
    assert fn().tolist() == first
    tt.manual_seed(124)
    second = [fn().tolist() for _ in range(3)]
    assert any(s != first for s in second)


def test_manual_seed_returns_the_default_generator():
    g = tt.manual_seed(5)
    assert isinstance(g, tt.Generator)


def test_generator_is_an_independent_stream():
    g = tt.Generator()
    g.manual_seed(7)
    a = tt.rand(4, generator=g).tolist()
    g.manual_seed(7)
    tt.rand(10)  # draws from the default generator must not disturb g
    tt.manual_seed(99)
    assert tt.rand(4, generator=g).tolist() == a
    g.manual_seed(7)
    assert tt.randn(3, generator=g).shape == (3,)


def test_randint():
    tt.manual_seed(0)
    t = tt.randint(-2, 3, (200,))
    assert t.shape == (200,) and t.dtype is tt.int64
    vals = t.tolist()
    assert set(vals) == {-2, -1, 0, 1, 2}
    assert all(type(v) is int for v in vals)
    assert set(tt.randint(3, 4, (2, 5)).tolist()[1]) == {3}
    high_only = tt.randint(4, (100,)).tolist()
    assert set(high_only) == {0, 1, 2, 3}


def test_randint_with_generator_repeats():
    g = tt.Generator()
    g.manual_seed(1)
    a = tt.randint(0, 1000, (5,), generator=g).tolist()
    g.manual_seed(1)
    assert tt.randint(0, 1000, (5,), generator=g).tolist() == a


@pytest.mark.parametrize("n", [0, 1, 7])
def test_randperm_is_a_permutation(n):
    t = tt.randperm(n)
    assert t.shape == (n,) and t.dtype is tt.int64
    assert sorted(t.tolist()) == list(range(n))
