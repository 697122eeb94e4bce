"""Optimizers, schedulers and gradient clipping against PyTorch (float64), step for step.

Each optimizer configuration starts from the same weights on both sides and
gets the same sequence of gradients (``.grad`` set by hand), so the updates
are compared without autograd in the way: the parameters after every step,
and the state buffers that have the same name (``momentum_buffer``,
``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq``, ``square_avg``,
``grad_avg``, ``sum``) and the step count. Schedules are written once as
``lambda L, opt: L.StepLR(opt, ...)`` with ``L`` either library's
``lr_scheduler`` module.
"""

import math

import pytest

torch = pytest.importorskip("torch")

from _nn_parity import assert_same, from_torch, generator  # noqa: E402

from tinytorch import optim as tto  # noqa: E402
from tinytorch.autograd import Variable  # noqa: E402
from tinytorch.nn import utils as ttu  # noqa: E402
from tinytorch.optim import lr_scheduler as tls  # noqa: E402

RTOL = 1e-12
ATOL = 1e-14
STEPS = 6
SHAPES = [(2, 3), (4,)]
BUFFERS = ("momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "grad_avg", "sum")
OPTIMIZERS = {"SGD": (tto.SGD, torch.optim.SGD), "Adam": (tto.Adam, torch.optim.Adam),
              "AdamW": (tto.AdamW, torch.optim.AdamW), "RMSprop": (tto.RMSprop, torch.optim.RMSprop),
              "Adagrad": (tto.Adagrad, torch.optim.Adagrad)}


# ------------------------------------------------------------------ helpers
def weights(key, shapes=SHAPES):
    g = generator("weights", key)
    return [torch.randn(s, generator=g, dtype=torch.float64) for s in shapes]


def gradient_sequence(key, shapes=SHAPES, steps=STEPS):
    g = generator("grads", key)
    return [[torch.randn(s, generator=g, dtype=torch.float64) for s in shapes] for _ in range(steps)]


def leaf_pairs(tensors):
    ours = [Variable(from_torch(t), requires_grad=True) for t in tensors]
    theirs = [t.clone().requires_grad_(True) for t in tensors]
    return ours, theirs


def set_grad(p, q, g):
    if g is None:
        p.grad, q.grad = None, None
    else:
        p.grad, q.grad = Variable(from_torch(g)), g.clone()


def compare(ours_opt, torch_opt, ours, theirs, where):
    for i, (p, q) in enumerate(zip(ours, theirs)):
        assert_same(p, q, RTOL, ATOL, what=f"{where}: parameter {i}")
        mine, yours = ours_opt.state.get(p, {}), torch_opt.state.get(q, {})
        for name in BUFFERS:
            theirs_buf = yours.get(name)
            if theirs_buf is None:
                assert mine.get(name) is None, f"{where}: parameter {i} has a {name} that PyTorch has not"
                continue
            assert mine.get(name) is not None, f"{where}: parameter {i} has no {name}; PyTorch has one"
            assert_same(mine[name], theirs_buf, RTOL, ATOL, what=f"{where}: {name} of parameter {i}")
        if "step" in yours:
            assert float(mine.get("step", 0)) == float(yours["step"]), f"{where}: step of parameter {i}"


def run_steps(ours_opt, torch_opt, ours, theirs, grads, where):
    for k, step_grads in enumerate(grads, start=1):
        for p, q, g in zip(ours, theirs, step_grads):
            set_grad(p, q, g)
        ours_opt.step()
        torch_opt.step()
        compare(ours_opt, torch_opt, ours, theirs, f"{where}, step {k}")


# ------------------------------------------------------------------ every configuration, step for step
CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.2, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.5, 0.6))),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, betas=(0.9, 0.5), amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, eps=1e-3)),
    ("Adam", dict(lr=0.01, maximize=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.0, 0.0))),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.5)),
    ("AdamW", dict(lr=0.01, amsgrad=True, betas=(0.8, 0.5))),
    ("AdamW", dict(lr=0.01, weight_decay=0.0)),
    ("AdamW", dict(lr=0.01, maximize=True, amsgrad=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
    ("RMSprop", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1, alpha=0.8)),
    ("RMSprop", dict(lr=0.01, eps=1e-2, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.1)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1, eps=1e-4)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
]


