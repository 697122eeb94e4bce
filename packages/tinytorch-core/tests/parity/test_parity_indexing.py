"""Parity with PyTorch (float64): indexing and index assignment (ints,
slices with steps, None, Ellipsis, int lists, int64 tensors, bool masks,
mixed basic + advanced, advanced indices separated by a slice), cat, stack,
where and masked_fill.

A key is written once as ``lambda L, x: key`` so that it can hold tensors of
either library (``L.tensor([0, 2])``, ``x > 0``).
"""

import pytest

torch = pytest.importorskip("torch")

import tinytorch.core as tt  # noqa: E402

from _parity import assert_same_layout, check, make, values  # noqa: E402

S = slice
ALL = slice(None)

# (id, input spec, key); the input is 4x5x6 unless said otherwise
GETITEM = [
    # ints
    ("int", "4x5x6", lambda L, x: 1),
    ("negative int", "4x5x6", lambda L, x: -1),
    ("two ints", "4x5x6", lambda L, x: (1, 2)),
    ("three negative ints give 0-d", "4x5x6", lambda L, x: (-1, -2, -3)),
    # slices
    ("slice", "4x5x6", lambda L, x: S(1, 3)),
    ("slice step 2", "4x5x6", lambda L, x: S(None, None, 2)),
    ("slice start step 3", "4x5x6", lambda L, x: S(1, None, 3)),
    ("negative start", "4x5x6", lambda L, x: S(-3, None)),
    ("negative stop", "4x5x6", lambda L, x: S(None, -1)),
    ("negative start and stop", "4x5x6", lambda L, x: S(-3, -1)),
    ("stop past the end clamps", "4x5x6", lambda L, x: S(2, 100)),
    ("start past the end is empty", "4x5x6", lambda L, x: S(10, 20)),
    ("start after stop is empty", "4x5x6", lambda L, x: S(3, 1)),
    ("step larger than the dim", "4x5x6", lambda L, x: S(None, None, 10)),
    ("very negative start clamps", "4x5x6", lambda L, x: S(-100, 2)),
    ("slices on every dim", "4x5x6", lambda L, x: (S(1, 3), S(None, None, 2), S(5, 0, None))),
    ("steps on every dim", "4x5x6", lambda L, x: (S(None, None, 2), S(None, None, 3), S(1, None, 4))),
    ("slice then int", "4x5x6", lambda L, x: (ALL, 2)),
    ("slice slice int", "4x5x6", lambda L, x: (S(1, 3), S(None, None, 2), -1)),
    # None and Ellipsis
    ("Ellipsis", "4x5x6", lambda L, x: ...),
    ("empty tuple", "4x5x6", lambda L, x: ()),
    ("Ellipsis then int", "4x5x6", lambda L, x: (..., 1)),
    ("int then Ellipsis", "4x5x6", lambda L, x: (1, ...)),
    ("int Ellipsis int", "4x5x6", lambda L, x: (1, ..., 2)),
    ("Ellipsis slice", "4x5x6", lambda L, x: (..., S(None, None, 2))),
    ("None", "4x5x6", lambda L, x: None),
    ("None int None", "4x5x6", lambda L, x: (None, 1, None)),
    ("Ellipsis None", "4x5x6", lambda L, x: (..., None)),
    ("slice None slice", "4x5x6", lambda L, x: (ALL, None, S(1, 4, 2))),
    ("None None Ellipsis int", "4x5x6", lambda L, x: (None, None, ..., 0)),
    # integer lists and tensors (advanced: a copy)
    ("int list", "4x5x6", lambda L, x: [0, 2]),
    ("int list with repeats and negatives", "4x5x6", lambda L, x: [-1, 0, 0]),
    ("nested int list", "4x5x6", lambda L, x: [[0, 1], [2, 3]]),
    ("empty list", "4x5x6", lambda L, x: []),
    ("int64 tensor", "4x5x6", lambda L, x: L.tensor([0, 3])),
    ("2-D int64 tensor", "4x5x6", lambda L, x: L.tensor([[1], [2]])),
    ("0-d int64 tensor", "4x5x6", lambda L, x: L.tensor(2)),
    ("int64 tensor from an op", "4x5x6", lambda L, x: (x[:, 0, 0] > 0).long()),
    # bool masks
    ("bool mask, full shape", "4x5x6", lambda L, x: x > 0),
    ("bool mask on dim 0", "4x5x6", lambda L, x: L.tensor([True, False, True, True])),
    ("Python bool list", "4x5x6", lambda L, x: [True, False, True, True]),
    ("bool mask on dims 0 and 1", "4x5x6", lambda L, x: x[..., 0] > 0),
    ("all-False mask", "4x5x6", lambda L, x: x > 100),
    ("0-d True mask", "4x5x6", lambda L, x: L.tensor(True)),
    ("0-d False mask", "4x5x6", lambda L, x: L.tensor(False)),
    # mixed basic + advanced
    ("slice, list", "4x5x6", lambda L, x: (ALL, [0, 2])),
    ("list, list (adjacent)", "4x5x6", lambda L, x: ([0, 2], [1, 3])),
    ("slice, list, list (adjacent)", "4x5x6", lambda L, x: (ALL, [0, 2], [1, 3])),
    ("list, slice, list (separated)", "4x5x6", lambda L, x: ([0, 2], ALL, [1, 3])),
    ("int, slice, list", "4x5x6", lambda L, x: (1, ALL, [0, 2])),
    ("list, int", "4x5x6", lambda L, x: ([1, 2], 3)),
    ("int, list", "4x5x6", lambda L, x: (1, [0, 2])),
    ("list, slice, int (separated)", "4x5x6", lambda L, x: ([0, 2], ALL, 1)),
    ("broadcast index lists", "4x5x6", lambda L, x: ([[0], [2]], [1, 3])),
    ("Ellipsis, list", "4x5x6", lambda L, x: (..., [0, 1])),
    ("None, list", "4x5x6", lambda L, x: (None, [0, 1])),
    ("list, None", "4x5x6", lambda L, x: ([0, 1], None)),
    ("tensor, slice step, tensor", "4x5x6",
     lambda L, x: (L.tensor([0, 3]), S(1, None, 2), L.tensor([5, 0]))),
    ("mask on dim 0, slice", "4x5x6", lambda L, x: (L.tensor([True, False, True, True]), S(1, 3))),
    ("slice, mask on dim 1", "4x5x6",
     lambda L, x: (ALL, L.tensor([True, False, True, False, True]))),
    ("mask on dim 0 with a list", "4x5x6",
     lambda L, x: (L.tensor([True, False, True, True]), [0, 1, 2])),
    ("slice step, list, slice step", "4x5x6", lambda L, x: (S(None, None, 2), [4, 0], S(1, None, 2))),
    # other inputs
    ("1-D int", "6", lambda L, x: 2),
    ("1-D step", "6", lambda L, x: S(None, None, 2)),
    ("1-D list", "6", lambda L, x: [0, 5, 1]),
    ("1-D mask", "6", lambda L, x: x > 0),
    ("1-D None", "6", lambda L, x: None),
    ("0-d empty tuple", "()", lambda L, x: ()),
    ("0-d Ellipsis", "()", lambda L, x: ...),
    ("0-d None", "()", lambda L, x: None),
    ("0-d mask", "()", lambda L, x: x > 0),
    ("transposed int", "6x5.T", lambda L, x: 1),
    ("transposed slice", "6x5.T", lambda L, x: (ALL, S(None, None, 2))),
    ("transposed list", "6x5.T", lambda L, x: [0, 2]),
    ("transposed mask", "6x5.T", lambda L, x: x > 0),
    ("transposed slice, list", "6x5.T", lambda L, x: (S(1, None), [0, 1])),
    ("step-sliced int", "4x5.s", lambda L, x: (ALL, 1)),
    ("step-sliced step", "4x5.s", lambda L, x: (S(None, None, 2), S(1, None, 2))),
    ("step-sliced lists", "4x5.s", lambda L, x: ([3, 0], [4, 4])),
    ("expanded int", "3x4x5.x", lambda L, x: (2, 1)),
    ("expanded list", "3x4x5.x", lambda L, x: [2, 0]),
    ("empty, slice", "0x3", lambda L, x: (ALL, 1)),
    ("empty, empty list", "0x3", lambda L, x: []),
    ("empty, mask", "0x3", lambda L, x: x > 0),
    # out of range (PyTorch raises IndexError; so must tinyTorch)
    ("int out of range", "4x5x6", lambda L, x: 4),
    ("negative int out of range", "4x5x6", lambda L, x: -5),
    ("int out of range in dim 2", "4x5x6", lambda L, x: (ALL, ALL, 6)),
    ("list out of range", "4x5x6", lambda L, x: [0, 4]),
    ("tensor out of range", "4x5x6", lambda L, x: L.tensor([-5])),
    ("too many indices", "4x5x6", lambda L, x: (1, 2, 3, 4)),
    ("mask of the wrong shape", "4x5x6", lambda L, x: L.tensor([True, False])),
    ("index a 0-d tensor with an int", "()", lambda L, x: 0),
]


