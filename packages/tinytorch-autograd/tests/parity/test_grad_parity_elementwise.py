"""Gradient parity with PyTorch (float64): the binary ops with broadcasting
shape pairs (each input's gradient summed back to its own shape), Python
numbers and plain Tensors on either side, the unary math, clamp, softmax and
log_softmax on several dims, and the edge values where a rule has to pick a
subgradient (ties, zeros, values on a clamp bound).
"""

import pytest

torch = pytest.importorskip("torch")

from _grad_parity import check_grads, const, leaf  # noqa: E402

BINARY = {
    # name -> (expression, domain of a, domain of b)
    "add": (lambda L, a, b: a + b, "normal", "normal"),
    "sub": (lambda L, a, b: a - b, "normal", "normal"),
    "mul": (lambda L, a, b: a * b, "normal", "normal"),
    "div": (lambda L, a, b: a / b, "normal", "away"),
    "pow": (lambda L, a, b: a ** b, "pos", "normal"),
    "maximum": (lambda L, a, b: L.maximum(a, b), "normal", "normal"),
    "minimum": (lambda L, a, b: L.minimum(a, b), "normal", "normal"),
    "add method": (lambda L, a, b: a.add(b), "normal", "normal"),
    "sub method": (lambda L, a, b: a.sub(b), "normal", "normal"),
    "mul method": (lambda L, a, b: a.mul(b), "normal", "normal"),
    "div method": (lambda L, a, b: a.div(b), "normal", "away"),
    "pow method": (lambda L, a, b: a.pow(b), "pos", "normal"),
    "max(other)": (lambda L, a, b: a.max(b), "normal", "normal"),
    "min(other)": (lambda L, a, b: a.min(b), "normal", "normal"),
}

# (shape of a, shape of b): broadcasting in every direction, 0-d, transposed leaves
SHAPES = [
    ("3x4", "3x4"),
    ("3x4", "4"),
    ("4", "3x4"),
    ("3x1", "1x4"),
    ("2x3x4", "3x1"),
    ("1x3x1", "2x1x4"),
    ("()", "3x4"),
    ("3x4", "()"),
    ("()", "()"),
    ("3x4", "1"),
    ("3x4.T", "3x4"),
    ("3x4.T", "4"),
    ("2x3x4.T", "3x4.T"),
    ("3x1", "3x4.T"),
]


def _spec(shape, domain):
    return shape if domain == "normal" else f"{shape}:{domain}"


@pytest.mark.parametrize("shapes", SHAPES, ids=lambda s: f"{s[0]}&{s[1]}")
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_broadcasting(name, shapes):
    fn, da, db = BINARY[name]
    check_grads(fn, [_spec(shapes[0], da), _spec(shapes[1], db)])


@pytest.mark.parametrize("shapes", [("3x4", "4"), ("4", "2x3x4"), ("3x1", "1x4")],
                         ids=lambda s: f"{s[0]}&{s[1]}")
@pytest.mark.parametrize("side", ["a const", "b const"])
@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
def test_binary_with_a_plain_tensor(name, side, shapes):
    """A Variable mixed with a plain Tensor (PyTorch: a tensor without requires_grad)."""
    fn, da, db = BINARY[name]
    a, b = _spec(shapes[0], da), _spec(shapes[1], db)
    check_grads(fn, [const(a), b] if side == "a const" else [a, const(b)])


# (id, expression, input spec): Python numbers on either side
SCALARS = [
    ("x + 2.5", lambda L, x: x + 2.5, "3x4"),
    ("2.5 + x", lambda L, x: 2.5 + x, "3x4"),
    ("x + 2 (int)", lambda L, x: x + 2, "3x4"),
    ("x - 1.5", lambda L, x: x - 1.5, "3x4"),
    ("1.5 - x", lambda L, x: 1.5 - x, "3x4"),
    ("x * 3", lambda L, x: x * 3, "3x4"),
    ("-0.5 * x", lambda L, x: -0.5 * x, "3x4"),
    ("x / 4", lambda L, x: x / 4, "3x4"),
    ("1.5 / x", lambda L, x: 1.5 / x, "3x4:away"),
    ("x ** 2", lambda L, x: x ** 2, "3x4"),
    ("x ** 3 (negative bases)", lambda L, x: x ** 3, "3x4"),
    ("x ** 0.5", lambda L, x: x ** 0.5, "3x4:pos"),
    ("x ** -1.5", lambda L, x: x ** -1.5, "3x4:pos"),
    ("x ** -2 (negative bases)", lambda L, x: x ** -2, "3x4:away"),
    ("2 ** x", lambda L, x: 2 ** x, "3x4"),
    ("0.5 ** x", lambda L, x: 0.5 ** x, "3x4"),
    ("x.pow(3)", lambda L, x: x.pow(3), "3x4"),
    ("maximum(x, 0.2)", lambda L, x: L.maximum(x, L.tensor(0.2)), "3x4"),
    ("minimum(x, 0.2)", lambda L, x: L.minimum(x, L.tensor(0.2)), "3x4"),
    ("-x", lambda L, x: -x, "3x4"),
    ("+x * 2", lambda L, x: +x * 2, "3x4"),
    ("scalars on 0-d", lambda L, x: 3 - 2 * x / 5 + x ** 2, "()"),
    ("scalars on a transposed leaf", lambda L, x: (1 - x) * 2 + 3 / (x + 5), "4x3.T:pos"),
    ("a polynomial", lambda L, x: 0.5 * x ** 3 - 2 * x ** 2 + x - 7, "2x3"),
]


