"""Parity with PyTorch (float64): every reduction with dim None / int /
negative / tuple and keepdim, on contiguous, transposed, step-sliced,
expanded, 0-d and empty inputs; max/min values AND indices; var/std with
correction 0/1/2 and unbiased.
"""

import itertools
import warnings

import pytest

torch = pytest.importorskip("torch")

import tinytorch.core as tt  # noqa: E402

from _parity import check, make, torch_raises, values  # noqa: E402

# (spec, dtype, domain): "small" gives ties, so argmax/argmin and max/min
# indices must pick the first extreme value as PyTorch does.
INPUTS = [
    ("3x4x5", "float64", "normal"),
    ("4x3.T", "float64", "normal"),
    ("3x4.s", "float64", "normal"),
    ("2x3x4.x", "float64", "normal"),
    ("3x5", "float64", "small"),
    ("6", "float64", "normal"),
    ("()", "float64", "normal"),
    ("0x3", "float64", "normal"),
    ("3x4", "int64", "small"),
    ("3x4", "bool", "bool"),
]

DIMS = {
    0: [None, 0, -1],
    1: [None, 0, -1, (0,)],
    2: [None, 0, 1, -1, -2, (0, 1), (-1,)],
    3: [None, 0, 1, 2, -1, (0, 2), (-1, 0), (0, 1, 2)],
}


def _ndim(spec):
    return 0 if spec.startswith("()") else spec.split(".")[0].count("x") + 1


def _norm(dim, ndim):
    dims = (dim,) if isinstance(dim, int) else dim
    return tuple(sorted({d % max(ndim, 1) for d in dims}))


def _torch_prod(L, x, dim, keepdim):
    """torch.prod takes one int dim only: reduce one dim after the other."""
    if dim is None:
        out = x.prod()
        return out.reshape((1,) * x.ndim) if keepdim else out
    for d in reversed(_norm(dim, x.ndim)):
        x = x.prod(d, keepdim=keepdim) if x.ndim else x.prod(0)
    return x


def _max_min(name, x, dim, keepdim):
    """x.max() without a dim is 0-d; with an int dim, (values, indices)."""
    if dim is None:
        return getattr(x, name)()
    return getattr(x, name)(dim=dim, keepdim=keepdim)


def _floatify(x):
    """mean/var/std of int64 or bool give float64 here (documented); PyTorch
    refuses them, so the expected value is PyTorch's on the float64 copy."""
    return x if x.dtype == torch.float64 else x.double()


# name -> (tinyTorch call, PyTorch call); each takes (L, x, dim, keepdim)
REDUCTIONS = {
    "sum": (lambda L, x, d, k: x.sum(dim=d, keepdim=k), None),
    "mean": (lambda L, x, d, k: x.mean(dim=d, keepdim=k),
             lambda L, x, d, k: _floatify(x).mean(dim=d, keepdim=k)),
    "prod": (lambda L, x, d, k: x.prod(dim=d, keepdim=k), _torch_prod),
    "max": (lambda L, x, d, k: _max_min("max", x, d, k), None),
    "min": (lambda L, x, d, k: _max_min("min", x, d, k), None),
    "argmax": (lambda L, x, d, k: x.argmax(dim=d, keepdim=k), None),
    "argmin": (lambda L, x, d, k: x.argmin(dim=d, keepdim=k), None),
    "var": (lambda L, x, d, k: x.var(dim=d, keepdim=k),
            lambda L, x, d, k: _floatify(x).var(dim=d, keepdim=k)),
    "std": (lambda L, x, d, k: x.std(dim=d, keepdim=k),
            lambda L, x, d, k: _floatify(x).std(dim=d, keepdim=k)),
    "var correction=0": (lambda L, x, d, k: x.var(dim=d, correction=0, keepdim=k),
                         lambda L, x, d, k: _floatify(x).var(dim=d, correction=0, keepdim=k)),
    "std correction=0": (lambda L, x, d, k: x.std(dim=d, correction=0, keepdim=k),
                         lambda L, x, d, k: _floatify(x).std(dim=d, correction=0, keepdim=k)),
    "var correction=2": (lambda L, x, d, k: x.var(dim=d, correction=2, keepdim=k),
                         lambda L, x, d, k: _floatify(x).var(dim=d, correction=2, keepdim=k)),
    "var unbiased=False": (lambda L, x, d, k: x.var(dim=d, unbiased=False, keepdim=k),
                           lambda L, x, d, k: _floatify(x).var(dim=d, unbiased=False, keepdim=k)),
    "std unbiased=True": (lambda L, x, d, k: x.std(dim=d, unbiased=True, keepdim=k),
                          lambda L, x, d, k: _floatify(x).std(dim=d, unbiased=True, keepdim=k)),
}
# as PyTorch: argmax/argmin and max/min take one int dim or None (max/min
# without a dim take no keepdim either)
NO_TUPLE_DIM = {"argmax", "argmin", "max", "min"}


