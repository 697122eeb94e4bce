"""Parity with PyTorch (float64): creation, dtype inference, attributes,
conversions and repr.

Each case is one row ``(id, fn)`` where ``fn(L, ...)`` is written once and run
with ``L = tinytorch.core`` and ``L = torch``. Documented differences (no
float32: ``.float()`` is float64 and ``.int()`` is int64 here; random numbers
differ) are encoded as a separate PyTorch expression.
"""

import pytest

torch = pytest.importorskip("torch")

import tinytorch.core as tt  # noqa: E402

from _parity import assert_matches, check, dtype_name, make, values  # noqa: E402

# --------------------------------------------------------------------------- creation

CREATION = [
    ("zeros(2, 3)", lambda L: L.zeros(2, 3)),
    ("zeros((2, 3))", lambda L: L.zeros((2, 3))),
    ("zeros([2, 3])", lambda L: L.zeros([2, 3])),
    ("zeros(())", lambda L: L.zeros(())),
    ("zeros(0)", lambda L: L.zeros(0)),
    ("zeros(2, 0, 3)", lambda L: L.zeros(2, 0, 3)),
    ("zeros int64", lambda L: L.zeros(2, 3, dtype=L.int64)),
    ("zeros bool", lambda L: L.zeros(4, dtype=L.bool)),
    ("ones(3)", lambda L: L.ones(3)),
    ("ones((2, 1, 2))", lambda L: L.ones((2, 1, 2))),
    ("ones int64", lambda L: L.ones(2, 2, dtype=L.int64)),
    ("ones bool", lambda L: L.ones(2, dtype=L.bool)),
    ("full float", lambda L: L.full((2, 3), 1.5)),
    ("full int infers int64", lambda L: L.full((2, 3), 7)),
    ("full bool infers bool", lambda L: L.full((2,), True)),
    ("full int value float64", lambda L: L.full((2, 2), 2, dtype=L.float64)),
    ("full 0-d", lambda L: L.full((), 3.5)),
    ("full empty", lambda L: L.full((0, 2), 1.0)),
    ("full list size", lambda L: L.full([3], -1)),
    ("arange(5)", lambda L: L.arange(5)),
    ("arange(2, 9)", lambda L: L.arange(2, 9)),
    ("arange(1, 10, 3)", lambda L: L.arange(1, 10, 3)),
    ("arange(10, 0, -3)", lambda L: L.arange(10, 0, -3)),
    ("arange(0, 0) empty", lambda L: L.arange(0, 0)),
    ("arange(5, 2) raises", lambda L: L.arange(5, 2)),
    ("arange(0.5, 3)", lambda L: L.arange(0.5, 3)),
    ("arange(0, 1, 0.1)", lambda L: L.arange(0, 1, 0.1)),
    ("arange(-1, 1, 0.25)", lambda L: L.arange(-1, 1, 0.25)),
    ("arange(1.0, 4)", lambda L: L.arange(1.0, 4)),
    ("arange(3, 0, -0.5)", lambda L: L.arange(3, 0, -0.5)),
    ("arange(5.0)", lambda L: L.arange(5.0)),
    ("arange(5, dtype=float64)", lambda L: L.arange(5, dtype=L.float64)),
    ("arange(0, 2.5, 0.5)", lambda L: L.arange(0, 2.5, 0.5)),
    ("linspace(0, 1, 5)", lambda L: L.linspace(0, 1, 5)),
    ("linspace(-3, 3, 7)", lambda L: L.linspace(-3, 3, 7)),
    ("linspace(0, 1, 11)", lambda L: L.linspace(0, 1, 11)),
    ("linspace(1, 0, 4)", lambda L: L.linspace(1, 0, 4)),
    ("linspace(2, 2, 3)", lambda L: L.linspace(2, 2, 3)),
    ("linspace(0, 1, 1)", lambda L: L.linspace(0, 1, 1)),
    ("linspace(0, 1, 0)", lambda L: L.linspace(0, 1, 0)),
    ("linspace(-1.5, 2.25, 6)", lambda L: L.linspace(-1.5, 2.25, 6)),
    ("eye(3)", lambda L: L.eye(3)),
    ("eye(2, 4)", lambda L: L.eye(2, 4)),
    ("eye(4, 2)", lambda L: L.eye(4, 2)),
    ("eye(0)", lambda L: L.eye(0)),
    ("eye(1)", lambda L: L.eye(1)),
    ("eye int64", lambda L: L.eye(3, dtype=L.int64)),
    ("eye bool", lambda L: L.eye(2, 3, dtype=L.bool)),
]


@pytest.mark.parametrize(("case", "fn"), CREATION, ids=[c[0] for c in CREATION])
def test_creation(case, fn):
    check(fn)


