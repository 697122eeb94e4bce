"""Shape ops: reshape, view, squeeze, unsqueeze, flatten, transpose, t, T, permute, expand."""

import pytest

import tinytorch.core as tt

from helpers import assert_tensor, build, flatten, from_flat, get

# (2, 3, 4) with element value 100*i + 10*j + k: a value tells where it came from.
CUBE = build((2, 3, 4), lambda i: 100 * i[0] + 10 * i[1] + i[2])


def cube():
    return tt.tensor(CUBE)


# ------------------------------------------------------------ reshape
@pytest.mark.parametrize(
    "args, shape",
    [
        ((6, 4), (6, 4)),
        (((4, 6),), (4, 6)),
        (([2, 12],), (2, 12)),
        ((-1,), (24,)),
        ((3, -1), (3, 8)),
        ((-1, 2, 3), (4, 2, 3)),
        (((2, -1, 4),), (2, 3, 4)),
        ((1, 24, 1), (1, 24, 1)),
    ],
)
@pytest.mark.parametrize("method", ["reshape", "view"])
def test_reshape_and_view(method, args, shape):
    t = cube()
    out = getattr(t, method)(*args)
    assert_tensor(out, from_flat(flatten(CUBE), shape), tt.int64)
    assert out.storage is t.storage  # contiguous input: both are views


def test_reshape_and_view_share_storage_both_ways():
    base = tt.zeros(2, 3)
    v = base.view(3, 2)
    v[2, 1] = 5.0
    r = base.reshape(6)
    r[0] = 7.0
    assert_tensor(base, [[7.0, 0.0, 0.0], [0.0, 0.0, 5.0]])
    base[0, 1] = -1.0
    assert v.tolist()[0] == [7.0, -1.0] and r.tolist()[1] == -1.0


def test_reshape_of_non_contiguous_copies_in_logical_order():
    t = tt.tensor([[1, 2, 3], [4, 5, 6]]).T  # [[1, 4], [2, 5], [3, 6]]
    out = t.reshape(6)
    assert_tensor(out, [1, 4, 2, 5, 3, 6], tt.int64)
    assert_tensor(t.reshape(2, 3), [[1, 4, 2], [5, 3, 6]], tt.int64)
    assert_tensor(t.reshape(-1, 1).squeeze(1), [1, 4, 2, 5, 3, 6], tt.int64)


def test_view_of_non_contiguous_raises_runtime_error_naming_reshape():
    t = tt.zeros(2, 3).T
    with pytest.raises(RuntimeError, match="reshape"):
        t.view(6)
    with pytest.raises(RuntimeError, match="reshape"):
        tt.zeros(4, 4)[:, :2].view(8)  # PyTorch refuses this one too


@pytest.mark.parametrize("args", [(5,), (4, 5), (-1, 5), (-1, -1), (7, -1)])
@pytest.mark.parametrize("method", ["reshape", "view"])
def test_reshape_to_a_wrong_size_raises_value_error(method, args):
    with pytest.raises(ValueError) as err:
        getattr(cube(), method)(*args)
    assert str(err.value).startswith(method)


def test_reshape_0d_and_empty():
    assert_tensor(tt.tensor([5]).reshape(()), 5, tt.int64)
    assert_tensor(tt.tensor(5).reshape(1, 1), [[5]], tt.int64)
    assert_tensor(tt.tensor(5.0).view(-1), [5.0], tt.float64)
    assert tt.zeros(0, 3).reshape(3, 0).shape == (3, 0)
    assert tt.zeros(2, 0, 3).reshape(-1, 3).shape == (0, 3)


# ------------------------------------------------------------ squeeze
@pytest.mark.parametrize(
    "dim, shape",
    [
        (None, (2, 3)),
        (0, (2, 1, 3)),
        (2, (1, 2, 3)),
        (-2, (1, 2, 3)),
        (-4, (2, 1, 3)),
        (1, (1, 2, 1, 3)),  # not size 1: unchanged
        ((0, 2), (2, 3)),
        ((0, -2, 3), (2, 3)),
        ((), (1, 2, 1, 3)),
    ],
    ids=str,
)
def test_squeeze(dim, shape):
    t = tt.tensor([[[[1, 2, 3]], [[4, 5, 6]]]])  # (1, 2, 1, 3)
    out = t.squeeze() if dim is None else t.squeeze(dim)
    assert out.shape == shape
    assert flatten(out.tolist()) == [1, 2, 3, 4, 5, 6]
    assert out.storage is t.storage


