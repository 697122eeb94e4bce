"""Gradient parity with PyTorch (float64): every reduction with dim None /
int / negative / tuple and keepdim, on contiguous, transposed and 0-d leaves;
max/min with a dim (the values' gradient goes to the index) and without one
(distinct values; ties share it evenly, as PyTorch); var/std with correction
0 and 1 and unbiased=.
"""

import pytest

torch = pytest.importorskip("torch")

from _grad_parity import check_grads, leaf  # noqa: E402

INPUTS = ["2x3x4", "2x4x3.T"]
DIMS = [None, 0, 1, 2, -1, -3, (0, 2), (-1, 0), (0, 1, 2), (1,)]
INT_DIMS = [0, 1, 2, -1, -2]


def _torch_prod(L, x, dim, keepdim):
    """torch.prod takes one int dim only: reduce one dim after the other."""
    if dim is None:
        out = x.prod()
        return out.reshape((1,) * x.ndim) if keepdim else out
    dims = sorted({d % x.ndim for d in ((dim,) if isinstance(dim, int) else dim)}, reverse=True)
    for d in dims:
        x = x.prod(d, keepdim=keepdim)
    return x


def _case_id(spec, dim, keepdim):
    return f"{spec}-dim={dim}-keepdim={keepdim}"


CASES = [(s, d, k) for s in INPUTS for d in DIMS for k in (False, True)]
IDS = [_case_id(*c) for c in CASES]


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("spec, dim, keepdim", CASES, ids=IDS)
def test_sum_mean(op, spec, dim, keepdim):
    check_grads(lambda L, x: getattr(x, op)(dim=dim, keepdim=keepdim), [spec])


@pytest.mark.parametrize("spec, dim, keepdim", CASES, ids=IDS)
def test_prod(spec, dim, keepdim):
    check_grads(lambda L, x: x.prod(dim=dim, keepdim=keepdim), [f"{spec}:away"],
                torch_fn=lambda L, x: _torch_prod(L, x, dim, keepdim))


@pytest.mark.parametrize("correction", [0, 1])
@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("spec, dim, keepdim", CASES, ids=IDS)
def test_var_std(op, correction, spec, dim, keepdim):
    check_grads(lambda L, x: getattr(x, op)(dim=dim, correction=correction, keepdim=keepdim), [spec])


@pytest.mark.parametrize("unbiased", [True, False])
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std_unbiased(op, unbiased):
    check_grads(lambda L, x: getattr(x, op)(1, unbiased=unbiased), ["3x5"])
    check_grads(lambda L, x: getattr(x, op)(unbiased=unbiased), ["3x5"], seed=1)


MINMAX = [(s, d, k) for s in INPUTS for d in INT_DIMS for k in (False, True)]


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("spec, dim, keepdim", MINMAX, ids=[_case_id(*c) for c in MINMAX])
def test_max_min_with_dim(op, spec, dim, keepdim):
    check_grads(lambda L, x: getattr(x, op)(dim=dim, keepdim=keepdim).values, [f"{spec}:distinct"])
    check_grads(lambda L, x: getattr(x, op)(dim, keepdim)[0], [f"{spec}:distinct"], seed=1)


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("spec", ["2x3x4", "3x4.T", "5", "()"])
def test_max_min_all(op, spec):
    check_grads(lambda L, x: getattr(x, op)(), [f"{spec}:distinct"])


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_all_with_ties(op):
    """Without a dim PyTorch shares the gradient evenly among the tied elements."""
    check_grads(lambda L, x: getattr(x, op)(), [leaf([[3.0, -1.0, 3.0], [-1.0, 0.0, 3.0]])])


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_dim_used_twice(op):
    """The values of a max along a dim feed two branches (and the input a third)."""
    def fn(L, x):
        v = getattr(x, op)(dim=1).values
        return (v * v).sum() + v.exp().sum() + (x * 0.5).sum()
    check_grads(fn, ["3x4:distinct"])


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "max", "min"])
@pytest.mark.parametrize("dim", [None, 0, -1])
def test_0d(op, dim):
    if dim is None:
        check_grads(lambda L, x: getattr(x, op)(), ["():away"])
    elif op in ("max", "min"):
        check_grads(lambda L, x: getattr(x, op)(dim).values, ["():away"])
    else:
        check_grads(lambda L, x: getattr(x, op)(dim), ["():away"])


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)])
def test_prod_with_a_zero(dim):
    """The gradient of a product with one zero is the product of the others (not nan)."""
    check_grads(lambda L, x: x.prod(dim=dim), [leaf([[2.0, 0.0, 3.0], [1.5, -1.0, 4.0]])],
                torch_fn=lambda L, x: _torch_prod(L, x, dim, False))


@pytest.mark.parametrize("fn", [
    lambda L, x: L.sum(x, 1), lambda L, x: L.mean(x, (0, 1), True), lambda L, x: L.prod(x, 0),
    lambda L, x: L.var(x, 0), lambda L, x: L.std(x), lambda L, x: L.max(x, 1)[0],
    lambda L, x: L.min(x),
], ids=["L.sum", "L.mean", "L.prod", "L.var", "L.std", "L.max(x, 1)", "L.min"])
def test_function_spellings(fn):
    check_grads(fn, ["3x4:distinct"])


def test_mean_of_squares_chain():
    """A reduction feeding another: normalisation as in a layer norm."""
    def fn(L, x):
        mu = x.mean(-1, keepdim=True)
        sd = ((x - mu) ** 2).mean(-1, keepdim=True).sqrt()
        return (x - mu) / (sd + 1e-5)
    check_grads(fn, ["3x5"])
    check_grads(lambda L, x: (x - x.mean(0)) / x.std(0, keepdim=True), ["4x3.T"])
