"""gradcheck (finite differences against backward) for every differentiable op.

Each case is ``(op, fn, make_inputs)``: ``make_inputs()`` builds fresh leaves
(gradcheck perturbs their storage in place), and ``fn(*inputs)`` applies the
op. Ops that broadcast get broadcasting cases; every op but ``view`` gets a
non-contiguous input; domains stay away from kinks and poles (see
autograd_helpers). The last tests check that the list covers every op that
has a gradient rule, so a new op without a case fails here.
"""

import pytest
from autograd_helpers import leaf, make_tensor, tleaf

import tinytorch.core as tt
from tinytorch.autograd import Variable, gradcheck
from tinytorch.autograd.registry import NOT_DIFFERENTIABLE, gradient_params, gradient_table
from tinytorch.core.plugins import OPS

CASES = []


def case(op, label, fn, make):
    CASES.append(pytest.param(op, fn, make, id=f"{op}-{label}"))


def mask(*shape, seed=0):
    values = make_tensor(shape, seed=seed).values()
    return Tensor_bool([v > 0 for v in values], shape)


def Tensor_bool(values, shape):  # noqa: N802
    return tt.tensor(values).reshape(shape)


# ------------------------------------------------------------------ binary
def _binary(op, fn, low=-1.0, high=1.0, kind="uniform", kind_b=None, offset_b=0.0, tensor_first=True):
    kind_b = kind_b or kind
    ka = {"kind": kind, "low": low, "high": high}
    kb = {"kind": kind_b, "low": low, "high": high, "offset": offset_b}
    case(op, "same-shape-noncontig", fn, lambda: (tleaf(3, 4, **ka), leaf(3, 4, seed=1, **kb)))
    case(op, "broadcast-row", fn, lambda: (leaf(2, 3, **ka), tleaf(3, seed=1, **kb)))
    case(op, "broadcast-both", fn, lambda: (leaf(3, 1, **ka), leaf(1, 4, seed=1, **kb)))
    case(op, "broadcast-3d", fn, lambda: (tleaf(2, 1, 3, **ka), leaf(4, 1, seed=1, **kb)))
    case(op, "0d-and-2d", fn, lambda: (leaf(**ka), leaf(2, 3, seed=1, **kb)))
    case(op, "b-no-grad", fn, lambda: (tleaf(3, 4, **ka), leaf(4, seed=1, requires_grad=False, **kb)))
    if tensor_first:  # a Tensor on the left, a Variable on the right (operators only)
        case(op, "a-tensor", fn, lambda: (make_tensor((4,), **ka), tleaf(3, 4, seed=1, **kb)))


_binary("add", lambda a, b: a + b)
_binary("sub", lambda a, b: a - b)
_binary("mul", lambda a, b: a * b)
_binary("div", lambda a, b: a / b, low=0.5, high=2.0, kind="signed")
_binary("pow", lambda a, b: a**b, low=0.5, high=2.0)
_binary("maximum", lambda a, b: a.maximum(b), kind="grid", offset_b=0.2, tensor_first=False)
_binary("minimum", lambda a, b: a.minimum(b), kind="grid", offset_b=0.2, tensor_first=False)

case("add", "number-right", lambda a: a + 2.5, lambda: (tleaf(3, 4),))
case("add", "number-left", lambda a: 2.5 + a, lambda: (tleaf(3, 4),))
case("add", "same-variable-twice", lambda a: a + a, lambda: (tleaf(3, 4),))
case("sub", "number-left", lambda a: 1.5 - a, lambda: (tleaf(3, 4),))
case("mul", "number-left", lambda a: 3.0 * a, lambda: (tleaf(3, 4),))
case("mul", "square", lambda a: a * a, lambda: (tleaf(3, 4),))
case("div", "number-left", lambda a: 2.0 / a, lambda: (tleaf(3, 4, kind="signed", low=0.5, high=2.0),))
case("pow", "int-exponent", lambda a: a**3, lambda: (tleaf(3, 4),))
case("pow", "float-exponent", lambda a: a**0.5, lambda: (tleaf(3, 4, low=0.5, high=2.0),))
case("pow", "number-base", lambda b: 2.0**b, lambda: (tleaf(3, 4),))
case("pow", "method", lambda a, b: a.pow(b), lambda: (tleaf(3, 4, low=0.5, high=2.0), leaf(4, seed=1)))
case("maximum", "function", lambda a, b: tt.maximum(a, b), lambda: (leaf(2, 3, kind="grid"), tleaf(3, kind="grid", offset=0.2)))
case("maximum", "number", lambda a: a.maximum(0.1), lambda: (tleaf(3, 4, kind="grid"),))
case("minimum", "max-with-tensor", lambda a, b: a.min(b), lambda: (tleaf(3, 4, kind="grid"), leaf(4, kind="grid", offset=0.2)))

