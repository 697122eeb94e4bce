"""Indexing and assignment: basic (views), advanced (copies), masks, placement rules, errors."""

import re

import pytest

import tinytorch.core as tt

from helpers import assert_tensor, build, flatten, nested_shape

# (2, 3, 4) with element value 100*i + 10*j + k: a value tells where it came from.
L = build((2, 3, 4), lambda i: 100 * i[0] + 10 * i[1] + i[2])
ALL = slice(None)


def x():
    return tt.tensor(L)


def basic_ref(data, key):
    """Python-list indexing with ints, slices, None and one Ellipsis, as PyTorch does it."""
    key = key if isinstance(key, tuple) else (key,)
    if any(k is Ellipsis for k in key):
        at = [k is Ellipsis for k in key].index(True)
        real = sum(1 for k in key if k is not None and k is not Ellipsis)
        key = key[:at] + (ALL,) * (len(nested_shape(data)) - real) + key[at + 1 :]

    def apply(d, ks):
        if not ks:
            return d
        k, rest = ks[0], ks[1:]
        if k is None:
            return [apply(d, rest)]
        if isinstance(k, int):
            return apply(d[k], rest)
        return [apply(item, rest) for item in d[k]]

    return apply(data, key)


# -------------------------------------------------------------- basic
BASIC = [
    1,
    -1,
    (1, 2),
    (1, 2, 3),
    (-1, -2, -3),
    slice(1, None),
    (ALL, slice(1, None)),
    (Ellipsis, slice(None, None, 2)),
    (ALL, slice(None, None, 2), slice(1, 4, 2)),
    (0, slice(1, 100)),
    (slice(-2, None), -1),
    (ALL, slice(0, 3, 5)),
    None,
    (ALL, None, 1),
    (Ellipsis, None),
    (None, 0, None),
    Ellipsis,
    (0, Ellipsis),
    (0, Ellipsis, 1),
    (Ellipsis, 1, 2),
    (1, ALL, 3),
]


@pytest.mark.parametrize("key", BASIC, ids=repr)
def test_basic_indexing_values(key):
    assert_tensor(x()[key], basic_ref(L, key), tt.int64)


@pytest.mark.parametrize("key", BASIC, ids=repr)
def test_basic_indexing_is_a_view(key):
    t = x()
    out = t[key]
    assert out.storage is t.storage


@pytest.mark.parametrize(
    "key, shape",
    [
        ((ALL, slice(5, None)), (2, 0, 4)),
        (slice(2, 1), (0, 3, 4)),
        ((Ellipsis, slice(4, None)), (2, 3, 0)),
    ],
    ids=repr,
)
def test_basic_indexing_can_give_empty(key, shape):
    assert x()[key].shape == shape


def test_indexing_a_view_of_a_view():
    t = x()
    v = t.T[1:, ::2]  # (3, 2, 2) -> element [a, b, c] = t[c, 2b, 1 + a]
    assert_tensor(v, build((3, 2, 2), lambda i: L[i[2]][2 * i[1]][1 + i[0]]), tt.int64)
    assert_tensor(v[2, -1], [L[0][2][3], L[1][2][3]], tt.int64)


def test_indexing_0d():
    t = tt.tensor(5)
    assert_tensor(t[...], 5, tt.int64)
    assert_tensor(t[None], [5], tt.int64)
    with pytest.raises(IndexError):
        t[0]


# ---------------------------------------------------------- advanced
@pytest.mark.parametrize(
    "key, want",
    [
        ([0, 1, 0], [L[0], L[1], L[0]]),
        ([-1], [L[1]]),
        ((0, [2, 0]), [L[0][2], L[0][0]]),
        ((ALL, [2, 0]), [[L[i][2], L[i][0]] for i in range(2)]),
        ((ALL, ALL, [1, 0]), [[[L[i][j][1], L[i][j][0]] for j in range(3)] for i in range(2)]),
        ((Ellipsis, [0, 3]), [[[L[i][j][0], L[i][j][3]] for j in range(3)] for i in range(2)]),
        ((1, [0, -1], 2), [L[1][0][2], L[1][2][2]]),
    ],
    ids=repr,
)
def test_integer_list_indexing(key, want):
    assert_tensor(x()[key], want, tt.int64)


def test_int64_tensor_indexing():
    assert_tensor(x()[tt.tensor([1, 0])], [L[1], L[0]], tt.int64)
    assert_tensor(x()[:, tt.tensor([2])], [[L[0][2]], [L[1][2]]], tt.int64)
    assert_tensor(tt.arange(5)[tt.tensor([[0, 1], [4, 3]])], [[0, 1], [4, 3]], tt.int64)
    assert_tensor(tt.arange(10, 15)[tt.tensor([-1, 0])], [14, 10], tt.int64)