LIKE = [
    ("zeros_like float", "2x3", "float64", lambda L, x: L.zeros_like(x)),
    ("zeros_like int64", "2x3", "int64", lambda L, x: L.zeros_like(x)),
    ("zeros_like dtype", "2x3", "float64", lambda L, x: L.zeros_like(x, dtype=L.int64)),
    ("zeros_like 0-d", "()", "float64", lambda L, x: L.zeros_like(x)),
    ("zeros_like view", "4x3.T", "float64", lambda L, x: L.zeros_like(x)),
    ("ones_like bool", "3", "bool", lambda L, x: L.ones_like(x)),
    ("ones_like empty", "0x2", "float64", lambda L, x: L.ones_like(x)),
    ("ones_like dtype", "2", "int64", lambda L, x: L.ones_like(x, dtype=L.float64)),
    ("full_like float", "2x2", "float64", lambda L, x: L.full_like(x, 2.5)),
    ("full_like int64", "2x2", "int64", lambda L, x: L.full_like(x, 3)),
    ("full_like dtype", "3", "int64", lambda L, x: L.full_like(x, 1.5, dtype=L.float64)),
]


@pytest.mark.parametrize(("case", "spec", "dtype", "fn"), LIKE, ids=[c[0] for c in LIKE])
def test_like(case, spec, dtype, fn):
    check(fn, make(spec, dtype))


TENSOR_DATA = [
    ("ints", [1, 2, 3]),
    ("floats", [1.5, -2.0]),
    ("int and float", [1, 2.5]),
    ("bools", [True, False, True]),
    ("bool and int", [True, 1]),
    ("bool and float", [True, 1.5]),
    ("nested ints", [[1, 2], [3, 4]]),
    ("nested mixed", [[1, 2], [3, 4.0]]),
    ("3-D", [[[1.0], [2.0]], [[3.0], [4.0]]]),
    ("tuples", ((1, 2), (3, 4))),
    ("list of tuples", [(1.0, 2.0), (3.0, 4.0)]),
    ("int 0-d", 3),
    ("float 0-d", 2.5),
    ("bool 0-d", True),
    ("negative", [-1, -2]),
    ("empty", []),
    ("empty rows", [[], []]),
    ("one empty row", [[]]),
    ("inf nan", [float("inf"), float("-inf"), float("nan")]),
    ("big int", [2**40, -(2**40)]),
]


@pytest.mark.parametrize(("case", "data"), TENSOR_DATA, ids=[c[0] for c in TENSOR_DATA])
def test_tensor_infers_dtype(case, data):
    check(lambda L: L.tensor(data))


TENSOR_CAST = [
    ("ints as float64", [1, 2], "float64"),
    ("floats as int64", [1.7, -1.7, 0.2], "int64"),
    ("ints as bool", [0, 2, -1], "bool"),
    ("floats as bool", [0.0, 0.5, -0.0], "bool"),
    ("bools as float64", [True, False], "float64"),
    ("bools as int64", [True, False], "int64"),
    ("float 0-d as int64", 2.9, "int64"),
]


@pytest.mark.parametrize(("case", "data", "dtype"), TENSOR_CAST, ids=[c[0] for c in TENSOR_CAST])
def test_tensor_with_dtype(case, data, dtype):
    check(lambda L: L.tensor(data, dtype=getattr(L, dtype)))


@pytest.mark.parametrize("spec", ["2x3", "4x3.T", "()", "3x4.s"])
def test_tensor_of_tensor_copies(spec):
    def fn(L, x):
        y = L.tensor(x)
        y[...] = 0  # a copy: the source is not changed
        return y

    check(fn, make(spec))


def test_default_dtype():
    assert dtype_name(tt.get_default_dtype()) == "float64"
    assert repr(tt.float64) == "tinytorch.float64"
    assert tt.double is tt.float64
    assert tt.long is tt.int64


RANDOM = [
    ("rand(2, 3)", lambda L: L.rand(2, 3), (0.0, 1.0)),
    ("rand((4,))", lambda L: L.rand((4,)), (0.0, 1.0)),
    ("rand(())", lambda L: L.rand(()), (0.0, 1.0)),
    ("randn(3, 2)", lambda L: L.randn(3, 2), None),
    ("randn(0)", lambda L: L.randn(0), None),
    ("randint(0, 5, (3, 4))", lambda L: L.randint(0, 5, (3, 4)), (0, 4)),
    ("randint(-3, 3, (10,))", lambda L: L.randint(-3, 3, (10,)), (-3, 2)),
    ("randint(5, (2, 2))", lambda L: L.randint(5, (2, 2)), (0, 4)),
    ("randperm(6)", lambda L: L.randperm(6), (0, 5)),
]