# ------------------------------------------------------------------ unary
SMOOTH = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "sin": lambda a: a.sin(),
    "cos": lambda a: a.cos(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "erf": lambda a: a.erf(),
}
POSITIVE = {"log": lambda a: a.log(), "sqrt": lambda a: a.sqrt()}
KINKED = {"abs": lambda a: a.abs(), "relu": lambda a: a.relu()}

for _op, _fn in SMOOTH.items():
    case(_op, "noncontig", _fn, lambda: (tleaf(3, 4, low=-2.0, high=2.0),))
    case(_op, "stepped-1d", _fn, lambda: (tleaf(5, low=-2.0, high=2.0),))
    case(_op, "0d", _fn, lambda: (leaf(low=-2.0, high=2.0),))
for _op, _fn in POSITIVE.items():
    case(_op, "noncontig", _fn, lambda: (tleaf(3, 4, low=0.5, high=3.0),))
    case(_op, "3d", _fn, lambda: (tleaf(2, 3, 2, low=0.5, high=3.0),))
for _op, _fn in KINKED.items():  # grid offset 0.2: values 0.2 away from the kink at 0
    case(_op, "noncontig", _fn, lambda: (tleaf(3, 4, kind="grid", offset=0.2),))
    case(_op, "stepped-1d", _fn, lambda: (tleaf(6, kind="grid", offset=0.2),))
case("neg", "method", lambda a: a.neg(), lambda: (tleaf(3, 4),))
case("abs", "builtin", lambda a: abs(a), lambda: (tleaf(3, 4, kind="grid", offset=0.2),))
case("exp", "function", lambda a: tt.exp(a), lambda: (tleaf(3, 4),))

# grid offset 0.2: values ..., -0.6, -0.2, 0.2, 0.6, ...: 0.1 away from every bound below
case("clamp", "both", lambda a: a.clamp(-0.5, 0.5), lambda: (tleaf(4, 5, kind="grid", offset=0.2),))
case("clamp", "min-only", lambda a: a.clamp(min=-0.1), lambda: (tleaf(4, 5, kind="grid", offset=0.2),))
case("clamp", "max-only", lambda a: a.clamp(max=0.3), lambda: (tleaf(4, 5, kind="grid", offset=0.2),))
case("clamp", "clip-alias", lambda a: a.clip(-1.1, 0.7), lambda: (tleaf(4, 5, kind="grid", offset=0.2),))

for _op in ("softmax", "log_softmax"):
    case(_op, "dim1-noncontig", lambda a, _op=_op: getattr(a, _op)(1), lambda: (tleaf(3, 4, low=-2.0, high=2.0),))
    case(_op, "dim0", lambda a, _op=_op: getattr(a, _op)(0), lambda: (tleaf(3, 4, low=-2.0, high=2.0),))
    case(_op, "3d-dim-1", lambda a, _op=_op: getattr(a, _op)(-1), lambda: (leaf(2, 3, 4, low=-2.0, high=2.0),))
    case(_op, "1d", lambda a, _op=_op: getattr(a, _op)(0), lambda: (tleaf(5, low=-2.0, high=2.0),))