def config_id(config):
    name, kw = config
    return name + "(" + ", ".join(f"{k}={v}" for k, v in kw.items()) + ")"


@pytest.mark.parametrize("config", CONFIGS, ids=[config_id(c) for c in CONFIGS])
def test_optimizer_step_for_step(config):
    name, kw = config
    ours_cls, torch_cls = OPTIMIZERS[name]
    ours, theirs = leaf_pairs(weights(config_id(config)))
    ours_opt, torch_opt = ours_cls(ours, **kw), torch_cls(theirs, **kw)
    run_steps(ours_opt, torch_opt, ours, theirs, gradient_sequence(config_id(config)), config_id(config))


def test_default_options_as_pytorch():
    for name, (ours_cls, torch_cls) in OPTIMIZERS.items():
        ours = ours_cls([Variable(from_torch(torch.zeros(1)), requires_grad=True)])
        theirs = torch_cls([torch.zeros(1, requires_grad=True)])
        for key, value in ours.defaults.items():
            assert key in theirs.defaults, f"{name}: option {key} unknown to PyTorch"
            assert value == theirs.defaults[key] or (isinstance(value, tuple) and list(value) == list(theirs.defaults[key])), (
                f"{name}: default {key} = {value!r}, PyTorch {theirs.defaults[key]!r}"
            )


# ------------------------------------------------------------------ groups, missing grads, zero_grad
GROUP_OPTIONS = {
    "SGD": ({"lr": 0.1, "momentum": 0.9}, {"lr": 0.01, "nesterov": True, "momentum": 0.5}, dict(lr=0.05)),
    "Adam": ({"betas": (0.5, 0.9)}, {"lr": 0.05, "amsgrad": True}, dict(lr=0.01)),
    "AdamW": ({"weight_decay": 0.5}, {"lr": 0.05}, dict(lr=0.01)),
    "RMSprop": ({"centered": True}, {"lr": 0.05, "momentum": 0.9}, dict(lr=0.01)),
    "Adagrad": ({"lr_decay": 0.1}, {"lr": 0.5}, dict(lr=0.1)),
}


@pytest.mark.parametrize("name", list(GROUP_OPTIONS))
def test_two_param_groups_with_own_options(name):
    ours_cls, torch_cls = OPTIMIZERS[name]
    first, second, kw = GROUP_OPTIONS[name]
    ours, theirs = leaf_pairs(weights(("groups", name)))
    ours_opt = ours_cls([{"params": [ours[0]], **first}, {"params": [ours[1]], **second}], **kw)
    torch_opt = torch_cls([{"params": [theirs[0]], **first}, {"params": [theirs[1]], **second}], **kw)
    run_steps(ours_opt, torch_opt, ours, theirs, gradient_sequence(("groups", name)), f"{name} groups")


