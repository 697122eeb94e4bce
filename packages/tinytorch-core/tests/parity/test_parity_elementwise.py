"""Parity with PyTorch (float64): binary ops with broadcasting, Python scalars
on either side, dtype promotion across bool/int64/float64, comparisons, unary
math, clamp, pow, softmax/log_softmax and the in-place forms.
"""

import itertools
import operator

import pytest

torch = pytest.importorskip("torch")

import tinytorch.core as tt  # noqa: E402

from _parity import BINARY, DTYPE_NAMES, check, make, torch_raises, values  # noqa: E402

# --------------------------------------------------------------------------- binary ops


BROADCAST_PAIRS = [
    ("3x4", "3x4"),
    ("3x4", "4"),
    ("4", "3x4"),
    ("3x1", "1x4"),
    ("2x1x4", "3x1"),
    ("1x3x1", "2x1x5"),
    ("()", "3x4"),
    ("3x4", "()"),
    ("()", "()"),
    ("0x4", "4"),
    ("1x0", "3x1"),
    ("4x3.T", "4x3"),
    ("4x3.T", "4x3.s"),
    ("3x4.s", "4"),
    ("2x3x4.x", "3x1"),
    ("5.s", "5.s"),
]


@pytest.mark.parametrize(("shape_a", "shape_b"), BROADCAST_PAIRS)
@pytest.mark.parametrize("op", list(BINARY))
def test_binary_broadcast(op, shape_a, shape_b):
    expr, dom_a, dom_b = BINARY[op]
    check(lambda L, a, b: expr(a, b), make(shape_a, "float64", dom_a, 1),
          make(shape_b, "float64", dom_b, 2))


@pytest.mark.parametrize(
    ("shape_a", "shape_b"), [("3x4", "2x4"), ("2x3", "3x2"), ("3", "4"), ("0x3", "2x3")]
)
@pytest.mark.parametrize("op", ["add", "mul", "eq", "maximum"])
def test_binary_incompatible_shapes_raise(op, shape_a, shape_b):
    expr = BINARY[op][0]
    check(lambda L, a, b: expr(a, b), make(shape_a), make(shape_b))


METHOD_FORMS = [
    ("a.pow(b)", lambda L, a, b: a.pow(b)),
    ("a.maximum(b)", lambda L, a, b: a.maximum(b)),
    ("tt.maximum(a, b)", lambda L, a, b: L.maximum(a, b)),
    ("tt.minimum(a, b)", lambda L, a, b: L.minimum(a, b)),
    ("a.minimum(b)", lambda L, a, b: a.minimum(b)),
    ("a.max(b)", lambda L, a, b: a.max(b)),
    ("a.min(b)", lambda L, a, b: a.min(b)),
    ("a.eq(b)", lambda L, a, b: a.eq(b)),
    ("a.ne(b)", lambda L, a, b: a.ne(b)),
    ("a.lt(b)", lambda L, a, b: a.lt(b)),
    ("a.le(b)", lambda L, a, b: a.le(b)),
    ("a.gt(b)", lambda L, a, b: a.gt(b)),
    ("a.ge(b)", lambda L, a, b: a.ge(b)),
    ("-a", lambda L, a, b: -a),
    ("a.neg()", lambda L, a, b: a.neg()),
    ("a * b + a", lambda L, a, b: a * b + a),
    ("(a - b) / (a + b)", lambda L, a, b: (a - b) / (a + b)),
]


@pytest.mark.parametrize(("case", "fn"), METHOD_FORMS, ids=[c[0] for c in METHOD_FORMS])
def test_binary_method_forms(case, fn):
    check(fn, make("3x4", "float64", "pos", 1), make("4", "float64", "pos", 2))


# --------------------------------------------------------------------------- promotion

PROMOTION_OPS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "maximum": lambda a, b: a.maximum(b),
    "minimum": lambda a, b: a.minimum(b),
    "eq": operator.eq,
    "lt": operator.lt,
    "ge": operator.ge,
}
# ints in 0..3: integer powers stay defined, division meets 0/0 and 1/0
PROMOTION_DOMAIN = {"float64": "normal", "int64": "nonneg", "bool": "bool"}


