"""Parity with PyTorch (float64) on shapes drawn by Hypothesis: any two
broadcastable shapes (with dims of size 0 and 1, 0-d, transposed and
step-sliced views) give the same result for every binary op."""


import pytest

torch = pytest.importorskip("torch")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import strategies as st  # noqa: E402

from _parity import BINARY, check, make  # noqa: E402

# a sample of the binary ops (the table is shared with test_parity_elementwise)
OPS = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "lt", "ge"]


@st.composite
def _broadcast_specs(draw):
    """Two broadcastable shapes (dims of 0, 1 or more), each maybe a view."""
    ndim = draw(st.integers(0, 3))
    out = draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim))
    specs = []
    for _ in range(2):
        k = draw(st.integers(0, ndim))
        shape = [draw(st.sampled_from([n, 1])) for n in out[ndim - k:]]
        spec = "x".join(map(str, shape)) or "()"
        layouts = [""] + (["s"] if shape else []) + (["T"] if len(shape) >= 2 else [])
        layout = draw(st.sampled_from(layouts))
        specs.append(spec + ("." + layout if layout else ""))
    return specs


@hypothesis.settings(max_examples=60, deadline=None, derandomize=True)
@hypothesis.given(specs=_broadcast_specs(), op=st.sampled_from(OPS),
                  seed=st.integers(0, 2**16))
def test_binary_random_broadcast(specs, op, seed):
    expr, dom_a, dom_b = BINARY[op]
    check(lambda L, a, b: expr(a, b), make(specs[0], "float64", dom_a, seed),
          make(specs[1], "float64", dom_b, seed + 1))
