"""Core kernels against the best plain Python on flat lists (issue 2, section 6).

Each reference below is the fastest plain-Python code we found for the same
job on flat row-major lists, and it does the whole job: the matmul reference
slices its rows and transposes its columns inside the timed code, because
tinyTorch's kernel has to do the same. Inputs are built once per case from a
seeded ``random.Random``; each case checks once, untimed, that both sides give
the same numbers.

Run: ``python benchmarks/run.py core``.
"""

import random
from math import exp
from operator import mul

import tinytorch.core as tt

from benchlib import Case, assert_close

try:  # Python 3.12+: a dot product in C, about 3x faster than sum(map(mul, ...))
    from math import sumprod
except ImportError:
    sumprod = None


def _floats(n, seed, lo=-1.0, hi=1.0):
    rnd = random.Random(seed)
    return [rnd.uniform(lo, hi) for _ in range(n)]


def _tensor(flat, shape):
    # The low-level constructor takes the list; give it its own copy so the
    # reference's lists stay untouched whatever a kernel does.
    return tt.Tensor(list(flat), tuple(shape))


# ------------------------------------------------------------------- matmul


def _matmul_setup(n):
    def setup():
        a, b = _floats(n * n, 1), _floats(n * n, 2)
        return {"n": n, "a": a, "b": b, "ta": _tensor(a, (n, n)), "tb": _tensor(b, (n, n))}

    return setup


def _matmul_tt(c):
    return c["ta"] @ c["tb"]


def _matmul_map(c):
    """Rows against pre-transposed columns, one C-level dot product per cell."""
    a, b, n = c["a"], c["b"], c["n"]
    rows = [a[i * n : (i + 1) * n] for i in range(n)]
    cols = [b[j::n] for j in range(n)]
    return [sum(map(mul, r, col)) for r in rows for col in cols]


def _matmul_sumprod(c):
    a, b, n = c["a"], c["b"], c["n"]
    rows = [a[i * n : (i + 1) * n] for i in range(n)]
    cols = [b[j::n] for j in range(n)]
    return [sumprod(r, col) for r in rows for col in cols]


_matmul_ref = _matmul_sumprod if sumprod is not None else _matmul_map
_matmul_code = (
    "[sumprod(r, c) for r in rows for c in cols]"
    if sumprod is not None
    else "[sum(map(mul, r, c)) for r in rows for c in cols]"
)


def _check_matmul(out, ref, c):
    assert out.shape == (c["n"], c["n"]), out.shape
    # sumprod rounds once per dot product, sum(map(mul)) once per term
    assert_close(out, ref, rel_tol=1e-9, abs_tol=1e-12)


# -------------------------------------------------------------- elementwise

R, C = 400, 250  # 100,000 elements; the transposed cases use the (250, 400) view


def _elementwise_setup():
    a, b = _floats(R * C, 3, -5.0, 5.0), _floats(R * C, 4, -5.0, 5.0)
    ta, tb = _tensor(a, (R, C)), _tensor(b, (R, C))
    return {"a": a, "b": b, "ta": ta, "tb": tb, "taT": ta.T, "tbT": tb.T}


def _add_ref(c):
    return [x + y for x, y in zip(c["a"], c["b"])]


def _exp_ref(c):
    return [exp(x) for x in c["a"]]


def _transposed(flat, rows, cols):
    """A row-major (rows, cols) flat list -> the row-major list of its transpose."""
    return [v for j in range(cols) for v in flat[j::cols]]


def _check_contiguous(out, ref, c):
    assert out.shape == (R, C), out.shape
    assert_close(out, ref, rel_tol=0.0, abs_tol=0.0)


def _check_transposed(out, ref, c):
    assert out.shape == (C, R), out.shape
    assert_close(out, _transposed(ref, R, C), rel_tol=0.0, abs_tol=0.0)


# --------------------------------------------------------------- reductions

N = 300