def test_squeeze_0d_and_empty():
    assert tt.tensor(3).squeeze().shape == ()
    assert tt.tensor(3).squeeze(0).shape == ()
    assert tt.zeros(1, 0, 1).squeeze().shape == (0,)


@pytest.mark.parametrize("dim", [4, -5])
def test_squeeze_dim_out_of_range(dim):
    with pytest.raises(IndexError):
        tt.zeros(1, 2, 1, 3).squeeze(dim)


@pytest.mark.parametrize(
    "dim, shape",
    [
        (0, (1, 2, 3)),
        (1, (2, 1, 3)),
        (2, (2, 3, 1)),
        (-1, (2, 3, 1)),
        (-2, (2, 1, 3)),
        (-3, (1, 2, 3)),
    ],
)
def test_unsqueeze(dim, shape):
    t = tt.tensor([[1, 2, 3], [4, 5, 6]])
    out = t.unsqueeze(dim)
    assert out.shape == shape
    assert flatten(out.tolist()) == [1, 2, 3, 4, 5, 6]
    assert out.storage is t.storage


def test_unsqueeze_0d_and_errors():
    assert_tensor(tt.tensor(7).unsqueeze(0), [7], tt.int64)
    assert_tensor(tt.tensor(7).unsqueeze(-1), [7], tt.int64)
    for dim in (3, -4):
        with pytest.raises(IndexError):
            tt.zeros(2, 3).unsqueeze(dim)


def test_unsqueeze_of_a_transposed_view():
    t = tt.tensor([[1, 2], [3, 4]]).T
    assert_tensor(t.unsqueeze(1), [[[1, 3]], [[2, 4]]], tt.int64)


# ------------------------------------------------------------ flatten
@pytest.mark.parametrize(
    "args, shape",
    [
        ((), (24,)),
        ((1,), (2, 12)),
        ((0, 1), (6, 4)),
        ((-2, -1), (2, 12)),
        ((1, 1), (2, 3, 4)),
        ((0, -1), (24,)),
        ((2,), (2, 3, 4)),
    ],
)
def test_flatten(args, shape):
    out = cube().flatten(*args)
    assert_tensor(out, from_flat(flatten(CUBE), shape), tt.int64)


def test_flatten_0d_view_and_errors():
    assert_tensor(tt.tensor(5).flatten(), [5], tt.int64)
    t = tt.tensor([[1, 2], [3, 4]]).T
    assert_tensor(t.flatten(), [1, 3, 2, 4], tt.int64)
    with pytest.raises(IndexError):
        cube().flatten(3)


def test_flatten_of_contiguous_is_a_view():
    t = cube()
    t.flatten()[5] = -1
    assert t.tolist()[0][1][1] == -1


# ---------------------------------------------------- transpose, t, T
@pytest.mark.parametrize("d0, d1", [(0, 1), (1, 0), (0, 2), (-1, -2), (-3, 2), (1, 1)])
def test_transpose(d0, d1):
    out = cube().transpose(d0, d1)
    a, b = d0 % 3, d1 % 3
    perm = [0, 1, 2]
    perm[a], perm[b] = perm[b], perm[a]
    shape = tuple((2, 3, 4)[p] for p in perm)

    def source(idx):
        src = [0, 0, 0]
        for pos, p in enumerate(perm):
            src[p] = idx[pos]
        return get(CUBE, src)

    assert_tensor(out, build(shape, source), tt.int64)


def test_transpose_is_a_view_with_swapped_strides():
    t = cube()
    out = t.transpose(0, 2)
    assert out.storage is t.storage
    assert out.stride() == (1, 4, 12)
    out[3, 2, 1] = -5
    assert t.tolist()[1][2][3] == -5


def test_transpose_bad_dim():
    with pytest.raises(IndexError):
        tt.zeros(2, 3).transpose(0, 2)


def test_t_method():
    m = tt.tensor([[1, 2, 3], [4, 5, 6]])
    assert_tensor(m.t(), [[1, 4], [2, 5], [3, 6]], tt.int64)
    assert_tensor(tt.tensor([1, 2]).t(), [1, 2], tt.int64)
    assert_tensor(tt.tensor(3).t(), 3, tt.int64)
    with pytest.raises(ValueError):
        cube().t()


def test_T_reverses_all_dims():
    out = cube().T
    assert out.shape == (4, 3, 2)
    assert_tensor(out, build((4, 3, 2), lambda i: get(CUBE, (i[2], i[1], i[0]))), tt.int64)
    assert_tensor(tt.tensor([[1, 2], [3, 4]]).T, [[1, 3], [2, 4]], tt.int64)
    assert_tensor(tt.tensor([1, 2]).T, [1, 2], tt.int64)
    assert tt.tensor(1.0).T.shape == ()