@pytest.mark.parametrize(("case", "spec", "key"), GETITEM, ids=[c[0] for c in GETITEM])
def test_getitem(case, spec, key):
    ours, _ = check(lambda L, x: x[key(L, x)], make(spec))
    if ours is not None:
        x = make(spec)  # the layout: basic indexing is a view, advanced a copy
        assert_same_layout(x.ours[key(tt, x.ours)], x.theirs[key(torch, x.theirs)],
                           x.ours, x.theirs)


GETITEM_DTYPES = [
    ("int64, slice", "3x4", "int64", lambda L, x: (S(1, None), S(None, None, 2))),
    ("int64, mask", "3x4", "int64", lambda L, x: x > 0),
    ("int64, list", "3x4", "int64", lambda L, x: [2, 0]),
    ("bool, int", "3x4", "bool", lambda L, x: 1),
    ("bool, itself as mask", "3x4", "bool", lambda L, x: x),
    ("bool, list", "3x4", "bool", lambda L, x: (ALL, [3, 1])),
]


@pytest.mark.parametrize(
    ("case", "spec", "dtype", "key"), GETITEM_DTYPES, ids=[c[0] for c in GETITEM_DTYPES]
)
def test_getitem_dtypes(case, spec, dtype, key):
    check(lambda L, x: x[key(L, x)], make(spec, dtype))