def test_0d_int64_tensor_index_acts_like_an_int():
    assert_tensor(x()[tt.tensor(1)], L[1], tt.int64)


def test_empty_index_list():
    assert x()[[]].shape == (0, 3, 4)
    assert x()[:, tt.tensor([], dtype=tt.int64)].shape == (2, 0, 4)


def test_advanced_indexing_returns_a_copy():
    t = x()
    out = t[[0, 1]]
    out[0, 0, 0] = -7
    assert t.tolist() == L


def test_advanced_indexing_on_a_view():
    assert_tensor(
        x().T[[3, 0]],
        [[[L[i][j][k] for i in range(2)] for j in range(3)] for k in (3, 0)],
        tt.int64,
    )


# Placement of the advanced dims, as PyTorch: index arrays next to each other keep their
# place; separated by a slice, their broadcast dims go first.
@pytest.mark.parametrize(
    "key, want",
    [
        ((ALL, [0, 2], [1, 3]), [[L[i][0][1], L[i][2][3]] for i in range(2)]),  # adjacent: (2, 2)
        (([0, 1], [2, 0]), [L[0][2], L[1][0]]),  # adjacent at the front: (2, 4)
        (
            ([0, 1], ALL, [1, 3]),
            [[L[0][j][1] for j in range(3)], [L[1][j][3] for j in range(3)]],
        ),  # separated: (2, 3)
        (
            ([1, 0], slice(1, None), [0, 2]),
            [[L[1][j][0] for j in (1, 2)], [L[0][j][2] for j in (1, 2)]],
        ),
        (
            ([[0], [1]], [0, 2]),
            [[L[i][j] for j in (0, 2)] for i in (0, 1)],
        ),  # index arrays broadcast: (2, 2, 4)
        ((ALL, 0, [1, 2]), [[L[i][0][1], L[i][0][2]] for i in range(2)]),
        (([1, 0], None), [[L[1]], [L[0]]]),
    ],
    ids=repr,
)
def test_advanced_dims_placement(key, want):
    assert_tensor(x()[key], want, tt.int64)


def test_an_int_is_not_an_advanced_index():
    # PyTorch applies the int first, so `[0, :, [1, 2]]` is `[0][:, [1, 2]]`: shape (3, 2).
    # (NumPy counts the int as an advanced index and would give (2, 3).)
    assert_tensor(x()[0, :, [1, 2]], [[L[0][j][1], L[0][j][2]] for j in range(3)], tt.int64)


# --------------------------------------------------------------- masks
def test_full_shape_mask():
    t = x()
    assert_tensor(t[t > 150], [v for v in flatten(L) if v > 150], tt.int64)
    assert t[t > 1000].shape == (0,)


@pytest.mark.parametrize(
    "key, want",
    [
        (tt.tensor([True, False]), [L[0]]),
        ([False, True], [L[1]]),
        ((ALL, tt.tensor([True, False, True])), [[L[i][0], L[i][2]] for i in range(2)]),
        ((0, tt.tensor([True, False, True]), 1), [L[0][0][1], L[0][2][1]]),
        (tt.tensor([[True, False, True], [False, False, True]]), [L[0][0], L[0][2], L[1][2]]),
        (
            (Ellipsis, tt.tensor([False, True, True, False])),
            [[row[1:3] for row in plane] for plane in L],
        ),
    ],
    ids=["1d", "pylist", "dim1", "mixed", "2d", "last"],
)
def test_partial_masks(key, want):
    assert_tensor(x()[key], want, tt.int64)


def test_all_false_mask():
    assert x()[tt.tensor([False, False])].shape == (0, 3, 4)


def test_mask_of_wrong_shape_raises_index_error():
    with pytest.raises(IndexError):
        x()[tt.tensor([True, False, True])]


def test_mask_indexing_returns_a_copy():
    t = x()
    out = t[t > 0]
    out[0] = -1
    assert t.tolist() == L


# ---------------------------------------------------------- assignment
def expected_after(fn):
    data = [[row[:] for row in plane] for plane in L]
    fn(data)
    return data


def set_(where):
    def fn(data):
        for (i, j, k), v in where:
            data[i][j][k] = v

    return fn


