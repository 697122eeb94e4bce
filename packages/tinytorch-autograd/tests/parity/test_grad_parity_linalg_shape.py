"""Gradient parity with PyTorch (float64): matmul (1-D, 2-D, batched with
broadcast batch dims, transposed leaves) and the shape ops (reshape, view,
permute, transpose, t, T, expand, expand_as, squeeze, unsqueeze, flatten,
contiguous, clone), alone and chained.
"""

import pytest

torch = pytest.importorskip("torch")

from _grad_parity import check_grads, const  # noqa: E402

MATMUL = [
    ("4", "4"),
    ("4", "4x3"),
    ("3x4", "4"),
    ("3x4", "4x5"),
    ("1x4", "4x1"),
    ("2x3x4", "4x5"),
    ("3x4", "2x4x5"),
    ("4", "2x4x5"),
    ("2x3x4", "4"),
    ("2x3x4", "2x4x5"),
    ("2x1x3x4", "5x4x2"),
    ("1x3x4", "2x4x5"),
    ("3x4.T", "4x5"),
    ("3x4", "4x5.T"),
    ("3x4.T", "4x5.T"),
    ("2x3x4.T", "2x4x5.T"),
    ("4", "4x5.T"),
]


@pytest.mark.parametrize("shapes", MATMUL, ids=lambda s: f"{s[0]}@{s[1]}")
def test_matmul(shapes):
    check_grads(lambda L, a, b: a @ b, list(shapes))


@pytest.mark.parametrize("shapes", [("3x4", "4x5"), ("2x3x4", "4"), ("4", "2x4x5")],
                         ids=lambda s: f"{s[0]}@{s[1]}")
def test_matmul_spellings_and_constants(shapes):
    a, b = shapes
    check_grads(lambda L, a, b: a.matmul(b), [a, b])
    check_grads(lambda L, a, b: L.matmul(a, b), [a, b], seed=1)
    check_grads(lambda L, a, b: a @ b, [a, const(b)], seed=2)
    check_grads(lambda L, a, b: a @ b, [const(a), b], seed=3)


def test_matmul_chain():
    check_grads(lambda L, a, b, c: (a @ b).tanh() @ c, ["3x4", "4x5", "5x2"])


