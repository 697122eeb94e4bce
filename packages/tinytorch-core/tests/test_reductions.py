"""Reductions: sum, mean, prod, var, std, max, min, argmax, argmin over dims."""

import math

import pytest

import tinytorch.core as tt

from helpers import assert_tensor, build, reduce_ref

NAN = float("nan")

# A (2, 3, 4) cube of whole floats with ties, so sums are exact and argmax must pick the first.
CUBE = build((2, 3, 4), lambda i: float((i[0] * 12 + i[1] * 4 + i[2]) * 7 % 11 - 5))


def mean(vals):
    return sum(vals) / len(vals)


def var(correction):
    def fn(vals):
        m = mean(vals)
        return sum((v - m) ** 2 for v in vals) / (len(vals) - correction)

    return fn


def first_argmax(vals):
    return vals.index(max(vals))


def first_argmin(vals):
    return vals.index(min(vals))


REFS = {
    "sum": sum,
    "mean": mean,
    "prod": math.prod,
    "var": var(1),
    "std": lambda vals: math.sqrt(var(1)(vals)),
}

DIMS = [None, 0, 1, 2, -1, -3, (0, 2), (-1, 0), (0, 1, 2), (1,)]


# ------------------------------------------------------------ hand-made
X = [[1.0, 5.0, 2.0], [4.0, 0.0, 6.0]]


@pytest.mark.parametrize(
    "op, kwargs, want",
    [
        ("sum", {}, 18.0),
        ("sum", {"dim": 0}, [5.0, 5.0, 8.0]),
        ("sum", {"dim": 1}, [8.0, 10.0]),
        ("sum", {"dim": -1, "keepdim": True}, [[8.0], [10.0]]),
        ("sum", {"dim": (0, 1)}, 18.0),
        ("sum", {"keepdim": True}, [[18.0]]),
        ("mean", {"dim": 1}, [8.0 / 3.0, 10.0 / 3.0]),
        ("mean", {}, 3.0),
        ("prod", {"dim": 0}, [4.0, 0.0, 12.0]),
        ("prod", {"dim": 1}, [10.0, 0.0]),
        ("max", {}, 6.0),
        ("min", {}, 0.0),
        ("argmax", {}, 5),
        ("argmin", {}, 4),
        ("argmax", {"dim": 1}, [1, 2]),
        ("argmin", {"dim": 0}, [0, 1, 0]),
        ("argmax", {"dim": 0, "keepdim": True}, [[1, 0, 1]]),
    ],
)
def test_reduction_by_hand(op, kwargs, want):
    assert_tensor(getattr(tt.tensor(X), op)(**kwargs), want)


def test_reduction_functions_in_the_namespace():
    t = tt.tensor(X)
    assert_tensor(tt.sum(t, dim=1), [8.0, 10.0])
    assert_tensor(tt.mean(t), 3.0)
    assert_tensor(tt.prod(t, 0), [4.0, 0.0, 12.0])
    assert_tensor(tt.argmax(t), 5)
    assert_tensor(tt.argmin(t, dim=1), [0, 1])
    assert_tensor(tt.max(t), 6.0)
    assert_tensor(tt.min(t, dim=0).values, [1.0, 0.0, 2.0])
    assert_tensor(tt.var(t, dim=0), [4.5, 12.5, 8.0])
    assert_tensor(tt.std(t, dim=0, correction=0), [1.5, 2.5, 2.0])


# ----------------------------------------------------------- every dim
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS, ids=str)
@pytest.mark.parametrize("op", REFS)
def test_reduction_over_dims(op, dim, keepdim):
    want = reduce_ref(CUBE, dim, keepdim, REFS[op])
    assert_tensor(getattr(tt.tensor(CUBE), op)(dim=dim, keepdim=keepdim), want, tt.float64)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
