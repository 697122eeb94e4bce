"""Elementwise ops: arithmetic, comparisons, in-place forms, math functions, softmax."""

import math
import operator

import pytest

import tinytorch.core as tt

from helpers import assert_tensor, elementwise

INF, NAN = float("inf"), float("nan")

A = [[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]
B_ROW = [0.5, 2.0, -1.0]
B_COL = [[2.0], [-3.0]]

BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "pow": operator.pow,
}


# ------------------------------------------------------------ arithmetic
@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize(
    "b", [A, B_ROW, B_COL, [[0.5]], 2.0], ids=["same", "row", "col", "1x1", "0d"]
)
def test_binary_operators_broadcast(name, b):
    op = BINARY[name]
    a = [[1.0, 2.0, 3.0], [4.0, 0.5, 6.0]] if name == "pow" else A  # no negative base ** fraction
    want = elementwise(op, a, b)
    assert_tensor(op(tt.tensor(a), tt.tensor(b)), want, tt.float64)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("scalar", [3, 2.5, -1])
def test_python_numbers_on_either_side(name, scalar):
    op = BINARY[name]
    x = [[1.0, 2.0], [4.0, 3.0]]  # whole numbers: (-1) ** x stays real
    t = tt.tensor(x)
    assert_tensor(op(t, scalar), elementwise(op, x, scalar), tt.float64)
    assert_tensor(op(scalar, t), elementwise(op, scalar, x), tt.float64)


@pytest.mark.parametrize(
    "op, scalar, want",
    [
        (operator.add, 2, [3, 4, 5]),
        (operator.sub, 10, [-9, -8, -7]),
        (operator.mul, -2, [-2, -4, -6]),
        (operator.pow, 2, [1, 4, 9]),
    ],
)
def test_int_arithmetic_stays_int(op, scalar, want):
    assert_tensor(op(tt.tensor([1, 2, 3]), scalar), want, tt.int64)


def test_reflected_int_ops():
    t = tt.tensor([1, 2, 3])
    assert_tensor(10 - t, [9, 8, 7], tt.int64)
    assert_tensor(2**t, [2, 4, 8], tt.int64)
    assert_tensor(6 / t, [6.0, 3.0, 2.0], tt.float64)
    assert_tensor(2.0**t, [2.0, 4.0, 8.0], tt.float64)


def test_int_and_float_mix():
    assert_tensor(tt.tensor([1, 2]) + tt.tensor([0.5, 0.25]), [1.5, 2.25], tt.float64)
    assert_tensor(tt.tensor([1, 2]) * 0.5, [0.5, 1.0], tt.float64)
    assert_tensor(tt.tensor([True, False]) + 1, [2, 1], tt.int64)


def test_unary_minus():
    assert_tensor(-tt.tensor([[1.5, -2.0]]), [[-1.5, 2.0]], tt.float64)
    assert_tensor(-tt.tensor([3, -4]), [-3, 4], tt.int64)
    assert_tensor(tt.tensor([3, -4]).neg(), [-3, 4], tt.int64)
    assert_tensor(-tt.tensor(2.0), -2.0, tt.float64)


@pytest.mark.parametrize(
    "sa, sb, shape",
    [
        ((2, 1), (3,), (2, 3)),
        ((1,), (0,), (0,)),
        ((), (2, 3), (2, 3)),
        ((3, 1, 2), (4, 1), (3, 4, 2)),
        ((0, 1), (1, 5), (0, 5)),
    ],
)
def test_broadcast_shapes(sa, sb, shape):
    assert (tt.zeros(sa) + tt.ones(sb)).shape == shape
    assert (tt.ones(sb) * tt.zeros(sa)).shape == shape


@pytest.mark.parametrize(
    "name, op",
    [
        ("add", operator.add),
        ("sub", operator.sub),
        ("mul", operator.mul),
        ("div", operator.truediv),
    ],
)
def test_broadcast_error_names_op_and_shapes(name, op):
    with pytest.raises(ValueError) as err:
        op(tt.zeros(2, 3), tt.zeros(4))
    msg = str(err.value)
    assert msg.startswith(name) and "(2, 3)" in msg and "(4,)" in msg


def test_add_broadcast_error_message():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        tt.zeros(2, 3) + tt.zeros(4)


def test_ops_on_non_contiguous_inputs():
    base = tt.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert_tensor(base.T + base.T, [[2.0, 8.0], [4.0, 10.0], [6.0, 12.0]])
    assert_tensor(base[:, ::2] * tt.tensor([10.0, 100.0]), [[10.0, 300.0], [40.0, 600.0]])
    assert_tensor(base[0:1].expand(2, 3) - base, [[0.0, 0.0, 0.0], [-3.0, -3.0, -3.0]])