def _sum_setup():
    flat = _floats(N * N, 5)
    return {"flat": flat, "t": _tensor(flat, (N, N))}


def _sum0_ref(c):
    """Column sums: one strided slice per column, summed in C."""
    flat = c["flat"]
    return [sum(flat[j::N]) for j in range(N)]


def _sum1_ref(c):
    """Row sums: one contiguous slice per row."""
    flat = c["flat"]
    return [sum(flat[i : i + N]) for i in range(0, N * N, N)]


def _check_sum(out, ref, c):
    assert out.shape == (N,), out.shape
    assert_close(out, ref, rel_tol=1e-12, abs_tol=1e-12)


# ----------------------------------------------------------------- dispatch


def _add_kernel():
    """The kernel ``a + b`` ends up calling: the one the resolved table holds."""
    try:
        from tinytorch.core.dispatch import kernels

        return kernels["add"]
    except (ImportError, LookupError):
        from tinytorch.core.ops.elementwise import add

        return add


def _dispatch_setup():
    a = tt.tensor([1.0, 2.0, 3.0, 4.0])
    b = tt.tensor([0.5, 0.25, 0.125, 0.0625])
    return (a, b, _add_kernel())


def _dispatch_tt(c):
    a, b, _kernel = c  # unpacked like the reference, so the call costs match
    return a + b


def _dispatch_ref(c):
    a, b, kernel = c
    return kernel(a, b)


# -------------------------------------------------------------------- cases

CASES = [
    Case(
        "matmul 64x64",
        _matmul_setup(64),
        _matmul_tt,
        _matmul_ref,
        "ratio>=",
        0.8,
        check=_check_matmul,
        reference_code=_matmul_code,
    ),
    Case(
        "matmul 128x128",
        _matmul_setup(128),
        _matmul_tt,
        _matmul_ref,
        "ratio>=",
        0.8,
        check=_check_matmul,
        reference_code=_matmul_code,
    ),
    Case(
        "add 100k contiguous",
        _elementwise_setup,
        lambda c: c["ta"] + c["tb"],
        _add_ref,
        "ratio>=",
        0.7,
        check=_check_contiguous,
        reference_code="[x + y for x, y in zip(a, b)]",
    ),
    Case(
        "exp 100k contiguous",
        _elementwise_setup,
        lambda c: c["ta"].exp(),
        _exp_ref,
        "ratio>=",
        0.7,
        check=_check_contiguous,
        reference_code="[exp(x) for x in a]",
    ),
    Case(
        "add 100k transposed",
        _elementwise_setup,
        lambda c: c["taT"] + c["tbT"],
        _add_ref,
        "ratio>=",
        0.3,
        check=_check_transposed,
        reference_code="[x + y for x, y in zip(a, b)] (contiguous lists)",
    ),
    Case(
        "exp 100k transposed",
        _elementwise_setup,
        lambda c: c["taT"].exp(),
        _exp_ref,
        "ratio>=",
        0.3,
        check=_check_transposed,
        reference_code="[exp(x) for x in a] (contiguous list)",
    ),
    Case(
        "sum(dim=0) 300x300",
        _sum_setup,
        lambda c: c["t"].sum(dim=0),
        _sum0_ref,
        "ratio>=",
        0.5,
        check=_check_sum,
        reference_code="[sum(flat[j::n]) for j in range(n)]",
    ),
    Case(
        "sum(dim=1) 300x300",
        _sum_setup,
        lambda c: c["t"].sum(dim=1),
        _sum1_ref,
        "ratio>=",
        0.5,
        check=_check_sum,
        reference_code="[sum(flat[i:i+n]) for i in range(0, n*n, n)]",
    ),
    Case(
        "dispatch a+b 4 elems",
        _dispatch_setup,
        _dispatch_tt,
        _dispatch_ref,
        "diff_us<=",
        0.3,
        reference_code="kernels['add'](a, b), the kernel called directly",
    ),
]