def test_getitem_out_of_range_is_an_index_error():
    x = tt.zeros(4, 5)
    with pytest.raises(IndexError):
        x[4]
    with pytest.raises(IndexError):
        x[:, [0, 5]]


# --------------------------------------------------------------------------- assignment

def _spec_of(shape):
    return "x".join(map(str, shape)) if shape else "()"


# keys without repeated positions (with repeats, which write wins is undefined)
SETITEM = [c for c in GETITEM
           if "out of range" not in c[0] and c[0] not in {
               "int list with repeats and negatives", "too many indices",
               "mask of the wrong shape", "index a 0-d tensor with an int", "step-sliced lists",
               "expanded int", "expanded list", "0-d True mask", "0-d False mask",
               "nested int list", "broadcast index lists", "2-D int64 tensor",
               "int64 tensor from an op",
           }]
SETITEM_VALUES = ["scalar", "int scalar", "tensor", "broadcast tensor", "0-d tensor"]


@pytest.mark.parametrize("value", SETITEM_VALUES)
@pytest.mark.parametrize(("case", "spec", "key"), SETITEM, ids=[c[0] for c in SETITEM])
def test_setitem(case, spec, key, value):
    x = make(spec, seed=1)
    target = tuple(x.theirs[key(torch, x.theirs)].shape)
    if value == "scalar":
        v = values(7.5)
    elif value == "int scalar":
        v = values(-3)
    elif value == "tensor":
        v = make(_spec_of(target), seed=2)
    elif value == "broadcast tensor":
        v = make(_spec_of(target[-1:]), seed=3)
    else:
        v = make("()", seed=4)
    if value.endswith("scalar"):
        v = (v.ours.item(), v.theirs.item())

    def run(L, t, val):
        t[key(L, t)] = val
        return t

    check(run, x, v)


