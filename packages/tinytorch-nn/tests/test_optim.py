"""tinytorch.optim optimizers against values computed by hand (plain Python, element by element).

Every expected value here comes from the update rule written out with ``math``
on floats (the ``ref_*`` functions below, or numbers worked out on paper),
never from tinyTorch, so a wrong optimizer cannot agree with its own reference.
The same configurations are compared with torch.optim in ``parity/``.
"""

import math

import pytest
from nn_helpers import assert_close, flat, var

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.autograd import Variable
from tinytorch.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

P0 = [0.5, -1.0, 2.0]
# three steps of gradients for a 3-element parameter (one zero entry on purpose)
GRADS = [[0.1, -0.2, 0.3], [0.4, 0.0, -0.5], [-0.3, 0.6, 0.2]]


def grad(values):
    return Variable(tt.tensor(values, dtype=tt.float64))


def run(make_opt, p0=P0, grads=GRADS):
    """Step an optimizer over ``grads``; the parameter after each step, and the optimizer."""
    p = var(list(p0))
    opt = make_opt([p])
    history = []
    for g in grads:
        p.grad = grad(g)
        opt.step()
        history.append(flat(p))
    return p, opt, history


def assert_history(history, expected, rel=1e-12, abs_tol=1e-15):
    assert len(history) == len(expected)
    for step, (got, want) in enumerate(zip(history, expected), start=1):
        for i, (g, w) in enumerate(zip(got, want)):
            assert math.isclose(g, w, rel_tol=rel, abs_tol=abs_tol), (
                f"step {step}, element {i}: got {g!r}, expected {w!r}\n got: {got}\nwant: {want}"
            )


# ------------------------------------------------------------------ plain-Python references
def ref_sgd(p0, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    p, buf, history = list(p0), [None] * len(p0), []
    for gs in grads:
        for i, g in enumerate(gs):
            g = -g if maximize else g
            g = g + weight_decay * p[i]
            if momentum:
                buf[i] = g if buf[i] is None else momentum * buf[i] + (1 - dampening) * g
                g = g + momentum * buf[i] if nesterov else buf[i]
            p[i] = p[i] - lr * g
        history.append(list(p))
    return history, {"momentum_buffer": buf}


def ref_adam(p0, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
             maximize=False, decoupled=False):
    b1, b2 = betas
    n = len(p0)
    p, m, v, vmax, history = list(p0), [0.0] * n, [0.0] * n, [0.0] * n, []
    for t, gs in enumerate(grads, start=1):
        for i, g in enumerate(gs):
            g = -g if maximize else g
            if decoupled:
                p[i] = p[i] * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * p[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vmax[i] = max(vmax[i], v[i])
            second = vmax[i] if amsgrad else v[i]
            denom = math.sqrt(second) / math.sqrt(1 - b2**t) + eps
            p[i] = p[i] - lr / (1 - b1**t) * m[i] / denom
        history.append(list(p))
    state = {"step": len(grads), "exp_avg": m, "exp_avg_sq": v}
    if amsgrad:
        state["max_exp_avg_sq"] = vmax
    return history, state


def ref_rmsprop(p0, grads, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                maximize=False):
    n = len(p0)
    p, s, a, b, history = list(p0), [0.0] * n, [0.0] * n, [0.0] * n, []
    for gs in grads:
        for i, g in enumerate(gs):
            g = -g if maximize else g
            g = g + weight_decay * p[i]
            s[i] = alpha * s[i] + (1 - alpha) * g * g
            if centered:
                a[i] = alpha * a[i] + (1 - alpha) * g
                avg = math.sqrt(s[i] - a[i] * a[i]) + eps
            else:
                avg = math.sqrt(s[i]) + eps
            if momentum > 0:
                b[i] = momentum * b[i] + g / avg
                p[i] = p[i] - lr * b[i]
            else:
                p[i] = p[i] - lr * g / avg
        history.append(list(p))
    state = {"step": len(grads), "square_avg": s}
    if momentum > 0:
        state["momentum_buffer"] = b
    if centered:
        state["grad_avg"] = a
    return history, state


def ref_adagrad(p0, grads, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
                maximize=False):
    p, total, history = list(p0), [float(initial_accumulator_value)] * len(p0), []
    for t, gs in enumerate(grads, start=1):
        clr = lr / (1 + (t - 1) * lr_decay)
        for i, g in enumerate(gs):
            g = -g if maximize else g
            g = g + weight_decay * p[i]
            total[i] = total[i] + g * g
            p[i] = p[i] - clr * g / (math.sqrt(total[i]) + eps)
        history.append(list(p))
    return history, {"step": len(grads), "sum": total}


def check_state(opt, p, expected):
    state = opt.state[p]
    for name, want in expected.items():
        assert name in state, f"state has no {name!r}: {sorted(state)}"
        if isinstance(want, list):
            assert_close(state[name], want, rel=1e-12, abs_tol=1e-15)
        else:
            assert int(state[name]) == want, f"{name}: {state[name]} != {want}"


# ------------------------------------------------------------------ numbers worked out on paper
def one_param_steps(make_opt, p0, g, steps):
    p = var([p0])
    opt = make_opt([p])
    out = []
    for _ in range(steps):
        p.grad = grad([g])
        opt.step()
        out.append(flat(p)[0])
    return out


def test_sgd_plain_on_paper():
    # p = 1, g = 0.5, lr = 0.1: 1 - 0.05 - 0.05 - 0.05
    got = one_param_steps(lambda ps: SGD(ps, lr=0.1), 1.0, 0.5, 3)
    assert got == pytest.approx([0.95, 0.9, 0.85], rel=1e-12)


def test_sgd_momentum_on_paper():
    # g = 1 each step: b = 1, 1.9, 2.71; p = 1 - 0.1 b cumulated: 0.9, 0.71, 0.439
    got = one_param_steps(lambda ps: SGD(ps, lr=0.1, momentum=0.9), 1.0, 1.0, 3)
    assert got == pytest.approx([0.9, 0.71, 0.439], rel=1e-12)


def test_sgd_dampening_not_applied_on_first_step():
    # b = g on the first step (no dampening), then b = 0.9 b + 0.5 g: 1, 1.4, 1.76
    got = one_param_steps(lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.5), 1.0, 1.0, 3)
    assert got == pytest.approx([0.9, 0.76, 0.584], rel=1e-12)


def test_sgd_nesterov_on_paper():
    # b = 1, 1.9; the step uses g + 0.9 b = 1.9, 2.71
    got = one_param_steps(lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True), 1.0, 1.0, 2)
    assert got == pytest.approx([0.81, 0.539], rel=1e-12)