# (id, expression, input spec)
SHAPE_OPS = [
    ("reshape", lambda L, x: x.reshape(4, 6), "2x3x4"),
    ("reshape tuple", lambda L, x: x.reshape((6, 4)), "2x3x4"),
    ("reshape -1", lambda L, x: x.reshape(-1, 2), "2x3x4"),
    ("reshape to 1-D", lambda L, x: x.reshape(-1), "2x3x4"),
    ("reshape 0-d to 1x1", lambda L, x: x.reshape(1, 1), "()"),
    ("reshape a transposed leaf (a copy)", lambda L, x: x.reshape(12), "3x4.T"),
    ("view", lambda L, x: x.view(3, 8), "2x3x4"),
    ("view -1", lambda L, x: x.view(2, -1), "2x3x4"),
    ("permute", lambda L, x: x.permute(2, 0, 1), "2x3x4"),
    ("permute tuple", lambda L, x: x.permute((1, 2, 0)), "2x3x4"),
    ("permute negative", lambda L, x: x.permute(-1, -3, -2), "2x3x4"),
    ("permute a transposed leaf", lambda L, x: x.permute(1, 0, 2), "2x3x4.T"),
    ("transpose", lambda L, x: x.transpose(0, 2), "2x3x4"),
    ("transpose negative", lambda L, x: x.transpose(-1, -2), "2x3x4"),
    ("transpose same dim", lambda L, x: x.transpose(1, 1), "2x3x4"),
    ("t", lambda L, x: x.t(), "3x4"),
    ("t of 1-D", lambda L, x: x.t(), "4"),
    ("T", lambda L, x: x.T, "3x4"),
    ("T of a transposed leaf", lambda L, x: x.T, "3x4.T"),
    ("expand", lambda L, x: x.expand(2, 3, 4), "3x1"),
    ("expand -1", lambda L, x: x.expand(5, -1), "1x4"),
    ("expand new dims", lambda L, x: x.expand(2, 3, 4), "4"),
    ("expand 0-d", lambda L, x: x.expand(3, 2), "()"),
    ("expand_as", lambda L, x: x.expand_as(torch.zeros(2, 3, 4) if L is torch else L.zeros(2, 3, 4)), "3x1"),
    ("squeeze all", lambda L, x: x.squeeze(), "1x3x1x4"),
    ("squeeze dim", lambda L, x: x.squeeze(2), "1x3x1x4"),
    ("squeeze negative dim", lambda L, x: x.squeeze(-4), "1x3x1x4"),
    ("squeeze tuple", lambda L, x: x.squeeze((0, 2)), "1x3x1x4"),
    ("squeeze a dim that is not 1", lambda L, x: x.squeeze(1), "1x3x1x4"),
    ("unsqueeze 0", lambda L, x: x.unsqueeze(0), "3x4"),
    ("unsqueeze last", lambda L, x: x.unsqueeze(-1), "3x4"),
    ("unsqueeze middle", lambda L, x: x.unsqueeze(1), "3x4"),
    ("unsqueeze 0-d", lambda L, x: x.unsqueeze(0), "()"),
    ("flatten", lambda L, x: x.flatten(), "2x3x4"),
    ("flatten start", lambda L, x: x.flatten(1), "2x3x4"),
    ("flatten start end", lambda L, x: x.flatten(0, 1), "2x3x4x2"),
    ("flatten negative", lambda L, x: x.flatten(-3, -2), "2x3x4x2"),
    ("flatten a transposed leaf", lambda L, x: x.flatten(), "3x4.T"),
    ("flatten 0-d", lambda L, x: x.flatten(), "()"),
    ("contiguous", lambda L, x: x.contiguous(), "3x4.T"),
    ("clone", lambda L, x: x.clone(), "3x4"),
    ("L.reshape", lambda L, x: L.reshape(x, (4, 3)), "3x4"),
    ("L.permute", lambda L, x: L.permute(x, (1, 0)), "3x4"),
    ("L.transpose", lambda L, x: L.transpose(x, 0, 1), "3x4"),
    ("L.squeeze", lambda L, x: L.squeeze(x, 0), "1x4"),
    ("L.unsqueeze", lambda L, x: L.unsqueeze(x, 1), "4"),
    ("L.flatten", lambda L, x: L.flatten(x, 1), "2x3x4"),
    ("L.clone", lambda L, x: L.clone(x), "3x4"),
    # chains: the gradient goes back through several views
    ("permute reshape", lambda L, x: x.permute(2, 0, 1).reshape(4, 6), "2x3x4"),
    ("transpose view-incompatible reshape", lambda L, x: x.transpose(0, 1).reshape(-1), "3x4"),
    ("expand then reduce", lambda L, x: x.expand(2, 3, 4).sum(0), "3x1"),
    ("unsqueeze expand mul", lambda L, x: x.unsqueeze(0).expand(4, 4) * x.unsqueeze(1), "4"),
    ("T matmul", lambda L, x: x.T @ x, "3x4"),
    ("flatten then softmax", lambda L, x: x.flatten(1).softmax(-1), "2x3x2"),
    ("squeeze unsqueeze transpose", lambda L, x: x.squeeze().unsqueeze(-1).transpose(0, 2), "3x1x4"),
]


@pytest.mark.parametrize("fn, spec", [r[1:] for r in SHAPE_OPS], ids=[r[0] for r in SHAPE_OPS])
def test_shape_ops(fn, spec):
    check_grads(fn, [spec])
    # the same op on a non-leaf (a view of an op's output)
    check_grads(lambda L, x: fn(L, x * 2.0 + 1.0), [spec], seed=1)
