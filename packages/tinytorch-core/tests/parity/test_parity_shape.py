"""Parity with PyTorch (float64): matmul (1-D, 2-D, batched with broadcast
batch dims) and the shape ops (reshape, view, squeeze, unsqueeze, flatten,
transpose, t, T, permute, expand, expand_as), including negative dims, 0-d,
empty and non-contiguous inputs. For the view ops the strides, the storage
offset and whether the result shares its input's storage match too.
"""

import pytest

torch = pytest.importorskip("torch")

import tinytorch.core as tt  # noqa: E402

from _parity import assert_same_layout, check, make  # noqa: E402

# --------------------------------------------------------------------------- matmul

MATMUL = [
    ("1-D @ 1-D", "3", "3"),
    ("1-D @ 2-D", "3", "3x4"),
    ("2-D @ 1-D", "4x3", "3"),
    ("2-D @ 2-D", "2x3", "3x4"),
    ("1x1 @ 1x1", "1x1", "1x1"),
    ("column @ row", "4x1", "1x5"),
    ("batched @ 2-D", "2x2x3", "3x4"),
    ("2-D @ batched", "2x3", "5x3x4"),
    ("batched @ batched", "5x2x3", "5x3x4"),
    ("broadcast batch dims", "2x1x3x4", "5x4x2"),
    ("broadcast batch of 1", "1x2x3", "4x3x2"),
    ("1-D @ batched", "3", "2x3x4"),
    ("batched @ 1-D", "2x3x4", "4"),
    ("empty rows", "0x3", "3x4"),
    ("empty inner dim gives zeros", "2x0", "0x3"),
    ("empty 1-D dot is 0", "0", "0"),
    ("transposed @ transposed", "4x3.T", "3x5.T"),
    ("step-sliced @ transposed", "2x3.s", "3x4.T"),
    ("expanded batch", "3x2x3.x", "3x4"),
    ("transposed batched", "2x3x4.T", "2x4x3.T"),
    ("step-sliced 1-D @ 2-D", "4.s", "4x2.s"),
]


@pytest.mark.parametrize(("case", "a", "b"), MATMUL, ids=[c[0] for c in MATMUL])
def test_matmul(case, a, b):
    check(lambda L, x, y: x @ y, make(a, seed=1), make(b, seed=2))


@pytest.mark.parametrize(
    ("case", "fn"),
    [
        ("x.matmul(y)", lambda L, x, y: x.matmul(y)),
        ("tt.matmul(x, y)", lambda L, x, y: L.matmul(x, y)),
    ],
)
def test_matmul_forms(case, fn):
    check(fn, make("2x3", seed=1), make("3x4", seed=2))


@pytest.mark.parametrize(("a", "b"), [("3x4", "3x4")])
def test_matmul_int64(a, b):
    check(lambda L, x, y: x @ y.T, make(a, "int64", seed=1), make(b, "int64", seed=2))
    check(lambda L, x, y: x[0] @ y[1], make(a, "int64", seed=1), make(b, "int64", seed=2))


MATMUL_BAD = [
    ("2x3 @ 4x5", "2x3", "4x5"),
    ("3 @ 4", "3", "4"),
    ("0-d @ 2-D", "()", "2x2"),
    ("batch dims 2 vs 3", "2x2x3", "3x3x4"),
    ("1-D @ wrong 2-D", "3", "4x3"),
]


@pytest.mark.parametrize(("case", "a", "b"), MATMUL_BAD, ids=[c[0] for c in MATMUL_BAD])
def test_matmul_bad_shapes_raise(case, a, b):
    check(lambda L, x, y: x @ y, make(a), make(b))


def test_matmul_error_message_names_op_and_shapes():
    import tinytorch.core as tt

    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        tt.zeros(2, 3) @ tt.zeros(4, 5)


# --------------------------------------------------------------------------- shape ops