def test_sgd_weight_decay_on_paper():
    # g = 0 + 0.5 p: p = 2 - 0.1, then 1.9 - 0.1 * 0.95
    got = one_param_steps(lambda ps: SGD(ps, lr=0.1, weight_decay=0.5), 2.0, 0.0, 2)
    assert got == pytest.approx([1.9, 1.805], rel=1e-12)


def test_sgd_maximize_climbs():
    got = one_param_steps(lambda ps: SGD(ps, lr=0.1, maximize=True), 1.0, 1.0, 2)
    assert got == pytest.approx([1.1, 1.2], rel=1e-12)


def test_adam_constant_gradient_moves_by_lr_each_step():
    # with a constant g the bias-corrected moments are exactly g and g*g: each step is lr * g / (|g| + eps)
    step = 0.1 * 0.5 / (0.5 + 1e-8)
    got = one_param_steps(lambda ps: Adam(ps, lr=0.1), 1.0, 0.5, 3)
    assert got == pytest.approx([1 - step, 1 - 2 * step, 1 - 3 * step], rel=1e-12)


def test_adamw_decays_weights_even_with_zero_gradient():
    # g = 0: the Adam step is 0 / eps = 0, the decay multiplies by 1 - lr * wd = 0.99
    got = one_param_steps(lambda ps: AdamW(ps, lr=0.1, weight_decay=0.1), 1.0, 0.0, 2)
    assert got == pytest.approx([0.99, 0.9801], rel=1e-12)


def test_adam_weight_decay_is_added_to_the_gradient():
    # g = 0 + 0.1 * p = 0.1: Adam's first step is lr * 0.1 / (0.1 + eps), not the AdamW decay
    got = one_param_steps(lambda ps: Adam(ps, lr=0.1, weight_decay=0.1), 1.0, 0.0, 1)
    assert got == pytest.approx([1 - 0.1 * 0.1 / (0.1 + 1e-8)], rel=1e-12)


