"""Loss functions: how far a prediction is from its target, as a number to minimise.

Each loss comes twice, as in PyTorch: a function (``mse_loss``, also in
``nn.functional``) that computes it, and a Module (``MSELoss``) that keeps the
options and calls the function. Every function takes
``reduction='none' | 'mean' | 'sum'``: the loss of each element, their mean,
or their sum.

The losses are compositions of Variable ops, so autograd differentiates
them. Two places need care:

* cross-entropy goes through ``log_softmax`` (never ``log(softmax(x))``, which
  gives ``log(0) = -inf`` for large logits) and picks the log-probability of
  each target class with one advanced-indexing op, ``logp[rows, target]``,
  whose gradient puts ``-1/N`` back at the picked places;
* ``binary_cross_entropy`` is a ``Function`` with PyTorch's own backward
  formula, which stays finite where the derivative of the clamped logs does
  not (a sigmoid output of exactly 1.0 with target 1).

Class-index targets are int64 tensors; ``ignore_index`` marks entries that
contribute nothing (padding, say).
"""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import math
import warnings

import tinytorch.core as tt
from tinytorch.autograd import Function, Variable
from tinytorch.core.strides import broadcast_shapes

from .module import Module

__all__ = [
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

_REDUCTIONS = ("none", "mean", "sum")


# ----------------------------------------------------------------- checks and helpers
def _data(value):
    return value.data if isinstance(value, Variable) else value


def _check_tensor(name, what, value):
    if not isinstance(value, (tt.Tensor, Variable)):
        raise TypeError(f"{name}: {what} must be a Tensor or Variable, got {type(value).__name__}")


def _check_reduction(name, reduction):
    if not (isinstance(reduction, str) and reduction in _REDUCTIONS):
        raise ValueError(
            f"{name}: reduction={reduction!r} is not valid; use 'none', 'mean' or 'sum'"
        )


def _check_label_smoothing(name, label_smoothing):
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1], got {label_smoothing}")


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_pair(name, input, target):
    """Regression losses: input and target should have one shape (PyTorch warns, then broadcasts)."""
    _check_tensor(name, "input", input)
    _check_tensor(name, "target", target)
    if input.shape == target.shape:
        return
    try:
        shape = broadcast_shapes(input.shape, target.shape)
    except ValueError:
        raise ValueError(
            f"{name}: input shape {input.shape} and target shape {target.shape} differ and "
            "cannot be broadcast; give them the same shape"
        ) from None
    warnings.warn(
        f"{name}: target shape {target.shape} differs from input shape {input.shape}; "
        f"both are broadcast to {shape}, which is likely not what you want. Give them the "
        "same shape (for a (N, 1) output and a (N,) target: output.squeeze(1)).",
        UserWarning,
        stacklevel=3,
    )


def _check_broadcasts_to(name, what, value, shape):
    """``weight`` / ``pos_weight`` scale the loss elementwise: they must broadcast to ``shape``."""
    _check_tensor(name, what, value)
    try:
        ok = broadcast_shapes(value.shape, shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"{name}: {what} of shape {value.shape} does not broadcast to the input shape {shape}"
        )