# ------------------------------------------------------------------ reductions
for _op in ("sum", "mean"):
    case(_op, "all-noncontig", lambda a, _op=_op: getattr(a, _op)(), lambda: (tleaf(3, 4),))
    case(_op, "dim0", lambda a, _op=_op: getattr(a, _op)(0), lambda: (tleaf(3, 4),))
    case(_op, "dim-1-keepdim", lambda a, _op=_op: getattr(a, _op)(-1, keepdim=True), lambda: (tleaf(3, 4),))
    case(_op, "dims-0-2", lambda a, _op=_op: getattr(a, _op)((0, 2)), lambda: (tleaf(2, 3, 4),))
    case(_op, "dims-0-2-keepdim", lambda a, _op=_op: getattr(a, _op)((0, 2), keepdim=True), lambda: (leaf(2, 3, 4),))
    case(_op, "0d", lambda a, _op=_op: getattr(a, _op)(), lambda: (leaf(),))

case("prod", "all-noncontig", lambda a: a.prod(), lambda: (tleaf(3, 4, kind="signed", low=0.5, high=1.5),))
case("prod", "dim1", lambda a: a.prod(1), lambda: (tleaf(3, 4, kind="signed", low=0.5, high=1.5),))
case("prod", "dim0-keepdim", lambda a: a.prod(0, keepdim=True), lambda: (tleaf(3, 4, kind="signed", low=0.5, high=1.5),))
case("prod", "dims-0-2", lambda a: a.prod((0, 2)), lambda: (leaf(2, 3, 2, kind="signed", low=0.5, high=1.5),))

for _op in ("max", "min"):
    case(_op, "all-noncontig", lambda a, _op=_op: getattr(a, _op)(), lambda: (tleaf(3, 4, kind="distinct"),))
    case(_op, "dim1-values", lambda a, _op=_op: getattr(a, _op)(1).values, lambda: (tleaf(3, 4, kind="distinct"),))
    case(_op, "dim0-keepdim", lambda a, _op=_op: getattr(a, _op)(0, keepdim=True)[0], lambda: (tleaf(3, 4, kind="distinct"),))
    case(_op, "3d-dim-1", lambda a, _op=_op: getattr(a, _op)(-1).values, lambda: (leaf(2, 3, 4, kind="distinct"),))

for _op in ("var", "std"):
    case(_op, "all-noncontig", lambda a, _op=_op: getattr(a, _op)(), lambda: (tleaf(3, 4),))
    case(_op, "dim1", lambda a, _op=_op: getattr(a, _op)(1), lambda: (tleaf(3, 4),))
    case(_op, "dim0-keepdim", lambda a, _op=_op: getattr(a, _op)(0, keepdim=True), lambda: (tleaf(3, 4),))
    case(_op, "correction0", lambda a, _op=_op: getattr(a, _op)(1, correction=0), lambda: (tleaf(3, 4),))
    case(_op, "unbiased-false", lambda a, _op=_op: getattr(a, _op)(unbiased=False), lambda: (tleaf(3, 4),))
    case(_op, "dims-0-2", lambda a, _op=_op: getattr(a, _op)((0, 2)), lambda: (leaf(2, 3, 4),))

# ------------------------------------------------------------------ matmul
case("matmul", "2d-2d-noncontig", lambda a, b: a @ b, lambda: (tleaf(3, 4), leaf(4, 2, seed=1)))
case("matmul", "2d-2d-both-noncontig", lambda a, b: a.matmul(b), lambda: (tleaf(2, 3), tleaf(3, 4, seed=1)))
case("matmul", "1d-1d", lambda a, b: a @ b, lambda: (tleaf(4), leaf(4, seed=1)))
case("matmul", "2d-1d", lambda a, b: a @ b, lambda: (tleaf(2, 3), leaf(3, seed=1)))
case("matmul", "1d-2d", lambda a, b: a @ b, lambda: (leaf(3), tleaf(3, 4, seed=1)))
case("matmul", "batched-broadcast", lambda a, b: a @ b, lambda: (leaf(2, 1, 2, 3), tleaf(3, 3, 2, seed=1)))
case("matmul", "batched-1d", lambda a, b: a @ b, lambda: (tleaf(2, 2, 3), leaf(3, seed=1)))
case("matmul", "variable-tensor", lambda a: a @ make_tensor((4, 2), seed=1), lambda: (tleaf(3, 4),))
case("matmul", "function", lambda a, b: tt.matmul(a, b), lambda: (tleaf(3, 4), leaf(4, seed=1)))