def _tiny(dtype):
    return torch.ones(1, dtype=getattr(torch, dtype))


# PyTorch refuses some dtype combinations (bool - bool, bool ** bool); those
# are in test_torch_refuses below instead.
PROMOTION_CASES = [
    (op, da, db)
    for op, da, db in itertools.product(PROMOTION_OPS, DTYPE_NAMES, DTYPE_NAMES)
    if not torch_raises(lambda L, a, b, f=PROMOTION_OPS[op]: f(a, b), _tiny(da), _tiny(db))
]


@pytest.mark.parametrize(("op", "dtype_a", "dtype_b"), PROMOTION_CASES)
def test_promotion_tensor_tensor(op, dtype_a, dtype_b):
    f = PROMOTION_OPS[op]
    check(lambda L, a, b: f(a, b), make("2x3", dtype_a, PROMOTION_DOMAIN[dtype_a], 1),
          make("3", dtype_b, PROMOTION_DOMAIN[dtype_b], 2))


SCALAR_OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
SCALARS = [True, False, 2, 0, -3, 2.5, 0.0, -0.5]

SCALAR_CASES = [
    (op, dtype, scalar, side)
    for op, dtype, scalar, side in itertools.product(
        SCALAR_OPS, DTYPE_NAMES, SCALARS, ["tensor op scalar", "scalar op tensor"]
    )
    if not torch_raises(
        (lambda L, t, s=scalar, f=SCALAR_OPS[op]: f(t, s))
        if side == "tensor op scalar"
        else (lambda L, t, s=scalar, f=SCALAR_OPS[op]: f(s, t)),
        _tiny(dtype),
    )
    # integer ** negative integer is an error or undefined in PyTorch
    and not (op == "**" and side == "tensor op scalar" and scalar == -3 and dtype != "float64")
    # documented difference: a Python bool is a 0-d bool tensor here, and PyTorch
    # refuses bool_tensor ** bool_tensor, so tinyTorch refuses bool_tensor ** True too
    and not (op == "**" and dtype == "bool" and isinstance(scalar, bool))
]


@pytest.mark.parametrize(("op", "dtype", "scalar", "side"), SCALAR_CASES)
def test_python_scalar(op, dtype, scalar, side):
    f = SCALAR_OPS[op]
    x = make("2x3", dtype, PROMOTION_DOMAIN[dtype], 3)
    if side == "tensor op scalar":
        check(lambda L, t: f(t, scalar), x)
    else:
        check(lambda L, t: f(scalar, t), x)


@pytest.mark.parametrize("scalar", [2, 2.5, 0, -1.5])
@pytest.mark.parametrize("spec", ["()", "0x3", "4x3.T", "3x4.s"])
def test_python_scalar_odd_layouts(spec, scalar):
    x = make(spec, "float64", "pos")
    check(lambda L, t: (t + scalar, scalar - t, t * scalar, scalar / t, t ** scalar,
                        scalar ** t, t < scalar, scalar <= t), x)


TORCH_REFUSES = [
    ("bool - bool", lambda L, a, b: a - b, "bool", "bool"),
    ("bool - int scalar", lambda L, a, b: a - 1, "bool", "bool"),
    ("-bool", lambda L, a, b: -a, "bool", "bool"),
    ("bool ** bool", lambda L, a, b: a**b, "bool", "bool"),
    ("int ** -1", lambda L, a, b: a**-1, "int64", "int64"),
]


@pytest.mark.parametrize(
    ("case", "fn", "dtype_a", "dtype_b"), TORCH_REFUSES, ids=[c[0] for c in TORCH_REFUSES]
)
def test_torch_refuses(case, fn, dtype_a, dtype_b):
    """Combinations PyTorch refuses: tinyTorch, speaking PyTorch, raises too."""
    check(fn, make("3", dtype_a), make("3", dtype_b))


# --------------------------------------------------------------------------- unary math

UNARY = ["neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu"]
UNARY_DOMAIN = {"log": "pos", "sqrt": "pos"}
UNARY_INPUTS = [
    ("3x4", "float64"),
    ("4x3.T", "float64"),
    ("3x4.s", "float64"),
    ("2x3x4.x", "float64"),
    ("()", "float64"),
    ("0x3", "float64"),
    ("2x3", "int64"),
    ("2x3", "bool"),
]