@pytest.mark.parametrize("name", list(GROUP_OPTIONS))
def test_add_param_group(name):
    ours_cls, torch_cls = OPTIMIZERS[name]
    first, second, kw = GROUP_OPTIONS[name]
    ours, theirs = leaf_pairs(weights(("add", name)))
    grads = gradient_sequence(("add", name))
    ours_opt = ours_cls([{"params": [ours[0]], **first}], **kw)
    torch_opt = torch_cls([{"params": [theirs[0]], **first}], **kw)
    run_steps(ours_opt, torch_opt, ours[:1], theirs[:1], [g[:1] for g in grads[:2]], f"{name} before adding")
    ours_opt.add_param_group({"params": [ours[1]], **second})
    torch_opt.add_param_group({"params": [theirs[1]], **second})
    assert {k: v for k, v in ours_opt.param_groups[1].items() if k != "params"}.items() <= {
        k: v for k, v in torch_opt.param_groups[1].items() if k != "params"}.items()
    run_steps(ours_opt, torch_opt, ours, theirs, grads[2:], f"{name} after adding")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_parameters_without_grad_some_steps(name):
    ours_cls, torch_cls = OPTIMIZERS[name]
    kw = {"SGD": dict(lr=0.1, momentum=0.9, weight_decay=0.1), "Adam": dict(lr=0.1, weight_decay=0.1),
          "AdamW": dict(lr=0.1), "RMSprop": dict(lr=0.1, momentum=0.5, centered=True),
          "Adagrad": dict(lr=0.1, lr_decay=0.1)}[name]
    ours, theirs = leaf_pairs(weights(("none", name)))
    grads = gradient_sequence(("none", name))
    pattern = [(True, False), (True, False), (False, True), (True, True), (False, False), (True, True)]
    grads = [[g if keep else None for g, keep in zip(step, keeps)] for step, keeps in zip(grads, pattern)]
    run_steps(ours_cls(ours, **kw), torch_cls(theirs, **kw), ours, theirs, grads, f"{name} missing grads")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_zero_grad_then_step(name):
    ours_cls, torch_cls = OPTIMIZERS[name]
    kw = {"SGD": dict(lr=0.1, momentum=0.9), "Adam": dict(lr=0.1), "AdamW": dict(lr=0.1),
          "RMSprop": dict(lr=0.1, momentum=0.5), "Adagrad": dict(lr=0.1)}[name]
    ours, theirs = leaf_pairs(weights(("zero", name)))
    ours_opt, torch_opt = ours_cls(ours, **kw), torch_cls(theirs, **kw)
    run_steps(ours_opt, torch_opt, ours, theirs, gradient_sequence(("zero", name))[:2], f"{name} before zero_grad")
    ours_opt.zero_grad(set_to_none=False)
    torch_opt.zero_grad(set_to_none=False)
    for p, q in zip(ours, theirs):
        assert_same(p.grad, q.grad, what="zeroed gradient")
    for k in range(2):
        ours_opt.step()
        torch_opt.step()
        compare(ours_opt, torch_opt, ours, theirs, f"{name} zero-gradient step {k + 1}")
    ours_opt.zero_grad()
    torch_opt.zero_grad()
    assert all(p.grad is None for p in ours) and all(q.grad is None for q in theirs)


# ------------------------------------------------------------------ state_dict
STATE_CONFIGS = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01, amsgrad=True, betas=(0.9, 0.5))),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
]


@pytest.mark.parametrize("config", STATE_CONFIGS, ids=[config_id(c) for c in STATE_CONFIGS])
def test_state_dict_layout_and_resume(config):
    name, kw = config
    ours_cls, torch_cls = OPTIMIZERS[name]
    ours, theirs = leaf_pairs(weights(("state", name)))
    grads = gradient_sequence(("state", name))
    ours_opt, torch_opt = ours_cls(ours, **kw), torch_cls(theirs, **kw)
    run_steps(ours_opt, torch_opt, ours, theirs, grads[:3], f"{name} before saving")
    mine, yours = ours_opt.state_dict(), torch_opt.state_dict()
    assert set(mine) == set(yours) == {"state", "param_groups"}
    assert sorted(mine["state"]) == sorted(yours["state"])
    for index in yours["state"]:
        names = {k for k in yours["state"][index] if k in BUFFERS or k == "step"}
        assert names <= set(mine["state"][index]), f"state {index}: {sorted(mine['state'][index])} lacks {names}"
        for buf in names - {"step"}:
            assert_same(mine["state"][index][buf], yours["state"][index][buf], RTOL, ATOL, what=f"saved {buf}")
    for g_mine, g_yours in zip(mine["param_groups"], yours["param_groups"]):
        assert g_mine["params"] == g_yours["params"]
        for key, value in g_mine.items():
            if key in g_yours and key != "params":
                assert value == g_yours[key] or list(value) == list(g_yours[key]), key

    # resume in fresh optimizers from the saved states: both go on as the originals would
    ours2, theirs2 = leaf_pairs([q.detach() for q in theirs])
    ours_opt2, torch_opt2 = ours_cls(ours2, **kw), torch_cls(theirs2, **kw)
    ours_opt2.load_state_dict(mine)
    torch_opt2.load_state_dict(yours)
    run_steps(ours_opt2, torch_opt2, ours2, theirs2, grads[3:], f"{name} resumed")


