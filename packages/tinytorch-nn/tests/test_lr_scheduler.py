"""tinytorch.optim.lr_scheduler: each schedule's learning-rate sequence, worked out by hand.

The expected sequences are written out as numbers, or computed with ``math``
from the schedule's definition; PyTorch's own sequences are compared in
``parity/test_parity_optim.py``.
"""

import math

import pytest
from nn_helpers import var

import tinytorch.core as tt
from tinytorch.autograd import Variable
from tinytorch.optim import SGD, Adagrad, Adam, lr_scheduler
from tinytorch.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    StepLR,
)


def sgd(lr=1.0, momentum=0.0, groups=None):
    if groups is not None:
        return SGD([{"params": [var([0.0])], **g} for g in groups], lr=lr, momentum=momentum)
    return SGD([var([0.0])], lr=lr, momentum=momentum)


def lrs(scheduler, epochs=12, group=0):
    """The rate of each epoch: read, then optimizer.step() and scheduler.step(), as a training loop."""
    out = []
    for _ in range(epochs):
        out.append(scheduler.get_last_lr()[group])
        assert scheduler.optimizer.param_groups[group]["lr"] == out[-1]
        scheduler.optimizer.step()
        scheduler.step()
    return out


def close(got, want, rel=1e-12, abs_tol=1e-15):
    assert len(got) == len(want), f"{len(got)} values, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert math.isclose(g, w, rel_tol=rel, abs_tol=abs_tol), f"epoch {i}: got {g!r}, expected {w!r}\n got: {got}\nwant: {want}"


# ------------------------------------------------------------------ StepLR, MultiStepLR, ExponentialLR
def test_step_lr():
    s = StepLR(sgd(1.0), step_size=3, gamma=0.5)
    close(lrs(s), [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125])


def test_step_lr_default_gamma_and_other_base():
    s = StepLR(sgd(0.2), step_size=5)
    close(lrs(s), [0.2] * 5 + [0.02] * 5 + [0.002] * 2)


def test_multistep_lr():
    s = MultiStepLR(sgd(1.0), milestones=[2, 5, 9], gamma=0.1)
    close(lrs(s), [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001])


def test_multistep_lr_unsorted_and_repeated_milestones():
    # a milestone given twice multiplies by gamma twice (PyTorch counts them)
    s = MultiStepLR(sgd(1.0), milestones=[6, 3, 3], gamma=0.5)
    close(lrs(s, 8), [1, 1, 1, 0.25, 0.25, 0.25, 0.125, 0.125])


def test_exponential_lr():
    s = ExponentialLR(sgd(2.0), gamma=0.9)
    close(lrs(s), [2.0 * 0.9**e for e in range(12)])


# ------------------------------------------------------------------ CosineAnnealingLR
def test_cosine_annealing_quarter_points():
    # T_max = 4: cos(pi e / 4) = 1, sqrt(2)/2, 0, -sqrt(2)/2, -1, then back up
    h = math.sqrt(2) / 2
    s = CosineAnnealingLR(sgd(1.0), T_max=4)
    want = [1, (1 + h) / 2, 0.5, (1 - h) / 2, 0, (1 - h) / 2, 0.5, (1 + h) / 2, 1, (1 + h) / 2, 0.5, (1 - h) / 2]
    close(lrs(s), want)


def test_cosine_annealing_with_eta_min_past_t_max():
    s = CosineAnnealingLR(sgd(0.5), T_max=5, eta_min=0.01)
    want = [0.01 + (0.5 - 0.01) * (1 + math.cos(math.pi * e / 5)) / 2 for e in range(12)]
    close(lrs(s), want)
    assert want[5] == pytest.approx(0.01) and want[10] == pytest.approx(0.5)


# ------------------------------------------------------------------ LambdaLR
def test_lambda_lr_one_function():
    s = LambdaLR(sgd(0.5), lambda e: 1 / (e + 1))
    close(lrs(s), [0.5 / (e + 1) for e in range(12)])


def test_lambda_lr_one_function_per_group():
    opt = sgd(groups=[{"lr": 1.0}, {"lr": 0.1}])
    s = LambdaLR(opt, [lambda e: 0.5**e, lambda e: e + 1])
    seq0, seq1 = [], []
    for _ in range(12):
        seq0.append(s.get_last_lr()[0])
        seq1.append(s.get_last_lr()[1])
        opt.step()
        s.step()
    close(seq0, [0.5**e for e in range(12)])
    close(seq1, [0.1 * (e + 1) for e in range(12)])