# ------------------------------------------------------------------ shape
case("reshape", "noncontig-copy", lambda a: a.reshape(2, 6), lambda: (tleaf(3, 4),))
case("reshape", "view-path", lambda a: a.reshape(-1, 4), lambda: (leaf(2, 3, 4),))
case("reshape", "tuple-arg", lambda a: a.reshape((4, 3)), lambda: (tleaf(2, 6),))
case("reshape", "0d", lambda a: a.reshape(1, 1), lambda: (leaf(),))
case("view", "contig", lambda a: a.view(6, 4), lambda: (leaf(2, 3, 4),))
case("view", "chain", lambda a: a.view(4, -1).view(-1) * a.view(-1), lambda: (leaf(2, 3, 4),))
case("permute", "noncontig", lambda a: a.permute(2, 0, 1), lambda: (tleaf(2, 3, 4),))
case("permute", "negative-dims", lambda a: a.permute(-1, 0, 1), lambda: (leaf(2, 3, 4),))
case("permute", "T", lambda a: a.T, lambda: (tleaf(2, 3, 4),))
case("transpose", "noncontig", lambda a: a.transpose(0, 2), lambda: (tleaf(2, 3, 4),))
case("transpose", "negative-dims", lambda a: a.transpose(-1, -2), lambda: (leaf(2, 3, 4),))
case("transpose", "t", lambda a: a.t(), lambda: (tleaf(3, 4),))
case("expand", "from-noncontig", lambda a: a.unsqueeze(1).expand(3, 2, 4), lambda: (tleaf(3, 4),))
case("expand", "new-leading-dims", lambda a: a.expand(2, 3, 4), lambda: (leaf(3, 1),))
case("expand", "minus-one", lambda a: a.expand(-1, 3), lambda: (leaf(2, 1),))
case("expand", "expand-as", lambda a: a.expand_as(make_tensor((2, 4, 3))), lambda: (leaf(4, 1),))
case("squeeze", "dim-noncontig", lambda a: a.squeeze(1), lambda: (tleaf(3, 1, 4),))
case("squeeze", "all", lambda a: a.squeeze(), lambda: (tleaf(3, 1, 4),))
case("squeeze", "tuple", lambda a: a.squeeze((0, 2)), lambda: (leaf(1, 3, 1),))
case("unsqueeze", "front-noncontig", lambda a: a.unsqueeze(0), lambda: (tleaf(3, 4),))
case("unsqueeze", "back", lambda a: a.unsqueeze(-1), lambda: (tleaf(3, 4),))
case("flatten", "all-noncontig", lambda a: a.flatten(), lambda: (tleaf(2, 3, 4),))
case("flatten", "middle", lambda a: a.flatten(1, 2), lambda: (tleaf(2, 3, 4),))
case("contiguous", "noncontig", lambda a: a.contiguous() * 1.0, lambda: (tleaf(3, 4),))
case("contiguous", "already", lambda a: a.contiguous(), lambda: (leaf(3, 4),))
case("clone", "noncontig", lambda a: a.clone(), lambda: (tleaf(3, 4),))
case("to", "float64", lambda a: a.to(tt.float64), lambda: (tleaf(3, 4),))
case("to", "double", lambda a: a.double(), lambda: (tleaf(3, 4),))

# ------------------------------------------------------------------ indexing
_KEYS = {
    "int": 1,
    "negative-int": -1,
    "step-slice": slice(None, None, 2),
    "ellipsis": (Ellipsis, 0),
    "none-slice": (None, slice(1, 3)),
    "list-repeats": [0, 2, 2],
    "int-tensor": tt.tensor([3, 0]),
    "slice-int": (slice(1, 4), 2),
    "mixed-advanced": ([0, 3], slice(None), ),
}
for _label, _key in _KEYS.items():
    case("getitem", _label, lambda a, _key=_key: a[_key], lambda: (tleaf(4, 5),))