# ------------------------------------------------------------------ bad arguments
BAD = [
    ("SGD", dict(lr=-0.1)),
    ("SGD", dict(lr=0.1, momentum=-0.1)),
    ("SGD", dict(lr=0.1, weight_decay=-0.1)),
    ("SGD", dict(lr=0.1, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", dict(lr=-0.1)),
    ("Adam", dict(eps=-1.0)),
    ("Adam", dict(betas=(1.0, 0.9))),
    ("Adam", dict(betas=(-0.5, 0.9))),
    ("Adam", dict(betas=(0.9, 1.0))),
    ("Adam", dict(weight_decay=-0.1)),
    ("AdamW", dict(lr=-0.1)),
    ("AdamW", dict(betas=(0.9, 2.0))),
    ("RMSprop", dict(lr=-0.1)),
    ("RMSprop", dict(alpha=-0.1)),
    ("RMSprop", dict(eps=-0.1)),
    ("RMSprop", dict(momentum=-0.1)),
    ("RMSprop", dict(weight_decay=-0.1)),
    ("Adagrad", dict(lr=-0.1)),
    ("Adagrad", dict(lr_decay=-0.1)),
    ("Adagrad", dict(weight_decay=-0.1)),
    ("Adagrad", dict(initial_accumulator_value=-0.1)),
    ("Adagrad", dict(eps=-0.1)),
]


@pytest.mark.parametrize("config", BAD, ids=[config_id(c) for c in BAD])
def test_bad_arguments_raise_as_pytorch(config):
    name, kw = config
    ours_cls, torch_cls = OPTIMIZERS[name]
    with pytest.raises(ValueError):
        torch_cls([torch.zeros(1, requires_grad=True)], **kw)
    with pytest.raises(ValueError):
        ours_cls([Variable(from_torch(torch.zeros(1)), requires_grad=True)], **kw)


def test_empty_parameter_list_raises_as_pytorch():
    with pytest.raises(ValueError):
        torch.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError):
        tto.SGD([], lr=0.1)


# ------------------------------------------------------------------ schedules
def optimizer_pair(kind="SGD", lrs=(1.0, 0.1)):
    """Two parameter groups with different rates, in each library."""
    ours = [Variable(from_torch(torch.zeros(2)), requires_grad=True) for _ in lrs]
    theirs = [torch.zeros(2, requires_grad=True) for _ in lrs]
    ours_cls, torch_cls = OPTIMIZERS[kind]
    kw = {"SGD": dict(momentum=0.9), "Adam": dict(betas=(0.9, 0.99))}.get(kind, {})
    ours_opt = ours_cls([{"params": [p], "lr": lr} for p, lr in zip(ours, lrs)], **kw)
    torch_opt = torch_cls([{"params": [q], "lr": lr} for q, lr in zip(theirs, lrs)], **kw)
    return ours_opt, torch_opt


def group_values(opt):
    out = []
    for g in opt.param_groups:
        out.append((g["lr"], g.get("momentum"), tuple(g["betas"]) if "betas" in g else None))
    return out


def assert_values_close(mine, yours, where):
    for (lr_m, mom_m, b_m), (lr_y, mom_y, b_y) in zip(mine, yours):
        assert math.isclose(lr_m, lr_y, rel_tol=RTOL, abs_tol=1e-15), f"{where}: lr {lr_m!r} != torch {lr_y!r}"
        if mom_y is not None:
            assert math.isclose(mom_m, mom_y, rel_tol=RTOL, abs_tol=1e-15), f"{where}: momentum {mom_m!r} != {mom_y!r}"
        if b_y is not None:
            assert all(math.isclose(a, b, rel_tol=RTOL) for a, b in zip(b_m, b_y)), f"{where}: betas {b_m} != {b_y}"


SCHEDULES = {
    "StepLR": lambda L, o: L.StepLR(o, step_size=3, gamma=0.5),
    "StepLR default gamma": lambda L, o: L.StepLR(o, step_size=4),
    "MultiStepLR": lambda L, o: L.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.3),
    "MultiStepLR repeated": lambda L, o: L.MultiStepLR(o, milestones=[6, 3, 3], gamma=0.5),
    "ExponentialLR": lambda L, o: L.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda L, o: L.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
    "CosineAnnealingLR T_max 12": lambda L, o: L.CosineAnnealingLR(o, T_max=12),
    "CosineAnnealingLR T_max 3": lambda L, o: L.CosineAnnealingLR(o, T_max=3, eta_min=0.001),
    "LambdaLR": lambda L, o: L.LambdaLR(o, lambda e: 1 / (e + 1)),
    "LambdaLR per group": lambda L, o: L.LambdaLR(o, [lambda e: 0.5**e, lambda e: 1 + e]),
    "LinearLR": lambda L, o: L.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=4),
    "LinearLR decay": lambda L, o: L.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=7),
    "LinearLR defaults": lambda L, o: L.LinearLR(o),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=15),
    "OneCycleLR per-group max_lr": lambda L, o: L.OneCycleLR(o, max_lr=[1.0, 0.3], total_steps=15),
    "OneCycleLR linear": lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=15, anneal_strategy="linear",
                                                   pct_start=0.4),
    "OneCycleLR three-phase cos": lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=15, three_phase=True),
    "OneCycleLR three-phase linear": lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=15, three_phase=True,
                                                               anneal_strategy="linear", pct_start=0.25),
    "OneCycleLR epochs": lambda L, o: L.OneCycleLR(o, max_lr=0.5, epochs=3, steps_per_epoch=5,
                                                   div_factor=10.0, final_div_factor=100.0),
    "OneCycleLR momenta": lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=15, base_momentum=0.7,
                                                    max_momentum=0.99),
    "OneCycleLR no momentum": lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=15, cycle_momentum=False),
}