@pytest.mark.parametrize(
    "key, value, want",
    [
        (0, 0, expected_after(lambda d: d.__setitem__(0, [[0] * 4 for _ in range(3)]))),
        (
            (ALL, 1),
            tt.tensor([1, 2, 3, 4]),
            expected_after(set_([((i, 1, k), k + 1) for i in range(2) for k in range(4)])),
        ),
        (
            (Ellipsis, 0),
            tt.tensor([[7], [8]]),
            expected_after(set_([((i, j, 0), 7 + i) for i in range(2) for j in range(3)])),
        ),
        (
            (slice(1, None), slice(None, None, 2)),
            5,
            expected_after(set_([((1, j, k), 5) for j in (0, 2) for k in range(4)])),
        ),
        ((1, 2, 3), tt.tensor(-9), expected_after(set_([((1, 2, 3), -9)]))),
        (([0, 1], 0, 0), tt.tensor([7, 8]), expected_after(set_([((0, 0, 0), 7), ((1, 0, 0), 8)]))),
        (
            (ALL, [2, 0], -1),
            0,
            expected_after(set_([((i, j, 3), 0) for i in range(2) for j in (2, 0)])),
        ),
        (
            tt.tensor([False, True]),
            1,
            expected_after(lambda d: d.__setitem__(1, [[1] * 4 for _ in range(3)])),
        ),
    ],
    ids=[
        "int-scalar",
        "row-broadcast",
        "col-broadcast",
        "step-scalar",
        "0d-tensor",
        "list",
        "list-neg",
        "mask",
    ],
)
def test_assignment(key, value, want):
    t = x()
    t[key] = value
    assert_tensor(t, want, tt.int64)


def test_assignment_with_a_full_mask():
    t = x()
    t[t > 150] = -1
    assert_tensor(
        t,
        build((2, 3, 4), lambda i: -1 if L[i[0]][i[1]][i[2]] > 150 else L[i[0]][i[1]][i[2]]),
        tt.int64,
    )


def test_assignment_through_views_reaches_the_base():
    t = x()
    v = t[1]
    v[:, 0] = -1
    w = t.T  # (4, 3, 2)
    w[3, 0] = tt.tensor([50, 60])
    want = expected_after(
        set_([((1, j, 0), -1) for j in range(3)] + [((0, 0, 3), 50), ((1, 0, 3), 60)])
    )
    assert_tensor(t, want, tt.int64)


def test_assignment_from_another_view():
    t = x()
    t[0] = t[1].T.T
    assert_tensor(t, [L[1], L[1]], tt.int64)


def test_assignment_from_views_and_with_a_mask_and_a_tensor():
    t = x()
    t[0] = tt.tensor([1, 2, 3, 4]).expand(3, 4)
    t[tt.tensor([False, True])] = tt.tensor([[5], [6], [7]])  # (3, 1) broadcast into (1, 3, 4)
    assert_tensor(t, [[[1, 2, 3, 4]] * 3, [[5] * 4, [6] * 4, [7] * 4]], tt.int64)


def test_assignment_keeps_the_dtype():
    f = tt.zeros(3)
    f[0] = 3
    f[1:] = tt.tensor([1, 2])
    assert_tensor(f, [3.0, 1.0, 2.0], tt.float64)


def test_assignment_of_wrong_shape_raises_value_error():
    with pytest.raises(ValueError):
        x()[0] = tt.ones(2)


# --------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "key, index, dim, size",
    [
        (2, 2, 0, 2),
        (-3, -3, 0, 2),
        ((0, 5), 5, 1, 3),
        ((0, -4), -4, 1, 3),
        ((ALL, ALL, 7), 7, 2, 4),
        ([0, 3], 3, 0, 2),
        (tt.tensor([5]), 5, 0, 2),
        ((ALL, ALL, [1, 9]), 9, 2, 4),
    ],
    ids=repr,
)
@pytest.mark.parametrize("action", ["get", "set"])
def test_out_of_range_names_index_dim_and_size(key, index, dim, size, action):
    t = x()
    with pytest.raises(IndexError) as err:
        get_or_set(t, key, action)
    msg = str(err.value)
    assert re.search(rf"(?<![\d-]){index}\b", msg), msg
    assert re.search(rf"dim\w*\s+{dim}\b", msg), msg
    assert re.search(rf"size\s+{size}\b", msg), msg


def get_or_set(t, key, action):
    if action == "get":
        return t[key]
    t[key] = 0
    return t


def test_too_many_indices():
    with pytest.raises(IndexError):
        x()[0, 0, 0, 0]
    with pytest.raises(IndexError):
        x()[0, ..., 0, 0, 0]


def test_negative_step_is_refused():
    with pytest.raises(ValueError):
        x()[::-1]


@pytest.mark.parametrize("key", [1.5, tt.tensor([0.5]), "a"], ids=["float", "float-tensor", "str"])
def test_bad_index_types(key):
    with pytest.raises((IndexError, TypeError)):
        x()[key]
