"""Every loss (module and functional form) against plain-Python references, and gradcheck."""

import math

import pytest
from nn_helpers import assert_close, flat, grad_of, log_softmax_row, rand_var, sigmoid, var

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.autograd import gradcheck
from tinytorch.nn import functional as F

REDUCTIONS = ["none", "mean", "sum"]


def check(fn, *inputs):
    assert gradcheck(fn, tuple(inputs), eps=1e-6, atol=1e-6, rtol=1e-4)


def reduce_ref(losses, reduction, denominator=None):
    if reduction == "none":
        return losses
    total = sum(flat(losses))
    if reduction == "sum":
        return total
    return total / (len(flat(losses)) if denominator is None else denominator)


def assert_loss(actual, expected):
    if isinstance(expected, list):
        assert_close(actual, expected)
    else:
        assert tuple(actual.shape) == (), f"a reduced loss is 0-d, got shape {tuple(actual.shape)}"
        assert_close(actual, expected)


# ================================================================== regression losses
PRED = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.3]]
TARG = [[0.0, 1.0, 0.4], [1.0, 2.0, -0.2]]  # differences: 0.5, -2, 1.6, 0.5, -1.75, -0.1


def elementwise(fn):
    return [[fn(p - t) for p, t in zip(pr, tr)] for pr, tr in zip(PRED, TARG)]


def smooth_l1(d, beta=1.0):
    return 0.5 * d * d / beta if abs(d) < beta else abs(d) - 0.5 * beta


def huber(d, delta=1.0):
    return 0.5 * d * d if abs(d) < delta else delta * (abs(d) - 0.5 * delta)


REGRESSION = [
    # id, module factory, functional, per-element reference of d = input - target
    ("mse", lambda r: nn.MSELoss(reduction=r), lambda x, y, r: F.mse_loss(x, y, reduction=r), lambda d: d * d),
    ("l1", lambda r: nn.L1Loss(reduction=r), lambda x, y, r: F.l1_loss(x, y, reduction=r), abs),
    ("smooth_l1", lambda r: nn.SmoothL1Loss(reduction=r), lambda x, y, r: F.smooth_l1_loss(x, y, reduction=r),
     smooth_l1),
    ("smooth_l1_beta", lambda r: nn.SmoothL1Loss(reduction=r, beta=0.6),
     lambda x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.6), lambda d: smooth_l1(d, 0.6)),
    ("huber", lambda r: nn.HuberLoss(reduction=r), lambda x, y, r: F.huber_loss(x, y, reduction=r), huber),
    ("huber_delta", lambda r: nn.HuberLoss(reduction=r, delta=0.6),
     lambda x, y, r: F.huber_loss(x, y, reduction=r, delta=0.6), lambda d: huber(d, 0.6)),
]
REGRESSION_IDS = [row[0] for row in REGRESSION]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, make, functional, ref", REGRESSION, ids=REGRESSION_IDS)
def test_regression_loss_by_hand(name, make, functional, ref, reduction):
    expected = reduce_ref(elementwise(ref), reduction)
    assert_loss(make(reduction)(var(PRED), var(TARG, requires_grad=False)), expected)
    assert_loss(functional(var(PRED), var(TARG, requires_grad=False), reduction), expected)


@pytest.mark.parametrize(
    "cls, ref", [(nn.MSELoss, lambda d: d * d), (nn.L1Loss, abs), (nn.SmoothL1Loss, smooth_l1), (nn.HuberLoss, huber)],
)
def test_regression_loss_defaults(cls, ref):
    # reduction='mean', beta=1, delta=1
    assert_loss(cls()(var(PRED), var(TARG)), reduce_ref(elementwise(ref), "mean"))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, make, functional, ref", REGRESSION, ids=REGRESSION_IDS)
def test_regression_loss_gradcheck_input_and_target(name, make, functional, ref, reduction):
    loss = make(reduction)
    check(lambda x, y: loss(x, y), var(PRED), var(TARG))


def test_mse_gradient_by_hand():
    x = var([1.0, 2.0])
    F.mse_loss(x, tt.tensor([0.0, 4.0])).backward()
    assert_close(grad_of(x), [1.0, -2.0])  # 2 (x - y) / n


def test_mse_with_a_plain_tensor_target():
    assert_loss(nn.MSELoss()(var(PRED), tt.tensor(TARG)), reduce_ref(elementwise(lambda d: d * d), "mean"))


