"""Hypothesis tests of the stride machinery on odd shapes and non-contiguous views.

A drawn case is a base tensor (0-d, size-1 and empty dims included) and a chain
of view ops (permute, transpose, step slicing, expand, unsqueeze, int select).
Beside the Tensor we keep a plain-Python model of the same chain: the view's
shape and a function from a view index to the base index it reads. The
properties compare the Tensor against that model, and any op on a view against
the same op on the view's ``.contiguous()`` copy.
"""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinytorch.core as tt

from helpers import (
    assert_nested_close,
    broadcast_get,
    broadcast_rule,
    build,
    flatten,
    from_flat,
    get,
    indices,
)

SETTINGS = settings(max_examples=60, deadline=None)

sizes = st.sampled_from([0, 1, 1, 2, 2, 3, 3])
shapes = st.lists(sizes, max_size=4).map(tuple)
halves = st.integers(-6, 6).map(lambda k: k / 2)  # exact sums in any order, ties for argmax


# ------------------------------------------------------------- the model
@st.composite
def view_ops(draw, shape):
    """A chain of up to 4 view ops valid for ``shape``, as (name, args) tuples."""
    ops = []
    cur = tuple(shape)
    for _ in range(draw(st.integers(0, 4))):
        n = len(cur)
        kind = draw(
            st.sampled_from(["permute", "transpose", "slice", "expand", "unsqueeze", "select"])
        )
        if kind == "permute" and n >= 2:
            dims = tuple(draw(st.permutations(range(n))))
            ops.append(("permute", dims))
            cur = tuple(cur[d] for d in dims)
        elif kind == "transpose" and n >= 1:
            d0, d1 = draw(st.integers(-n, n - 1)), draw(st.integers(-n, n - 1))
            ops.append(("transpose", (d0, d1)))
            perm = list(range(n))
            perm[d0 % n], perm[d1 % n] = perm[d1 % n], perm[d0 % n]
            cur = tuple(cur[d] for d in perm)
        elif kind == "slice" and n >= 1:
            d = draw(st.integers(0, n - 1))
            start, step = draw(st.integers(0, max(cur[d], 1))), draw(st.integers(1, 3))
            ops.append(("slice", (d, start, step)))
            cur = cur[:d] + (len(range(start, cur[d], step)),) + cur[d + 1 :]
        elif kind == "expand":
            lead = tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
            new = lead + tuple(draw(st.integers(0, 3)) if s == 1 else s for s in cur)
            ops.append(("expand", new))
            cur = new
        elif kind == "unsqueeze":
            d = draw(st.integers(-n - 1, n))
            ops.append(("unsqueeze", (d,)))
            d %= n + 1
            cur = cur[:d] + (1,) + cur[d:]
        elif kind == "select" and n >= 1 and any(cur):
            d = draw(st.sampled_from([i for i in range(n) if cur[i] > 0]))
            i = draw(st.integers(-cur[d], cur[d] - 1))
            ops.append(("select", (d, i)))
            cur = cur[:d] + cur[d + 1 :]
    return ops


@st.composite
def view_cases(draw):
    shape = draw(shapes)
    values = draw(st.lists(halves, min_size=math.prod(shape), max_size=math.prod(shape)))
    return shape, values, draw(view_ops(shape))


def apply_op(t, op):
    name, args = op
    if name == "permute":
        return t.permute(*args)
    if name == "transpose":
        return t.transpose(*args)
    if name == "slice":
        d, start, step = args
        return t[(slice(None),) * d + (slice(start, None, step),)]
    if name == "expand":
        return t.expand(*args)
    if name == "unsqueeze":
        return t.unsqueeze(args[0])
    d, i = args
    return t[(slice(None),) * d + (i,)]


def model_op(shape, src, op):
    """The shape after ``op`` and the map from its indices to base indices."""
    name, args = op
    n = len(shape)
    if name in ("permute", "transpose"):
        if name == "permute":
            perm = list(args)
        else:
            perm = list(range(n))
            a, b = args[0] % n, args[1] % n
            perm[a], perm[b] = perm[b], perm[a]

        def inner(idx):
            old = [0] * n
            for pos, d in enumerate(perm):
                old[d] = idx[pos]
            return tuple(old)

        return tuple(shape[d] for d in perm), lambda idx: src(inner(idx))
    if name == "slice":
        d, start, step = args
        new = shape[:d] + (len(range(start, shape[d], step)),) + shape[d + 1 :]
        return new, lambda idx: src(idx[:d] + (start + idx[d] * step,) + idx[d + 1 :])
    if name == "expand":
        lead = len(args) - n
        return tuple(args), lambda idx: src(
            tuple(0 if s == 1 else i for i, s in zip(idx[lead:], shape))
        )
    if name == "unsqueeze":
        d = args[0] % (n + 1)
        return shape[:d] + (1,) + shape[d:], lambda idx: src(idx[:d] + idx[d + 1 :])
    d, i = args
    i %= shape[d]
    return shape[:d] + shape[d + 1 :], lambda idx: src(idx[:d] + (i,) + idx[d:])