SETITEM_MORE = [
    ("mask = int on int64", "3x4", "int64",
     lambda L, x: x.__setitem__(x > 0, 5)),
    ("slice = int tensor on float64", "3x4", "float64",
     lambda L, x: x.__setitem__((ALL, S(None, None, 2)), L.tensor([1, 2]))),
    ("mask = bool tensor on float64", "3x4", "float64",
     lambda L, x: x.__setitem__(x > 0, L.tensor(True))),
    ("Ellipsis = True on bool", "3x4", "bool", lambda L, x: x.__setitem__(..., True)),
    ("list = tensor with a broadcast dim", "3x4", "float64",
     lambda L, x: x.__setitem__([0, 2], L.tensor([[1.0], [2.0]]))),
    ("int = tensor with leading 1s", "3x4", "float64",
     lambda L, x: x.__setitem__(1, L.tensor([[1.0, 2.0, 3.0, 4.0]]))),
    ("through a transposed view", "4x3.T", "float64",
     lambda L, x: x.__setitem__((S(1, None), 0), -1.0)),
    ("through a step-sliced view", "3x4.s", "float64",
     lambda L, x: x.__setitem__([0, 2], L.tensor([9.0, 8.0, 7.0, 6.0]))),
    ("self-overlapping source", "3x4", "float64",
     lambda L, x: x.__setitem__(S(1, None), x[:-1].clone())),
    ("wrong value shape raises", "3x4", "float64",
     lambda L, x: x.__setitem__([0, 1], L.tensor([1.0, 2.0, 3.0]))),
    ("value with too many dims raises", "3x4", "float64",
     lambda L, x: x.__setitem__(0, L.ones(2, 4))),
    ("out of range raises", "3x4", "float64", lambda L, x: x.__setitem__(3, 0.0)),
]


@pytest.mark.parametrize(
    ("case", "spec", "dtype", "fn"), SETITEM_MORE, ids=[c[0] for c in SETITEM_MORE]
)
def test_setitem_more(case, spec, dtype, fn):
    def run(L, x):
        fn(L, x)
        return x

    check(run, make(spec, dtype))


@pytest.mark.parametrize(
    ("case", "view"),
    [
        ("basic slice", lambda x: x[1:, ::2]),
        ("int", lambda x: x[1]),
        ("None and Ellipsis", lambda x: x[None, ..., 1]),
        ("transpose then slice", lambda x: x.T[::2]),
    ],
)
def test_setitem_on_a_view_reaches_the_base(case, view):
    def run(L, base):
        v = view(base)
        v[0] = 100.0
        v[..., -1] = -100.0
        return base

    check(run, make("3x4"))


# --------------------------------------------------------------------------- joining

CAT = [
    ("dim 0", ["2x3", "4x3"], {"dim": 0}),
    ("default dim", ["2x3", "1x3"], {}),
    ("dim 1", ["2x3", "2x1", "2x4"], {"dim": 1}),
    ("dim -1", ["2x3x2", "2x3x1"], {"dim": -1}),
    ("positional dim", ["2x2", "2x3"], 1),
    ("one tensor", ["2x3"], {"dim": 0}),
    ("1-D", ["3", "2", "1"], {}),
    ("with an empty tensor", ["0x3", "2x3"], {}),
    ("empty along the cat dim", ["2x0", "2x3"], {"dim": 1}),
    ("non-contiguous", ["4x3.T", "2x3.s"], {"dim": 0}),
    ("expanded", ["2x3x4.x", "2x1x4"], {"dim": 1}),
    ("tuple of tensors", ("2x3", "2x3"), {"dim": 0}),
    ("mismatched shapes raise", ["2x3", "2x4"], {"dim": 0}),
    ("dim out of range raises", ["2x3", "2x3"], {"dim": 2}),
    ("0-d raises", ["()", "()"], {}),
]


def _join_args(specs, seed0=10):
    pairs = [make(s, seed=seed0 + i) for i, s in enumerate(specs)]
    return pairs, type(specs)


@pytest.mark.parametrize(("case", "specs", "kw"), CAT, ids=[c[0] for c in CAT])
def test_cat(case, specs, kw):
    pairs, kind = _join_args(specs)
    if isinstance(kw, int):
        check(lambda L, *ts: L.cat(kind(ts), kw), *pairs)
    else:
        check(lambda L, *ts: L.cat(kind(ts), **kw), *pairs)


def test_cat_promotes_dtypes():
    check(lambda L, a, b, c: L.cat([a, b, c]), make("2", "int64"), make("3", "float64"),
          make("1", "bool"))
    check(lambda L, a, b: L.cat([a, b]), make("2", "bool"), make("3", "int64"))


STACK = [
    ("dim 0", ["2x3", "2x3"], 0),
    ("dim 1", ["2x3", "2x3", "2x3"], 1),
    ("dim 2 (new last)", ["2x3", "2x3"], 2),
    ("dim -1", ["2x3", "2x3"], -1),
    ("dim -3", ["2x3", "2x3"], -3),
    ("0-d tensors", ["()", "()", "()"], 0),
    ("1-D", ["4", "4"], 0),
    ("empty", ["0x2", "0x2"], 1),
    ("non-contiguous", ["4x3.T", "4x3.s"], 1),
    ("different shapes raise", ["2x3", "3x2"], 0),
    ("dim out of range raises", ["2x3", "2x3"], 3),
]