@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_schedule_sequence(schedule, kind):
    epochs = 15
    ours_opt, torch_opt = optimizer_pair(kind)
    ours = SCHEDULES[schedule](tls, ours_opt)
    theirs = SCHEDULES[schedule](torch.optim.lr_scheduler, torch_opt)
    for epoch in range(epochs):
        where = f"{schedule} with {kind}, epoch {epoch}"
        assert_values_close(group_values(ours_opt), group_values(torch_opt), where)
        assert len(ours.get_last_lr()) == 2
        for a, b in zip(ours.get_last_lr(), theirs.get_last_lr()):
            assert math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-15), f"{where}: get_last_lr {a!r} != {b!r}"
        ours_opt.step()
        torch_opt.step()
        ours.step()
        theirs.step()
    assert ours.last_epoch == theirs.last_epoch


def test_one_cycle_past_total_steps_raises_as_pytorch():
    ours_opt, torch_opt = optimizer_pair()
    ours = tls.OneCycleLR(ours_opt, max_lr=1.0, total_steps=5)
    theirs = torch.optim.lr_scheduler.OneCycleLR(torch_opt, max_lr=1.0, total_steps=5)
    for _ in range(5):
        ours.step()
        theirs.step()
    assert math.isclose(ours.get_last_lr()[0], theirs.get_last_lr()[0], rel_tol=RTOL)
    with pytest.raises(ValueError):
        theirs.step()
    with pytest.raises(ValueError):
        ours.step()


def test_one_cycle_per_group_momentum_lists():
    ours_opt, torch_opt = optimizer_pair()
    kw = dict(max_lr=1.0, total_steps=10, base_momentum=[0.8, 0.6], max_momentum=[0.9, 0.95])
    ours = tls.OneCycleLR(ours_opt, **kw)
    theirs = torch.optim.lr_scheduler.OneCycleLR(torch_opt, **kw)
    for epoch in range(10):
        assert_values_close(group_values(ours_opt), group_values(torch_opt), f"epoch {epoch}")
        ours.step()
        theirs.step()


@pytest.mark.parametrize(
    "make",
    [
        lambda L, o: L.OneCycleLR(o, max_lr=1.0),
        lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=0),
        lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="cubic"),
        lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=1.5),
        lambda L, o: L.LinearLR(o, start_factor=0.0),
        lambda L, o: L.LinearLR(o, end_factor=1.5),
        lambda L, o: L.LambdaLR(o, [lambda e: 1.0]),
    ],
    ids=["OneCycle no length", "OneCycle zero steps", "OneCycle bad anneal", "OneCycle pct_start 1.5",
         "LinearLR start 0", "LinearLR end 1.5", "LambdaLR one lambda for two groups"],
)
def test_schedule_bad_arguments_as_pytorch(make):
    ours_opt, torch_opt = optimizer_pair()
    with pytest.raises(ValueError):
        make(torch.optim.lr_scheduler, torch_opt)
    with pytest.raises(ValueError):
        make(tls, ours_opt)