def test_rmsprop_first_step_on_paper():
    # s = 0.01 * 1 = 0.01; p = 0 - 0.01 * 1 / (0.1 + eps)
    got = one_param_steps(lambda ps: RMSprop(ps, lr=0.01), 0.0, 1.0, 1)
    assert got == pytest.approx([-0.01 / (0.1 + 1e-8)], rel=1e-12)


def test_adagrad_on_paper():
    # sums 1, 2; lr_decay 0.5 makes the second rate 0.1 / 1.5
    got = one_param_steps(lambda ps: Adagrad(ps, lr=0.1, lr_decay=0.5), 0.0, 1.0, 2)
    first = -0.1 / (1 + 1e-10)
    assert got == pytest.approx([first, first - (0.1 / 1.5) / (math.sqrt(2) + 1e-10)], rel=1e-12)


# ------------------------------------------------------------------ three steps against the references
SGD_CASES = {
    "plain": dict(lr=0.1),
    "momentum": dict(lr=0.1, momentum=0.9),
    "dampening": dict(lr=0.1, momentum=0.9, dampening=0.3),
    "nesterov": dict(lr=0.1, momentum=0.9, nesterov=True),
    "weight_decay": dict(lr=0.1, weight_decay=0.05),
    "maximize": dict(lr=0.1, maximize=True),
    "everything": dict(lr=0.05, momentum=0.8, weight_decay=0.1, nesterov=True, maximize=True),
    "momentum, decay, dampening": dict(lr=0.05, momentum=0.5, weight_decay=0.2, dampening=0.1),
}


@pytest.mark.parametrize("kw", SGD_CASES.values(), ids=SGD_CASES.keys())
def test_sgd_against_reference(kw):
    p, opt, history = run(lambda ps: SGD(ps, **kw))
    want, state = ref_sgd(P0, GRADS, **kw)
    assert_history(history, want)
    if kw.get("momentum"):
        check_state(opt, p, state)
    else:
        assert "momentum_buffer" not in opt.state.get(p, {})


ADAM_CASES = {
    "default": dict(lr=0.01),
    "amsgrad": dict(lr=0.01, betas=(0.9, 0.5), amsgrad=True),
    "weight_decay": dict(lr=0.01, weight_decay=0.1),
    "amsgrad and weight_decay": dict(lr=0.01, betas=(0.8, 0.5), weight_decay=0.2, amsgrad=True),
    "betas and eps": dict(lr=0.05, betas=(0.5, 0.9), eps=1e-3),
    "maximize": dict(lr=0.01, maximize=True, weight_decay=0.1),
}


@pytest.mark.parametrize("kw", ADAM_CASES.values(), ids=ADAM_CASES.keys())
def test_adam_against_reference(kw):
    p, opt, history = run(lambda ps: Adam(ps, **kw))
    want, state = ref_adam(P0, GRADS, **kw)
    assert_history(history, want)
    check_state(opt, p, state)


def test_amsgrad_case_exercises_the_running_maximum():
    # the reference's second moment falls below its maximum, so amsgrad changes the result
    _, state = ref_adam(P0, GRADS, lr=0.01, betas=(0.9, 0.5), amsgrad=True)
    assert state["max_exp_avg_sq"][2] > state["exp_avg_sq"][2]
    _, _, with_max = run(lambda ps: Adam(ps, lr=0.01, betas=(0.9, 0.5), amsgrad=True))
    _, _, without = run(lambda ps: Adam(ps, lr=0.01, betas=(0.9, 0.5)))
    assert with_max[-1][2] != without[-1][2]


ADAMW_CASES = {
    "default weight_decay": dict(lr=0.01),
    "weight_decay": dict(lr=0.01, weight_decay=0.3),
    "amsgrad": dict(lr=0.01, betas=(0.9, 0.5), weight_decay=0.1, amsgrad=True),
    "maximize": dict(lr=0.02, weight_decay=0.1, maximize=True),
}


@pytest.mark.parametrize("kw", ADAMW_CASES.values(), ids=ADAMW_CASES.keys())
def test_adamw_against_reference(kw):
    p, opt, history = run(lambda ps: AdamW(ps, **kw))
    want, state = ref_adam(P0, GRADS, **{"weight_decay": 1e-2, **kw}, decoupled=True)
    assert_history(history, want)
    check_state(opt, p, state)


def test_adamw_default_weight_decay_is_0_01():
    assert AdamW([var([1.0])]).defaults["weight_decay"] == 0.01
    assert Adam([var([1.0])]).defaults["weight_decay"] == 0.0