@pytest.mark.parametrize(("case", "specs", "dim"), STACK, ids=[c[0] for c in STACK])
def test_stack(case, specs, dim):
    pairs, _ = _join_args(specs)
    check(lambda L, *ts: L.stack(list(ts), dim), *pairs)
    check(lambda L, *ts: L.stack(ts, dim=dim), *pairs)


def test_stack_promotes_dtypes():
    check(lambda L, a, b: L.stack([a, b]), make("3", "int64"), make("3", "float64"))


WHERE = [
    ("same shapes", "3x4", "3x4", "3x4"),
    ("broadcast condition", "3x1", "3x4", "3x4"),
    ("broadcast all", "3x1", "1x4", "()"),
    ("0-d condition", "()", "2x3", "2x3"),
    ("non-contiguous", "4x3.T", "4x3.s", "3"),
    ("empty", "0x3", "0x3", "3"),
    ("incompatible shapes raise", "3x4", "2x4", "3x4"),
]


@pytest.mark.parametrize(("case", "cond", "a", "b"), WHERE, ids=[c[0] for c in WHERE])
def test_where(case, cond, a, b):
    check(lambda L, c, x, y: L.where(c, x, y), make(cond, "bool", seed=1), make(a, seed=2),
          make(b, seed=3))


WHERE_SCALARS = [
    ("tensor, float", lambda L, c, x: L.where(c, x, 0.0)),
    ("float, tensor", lambda L, c, x: L.where(c, -1.5, x)),
    ("float, float", lambda L, c, x: L.where(c, 1.0, 0.0)),
    ("int, int gives int64", lambda L, c, x: L.where(c, 1, 0)),
    ("int, float", lambda L, c, x: L.where(c, 1, 0.5)),
    ("bool, bool", lambda L, c, x: L.where(c, True, False)),
    ("int tensor, float", lambda L, c, x: L.where(c, x.long(), 2.5)),
    ("int tensor, int", lambda L, c, x: L.where(c, x.long(), 7)),
    ("int tensor, float tensor", lambda L, c, x: L.where(c, x.long(), x)),
    ("bool tensor, int", lambda L, c, x: L.where(c, c, 3)),
    ("condition from a comparison", lambda L, c, x: L.where(x > 0, x, -x)),
]


@pytest.mark.parametrize(("case", "fn"), WHERE_SCALARS, ids=[c[0] for c in WHERE_SCALARS])
def test_where_scalars_and_dtypes(case, fn):
    check(fn, make("3x4", "bool", seed=1), make("3x4", "float64", "small", seed=2))


MASKED_FILL = [
    ("same shape", "3x4", "float64", "3x4", 0.5),
    ("broadcast mask row", "3x4", "float64", "4", -1.0),
    ("broadcast mask column", "3x4", "float64", "3x1", 2.0),
    ("0-d mask", "3x4", "float64", "()", 9.0),
    ("int value on float64", "3x4", "float64", "3x4", 3),
    ("-inf (attention masks)", "3x4", "float64", "3x4", float("-inf")),
    ("int64 tensor, int value", "3x4", "int64", "3x4", 7),
    ("bool tensor, bool value", "3x4", "bool", "3x4", True),
    ("transposed input", "4x3.T", "float64", "3", 0.0),
    ("step-sliced input and mask", "3x4.s", "float64", "3x4.s", 1.0),
    ("0-d input", "()", "float64", "()", 1.0),
    ("empty input", "0x4", "float64", "4", 1.0),
    ("mask that does not broadcast raises", "3x4", "float64", "3", 1.0),
]


@pytest.mark.parametrize(
    ("case", "spec", "dtype", "mask", "value"), MASKED_FILL, ids=[c[0] for c in MASKED_FILL]
)
def test_masked_fill(case, spec, dtype, mask, value):
    check(lambda L, x, m: x.masked_fill(m, value), make(spec, dtype, seed=1),
          make(mask, "bool", seed=2))


def test_masked_fill_with_a_0d_tensor_value():
    check(lambda L, x, m, v: x.masked_fill(m, v), make("3x4"), make("3x4", "bool"),
          make("()"))