# ------------------------------------------------------------ permute
@pytest.mark.parametrize(
    "dims", [(0, 1, 2), (2, 0, 1), (1, 2, 0), (2, 1, 0), (-1, 0, 1), (0, -1, -2)]
)
@pytest.mark.parametrize("packed", [False, True])
def test_permute(dims, packed):
    t = cube()
    out = t.permute(dims) if packed else t.permute(*dims)
    perm = [d % 3 for d in dims]
    shape = tuple((2, 3, 4)[p] for p in perm)

    def source(idx):
        src = [0, 0, 0]
        for pos, p in enumerate(perm):
            src[p] = idx[pos]
        return get(CUBE, src)

    assert_tensor(out, build(shape, source), tt.int64)
    assert out.storage is t.storage
    assert out.stride() == tuple((12, 4, 1)[p] for p in perm)


def test_write_through_a_permuted_view():
    t = cube()
    t.permute(2, 0, 1)[3, 1, 0] = 999
    assert t.tolist()[1][0][3] == 999


@pytest.mark.parametrize("dims", [(0, 1), (0, 0, 1), (0, 1, 2, 3)])
def test_permute_bad_dims(dims):
    with pytest.raises(ValueError) as err:
        cube().permute(*dims)
    assert str(err.value).startswith("permute")


def test_permute_dim_out_of_range():
    with pytest.raises(IndexError):
        cube().permute(0, 1, 3)


# ------------------------------------------------------------- expand
def test_expand_values_and_strides():
    col = tt.tensor([[1], [2], [3]])
    out = col.expand(3, 4)
    assert_tensor(out, [[1] * 4, [2] * 4, [3] * 4], tt.int64)
    assert out.stride() == (1, 0)
    assert_tensor(col.expand(-1, 2), [[1, 1], [2, 2], [3, 3]], tt.int64)
    assert_tensor(col.expand((2, 3, 2)), [[[1, 1], [2, 2], [3, 3]]] * 2, tt.int64)
    row = tt.tensor([1, 2, 3]).expand(2, 3)
    assert row.stride() == (0, 1)
    assert_tensor(row, [[1, 2, 3], [1, 2, 3]], tt.int64)
    assert_tensor(tt.tensor(4).expand(2, 2), [[4, 4], [4, 4]], tt.int64)
    assert tt.tensor([[1], [2]]).expand(2, 0).shape == (2, 0)


def test_expand_shares_storage_with_its_base():
    base = tt.tensor([[1.0], [2.0]])
    out = base.expand(2, 3)
    assert out.storage is base.storage
    base[1, 0] = 9.0
    assert out.tolist() == [[1.0, 1.0, 1.0], [9.0, 9.0, 9.0]]


def test_expand_as():
    assert_tensor(tt.tensor([1, 2]).expand_as(tt.zeros(3, 2)), [[1, 2]] * 3, tt.int64)


@pytest.mark.parametrize("sizes", [(3, 3), (2,), (4, 1, 2)])
def test_expand_refuses_non_singleton_dims(sizes):
    with pytest.raises(ValueError) as err:
        tt.zeros(2, 1).expand(*sizes)
    assert str(err.value).startswith("expand")


def test_expand_of_a_transposed_view():
    t = tt.tensor([[1, 2, 3]]).T  # (3, 1)
    assert_tensor(t.expand(3, 2), [[1, 1], [2, 2], [3, 3]], tt.int64)


# ------------------------------------------------------------ chains
def test_a_chain_of_views_writes_into_the_base():
    base = tt.zeros(2, 3, 4)
    v = base.permute(2, 0, 1)[1:, :, ::2].unsqueeze(0).transpose(1, 3)  # (1, 2, 2, 3)
    assert v.shape == (1, 2, 2, 3) and v.storage is base.storage
    # v[0, c, b, a] = base[b, 2 * c, 1 + a]
    v[0, 1, 0, 2] = 1.0
    got = base.tolist()
    assert got[0][2][3] == 1.0
    assert sum(flatten(got)) == 1.0


def test_contiguous_of_a_view_is_detached_from_the_base():
    base = cube()
    c = base.T.contiguous()
    c[0, 0, 0] = -1
    assert base.tolist()[0][0][0] == 0
    assert c.is_contiguous()
