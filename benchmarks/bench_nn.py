"""nn and optim: what the Module layer adds to a training step (issue 4, section "Speed").

* ``nn mlp step vs Variables``: the MLP step of ``bench_autograd.py`` (batch
  32, 64 -> 128 -> ReLU -> 10, cross-entropy, backward, plain SGD update)
  written with ``nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128,
  10))`` and ``nn.CrossEntropyLoss()``, as a learner writes it
  (``model.zero_grad()``, ``model.parameters()`` walked every step), against
  the same step written directly with Variables. ``nn.Linear`` keeps its
  weight as (out, in) and computes ``x @ W.T + b``, so the Variable side does
  exactly that too, with the same (out, in) weights: the two sides run the
  same kernels on the same numbers, and the difference is what nn adds
  (``Module.__call__``, ``Sequential.forward``, the input checks of
  ``Linear`` and ``cross_entropy``, walking the module tree). Both update with
  ``p.data -= lr * p.grad.data``; the optimizers are timed separately below.
* ``nn mlp step vs autograd step``: informational; the same nn step against
  ``bench_autograd``'s own step unchanged (weights stored (in, out),
  ``x @ W``), to show that the layout costs nothing.
* ``SGD step vs plain update`` and ``Adam step vs SGD step``:
  informational; ``optimizer.step()`` alone on that model, its gradients
  computed once in setup.

Every case checks once, untimed, that both sides give the same loss and the
same updated weights (for the optimizers: the weights after one step against
the formula on flat lists). The inputs, targets and initial weights are
``bench_autograd``'s.

Run: ``python benchmarks/run.py nn``.
"""

import math
from functools import partial

import tinytorch.core as tt
import tinytorch.nn as nn
from tinytorch.autograd import Variable
from tinytorch.optim import SGD, Adam

from bench_autograd import LR, PARAMS, B, D, H, O, _check_weights, _problem, _tt_setup, _tt_step
from benchlib import Case

ADAM_LR = 1e-3

# (out, in) layout, as nn.Linear stores its weight
NN_SHAPES = {"W1": (H, D), "b1": (H,), "W2": (O, H), "b2": (O,)}


def _transposed(flat, rows, cols):
    """A (rows, cols) row-major flat list as the (cols, rows) one."""
    return [flat[i * cols + j] for j in range(cols) for i in range(rows)]


def _nn_weights(p):
    """bench_autograd's initial weights, flat, in nn.Linear's (out, in) layout."""
    return {
        "W1": _transposed(p["W1"], D, H),
        "b1": list(p["b1"]),
        "W2": _transposed(p["W2"], H, O),
        "b2": list(p["b2"]),
    }


def _model(weights):
    """``Sequential(Linear(64, 128), ReLU(), Linear(128, 10))`` holding ``weights``."""
    model = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, O))
    for name, param in zip(PARAMS, model.parameters()):
        assert param.shape == NN_SHAPES[name], (name, param.shape)
        param.data.copy_(tt.Tensor(list(weights[name]), NN_SHAPES[name]))
    return model


_check_params = partial(_check_weights, shapes=NN_SHAPES)


def _nn_side(p, inputs):
    """The nn step's context: ``p``'s weights in a model, the ``x`` and ``targets`` of ``inputs``."""
    return {
        "model": _model(_nn_weights(p)),
        "loss_fn": nn.CrossEntropyLoss(),
        "x": inputs["x"],
        "targets": inputs["targets"],
    }


# ----------------------------------------------------------- the MLP step


def _var_step(c):
    """The step with Variables, in nn.Linear's layout: ``x @ W.T + b``."""
    x, params = c["x"], c["params"]
    W1, b1, W2, b2 = params
    h = (x @ W1.T + b1).relu()
    logp = (h @ W2.T + b2).log_softmax(dim=1)
    loss = -logp[c["rows"], c["targets"]].mean()
    for p in params:
        p.grad = None
    loss.backward()
    for p in params:
        p.data -= LR * p.grad.data
    return loss.item()


def _nn_step(c):
    """What a learner writes with nn, without an optimizer."""
    model = c["model"]
    model.zero_grad()
    loss = c["loss_fn"](model(c["x"]), c["targets"])
    loss.backward()
    for p in model.parameters():
        p.data -= LR * p.grad.data
    return loss.item()


def _mlp_setup():
    p = _problem()
    w = _nn_weights(p)
    var = _tt_setup(p)  # x, rows, targets (int64); its params are replaced
    var["params"] = [
        Variable(tt.Tensor(list(w[name]), NN_SHAPES[name]), requires_grad=True) for name in PARAMS
    ]
    return {"nn": _nn_side(p, var), "var": var}