def test_one_cycle_momentum_needs_an_optimizer_with_momentum_as_pytorch():
    ours_opt, torch_opt = optimizer_pair("Adagrad")
    with pytest.raises(ValueError):
        torch.optim.lr_scheduler.OneCycleLR(torch_opt, max_lr=1.0, total_steps=10)
    with pytest.raises(ValueError):
        tls.OneCycleLR(ours_opt, max_lr=1.0, total_steps=10)


@pytest.mark.parametrize("schedule", ["StepLR", "CosineAnnealingLR", "LinearLR", "OneCycleLR"])
def test_schedule_resumed_from_state_dict(schedule):
    ours_opt, torch_opt = optimizer_pair()
    ours = SCHEDULES[schedule](tls, ours_opt)
    theirs = SCHEDULES[schedule](torch.optim.lr_scheduler, torch_opt)
    for _ in range(5):
        ours_opt.step()
        torch_opt.step()
        ours.step()
        theirs.step()
    saved, opt_saved = ours.state_dict(), ours_opt.state_dict()
    ours_opt2, _ = optimizer_pair()
    ours2 = SCHEDULES[schedule](tls, ours_opt2)
    ours_opt2.load_state_dict(opt_saved)
    ours2.load_state_dict(saved)
    for epoch in range(5, 14):
        assert_values_close(group_values(ours_opt2), group_values(torch_opt), f"resumed, epoch {epoch}")
        ours_opt2.step()
        torch_opt.step()
        ours2.step()
        theirs.step()


def test_one_cycle_drives_sgd_momentum_updates():
    # the schedule changes lr and momentum every step; the parameters must follow PyTorch's
    ours, theirs = leaf_pairs(weights("onecycle-sgd"))
    ours_opt = tto.SGD(ours, lr=0.1, momentum=0.9, nesterov=True)
    torch_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, nesterov=True)
    ours_s = tls.OneCycleLR(ours_opt, max_lr=0.5, total_steps=12)
    torch_s = torch.optim.lr_scheduler.OneCycleLR(torch_opt, max_lr=0.5, total_steps=12)
    for k, step_grads in enumerate(gradient_sequence("onecycle-sgd", steps=12)):
        for p, q, g in zip(ours, theirs, step_grads):
            set_grad(p, q, g)
        ours_opt.step()
        torch_opt.step()
        compare(ours_opt, torch_opt, ours, theirs, f"OneCycle SGD step {k + 1}")
        ours_s.step()
        torch_s.step()


def test_one_cycle_drives_adam_beta1_updates():
    ours, theirs = leaf_pairs(weights("onecycle-adam"))
    ours_opt, torch_opt = tto.Adam(ours, lr=0.01), torch.optim.Adam(theirs, lr=0.01)
    ours_s = tls.OneCycleLR(ours_opt, max_lr=0.05, total_steps=12, three_phase=True)
    torch_s = torch.optim.lr_scheduler.OneCycleLR(torch_opt, max_lr=0.05, total_steps=12, three_phase=True)
    for k, step_grads in enumerate(gradient_sequence("onecycle-adam", steps=12)):
        for p, q, g in zip(ours, theirs, step_grads):
            set_grad(p, q, g)
        ours_opt.step()
        torch_opt.step()
        compare(ours_opt, torch_opt, ours, theirs, f"OneCycle Adam step {k + 1}")
        ours_s.step()
        torch_s.step()


def test_step_lr_drives_adamw_updates():
    ours, theirs = leaf_pairs(weights("steplr-adamw"))
    ours_opt, torch_opt = tto.AdamW(ours, lr=0.05), torch.optim.AdamW(theirs, lr=0.05)
    ours_s = tls.StepLR(ours_opt, step_size=2, gamma=0.5)
    torch_s = torch.optim.lr_scheduler.StepLR(torch_opt, step_size=2, gamma=0.5)
    for k, step_grads in enumerate(gradient_sequence("steplr-adamw", steps=8)):
        for p, q, g in zip(ours, theirs, step_grads):
            set_grad(p, q, g)
        ours_opt.step()
        torch_opt.step()
        compare(ours_opt, torch_opt, ours, theirs, f"StepLR AdamW step {k + 1}")
        ours_s.step()
        torch_s.step()


