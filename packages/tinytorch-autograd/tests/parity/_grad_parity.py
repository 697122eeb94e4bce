"""Helpers for autograd's parity tests: the same leaves in tinyTorch and PyTorch,
the same expression on both, the same upstream gradient, and one comparison.

Inputs are written as short specs so that each test case is one readable row:

    "3x4"         a 3x4 leaf that requires grad, standard normal values
    "()"          a 0-d leaf                "5"  a 1-D leaf of 5
    "4x3.T"       a 4x3 leaf whose data is a transposed (non-contiguous) view
    "3x4:pos"     values from a domain (see ``DOMAINS``): pos, unit, away, distinct
    const("3x4")  the same values without a gradient: a plain tinyTorch Tensor,
                  a PyTorch tensor with requires_grad=False
    leaf([[1., 0.], [2., 2.]])   a leaf with exactly these values

The values come from a PyTorch generator seeded from the spec, its position
and the test's seed; they reach tinyTorch through ``tolist()``.

An expression is written once as ``fn(L, *inputs)`` where ``L`` is the
library module (``tinytorch.core`` or ``torch``), so ``lambda L, x, y:
L.where(x > 0, x, y)`` serves both sides.
"""

import zlib
from typing import NamedTuple

import torch

import tinytorch.core as tt
from tinytorch.autograd import Variable
from tinytorch.autograd import grad as tt_grad

RTOL = 1e-9
ATOL = 1e-12


class Pair(NamedTuple):
    ours: object
    theirs: object


class const(str):  # noqa: N801  (reads as a marker in the tables)
    """A spec for an input that does not require grad."""


class leaf:  # noqa: N801
    """A leaf with exactly the given values (for ties, zeros, values on a bound)."""

    def __init__(self, data, requires_grad=True):
        self.data = data
        self.requires_grad = requires_grad

    def __repr__(self):
        return f"leaf({self.data!r})"


def _distinct(shape, gen):
    """Distinct values, well apart (so max/min have one winner), in a random order."""
    n = 1
    for s in shape:
        n *= s
    perm = torch.randperm(n, generator=gen).to(torch.float64)
    return ((perm - n / 2) * 0.37 + 0.05).reshape(shape)


DOMAINS = {
    "normal": lambda shape, gen: torch.randn(shape, generator=gen, dtype=torch.float64),
    # strictly positive, away from 0: log, sqrt, divisors, pow bases
    "pos": lambda shape, gen: torch.rand(shape, generator=gen, dtype=torch.float64) * 2.4 + 0.3,
    "unit": lambda shape, gen: torch.rand(shape, generator=gen, dtype=torch.float64) * 1.8 - 0.9,
    # |x| in [0.2, 2]: away from the kinks of abs, relu, sign
    "away": lambda shape, gen: (torch.rand(shape, generator=gen, dtype=torch.float64) * 1.8 + 0.2)
    * (torch.randint(0, 2, shape, generator=gen) * 2 - 1),
    "distinct": _distinct,
}


def parse_spec(spec):
    """'4x3.T:pos' -> ((4, 3), 'T', 'pos'); '()' -> ((), '', 'normal')."""
    spec, _, domain = spec.partition(":")
    shape_part, _, layout = spec.partition(".")
    shape = () if shape_part in ("()", "") else tuple(int(n) for n in shape_part.split("x"))
    return shape, layout, domain or "normal"


def _generator(*parts):
    return torch.Generator().manual_seed(zlib.crc32("|".join(map(str, parts)).encode()))


def to_tt(t):
    """A PyTorch tensor as a contiguous tinyTorch float64 tensor, through tolist()."""
    ours = tt.tensor(t.tolist(), dtype=tt.float64)
    return ours.reshape(tuple(t.shape)) if tuple(ours.shape) != tuple(t.shape) else ours


def make_input(spec, position=0, seed=0):
    """The same input (a Variable / a PyTorch tensor) on both sides."""
    if isinstance(spec, leaf):
        theirs = torch.tensor(spec.data, dtype=torch.float64)
        ours = Variable(to_tt(theirs), requires_grad=spec.requires_grad)
        return Pair(ours, theirs.requires_grad_(spec.requires_grad))
    shape, layout, domain = parse_spec(spec)
    if layout not in ("", "T"):
        raise ValueError(f"unknown layout {layout!r} in {spec!r}")
    base_shape = (*shape[:-2], shape[-1], shape[-2]) if layout == "T" else shape
    base = DOMAINS[domain](base_shape, _generator(spec, position, seed))
    ours = to_tt(base)
    if layout == "T":
        ours, base = ours.transpose(-1, -2), base.transpose(-1, -2)
        assert not ours.is_contiguous() and not base.is_contiguous()
    theirs = base.detach()
    if isinstance(spec, const):
        return Pair(ours, theirs)
    return Pair(Variable(ours, requires_grad=True), theirs.requires_grad_(True))