def test_lambda_lr_one_function_for_two_groups():
    opt = sgd(groups=[{"lr": 1.0}, {"lr": 0.1}])
    s = LambdaLR(opt, lambda e: 0.9**e)
    for _ in range(4):
        opt.step()
        s.step()
    close(s.get_last_lr(), [0.9**4, 0.1 * 0.9**4])


def test_lambda_lr_wrong_number_of_lambdas():
    opt = sgd(groups=[{"lr": 1.0}, {"lr": 0.1}])
    with pytest.raises(ValueError):
        LambdaLR(opt, [lambda e: 1.0])


# ------------------------------------------------------------------ LinearLR
def test_linear_lr_warm_up():
    # factor 0.25 -> 1 over 4 epochs, in steps of 0.1875, then constant
    s = LinearLR(sgd(2.0), start_factor=0.25, end_factor=1.0, total_iters=4)
    close(lrs(s), [0.5, 0.875, 1.25, 1.625] + [2.0] * 8)


def test_linear_lr_decay():
    s = LinearLR(sgd(1.0), start_factor=1.0, end_factor=0.5, total_iters=5)
    close(lrs(s), [1.0, 0.9, 0.8, 0.7, 0.6] + [0.5] * 7)


def test_linear_lr_defaults():
    s = LinearLR(sgd(3.0))  # 1/3 -> 1 over 5 epochs
    close(lrs(s, 7), [3.0 * (1 / 3 + (2 / 3) * min(e, 5) / 5) for e in range(7)])


@pytest.mark.parametrize("kw", [dict(start_factor=0.0), dict(start_factor=1.5), dict(end_factor=-0.1),
                                dict(end_factor=1.5)])
def test_linear_lr_bad_factors(kw):
    with pytest.raises(ValueError):
        LinearLR(sgd(), **kw)


# ------------------------------------------------------------------ OneCycleLR
def cos_anneal(start, end, pct):
    return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)


def lin_anneal(start, end, pct):
    return start + (end - start) * pct


def one_cycle_ref(step, phases, anneal):
    """``phases``: (end_step, lr_from, lr_to, m_from, m_to), as in the 1cycle paper's schedule."""
    start = 0.0
    for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            pct = (step - start) / (end - start)
            return anneal(lr0, lr1, pct), anneal(m0, m1, pct)
        start = end
    raise AssertionError


def one_cycle_lrs_and_momenta(scheduler, steps, momentum_of):
    lr_seq, m_seq = [], []
    for _ in range(steps):
        lr_seq.append(scheduler.get_last_lr()[0])
        m_seq.append(momentum_of(scheduler.optimizer.param_groups[0]))
        scheduler.optimizer.step()
        scheduler.step()
    return lr_seq, m_seq


def test_one_cycle_linear_on_paper():
    # total 5, pct 0.4: up from 0.1 to 1 over steps 0..1, down to 0.001 over steps 1..4
    opt = sgd(momentum=0.9)
    s = OneCycleLR(opt, max_lr=1.0, total_steps=5, pct_start=0.4, anneal_strategy="linear",
                   div_factor=10.0, final_div_factor=100.0)
    lr_seq, m_seq = one_cycle_lrs_and_momenta(s, 5, lambda g: g["momentum"])
    close(lr_seq, [0.1, 1.0, 1 - 0.999 / 3, 1 - 0.999 * 2 / 3, 0.001])
    close(m_seq, [0.95, 0.85, 0.85 + 0.1 / 3, 0.85 + 0.2 / 3, 0.95])


def test_one_cycle_cos_two_phase_with_sgd_momentum():
    opt = sgd(momentum=0.9)
    s = OneCycleLR(opt, max_lr=0.5, total_steps=12)
    initial, top = 0.5 / 25, 0.5
    low = initial / 1e4
    phases = [(0.3 * 12 - 1, initial, top, 0.95, 0.85), (11, top, low, 0.85, 0.95)]
    want = [one_cycle_ref(k, phases, cos_anneal) for k in range(12)]
    lr_seq, m_seq = one_cycle_lrs_and_momenta(s, 12, lambda g: g["momentum"])
    close(lr_seq, [w[0] for w in want])
    close(m_seq, [w[1] for w in want])
    assert lr_seq[0] == pytest.approx(0.02) and lr_seq[-1] == pytest.approx(2e-6)
    assert max(lr_seq) <= 0.5


