"""Gradient parity with PyTorch (float64) beyond single ops: intermediate
results whose gradient rule reads the op's own output, graphs that reuse a
Variable, accumulation over two backward calls, higher-order gradients
(``grad(..., create_graph=True)`` two and three times) of the elementwise
ops, reductions and matmul, and a small MLP trained for a few steps.
"""

import pytest

torch = pytest.importorskip("torch")

from _grad_parity import (  # noqa: E402
    assert_matches,
    check_grads,
    check_higher_order,
    make_inputs,
    random_like,
)

import tinytorch.core as tt  # noqa: E402
from tinytorch.autograd import no_grad  # noqa: E402

# Ops whose gradient rule uses the op's output (exp, tanh, softmax...), with
# that output an intermediate result feeding two branches: backward must keep
# it available until the op's own node is reached.
INTERMEDIATE = [
    ("exp", lambda L, x: x.exp(), "3x4"),
    ("sqrt", lambda L, x: x.sqrt(), "3x4:pos"),
    ("tanh", lambda L, x: x.tanh(), "3x4"),
    ("sigmoid", lambda L, x: x.sigmoid(), "3x4"),
    ("softmax", lambda L, x: x.softmax(-1), "3x4"),
    ("log_softmax", lambda L, x: x.log_softmax(0), "3x4"),
    ("prod", lambda L, x: x.prod(1, keepdim=True), "3x4:away"),
    ("std", lambda L, x: x.std(0), "3x4"),
    ("max()", lambda L, x: x.max(), "3x4:distinct"),
    ("min()", lambda L, x: x.min(), "3x4:distinct"),
    ("2 ** x", lambda L, x: 2 ** x, "3x4"),
    ("x ** x", lambda L, x: x ** x, "3x4:pos"),
]


@pytest.mark.parametrize("f, spec", [r[1:] for r in INTERMEDIATE], ids=[r[0] for r in INTERMEDIATE])
@pytest.mark.parametrize("form", ["(x*2) * f(x)", "f(x) + sin(x)", "f(x) used twice"])
def test_intermediate_output_in_two_branches(form, f, spec):
    if form == "(x*2) * f(x)":
        check_grads(lambda L, x: (x * 2) * f(L, x), [spec])
    elif form == "f(x) + sin(x)":
        check_grads(lambda L, x: f(L, x) + x.sin(), [spec])
    else:
        def fn(L, x):
            y = f(L, x)
            return (y * 3).cos() + y.sin() * (x * 0.5)
        check_grads(fn, [spec])


GRAPHS = [
    ("x * x", lambda L, x: x * x, ["3x4"]),
    ("x used in three places", lambda L, x: x.exp() * x + x.sin() / (x * x + 1), ["3x4"]),
    ("a diamond", lambda L, x: (lambda a: (a * 2) * (a + 3))(x.sin()), ["3x4"]),
    ("a broadcast leaf reused", lambda L, x, b: (x + b) * b - b.exp(), ["3x4", "4"]),
    ("a chain of 60 ops", lambda L, x: _chain(x, 60), ["5"]),
    ("softplus", lambda L, x: (x.exp() + 1).log() * x, ["3x4"]),
    ("layer norm", lambda L, x, w, b: (x - x.mean(-1, keepdim=True))
     / (x.var(-1, correction=0, keepdim=True) + 1e-5).sqrt() * w + b, ["3x5", "5", "5"]),
    ("attention", lambda L, q, k, v: ((q @ k.transpose(-1, -2)) / 2).softmax(-1) @ v,
     ["2x3x4", "2x5x4", "2x5x4"]),
    ("a leaf and its transposed view", lambda L, x: x @ x.T + x.T.sum(0), ["3x3"]),
]


def _chain(x, n):
    for i in range(n):
        x = (x * 0.9 + 0.1).sin() if i % 2 else x.tanh() * 1.1
    return x


@pytest.mark.parametrize("fn, specs", [r[1:] for r in GRAPHS], ids=[r[0] for r in GRAPHS])
def test_graphs(fn, specs):
    check_grads(fn, specs)


def test_two_backward_calls_accumulate():
    """retain_graph=True, then a second backward: .grad holds the sum of both."""
    (x,) = make_inputs(["3x4"])
    outs = [(L_x.exp() * L_x.sin()).sum(1) for L_x in x]
    g1, g2 = random_like(outs[1], 1), random_like(outs[1], 2)
    outs[0].backward(g1.ours, retain_graph=True)
    outs[1].backward(g1.theirs, retain_graph=True)
    assert_matches(x.ours.grad, x.theirs.grad, "grad after the first backward")
    outs[0].backward(g2.ours)
    outs[1].backward(g2.theirs)
    assert_matches(x.ours.grad, x.theirs.grad, "grad after the second backward")