def test_ops_on_empty_and_0d():
    assert (tt.zeros(0, 3) + 1).shape == (0, 3)
    assert_tensor(tt.tensor(2.0) * tt.tensor(3.0), 6.0, tt.float64)
    assert_tensor(tt.tensor(2) + tt.tensor([1, 2]), [3, 4], tt.int64)


@pytest.mark.parametrize("other", ["a", None, [1.0, 2.0]], ids=["str", "None", "list"])
def test_non_numbers_are_refused_with_type_error(other):
    t = tt.tensor([1.0, 2.0])
    with pytest.raises(TypeError):
        t + other
    with pytest.raises(TypeError):
        other * t


def test_inplace_on_0d():
    t = tt.tensor(1.0)
    t += 1
    t *= tt.tensor(3.0)
    assert_tensor(t, 6.0, tt.float64)


def test_result_is_a_new_tensor():
    a = tt.tensor([1.0, 2.0])
    b = a + 0
    b[0] = 50.0
    assert a.tolist() == [1.0, 2.0]


# ----------------------------------------------------------- comparisons
COMPARE = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


@pytest.mark.parametrize("name", COMPARE)
def test_comparisons_broadcast(name):
    op = COMPARE[name]
    a, b = [[1, 2, 3], [3, 2, 1]], [2, 2, 2]
    want = elementwise(op, a, b)
    assert_tensor(op(tt.tensor(a), tt.tensor(b)), want, tt.bool)
    assert_tensor(getattr(tt.tensor(a), name)(tt.tensor(b)), want, tt.bool)


@pytest.mark.parametrize("name", COMPARE)
def test_comparisons_with_numbers_on_either_side(name):
    op = COMPARE[name]
    x = [1.0, 2.0, 2.5]
    assert_tensor(op(tt.tensor(x), 2), [op(v, 2) for v in x], tt.bool)
    assert_tensor(op(2, tt.tensor(x)), [op(2, v) for v in x], tt.bool)


def test_comparisons_across_dtypes_and_nan():
    assert_tensor(tt.tensor([1, 2]) == tt.tensor([1.0, 2.5]), [True, False], tt.bool)
    assert_tensor(tt.tensor([NAN, 1.0]) == tt.tensor([NAN, 1.0]), [False, True], tt.bool)
    assert_tensor(tt.tensor([NAN, 1.0]) != tt.tensor([NAN, 1.0]), [True, False], tt.bool)
    assert_tensor(tt.tensor([True, False]) == tt.tensor([1, 1]), [True, False], tt.bool)


# -------------------------------------------------------------- in-place
@pytest.mark.parametrize(
    "iop, other, want",
    [
        (operator.iadd, [1.0, 2.0, 3.0], [[2.0, 0.0, 6.0], [5.0, 7.0, -3.0]]),
        (operator.isub, 1.0, [[0.0, -3.0, 2.0], [3.0, 4.0, -7.0]]),
        (operator.imul, [[2.0], [-1.0]], [[2.0, -4.0, 6.0], [-4.0, -5.0, 6.0]]),
        (operator.itruediv, 2, [[0.5, -1.0, 1.5], [2.0, 2.5, -3.0]]),
    ],
)
def test_inplace_operators_write_into_the_same_tensor(iop, other, want):
    t = tt.tensor(A)
    storage = t.storage
    other = tt.tensor(other) if isinstance(other, list) else other
    result = iop(t, other)
    assert result is t and t.storage is storage
    assert_tensor(t, want, tt.float64)


@pytest.mark.parametrize(
    "method, arg, want",
    [("add_", 1, [2, 3]), ("sub_", 1, [0, 1]), ("mul_", 3, [3, 6]), ("div_", 2, [0.5, 1.0])],
)
def test_inplace_methods_return_self(method, arg, want):
    t = tt.tensor([1.0, 2.0])
    assert getattr(t, method)(arg) is t
    assert_tensor(t, [float(w) for w in want], tt.float64)


def test_inplace_through_a_view_reaches_the_base():
    base = tt.zeros(2, 3)
    row = base[0]
    row += 1
    col = base[:, 2]
    col *= 0
    col += tt.tensor([5.0, 7.0])
    assert_tensor(base, [[1.0, 1.0, 5.0], [0.0, 0.0, 7.0]])