# (id, input spec, op); view ops are checked for layout too.
SHAPE_OPS = [
    ("reshape(6, 4)", "2x3x4", lambda L, x: x.reshape(6, 4)),
    ("reshape((6, 4))", "2x3x4", lambda L, x: x.reshape((6, 4))),
    ("reshape([4, 6])", "2x3x4", lambda L, x: x.reshape([4, 6])),
    ("reshape(-1)", "2x3x4", lambda L, x: x.reshape(-1)),
    ("reshape(4, -1, 2)", "2x3x4", lambda L, x: x.reshape(4, -1, 2)),
    ("reshape(1, 24, 1)", "2x3x4", lambda L, x: x.reshape(1, 24, 1)),
    ("reshape of transposed copies", "4x3.T", lambda L, x: x.reshape(12)),
    ("reshape of transposed, same shape", "4x3.T", lambda L, x: x.reshape(4, 3)),
    ("reshape of transposed splitting a dim", "4x3.T", lambda L, x: x.reshape(2, 2, 3)),
    ("reshape of step-sliced splitting a dim", "3x4.s", lambda L, x: x.reshape(3, 2, 2)),
    ("reshape of step-sliced merging", "3x4.s", lambda L, x: x.reshape(12)),
    ("reshape of expanded", "2x3x4.x", lambda L, x: x.reshape(6, 4)),
    ("reshape 0-d to (1,)", "()", lambda L, x: x.reshape(1)),
    ("reshape 0-d to (1, 1)", "()", lambda L, x: x.reshape(1, 1)),
    ("reshape (1,) to 0-d", "1", lambda L, x: x.reshape(())),
    ("reshape empty", "0x3", lambda L, x: x.reshape(3, 0)),
    ("reshape empty with -1", "0x3", lambda L, x: x.reshape(-1, 3)),
    ("reshape wrong size raises", "2x3", lambda L, x: x.reshape(4, 2)),
    ("reshape two -1 raises", "2x3", lambda L, x: x.reshape(-1, -1)),
    ("view(3, 8)", "2x3x4", lambda L, x: x.view(3, 8)),
    ("view((-1,))", "2x3x4", lambda L, x: x.view((-1,))),
    ("view(-1, 2)", "2x3x4", lambda L, x: x.view(-1, 2)),
    ("view of 0-d", "()", lambda L, x: x.view(1)),
    ("view of transposed raises", "4x3.T", lambda L, x: x.view(12)),
    ("squeeze()", "1x3x1x4", lambda L, x: x.squeeze()),
    ("squeeze(0)", "1x3x1x4", lambda L, x: x.squeeze(0)),
    ("squeeze(2)", "1x3x1x4", lambda L, x: x.squeeze(2)),
    ("squeeze(-2)", "1x3x1x4", lambda L, x: x.squeeze(-2)),
    ("squeeze non-1 dim is a no-op", "1x3x1x4", lambda L, x: x.squeeze(1)),
    ("squeeze((0, 2))", "1x3x1x4", lambda L, x: x.squeeze((0, 2))),
    ("squeeze((0, -1))", "1x3x1x4", lambda L, x: x.squeeze((0, -1))),
    ("squeeze(dim=0)", "1x3x1x4", lambda L, x: x.squeeze(dim=0)),
    ("squeeze 0-d", "()", lambda L, x: x.squeeze()),
    ("squeeze(0) 0-d", "()", lambda L, x: x.squeeze(0)),
    ("squeeze empty", "1x0x1", lambda L, x: x.squeeze()),
    ("squeeze bad dim raises", "1x3", lambda L, x: x.squeeze(2)),
    ("unsqueeze(0)", "3x4", lambda L, x: x.unsqueeze(0)),
    ("unsqueeze(1)", "3x4", lambda L, x: x.unsqueeze(1)),
    ("unsqueeze(2)", "3x4", lambda L, x: x.unsqueeze(2)),
    ("unsqueeze(-1)", "3x4", lambda L, x: x.unsqueeze(-1)),
    ("unsqueeze(-3)", "3x4", lambda L, x: x.unsqueeze(-3)),
    ("unsqueeze of transposed", "4x3.T", lambda L, x: x.unsqueeze(1)),
    ("unsqueeze 0-d", "()", lambda L, x: x.unsqueeze(0)),
    ("unsqueeze(-1) 0-d", "()", lambda L, x: x.unsqueeze(-1)),
    ("unsqueeze bad dim raises", "3x4", lambda L, x: x.unsqueeze(3)),
    ("flatten()", "2x3x4", lambda L, x: x.flatten()),
    ("flatten(1)", "2x3x4", lambda L, x: x.flatten(1)),
    ("flatten(0, 1)", "2x3x4", lambda L, x: x.flatten(0, 1)),
    ("flatten(-2, -1)", "2x3x4", lambda L, x: x.flatten(-2, -1)),
    ("flatten(start_dim=1, end_dim=1)", "2x3x4", lambda L, x: x.flatten(start_dim=1, end_dim=1)),
    ("flatten of transposed", "4x3.T", lambda L, x: x.flatten()),
    ("flatten 0-d", "()", lambda L, x: x.flatten()),
    ("flatten 1-D", "5", lambda L, x: x.flatten()),
    ("flatten empty", "2x0x3", lambda L, x: x.flatten(1)),
    ("transpose(0, 1)", "3x4", lambda L, x: x.transpose(0, 1)),
    ("transpose(1, 0)", "3x4", lambda L, x: x.transpose(1, 0)),
    ("transpose(-1, -2)", "2x3x4", lambda L, x: x.transpose(-1, -2)),
    ("transpose(0, 2)", "2x3x4", lambda L, x: x.transpose(0, 2)),
    ("transpose(1, 1)", "2x3x4", lambda L, x: x.transpose(1, 1)),
    ("transpose of step-sliced", "3x4.s", lambda L, x: x.transpose(0, 1)),
    ("transpose 0-d", "()", lambda L, x: x.transpose(0, -1)),
    ("transpose empty", "0x3", lambda L, x: x.transpose(0, 1)),
    ("t()", "3x4", lambda L, x: x.t()),
    ("t() of 1-D", "4", lambda L, x: x.t()),
    ("T 2-D", "3x4", lambda L, x: x.T),
    ("T 3-D reverses all dims", "2x3x4", lambda L, x: x.T),
    ("T 1-D", "4", lambda L, x: x.T),
    ("T 0-d", "()", lambda L, x: x.T),
    ("T.T", "3x4", lambda L, x: x.T.T),
    ("permute(2, 0, 1)", "2x3x4", lambda L, x: x.permute(2, 0, 1)),
    ("permute((2, 0, 1))", "2x3x4", lambda L, x: x.permute((2, 0, 1))),
    ("permute(-1, 0, 1)", "2x3x4", lambda L, x: x.permute(-1, 0, 1)),
    ("permute identity", "2x3x4", lambda L, x: x.permute(0, 1, 2)),
    ("permute of transposed", "4x3.T", lambda L, x: x.permute(1, 0)),
    ("permute of expanded", "2x3x4.x", lambda L, x: x.permute(1, 2, 0)),
    ("permute repeated dim raises", "2x3x4", lambda L, x: x.permute(0, 0, 1)),
    ("permute wrong length raises", "2x3x4", lambda L, x: x.permute(0, 1)),
    ("expand(3, 4)", "3x1", lambda L, x: x.expand(3, 4)),
    ("expand((3, 4))", "3x1", lambda L, x: x.expand((3, 4))),
    ("expand(2, 3, 4) adds dims", "3x1", lambda L, x: x.expand(2, 3, 4)),
    ("expand(-1, 4)", "3x1", lambda L, x: x.expand(-1, 4)),
    ("expand same shape", "3x4", lambda L, x: x.expand(3, 4)),
    ("expand 0-d", "()", lambda L, x: x.expand(2, 3)),
    ("expand 1-D", "4", lambda L, x: x.expand(3, 4)),
    ("expand to empty", "1x3", lambda L, x: x.expand(0, 3)),
    ("expand of transposed", "3x1.T", lambda L, x: x.expand(3, 5)),
    ("expand non-1 dim raises", "3x2", lambda L, x: x.expand(3, 4)),
    ("expand_as", "3x1", lambda L, x: x.expand_as(x.expand(2, 3, 5).contiguous())),
    ("contiguous of transposed", "4x3.T", lambda L, x: x.contiguous()),
    ("contiguous of contiguous", "3x4", lambda L, x: x.contiguous()),
    ("clone of step-sliced", "3x4.s", lambda L, x: x.clone()),
]