# (id, expression, inputs, order): grad(create_graph=True) ``order`` times
HIGHER = [
    ("mul", lambda L, a, b: a * b, ["3x4", "4"], 2),
    ("x * x * x", lambda L, x: x * x * x, ["3x4"], 3),
    ("div", lambda L, a, b: a / b, ["3x4", "3x4:away"], 2),
    ("number / x", lambda L, x: 2.0 / x, ["3x4:away"], 3),
    ("pow (both)", lambda L, a, b: a ** b, ["3x4:pos", "3x4"], 2),
    ("x ** 3", lambda L, x: x ** 3, ["3x4"], 3),
    ("x ** 2.5", lambda L, x: x ** 2.5, ["3x4:pos"], 2),
    ("2 ** x", lambda L, x: 2 ** x, ["3x4"], 2),
    ("exp", lambda L, x: x.exp(), ["3x4"], 3),
    ("log", lambda L, x: x.log(), ["3x4:pos"], 3),
    ("sqrt", lambda L, x: x.sqrt(), ["3x4:pos"], 2),
    ("sin", lambda L, x: x.sin(), ["3x4"], 3),
    ("cos", lambda L, x: x.cos(), ["3x4"], 2),
    ("tanh", lambda L, x: x.tanh(), ["3x4"], 3),
    ("sigmoid", lambda L, x: x.sigmoid(), ["3x4"], 2),
    ("exp * sin", lambda L, x: x.exp() * x.sin(), ["3x4"], 2),
    ("sub and neg", lambda L, a, b: -(a - b) * a, ["3x4", "3x4"], 2),
    ("softmax", lambda L, x: x.softmax(-1), ["3x4"], 2),
    ("log_softmax", lambda L, x: x.log_softmax(0), ["3x4"], 2),
    ("sum of cubes", lambda L, x: (x ** 3).sum(), ["3x4"], 2),
    ("mean over a dim", lambda L, x: (x * x).mean(0), ["3x4"], 2),
    ("var", lambda L, x: x.var(1), ["3x4"], 2),
    ("std", lambda L, x: x.std(), ["3x4"], 2),
    ("prod", lambda L, x: x.prod(1), ["3x4:away"], 2),
    ("broadcast mul", lambda L, a, b: (a * b).exp(), ["3x1", "1x4"], 2),
    ("transposed leaves", lambda L, a, b: a.sin() * b, ["3x4.T", "3x4.T"], 2),
    ("matmul 2-D", lambda L, a, b: a @ b, ["3x4", "4x5"], 2),
    ("matmul 1-D @ 2-D", lambda L, a, b: a @ b, ["4", "4x5"], 2),
    ("matmul 2-D @ 1-D", lambda L, a, b: a @ b, ["3x4", "4"], 2),
    ("matmul batched broadcast", lambda L, a, b: a @ b, ["2x1x3x4", "5x4x2"], 2),
    ("matmul of a tanh", lambda L, a, b: (a @ b).tanh(), ["3x4", "4x2"], 3),
    ("x @ x.T", lambda L, x: x @ x.T, ["3x4"], 2),
    ("getitem with repeats", lambda L, x: x[[0, 0, 2]] ** 2, ["3x4"], 2),
    ("cat and where", lambda L, a, b: L.where(a > 0, L.cat([a, b])[:3] ** 2, b * a), ["3x4", "3x4"], 2),
]


@pytest.mark.parametrize("fn, specs, order", [r[1:] for r in HIGHER], ids=[r[0] for r in HIGHER])
def test_higher_order(fn, specs, order):
    check_higher_order(fn, specs, order)


def test_backward_with_create_graph_then_backward_again():
    """backward(create_graph=True) leaves a differentiable .grad; a backward of
    it adds the Hessian-vector product into .grad, as in PyTorch."""
    (x,) = make_inputs(["3x4"])
    sides = [(x.ours, tt), (x.theirs, torch)]
    outs = [(v.sin() * v * v).sum() for v, _ in sides]
    outs[0].backward(create_graph=True)
    outs[1].backward(create_graph=True)
    assert_matches(x.ours.grad, x.theirs.grad, "first .grad")
    w = random_like(x.theirs, "hvp")
    (x.ours.grad * w.ours).sum().backward()
    (x.theirs.grad * w.theirs).sum().backward()
    assert_matches(x.ours.grad, x.theirs.grad, ".grad after the second backward")


# ----------------------------------------------------------------- an MLP
def _mlp_params(sizes):
    specs = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        specs += [f"{n_out}x{n_in}", f"{n_out}"]
    return make_inputs(specs, seed="mlp")


ACTIVATIONS = {
    "relu": lambda h: h.relu(),
    "tanh": lambda h: h.tanh(),
    "sigmoid": lambda h: h.sigmoid(),
}


def _loss(L, x, targets, params, activation, weight_decay):
    """Linear layers written out (x @ W.T + b), log_softmax, nll by indexing."""
    h = x
    for i in range(0, len(params), 2):
        w, b = params[i], params[i + 1]
        h = h @ w.T + b
        if i + 2 < len(params):
            h = ACTIVATIONS[activation](h)
    logp = h.log_softmax(dim=1)
    n = x.shape[0]
    loss = -logp[L.arange(n), L.tensor(targets)].mean()
    if weight_decay:
        for w in params[::2]:
            loss = loss + weight_decay * (w * w).sum()
    return loss


@pytest.mark.parametrize("weight_decay", [0.0, 1e-2])
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_mlp_training_steps(activation, weight_decay):
    """Three plain gradient steps: the loss, every parameter's gradient and the
    updated parameters agree with PyTorch's at each step."""
    sizes = (5, 7, 6, 3)
    params = _mlp_params(sizes)
    (x,) = make_inputs(["8x5"], seed="mlp-x")
    targets = [0, 2, 1, 1, 0, 2, 2, 1]
    lr = 0.5
    for step in range(3):
        ours = _loss(tt, x.ours, targets, [p.ours for p in params], activation, weight_decay)
        theirs = _loss(torch, x.theirs, targets, [p.theirs for p in params], activation, weight_decay)
        assert_matches(ours, theirs, f"loss at step {step}")
        ours.backward()
        theirs.backward()
        for i, p in enumerate(params):
            assert_matches(p.ours.grad, p.theirs.grad, f"grad of parameter {i} at step {step}")
        with no_grad():
            for w, _ in params:
                w -= lr * w.grad  # in place: w stays the same leaf
                w.grad = None
        with torch.no_grad():
            for _, w in params:
                w -= lr * w.grad
                w.grad = None
        for i, p in enumerate(params):
            assert_matches(p.ours, p.theirs, f"parameter {i} after step {step}")