def realize(case):
    """(view, base, model_shape, model_src, base_nested) for a drawn case."""
    shape, values, ops = case
    base = tt.tensor(values, dtype=tt.float64).reshape(shape)
    view, mshape, src = base, tuple(shape), (lambda idx: idx)
    for op in ops:
        view = apply_op(view, op)
        mshape, src = model_op(mshape, src, op)
    return view, base, mshape, src, from_flat(values, shape)


def outcome(fn):
    """What ``fn()`` gives: ("ok", result) or ("raises", exception type).

    Only the documented error types count as an outcome; anything else
    (an AttributeError of a missing op, say) propagates and fails the test."""
    try:
        return "ok", fn()
    except (ValueError, TypeError, IndexError, RuntimeError) as exc:
        return "raises", type(exc)


def as_data(result):
    if isinstance(result, tuple):
        return [as_data(r) for r in result]
    return (result.shape, result.dtype, result.tolist())


def assert_same_outcome(on_view, on_copy, error_expected=False):
    """The op gave the same result on the view and on its copy; it raised
    (the same error on both) exactly when ``error_expected``."""
    kind_v, got = on_view
    kind_c, want = on_copy
    assert kind_v == kind_c, f"view: {kind_v} {got!r}; contiguous copy: {kind_c} {want!r}"
    assert (kind_c == "raises") == error_expected, (
        f"error expected: {error_expected}, got {kind_c} {want!r}"
    )
    if kind_v == "raises":
        assert got is want
        return
    got, want = as_data(got), as_data(want)
    if isinstance(want, list):
        assert len(got) == len(want)
        pairs = zip(got, want)
    else:
        pairs = [(got, want)]
    for (gshape, gdtype, gvals), (wshape, wdtype, wvals) in pairs:
        assert gshape == wshape and gdtype == wdtype
        assert_nested_close(gvals, wvals, rel=1e-9, abs_tol=1e-9)


# ------------------------------------------------------------ properties
@SETTINGS
@given(view_cases())
def test_tolist_of_a_view_equals_the_nested_list_model(case):
    view, base, mshape, src, nested = realize(case)
    assert view.shape == mshape
    assert view.numel() == math.prod(mshape)
    assert view.storage is base.storage  # every op in the chain is a view
    assert view.tolist() == build(mshape, lambda idx: get(nested, src(idx)))


@SETTINGS
@given(view_cases())
def test_contiguous_copy_equals_the_view(case):
    view = realize(case)[0]
    copy = view.contiguous()
    assert copy.is_contiguous()
    assert copy.shape == view.shape and copy.tolist() == view.tolist()
    # Row-major strides over the dims that matter: a size-1 dim's stride is free, and
    # so is every stride of an empty tensor, as in PyTorch.
    if copy.numel():
        want = tuple(math.prod(view.shape[i + 1 :]) for i in range(view.ndim))
        assert all(s == w for s, w, n in zip(copy.stride(), want, view.shape) if n > 1)


@SETTINGS
@given(view_cases(), st.data())
def test_a_write_through_a_view_lands_where_the_strides_say(case, data):
    view, base, mshape, src, nested = realize(case)
    assume(view.numel() > 0)
    idx = data.draw(st.sampled_from(indices(mshape)))
    view[idx if idx else ...] = 99.5
    target = src(idx)
    want = build(tuple(case[0]), lambda i: 99.5 if i == target else get(nested, i))
    assert base.tolist() == want


UNARY = ["neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu"]


@SETTINGS
@given(view_cases(), st.sampled_from(UNARY + ["clamp", "softmax", "log_softmax"]), st.data())
def test_unary_op_on_a_view_equals_op_on_its_contiguous_copy(case, name, data):
    view = realize(case)[0]
    copy = view.contiguous()
    if name == "clamp":
        lo = data.draw(st.one_of(st.none(), halves))
        hi = data.draw(st.one_of(st.none(), halves))
        assume(lo is not None or hi is not None)
        args = {"min": lo, "max": hi}
    elif name in ("softmax", "log_softmax"):
        assume(view.ndim >= 1)
        args = {"dim": data.draw(st.integers(-view.ndim, view.ndim - 1))}
    else:
        args = {}
    assert_same_outcome(
        outcome(lambda: getattr(view, name)(**args)), outcome(lambda: getattr(copy, name)(**args))
    )


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "maximum": lambda a, b: (
        tt.tensor(a).maximum(b)
        if isinstance(a, float)
        else a.maximum(tt.tensor(b) if isinstance(b, float) else b)
    ),
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "ge": lambda a, b: a >= b,
}