def make_inputs(specs, seed=0):
    return [make_input(s, i, seed) for i, s in enumerate(specs)]


def random_like(theirs, *tags):
    """A seeded random tensor of ``theirs``' shape, on both sides (an upstream gradient)."""
    g = torch.randn(tuple(theirs.shape), generator=_generator("upstream", tuple(theirs.shape), *tags),
                    dtype=torch.float64)
    return Pair(Variable(to_tt(g)), g)


def _as_tensor(x):
    return x.data if isinstance(x, Variable) else x


def assert_matches(ours, theirs, what="result", rtol=RTOL, atol=ATOL):
    """``ours`` (a Variable, a Tensor or None) equals PyTorch's ``theirs``:
    both None, or the same shape and the same float64 values (to ``rtol``;
    NaN equal to NaN, infinities exactly)."""
    if theirs is None or ours is None:
        assert ours is None and theirs is None, (
            f"{what}: ours is {ours!r}, torch's is {None if theirs is None else theirs.tolist()}"
        )
        return
    data = _as_tensor(ours)
    assert isinstance(data, tt.Tensor), f"{what}: expected a Variable or Tensor, got {type(ours).__name__}"
    assert tuple(data.shape) == tuple(theirs.shape), (
        f"{what}: shape {tuple(data.shape)} != torch's {tuple(theirs.shape)}\n"
        f"  ours:  {data.tolist()}\n  torch: {theirs.tolist()}"
    )
    assert data.dtype is tt.float64, f"{what}: dtype {data.dtype!r}, expected float64"
    got = torch.tensor(data.tolist(), dtype=torch.float64).reshape(tuple(theirs.shape))
    expected = theirs.detach()
    try:
        torch.testing.assert_close(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    except AssertionError as exc:
        raise AssertionError(
            f"{what}: values differ\n  ours:  {got.tolist()}\n  torch: {expected.tolist()}\n{exc}"
        ) from None


def check_grads(fn, specs, torch_fn=None, seed=0, rtol=RTOL, atol=ATOL):
    """Run ``fn(L, *inputs)`` on both sides, backward the same random upstream
    gradient, and compare the output and the ``.grad`` of every input.

    Returns the pairs of inputs (for tests that check more afterwards).
    """
    pairs = make_inputs(specs, seed)
    ours_out = fn(tt, *[p.ours for p in pairs])
    theirs_out = (torch_fn or fn)(torch, *[p.theirs for p in pairs])
    assert_matches(ours_out, theirs_out, "forward")
    assert isinstance(ours_out, Variable) and ours_out.requires_grad, (
        f"the output should be a Variable that requires grad, got {ours_out!r}"
    )
    g = random_like(theirs_out, seed)
    ours_out.backward(g.ours)
    theirs_out.backward(g.theirs)
    for i, (spec, p) in enumerate(zip(specs, pairs)):
        if isinstance(p.theirs, torch.Tensor) and p.theirs.requires_grad:
            assert_matches(p.ours.grad, p.theirs.grad, f"grad of input {i} ({spec})", rtol, atol)
    return pairs


def check_higher_order(fn, specs, order=2, seed=0, rtol=RTOL, atol=ATOL):
    """Differentiate ``fn(L, *inputs)`` ``order`` times with ``grad(...,
    create_graph=True)``, each time against a fresh random upstream gradient,
    and compare every intermediate gradient with PyTorch's."""
    pairs = make_inputs(specs, seed)
    ours_in = [p.ours for p in pairs if isinstance(p.ours, Variable) and p.ours.requires_grad]
    theirs_in = [p.theirs for p in pairs if isinstance(p.theirs, torch.Tensor) and p.theirs.requires_grad]
    ours_out = [fn(tt, *[p.ours for p in pairs])]
    theirs_out = [fn(torch, *[p.theirs for p in pairs])]
    assert_matches(ours_out[0], theirs_out[0], "forward")
    for k in range(1, order + 1):
        # outputs that no longer depend on the inputs (None from allow_unused) drop out
        live = [i for i, t in enumerate(theirs_out) if t is not None and t.requires_grad]
        assert live, f"order {k}: nothing left to differentiate (bad test row)"
        gs = [random_like(theirs_out[i], seed, k, i) for i in live]
        theirs_out = list(torch.autograd.grad(
            [theirs_out[i] for i in live], theirs_in, [g.theirs for g in gs],
            create_graph=True, allow_unused=True,
        ))
        ours_out = list(tt_grad(
            [ours_out[i] for i in live], ours_in, [g.ours for g in gs],
            create_graph=True, allow_unused=True,
        ))
        for i, (o, t) in enumerate(zip(ours_out, theirs_out)):
            assert_matches(o, t, f"order-{k} gradient of input {i}", rtol, atol)