def test_regression_loss_wrong_shapes():
    with pytest.raises(ValueError) as info:
        nn.MSELoss()(rand_var(2, 3), rand_var(3, 2))
    message = str(info.value)
    assert "(2, 3)" in message and "(3, 2)" in message
    assert "mse" in message.lower()


@pytest.mark.parametrize("cls", [nn.MSELoss, nn.L1Loss, nn.CrossEntropyLoss, nn.NLLLoss, nn.BCELoss, nn.BCEWithLogitsLoss])
def test_unknown_reduction_is_refused(cls):
    with pytest.raises(ValueError, match="bad"):
        cls(reduction="bad")(rand_var(2, 2, low=0.1, high=0.9), tt.tensor([[0.0, 1.0], [1.0, 0.0]])
                             if cls not in (nn.CrossEntropyLoss, nn.NLLLoss) else tt.tensor([0, 1]))


# ================================================================== CrossEntropyLoss and NLLLoss
LOGITS = [[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [3.0, 0.0, -2.0], [0.0, 0.5, 1.0]]
LABELS = [1, 2, 0, 2]
CLASS_W = [0.2, 1.0, 3.0]
PROBS = [[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.1, 0.1, 0.8]]


def ce_ref(logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """PyTorch's cross_entropy with class indices, in plain Python."""
    n_classes = len(logits[0])
    w = weight or [1.0] * n_classes
    losses, denominator = [], 0.0
    for row, t in zip(logits, target):
        if t == ignore_index:
            losses.append(0.0)
            continue
        lp = log_softmax_row(row)
        nll = -w[t] * lp[t]
        smooth = -sum(w[c] * lp[c] for c in range(n_classes)) / n_classes
        losses.append((1 - label_smoothing) * nll + label_smoothing * smooth)
        denominator += w[t]
    return reduce_ref(losses, reduction, denominator)


def ce_prob_ref(logits, probs, weight=None, reduction="mean", label_smoothing=0.0):
    """PyTorch's cross_entropy with class probabilities: the mean is over the batch, not the weights."""
    n_classes = len(logits[0])
    w = weight or [1.0] * n_classes
    losses = []
    for row, p in zip(logits, probs):
        lp = log_softmax_row(row)
        p = [pc * (1 - label_smoothing) + label_smoothing / n_classes for pc in p]
        losses.append(-sum(w[c] * p[c] * lp[c] for c in range(n_classes)))
    return reduce_ref(losses, reduction)


def labels(values=LABELS):
    return tt.tensor(values)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_by_hand(reduction):
    expected = ce_ref(LOGITS, LABELS, reduction=reduction)
    assert_loss(nn.CrossEntropyLoss(reduction=reduction)(var(LOGITS), labels()), expected)
    assert_loss(F.cross_entropy(var(LOGITS), labels(), reduction=reduction), expected)


def test_cross_entropy_value_of_one_row():
    # -log softmax([1, 2, 0.5])[1]
    lse = math.log(math.exp(1.0) + math.exp(2.0) + math.exp(0.5))
    assert_loss(nn.CrossEntropyLoss()(var([[1.0, 2.0, 0.5]]), tt.tensor([1])), lse - 2.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_weight(reduction):
    expected = ce_ref(LOGITS, LABELS, weight=CLASS_W, reduction=reduction)
    layer = nn.CrossEntropyLoss(weight=tt.tensor(CLASS_W), reduction=reduction)
    assert_loss(layer(var(LOGITS), labels()), expected)
    assert_loss(F.cross_entropy(var(LOGITS), labels(), weight=tt.tensor(CLASS_W), reduction=reduction), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_ignore_index(reduction):
    expected = ce_ref(LOGITS, LABELS, ignore_index=2, reduction=reduction)
    assert_loss(nn.CrossEntropyLoss(ignore_index=2, reduction=reduction)(var(LOGITS), labels()), expected)


def test_cross_entropy_default_ignore_index_is_minus_100():
    target = [1, -100, 0, 2]
    expected = ce_ref(LOGITS, target, ignore_index=-100)
    x = var(LOGITS)
    loss = nn.CrossEntropyLoss()(x, labels(target))
    assert_loss(loss, expected)
    loss.backward()
    assert flat(grad_of(x).tolist()[1]) == [0.0, 0.0, 0.0]  # the ignored row gets no gradient


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.1, 0.3])
def test_cross_entropy_label_smoothing(smoothing, reduction):
    expected = ce_ref(LOGITS, LABELS, reduction=reduction, label_smoothing=smoothing)
    layer = nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing)
    assert_loss(layer(var(LOGITS), labels()), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_weight_ignore_index_and_label_smoothing_together(reduction):
    expected = ce_ref(LOGITS, LABELS, weight=CLASS_W, ignore_index=0, reduction=reduction, label_smoothing=0.2)
    layer = nn.CrossEntropyLoss(weight=tt.tensor(CLASS_W), ignore_index=0, reduction=reduction, label_smoothing=0.2)
    assert_loss(layer(var(LOGITS), labels()), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_targets(reduction):
    expected = ce_prob_ref(LOGITS, PROBS, reduction=reduction)
    assert_loss(nn.CrossEntropyLoss(reduction=reduction)(var(LOGITS), tt.tensor(PROBS)), expected)
    assert_loss(F.cross_entropy(var(LOGITS), tt.tensor(PROBS), reduction=reduction), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_targets_with_weight_and_smoothing(reduction):
    expected = ce_prob_ref(LOGITS, PROBS, weight=CLASS_W, reduction=reduction, label_smoothing=0.3)
    layer = nn.CrossEntropyLoss(weight=tt.tensor(CLASS_W), reduction=reduction, label_smoothing=0.3)
    assert_loss(layer(var(LOGITS), tt.tensor(PROBS)), expected)


def test_cross_entropy_one_hot_probabilities_equal_class_indices():
    one_hot = [[1.0 if c == t else 0.0 for c in range(3)] for t in LABELS]
    a = nn.CrossEntropyLoss()(var(LOGITS), tt.tensor(one_hot)).item()
    b = nn.CrossEntropyLoss()(var(LOGITS), labels()).item()
    assert math.isclose(a, b, rel_tol=1e-12)


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    x = var(LOGITS)
    nn.CrossEntropyLoss(reduction="sum")(x, labels()).backward()
    expected = []
    for row, t in zip(LOGITS, LABELS):
        p = [math.exp(v) for v in log_softmax_row(row)]
        expected.append([pc - (1.0 if c == t else 0.0) for c, pc in enumerate(p)])
    assert_close(grad_of(x), expected)


def test_cross_entropy_gradcheck():
    x = var(LOGITS)
    check(lambda x: F.cross_entropy(x, labels()), x)
    check(lambda x: F.cross_entropy(x, labels(), weight=tt.tensor(CLASS_W), label_smoothing=0.2, ignore_index=0), x)
    check(lambda x: F.cross_entropy(x, labels(), reduction="none"), x)
    check(lambda x, p: F.cross_entropy(x, p, label_smoothing=0.1), x, var(PROBS))


def test_cross_entropy_is_stable_for_large_logits():
    x = var([[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0]])
    loss = nn.CrossEntropyLoss(reduction="none")(x, tt.tensor([0, 1]))
    assert_close(loss, [0.0, 1000.0])
    loss.sum().backward()
    g = flat(grad_of(x))
    assert all(math.isfinite(v) for v in g)
    assert_close(grad_of(x), [[0.0, 0.0, 0.0], [1.0, -1.0, 0.0]], abs_tol=1e-12)
    big = nn.CrossEntropyLoss()(var([[1000.0, 1000.0]]), tt.tensor([0]))
    assert_close(big, math.log(2.0))


def test_cross_entropy_all_ignored_mean_is_nan():
    # as PyTorch: 0 / 0
    loss = nn.CrossEntropyLoss(ignore_index=1)(var([[1.0, 2.0]]), tt.tensor([1]))
    assert math.isnan(loss.item())


def test_cross_entropy_target_out_of_range():
    with pytest.raises(IndexError, match="3"):
        nn.CrossEntropyLoss()(var(LOGITS), labels([1, 3, 0, 0]))


def test_cross_entropy_wrong_target_shape_names_the_loss_and_shapes():
    with pytest.raises(ValueError) as info:
        nn.CrossEntropyLoss()(var(LOGITS), tt.tensor([0, 1]))
    message = str(info.value)
    assert "cross_entropy" in message.lower().replace("crossentropy", "cross_entropy")
    assert "(4, 3)" in message and "(2,)" in message


def test_cross_entropy_float_class_indices_are_refused():
    # a 1-D float target is neither class indices (int64) nor probabilities (same shape as the input)
    with pytest.raises((TypeError, ValueError)):
        nn.CrossEntropyLoss()(var(LOGITS), tt.tensor([1.0, 2.0, 0.0, 2.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_by_hand(reduction):
    logp = [log_softmax_row(r) for r in LOGITS]
    expected = reduce_ref([-row[t] for row, t in zip(logp, LABELS)], reduction)
    assert_loss(nn.NLLLoss(reduction=reduction)(var(logp), labels()), expected)
    assert_loss(F.nll_loss(var(logp), labels(), reduction=reduction), expected)


def test_nll_loss_picks_minus_the_input():
    x = var([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert_loss(nn.NLLLoss(reduction="none")(x, tt.tensor([2, 0])), [-3.0, -4.0])
    assert_loss(nn.NLLLoss()(x, tt.tensor([2, 0])), -3.5)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_weight_and_ignore_index(reduction):
    x = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
    target = [2, 0, 1]
    w = [0.5, 2.0, 4.0]
    losses = [-w[2] * 3.0, 0.0, -w[1] * 8.0]  # row 1 (class 0) ignored
    expected = reduce_ref(losses, reduction, denominator=w[2] + w[1])
    layer = nn.NLLLoss(weight=tt.tensor(w), ignore_index=0, reduction=reduction)
    assert_loss(layer(var(x), tt.tensor(target)), expected)


def test_nll_loss_gradcheck():
    logp = var([log_softmax_row(r) for r in LOGITS])
    check(lambda x: F.nll_loss(x, labels(), weight=tt.tensor(CLASS_W)), logp)
    check(lambda x: F.nll_loss(x, labels(), ignore_index=2, reduction="sum"), logp)


def test_log_softmax_then_nll_equals_cross_entropy():
    x = var(LOGITS)
    a = nn.NLLLoss()(nn.LogSoftmax(dim=1)(x), labels()).item()
    b = nn.CrossEntropyLoss()(x, labels()).item()
    assert math.isclose(a, b, rel_tol=1e-12)


# ================================================================== BCELoss
PROB_IN = [[0.9, 0.2, 0.6], [0.05, 0.7, 0.5]]
BIN_T = [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
SOFT_T = [[0.8, 0.1, 0.5], [0.3, 1.0, 0.0]]
ELEM_W = [[1.0, 2.0, 0.5], [3.0, 1.0, 0.0]]


def bce(p, y, w=1.0):
    return -w * (y * max(math.log(p), -100.0) + (1 - y) * max(math.log1p(-p), -100.0))


def bce_ref(inputs, targets, weights=None):
    weights = weights or [[1.0] * len(r) for r in inputs]
    return [[bce(p, y, w) for p, y, w in zip(pr, yr, wr)] for pr, yr, wr in zip(inputs, targets, weights)]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target", [BIN_T, SOFT_T], ids=["binary", "soft"])
def test_bce_by_hand(target, reduction):
    expected = reduce_ref(bce_ref(PROB_IN, target), reduction)
    assert_loss(nn.BCELoss(reduction=reduction)(var(PROB_IN), tt.tensor(target)), expected)
    assert_loss(F.binary_cross_entropy(var(PROB_IN), tt.tensor(target), reduction=reduction), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_weight(reduction):
    expected = reduce_ref(bce_ref(PROB_IN, SOFT_T, ELEM_W), reduction)
    layer = nn.BCELoss(weight=tt.tensor(ELEM_W), reduction=reduction)
    assert_loss(layer(var(PROB_IN), tt.tensor(SOFT_T)), expected)
    # a weight that broadcasts: one per column
    row_w = [2.0, 0.5, 1.0]
    expected = reduce_ref(bce_ref(PROB_IN, SOFT_T, [row_w, row_w]), reduction)
    assert_loss(nn.BCELoss(weight=tt.tensor(row_w), reduction=reduction)(var(PROB_IN), tt.tensor(SOFT_T)), expected)


def test_bce_log_is_clamped_at_minus_100():
    # as PyTorch: log(0) is clamped to -100, so a certain wrong answer costs 100, a certain right one 0
    loss = nn.BCELoss(reduction="none")(var([0.0, 1.0, 0.0, 1.0]), tt.tensor([1.0, 0.0, 0.0, 1.0]))
    assert_close(loss, [100.0, 100.0, 0.0, 0.0])


def test_bce_gradcheck():
    check(lambda x: F.binary_cross_entropy(x, tt.tensor(SOFT_T)), var(PROB_IN))
    check(lambda x: F.binary_cross_entropy(x, tt.tensor(BIN_T), weight=tt.tensor(ELEM_W), reduction="sum"),
          var(PROB_IN))


def test_bce_gradient_by_hand():
    x = var([0.25, 0.8])
    F.binary_cross_entropy(x, tt.tensor([1.0, 0.0]), reduction="sum").backward()
    # d/dp of -(y log p + (1-y) log(1-p)) = (p - y) / (p (1 - p))
    assert_close(grad_of(x), [(0.25 - 1) / (0.25 * 0.75), 0.8 / (0.8 * 0.2)])


def test_bce_gradient_is_finite_at_0_and_1():
    # as PyTorch: (x - y) / max(x (1 - x), 1e-12), not the nan of the clamped logs' 0/0
    x = var([0.0, 1.0, 0.0, 1.0])
    F.binary_cross_entropy(x, tt.tensor([1.0, 0.0, 0.0, 1.0]), reduction="sum").backward()
    g = flat(grad_of(x))
    assert all(math.isfinite(v) for v in g)
    assert g[2] == 0.0 and g[3] == 0.0
    assert math.isclose(g[0], -1e12, rel_tol=1e-6) and math.isclose(g[1], 1e12, rel_tol=1e-6)


def test_bce_input_outside_0_1_is_refused():
    with pytest.raises(ValueError):
        nn.BCELoss()(var([0.5, 1.5]), tt.tensor([1.0, 0.0]))


def test_bce_wrong_target_shape():
    # as PyTorch: "Using a target size ... that is different to the input size ..."
    with pytest.raises(ValueError) as info:
        nn.BCELoss()(var([[0.5], [0.2], [0.1]]), tt.tensor([1.0, 0.0, 1.0]))
    message = str(info.value)
    assert "(3, 1)" in message and "(3,)" in message


# ================================================================== BCEWithLogitsLoss
LOGIT_IN = [[2.0, -1.0, 0.3], [-0.5, 1.5, 0.0]]
POS_W = [1.0, 3.0, 0.5]


def bce_logits(x, y, w=1.0, pw=1.0):
    log_sig = -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))  # log sigmoid(x)
    log_one_minus = log_sig - x  # log(1 - sigmoid(x))
    return -w * (pw * y * log_sig + (1 - y) * log_one_minus)


def bce_logits_ref(inputs, targets, weights=None, pos_weight=None):
    weights = weights or [[1.0] * len(r) for r in inputs]
    pos_weight = pos_weight or [1.0] * len(inputs[0])
    return [[bce_logits(x, y, w, pw) for x, y, w, pw in zip(xr, yr, wr, pos_weight)]
            for xr, yr, wr in zip(inputs, targets, weights)]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target", [BIN_T, SOFT_T], ids=["binary", "soft"])
def test_bce_with_logits_by_hand(target, reduction):
    expected = reduce_ref(bce_logits_ref(LOGIT_IN, target), reduction)
    assert_loss(nn.BCEWithLogitsLoss(reduction=reduction)(var(LOGIT_IN), tt.tensor(target)), expected)
    assert_loss(F.binary_cross_entropy_with_logits(var(LOGIT_IN), tt.tensor(target), reduction=reduction), expected)


def test_bce_with_logits_equals_bce_of_sigmoid():
    a = nn.BCEWithLogitsLoss()(var(LOGIT_IN), tt.tensor(SOFT_T)).item()
    probs = [[sigmoid(v) for v in row] for row in LOGIT_IN]
    b = nn.BCELoss()(var(probs), tt.tensor(SOFT_T)).item()
    assert math.isclose(a, b, rel_tol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_pos_weight(reduction):
    expected = reduce_ref(bce_logits_ref(LOGIT_IN, SOFT_T, pos_weight=POS_W), reduction)
    layer = nn.BCEWithLogitsLoss(pos_weight=tt.tensor(POS_W), reduction=reduction)
    assert_loss(layer(var(LOGIT_IN), tt.tensor(SOFT_T)), expected)
    got = F.binary_cross_entropy_with_logits(var(LOGIT_IN), tt.tensor(SOFT_T), pos_weight=tt.tensor(POS_W),
                                             reduction=reduction)
    assert_loss(got, expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_weight_and_pos_weight(reduction):
    expected = reduce_ref(bce_logits_ref(LOGIT_IN, BIN_T, ELEM_W, POS_W), reduction)
    layer = nn.BCEWithLogitsLoss(weight=tt.tensor(ELEM_W), pos_weight=tt.tensor(POS_W), reduction=reduction)
    assert_loss(layer(var(LOGIT_IN), tt.tensor(BIN_T)), expected)


def test_bce_with_logits_is_stable_for_logits_of_1000():
    x = var([1000.0, 1000.0, -1000.0, -1000.0])
    y = tt.tensor([1.0, 0.0, 1.0, 0.0])
    loss = nn.BCEWithLogitsLoss(reduction="none")(x, y)
    assert_close(loss, [0.0, 1000.0, 1000.0, 0.0])
    loss.sum().backward()
    assert_close(grad_of(x), [0.0, 1.0, -1.0, 0.0])  # sigmoid(x) - y
    weighted = nn.BCEWithLogitsLoss(reduction="none", pos_weight=tt.tensor([2.0]))(var([-1000.0, 1000.0]),
                                                                                  tt.tensor([1.0, 1.0]))
    assert_close(weighted, [2000.0, 0.0])


def test_bce_with_logits_gradient_by_hand():
    x = var(LOGIT_IN)
    F.binary_cross_entropy_with_logits(x, tt.tensor(SOFT_T), reduction="sum").backward()
    assert_close(grad_of(x), [[sigmoid(v) - y for v, y in zip(xr, yr)] for xr, yr in zip(LOGIT_IN, SOFT_T)])


def test_bce_with_logits_gradcheck():
    check(lambda x: F.binary_cross_entropy_with_logits(x, tt.tensor(SOFT_T)), var(LOGIT_IN))
    check(lambda x: F.binary_cross_entropy_with_logits(
        x, tt.tensor(BIN_T), weight=tt.tensor(ELEM_W), pos_weight=tt.tensor(POS_W), reduction="sum"), var(LOGIT_IN))


def test_bce_with_logits_wrong_target_shape():
    with pytest.raises(ValueError) as info:
        nn.BCEWithLogitsLoss()(var([[0.5, 0.2]]), tt.tensor([1.0, 0.0, 1.0]))
    message = str(info.value)
    assert "(1, 2)" in message and "(3,)" in message


# ================================================================== modules
def test_loss_weights_are_buffers_in_the_state_dict():
    # as PyTorch: weight (and pos_weight) are buffers
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert list(nn.CrossEntropyLoss(weight=tt.tensor(CLASS_W)).state_dict()) == ["weight"]
    assert list(nn.NLLLoss(weight=tt.tensor(CLASS_W)).state_dict()) == ["weight"]
    assert list(nn.BCELoss(weight=tt.tensor([1.0])).state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(weight=tt.tensor([1.0]), pos_weight=tt.tensor([2.0])).state_dict()) == [
        "weight", "pos_weight",
    ]
    assert list(nn.CrossEntropyLoss(weight=tt.tensor(CLASS_W)).parameters()) == []


def test_loss_attributes():
    layer = nn.CrossEntropyLoss(ignore_index=3, reduction="sum", label_smoothing=0.1)
    assert layer.ignore_index == 3 and layer.reduction == "sum" and layer.label_smoothing == 0.1
    assert nn.MSELoss().reduction == "mean"


LOSS_REPRS = [
    (nn.MSELoss(), "MSELoss()"),
    (nn.L1Loss(), "L1Loss()"),
    (nn.SmoothL1Loss(), "SmoothL1Loss()"),
    (nn.HuberLoss(), "HuberLoss()"),
    (nn.CrossEntropyLoss(), "CrossEntropyLoss()"),
    (nn.CrossEntropyLoss(reduction="sum"), "CrossEntropyLoss()"),
    (nn.NLLLoss(), "NLLLoss()"),
    (nn.BCELoss(), "BCELoss()"),
    (nn.BCEWithLogitsLoss(), "BCEWithLogitsLoss()"),
]


@pytest.mark.parametrize("layer, expected", LOSS_REPRS, ids=[r[1] + str(i) for i, r in enumerate(LOSS_REPRS)])
def test_loss_repr_as_pytorch(layer, expected):
    assert repr(layer) == expected