def test_inplace_through_a_transposed_view():
    base = tt.tensor([[1.0, 2.0], [3.0, 4.0]])
    view = base.T
    view -= tt.tensor([10.0, 20.0])  # broadcast over the rows of the view
    assert_tensor(base, [[-9.0, -8.0], [-17.0, -16.0]])


def test_inplace_int_with_int_and_bool():
    t = tt.tensor([1, 2])
    t += tt.tensor([True, False])
    t *= 3
    assert_tensor(t, [6, 6], tt.int64)
    f = tt.tensor([1.0, 2.0])
    f += tt.tensor([1, 1])
    assert_tensor(f, [2.0, 3.0], tt.float64)


@pytest.mark.parametrize(
    "make, iop, other",
    [
        (lambda: tt.tensor([1, 2]), operator.iadd, 0.5),
        (lambda: tt.tensor([1, 2]), operator.iadd, tt.tensor([0.5, 1.0])),
        (lambda: tt.tensor([1, 2]), operator.itruediv, 2),
        (lambda: tt.tensor([True, False]), operator.iadd, 1),
        (lambda: tt.tensor([True, False]), operator.imul, tt.tensor([2, 2])),
    ],
)
def test_inplace_that_cannot_cast_raises_type_error(make, iop, other):
    t = make()
    before = t.tolist()
    with pytest.raises(TypeError):
        iop(t, other)
    assert t.tolist() == before


def test_inplace_cannot_grow_the_tensor():
    t = tt.zeros(3)
    with pytest.raises(ValueError):
        t += tt.ones(2, 3)


def test_zero_fill_copy():
    t = tt.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.zero_() is t
    assert_tensor(t, [[0.0, 0.0], [0.0, 0.0]])
    assert t.fill_(2.5) is t
    assert_tensor(t, [[2.5, 2.5], [2.5, 2.5]])
    assert t.copy_(tt.tensor([[1.0, 2.0], [3.0, 4.0]]).T) is t
    assert_tensor(t, [[1.0, 3.0], [2.0, 4.0]])
    t.copy_(tt.tensor([7.0, 8.0]))  # broadcast
    assert_tensor(t, [[7.0, 8.0], [7.0, 8.0]])


def test_fill_through_a_view():
    base = tt.zeros(3, 3)
    base[:, 1].fill_(1.0)
    base[2].zero_()
    assert_tensor(base, [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])


# ----------------------------------------------------------------- math
X = [-2.0, -0.5, 0.0, 0.3, 1.0, 3.0]
POS = [0.1, 0.5, 1.0, 2.0, 10.0]


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


UNARY = [
    ("exp", math.exp, X),
    ("log", math.log, POS),
    ("sqrt", math.sqrt, POS + [0.0]),
    ("abs", abs, X),
    ("neg", operator.neg, X),
    ("sin", math.sin, X),
    ("cos", math.cos, X),
    ("tanh", math.tanh, X),
    ("sigmoid", sigmoid, X),
    ("relu", lambda x: max(x, 0.0), X),
]


@pytest.mark.parametrize("name, fn, xs", UNARY, ids=[u[0] for u in UNARY])
def test_unary_math_method_and_function(name, fn, xs):
    want = [fn(x) for x in xs]
    assert_tensor(getattr(tt.tensor(xs), name)(), want, tt.float64)
    assert_tensor(getattr(tt, name)(tt.tensor(xs)), want, tt.float64)


@pytest.mark.parametrize("name, fn, xs", UNARY, ids=[u[0] for u in UNARY])
def test_unary_math_on_a_view_and_empty(name, fn, xs):
    grid = [xs[:2], xs[2:4]]
    view = tt.tensor(grid).T
    assert_tensor(
        getattr(view, name)(), [[fn(grid[0][0]), fn(grid[1][0])], [fn(grid[0][1]), fn(grid[1][1])]]
    )
    assert getattr(tt.zeros(0, 2), name)().shape == (0, 2)


@pytest.mark.parametrize(
    "name, x, want",
    [
        ("log", 0.0, -INF),
        ("log", -1.0, NAN),
        ("log", INF, INF),
        ("sqrt", -1.0, NAN),
        ("sqrt", INF, INF),
        ("exp", 1000.0, INF),
        ("exp", -1000.0, 0.0),
        ("exp", -INF, 0.0),
        ("exp", NAN, NAN),
        ("sigmoid", -1000.0, 0.0),
        ("sigmoid", 1000.0, 1.0),
        ("tanh", 1000.0, 1.0),
        ("tanh", -INF, -1.0),
        ("relu", -INF, 0.0),
        ("abs", -INF, INF),
    ],
)
def test_ieee_edge_cases(name, x, want):
    assert_tensor(getattr(tt.tensor([x]), name)(), [want], tt.float64)