def test_one_cycle_three_phase_linear():
    opt = sgd(momentum=0.9)
    s = OneCycleLR(opt, max_lr=1.0, total_steps=12, pct_start=0.25, anneal_strategy="linear",
                   three_phase=True, base_momentum=0.8, max_momentum=0.9)
    initial, low = 1.0 / 25, 1.0 / 25 / 1e4
    phases = [(2.0, initial, 1.0, 0.9, 0.8), (4.0, 1.0, initial, 0.8, 0.9), (11, initial, low, 0.9, 0.9)]
    want = [one_cycle_ref(k, phases, lin_anneal) for k in range(12)]
    lr_seq, m_seq = one_cycle_lrs_and_momenta(s, 12, lambda g: g["momentum"])
    close(lr_seq, [w[0] for w in want])
    close(m_seq, [w[1] for w in want])
    close(lr_seq[:5], [0.04, 0.52, 1.0, 0.52, 0.04])


def test_one_cycle_three_phase_cos():
    opt = sgd(momentum=0.9)
    s = OneCycleLR(opt, max_lr=2.0, total_steps=10, pct_start=0.3, three_phase=True)
    initial, low = 2.0 / 25, 2.0 / 25 / 1e4
    phases = [(0.3 * 10 - 1, initial, 2.0, 0.95, 0.85), (2 * 0.3 * 10 - 2, 2.0, initial, 0.85, 0.95),
              (9, initial, low, 0.95, 0.95)]
    want = [one_cycle_ref(k, phases, cos_anneal) for k in range(10)]
    lr_seq, m_seq = one_cycle_lrs_and_momenta(s, 10, lambda g: g["momentum"])
    close(lr_seq, [w[0] for w in want])
    close(m_seq, [w[1] for w in want])


def test_one_cycle_cycles_adam_beta1_and_keeps_beta2():
    opt = Adam([var([0.0])], lr=0.1, betas=(0.9, 0.99))
    s = OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.5, anneal_strategy="linear")
    phases = [(4.0, 0.04, 1.0, 0.95, 0.85), (9, 1.0, 0.04 / 1e4, 0.85, 0.95)]
    want = [one_cycle_ref(k, phases, lin_anneal) for k in range(10)]
    lr_seq, b1_seq = one_cycle_lrs_and_momenta(s, 10, lambda g: g["betas"][0])
    close(lr_seq, [w[0] for w in want])
    close(b1_seq, [w[1] for w in want])
    assert opt.param_groups[0]["betas"][1] == 0.99
    assert "momentum" not in opt.param_groups[0]


def test_one_cycle_without_momentum_cycling():
    opt = sgd(momentum=0.5)
    s = OneCycleLR(opt, max_lr=1.0, total_steps=6, cycle_momentum=False)
    for _ in range(5):
        opt.step()
        s.step()
    assert opt.param_groups[0]["momentum"] == 0.5


def test_one_cycle_epochs_times_steps_per_epoch():
    a = OneCycleLR(sgd(momentum=0.9), max_lr=1.0, epochs=3, steps_per_epoch=4)
    b = OneCycleLR(sgd(momentum=0.9), max_lr=1.0, total_steps=12)
    assert a.total_steps == 12
    close(lrs(a), lrs(b))


def test_one_cycle_per_group_max_lr():
    opt = sgd(momentum=0.9, groups=[{}, {}])
    s = OneCycleLR(opt, max_lr=[1.0, 0.1], total_steps=10, pct_start=0.5, anneal_strategy="linear")
    for _ in range(4):
        opt.step()
        s.step()
    # step 4 of phase 1 (ends at step 4): the top
    close(s.get_last_lr(), [1.0, 0.1])
    close([g["initial_lr"] for g in opt.param_groups], [0.04, 0.004])


def test_one_cycle_stepping_past_total_steps_raises():
    opt = sgd(momentum=0.9)
    s = OneCycleLR(opt, max_lr=1.0, total_steps=4)
    for _ in range(4):  # last_epoch reaches total_steps (allowed, as PyTorch)
        s.step()
    with pytest.raises(ValueError):
        s.step()


