"""matmul: 1-D, 2-D and batched with broadcast batch dims, as PyTorch."""

import pytest

import tinytorch.core as tt

from helpers import assert_tensor, broadcast_get, broadcast_rule, build, nested_shape


def matrix_product(a, b):
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


def matmul_ref(a, b):
    """PyTorch's matmul on nested lists: a 1-D operand is promoted to a matrix
    (a row on the left, a column on the right) and that dim is dropped again."""
    sa, sb = nested_shape(a), nested_shape(b)
    if len(sa) == 1 and len(sb) == 1:
        return sum(x * y for x, y in zip(a, b))
    a_vec, b_vec = len(sa) == 1, len(sb) == 1
    if a_vec:
        a, sa = [a], (1,) + sa
    if b_vec:
        b, sb = [[x] for x in b], sb + (1,)

    def one(idx):
        m = matrix_product(broadcast_get(a, sa[:-2], idx), broadcast_get(b, sb[:-2], idx))
        if a_vec:
            m = m[0]
        if b_vec:
            m = [row[0] for row in m]
        return m

    return build(broadcast_rule(sa[:-2], sb[:-2]), one)


def as_floats(data):
    return [as_floats(d) for d in data] if isinstance(data, list) else float(data)


def values(shape, seed):
    """Small whole numbers, different for each position and seed."""
    return build(shape, lambda idx: (sum((k + seed) * (v + 1) for k, v in enumerate(idx)) % 7) - 3)


def test_hand_computed_products():
    assert_tensor(tt.tensor([1, 2, 3]) @ tt.tensor([4, 5, 6]), 32, tt.int64)
    assert_tensor(
        tt.tensor([[1, 2], [3, 4]]) @ tt.tensor([[5, 6], [7, 8]]), [[19, 22], [43, 50]], tt.int64
    )
    assert_tensor(tt.tensor([1, 2]) @ tt.tensor([[1, 2, 3], [4, 5, 6]]), [9, 12, 15], tt.int64)
    assert_tensor(tt.tensor([[1, 2, 3], [4, 5, 6]]) @ tt.tensor([1, 0, -1]), [-2, -2], tt.int64)
    assert_tensor(tt.tensor([[0.5, 1.0]]) @ tt.tensor([[2.0], [4.0]]), [[5.0]], tt.float64)


@pytest.mark.parametrize(
    "sa, sb, shape",
    [
        ((3,), (3,), ()),
        ((2, 3), (3, 4), (2, 4)),
        ((3,), (3, 2), (2,)),
        ((2, 3), (3,), (2,)),
        ((2, 2, 3), (3, 2), (2, 2, 2)),
        ((2, 3), (4, 3, 2), (4, 2, 2)),
        ((2, 1, 2, 3), (3, 3, 2), (2, 3, 2, 2)),
        ((3,), (2, 3, 4), (2, 4)),
        ((2, 3, 4), (4,), (2, 3)),
        ((1, 2, 3), (5, 3, 1), (5, 2, 1)),
        ((2, 2, 3), (2, 3, 2), (2, 2, 2)),
        ((1, 1), (1, 1), (1, 1)),
    ],
    ids=str,
)
def test_matmul_shapes_and_values(sa, sb, shape):
    a, b = values(sa, 1), values(sb, 2)
    want = matmul_ref(a, b)
    assert nested_shape(want) == shape  # the reference itself agrees with PyTorch's shape rule
    ta, tb = tt.tensor(a), tt.tensor(b)
    assert_tensor(ta @ tb, want, tt.int64)
    assert_tensor(ta.matmul(tb), want, tt.int64)
    assert_tensor(tt.matmul(ta, tb), want, tt.int64)
    assert_tensor(ta.float() @ tb.float(), as_floats(want), tt.float64)


def test_matmul_promotes_dtype():
    assert_tensor(tt.tensor([[1, 2]]) @ tt.tensor([[0.5], [0.25]]), [[1.0]], tt.float64)
    assert_tensor(tt.tensor([[True, False]]) @ tt.tensor([[2], [3]]), [[2]], tt.int64)


def test_matmul_on_non_contiguous_views():
    a = tt.tensor([[1, 2, 3], [4, 5, 6]])
    assert_tensor(a.T @ a, [[17, 22, 27], [22, 29, 36], [27, 36, 45]], tt.int64)
    assert_tensor(a @ a.T, [[14, 32], [32, 77]], tt.int64)
    assert_tensor(a[:, ::2] @ tt.tensor([1, 1]), [4, 10], tt.int64)
    assert_tensor(
        tt.tensor([[1, 2]]).expand(3, 2) @ tt.tensor([[1], [1]]), [[3], [3], [3]], tt.int64
    )


def test_matmul_with_empty_dims():
    assert_tensor(tt.zeros(2, 0) @ tt.zeros(0, 3), [[0.0] * 3] * 2, tt.float64)
    assert (tt.zeros(0, 3) @ tt.zeros(3, 2)).shape == (0, 2)
    assert (tt.zeros(2, 3) @ tt.zeros(3, 0)).shape == (2, 0)
    assert_tensor(tt.zeros(0) @ tt.zeros(0), 0.0, tt.float64)


def test_matmul_error_message():
    with pytest.raises(
        ValueError, match=r"^matmul: shapes \(2, 3\) and \(4, 5\) cannot be multiplied"
    ):
        tt.zeros(2, 3) @ tt.zeros(4, 5)


@pytest.mark.parametrize(
    "sa, sb",
    [((3,), (4,)), ((2, 3), (2,)), ((3,), (2, 3)), ((2, 2, 3), (3, 3, 2)), ((2, 3, 4), (3, 5))],
    ids=str,
)
def test_matmul_mismatches_name_the_shapes(sa, sb):
    with pytest.raises(ValueError) as err:
        tt.zeros(sa) @ tt.zeros(sb)
    msg = str(err.value)
    assert msg.startswith("matmul") and str(sa) in msg and str(sb) in msg


def test_matmul_of_0d_is_refused():
    with pytest.raises(ValueError, match="matmul"):
        tt.tensor(2.0) @ tt.tensor([1.0])


def test_matmul_with_a_non_tensor_is_refused():
    with pytest.raises(TypeError):
        tt.zeros(2, 2) @ [[1.0, 0.0], [0.0, 1.0]]