@pytest.mark.parametrize("op, pick, arg", [("max", max, first_argmax), ("min", min, first_argmin)])
def test_max_min_over_a_dim_return_values_and_indices(op, pick, arg, dim, keepdim):
    out = getattr(tt.tensor(CUBE), op)(dim=dim, keepdim=keepdim)
    values, indices = out
    assert out.values is values and out.indices is indices
    assert_tensor(values, reduce_ref(CUBE, dim, keepdim, pick), tt.float64)
    assert_tensor(indices, reduce_ref(CUBE, dim, keepdim, arg), tt.int64)
    positional = getattr(tt.tensor(CUBE), op)(dim, keepdim)
    assert positional.indices.tolist() == indices.tolist()


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, 1, 2, -1, -3])
@pytest.mark.parametrize("op, ref", [("argmax", first_argmax), ("argmin", first_argmin)])
def test_argmax_argmin_over_dims(op, ref, dim, keepdim):
    out = getattr(tt.tensor(CUBE), op)(dim=dim, keepdim=keepdim)
    if dim is None:
        flat = [v for plane in CUBE for row in plane for v in row]
        want = ref(flat)
        if keepdim:
            want = [[[want]]]
    else:
        want = reduce_ref(CUBE, dim, keepdim, ref)
    assert_tensor(out, want, tt.int64)


@pytest.mark.parametrize("op, want", [("max", (3.0, 1)), ("min", (1.0, 0))])
def test_ties_give_the_first_index(op, want):
    t = tt.tensor([1.0, 3.0, 3.0, 1.0])
    assert t.argmax().item() == 1 and t.argmin().item() == 0
    values, indices = getattr(t, op)(dim=0)
    assert (values.item(), indices.item()) == want
    ones = tt.ones(3, 2)
    assert ones.argmax(dim=0).tolist() == [0, 0] and ones.argmin(dim=1).tolist() == [0, 0, 0]


def test_max_and_argmax_propagate_nan():
    t = tt.tensor([1.0, NAN, 3.0])
    assert math.isnan(t.max().item()) and math.isnan(t.min().item())
    assert t.argmax().item() == 1 and t.argmin().item() == 1
    assert math.isnan(t.sum().item())


# ------------------------------------------------------------ var / std
V = [1.0, 2.0, 3.0, 4.0]  # mean 2.5, squared deviations sum to 5


@pytest.mark.parametrize(
    "kwargs, want",
    [
        ({}, 5.0 / 3.0),
        ({"correction": 1}, 5.0 / 3.0),
        ({"correction": 0}, 1.25),
        ({"correction": 2}, 2.5),
        ({"unbiased": True}, 5.0 / 3.0),
        ({"unbiased": False}, 1.25),
    ],
)
def test_var_std_correction(kwargs, want):
    t = tt.tensor(V)
    assert_tensor(t.var(**kwargs), want, tt.float64)
    assert_tensor(t.std(**kwargs), math.sqrt(want), tt.float64)


def test_var_std_with_dim_and_keepdim():
    t = tt.tensor([V, [2.0, 2.0, 2.0, 2.0]])
    assert_tensor(t.var(dim=1), [5.0 / 3.0, 0.0])
    assert_tensor(t.var(1, correction=0, keepdim=True), [[1.25], [0.0]])
    assert_tensor(t.std(dim=0, unbiased=False), [0.5, 0.0, 0.5, 1.0])
    assert_tensor(t.var(dim=(0, 1), correction=0), var(0)(V + [2.0] * 4))


def test_var_of_one_element_is_nan():
    assert_tensor(tt.tensor([3.0]).var(), NAN)
    assert_tensor(tt.tensor([3.0]).var(correction=0), 0.0)
    assert_tensor(tt.tensor([[1.0, 2.0]]).std(dim=0), [NAN, NAN])


# ---------------------------------------------------------------- dtypes
def test_int_and_bool_reductions():
    i = tt.tensor([[1, 2], [3, 4]])
    assert_tensor(i.sum(), 10, tt.int64)
    assert_tensor(i.sum(dim=0), [4, 6], tt.int64)
    assert_tensor(i.prod(dim=1), [2, 12], tt.int64)
    assert_tensor(i.mean(), 2.5, tt.float64)
    assert_tensor(i.max(dim=1).values, [2, 4], tt.int64)
    assert_tensor(i.var(dim=1, correction=0), [0.25, 0.25], tt.float64)
    b = tt.tensor([[True, False], [True, True]])
    assert_tensor(b.sum(dim=1), [1, 2], tt.int64)
    assert_tensor(b.prod(dim=0), [1, 0], tt.int64)
    assert_tensor(b.mean(), 0.75, tt.float64)