RMSPROP_CASES = {
    "default": dict(lr=0.01),
    "alpha": dict(lr=0.01, alpha=0.5),
    "centered": dict(lr=0.01, alpha=0.9, centered=True),
    "momentum": dict(lr=0.01, momentum=0.9),
    "centered, momentum, weight_decay": dict(lr=0.01, alpha=0.8, momentum=0.5, centered=True, weight_decay=0.1),
    "eps and maximize": dict(lr=0.01, eps=1e-2, maximize=True),
}


@pytest.mark.parametrize("kw", RMSPROP_CASES.values(), ids=RMSPROP_CASES.keys())
def test_rmsprop_against_reference(kw):
    p, opt, history = run(lambda ps: RMSprop(ps, **kw))
    want, state = ref_rmsprop(P0, GRADS, **kw)
    assert_history(history, want)
    check_state(opt, p, state)
    if not kw.get("momentum"):
        assert "momentum_buffer" not in opt.state[p]
    if not kw.get("centered"):
        assert "grad_avg" not in opt.state[p]


ADAGRAD_CASES = {
    "default": dict(lr=0.1),
    "lr_decay": dict(lr=0.1, lr_decay=0.5),
    "initial_accumulator_value": dict(lr=0.1, initial_accumulator_value=0.2),
    "weight_decay": dict(lr=0.1, weight_decay=0.1),
    "everything": dict(lr=0.2, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.5, eps=1e-3,
                       maximize=True),
}


@pytest.mark.parametrize("kw", ADAGRAD_CASES.values(), ids=ADAGRAD_CASES.keys())
def test_adagrad_against_reference(kw):
    p, opt, history = run(lambda ps: Adagrad(ps, **kw))
    want, state = ref_adagrad(P0, GRADS, **kw)
    assert_history(history, want)
    check_state(opt, p, state)


def test_adagrad_state_exists_before_the_first_step():
    p = var([1.0, 2.0])
    opt = Adagrad([p], initial_accumulator_value=0.3)
    assert int(opt.state[p]["step"]) == 0
    assert_close(opt.state[p]["sum"], [0.3, 0.3])


# ------------------------------------------------------------------ how a step writes
def test_step_updates_in_place_and_records_no_graph():
    p = var([1.0, 2.0])
    data = p.data
    opt = Adam([p], lr=0.1)
    p.grad = grad([1.0, 1.0])
    opt.step()
    assert p.data is data
    assert p.is_leaf and p.grad_fn is None and p.requires_grad


def test_step_returns_the_closure_loss():
    p = var([1.0])
    opt = SGD([p], lr=0.1)
    calls = []

    def closure():
        calls.append(1)
        p.grad = grad([2.0])
        return 7.5

    assert opt.step(closure) == 7.5
    assert calls == [1]
    assert flat(p) == pytest.approx([0.8])
    assert opt.step() is None


def test_a_real_training_step_with_backward():
    model = nn.Linear(2, 1)
    w, b = flat(model.weight), flat(model.bias)
    x = [[1.0, 2.0], [-1.0, 0.5]]
    y = [1.0, -1.0]
    opt = SGD(model.parameters(), lr=0.1)
    out = model(var(x, requires_grad=False))
    loss = ((out.reshape(2) - var(y, requires_grad=False)) ** 2).mean()
    loss.backward()
    opt.step()
    # d loss / d w_j = mean(2 (w.x + b - y) x_j)
    r = [w[0] * xi[0] + w[1] * xi[1] + b[0] - yi for xi, yi in zip(x, y)]
    gw = [sum(2 * ri * xi[j] for ri, xi in zip(r, x)) / 2 for j in range(2)]
    gb = sum(2 * ri for ri in r) / 2
    assert flat(model.weight) == pytest.approx([w[0] - 0.1 * gw[0], w[1] - 0.1 * gw[1]], rel=1e-12)
    assert flat(model.bias) == pytest.approx([b[0] - 0.1 * gb], rel=1e-12)