def _unary_cases():
    for name in UNARY:
        for spec, dtype in UNARY_INPUTS:
            if torch_raises(lambda L, t, n=name: getattr(t, n)(), _tiny(dtype)):
                continue  # abs/neg/relu of bool: PyTorch refuses (test_torch_refuses_unary)
            yield name, spec, dtype


@pytest.mark.parametrize(("name", "spec", "dtype"), list(_unary_cases()))
def test_unary_method(name, spec, dtype):
    domain = UNARY_DOMAIN.get(name) if dtype == "float64" else None
    check(lambda L, x: getattr(x, name)(), make(spec, dtype, domain))


@pytest.mark.parametrize("name", UNARY)
def test_unary_function(name):
    check(lambda L, x: getattr(L, name)(x), make("3x4", "float64", UNARY_DOMAIN.get(name)))


SPECIAL = [0.0, -0.0, -1.0, 1.0, 1000.0, -1000.0, 710.0, -745.5, 1e-300,
           float("inf"), float("-inf"), float("nan")]


@pytest.mark.parametrize("name", UNARY)
def test_unary_special_values(name):
    """IEEE results, not Python exceptions: log(0) = -inf, sqrt(-1) = nan,
    exp(1000) = inf, sigmoid(-1000) = 0, sin(inf) = nan."""
    check(lambda L, x: getattr(x, name)(), values(SPECIAL))


@pytest.mark.parametrize("name", ["abs", "relu"])
def test_torch_refuses_unary_bool(name):
    check(lambda L, x: getattr(x, name)(), make("3", "bool"))


# --------------------------------------------------------------------------- clamp

CLAMP = [
    ("min only", "3x4", "float64", lambda L, x: x.clamp(min=-0.5)),
    ("max only", "3x4", "float64", lambda L, x: x.clamp(max=0.5)),
    ("both", "3x4", "float64", lambda L, x: x.clamp(-0.5, 0.5)),
    ("both keywords", "3x4", "float64", lambda L, x: x.clamp(min=-0.5, max=0.5)),
    ("min > max gives max", "3x4", "float64", lambda L, x: x.clamp(0.5, -0.5)),
    ("int bounds on float", "3x4", "float64", lambda L, x: x.clamp(-1, 1)),
    ("view", "4x3.T", "float64", lambda L, x: x.clamp(-0.2, 0.3)),
    ("step view", "3x4.s", "float64", lambda L, x: x.clamp(max=0.0)),
    ("0-d", "()", "float64", lambda L, x: x.clamp(0.0, 0.1)),
    ("empty", "0x3", "float64", lambda L, x: x.clamp(0.0)),
    ("int keeps int64", "3x4", "int64", lambda L, x: x.clamp(-2, 3)),
    ("int min only", "3x4", "int64", lambda L, x: x.clamp(min=0)),
    ("int with float bound", "3x4", "int64", lambda L, x: x.clamp(min=0.5)),
    ("bool with int bounds", "3x4", "bool", lambda L, x: x.clamp(0, 1)),
    ("function form", "3x4", "float64", lambda L, x: L.clamp(x, -0.5, 0.5)),
    ("no bounds", "3x4", "float64", lambda L, x: x.clamp()),
]


@pytest.mark.parametrize(("case", "spec", "dtype", "fn"), CLAMP, ids=[c[0] for c in CLAMP])
def test_clamp(case, spec, dtype, fn):
    check(fn, make(spec, dtype))


def test_clamp_special_values():
    check(lambda L, x: x.clamp(-1.0, 1.0), values(SPECIAL))


# --------------------------------------------------------------------------- pow

