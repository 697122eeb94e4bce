"""Normalisation layers: BatchNorm1d (over the batch) and LayerNorm (over each sample's features)."""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import tinytorch.core as tt

from .. import functional as F
from .. import init
from ..module import Module, Parameter, shape_error


class BatchNorm1d(Module):
    """Normalises each feature (channel) over the batch, then scales and shifts it.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, per channel.

    In training E[x] and Var[x] are the batch's (the biased variance), and
    the running estimates are updated: ``running = (1 - momentum) * running
    + momentum * batch_value`` (the *unbiased* batch variance for
    ``running_var``, as PyTorch). In evaluation (``model.eval()``) the
    running estimates are used, so one sample at a time gives the same answer.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for stability. Default: 1e-5.
        momentum: weight of the new batch in the running estimates; ``None``
            averages all batches so far equally. Default: 0.1.
        affine: learn ``weight`` (init 1) and ``bias`` (init 0). Default: ``True``.
        track_running_stats: keep ``running_mean``, ``running_var`` and
            ``num_batches_tracked``; without them the batch statistics are
            used in evaluation too. Default: ``True``.
        bias: (keyword only) with ``affine``, learn the bias too. Default: ``True``.

    Shape:
        - Input: ``(N, C)`` or ``(N, C, L)``.
        - Output: the same shape.

    >>> m = BatchNorm1d(3)
    >>> y = m(tt.randn(16, 3))
    >>> [abs(round(v, 6)) for v in y.mean(0).tolist()]   # each channel now has mean 0 ...
    [0.0, 0.0, 0.0]
    >>> [round(v, 3) for v in y.var(0, correction=0).tolist()]   # ... and variance 1
    [1.0, 1.0, 1.0]
    >>> m
    BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(tt.ones(num_features))
            if bias:
                self.bias = Parameter(tt.zeros(num_features))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", tt.zeros(num_features))
            self.register_buffer("running_var", tt.ones(num_features))
            self.register_buffer("num_batches_tracked", tt.tensor(0))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1.0)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        if input.ndim not in (2, 3) or input.shape[1] != self.num_features:
            c = self.num_features
            raise shape_error(self, f"an input of shape (N, {c}) or (N, {c}, L)", input)
        if self.training and input.numel() // self.num_features <= 1:
            raise ValueError(
                f"{self!r}: expected more than 1 value per channel when training, got input "
                f"shape {tuple(input.shape)}; train on batches of 2 or more, or call .eval()"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative average: batch k gets weight 1/k
                factor = 1.0 / self.num_batches_tracked.item()
        # batch statistics in training, and in evaluation when there are no running ones
        use_batch_stats = self.training or self.running_mean is None
        update_running = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if update_running else None,
            self.running_var if update_running else None,
            self.weight,
            self.bias,
            use_batch_stats,
            factor,
            self.eps,
        )

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class LayerNorm(Module):
    """Normalises each sample over its last dims, then scales and shifts elementwise.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias``, E and (biased)
    Var taken over the last ``len(normalized_shape)`` dims of each sample; the
    same in training and evaluation (no running statistics).

    Args:
        normalized_shape: the shape of the trailing dims to normalise (an int
            for the last dim only).
        eps: added to the variance for stability. Default: 1e-5.
        elementwise_affine: learn ``weight`` (init 1) and ``bias`` (init 0),
            each of shape ``normalized_shape``. Default: ``True``.
        bias: with ``elementwise_affine``, learn the bias too. Default: ``True``.

    Shape:
        - Input: ``(N, *, normalized_shape[0], ..., normalized_shape[-1])``.
        - Output: the same shape.

    >>> m = LayerNorm(4)
    >>> y = m(tt.tensor([[1.0, 2.0, 3.0, 4.0]]))
    >>> round(y.sum().item(), 9)
    0.0
    >>> m
    LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(tt.ones(self.normalized_shape))
            if bias:
                self.bias = Parameter(tt.zeros(self.normalized_shape))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        k = len(self.normalized_shape)
        if input.ndim < k or tuple(input.shape[input.ndim - k:]) != self.normalized_shape:
            trailing = ", ".join(map(str, self.normalized_shape))
            raise shape_error(self, f"an input of shape (*, {trailing})", input)
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