@pytest.mark.parametrize("fn, spec", [r[1:] for r in SCALARS], ids=[r[0] for r in SCALARS])
def test_python_numbers(fn, spec):
    check_grads(fn, [spec])


UNARY = {
    "neg": (lambda L, x: x.neg(), "normal"),
    "exp": (lambda L, x: x.exp(), "normal"),
    "log": (lambda L, x: x.log(), "pos"),
    "sqrt": (lambda L, x: x.sqrt(), "pos"),
    "abs": (lambda L, x: x.abs(), "away"),
    "abs()": (lambda L, x: abs(x), "away"),
    "sin": (lambda L, x: x.sin(), "normal"),
    "cos": (lambda L, x: x.cos(), "normal"),
    "tanh": (lambda L, x: x.tanh(), "normal"),
    "sigmoid": (lambda L, x: x.sigmoid(), "normal"),
    "relu": (lambda L, x: x.relu(), "away"),
    "L.exp": (lambda L, x: L.exp(x), "normal"),
    "L.log": (lambda L, x: L.log(x), "pos"),
    "L.tanh": (lambda L, x: L.tanh(x), "normal"),
    "L.sigmoid": (lambda L, x: L.sigmoid(x), "normal"),
    "L.relu": (lambda L, x: L.relu(x), "away"),
    "clamp(-0.5, 0.7)": (lambda L, x: x.clamp(-0.5, 0.7), "normal"),
    "clamp(min=0.1)": (lambda L, x: x.clamp(min=0.1), "normal"),
    "clamp(max=-0.2)": (lambda L, x: x.clamp(max=-0.2), "normal"),
    "clamp(min=-1, max=1) ints": (lambda L, x: x.clamp(min=-1, max=1), "normal"),
    "clip(-0.3, 0.3)": (lambda L, x: x.clip(-0.3, 0.3), "normal"),
    "L.clamp(x, -0.5, 0.5)": (lambda L, x: L.clamp(x, -0.5, 0.5), "normal"),
    "sigmoid of large logits": (lambda L, x: (x * 40).sigmoid(), "normal"),
    "tanh of large values": (lambda L, x: (x * 20).tanh(), "normal"),
    "exp(log)": (lambda L, x: x.log().exp(), "pos"),
    "sin(x) * cos(x)": (lambda L, x: x.sin() * x.cos(), "normal"),
}


@pytest.mark.parametrize("shape", ["3x4", "4x3.T", "()", "2x3x4", "7"])
@pytest.mark.parametrize("name", list(UNARY))
def test_unary(name, shape):
    fn, domain = UNARY[name]
    check_grads(fn, [shape if domain == "normal" else f"{shape}:{domain}"])


SOFTMAX_INPUTS = [("2x3x4", [0, 1, 2, -1, -2, -3]), ("3x4.T", [0, 1, -1]), ("5", [0, -1])]
SOFTMAX_CASES = [(op, spec, dim) for op in ("softmax", "log_softmax")
                 for spec, dims in SOFTMAX_INPUTS for dim in dims]


@pytest.mark.parametrize("op, spec, dim", SOFTMAX_CASES,
                         ids=[f"{op}-{spec}-dim{dim}" for op, spec, dim in SOFTMAX_CASES])
def test_softmax(op, spec, dim):
    check_grads(lambda L, x: getattr(x, op)(dim), [spec])
    check_grads(lambda L, x: getattr(L, op)(x * 3, dim), [spec], seed=1)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_large_logits(op):
    """Logits of 1000 and more: the stable forms, and finite gradients."""
    check_grads(lambda L, x: getattr(x * 1000 + 500, op)(-1), ["3x5"])