@pytest.mark.parametrize(
    "kw",
    [dict(), dict(epochs=2), dict(total_steps=0), dict(total_steps=10, anneal_strategy="cubic")],
    ids=["no length", "epochs only", "zero steps", "bad anneal"],
)
def test_one_cycle_bad_arguments(kw):
    with pytest.raises(ValueError):
        OneCycleLR(sgd(momentum=0.9), max_lr=1.0, **kw)


def test_one_cycle_momentum_cycling_needs_momentum_or_betas():
    # as PyTorch: cycle_momentum with an optimizer that has neither is a ValueError
    opt = Adagrad([var([0.0])], lr=0.1)
    with pytest.raises(ValueError):
        OneCycleLR(opt, max_lr=1.0, total_steps=10)
    OneCycleLR(Adagrad([var([0.0])], lr=0.1), max_lr=1.0, total_steps=10, cycle_momentum=False)


# ------------------------------------------------------------------ ReduceLROnPlateau
def plateau(metrics, lr=1.0, **kw):
    opt = sgd(lr)
    s = ReduceLROnPlateau(opt, **kw)
    out = []
    for m in metrics:
        s.step(m)
        out.append(opt.param_groups[0]["lr"])
        assert s.get_last_lr() == [out[-1]]
    return out


def test_plateau_min_patience():
    # best 5, 4; three epochs without improvement (> patience 2) cut the rate, then again after 3 more
    got = plateau([5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3], factor=0.5, patience=2)
    close(got, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25])


def test_plateau_default_patience_10():
    got = plateau([1.0] * 13)
    close(got, [1.0] * 11 + [0.1, 0.1])


def test_plateau_cooldown():
    # after each cut, 2 epochs of cooldown count no bad epochs
    got = plateau([1.0] * 12, factor=0.1, patience=1, cooldown=2)
    close(got, [1, 1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.001, 0.001])


def test_plateau_threshold_rel():
    # improvement must beat best * (1 - 0.1): 9.5 is not below 9.0; 8.9 is; 8.5 is not below 8.01; 7.9 is
    got = plateau([10, 9.5, 8.9, 8.5, 7.9], factor=0.5, patience=0, threshold=0.1)
    close(got, [1, 0.5, 0.5, 0.25, 0.25])


def test_plateau_threshold_abs():
    # improvement must beat best - 1.0: 7.9 is not below 8.9 - 1.0
    got = plateau([10, 9.5, 8.9, 8.5, 7.9], factor=0.5, patience=0, threshold=1.0, threshold_mode="abs")
    close(got, [1, 0.5, 0.5, 0.25, 0.125])


def test_plateau_max_rel():
    # improvement must beat best * 1.1: 1.05 no, 1.2 yes, 1.25 no (< 1.32), 1.4 yes
    got = plateau([1, 1.05, 1.2, 1.25, 1.4], mode="max", factor=0.5, patience=0, threshold=0.1)
    close(got, [1, 0.5, 0.5, 0.25, 0.25])


def test_plateau_max_abs():
    # improvement must beat best + 0.2: 1.05 no, 1.2 no, 1.25 yes (> 1.2), 1.4 no (< 1.45)
    got = plateau([1, 1.05, 1.2, 1.25, 1.4], mode="max", factor=0.5, patience=0, threshold=0.2,
                  threshold_mode="abs")
    close(got, [1, 0.5, 0.25, 0.25, 0.125])


def test_plateau_max_mode_falling_metric_is_bad():
    got = plateau([0.5, 0.4, 0.3, 0.2], mode="max", factor=0.5, patience=1)
    close(got, [1, 1, 0.5, 0.5])


def test_plateau_min_lr_floor():
    got = plateau([1, 1, 1, 1, 1], factor=0.1, patience=0, min_lr=0.05)
    close(got, [1, 0.1, 0.05, 0.05, 0.05])


def test_plateau_min_lr_per_group():
    opt = sgd(groups=[{"lr": 1.0}, {"lr": 1.0}])
    s = ReduceLROnPlateau(opt, factor=0.1, patience=0, min_lr=[0.5, 0.0])
    for m in [1, 1, 1]:
        s.step(m)
    close(s.get_last_lr(), [0.5, 0.01])


def test_plateau_eps_ignores_tiny_changes():
    # 1e-7 -> 5e-8 changes the rate by less than eps = 1e-7: kept
    got = plateau([1, 1, 1], lr=1e-7, factor=0.5, patience=0, eps=1e-7)
    assert got == [1e-7, 1e-7, 1e-7]