case("getitem", "bool-mask", lambda a: a[mask(4, 5, seed=3)], lambda: (tleaf(4, 5),))
case("getitem", "advanced-split", lambda a: a[[0, 1], :, [1, 0]], lambda: (tleaf(2, 3, 4),))
case("getitem", "advanced-last", lambda a: a[..., [2, 0, 2]], lambda: (leaf(2, 3, 4),))
case("getitem", "iterate", lambda a: tt.stack(list(a), 0) * 2.0, lambda: (tleaf(3, 2),))


def _assign(key):
    def fn(a, v):
        y = a * 1.0
        y[key] = v
        return y

    return fn


def _assign_view(a, v):
    y = (a * 1.0).T  # a non-contiguous non-leaf
    y[0, 1:3] = v
    return y


case("setitem", "row", _assign(1), lambda: (tleaf(4, 5), leaf(5, seed=1)))
case("setitem", "column-broadcast-0d", _assign((slice(None), 2)), lambda: (tleaf(4, 5), leaf(seed=1)))
case("setitem", "list-broadcast", _assign([0, 3]), lambda: (tleaf(4, 5), leaf(5, seed=1)))
case("setitem", "mask", _assign(mask(4, 5, seed=3)), lambda: (tleaf(4, 5), leaf(seed=1)))
case("setitem", "into-view", _assign_view, lambda: (tleaf(4, 5), leaf(2, seed=1)))
case("setitem", "number", lambda a: _assign(slice(1, 3))(a, 0.5), lambda: (tleaf(4, 5),))
case("setitem", "value-only", lambda v: _assign(2)(Variable(make_tensor((4, 5))), v), lambda: (tleaf(5),))

case("add_at", "rows-repeated", lambda a, v: a.add_at([0, 2, 2], v), lambda: (tleaf(4, 5), leaf(3, 5, seed=1)))
case("add_at", "column", lambda a, v: a.add_at((slice(None), 1), v), lambda: (tleaf(4, 5), tleaf(4, seed=1)))
case("add_at", "same-place-twice", lambda a, v: a.add_at(([1, 1], [0, 0]), v), lambda: (tleaf(4, 5), leaf(seed=1)))
case("add_at", "3d-last", lambda a, v: a.add_at((Ellipsis, [2, 0, 2]), v), lambda: (leaf(2, 3, 4), leaf(2, 3, 3, seed=1)))

case("masked_fill", "variable-value", lambda a, v: a.masked_fill(mask(4, 5, seed=3), v), lambda: (tleaf(4, 5), leaf(seed=1)))
case("masked_fill", "broadcast-mask", lambda a, v: a.masked_fill(mask(5, seed=4), v), lambda: (tleaf(4, 5), leaf(seed=1)))
case("masked_fill", "number", lambda a: a.masked_fill(mask(4, 5, seed=3), -1.0), lambda: (tleaf(4, 5),))
case("masked_fill", "function", lambda a: tt.masked_fill(a, mask(3, 1, seed=5), 2.0), lambda: (tleaf(3, 4),))