# ----------------------------------------------------- 0-d and empty
@pytest.mark.parametrize(
    "op, kwargs, want",
    [
        ("sum", {}, 5.0),
        ("sum", {"dim": 0}, 5.0),
        ("sum", {"dim": -1, "keepdim": True}, 5.0),
        ("mean", {"dim": 0}, 5.0),
        ("prod", {}, 5.0),
        ("max", {}, 5.0),
        ("argmax", {}, 0),
        ("argmin", {"dim": 0}, 0),
        ("var", {}, NAN),
        ("var", {"correction": 0}, 0.0),
    ],
)
def test_reductions_of_0d(op, kwargs, want):
    assert_tensor(getattr(tt.tensor(5.0), op)(**kwargs), want)


def test_max_over_dim_of_0d():
    values, indices = tt.tensor(5.0).max(dim=0)
    assert_tensor(values, 5.0)
    assert_tensor(indices, 0, tt.int64)


@pytest.mark.parametrize(
    "op, want",
    [("sum", 0.0), ("prod", 1.0), ("mean", NAN)],
)
def test_reductions_of_empty(op, want):
    assert_tensor(getattr(tt.zeros(0), op)(), want, tt.float64)


def test_reductions_over_empty_dims():
    e = tt.zeros(0, 3)
    assert_tensor(e.sum(dim=0), [0.0, 0.0, 0.0])
    assert_tensor(e.prod(dim=0), [1.0, 1.0, 1.0])
    assert e.sum(dim=1).shape == (0,)
    assert e.sum(dim=1, keepdim=True).shape == (0, 1)
    values, indices = e.max(dim=1)
    assert values.shape == (0,) and indices.shape == (0,) and indices.dtype is tt.int64
    assert tt.zeros(0, dtype=tt.int64).sum().tolist() == 0


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize(
    "shape, dim, out", [((0, 3), 1, (0,)), ((1, 0), 0, (0,)), ((2, 0), 0, (0,)), ((0, 3), -1, (0,))]
)
def test_arg_extremes_over_a_non_empty_dim_of_an_empty_tensor(op, shape, dim, out):
    # No reduction runs over an empty dim here, so PyTorch gives an empty result.
    got = getattr(tt.zeros(shape), op)(dim=dim)
    assert got.shape == out and got.dtype is tt.int64
    kept = tuple(1 if i == dim % 2 else n for i, n in enumerate(shape))
    assert getattr(tt.zeros(shape), op)(dim=dim, keepdim=True).shape == kept


@pytest.mark.parametrize(
    "call",
    [
        lambda: tt.zeros(0).max(),
        lambda: tt.zeros(0).min(),
        lambda: tt.zeros(0).argmax(),
        lambda: tt.zeros(0, 3).max(dim=0),
        lambda: tt.zeros(0, 3).argmin(dim=0),
    ],
    ids=["max", "min", "argmax", "max-dim", "argmin-dim"],
)
def test_extreme_of_nothing_is_refused(call):
    # PyTorch raises IndexError ("Expected reduction dim 0 to have non-zero size").
    with pytest.raises((IndexError, ValueError)):
        call()


# ---------------------------------------------------------------- views
def test_reductions_on_views():
    t = tt.tensor(X)
    assert_tensor(t.T.sum(dim=0), [8.0, 10.0])
    assert_tensor(t.T.max(dim=1).indices, [1, 0, 1])
    assert_tensor(t[:, ::2].prod(dim=1), [2.0, 24.0])
    assert_tensor(t[1].argmax(), 2)
    assert_tensor(t[0:1].expand(3, 3).sum(dim=0), [3.0, 15.0, 6.0])


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "op", ["sum", "mean", "prod", "var", "std", "max", "min", "argmax", "argmin"]
)
@pytest.mark.parametrize("dim", [2, -3])
def test_dim_out_of_range_raises_index_error(op, dim):
    with pytest.raises(IndexError):
        getattr(tt.zeros(2, 3), op)(dim=dim)