def test_plateau_accepts_a_0d_tensor_metric():
    opt = sgd(1.0)
    s = ReduceLROnPlateau(opt, patience=0, factor=0.5)
    s.step(var(2.0, requires_grad=False))  # a 0-d Variable
    s.step(tt.tensor(3.0))  # a 0-d Tensor
    assert opt.param_groups[0]["lr"] == 0.5


@pytest.mark.parametrize("kw", [dict(factor=1.0), dict(factor=2.0), dict(mode="median"), dict(threshold_mode="pct")])
def test_plateau_bad_arguments(kw):
    with pytest.raises(ValueError):
        ReduceLROnPlateau(sgd(), **kw)


# ------------------------------------------------------------------ get_last_lr, base_lrs, state_dict
def test_get_last_lr_is_a_list_of_the_group_rates():
    opt = sgd(groups=[{"lr": 1.0}, {"lr": 0.1}])
    s = StepLR(opt, step_size=1, gamma=0.5)
    assert s.get_last_lr() == [1.0, 0.1]
    opt.step()
    s.step()
    assert s.get_last_lr() == [0.5, 0.05]
    got = s.get_last_lr()
    got.append(99)
    assert s.get_last_lr() == [0.5, 0.05]


def test_scheduler_records_initial_lr_and_base_lrs():
    opt = sgd(0.3)
    s = ExponentialLR(opt, gamma=0.5)
    assert opt.param_groups[0]["initial_lr"] == 0.3
    assert s.base_lrs == [0.3]
    assert s.last_epoch == 0


def test_scheduler_rate_reaches_the_optimizer_step():
    p = var([1.0])
    opt = SGD([p], lr=1.0)
    s = StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = Variable(tt.tensor([1.0]))
        opt.step()
        s.step()
    # steps of 1, 0.5, 0.25
    assert p.tolist() == pytest.approx([1 - 1.75])


def make_scheduler(kind, opt):
    return {
        "StepLR": lambda: StepLR(opt, step_size=3, gamma=0.5),
        "MultiStepLR": lambda: MultiStepLR(opt, [2, 5], gamma=0.3),
        "ExponentialLR": lambda: ExponentialLR(opt, gamma=0.8),
        "CosineAnnealingLR": lambda: CosineAnnealingLR(opt, T_max=6, eta_min=0.01),
        "LambdaLR": lambda: LambdaLR(opt, lambda e: 1 / (1 + e)),
        "LinearLR": lambda: LinearLR(opt, start_factor=0.2, total_iters=6),
        "OneCycleLR": lambda: OneCycleLR(opt, max_lr=1.0, total_steps=12),
    }[kind]()


@pytest.mark.parametrize("kind", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR",
                                  "LinearLR", "OneCycleLR"])
def test_scheduler_state_dict_round_trip(kind):
    opt = sgd(1.0, momentum=0.9)
    s = make_scheduler(kind, opt)
    for _ in range(4):
        opt.step()
        s.step()
    saved, opt_saved = s.state_dict(), opt.state_dict()
    assert saved["last_epoch"] == 4
    assert all(not callable(v) for v in saved.values())
    rest = lrs(s, 6)

    # a checkpoint: a fresh optimizer and scheduler, then both states loaded (as in PyTorch)
    opt2 = sgd(1.0, momentum=0.9)
    s2 = make_scheduler(kind, opt2)
    opt2.load_state_dict(opt_saved)
    s2.load_state_dict(saved)
    assert s2.last_epoch == 4
    assert s2.get_last_lr() == [rest[0]]
    close(lrs(s2, 6), rest)


def test_plateau_state_dict_round_trip():
    opt = sgd(1.0)
    s = ReduceLROnPlateau(opt, patience=1, factor=0.5, cooldown=1)
    for m in [3, 2, 2, 2]:
        s.step(m)
    saved = s.state_dict()
    assert saved["best"] == 2 and saved["last_epoch"] == 4
    opt2 = sgd(opt.param_groups[0]["lr"])
    s2 = ReduceLROnPlateau(opt2, patience=1, factor=0.5, cooldown=1)
    s2.load_state_dict(saved)
    more = [2, 2, 2, 1, 1, 1]
    for m in more:
        s.step(m)
        s2.step(m)
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_lr_scheduler_module_exports():
    for name in ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR", "LinearLR",
                 "OneCycleLR", "ReduceLROnPlateau"]:
        assert hasattr(lr_scheduler, name)