# ------------------------------------------------------------------ ReduceLROnPlateau
FALLING = [5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2.9999, 2.5, 2.5, 2.5, 2.5, 2.5]
NOISY = [1.0, 0.9, 0.95, 0.89, 0.91, 0.895, 0.8, 0.85, 0.81, 0.805, 0.804, 0.9, 0.7, 0.75, 0.72, 0.71, 0.71, 0.71]
RISING = [0.1, 0.2, 0.25, 0.25, 0.24, 0.26, 0.3, 0.3, 0.29, 0.31, 0.305, 0.4, 0.4, 0.4, 0.4, 0.39, 0.38, 0.41]
PLATEAUS = [
    ("min patience 2", FALLING, dict(factor=0.5, patience=2)),
    ("min default", FALLING, dict()),
    ("min patience 0", NOISY, dict(patience=0, factor=0.5)),
    ("min cooldown", FALLING, dict(patience=1, cooldown=2, factor=0.5)),
    ("min rel threshold", NOISY, dict(patience=1, threshold=0.05, factor=0.5)),
    ("min abs threshold", NOISY, dict(patience=1, threshold=0.02, threshold_mode="abs", factor=0.5)),
    ("min min_lr", FALLING, dict(patience=0, factor=0.1, min_lr=0.003)),
    ("min min_lr per group", FALLING, dict(patience=0, factor=0.1, min_lr=[0.05, 0.0005])),
    ("min eps", FALLING, dict(patience=0, factor=0.9, eps=0.05)),
    ("max", RISING, dict(mode="max", patience=1, factor=0.5)),
    ("max rel threshold", RISING, dict(mode="max", patience=1, threshold=0.1, factor=0.5, cooldown=1)),
    ("max abs threshold", RISING, dict(mode="max", patience=0, threshold=0.02, threshold_mode="abs")),
    ("max on a falling metric", FALLING, dict(mode="max", patience=2, factor=0.5)),
]


@pytest.mark.parametrize("name, metrics, kw", PLATEAUS, ids=[p[0] for p in PLATEAUS])
def test_reduce_lr_on_plateau_sequence(name, metrics, kw):
    ours_opt, torch_opt = optimizer_pair()
    ours = tls.ReduceLROnPlateau(ours_opt, **kw)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_opt, **kw)
    for epoch, m in enumerate(metrics):
        ours_opt.step()
        torch_opt.step()
        ours.step(m)
        theirs.step(m)
        where = f"{name}, epoch {epoch}, metric {m}"
        assert_values_close(group_values(ours_opt), group_values(torch_opt), where)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=RTOL), where
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter) == (
            theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter), where


@pytest.mark.parametrize("kw", [dict(factor=1.0), dict(factor=1.5), dict(mode="median"), dict(threshold_mode="pct"),
                                dict(min_lr=[0.1, 0.1, 0.1])],
                         ids=["factor 1", "factor 1.5", "mode", "threshold_mode", "min_lr list of 3 for 2 groups"])
def test_reduce_lr_on_plateau_bad_arguments_as_pytorch(kw):
    ours_opt, torch_opt = optimizer_pair()
    with pytest.raises(ValueError):
        torch.optim.lr_scheduler.ReduceLROnPlateau(torch_opt, **kw)
    with pytest.raises(ValueError):
        tls.ReduceLROnPlateau(ours_opt, **kw)


# ------------------------------------------------------------------ clipping and flattening
def grad_pairs(key, shapes=((3, 4), (5,), (2, 1, 2)), scale=1.0):
    ours, theirs = leaf_pairs(weights(key, shapes))
    for p, q, g in zip(ours, theirs, gradient_sequence(key, shapes, steps=1)[0]):
        set_grad(p, q, g * scale)
    return ours, theirs


def compare_grads(ours, theirs, what):
    for i, (p, q) in enumerate(zip(ours, theirs)):
        assert_same(p.grad, q.grad, RTOL, ATOL, what=f"{what}: gradient {i}")


@pytest.mark.parametrize("norm_type", [0.5, 1, 2, 3.0, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 2.0, 1e3])
def test_clip_grad_norm(norm_type, max_norm):
    ours, theirs = grad_pairs(("clip", norm_type))
    total_mine = ttu.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    total_yours = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert_same(total_mine, total_yours, RTOL, ATOL, what="total norm")
    compare_grads(ours, theirs, f"clip_grad_norm_({max_norm}, {norm_type})")