@pytest.mark.parametrize(("case", "fn", "bounds"), RANDOM, ids=[c[0] for c in RANDOM])
def test_random_creation_shape_and_dtype(case, fn, bounds):
    """The numbers differ from PyTorch's (documented); shape, dtype and range do not."""
    tt.manual_seed(0)
    ours, theirs = fn(tt), fn(torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert dtype_name(ours.dtype) == dtype_name(theirs.dtype)
    flat = ours.reshape(-1).tolist()
    if bounds is not None:
        low, high = bounds
        assert all(low <= v <= high for v in flat), flat
        if isinstance(low, float):
            assert all(v < high for v in flat), "rand must be in [0, 1)"
    if case.startswith("randperm"):
        assert sorted(flat) == list(range(6))


def test_generator_streams_repeat():
    a = tt.Generator().manual_seed(7)
    b = tt.Generator().manual_seed(7)
    assert tt.rand(5, generator=a).tolist() == tt.rand(5, generator=b).tolist()
    tt.manual_seed(3)
    first = tt.randn(4).tolist()
    tt.manual_seed(3)
    assert tt.randn(4).tolist() == first


# --------------------------------------------------------------------------- attributes

ATTR_SPECS = ["3x4", "2x3x4", "4x3.T", "3x4.s", "2x3x4.x", "()", "0x3", "5"]

ATTRIBUTES = [
    ("shape", lambda L, x: tuple(x.shape)),
    ("ndim", lambda L, x: x.ndim),
    ("dim()", lambda L, x: x.dim()),
    ("numel()", lambda L, x: x.numel()),
    ("size()", lambda L, x: tuple(x.size())),
    ("tolist()", lambda L, x: x.tolist()),
    ("is_contiguous()", lambda L, x: x.is_contiguous()),
    ("contiguous()", lambda L, x: x.contiguous()),
    ("contiguous().is_contiguous()", lambda L, x: x.contiguous().is_contiguous()),
    ("clone()", lambda L, x: x.clone()),
    ("clone().is_contiguous()", lambda L, x: x.clone().is_contiguous()),
]


@pytest.mark.parametrize("spec", ATTR_SPECS)
@pytest.mark.parametrize(("case", "fn"), ATTRIBUTES, ids=[c[0] for c in ATTRIBUTES])
def test_attribute(case, fn, spec):
    check(fn, make(spec))


@pytest.mark.parametrize("spec", ["3x4", "2x3x4", "4x3.T", "3x4.s", "2x3x4.x", "()"])
def test_stride_and_storage_offset(spec):
    check(lambda L, x: (tuple(x.stride()), x.storage_offset()), make(spec))


@pytest.mark.parametrize(
    ("case", "fn"),
    [
        ("size(0)", lambda L, x: x.size(0)),
        ("size(-1)", lambda L, x: x.size(-1)),
        ("stride(1)", lambda L, x: x.stride(1)),
        ("stride(-1)", lambda L, x: x.stride(-1)),
        ("len()", lambda L, x: len(x)),
        ("iteration", lambda L, x: [row.tolist() for row in x]),
        ("iteration yields tensors", lambda L, x: list(x)),
        ("offset of x[1:, 2:]", lambda L, x: x[1:, 2:].storage_offset()),
        ("offset of x[2]", lambda L, x: x[2].storage_offset()),
        ("offset of x[:, 1]", lambda L, x: x[:, 1].storage_offset()),
        ("x[1:] contiguous", lambda L, x: x[1:].is_contiguous()),
        ("x[:, :2] contiguous", lambda L, x: x[:, :2].is_contiguous()),
        ("x[:, 1:2] contiguous", lambda L, x: x[:, 1:2].is_contiguous()),
        ("x[None] contiguous", lambda L, x: x[None].is_contiguous()),
        ("x.unsqueeze(1) contiguous", lambda L, x: x.unsqueeze(1).is_contiguous()),
        ("x.T contiguous", lambda L, x: x.T.is_contiguous()),
        ("x.T.T contiguous", lambda L, x: x.T.T.is_contiguous()),
        ("x[:1].T contiguous", lambda L, x: x[:1].T.is_contiguous()),
    ],
)
def test_attribute_of_3x4(case, fn):
    check(fn, make("3x4"))


ITEM = [
    ("float", 2.5, "float64"),
    ("int", -3, "int64"),
    ("bool", True, "bool"),
    ("one-element 1-D", [4.0], "float64"),
    ("one-element 2-D", [[7]], "int64"),
]


@pytest.mark.parametrize(("case", "data", "dtype"), ITEM, ids=[c[0] for c in ITEM])
def test_item_and_python_numbers(case, data, dtype):
    pair = values(data, dtype)
    check(lambda L, x: x.item(), pair)
    check(lambda L, x: float(x), pair)
    check(lambda L, x: int(x), pair)
    check(lambda L, x: bool(x), pair)


@pytest.mark.parametrize("spec", ["3", "2x2", "0"])
def test_item_of_many_elements_raises(spec):
    check(lambda L, x: x.item(), make(spec))


def test_float_and_int_truncate_like_python():
    check(lambda L, x: int(x), values(-1.7))
    check(lambda L, x: int(x), values(2.9))


# --------------------------------------------------------------------------- conversions

# Documented difference: there is no float32/int32, so .float() is float64 and
# .int() is int64 here; the PyTorch side of those rows says so.
CONVERSIONS = [
    ("to(float64)", lambda L, x: x.to(L.float64), None),
    ("to(int64)", lambda L, x: x.to(L.int64), None),
    ("to(bool)", lambda L, x: x.to(L.bool), None),
    ("double()", lambda L, x: x.double(), None),
    ("long()", lambda L, x: x.long(), None),
    ("bool()", lambda L, x: x.bool(), None),
    ("float() is float64", lambda L, x: x.float(), lambda L, x: x.double()),
    ("int() is int64", lambda L, x: x.int(), lambda L, x: x.long()),
]
CONVERSION_INPUTS = [
    ("float", "3x4", "normal", "float64"),
    ("float view", "4x3.T", "normal", "float64"),
    ("float 0-d", "()", "normal", "float64"),
    ("float empty", "0x2", "normal", "float64"),
    ("float small", "2x5", "small", "float64"),
    ("int", "2x3", "int", "int64"),
    ("bool", "2x3", "bool", "bool"),
]


@pytest.mark.parametrize(
    ("inp", "spec", "domain", "dtype"), CONVERSION_INPUTS, ids=[c[0] for c in CONVERSION_INPUTS]
)
@pytest.mark.parametrize(("case", "fn", "torch_fn"), CONVERSIONS, ids=[c[0] for c in CONVERSIONS])
def test_conversion(case, fn, torch_fn, inp, spec, domain, dtype):
    check(fn, make(spec, dtype, domain), torch_fn=torch_fn)


def test_to_same_dtype_keeps_values_and_float_to_int_truncates():
    check(lambda L, x: x.to(L.int64), values([-2.5, -0.5, 0.5, 2.5, 3.99]))
    check(lambda L, x: x.to(L.bool), values([0.0, float("nan"), float("inf"), -1e-300]))


# --------------------------------------------------------------------------- repr

REPRS = [
    ("2-D floats", lambda L: L.tensor([[1.0, 2.0], [3.0, 4.0]])),
    ("1-D floats", lambda L: L.tensor([1.5, -2.25, 3.0])),
    ("rounded to 4 digits", lambda L: L.tensor([0.12345678, 2.0])),
    ("negative floats", lambda L: L.tensor([-1.0, 0.5])),
    ("float 0-d", lambda L: L.tensor(3.5)),
    ("integral float 0-d", lambda L: L.tensor(2.0)),
    ("int 0-d", lambda L: L.tensor(7)),
    ("bool 0-d", lambda L: L.tensor(True)),
    ("1-D ints", lambda L: L.tensor([1, -22, 3])),
    ("2-D ints", lambda L: L.tensor([[1, -22], [3, 4]])),
    ("bools", lambda L: L.tensor([True, False])),
    ("2-D bools", lambda L: L.tensor([[True, False], [False, True]])),
    ("empty", lambda L: L.tensor([])),
    ("empty 2-D", lambda L: L.zeros(0, 3)),
    ("empty int", lambda L: L.zeros(0, dtype=L.int64)),
    ("inf and nan", lambda L: L.tensor([float("inf"), float("nan"), 1.5])),
    ("3-D", lambda L: L.ones(2, 2, 2)),
    ("small numbers use e-notation", lambda L: L.tensor([1e-5, 1.0])),
    ("large numbers use e-notation", lambda L: L.tensor([1e10, 1.0])),
    ("long row wraps", lambda L: L.arange(0.0, 30.0)),
    ("over 1000 elements summarised", lambda L: L.arange(2000)),
    ("transposed view", lambda L: L.tensor([[1, 2, 3], [4, 5, 6]]).T),
]


@pytest.mark.parametrize(("case", "fn"), REPRS, ids=[c[0] for c in REPRS])
def test_repr(case, fn):
    # where PyTorch names a dtype ("dtype=torch.int64"), tinyTorch names its own
    assert_matches(repr(fn(tt)), repr(fn(torch)).replace("torch.", "tinytorch."))