POW = [
    ("x ** 2", "3x4", "float64", "normal", lambda L, x: x**2),
    ("x ** 3 int", "3x4", "int64", "int", lambda L, x: x**3),
    ("x ** 0", "3x4", "float64", "normal", lambda L, x: x**0),
    ("x ** 0 int", "3x4", "int64", "int", lambda L, x: x**0),
    ("x ** -1", "3x4", "float64", "pos", lambda L, x: x**-1),
    ("x ** 0.5", "3x4", "float64", "pos", lambda L, x: x**0.5),
    ("x ** 0.5 negative base is nan", "3x4", "float64", "normal", lambda L, x: x**0.5),
    ("x ** -0.5 of int", "3x4", "int64", "nonneg", lambda L, x: x**-0.5),
    ("x.pow(2)", "3x4", "float64", "normal", lambda L, x: x.pow(2)),
    ("x.pow(1.5)", "4x3.T", "float64", "pos", lambda L, x: x.pow(1.5)),
    ("x.pow(x)", "3x4", "float64", "pos", lambda L, x: x.pow(x)),
    ("2 ** x", "3x4", "float64", "normal", lambda L, x: 2**x),
    ("2 ** x int", "3x4", "int64", "nonneg", lambda L, x: 2**x),
    ("0.5 ** x int", "3x4", "int64", "int", lambda L, x: 0.5**x),
    ("x ** True", "3x4", "int64", "int", lambda L, x: x**True),
    ("bool ** 2", "3x4", "bool", "bool", lambda L, x: x**2),
    ("0 ** negative is inf", "()", "float64", "normal", lambda L, x: (x * 0) ** -1.0),
    ("big ** 2 overflows to inf", "()", "float64", "normal", lambda L, x: (x * 0 + 1e200) ** 2),
    ("tt.pow", "3x4", "float64", "pos", lambda L, x: L.pow(x, 2.5)),
]


@pytest.mark.parametrize(
    ("case", "spec", "dtype", "domain", "fn"), POW, ids=[c[0] for c in POW]
)
def test_pow(case, spec, dtype, domain, fn):
    check(fn, make(spec, dtype, domain))


# --------------------------------------------------------------------------- softmax

SOFTMAX_INPUTS = [
    ("3x4", 1),
    ("3x4", 0),
    ("3x4", -1),
    ("3x4", -2),
    ("2x3x4", 1),
    ("2x3x4", -1),
    ("2x3x4", 0),
    ("4x3.T", 1),
    ("4x3.T", 0),
    ("3x4.s", -1),
    ("2x3x4.x", 0),
    ("5", 0),
    ("()", 0),
    ("()", -1),
    ("0x3", 1),
    ("0x3", 0),
]


@pytest.mark.parametrize(("spec", "dim"), SOFTMAX_INPUTS)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax(name, spec, dim):
    check(lambda L, x: getattr(x, name)(dim), make(spec))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_keyword_and_function_forms(name):
    x = make("3x4")
    check(lambda L, t: getattr(t, name)(dim=1), x)
    check(lambda L, t: getattr(L, name)(t, 1), x)
    check(lambda L, t: getattr(L, name)(t, dim=0), x)


LOGITS = [
    ("large logits", [[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 1000.0], [-1000.0, -999.0, -1000.0]]),
    ("scaled normal", [[300.0, -200.0, 710.0], [-745.0, 800.0, 799.0], [1e5, 1e5 - 1, 0.0]]),
    ("-inf is masked", [[float("-inf"), 0.0, 1.0], [2.0, float("-inf"), float("-inf")],
                        [0.0, 0.0, 0.0]]),
    ("all -inf row", [[float("-inf"), float("-inf"), float("-inf")], [1.0, 2.0, 3.0],
                      [0.0, 1.0, 2.0]]),
]


@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize(("case", "data"), LOGITS, ids=[c[0] for c in LOGITS])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_extreme_logits(name, case, data, dim):
    check(lambda L, x: getattr(x, name)(dim), values(data))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_int_gives_float64(name):
    """Documented extension: PyTorch refuses int64 here, tinyTorch gives float64
    (the same as on the float64 copy)."""
    check(lambda L, x: getattr(x, name)(1), make("3x4", "int64"),
          torch_fn=lambda L, x: getattr(x.double(), name)(1))


# --------------------------------------------------------------------------- in place

def _iadd(x, y):
    x += y
    return x


def _isub(x, y):
    x -= y
    return x