def test_clip_grad_norm_skips_parameters_without_grad():
    ours, theirs = grad_pairs("clip-none")
    ours[1].grad, theirs[1].grad = None, None
    assert_same(ttu.clip_grad_norm_(ours, 1.0), torch.nn.utils.clip_grad_norm_(theirs, 1.0), RTOL, ATOL)
    assert ours[1].grad is None and theirs[1].grad is None
    compare_grads([ours[0], ours[2]], [theirs[0], theirs[2]], "with a missing gradient")


def test_clip_grad_norm_single_tensor_and_empty():
    ours, theirs = grad_pairs("clip-single")
    assert_same(ttu.clip_grad_norm_(ours[0], 0.1), torch.nn.utils.clip_grad_norm_(theirs[0], 0.1), RTOL, ATOL)
    compare_grads(ours[:1], theirs[:1], "single tensor")
    assert_same(ttu.clip_grad_norm_([], 1.0), torch.nn.utils.clip_grad_norm_([], 1.0), RTOL, ATOL)


def nonfinite_grads(key, bad):
    ours, theirs = grad_pairs(key)
    theirs[0].grad[1, 2] = bad
    ours[0].grad = Variable(from_torch(theirs[0].grad))
    return ours, theirs


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("norm_type", [1.0, 2.0, math.inf])
def test_clip_grad_norm_nonfinite(bad, norm_type):
    # error_if_nonfinite=False (the default): PyTorch still clips, with a coefficient of
    # max_norm / (total + 1e-6): 0 for an infinite total, nan for a nan total
    ours, theirs = nonfinite_grads(("nonfinite", bad, norm_type), bad)
    total_yours = torch.nn.utils.clip_grad_norm_(theirs, 1.0, norm_type=norm_type)
    total_mine = ttu.clip_grad_norm_(ours, 1.0, norm_type=norm_type)
    assert_same(total_mine, total_yours, RTOL, ATOL, what="total norm")
    compare_grads(ours, theirs, f"non-finite {bad}, norm {norm_type}")


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("norm_type", [1.0, 2.0, math.inf])
def test_clip_grad_norm_error_if_nonfinite(bad, norm_type):
    ours, theirs = nonfinite_grads(("nonfinite-error", bad, norm_type), bad)
    with pytest.raises(RuntimeError):
        torch.nn.utils.clip_grad_norm_(theirs, 1.0, norm_type=norm_type, error_if_nonfinite=True)
    with pytest.raises(RuntimeError):
        ttu.clip_grad_norm_(ours, 1.0, norm_type=norm_type, error_if_nonfinite=True)


@pytest.mark.parametrize("clip_value", [0.1, 0.5, 10.0])
def test_clip_grad_value(clip_value):
    ours, theirs = grad_pairs(("value", clip_value))
    assert ttu.clip_grad_value_(ours, clip_value) is None
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    compare_grads(ours, theirs, f"clip_grad_value_({clip_value})")


def test_parameters_to_vector():
    ours, theirs = leaf_pairs(weights("p2v", ((3, 4), (5,), (2, 1, 2))))
    assert_same(ttu.parameters_to_vector(ours), torch.nn.utils.parameters_to_vector(theirs), 0, 0)


def test_vector_to_parameters():
    shapes = ((3, 4), (5,), (2, 1, 2))
    ours, theirs = leaf_pairs(weights("v2p", shapes))
    vec = torch.randn(21, generator=generator("v2p-vec"), dtype=torch.float64)
    ttu.vector_to_parameters(from_torch(vec), ours)
    torch.nn.utils.vector_to_parameters(vec, theirs)
    for i, (p, q) in enumerate(zip(ours, theirs)):
        assert_same(p, q, 0, 0, what=f"parameter {i}")
    assert_same(ttu.parameters_to_vector(ours), vec, 0, 0)


def test_vector_to_parameters_needs_a_tensor_as_pytorch():
    ours, theirs = leaf_pairs(weights("v2p-type", ((2,),)))
    with pytest.raises(TypeError):
        torch.nn.utils.vector_to_parameters([1.0, 2.0], theirs)
    with pytest.raises(TypeError):
        ttu.vector_to_parameters([1.0, 2.0], ours)
