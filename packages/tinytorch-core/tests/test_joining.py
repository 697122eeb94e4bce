"""Joining: cat, stack, where (with broadcasting and numbers)."""

import pytest

import tinytorch.core as tt

from helpers import assert_tensor

A = [[1, 2, 3], [4, 5, 6]]
B = [[7, 8, 9]]
C = [[10], [20]]


# ----------------------------------------------------------------- cat
@pytest.mark.parametrize(
    "parts, dim, want",
    [
        ((A, B), 0, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ((A, B), -2, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ((A, C), 1, [[1, 2, 3, 10], [4, 5, 6, 20]]),
        ((C, A, C), -1, [[10, 1, 2, 3, 10], [20, 4, 5, 6, 20]]),
        (([1, 2], [3], [4, 5]), 0, [1, 2, 3, 4, 5]),
        ((A,), 0, A),
    ],
)
def test_cat(parts, dim, want):
    tensors = [tt.tensor(p) for p in parts]
    assert_tensor(tt.cat(tensors, dim), want, tt.int64)
    assert_tensor(tt.cat(tuple(tensors), dim=dim), want, tt.int64)


def test_cat_default_dim_and_3d():
    a = tt.arange(8).reshape(2, 2, 2)
    assert_tensor(tt.cat([a, a]), [[[0, 1], [2, 3]], [[4, 5], [6, 7]]] * 2, tt.int64)
    assert_tensor(
        tt.cat([a, a], 2), [[[0, 1, 0, 1], [2, 3, 2, 3]], [[4, 5, 4, 5], [6, 7, 6, 7]]], tt.int64
    )


def test_cat_of_views_and_empty():
    a = tt.tensor(A)
    assert_tensor(tt.cat([a.T, a[:, ::2].T]), [[1, 4], [2, 5], [3, 6], [1, 4], [3, 6]], tt.int64)
    assert_tensor(tt.cat([tt.zeros(0, 3, dtype=tt.int64), a]), A, tt.int64)
    assert tt.cat([tt.zeros(2, 0), tt.zeros(2, 0)], 1).shape == (2, 0)


def test_cat_promotes_dtypes():
    assert_tensor(tt.cat([tt.tensor([1]), tt.tensor([2.5])]), [1.0, 2.5], tt.float64)
    assert_tensor(tt.cat([tt.tensor([True]), tt.tensor([2])]), [1, 2], tt.int64)


def test_cat_is_a_copy():
    a = tt.tensor([1, 2])
    out = tt.cat([a, a])
    out[0] = 100
    assert a.tolist() == [1, 2]


@pytest.mark.parametrize(
    "shapes, dim",
    [([(2, 3), (2, 4)], 0), ([(2, 3), (3, 3)], 1), ([(2, 3), (3,)], 0), ([(2,), ()], 0)],
    ids=str,
)
def test_cat_mismatch_names_op_and_shapes(shapes, dim):
    with pytest.raises(ValueError) as err:
        tt.cat([tt.zeros(s) for s in shapes], dim)
    msg = str(err.value)
    assert msg.startswith("cat")


def test_cat_refuses_nothing_and_bad_dims():
    with pytest.raises(ValueError, match="cat"):
        tt.cat([])
    with pytest.raises(IndexError):
        tt.cat([tt.zeros(2, 3), tt.zeros(2, 3)], 2)


# --------------------------------------------------------------- stack
@pytest.mark.parametrize(
    "dim, want",
    [
        (0, [[1, 2, 3], [4, 5, 6]]),
        (1, [[1, 4], [2, 5], [3, 6]]),
        (-1, [[1, 4], [2, 5], [3, 6]]),
        (-2, [[1, 2, 3], [4, 5, 6]]),
    ],
)
def test_stack_1d(dim, want):
    assert_tensor(tt.stack([tt.tensor([1, 2, 3]), tt.tensor([4, 5, 6])], dim), want, tt.int64)


def test_stack_2d_and_default_dim():
    a, b = tt.tensor(A), tt.tensor(A) * 10
    assert_tensor(tt.stack([a, b]), [A, [[10, 20, 30], [40, 50, 60]]], tt.int64)
    assert_tensor(tt.stack((a, b), dim=1), [[A[0], [10, 20, 30]], [A[1], [40, 50, 60]]], tt.int64)
    assert_tensor(
        tt.stack([a, b], dim=2),
        [[[1, 10], [2, 20], [3, 30]], [[4, 40], [5, 50], [6, 60]]],
        tt.int64,
    )


def test_stack_of_0d_views_and_promotion():
    assert_tensor(tt.stack([tt.tensor(1), tt.tensor(2)]), [1, 2], tt.int64)
    a = tt.tensor(A)
    assert_tensor(tt.stack([a.T, a.T]), [[[1, 4], [2, 5], [3, 6]]] * 2, tt.int64)
    assert_tensor(tt.stack([tt.tensor([1]), tt.tensor([0.5])]), [[1.0], [0.5]], tt.float64)
    assert tt.stack([tt.zeros(0), tt.zeros(0)]).shape == (2, 0)


def test_stack_errors():
    with pytest.raises(ValueError) as err:
        tt.stack([tt.zeros(2, 3), tt.zeros(3, 2)])
    assert (
        str(err.value).startswith("stack")
        and "(2, 3)" in str(err.value)
        and "(3, 2)" in str(err.value)
    )
    with pytest.raises(ValueError):
        tt.stack([])
    with pytest.raises(IndexError):
        tt.stack([tt.zeros(2), tt.zeros(2)], 2)


# --------------------------------------------------------------- where
def test_where_same_shapes():
    cond = tt.tensor([[True, False], [False, True]])
    out = tt.where(cond, tt.tensor([[1, 2], [3, 4]]), tt.tensor([[-1, -2], [-3, -4]]))
    assert_tensor(out, [[1, -2], [-3, 4]], tt.int64)


def test_where_broadcasts_all_three():
    cond = tt.tensor([[True], [False]])  # (2, 1)
    out = tt.where(cond, tt.tensor([1.0, 2.0, 3.0]), tt.tensor(0.0))
    assert_tensor(out, [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], tt.float64)
    out = tt.where(tt.tensor([True, False, True]), tt.tensor([[1], [2]]), tt.tensor([[10], [20]]))
    assert_tensor(out, [[1, 10, 1], [2, 20, 2]], tt.int64)


@pytest.mark.parametrize(
    "x, y, want, dtype",
    [
        (1.0, 0.0, [1.0, 0.0, 1.0], tt.float64),
        (1, 0, [1, 0, 1], tt.int64),
        (1, 0.5, [1.0, 0.5, 1.0], tt.float64),
        ("int", 0.5, [10.0, 0.5, 30.0], tt.float64),
        (-1, "int", [-1, 20, -1], tt.int64),
    ],
)
def test_where_with_numbers(x, y, want, dtype):
    ints = tt.tensor([10, 20, 30])
    x = ints if x == "int" else x
    y = ints if y == "int" else y
    assert_tensor(tt.where(tt.tensor([True, False, True]), x, y), want, dtype)


def test_where_promotes_tensor_dtypes():
    out = tt.where(tt.tensor([True, False]), tt.tensor([1, 2]), tt.tensor([0.5, 0.25]))
    assert_tensor(out, [1.0, 0.25], tt.float64)


def test_where_from_a_comparison_and_on_views():
    t = tt.tensor([[1.0, -2.0], [-3.0, 4.0]])
    assert_tensor(tt.where(t > 0, t, 0.0), [[1.0, 0.0], [0.0, 4.0]], tt.float64)
    assert_tensor(tt.where(t.T > 0, t.T, -t.T), [[1.0, 3.0], [2.0, 4.0]], tt.float64)


def test_where_errors():
    with pytest.raises(ValueError) as err:
        tt.where(tt.tensor([True, False]), tt.zeros(3), 0.0)
    assert str(err.value).startswith("where")
    with pytest.raises(TypeError):
        tt.where(tt.tensor([1, 0]), 1.0, 0.0)
