"""Tensor attributes, dtypes and their promotion, conversions, repr, the low-level constructor."""

import pytest

import tinytorch.core as tt

from helpers import assert_tensor


# ------------------------------------------------------------------ dtypes
def test_dtype_names_and_aliases():
    assert tt.double is tt.float64
    assert tt.long is tt.int64
    assert tt.get_default_dtype() is tt.float64
    assert repr(tt.float64) == "tinytorch.float64"
    assert repr(tt.int64) == "tinytorch.int64"
    assert repr(tt.bool) == "tinytorch.bool"
    assert len({tt.float64, tt.int64, tt.bool}) == 3


@pytest.mark.parametrize(
    "data, dtype",
    [
        ([1, 2], tt.int64),
        ([1.0, 2], tt.float64),
        ([1, 2.5], tt.float64),
        ([True, False], tt.bool),
        ([True, 1], tt.int64),
        ([True, 1.5], tt.float64),
        ((1, 2), tt.int64),
        ([[1], [2.0]], tt.float64),
        (3, tt.int64),
        (3.5, tt.float64),
        (True, tt.bool),
        ([], tt.float64),
    ],
)
def test_dtype_inference(data, dtype):
    assert tt.tensor(data).dtype is dtype


# Operands as data, made into tensors inside each test (a broken `tensor` then
# fails these tests one by one instead of the whole module at import).
BOOL, INT, FLOAT = [True, False], [1, 2], [1.5, 2.5]


def operand(x):
    return tt.tensor(x) if isinstance(x, list) else x


@pytest.mark.parametrize(
    "a, b, dtype",
    [
        (BOOL, BOOL, tt.bool),
        (BOOL, INT, tt.int64),
        (INT, BOOL, tt.int64),
        (INT, INT, tt.int64),
        (INT, FLOAT, tt.float64),
        (FLOAT, BOOL, tt.float64),
        (INT, 2, tt.int64),
        (INT, 2.5, tt.float64),
        (BOOL, 1, tt.int64),
        (BOOL, 1.0, tt.float64),
        (BOOL, True, tt.bool),
        (FLOAT, 2, tt.float64),
        (2.5, INT, tt.float64),
        (1, BOOL, tt.int64),
        (INT, "0-d 2.5", tt.float64),  # a 0-d tensor of a higher category wins
    ],
)
def test_promotion_for_add_and_mul(a, b, dtype):
    a, b = operand(a), tt.tensor(2.5) if b == "0-d 2.5" else operand(b)
    assert (a + b).dtype is dtype
    assert (a * b).dtype is dtype


def test_bool_plus_bool_is_logical_or():
    assert_tensor(
        tt.tensor([True, False, False]) + tt.tensor([True, True, False]),
        [True, True, False],
        tt.bool,
    )


@pytest.mark.parametrize("a, b", [(INT, INT), (BOOL, BOOL), (INT, 2), (3, INT), (FLOAT, INT)])
def test_true_division_is_float64(a, b):
    a, b = operand(a), operand(b)
    assert (a / b).dtype is tt.float64


def test_int_division_values():
    assert_tensor(tt.tensor([1, 3]) / tt.tensor([2, 2]), [0.5, 1.5], tt.float64)


def test_comparisons_give_bool():
    BOOL, INT, FLOAT = tt.tensor([True, False]), tt.tensor([1, 2]), tt.tensor([1.5, 2.5])
    for result in (INT == INT, INT != 1, INT < 1.5, FLOAT <= INT, FLOAT > BOOL, INT >= 0):
        assert result.dtype is tt.bool


@pytest.mark.parametrize(
    "op", ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "mean", "var", "std"]
)
@pytest.mark.parametrize("src", [[1, 2, 4], [True, False, True]])
def test_float_valued_ops_of_int_and_bool_give_float64(op, src):
    assert getattr(tt.tensor(src), op)().dtype is tt.float64


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_int_gives_float64(op):
    assert getattr(tt.tensor([1, 2, 4]), op)(0).dtype is tt.float64


@pytest.mark.parametrize("op", ["abs", "neg", "relu", "sum", "prod", "max", "min"])
def test_dtype_keeping_ops_of_int(op):
    assert getattr(tt.tensor([3, -2, 4]), op)().dtype is tt.int64


def test_clamp_of_int_keeps_int64():
    assert_tensor(tt.tensor([3, -2, 4]).clamp(min=-1, max=3), [3, -1, 3], tt.int64)


@pytest.mark.parametrize("op", ["sum", "prod"])
def test_sum_and_prod_of_bool_give_int64(op):
    assert getattr(tt.tensor([True, True, False]), op)().dtype is tt.int64
    assert getattr(tt.tensor([True, True, True]), op)().item() == (3 if op == "sum" else 1)


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_of_bool_keep_bool(op):
    assert getattr(tt.tensor([True, False]), op)().dtype is tt.bool