# ------------------------------------------------------------------ joining
case("cat", "dim0-noncontig", lambda a, b: tt.cat([a, b], 0), lambda: (tleaf(2, 3), leaf(4, 3, seed=1)))
case("cat", "dim1", lambda a, b: tt.cat([a, b], dim=1), lambda: (leaf(2, 3), tleaf(2, 2, seed=1)))
case("cat", "dim-1-with-tensor", lambda a, b: tt.cat([a, make_tensor((3, 2), seed=2), b], -1), lambda: (tleaf(3, 2), leaf(3, 4, seed=1)))
case("cat", "same-twice", lambda a: tt.cat([a, a * 2.0], 0), lambda: (tleaf(2, 3),))
case("stack", "dim0", lambda a, b, c: tt.stack([a, b, c], 0), lambda: (tleaf(2, 3), leaf(2, 3, seed=1), leaf(2, 3, seed=2)))
case("stack", "dim-1-noncontig", lambda a, b: tt.stack([a, b], -1), lambda: (leaf(2, 3), tleaf(2, 3, seed=1)))
case("stack", "0d", lambda a, b: tt.stack([a, b]), lambda: (leaf(), leaf(seed=1)))
case("stack", "with-tensor", lambda a: tt.stack([make_tensor((4,)), a], 1), lambda: (tleaf(4),))
case("where", "same-shape", lambda a, b: tt.where(mask(3, 4, seed=3), a, b), lambda: (tleaf(3, 4), leaf(3, 4, seed=1)))
case("where", "broadcast", lambda a, b: tt.where(mask(3, 1, seed=3), a, b), lambda: (leaf(1, 4), leaf(seed=1)))
case("where", "broadcast-noncontig", lambda a, b: tt.where(mask(4, seed=3), a, b), lambda: (tleaf(3, 4), tleaf(4, seed=1)))
case("where", "number", lambda a: tt.where(mask(3, 4, seed=3), a, 0.0), lambda: (tleaf(3, 4),))
case("where", "number-first", lambda b: tt.where(mask(3, 4, seed=3), 1.5, b), lambda: (tleaf(3, 4),))
case("where", "variable-condition", lambda a, b: tt.where(a > 0, a, b), lambda: (tleaf(3, 4, kind="grid", offset=0.2), leaf(4, seed=1)))


@pytest.mark.parametrize("op, fn, make", CASES)
def test_gradcheck(op, fn, make):
    inputs = make()
    assert gradcheck(fn, inputs)


# ------------------------------------------------------------------ coverage of the list
def _ops_with_rules():
    """Every op whose spec has a differentiable parameter: each needs a case above."""
    return sorted(name for name, spec in OPS.items() if gradient_params(spec))


def _cases_of(op):
    return [p.values for p in CASES if p.values[0] == op]


def _variables(inputs):
    return [v for v in inputs if isinstance(v, Variable) and v.requires_grad]


def test_the_differentiable_ops_are_the_expected_ones():
    # guards the coverage tests below: a wrong notion of "differentiable" would make them vacuous
    ops = _ops_with_rules()
    assert len(ops) >= 46
    for name in ("add", "matmul", "getitem", "setitem", "cat", "where", "var", "log_softmax"):
        assert name in ops
    for name in ("eq", "lt", "argmax", "argmin"):
        assert name not in ops


def test_every_op_with_a_gradient_rule_has_a_gradcheck_case():
    with_rule = [name for name in OPS if gradient_table[name] is not NOT_DIFFERENTIABLE]
    assert sorted(with_rule) == _ops_with_rules()
    covered = {p.values[0] for p in CASES}
    missing = sorted(set(_ops_with_rules()) - covered)
    assert missing == [], f"ops with a gradient rule but no gradcheck case: {missing}"


def test_every_op_is_gradchecked_with_a_non_contiguous_input():
    lacking = []
    for op in _ops_with_rules():
        if op == "view":  # view refuses non-contiguous tensors by definition
            continue
        if not any(
            any(not v.is_contiguous() for v in _variables(make())) for _op, _fn, make in _cases_of(op)
        ):
            lacking.append(op)
    assert lacking == [], f"ops without a non-contiguous gradcheck case: {lacking}"


def test_every_broadcasting_op_is_gradchecked_with_broadcast_shapes():
    broadcasting = [n for n, s in OPS.items() if s.family == "binary"] + ["where", "matmul"]
    lacking = []
    for op in broadcasting:
        shapes = [
            {v.shape for v in _variables(make())} for _op, _fn, make in _cases_of(op)
        ]
        if not any(len(s) > 1 for s in shapes):
            lacking.append(op)
    assert lacking == [], f"broadcasting ops without a broadcast gradcheck case: {lacking}"