# ------------------------------------------------------------------ parameters without grad
@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
        lambda ps: Adam(ps, lr=0.1, weight_decay=0.1),
        lambda ps: AdamW(ps, lr=0.1),
        lambda ps: RMSprop(ps, lr=0.1, momentum=0.9, centered=True, weight_decay=0.1),
        lambda ps: Adagrad(ps, lr=0.1, weight_decay=0.1),
    ],
    ids=["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"],
)
def test_parameters_without_grad_are_skipped(make):
    a, b = var([1.0, 2.0]), var([3.0])
    opt = make([a, b])
    a.grad = grad([0.5, -0.5])
    opt.step()
    opt.step()
    assert flat(b) == [3.0]  # not even weight decay touches it
    assert flat(a) != [1.0, 2.0]
    state = opt.state.get(b, {})
    assert int(state.get("step", 0)) == 0
    assert not any(k in state for k in ("momentum_buffer", "exp_avg", "square_avg"))


def test_adam_step_count_is_per_parameter():
    # b only gets a gradient on the third step: its bias correction starts at t = 1 then
    a, b = var([1.0]), var([1.0])
    opt = Adam([a, b], lr=0.1)
    for k in range(3):
        a.grad = grad([0.5])
        b.grad = grad([0.5]) if k == 2 else None
        opt.step()
    assert opt.state[a]["step"] == 3
    assert opt.state[b]["step"] == 1
    assert flat(b) == pytest.approx([1 - 0.1 * 0.5 / (0.5 + 1e-8)], rel=1e-12)


# ------------------------------------------------------------------ zero_grad
def test_zero_grad_sets_to_none_by_default():
    a, b = var([1.0, 2.0]), var([3.0])
    opt = SGD([a, b], lr=0.1)
    a.grad = grad([1.0, 1.0])
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_zero_grad_set_to_none_false_gives_zeros():
    a, b = var([[1.0, 2.0], [3.0, 4.0]]), var([3.0])
    opt = SGD([a, b], lr=0.1)
    a.grad = grad([[1.0, 1.0], [2.0, 2.0]])
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None
    g = a.grad.data if isinstance(a.grad, Variable) else a.grad
    assert tuple(g.shape) == (2, 2)
    assert flat(g) == [0.0, 0.0, 0.0, 0.0]
    assert b.grad is None  # a parameter that had no gradient keeps None