# ------------------------------------------------------------ attributes
def test_attributes_of_a_2d_tensor():
    t = tt.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.shape == (2, 3) and type(t.shape) is tuple
    assert t.ndim == 2 and t.dim() == 2
    assert t.numel() == 6
    assert t.size() == (2, 3)
    assert t.size(0) == 2 and t.size(1) == 3 and t.size(-1) == 3 and t.size(-2) == 2
    assert t.stride() == (3, 1) and t.stride(0) == 3 and t.stride(-1) == 1
    assert t.storage_offset() == 0
    assert len(t) == 2


def test_attributes_of_a_0d_tensor():
    t = tt.tensor(7.5)
    assert t.shape == () and t.ndim == 0 and t.numel() == 1 and t.size() == ()
    assert t.stride() == ()
    assert t.item() == 7.5


def test_attributes_of_empty_tensors():
    t = tt.zeros(2, 0, 3)
    assert t.shape == (2, 0, 3) and t.numel() == 0 and len(t) == 2
    assert t.tolist() == [[], []]
    assert tt.zeros(0).tolist() == []


@pytest.mark.parametrize("dim", [2, -3, 5])
def test_size_out_of_range_raises_index_error(dim):
    with pytest.raises(IndexError):
        tt.zeros(2, 3).size(dim)


def test_len_and_iter_of_0d_raise_type_error():
    with pytest.raises(TypeError):
        len(tt.tensor(1))
    with pytest.raises(TypeError):
        iter(tt.tensor(1))


def test_iteration_over_dim_0():
    rows = list(tt.tensor([[1, 2], [3, 4], [5, 6]]))
    assert len(rows) == 3
    for row, want in zip(rows, [[1, 2], [3, 4], [5, 6]]):
        assert_tensor(row, want, tt.int64)


def test_tensors_hash_by_identity():
    a, b = tt.tensor([1, 2]), tt.tensor([1, 2])
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert hash(a) == hash(a)
    assert a in {a} and b not in {a}


# ------------------------------------------------------------- conversion
@pytest.mark.parametrize(
    "data, want, kind",
    [
        ([[1.5, 2.0]], [[1.5, 2.0]], float),
        ([1, -2], [1, -2], int),
        ([True, False], [True, False], bool),
    ],
)
def test_tolist_gives_python_numbers_of_the_dtype(data, want, kind):
    out = tt.tensor(data).tolist()
    assert out == want
    assert all(type(x) is kind for x in (out[0] if isinstance(out[0], list) else out))


@pytest.mark.parametrize(
    "data, want", [(5, 5), ([[5]], 5), ([2.5], 2.5), ([[[True]]], True), (-3.0, -3.0)]
)
def test_item_of_one_element(data, want):
    got = tt.tensor(data).item()
    assert got == want and type(got) is type(want)


def test_tolist_of_0d_is_a_number():
    assert tt.tensor(4).tolist() == 4 and type(tt.tensor(4).tolist()) is int


def test_item_of_many_elements_raises_value_error():
    with pytest.raises(ValueError):
        tt.tensor([1, 2]).item()
    with pytest.raises(ValueError):
        tt.zeros(0).item()


def test_python_number_conversions():
    assert float(tt.tensor([2])) == 2.0 and type(float(tt.tensor([2]))) is float
    assert int(tt.tensor([[2.7]])) == 2
    assert bool(tt.tensor(0)) is False and bool(tt.tensor([3.0])) is True


@pytest.mark.parametrize("convert", [float, int, bool])
def test_python_number_conversion_of_many_elements_raises(convert):
    with pytest.raises((ValueError, RuntimeError)):
        convert(tt.tensor([1, 2]))


@pytest.mark.parametrize(
    "method, want, dtype",
    [
        ("long", [1, -1, 0], tt.int64),
        ("int", [1, -1, 0], tt.int64),
        ("float", [1.7, -1.7, 0.0], tt.float64),
        ("double", [1.7, -1.7, 0.0], tt.float64),
        ("bool", [True, True, False], tt.bool),
    ],
)
def test_conversion_methods(method, want, dtype):
    assert_tensor(getattr(tt.tensor([1.7, -1.7, 0.0]), method)(), want, dtype)


def test_to_dtype():
    assert_tensor(tt.tensor([True, False]).to(tt.float64), [1.0, 0.0], tt.float64)
    assert_tensor(tt.tensor([0, 3]).to(tt.bool), [False, True], tt.bool)
    assert_tensor(tt.tensor([2.9, -2.9]).to(tt.int64), [2, -2], tt.int64)


def test_conversion_of_a_view_keeps_shape():
    assert_tensor(
        tt.tensor([[1, 2, 3], [4, 5, 6]]).T.float(),
        [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]],
        tt.float64,
    )