def _check_mlp(nn_loss, var_loss, c):
    # each side has done exactly one step from the same weights
    assert math.isclose(nn_loss, var_loss, rel_tol=1e-9), (nn_loss, var_loss)
    expected = {name: v.data.tolist() for name, v in zip(PARAMS, c["var"]["params"])}
    _check_params(c["nn"]["model"].parameters(), expected, "updated")


def _vs_autograd_setup():
    p = _problem()
    ag = _tt_setup(p)  # bench_autograd's (in, out) weights
    return {"nn": _nn_side(p, ag), "ag": ag}


def _check_vs_autograd(nn_loss, ag_loss, c):
    assert math.isclose(nn_loss, ag_loss, rel_tol=1e-9), (nn_loss, ag_loss)
    expected = {}
    for name, v in zip(PARAMS, c["ag"]["params"]):
        flat = list(v.data.values())
        expected[name] = _transposed(flat, *v.shape) if v.ndim == 2 else flat
    _check_params(c["nn"]["model"].parameters(), expected, "updated")


# ------------------------------------------------------------- optimizers


def _optim_setup():
    """Three copies of the model with the same gradients (one backward, in setup)."""
    p = _problem()
    w = _nn_weights(p)
    x, targets = tt.Tensor(list(p["x"]), (B, D)), tt.tensor(p["targets"])
    models = [_model(w) for _ in range(3)]
    nn.CrossEntropyLoss()(models[0](x), targets).backward()
    grads = [q.grad.data.clone() for q in models[0].parameters()]
    for model in models[1:]:
        for q, g in zip(model.parameters(), grads):
            q.grad = Variable(g.clone())
    plain, sgd, adam = models
    g = {name: list(t.values()) for name, t in zip(PARAMS, grads)}  # flat, row-major
    return {
        "plain": list(plain.parameters()),
        "sgd": SGD(sgd.parameters(), lr=LR),
        "adam": Adam(adam.parameters(), lr=ADAM_LR),
        "models": (plain, sgd, adam),
        # after one step: SGD p - lr g; Adam (m_hat = g, sqrt(v_hat) = |g|) p - lr g / (|g| + eps)
        "expected_sgd": {k: [a - LR * b for a, b in zip(w[k], g[k])] for k in PARAMS},
        "expected_adam": {
            k: [a - ADAM_LR * b / (abs(b) + 1e-8) for a, b in zip(w[k], g[k])] for k in PARAMS
        },
    }


def _plain_update(c):
    for p in c["plain"]:
        p.data -= LR * p.grad.data


def _sgd_step(c):
    c["sgd"].step()


def _adam_step(c):
    c["adam"].step()


def _check_sgd(_a, _b, c):
    plain, sgd, _ = c["models"]
    _check_params(sgd.parameters(), c["expected_sgd"], "SGD")
    _check_params(plain.parameters(), c["expected_sgd"], "plain update")


def _check_adam(_a, _b, c):
    _, sgd, adam = c["models"]
    _check_params(adam.parameters(), c["expected_adam"], "Adam")
    _check_params(sgd.parameters(), c["expected_sgd"], "SGD")


# -------------------------------------------------------------------- cases

CASES = [
    Case(
        "nn mlp step vs Variables",
        _mlp_setup,
        lambda c: _nn_step(c["nn"]),
        lambda c: _var_step(c["var"]),
        "ratio>=",
        0.87,  # at most 1.15x the time of the step written with Variables
        check=_check_mlp,
        gc=True,
        reference_code="the same step with Variables: x @ W.T + b, (out, in) weights, p.data -= lr * p.grad.data",
    ),
    Case(
        "nn mlp step vs autograd step",
        _vs_autograd_setup,
        lambda c: _nn_step(c["nn"]),
        lambda c: _tt_step(c["ag"]),
        check=_check_vs_autograd,
        gc=True,
        reference_code="bench_autograd's step unchanged: x @ W + b, (in, out) weights",
    ),
    Case(
        "SGD step vs plain update",
        _optim_setup,
        _sgd_step,
        _plain_update,
        check=_check_sgd,
        reference_code="for p in params: p.data -= lr * p.grad.data",
    ),
    Case(
        "Adam step vs SGD step",
        _optim_setup,
        _adam_step,
        _sgd_step,
        check=_check_adam,
        reference_code="SGD(lr).step() on the same model and gradients",
    ),
]