def test_log_of_int_zero_is_minus_inf():
    assert_tensor(tt.tensor([0, 1]).log(), [-INF, 0.0], tt.float64)


@pytest.mark.parametrize(
    "a, b, want",
    [
        ([1.0, -1.0, 0.0], 0.0, [INF, -INF, NAN]),
        ([1, -1, 0], 0, [INF, -INF, NAN]),
        ([1.0], [0.0], [INF]),
    ],
)
def test_division_by_zero(a, b, want):
    b = tt.tensor(b) if isinstance(b, list) else b
    assert_tensor(tt.tensor(a) / b, want, tt.float64)


@pytest.mark.parametrize(
    "base, exponent, want",
    [
        (0.0, -1.0, INF),  # Python raises ZeroDivisionError
        (-8.0, 1.0 / 3.0, NAN),  # Python gives a complex number
        (10.0, 1000.0, INF),  # Python raises OverflowError
        (2.0, -1.0, 0.5),
        (-2.0, 3.0, -8.0),
    ],
)
def test_pow_ieee(base, exponent, want):
    assert_tensor(tt.tensor([base]) ** exponent, [want], tt.float64)
    assert_tensor(tt.tensor([base]).pow(exponent), [want], tt.float64)
    assert_tensor(tt.tensor([base]).pow(tt.tensor([exponent])), [want], tt.float64)


def test_pow_int_tensor_exponent():
    assert_tensor(tt.tensor([[1, 2], [3, 4]]).pow(tt.tensor([2, 0])), [[1, 1], [9, 1]], tt.int64)


@pytest.mark.parametrize(
    "kwargs, want",
    [
        ({"min": -1.0, "max": 1.0}, [-1.0, -0.5, 0.0, 0.3, 1.0, 1.0]),
        ({"min": 0.0}, [0.0, 0.0, 0.0, 0.3, 1.0, 3.0]),
        ({"max": 0.5}, [-2.0, -0.5, 0.0, 0.3, 0.5, 0.5]),
    ],
)
def test_clamp(kwargs, want):
    assert_tensor(tt.tensor(X).clamp(**kwargs), want, tt.float64)


def test_clamp_positional():
    assert_tensor(tt.tensor(X).clamp(-1.0, 1.0), [-1.0, -0.5, 0.0, 0.3, 1.0, 1.0], tt.float64)


@pytest.mark.parametrize("name, fn", [("maximum", max), ("minimum", min)])
def test_maximum_minimum(name, fn):
    a, b = [[1.0, 5.0], [-2.0, 0.0]], [0.0, 3.0]
    assert_tensor(getattr(tt.tensor(a), name)(tt.tensor(b)), elementwise(fn, a, b), tt.float64)
    assert_tensor(
        getattr(tt.tensor([1, 4]), name)(tt.tensor([3, 2])), [fn(1, 3), fn(4, 2)], tt.int64
    )


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_propagate_nan(name):
    out = getattr(tt.tensor([NAN, 1.0]), name)(tt.tensor([1.0, NAN]))
    assert_tensor(out, [NAN, NAN], tt.float64)


def test_max_of_a_tensor_is_maximum():
    assert_tensor(tt.tensor([1.0, 5.0]).max(tt.tensor([3.0, 2.0])), [3.0, 5.0], tt.float64)
    assert_tensor(tt.tensor([1.0, 5.0]).min(tt.tensor([3.0, 2.0])), [1.0, 2.0], tt.float64)


# -------------------------------------------------------------- softmax
def softmax_ref(xs):
    m = max(xs)
    e = [math.exp(x - m) for x in xs]
    s = sum(e)
    return [v / s for v in e]


def log_softmax_ref(xs):
    m = max(xs)
    lse = m + math.log(sum(math.exp(x - m) for x in xs))
    return [x - lse for x in xs]


GRID = [[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]]


@pytest.mark.parametrize("dim", [1, -1])
def test_softmax_along_last_dim(dim):
    t = tt.tensor(GRID)
    assert_tensor(t.softmax(dim), [softmax_ref(row) for row in GRID], tt.float64)
    assert_tensor(t.log_softmax(dim), [log_softmax_ref(row) for row in GRID], tt.float64)


@pytest.mark.parametrize("dim", [0, -2])
def test_softmax_along_first_dim(dim):
    cols = [list(c) for c in zip(*GRID)]
    want = [list(r) for r in zip(*[softmax_ref(c) for c in cols])]
    want_log = [list(r) for r in zip(*[log_softmax_ref(c) for c in cols])]
    assert_tensor(tt.tensor(GRID).softmax(dim), want, tt.float64)
    assert_tensor(tt.tensor(GRID).log_softmax(dim), want_log, tt.float64)