def test_clone_is_an_independent_copy():
    t = tt.tensor([[1, 2], [3, 4]])
    c = t.clone()
    assert c.storage is not t.storage
    c[0, 0] = 9
    assert t.tolist() == [[1, 2], [3, 4]]
    assert c.tolist() == [[9, 2], [3, 4]]


def test_clone_of_a_view_has_the_view_values():
    t = tt.tensor([[1, 2, 3], [4, 5, 6]])
    c = t.T.clone()
    assert_tensor(c, [[1, 4], [2, 5], [3, 6]], tt.int64)
    assert c.storage is not t.storage
    assert c.strides == (1, 3)  # as PyTorch: a clone keeps a permuted (dense) layout


def test_contiguous_copies_only_when_needed():
    t = tt.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.contiguous().storage is t.storage
    c = t.T.contiguous()
    assert c.is_contiguous() and c.storage is not t.storage
    assert_tensor(c, [[1, 4], [2, 5], [3, 6]], tt.int64)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda t: t, True),
        (lambda t: t.T, False),
        (lambda t: t[:, ::2], False),
        (lambda t: t[1:], True),
        (lambda t: t[0], True),
        (lambda t: t[:, 1], False),
        (lambda t: t[0:1].expand(3, 4), False),
        (lambda t: tt.tensor(1.0), True),
        (lambda t: t.T.T, True),
    ],
)
def test_is_contiguous(make, expected):
    assert make(tt.zeros(3, 4)).is_contiguous() is expected


# --------------------------------------------------------- low level
def test_low_level_constructor_takes_the_storage():
    storage = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    t = tt.Tensor(storage, (2, 3))
    assert t.storage is storage
    assert t.strides == (3, 1) and t.offset == 0 and t.dtype is tt.float64
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def test_low_level_constructor_with_strides_and_offset():
    t = tt.Tensor([0, 1, 2, 3, 4, 5, 6], (2, 3), strides=(1, 2), offset=1)
    assert t.dtype is tt.int64
    assert t.tolist() == [[1, 3, 5], [2, 4, 6]]
    assert t.values() == [1, 3, 5, 2, 4, 6]
    assert t.storage_offset() == 1 and t.stride() == (1, 2)


def test_low_level_constructor_dtype_argument_and_inference():
    assert tt.Tensor([True, False], (2,)).dtype is tt.bool
    assert tt.Tensor([1.0, 2.0], (2,), dtype=tt.float64).dtype is tt.float64


def test_values_of_a_contiguous_tensor_is_row_major():
    assert tt.tensor([[1, 2], [3, 4]]).values() == [1, 2, 3, 4]
    assert tt.tensor([[1, 2], [3, 4]])[1].values() == [3, 4]


# ---------------------------------------------------------------- ragged
@pytest.mark.parametrize(
    "data", [[[1, 2], [3]], [[1], [2, 3]], [1, [2]], [[1, 2], 3], [[[1]], [2]], [[], [1]]]
)
def test_ragged_lists_are_refused(data):
    with pytest.raises(ValueError):
        tt.tensor(data)


@pytest.mark.parametrize("data", [["a"], [1, None], {"a": 1}])
def test_non_numbers_are_refused(data):
    with pytest.raises((TypeError, ValueError)):
        tt.tensor(data)


# ------------------------------------------------------------------ repr
@pytest.mark.parametrize(
    "data, text",
    [
        ([[1.0, 2.0], [3.0, 4.0]], "tensor([[1., 2.],\n        [3., 4.]])"),
        ([1, 2, 3], "tensor([1, 2, 3])"),
        ([True, False], "tensor([ True, False])"),
        ([[True], [False]], "tensor([[ True],\n        [False]])"),
        (3.5, "tensor(3.5000)"),
        (2.0, "tensor(2.)"),
        (3, "tensor(3)"),
        (True, "tensor(True)"),
        ([], "tensor([])"),
        ([-1, 10], "tensor([-1, 10])"),
        ([1, -10], "tensor([  1, -10])"),
        ([1.5, -2.0], "tensor([ 1.5000, -2.0000])"),
        ([0.1, 100.0], "tensor([  0.1000, 100.0000])"),
        ([1.0, float("inf"), float("nan")], "tensor([1., inf, nan])"),
        ([1e-05, 1.0], "tensor([1.0000e-05, 1.0000e+00])"),
        ([[[0.0, 0.0]], [[0.0, 0.0]]], "tensor([[[0., 0.]],\n\n        [[0., 0.]]])"),
    ],
)
def test_repr_like_pytorch(data, text):
    assert repr(tt.tensor(data)) == text


def test_repr_of_empty_2d_shows_size():
    assert repr(tt.zeros(2, 0)) == "tensor([], size=(2, 0))"


def test_repr_of_a_view_shows_the_view():
    assert repr(tt.tensor([[1, 2], [3, 4]]).T) == "tensor([[1, 3],\n        [2, 4]])"