# ----------------------------------------------------------------- regression losses
def mse_loss(input, target, reduction="mean"):
    """Mean squared error: ``loss_i = (input_i - target_i) ** 2``, then the reduction.

    Shape:
        input: any shape. target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> F.mse_loss(tt.tensor([1.0, 2.0, 4.0]), tt.tensor([1.0, 0.0, 1.0]))
    tensor(4.3333)
    """
    _check_reduction("mse_loss", reduction)
    _check_pair("mse_loss", input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: ``loss_i = |input_i - target_i|``, then the reduction.

    Shape:
        input: any shape. target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> F.l1_loss(tt.tensor([1.0, 2.0, 4.0]), tt.tensor([1.0, 0.0, 1.0]), reduction="sum")
    tensor(5.)
    """
    _check_reduction("l1_loss", reduction)
    _check_pair("l1_loss", input, target)
    return _reduce((input - target).abs(), reduction)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """Squared error near the target, absolute error far from it (``beta`` is the switch point).

    With ``d = input_i - target_i``::

        loss_i = 0.5 * d**2 / beta    if |d| < beta
                 |d| - 0.5 * beta     otherwise

    ``beta=0`` is ``l1_loss``. ``smooth_l1_loss(x, y, beta=b) * b`` equals
    ``huber_loss(x, y, delta=b)``.

    Shape:
        input: any shape. target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> F.smooth_l1_loss(tt.tensor([0.5, 3.0]), tt.tensor([0.0, 0.0]), reduction="none")
    tensor([0.1250, 2.5000])
    """
    _check_reduction("smooth_l1_loss", reduction)
    _check_pair("smooth_l1_loss", input, target)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    diff = input - target
    distance = diff.abs()
    if beta == 0:
        return _reduce(distance, reduction)
    near = _data(distance) < beta
    return _reduce(tt.where(near, 0.5 * diff * diff / beta, distance - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """Squared error near the target, ``delta``-scaled absolute error far from it.

    With ``d = input_i - target_i``::

        loss_i = 0.5 * d**2                  if |d| < delta
                 delta * (|d| - 0.5 * delta)  otherwise

    Shape:
        input: any shape. target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> F.huber_loss(tt.tensor([0.5, 3.0]), tt.tensor([0.0, 0.0]), reduction="none", delta=2.0)
    tensor([0.1250, 4.0000])
    """
    _check_reduction("huber_loss", reduction)
    _check_pair("huber_loss", input, target)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    diff = input - target
    distance = diff.abs()
    near = _data(distance) < delta
    return _reduce(tt.where(near, 0.5 * diff * diff, delta * (distance - 0.5 * delta)), reduction)


# ----------------------------------------------------------------- classification
def _n_classes(name, input):
    """The class dimension (0 for one sample of shape (C,), else 1) and its size."""
    _check_tensor(name, "input", input)
    if input.ndim == 0:
        raise ValueError(
            f"{name}: input must have a class dimension, shape (C,), (N, C) or (N, C, d1, ...); "
            "got a 0-d tensor"
        )
    class_dim = 0 if input.ndim == 1 else 1
    return class_dim, input.shape[class_dim]


def _class_weight(name, weight, n_classes):
    if weight is None:
        return None
    _check_tensor(name, "weight", weight)
    if weight.shape != (n_classes,):
        raise ValueError(
            f"{name}: weight must hold one value per class, shape ({n_classes},); "
            f"got shape {weight.shape}"
        )
    return weight


def _class_indices(name, input, target, ignore_index, n_classes, probabilities_ok=False):
    """Check class-index targets; return ``(index, ignored, n_kept)``.

    ``index`` is the target with ignored entries replaced by class 0 (so that
    it can index), ``ignored`` the bool mask of the entries equal to
    ``ignore_index`` (None when there are none) and ``n_kept`` the number of
    the others. ``target`` has been checked to be a Tensor or Variable.
    """
    t = _data(target)
    expected = () if input.ndim == 1 else (input.shape[0], *input.shape[2:])
    if t.shape != expected and not (input.ndim == 1 and t.shape == (1,)):
        also = f", or class probabilities of shape {input.shape}" if probabilities_ok else ""
        raise ValueError(
            f"{name}: target shape {t.shape} does not match input shape {input.shape}: "
            f"expected class indices of shape {expected}{also}"
        )
    if t.dtype is not tt.int64:
        also = (
            f", or give class probabilities as a float target of the input's shape {input.shape}"
            if probabilities_ok
            else ""
        )
        raise TypeError(
            f"{name}: class-index targets must be int64, got {t.dtype.name} "
            f"(convert with target.long(){also})"
        )
    if t.shape != expected:
        t = t.reshape(expected)
    values = t.values()
    lo, hi = (min(values), max(values)) if values else (0, -1)
    if lo < 0 or hi >= n_classes:
        for v in values:
            if not 0 <= v < n_classes and v != ignore_index:
                raise IndexError(
                    f"{name}: target {v} is out of range for {n_classes} classes (valid: 0 to "
                    f"{n_classes - 1}, or ignore_index={ignore_index})"
                )
    elif not 0 <= ignore_index < n_classes:
        return t, None, len(values)  # the common case: every target counts
    n_ignored = values.count(ignore_index)
    if not n_ignored:
        return t, None, len(values)
    ignored = t == ignore_index
    return t.masked_fill(ignored, 0), ignored, len(values) - n_ignored


def _arange_along(size, dim, ndim):
    """``arange(size)`` shaped to broadcast along dimension ``dim`` of ``ndim``."""
    return tt.arange(size).reshape((1,) * dim + (size,) + (1,) * (ndim - dim - 1))


def _pick(logp, index):
    """``logp[n, index[n, d1, ...], d1, ...]``: the log-probability of each target, one op.

    ``index`` has the input's shape without the class dimension; so has the
    result. The other index tensors are aranges that broadcast against it.
    """
    if logp.ndim == 1:
        return logp[index]
    if logp.ndim == 2:
        return logp[tt.arange(logp.shape[0]), index]
    k = logp.ndim - 1  # dims of the target
    others = [_arange_along(size, d, k) for d, size in enumerate(logp.shape[2:], start=1)]
    return logp[(_arange_along(logp.shape[0], 0, k), index, *others)]


def _class_broadcast(weight, class_dim, ndim):
    """The (C,) weight shaped to multiply an (N, C, d1, ...) tensor along its class dimension."""
    if ndim <= 2:
        return weight
    return weight.reshape((weight.shape[0],) + (1,) * (ndim - class_dim - 1))


def _nll(logp, index, ignored, n_kept, weight, reduction, class_dim=1, smoothing=0.0):
    """Negative log-likelihood of class-index targets, optionally label-smoothed.

    ``loss_i = -weight[t_i] * logp[i, t_i]`` (0 where ignored); 'mean' divides
    the sum by the summed weights of the counted targets. With smoothing,
    ``(1 - s) * that + s / C * (the same reduction of -sum_c weight[c] * logp[i, c])``.
    """
    picked = _pick(logp, index)
    w = None
    if weight is not None:
        w = weight[index]
        picked = picked * w
    if ignored is not None:
        picked = picked.masked_fill(ignored, 0.0)
        if w is not None:
            w = w.masked_fill(ignored, 0.0)
    smooth = None
    if smoothing:
        if weight is not None:
            logp = logp * _class_broadcast(weight, class_dim, logp.ndim)
        smooth = -logp.sum(class_dim)
        if ignored is not None:
            smooth = smooth.masked_fill(ignored, 0.0)

    if reduction == "none":
        loss = -picked
    elif reduction == "mean" and w is None and ignored is None and smooth is None:
        return -picked.mean()  # the usual training case: 4 ops in all with log_softmax
    else:
        loss = -picked.sum()
        if smooth is not None:
            smooth = smooth.sum()
        if reduction == "mean":
            total = w.sum() if w is not None else n_kept
            loss = loss / total
            if smooth is not None:
                smooth = smooth / total
    if smooth is None:
        return loss
    return (1 - smoothing) * loss + smooth * (smoothing / logp.shape[class_dim])


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood: the loss of log-probabilities (from ``log_softmax``) and class indices.

    ``loss_i = -weight[t_i] * input[i, t_i]``, and 0 where ``t_i == ignore_index``.
    'sum' adds them; 'mean' divides that sum by the sum of ``weight[t_i]`` over
    the targets that are not ignored (by their number without ``weight``).

    Args:
        weight: optional (C,) tensor, a weight per class.
        ignore_index: a target value that contributes nothing (nor to the mean's divisor).

    Shape:
        input: (C,), (N, C) or (N, C, d1, ...): log-probabilities.
        target: (), (N,) or (N, d1, ...): int64 class indices in [0, C).
        Output: a scalar, or the target's shape with ``reduction='none'``.

    >>> logp = tt.tensor([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]]).log()
    >>> F.nll_loss(logp, tt.tensor([1, 0]))
    tensor(0.5249)
    """
    _check_reduction("nll_loss", reduction)
    class_dim, n_classes = _n_classes("nll_loss", input)
    weight = _class_weight("nll_loss", weight, n_classes)
    _check_tensor("nll_loss", "target", target)
    index, ignored, n_kept = _class_indices("nll_loss", input, target, ignore_index, n_classes)
    return _nll(input, index, ignored, n_kept, weight, reduction, class_dim)


def _probability_loss(logp, target, weight, reduction, class_dim, smoothing):
    """Cross-entropy with class probabilities: ``loss_i = -sum_c weight[c] * p[i, c] * logp[i, c]``."""
    n_classes = logp.shape[class_dim]
    if smoothing:
        target = target * (1 - smoothing) + smoothing / n_classes
    terms = logp * target
    if weight is not None:
        terms = terms * _class_broadcast(weight, class_dim, logp.ndim)
    if reduction == "none":
        return -terms.sum(class_dim)
    loss = -terms.sum()
    if reduction == "sum":
        return loss
    n_samples = math.prod(logp.shape[:class_dim] + logp.shape[class_dim + 1 :])
    return loss / n_samples  # 'mean' is over samples, whatever the weights


def cross_entropy(
    input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0
):
    """Cross-entropy of raw scores (logits) against class indices or class probabilities.

    ``input`` is turned into log-probabilities with ``log_softmax`` over the
    class dimension (stable for any logits), then:

    * class indices ``t``: ``nll_loss(logp, t, weight, ignore_index)``, that is
      ``loss_i = -weight[t_i] * logp[i, t_i]``; 'mean' divides by the summed
      weights of the targets that are not ignored;
    * class probabilities ``p`` (a float target of the input's shape):
      ``loss_i = -sum_c weight[c] * p[i, c] * logp[i, c]``; 'mean' divides by
      the number of samples.

    ``label_smoothing=s`` mixes the target with the uniform distribution:
    probabilities become ``(1 - s) * p + s / C``; for indices the loss becomes
    ``(1 - s) * nll + s / C * sum_c -weight[c] * logp[i, c]`` (reduced alike).

    Args:
        weight: optional (C,) tensor, a weight per class.
        ignore_index: a target index that contributes nothing (indices only).
        label_smoothing: a float in [0, 1].

    Shape:
        input: (C,), (N, C) or (N, C, d1, ...): logits.
        target: class indices (), (N,) or (N, d1, ...) of int64 in [0, C); or
        class probabilities of the input's shape.
        Output: a scalar, or the target's shape without the class dimension
        with ``reduction='none'``.

    >>> logits = tt.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]])
    >>> F.cross_entropy(logits, tt.tensor([0, 2]))
    tensor(0.1681)
    >>> F.cross_entropy(logits, tt.tensor([0, 2]), reduction="none", label_smoothing=0.1)
    tensor([0.3913, 0.2949])
    """
    name = "cross_entropy"
    _check_reduction(name, reduction)
    class_dim, n_classes = _n_classes(name, input)
    _check_label_smoothing(name, label_smoothing)
    weight = _class_weight(name, weight, n_classes)
    _check_tensor(name, "target", target)
    if target.shape == input.shape:  # class probabilities
        if not target.dtype.is_floating_point:
            raise TypeError(
                f"{name}: a target of the input's shape {input.shape} holds class probabilities "
                f"and must be float64, got {target.dtype.name}; class indices have shape "
                f"{() if input.ndim == 1 else (input.shape[0], *input.shape[2:])}"
            )
        if ignore_index >= 0:
            raise ValueError(
                f"{name}: ignore_index is not supported with class-probability targets"
            )
        logp = input.log_softmax(class_dim)
        return _probability_loss(logp, target, weight, reduction, class_dim, label_smoothing)
    index, ignored, n_kept = _class_indices(name, input, target, ignore_index, n_classes, True)
    logp = input.log_softmax(class_dim)
    return _nll(logp, index, ignored, n_kept, weight, reduction, class_dim, label_smoothing)


# ----------------------------------------------------------------- binary classification
# PyTorch's floor for x * (1 - x) in the gradient of binary_cross_entropy: 1e-12 as a float32
_EPSILON = 9.999999960041972e-13


def _bce(x, y):
    """``-(y log x + (1 - y) log(1 - x))`` with each log clamped at -100, as PyTorch."""
    return (y - 1) * (1 - x).log().clamp(min=-100.0) - y * x.log().clamp(min=-100.0)


class _BinaryCrossEntropy(Function):
    """binary_cross_entropy with PyTorch's backward formula.

    The derivative of the clamped logs is 0/0 = nan at x = 0 or 1 (a
    saturated sigmoid); PyTorch uses ``(x - y) / max(x (1 - x), 1e-12)``
    instead, and so does this.
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _bce(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            grad_x = grad * (x - y) / ((1 - x) * x).clamp(min=_EPSILON)
        if ctx.needs_input_grad[1]:
            grad_y = grad * ((1 - x).log() - x.log())  # -logit(x)
        return grad_x, grad_y


def _check_binary(name, input, target, weight):
    _check_tensor(name, "input", input)
    _check_tensor(name, "target", target)
    if target.shape != input.shape:
        raise ValueError(
            f"{name}: target shape {target.shape} must be the same as input shape {input.shape}"
        )
    if weight is not None:
        _check_broadcasts_to(name, "weight", weight, input.shape)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Binary cross-entropy of probabilities (e.g. sigmoid outputs) against targets in [0, 1].

    ``loss_i = -weight_i * (y_i * log(x_i) + (1 - y_i) * log(1 - x_i))``, each
    log clamped at -100 (so ``x = 0`` gives 100, not inf), as PyTorch. Raw
    scores are better served by ``binary_cross_entropy_with_logits``, which is
    also stable where the sigmoid saturates.

    Args:
        weight: optional tensor that broadcasts to the input's shape.

    Shape:
        input: any shape, values in [0, 1]. target: the same shape.
        Output: a scalar, or the input's shape with ``reduction='none'``.

    >>> F.binary_cross_entropy(tt.tensor([0.9, 0.2]), tt.tensor([1.0, 0.0]))
    tensor(0.1643)
    """
    name = "binary_cross_entropy"
    _check_reduction(name, reduction)
    _check_binary(name, input, target, weight)
    for v in _data(input).values():
        if not 0.0 <= v <= 1.0:
            raise ValueError(
                f"{name}: input values must be probabilities in [0, 1], got {v}; apply "
                "sigmoid first, or use binary_cross_entropy_with_logits on the raw scores"
            )
    if isinstance(input, Variable) or isinstance(target, Variable):
        loss = _BinaryCrossEntropy.apply(input, target)
    else:
        loss = _bce(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy of raw scores x (sigmoid and loss in one, numerically stable).

    ``loss_i = weight_i * (max(x, 0) - x * y + log(1 + exp(-|x|)))``, which is
    ``-(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x)))`` without an exp that
    can overflow. ``pos_weight`` (one value per class, along the last
    dimension) scales the positive term:
    ``loss_i = -weight_i * (pos_weight * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x)))``.

    Args:
        weight: optional tensor that broadcasts to the input's shape.
        pos_weight: optional tensor, usually (C,), that broadcasts to the input's shape.

    Shape:
        input: any shape (e.g. (N, C)). target: the same shape.
        Output: a scalar, or the input's shape with ``reduction='none'``.

    >>> F.binary_cross_entropy_with_logits(tt.tensor([3.0, -1.0]), tt.tensor([1.0, 0.0]))
    tensor(0.1809)
    """
    name = "binary_cross_entropy_with_logits"
    _check_reduction(name, reduction)
    _check_binary(name, input, target, weight)
    if pos_weight is not None:
        _check_broadcasts_to(name, "pos_weight", pos_weight, input.shape)
    x = input
    positive = _data(x) > 0
    # log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|)). Both wheres pick x at x = 0, so
    # the gradient there is 1 - 1/2 (abs and min would each give 0 at the kink).
    log_sigmoid = tt.where(positive, 0.0, x) - (1 + tt.where(positive, -x, x).exp()).log()
    if pos_weight is not None:
        log_sigmoid = log_sigmoid * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * x - log_sigmoid
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ----------------------------------------------------------------- the Modules
class _Loss(Module):
    """Base of the loss Modules: keeps ``reduction``.

    As in PyTorch, a loss prints without its options:
    ``CrossEntropyLoss(reduction='sum')`` shows as ``CrossEntropyLoss()``.
    """

    def __init__(self, reduction="mean"):
        super().__init__()
        _check_reduction(type(self).__name__, reduction)
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error: ``loss_i = (input_i - target_i) ** 2``, then the reduction.

    Args:
        reduction: 'none' | 'mean' | 'sum'.

    Shape:
        Input: any shape. Target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> nn.MSELoss()(tt.tensor([1.0, 2.0, 4.0]), tt.tensor([1.0, 0.0, 1.0]))
    tensor(4.3333)
    """

    def forward(self, input, target):
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: ``loss_i = |input_i - target_i|``, then the reduction.

    Args:
        reduction: 'none' | 'mean' | 'sum'.

    Shape:
        Input: any shape. Target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> nn.L1Loss(reduction="sum")(tt.tensor([1.0, 2.0, 4.0]), tt.tensor([1.0, 0.0, 1.0]))
    tensor(5.)
    """

    def forward(self, input, target):
        return l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """``0.5 * d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta`` (``d = input - target``).

    Args:
        reduction: 'none' | 'mean' | 'sum'.
        beta: where the loss switches from squared to absolute error (>= 0).

    Shape:
        Input: any shape. Target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> nn.SmoothL1Loss(beta=0.5)(tt.tensor([0.25, 3.0]), tt.tensor([0.0, 0.0]))
    tensor(1.4062)
    """

    def __init__(self, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """``0.5 * d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)`` (``d = input - target``).

    Args:
        reduction: 'none' | 'mean' | 'sum'.
        delta: where the loss switches from squared to absolute error (> 0).

    Shape:
        Input: any shape. Target: the same shape. Output: a scalar, or the
        input's shape with ``reduction='none'``.

    >>> nn.HuberLoss(delta=2.0)(tt.tensor([0.5, 3.0]), tt.tensor([0.0, 0.0]))
    tensor(2.0625)
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities: ``loss_i = -weight[t_i] * input[i, t_i]``.

    Put a ``LogSoftmax`` before it, or use ``CrossEntropyLoss`` on the raw
    scores. 'mean' divides by the summed weights of the targets that are not
    ignored; see ``nll_loss``.

    Args:
        weight: optional (C,) tensor, a weight per class (kept as a buffer).
        ignore_index: a target value that contributes nothing.
        reduction: 'none' | 'mean' | 'sum'.

    Shape:
        Input: (C,), (N, C) or (N, C, d1, ...).
        Target: (), (N,) or (N, d1, ...), int64 class indices in [0, C).
        Output: a scalar, or the target's shape with ``reduction='none'``.

    >>> logp = tt.tensor([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]]).log()
    >>> nn.NLLLoss()(logp, tt.tensor([1, 0]))
    tensor(0.5249)
    """

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits: ``log_softmax`` over the classes, then the NLL of the targets.

    The targets are class indices (int64) or class probabilities (float, the
    input's shape); see ``cross_entropy`` for the formulas of both and of
    label smoothing.

    Args:
        weight: optional (C,) tensor, a weight per class (kept as a buffer).
        ignore_index: a target index that contributes nothing.
        reduction: 'none' | 'mean' | 'sum'.
        label_smoothing: in [0, 1]: mix the targets with the uniform distribution.

    Shape:
        Input: (C,), (N, C) or (N, C, d1, ...): logits.
        Target: class indices (), (N,) or (N, d1, ...), int64 in [0, C); or
        class probabilities of the input's shape.
        Output: a scalar, or the target's shape without the class dimension
        with ``reduction='none'``.

    >>> loss_fn = nn.CrossEntropyLoss()
    >>> loss_fn(tt.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]]), tt.tensor([0, 2]))
    tensor(0.1681)
    """

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        _check_label_smoothing(type(self).__name__, label_smoothing)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities: ``-weight_i * (y_i log x_i + (1 - y_i) log(1 - x_i))``.

    Each log is clamped at -100. For raw scores use ``BCEWithLogitsLoss``.

    Args:
        weight: optional tensor broadcast to the input's shape (kept as a buffer).
        reduction: 'none' | 'mean' | 'sum'.

    Shape:
        Input: any shape, values in [0, 1]. Target: the same shape.
        Output: a scalar, or the input's shape with ``reduction='none'``.

    >>> nn.BCELoss()(tt.tensor([0.9, 0.2]), tt.tensor([1.0, 0.0]))
    tensor(0.1643)
    """

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", weight)

    def forward(self, input, target):
        return binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and binary cross-entropy in one: ``max(x, 0) - x * y + log(1 + exp(-|x|))``.

    Numerically stable for any logits; ``pos_weight`` weighs the positive
    term (one value per class); see ``binary_cross_entropy_with_logits``.

    Args:
        weight: optional tensor broadcast to the input's shape (kept as a buffer).
        reduction: 'none' | 'mean' | 'sum'.
        pos_weight: optional tensor, usually (C,), the weight of positive examples (a buffer).

    Shape:
        Input: any shape (e.g. (N, C)). Target: the same shape.
        Output: a scalar, or the input's shape with ``reduction='none'``.

    >>> nn.BCEWithLogitsLoss()(tt.tensor([3.0, -1.0]), tt.tensor([1.0, 0.0]))
    tensor(0.1809)
    """

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return binary_cross_entropy_with_logits(
            input, target, self.weight, self.reduction, self.pos_weight
        )
