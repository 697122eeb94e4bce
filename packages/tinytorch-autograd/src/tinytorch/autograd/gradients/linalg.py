"""Gradient rules of matmul (see ``tinytorch/core/ops/linalg.py``).

For matrices, out = a @ b gives d(out)/da = grad @ b.T and d(out)/db = a.T @ grad.
1-D operands are treated as a row (a) or a column (b), as the forward does;
broadcast batch dims are summed back by the engine.
"""


def _grad_a(grad, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return grad * b
    g = grad.unsqueeze(-1) if b.ndim == 1 else grad
    if a.ndim == 1:
        g = g.unsqueeze(-2)
    b2 = b.unsqueeze(-1) if b.ndim == 1 else b
    ga = g @ b2.transpose(-1, -2)
    return ga.squeeze(-2) if a.ndim == 1 else ga


def _grad_b(grad, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return grad * a
    g = grad.unsqueeze(-2) if a.ndim == 1 else grad
    if b.ndim == 1:
        g = g.unsqueeze(-1)
    a2 = a.unsqueeze(0) if a.ndim == 1 else a
    gb = a2.transpose(-1, -2) @ g
    return gb.squeeze(-1) if b.ndim == 1 else gb


RULES = {"matmul": {"a": _grad_a, "b": _grad_b}}