def test_zero_grad_then_step_with_zero_gradients():
    p = var([1.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = grad([1.0])
    opt.step()  # p = 0.9, b = 1
    opt.zero_grad(set_to_none=False)
    opt.step()  # g = 0: b = 0.9, p = 0.9 - 0.09
    assert flat(p) == pytest.approx([0.81], rel=1e-12)


# ------------------------------------------------------------------ parameter groups
def test_two_groups_with_their_own_lr_and_momentum():
    a, b = var(list(P0)), var(list(P0))
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.01, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert [g["momentum"] for g in opt.param_groups] == [0.0, 0.9]
    assert opt.param_groups[1]["weight_decay"] == 0.0  # filled in from the defaults
    for g in GRADS:
        a.grad, b.grad = grad(g), grad(g)
        opt.step()
    assert_close(a, ref_sgd(P0, GRADS, lr=0.1)[0][-1], rel=1e-12)
    assert_close(b, ref_sgd(P0, GRADS, lr=0.01, momentum=0.9)[0][-1], rel=1e-12)


def test_groups_with_different_adam_betas():
    a, b = var(list(P0)), var(list(P0))
    opt = Adam([{"params": [a], "betas": (0.5, 0.9)}, {"params": [b], "lr": 0.05}], lr=0.01)
    for g in GRADS:
        a.grad, b.grad = grad(g), grad(g)
        opt.step()
    assert_close(a, ref_adam(P0, GRADS, lr=0.01, betas=(0.5, 0.9))[0][-1], rel=1e-12)
    assert_close(b, ref_adam(P0, GRADS, lr=0.05)[0][-1], rel=1e-12)


def test_changing_a_group_lr_between_steps():
    p = var([1.0])
    opt = SGD([p], lr=0.1)
    p.grad = grad([1.0])
    opt.step()
    opt.param_groups[0]["lr"] = 0.5
    opt.step()
    assert flat(p) == pytest.approx([0.4], rel=1e-12)


def test_add_param_group():
    a, b = var([1.0]), var([1.0])
    opt = SGD([a], lr=0.1, momentum=0.9)
    a.grad = grad([1.0])
    opt.step()
    opt.add_param_group({"params": [b], "lr": 0.2})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["lr"] == 0.2 and opt.param_groups[1]["momentum"] == 0.9
    a.grad, b.grad = grad([1.0]), grad([1.0])
    opt.step()
    assert flat(a) == pytest.approx([0.71], rel=1e-12)  # momentum carried on
    assert flat(b) == pytest.approx([0.8], rel=1e-12)  # a fresh buffer: b = g


def test_add_param_group_accepts_a_single_parameter():
    a, b = var([1.0]), var([2.0])
    opt = Adam([a])
    opt.add_param_group({"params": b})
    params = opt.param_groups[1]["params"]
    assert len(params) == 1 and params[0] is b


def test_add_param_group_rejects_a_parameter_already_optimized():
    a = var([1.0])
    opt = SGD([a], lr=0.1)
    with pytest.raises(ValueError):
        opt.add_param_group({"params": [a]})


def test_adagrad_add_param_group_then_step():
    # a parameter added later gets its accumulator when it first steps (PyTorch: lazily, filled
    # with initial_accumulator_value); its update follows the same rule as the others
    a, b = var(list(P0)), var(list(P0))
    opt = Adagrad([a], lr=0.1, initial_accumulator_value=0.2)
    opt.add_param_group({"params": [b]})
    for g in GRADS:
        a.grad, b.grad = grad(g), grad(g)
        opt.step()
    want = ref_adagrad(P0, GRADS, lr=0.1, initial_accumulator_value=0.2)[0][-1]
    assert_close(a, want, rel=1e-12)
    assert_close(b, want, rel=1e-12)


def test_optimizer_takes_module_parameters_generator():
    model = nn.Linear(3, 2)
    opt = Adam(model.parameters(), lr=0.1)
    assert [id(p) for p in opt.param_groups[0]["params"]] == [id(p) for p in model.parameters()]


def test_empty_parameter_list_raises():
    with pytest.raises(ValueError):
        SGD([], lr=0.1)


def test_base_optimizer_step_is_abstract():
    opt = Optimizer([var([1.0])], {"lr": 0.1})
    with pytest.raises(NotImplementedError):
        opt.step()


# ------------------------------------------------------------------ state_dict
ROUND_TRIP = {
    "SGD momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    "Adam amsgrad": lambda ps: Adam(ps, lr=0.05, betas=(0.9, 0.5), amsgrad=True),
    "AdamW": lambda ps: AdamW(ps, lr=0.05, weight_decay=0.1),
    "RMSprop centered momentum": lambda ps: RMSprop(ps, lr=0.01, momentum=0.9, centered=True),
    "Adagrad": lambda ps: Adagrad(ps, lr=0.1, lr_decay=0.1, initial_accumulator_value=0.1),
}


@pytest.mark.parametrize("make", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_state_dict_round_trip_continues_identically(make):
    more = [[0.2, 0.1, -0.4], [-0.1, 0.3, 0.5], [0.05, -0.6, 0.1]]
    a = var(list(P0))
    opt = make([a])
    for g in GRADS:
        a.grad = grad(g)
        opt.step()
    saved = opt.state_dict()
    b = var(flat(a))
    fresh = make([b])
    fresh.load_state_dict(saved)
    for g in more:
        a.grad, b.grad = grad(g), grad(g)
        opt.step()
        fresh.step()
        assert flat(b) == flat(a)


@pytest.mark.parametrize("make", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_state_dict_is_a_snapshot(make):
    a = var(list(P0))
    opt = make([a])
    a.grad = grad(GRADS[0])
    opt.step()
    saved = opt.state_dict()
    before = {k: (flat(v) if isinstance(v, tt.Tensor) else v) for k, v in saved["state"][0].items()}
    a.grad = grad(GRADS[1])
    opt.step()
    after = {k: (flat(v) if isinstance(v, tt.Tensor) else v) for k, v in saved["state"][0].items()}
    assert after == before


def test_state_dict_layout_as_pytorch():
    a, b, c = var([1.0]), var([2.0]), var([3.0])
    opt = SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    a.grad, c.grad = grad([1.0]), grad([1.0])
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]
    assert sd["param_groups"][0]["momentum"] == 0.9
    assert sorted(sd["state"]) == [0, 2]  # b had no gradient, so no state
    assert flat(sd["state"][0]["momentum_buffer"]) == [1.0]


def test_load_state_dict_restores_group_options():
    a = var([1.0])
    opt = SGD([a], lr=0.1, momentum=0.9)
    opt.param_groups[0]["lr"] = 0.03
    saved = opt.state_dict()
    fresh = SGD([var([1.0])], lr=0.1, momentum=0.9)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.03


def test_load_state_dict_with_other_groups_raises():
    opt = SGD([var([1.0])], lr=0.1)
    saved = opt.state_dict()
    two_groups = SGD([{"params": [var([1.0])]}, {"params": [var([1.0])]}], lr=0.1)
    with pytest.raises(ValueError):
        two_groups.load_state_dict(saved)
    two_params = SGD([var([1.0]), var([2.0])], lr=0.1)
    with pytest.raises(ValueError):
        two_params.load_state_dict(saved)


# ------------------------------------------------------------------ bad arguments
BAD = {
    "SGD negative lr": lambda ps: SGD(ps, lr=-0.1),
    "SGD negative momentum": lambda ps: SGD(ps, lr=0.1, momentum=-0.5),
    "SGD negative weight_decay": lambda ps: SGD(ps, lr=0.1, weight_decay=-1.0),
    "SGD nesterov without momentum": lambda ps: SGD(ps, lr=0.1, nesterov=True),
    "SGD nesterov with dampening": lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    "Adam negative lr": lambda ps: Adam(ps, lr=-1e-3),
    "Adam negative eps": lambda ps: Adam(ps, eps=-1e-8),
    "Adam beta1 = 1": lambda ps: Adam(ps, betas=(1.0, 0.999)),
    "Adam beta1 < 0": lambda ps: Adam(ps, betas=(-0.1, 0.999)),
    "Adam beta2 = 1": lambda ps: Adam(ps, betas=(0.9, 1.0)),
    "Adam beta2 > 1": lambda ps: Adam(ps, betas=(0.9, 1.5)),
    "Adam negative weight_decay": lambda ps: Adam(ps, weight_decay=-0.1),
    "AdamW negative lr": lambda ps: AdamW(ps, lr=-1e-3),
    "AdamW bad betas": lambda ps: AdamW(ps, betas=(0.9, -0.1)),
    "RMSprop negative lr": lambda ps: RMSprop(ps, lr=-0.01),
    "RMSprop negative alpha": lambda ps: RMSprop(ps, alpha=-0.5),
    "RMSprop negative eps": lambda ps: RMSprop(ps, eps=-1.0),
    "RMSprop negative momentum": lambda ps: RMSprop(ps, momentum=-0.5),
    "RMSprop negative weight_decay": lambda ps: RMSprop(ps, weight_decay=-0.5),
    "Adagrad negative lr": lambda ps: Adagrad(ps, lr=-0.01),
    "Adagrad negative lr_decay": lambda ps: Adagrad(ps, lr_decay=-0.1),
    "Adagrad negative weight_decay": lambda ps: Adagrad(ps, weight_decay=-0.1),
    "Adagrad negative initial_accumulator_value": lambda ps: Adagrad(ps, initial_accumulator_value=-0.1),
    "Adagrad negative eps": lambda ps: Adagrad(ps, eps=-1e-10),
}


@pytest.mark.parametrize("make", BAD.values(), ids=BAD.keys())
def test_bad_arguments_raise_value_error(make):
    with pytest.raises(ValueError):
        make([var([1.0])])


def test_zero_lr_is_allowed():
    p = var([1.0])
    opt = SGD([p], lr=0.0)
    p.grad = grad([1.0])
    opt.step()
    assert flat(p) == [1.0]


def test_only_leaf_variables_can_be_optimized():
    p = var([1.0])
    with pytest.raises(TypeError):
        SGD([p * 2], lr=0.1)


def test_zero_grad_set_to_none_false_zeroes_the_same_gradient_in_place():
    a = var([1.0, 2.0])
    opt = SGD([a], lr=0.1)
    a.grad = grad([1.0, 1.0])
    held = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is held  # as PyTorch: whoever holds the gradient sees the zeros
    assert flat(held.data if isinstance(held, Variable) else held) == [0.0, 0.0]


def test_a_step_between_forward_and_backward_is_refused():
    # the step changes w in place; backward through the old graph would use the new w
    w = var([1.0, 2.0])
    x = tt.tensor([3.0, 4.0])
    loss = (w * w * x).sum()
    w.grad = grad([1.0, 1.0])
    SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match="changed in place"):
        loss.backward()


def test_a_parameter_listed_twice_in_a_group_warns():
    p = var([1.0])
    with pytest.warns(UserWarning, match="more than once"):
        SGD([p, p], lr=0.1)