@SETTINGS
@given(view_cases(), view_cases(), st.sampled_from(sorted(BINARY)), halves)
def test_binary_op_on_views_equals_op_on_contiguous_copies(case, other_case, name, scalar):
    op = BINARY[name]
    view, other = realize(case)[0], realize(other_case)[0]
    vc, oc = view.contiguous(), other.contiguous()

    def check(x, y, x_copy, y_copy):
        clash = broadcast_rule(getattr(x, "shape", ()), getattr(y, "shape", ())) is None
        assert_same_outcome(
            outcome(lambda: op(x, y)), outcome(lambda: op(x_copy, y_copy)), error_expected=clash
        )

    check(view, view, vc, vc)
    check(view, vc.T, vc, vc.T)
    check(view, other, vc, oc)
    check(view, scalar, vc, scalar)
    check(scalar, view, scalar, vc)


REDUCTIONS = ["sum", "mean", "prod", "var", "std", "max", "min", "argmax", "argmin"]
TUPLE_DIMS = {"sum", "mean", "prod", "var", "std"}


@SETTINGS
@given(view_cases(), st.sampled_from(REDUCTIONS), st.booleans(), st.data())
def test_reduction_on_a_view_equals_reduction_on_its_contiguous_copy(case, name, keepdim, data):
    view = realize(case)[0]
    copy = view.contiguous()
    n = view.ndim
    choices = [st.none()]
    if n:
        choices.append(st.integers(-n, n - 1))
        if name in TUPLE_DIMS:
            choices.append(
                st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True).map(tuple)
            )
    dim = data.draw(st.one_of(*choices))
    if dim is None and name in ("max", "min"):
        args = {}  # max()/min() take no keepdim without a dim
    else:
        args = {"dim": dim, "keepdim": keepdim}
    # Only the extremes refuse, and only when they would reduce over nothing.
    reduced = view.numel() if dim is None or isinstance(dim, tuple) else view.shape[dim]
    error_expected = name in ("max", "min", "argmax", "argmin") and reduced == 0
    on_view = outcome(lambda: getattr(view, name)(**args))
    assert_same_outcome(on_view, outcome(lambda: getattr(copy, name)(**args)), error_expected)


@st.composite
def same_numel_shapes(draw, numel):
    """A random shape holding ``numel`` elements (with a 0 somewhere when numel is 0)."""
    if numel == 0:
        dims = draw(st.lists(st.integers(1, 3), max_size=2))
        dims.insert(draw(st.integers(0, len(dims))), 0)
        return tuple(dims)
    primes, m, p = [], numel, 2
    while m > 1:
        while m % p == 0:
            primes.append(p)
            m //= p
        p += 1
    bins = [1] * draw(st.integers(1, 3))
    for q in primes:
        bins[draw(st.integers(0, len(bins) - 1))] *= q
    if draw(st.booleans()):
        bins.insert(draw(st.integers(0, len(bins))), 1)
    return tuple(bins)


@SETTINGS
@given(view_cases(), st.data())
def test_reshape_round_trips(case, data):
    view = realize(case)[0]
    flat = flatten(view.tolist())
    new = data.draw(same_numel_shapes(view.numel()))
    reshaped = view.reshape(new)
    assert reshaped.shape == new
    assert reshaped.tolist() == from_flat(flat, new)
    assert reshaped.reshape(view.shape).tolist() == view.tolist()
    assert view.reshape(-1).tolist() == flat
    if view.numel() > 0:
        k = data.draw(st.integers(0, len(new) - 1))
        inferred = new[:k] + (-1,) + new[k + 1 :]
        assert view.reshape(inferred).shape == new
    if view.is_contiguous():
        viewed = view.view(new)
        assert viewed.storage is view.storage and viewed.tolist() == from_flat(flat, new)


@st.composite
def shape_pairs(draw):
    """Two shapes that usually broadcast (suffixes, 1s, extra leading dims) and sometimes clash."""
    a = draw(shapes)
    if draw(st.integers(0, 4)) == 0:
        b = draw(shapes)
    else:
        keep = draw(st.integers(0, len(a)))
        b = [1 if draw(st.booleans()) else s for s in a[len(a) - keep :]]
        b = draw(st.lists(sizes, max_size=2)) + b
    b = tuple(b)
    return (a, b) if draw(st.booleans()) else (b, a)


@SETTINGS
@given(shape_pairs(), st.sampled_from(["add", "mul", "sub", "lt"]))
def test_broadcast_shapes_follow_the_rule(pair, name):
    sa, sb = pair
    op = BINARY[name]
    na, nb = math.prod(sa), math.prod(sb)
    a = tt.arange(na).reshape(sa)
    b = (tt.arange(nb) * 10).reshape(sb)
    want_shape = broadcast_rule(sa, sb)
    if want_shape is None:
        with pytest.raises(ValueError) as err:
            op(a, b)
        assert str(sa) in str(err.value) and str(sb) in str(err.value)
        return
    out = op(a, b)
    assert out.shape == want_shape
    la, lb = from_flat(list(range(na)), sa), from_flat([10 * i for i in range(nb)], sb)
    want = build(want_shape, lambda idx: op(broadcast_get(la, sa, idx), broadcast_get(lb, sb, idx)))
    assert out.tolist() == want
    assert op(a.expand(want_shape) if sa != want_shape else a, b).tolist() == want
