"""Autograd: a training step and the cost of a graph (issue 3, section "Speed").

* ``mlp step``: one SGD step of a 64 -> 128 -> ReLU -> 10 MLP on a batch of
  32 with a cross-entropy loss (``log_softmax``, the target entries picked by
  indexing, mean), written with Variables, against the same forward and
  backward written by hand on flat lists: the best plain Python we know
  (matmul as dot products of rows against pre-transposed columns, the
  gradient formulas of each layer, the SGD update in one comprehension).
* ``mlp step vs micrograd``: the same tinyTorch step against micrograd
  (``micrograd==0.1.0``, the ``bench`` dependency group; SKIP without it)
  doing the same step with an MSE loss on one-hot targets (micrograd has no
  exp or log) with ``micrograd.nn.MLP(64, [128, 10])``, which has ReLU on all
  layers but the last, as here. Both start from the same weights.
* ``graph chain``: 10,000 ops (``y = y * c``, ``y = y + c`` alternating, ``c`` a
  constant 4-element Tensor) on a 4-element Variable, then ``backward``: the
  cost per op of recording a node and running its gradient rule, which a
  4-element kernel does not hide. An informational row shows the same chain
  on plain Tensors (no autograd) against plain lists.

Every case checks once, untimed, that both sides compute the same numbers:
the same loss and the same updated weights (for micrograd: its MSE loss and
weights against the same MSE step done with tinyTorch in setup).

Run: ``python benchmarks/run.py autograd``.
"""

import math
import random
from math import exp, log
from operator import add, mul

import tinytorch.core as tt
from tinytorch.autograd import Variable

from benchlib import Case, Skip, assert_close

try:  # Python 3.12+: a dot product in C, about 3x faster than sum(map(mul, ...))
    from math import sumprod
except ImportError:
    sumprod = None

B, D, H, O = 32, 64, 128, 10  # batch, inputs, hidden units, classes
LR = 0.05


# ----------------------------------------------------------- shared weights


def _problem(seed=3):
    """Inputs, targets and initial weights as flat row-major lists."""
    rnd = random.Random(seed)

    def uniform(n, scale):
        return [rnd.uniform(-scale, scale) for _ in range(n)]

    return {
        "x": uniform(B * D, 1.0),
        "targets": [rnd.randrange(O) for _ in range(B)],
        "W1": uniform(D * H, 1 / math.sqrt(D)),  # (D, H): h = x @ W1 + b1
        "b1": uniform(H, 0.1),
        "W2": uniform(H * O, 1 / math.sqrt(H)),  # (H, O)
        "b2": uniform(O, 0.1),
    }


PARAMS = ("W1", "b1", "W2", "b2")
SHAPES = {"W1": (D, H), "b1": (H,), "W2": (H, O), "b2": (O,)}


# --------------------------------------------------------------- tinyTorch


def _tt_setup(p):
    return {
        "x": tt.Tensor(list(p["x"]), (B, D)),
        "rows": tt.arange(B),  # int64 index tensors
        "targets": tt.tensor(p["targets"]),
        "params": [
            Variable(tt.Tensor(list(p[name]), SHAPES[name]), requires_grad=True) for name in PARAMS
        ],
    }


def _tt_step(c):
    """What a learner writes: forward, cross-entropy, backward, SGD."""
    x, params = c["x"], c["params"]
    W1, b1, W2, b2 = params
    h = (x @ W1 + b1).relu()
    logp = (h @ W2 + b2).log_softmax(dim=1)
    loss = -logp[c["rows"], c["targets"]].mean()
    for p in params:
        p.grad = None
    loss.backward()
    for p in params:
        p.data -= LR * p.grad.data
    return loss.item()


def _tt_mse_step(c, onehot):
    """The MSE step micrograd does, with tinyTorch (only to check micrograd)."""
    x, params = c["x"], c["params"]
    W1, b1, W2, b2 = params
    out = (x @ W1 + b1).relu() @ W2 + b2
    loss = ((out - onehot) ** 2).mean()
    loss.backward()
    for p in params:
        p.data -= LR * p.grad.data
    return loss.item()


# ---------------------------------------------------- plain Python, by hand

if sumprod is not None:

    def _mm(rows, cols):
        """``[row . col for row in rows for col in cols]``: a flat row-major product."""
        return [sumprod(r, c) for r in rows for c in cols]

    _MM_CODE = "sumprod(row, col)"
else:

    def _mm(rows, cols):
        """``[row . col for row in rows for col in cols]``: a flat row-major product."""
        return [sum(map(mul, r, c)) for r in rows for c in cols]

    _MM_CODE = "sum(map(mul, row, col))"


def _ref_setup(p):
    return {k: list(v) for k, v in p.items()}