def _imul(x, y):
    x *= y
    return x


def _idiv(x, y):
    x /= y
    return x


INPLACE = [
    ("+= tensor", lambda L, x, y: _iadd(x, y)),
    ("-= tensor", lambda L, x, y: _isub(x, y)),
    ("*= tensor", lambda L, x, y: _imul(x, y)),
    ("/= tensor", lambda L, x, y: _idiv(x, y)),
    ("+= scalar", lambda L, x, y: _iadd(x, 2)),
    ("-= scalar", lambda L, x, y: _isub(x, 0.5)),
    ("*= scalar", lambda L, x, y: _imul(x, -3)),
    ("/= scalar", lambda L, x, y: _idiv(x, 4)),
    ("add_", lambda L, x, y: x.add_(y)),
    ("sub_", lambda L, x, y: x.sub_(y)),
    ("mul_", lambda L, x, y: x.mul_(y)),
    ("div_", lambda L, x, y: x.div_(y)),
    ("add_ scalar", lambda L, x, y: x.add_(1.5)),
    ("zero_", lambda L, x, y: x.zero_()),
    ("fill_", lambda L, x, y: x.fill_(2.5)),
    ("fill_ int", lambda L, x, y: x.fill_(3)),
    ("copy_ broadcast", lambda L, x, y: x.copy_(y)),
]
INPLACE_TARGETS = ["3x4", "4x4.T", "3x4.s", "()"]


@pytest.mark.parametrize("target", INPLACE_TARGETS)
@pytest.mark.parametrize(("case", "fn"), INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace(case, fn, target):
    other = "()" if target == "()" else "4"
    x = make(target, "float64", "pos", 1)
    y = make(other, "float64", "pos", 2)

    def run(L, a, b):
        result = fn(L, a, b)
        assert result is a, "an in-place op returns the tensor itself"
        return result

    check(run, x, y)


INPLACE_VIEW = [c for c in INPLACE if "tensor" in c[0] or c[0] in ("add_", "mul_", "fill_")]


@pytest.mark.parametrize(("case", "fn"), INPLACE_VIEW, ids=[c[0] for c in INPLACE_VIEW])
def test_inplace_through_a_view_reaches_the_base(case, fn):
    def run(L, base, y):
        view = base[1:, ::2]
        fn(L, view, y)
        return base

    check(run, make("3x6", "float64", "pos", 1), make("3", "float64", "pos", 2))


INPLACE_DTYPES = [
    ("int += int", "int64", "int64", _iadd),
    ("float += int", "float64", "int64", _iadd),
    ("float += bool", "float64", "bool", _iadd),
    ("int *= bool", "int64", "bool", _imul),
    ("int += float raises", "int64", "float64", _iadd),
    ("int /= int raises", "int64", "int64", _idiv),
    ("bool += int raises", "bool", "int64", _iadd),
    ("bool *= bool", "bool", "bool", _imul),
]


@pytest.mark.parametrize(
    ("case", "dtype_x", "dtype_y", "op"), INPLACE_DTYPES, ids=[c[0] for c in INPLACE_DTYPES]
)
def test_inplace_dtypes(case, dtype_x, dtype_y, op):
    check(lambda L, x, y: op(x, y), make("2x3", dtype_x), make("3", dtype_y))


@pytest.mark.parametrize(
    ("dtype", "scalar"), [("int64", 0.5), ("int64", 2.0), ("bool", 1), ("bool", 0.5)]
)
def test_inplace_uncastable_scalar_raises_type_error(dtype, scalar):
    """PyTorch raises RuntimeError; the contract names TypeError."""
    x_ours, x_torch = make("3", dtype)
    with pytest.raises(RuntimeError):
        _iadd(x_torch, scalar)
    with pytest.raises(TypeError):
        _iadd(x_ours, scalar)


def test_inplace_broadcast_into_smaller_target_raises():
    check(lambda L, x, y: _iadd(x, y), make("4"), make("3x4"))


def test_tensors_hash_by_identity():
    a, b = tt.zeros(2), tt.zeros(2)
    assert len({a, b, a}) == 2
    assert {a: 1}[a] == 1