def _cases():
    for name, (spec, dtype, domain), keepdim in itertools.product(
        REDUCTIONS, INPUTS, [False, True]
    ):
        ours_fn, torch_fn = REDUCTIONS[name]
        # dtypes PyTorch refuses for the op (argmax of bool, ...) are not parity cases
        probe = torch.ones(2, dtype=getattr(torch, dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # var with correction=2 of 2 values
            refused = torch_raises(lambda L, x, f=torch_fn or ours_fn: f(L, x, None, False), probe)
        if refused:
            continue
        for dim in DIMS[_ndim(spec)]:
            if isinstance(dim, tuple) and name in NO_TUPLE_DIM:
                continue
            if dim is None and keepdim and name in ("max", "min"):
                continue
            yield pytest.param(
                name, spec, dtype, domain, dim, keepdim,
                id=f"{name}-{spec}-{dtype}-{domain}-dim={dim}-keepdim={keepdim}",
            )


@pytest.mark.parametrize(("name", "spec", "dtype", "domain", "dim", "keepdim"), list(_cases()))
def test_reduction(name, spec, dtype, domain, dim, keepdim):
    """When PyTorch raises (max of an empty dim), tinyTorch must raise too."""
    ours_fn, torch_fn = REDUCTIONS[name]
    check(lambda L, x: ours_fn(L, x, dim, keepdim), make(spec, dtype, domain),
          torch_fn=None if torch_fn is None else (lambda L, x: torch_fn(L, x, dim, keepdim)))


CALL_FORMS = [
    ("x.sum()", lambda L, x: x.sum()),
    ("x.sum(1)", lambda L, x: x.sum(1)),
    ("x.sum((0, 1))", lambda L, x: x.sum((0, 1))),
    ("x.sum(-1, True)", lambda L, x: x.sum(-1, True)),
    ("tt.sum(x)", lambda L, x: L.sum(x)),
    ("tt.sum(x, dim=1)", lambda L, x: L.sum(x, dim=1)),
    ("tt.sum(x, 0, keepdim=True)", lambda L, x: L.sum(x, 0, keepdim=True)),
    ("x.mean(0)", lambda L, x: x.mean(0)),
    ("tt.mean(x, (0, 1))", lambda L, x: L.mean(x, (0, 1))),
    ("x.prod(1)", lambda L, x: x.prod(1)),
    ("tt.prod(x, 0)", lambda L, x: L.prod(x, 0)),
    ("x.max()", lambda L, x: x.max()),
    ("x.max(1)", lambda L, x: x.max(1)),
    ("x.max(1, True)", lambda L, x: x.max(1, True)),
    ("x.max(dim=0).values", lambda L, x: x.max(dim=0).values),
    ("x.max(dim=0).indices", lambda L, x: x.max(dim=0).indices),
    ("x.min(dim=-1)[1]", lambda L, x: x.min(dim=-1)[1]),
    ("values, indices = x.min(0)", lambda L, x: tuple(x.min(0))),
    ("tt.max(x)", lambda L, x: L.max(x)),
    ("tt.max(x, 1)", lambda L, x: L.max(x, 1)),
    ("tt.min(x, dim=0, keepdim=True)", lambda L, x: L.min(x, dim=0, keepdim=True)),
    ("tt.max(x, other)", lambda L, x: L.max(x, x.T.T * 0)),
    ("x.argmax()", lambda L, x: x.argmax()),
    ("x.argmax(1)", lambda L, x: x.argmax(1)),
    ("tt.argmin(x, dim=0)", lambda L, x: L.argmin(x, dim=0)),
    ("x.var(0)", lambda L, x: x.var(0)),
    ("x.std()", lambda L, x: x.std()),
    ("tt.var(x, 1)", lambda L, x: L.var(x, 1)),
    ("tt.std(x, dim=0, correction=0)", lambda L, x: L.std(x, dim=0, correction=0)),
    ("x.var(1, keepdim=True)", lambda L, x: x.var(1, keepdim=True)),
]


@pytest.mark.parametrize(("case", "fn"), CALL_FORMS, ids=[c[0] for c in CALL_FORMS])
def test_reduction_call_forms(case, fn):
    check(fn, make("3x4", "float64", "small"))


def test_max_with_dim_is_a_named_tuple():
    ours = tt.tensor([[1.0, 5.0], [7.0, 2.0]]).max(dim=1)
    values_, indices = ours
    assert ours.values is values_ or ours.values.tolist() == values_.tolist()
    assert ours.indices.tolist() == indices.tolist() == [1, 0]


SPECIAL_DATA = [
    ("nan in middle", [[1.0, float("nan"), 3.0], [4.0, 5.0, 6.0]]),
    ("nan first", [[float("nan"), 1.0, 3.0], [-4.0, float("nan"), 6.0]]),
    ("inf", [[1.0, float("inf"), 3.0], [float("-inf"), 5.0, float("inf")]]),
    ("ties", [[2.0, 2.0, 1.0], [1.0, 3.0, 3.0]]),
    ("negative zero", [[-0.0, 0.0, -1.0], [0.0, -0.0, 1.0]]),
]
SPECIAL_OPS = [
    ("sum", lambda L, x, d: x.sum(d)),
    ("mean", lambda L, x, d: x.mean(d)),
    ("prod", lambda L, x, d: x.prod(d) if d is not None else x.prod()),
    ("max", lambda L, x, d: x.max(d) if d is not None else x.max()),
    ("min", lambda L, x, d: x.min(d) if d is not None else x.min()),
    ("argmax", lambda L, x, d: x.argmax(d)),
    ("argmin", lambda L, x, d: x.argmin(d)),
    ("var", lambda L, x, d: x.var(d)),
    ("std", lambda L, x, d: x.std(d)),
]


@pytest.mark.parametrize("dim", [None, 0, 1])
@pytest.mark.parametrize(("op", "fn"), SPECIAL_OPS, ids=[c[0] for c in SPECIAL_OPS])
@pytest.mark.parametrize(("case", "data"), SPECIAL_DATA, ids=[c[0] for c in SPECIAL_DATA])
def test_reduction_special_values(case, data, op, fn, dim):
    """NaN propagates through max/min and argmax/argmin point at it, as PyTorch."""
    check(lambda L, x: fn(L, x, dim), values(data))


DEGENERATE = [
    ("var of one element", [2.0], lambda L, x: x.var()),
    ("var of one element, correction=0", [2.0], lambda L, x: x.var(correction=0)),
    ("std over a dim of size 1", [[1.0], [2.0]], lambda L, x: x.std(dim=1)),
    ("var correction=2 with 2 elements", [1.0, 3.0], lambda L, x: x.var(correction=2)),
    ("var of an empty tensor", [], lambda L, x: x.var()),
    ("mean of an empty tensor", [], lambda L, x: x.mean()),
    ("sum of an empty tensor", [], lambda L, x: x.sum()),
    ("prod of an empty tensor", [], lambda L, x: x.prod()),
    ("max of an empty tensor raises", [], lambda L, x: x.max()),
    ("argmax of an empty tensor raises", [], lambda L, x: x.argmax()),
    ("sum over a bad dim raises", [1.0, 2.0], lambda L, x: x.sum(dim=1)),
    ("max over a bad dim raises", [1.0, 2.0], lambda L, x: x.max(dim=-2)),
    ("mean of large values", [1e308, 1e308], lambda L, x: x.mean()),
    ("sum of bools is int64", [True, True, False], lambda L, x: x.sum()),
    ("prod of ints", [3, -2, 4], lambda L, x: x.prod()),
    ("sum of big ints is exact", [2**60, 2**60, -(2**60)], lambda L, x: x.sum()),
]


@pytest.mark.parametrize(("case", "data", "fn"), DEGENERATE, ids=[c[0] for c in DEGENERATE])
def test_reduction_degenerate(case, data, fn):
    check(fn, values(data))