def _ref_step(c):
    """The same step on flat row-major lists, every formula written out."""
    x, targets = c["x"], c["targets"]
    W1, b1, W2, b2 = c["W1"], c["b1"], c["W2"], c["b2"]
    # forward: h = relu(x @ W1 + b1), logits = h @ W2 + b2
    z1 = _mm([x[i : i + D] for i in range(0, B * D, D)], [W1[j::H] for j in range(H)])
    h = [v if v > 0.0 else 0.0 for v in map(add, z1, b1 * B)]
    z2 = _mm([h[i : i + H] for i in range(0, B * H, H)], [W2[j::O] for j in range(O)])
    logits = list(map(add, z2, b2 * B))
    # log_softmax per row; loss = -mean(logp[i, t_i]); d loss/d logits = (softmax - onehot) / B
    loss = 0.0
    g2 = []
    for i, t in enumerate(targets):
        row = logits[i * O : (i + 1) * O]
        m = max(row)
        e = [exp(v - m) for v in row]
        s = sum(e)
        loss -= row[t] - m - log(s)
        scale = 1.0 / (s * B)
        gi = [v * scale for v in e]
        gi[t] -= 1.0 / B
        g2 += gi
    loss /= B
    # backward: dW2 = h^T @ g2, db2 = column sums, dh = g2 @ W2^T, through relu, dW1 = x^T @ g1
    g2_cols = [g2[j::O] for j in range(O)]
    db2 = [sum(col) for col in g2_cols]
    dW2 = _mm([h[k::H] for k in range(H)], g2_cols)
    dh = _mm(
        [g2[i : i + O] for i in range(0, B * O, O)], [W2[k : k + O] for k in range(0, H * O, O)]
    )
    g1 = [g if v > 0.0 else 0.0 for g, v in zip(dh, h)]
    g1_cols = [g1[j::H] for j in range(H)]
    db1 = [sum(col) for col in g1_cols]
    dW1 = _mm([x[k::D] for k in range(D)], g1_cols)
    # SGD
    c["W1"] = [w - LR * g for w, g in zip(W1, dW1)]
    c["b1"] = [w - LR * g for w, g in zip(b1, db1)]
    c["W2"] = [w - LR * g for w, g in zip(W2, dW2)]
    c["b2"] = [w - LR * g for w, g in zip(b2, db2)]
    return loss


def _mlp_setup():
    p = _problem()
    return {"tt": _tt_setup(p), "ref": _ref_setup(p)}


def _check_weights(params, expected, what, shapes=SHAPES):
    """``params`` (in PARAMS order) have ``shapes`` and hold the flat lists ``expected[name]``."""
    for name, param in zip(PARAMS, params):
        assert param.shape == shapes[name], (name, param.shape)
        try:
            assert_close(param.data, expected[name], rel_tol=1e-9, abs_tol=1e-12)
        except AssertionError as exc:
            raise AssertionError(f"{what} {name}: {exc}") from None


def _check_mlp(tt_loss, ref_loss, c):
    # each side has done exactly one step from the same weights
    assert math.isclose(tt_loss, ref_loss, rel_tol=1e-9), (tt_loss, ref_loss)
    _check_weights(c["tt"]["params"], c["ref"], "updated")


# --------------------------------------------------------------- micrograd


def _micrograd_setup():
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP
    except ImportError:
        raise Skip("needs micrograd==0.1.0 (the `bench` dependency group)") from None
    p = _problem()
    onehot = [[1.0 if j == t else 0.0 for j in range(O)] for t in p["targets"]]
    model = MLP(D, [H, O])
    first, second = model.layers
    for j, neuron in enumerate(first.neurons):  # neuron j: column j of W1
        for k, w in enumerate(neuron.w):
            w.data = p["W1"][k * H + j]
        neuron.b.data = p["b1"][j]
    for j, neuron in enumerate(second.neurons):
        for k, w in enumerate(neuron.w):
            w.data = p["W2"][k * O + j]
        neuron.b.data = p["b2"][j]
    # what one step of each side must give, computed here without timing
    expected_ce = _ref_step(_ref_setup(p))
    mse = _tt_setup(p)
    expected_mse = _tt_mse_step(mse, tt.tensor(onehot))
    return {
        "tt": _tt_setup(p),
        "model": model,
        "Value": Value,
        "xs": [p["x"][i : i + D] for i in range(0, B * D, D)],
        "onehot": onehot,
        "expected_ce": expected_ce,
        "expected_mse": expected_mse,
        "expected_weights": {n: v.data.tolist() for n, v in zip(PARAMS, mse["params"])},
    }