def test_softmax_known_values():
    e = math.e
    assert_tensor(tt.tensor([0.0, 1.0]).softmax(0), [1 / (1 + e), e / (1 + e)])
    assert_tensor(tt.tensor([0.0, 0.0, 0.0, 0.0]).log_softmax(0), [-math.log(4)] * 4)


def test_softmax_stays_finite_for_large_logits():
    assert_tensor(tt.tensor([1000.0, 1000.0, 0.0]).softmax(0), [0.5, 0.5, 0.0])
    assert_tensor(tt.tensor([1000.0, 0.0]).log_softmax(0), [0.0, -1000.0])
    assert_tensor(tt.tensor([1000.0, 1000.0]).log_softmax(0), [-math.log(2)] * 2)
    assert_tensor(tt.tensor([-1000.0, -1000.0]).softmax(0), [0.5, 0.5])
    assert_tensor(
        tt.tensor([[1000.0], [999.0]]).softmax(0),
        [[1 / (1 + math.exp(-1))], [math.exp(-1) / (1 + math.exp(-1))]],
    )


def test_softmax_with_minus_inf_logits():
    assert_tensor(tt.tensor([-INF, 0.0]).softmax(0), [0.0, 1.0])
    assert_tensor(tt.tensor([-INF, 0.0]).log_softmax(0), [-INF, 0.0])


def test_softmax_on_a_view_and_3d():
    base = tt.tensor(GRID)
    assert_tensor(base.T.softmax(0), [list(r) for r in zip(*[softmax_ref(row) for row in GRID])])
    cube = tt.arange(8).reshape(2, 2, 2).float()
    out = cube.softmax(1).tolist()
    for i in range(2):
        for k in range(2):
            col = softmax_ref([float(i * 4 + j * 2 + k) for j in range(2)])
            assert [out[i][0][k], out[i][1][k]] == pytest.approx(col, rel=1e-12)


def test_softmax_of_int_tensor():
    assert_tensor(tt.tensor([1, 2, 3]).softmax(0), softmax_ref([1.0, 2.0, 3.0]), tt.float64)


def test_softmax_bad_dim_raises_index_error():
    with pytest.raises(IndexError):
        tt.zeros(2, 3).softmax(2)


# ------------------------------------------------------------------ logical
def test_logical_operators_on_masks():
    a = tt.tensor([True, True, False, False])
    b = tt.tensor([True, False, True, False])
    assert (a & b).tolist() == [True, False, False, False]
    assert (a | b).tolist() == [True, True, True, False]
    assert (a ^ b).tolist() == [False, True, True, False]
    assert (~a).tolist() == [False, False, True, True]
    assert (a & b).dtype is tt.bool


def test_logical_operators_refuse_numbers():
    with pytest.raises(TypeError, match="bool tensors"):
        tt.tensor([1, 2]) & tt.tensor([1, 0])


def test_any_and_all():
    t = tt.tensor([[0, 1, 0], [0, 0, 0]])
    assert t.any().item() is True
    assert t.all().item() is False
    assert t.any(dim=1).tolist() == [True, False]
    assert tt.tensor([[1, 2], [3, 4]]).all(dim=0, keepdim=True).tolist() == [[True, True]]
    assert tt.zeros(0).all().item() is True  # an empty "all" is true, as in PyTorch


def test_truth_value_of_many_elements_points_to_any_and_all():
    with pytest.raises(RuntimeError, match=r"t\.any\(\) or t\.all\(\)"):
        bool(tt.tensor([1, 2]))


def test_isclose_allclose_and_equal():
    a = tt.tensor([1.0, float("inf"), 2.0, float("nan")])
    b = tt.tensor([1.0 + 1e-9, float("inf"), 2.1, float("nan")])
    assert tt.isclose(a, b).tolist() == [True, True, False, False]
    assert tt.isclose(a, b, equal_nan=True).tolist() == [True, True, False, True]
    assert tt.allclose(a[:2], b[:2]) is True
    assert tt.allclose(a, b) is False
    assert tt.equal(tt.tensor([1, 2]), tt.tensor([1, 2])) is True
    assert tt.equal(tt.tensor([1, 2]), tt.tensor([[1, 2]])) is False  # shapes differ


def test_isclose_of_bool_tensors():
    assert tt.isclose(tt.tensor([True, False]), tt.tensor([True, True])).tolist() == [True, False]