@pytest.mark.parametrize(("case", "spec", "fn"), SHAPE_OPS, ids=[c[0] for c in SHAPE_OPS])
def test_shape_op(case, spec, fn):
    ours, _ = check(fn, make(spec))
    if ours is not None:
        x = make(spec)  # fresh, to compare the layout of the result with its input's
        assert_same_layout(fn(tt, x.ours), fn(torch, x.theirs), x.ours, x.theirs)


@pytest.mark.parametrize("spec", ["4x3.T", "3x4.s", "2x3x4.x"])
def test_view_of_a_non_contiguous_tensor_is_a_view_exactly_when_pytorch_allows_it(spec):
    """view() of a strided tensor works when its dims can be regrouped without a
    copy (a step-sliced row merges), and otherwise raises RuntimeError pointing to
    reshape, as PyTorch does (PyTorch's error message differs)."""
    x = make(spec)
    try:
        theirs = x.theirs.view(-1)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="reshape"):
            x.ours.view(-1)
        return
    ours = x.ours.view(-1)
    assert ours.storage is x.ours.storage
    assert ours.strides == tuple(theirs.stride())
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize(
    ("case", "fn"),
    [
        ("view", lambda L, x: x.view(4, 3)),
        ("reshape", lambda L, x: x.reshape(2, 6)),
        ("transpose", lambda L, x: x.transpose(0, 1)),
        ("T", lambda L, x: x.T),
        ("permute", lambda L, x: x.permute(1, 0)),
        ("unsqueeze", lambda L, x: x.unsqueeze(0)),
        ("squeeze", lambda L, x: x.unsqueeze(1).squeeze(1)),
        ("flatten", lambda L, x: x.flatten()),
        ("slice", lambda L, x: x[1:, ::2]),
    ],
)
def test_write_through_a_view_reaches_the_base(case, fn):
    def run(L, base):
        view = fn(L, base)
        # each element of the view times its row-major position in the view
        view.mul_(L.arange(1, view.numel() + 1).reshape(view.shape))
        return base

    check(run, make("3x4"))