# (id, expression, inputs): where a rule picks a subgradient, PyTorch's choice
EDGES = [
    ("abs at 0", lambda L, x: x.abs(), [leaf([-1.0, 0.0, 2.0])]),
    ("relu at 0", lambda L, x: x.relu(), [leaf([-1.0, 0.0, 2.0])]),
    ("clamp on both bounds", lambda L, x: x.clamp(-0.5, 0.5), [leaf([-0.5, -0.7, 0.0, 0.5, 0.9])]),
    ("clamp min on the bound", lambda L, x: x.clamp(min=0.0), [leaf([-1.0, 0.0, 1.0])]),
    ("clamp max on the bound", lambda L, x: x.clamp(max=1.0), [leaf([-1.0, 1.0, 2.0])]),
    ("clamp with min == max", lambda L, x: x.clamp(0.5, 0.5), [leaf([0.0, 0.5, 1.0])]),
    ("maximum ties split the gradient", lambda L, a, b: L.maximum(a, b),
     [leaf([1.0, 2.0, 3.0]), leaf([1.0, 0.0, 3.0])]),
    ("minimum ties split the gradient", lambda L, a, b: L.minimum(a, b),
     [leaf([1.0, 2.0, 3.0]), leaf([1.0, 0.0, 3.0])]),
    ("maximum ties under broadcasting", lambda L, a, b: L.maximum(a, b),
     [leaf([[1.0, 2.0], [2.0, 0.0]]), leaf([2.0])]),
    ("x ** 2 at 0", lambda L, x: x ** 2, [leaf([0.0, 1.0, -1.0])]),
    ("x ** 0 at 0", lambda L, x: x ** 0, [leaf([0.0, 1.0, -2.0])]),
    ("x ** 0.0 (float) at 0", lambda L, x: x ** 0.0, [leaf([0.0, 1.0, 2.0])]),
    ("x ** y with y == 0 at x == 0", lambda L, x, y: x ** y, [leaf([0.0, 2.0]), leaf([0.0, 0.0])]),
    ("x ** y at x == 0, y > 0", lambda L, x, y: x ** y, [leaf([0.0, 0.0]), leaf([2.0, 3.0])]),
    ("x ** y, negative x, integral y", lambda L, x, y: x ** y,
     [leaf([-2.0, -1.5, 3.0]), leaf([2.0, 3.0, 2.0])]),
    ("sqrt at 0 (inf)", lambda L, x: x.sqrt(), [leaf([0.0, 4.0])]),
    ("log at 0 (inf)", lambda L, x: x.log(), [leaf([0.0, 1.0])]),
    ("1 / x at 0", lambda L, x: 1 / x, [leaf([0.0, 2.0])]),
    ("exp overflows to inf", lambda L, x: x.exp(), [leaf([1000.0, 0.0])]),
    ("sigmoid saturates", lambda L, x: x.sigmoid(), [leaf([-800.0, 800.0, 0.0])]),
    ("tanh saturates", lambda L, x: x.tanh(), [leaf([-400.0, 400.0])]),
]


@pytest.mark.parametrize("fn, specs", [r[1:] for r in EDGES], ids=[r[0] for r in EDGES])
def test_edge_values(fn, specs):
    check_grads(fn, specs)


# the function spellings with a plain Tensor as the first argument and a
# Variable as the second (``torch.mul(t, v)``): "Variables, Tensors and Python
# numbers mix freely"
FUNCTIONS_TENSOR_FIRST = {
    "L.add(t, x)": (lambda L, t, x: L.add(t, x), "normal"),
    "L.sub(t, x)": (lambda L, t, x: L.sub(t, x), "normal"),
    "L.mul(t, x)": (lambda L, t, x: L.mul(t, x), "normal"),
    "L.div(t, x)": (lambda L, t, x: L.div(t, x), "away"),
    "L.pow(t, x)": (lambda L, t, x: L.pow(t.abs() + 0.5, x), "normal"),
    "L.maximum(t, x)": (lambda L, t, x: L.maximum(t, x), "normal"),
    "L.minimum(t, x)": (lambda L, t, x: L.minimum(t, x), "normal"),
    "t.max(x)": (lambda L, t, x: t.max(x), "normal"),
    "t.min(x)": (lambda L, t, x: t.min(x), "normal"),
    "t.mul(x)": (lambda L, t, x: t.mul(x), "normal"),
    "t ** x": (lambda L, t, x: (t.abs() + 0.5) ** x, "normal"),
    "t / x": (lambda L, t, x: t / x, "away"),
}


@pytest.mark.parametrize("name", list(FUNCTIONS_TENSOR_FIRST))
def test_functions_with_a_plain_tensor_first(name):
    fn, domain = FUNCTIONS_TENSOR_FIRST[name]
    check_grads(fn, [const("3x4"), "4" if domain == "normal" else f"4:{domain}"])