def _micrograd_step(c):
    """micrograd's own README loop: forward each sample, MSE, backward, SGD."""
    model, onehot = c["model"], c["onehot"]
    model.zero_grad()
    outs = [model(x) for x in c["xs"]]
    loss = sum(
        ((o - y) ** 2 for out, ys in zip(outs, onehot) for o, y in zip(out, ys)), c["Value"](0.0)
    ) * (1.0 / (B * O))
    loss.backward()
    for p in model.parameters():
        p.data -= LR * p.grad
    return loss.data


def _micrograd_weights(model):
    first, second = model.layers
    return {
        "W1": [first.neurons[j].w[k].data for k in range(D) for j in range(H)],
        "b1": [n.b.data for n in first.neurons],
        "W2": [second.neurons[j].w[k].data for k in range(H) for j in range(O)],
        "b2": [n.b.data for n in second.neurons],
    }


def _check_micrograd(tt_loss, mg_loss, c):
    assert math.isclose(tt_loss, c["expected_ce"], rel_tol=1e-9), (tt_loss, c["expected_ce"])
    assert math.isclose(mg_loss, c["expected_mse"], rel_tol=1e-9), (mg_loss, c["expected_mse"])
    got = _micrograd_weights(c["model"])
    for name in PARAMS:
        try:
            assert_close(got[name], c["expected_weights"][name], rel_tol=1e-9, abs_tol=1e-12)
        except AssertionError as exc:
            raise AssertionError(f"micrograd {name}: {exc}") from None


# ------------------------------------------------------------- graph chain

CHAIN = 10_000  # ops: CHAIN // 2 multiplications and as many additions
_C = [0.999, 1.0, 0.9995, -0.999]  # keeps y finite and d y/d x = c**5000 representable
_X0 = [0.5, -0.25, 1.5, 2.0]


def _chain_setup():
    return {
        "c": tt.tensor(_C),
        "x": Variable(tt.tensor(_X0), requires_grad=True),
        "t": tt.tensor(_X0),
        "cs": list(_C),
        "xs": list(_X0),
    }


def _chain_variable(ctx):
    x, c = ctx["x"], ctx["c"]
    x.grad = None
    y = x
    for _ in range(CHAIN // 2):
        y = y * c
        y = y + c
    y.sum().backward()
    return y


def _chain_tensor(ctx):
    y, c = ctx["t"], ctx["c"]
    for _ in range(CHAIN // 2):
        y = y * c
        y = y + c
    return y


def _chain_lists(ctx):
    y, c = ctx["xs"], ctx["cs"]
    for _ in range(CHAIN // 2):
        y = list(map(mul, y, c))
        y = list(map(add, y, c))
    return y


def _check_chain(y, y_tensor, ctx):
    assert_close(y, y_tensor, rel_tol=0.0, abs_tol=0.0)
    expected = []
    for ci in _C:
        g = 1.0
        for _ in range(CHAIN // 2):
            g *= ci
        expected.append(g)
    assert_close(ctx["x"].grad, expected, rel_tol=1e-9, abs_tol=0.0)


# -------------------------------------------------------------------- cases

CASES = [
    Case(
        "mlp step 32x64-128-10 CE",
        _mlp_setup,
        lambda c: _tt_step(c["tt"]),
        lambda c: _ref_step(c["ref"]),
        "ratio>=",
        0.667,  # at most 1.5x the time of the hand-written step
        check=_check_mlp,
        gc=True,
        reference_code=f"the same step by hand on flat lists, matmul as {_MM_CODE}",
    ),
    Case(
        "mlp step vs micrograd MSE",
        _micrograd_setup,
        lambda c: _tt_step(c["tt"]),
        _micrograd_step,
        "ratio>=",
        100,
        check=_check_micrograd,
        # Python's default, gc on, as a learner runs micrograd: its graph puts every Value in
        # a reference cycle, so the collector is part of its cost (tinyTorch's graph has none)
        gc=True,
        repeat=1,  # one micrograd step takes seconds; the check run counts as a sample too
        reference_code="micrograd 0.1.0 nn.MLP(64, [128, 10]), MSE, batch 32, gc on (default)",
    ),
    Case(
        "graph chain 10k ops fwd+bwd",
        _chain_setup,
        _chain_variable,
        _chain_tensor,
        "us_per_op<=",
        15,
        check=_check_chain,
        gc=True,
        ops=CHAIN,
        reference_code="the same chain on plain Tensors, forward only",
    ),
    Case(
        "tensor chain 10k ops no grad",
        _chain_setup,
        _chain_tensor,
        _chain_lists,
        "us_per_op<=",
        None,  # informational: what the ops cost without autograd
        gc=True,
        ops=CHAIN,
        reference_code="list(map(mul, y, c)), list(map(add, y, c)) on 4-element lists",
    ),
]
