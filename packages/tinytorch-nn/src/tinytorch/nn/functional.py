"""nn.functional: every layer's computation as a plain function, as ``torch.nn.functional``.

The layers (``nn.Linear``, ``nn.GELU``, ...) hold the parameters and call
these; there is one implementation of each formula, here. Every function
takes Variables or plain Tensors and is built from differentiable tinyTorch
ops, so its gradient comes from autograd: nothing here has a backward of
its own.

>>> import tinytorch.core as tt
>>> from tinytorch.nn import functional as F
>>> F.relu(tt.tensor([-1.0, 2.0]))
tensor([0., 2.])
>>> F.one_hot(tt.tensor([0, 2]), num_classes=3)
tensor([[1, 0, 0],
        [0, 0, 1]])

Differences from PyTorch: ``inplace=True`` is accepted but the result is
always a new tensor (the input is left as it was); ``dropout`` takes an
optional ``generator``; ``embedding`` has no ``max_norm``,
``scale_grad_by_freq`` or ``sparse``.
"""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import math
import warnings

import tinytorch.core as tt
from tinytorch.autograd import Variable

__all__ = [
    "batch_norm",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "one_hot",
    "pad",
    "relu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "tanh",
]


def _tensor(x):
    """The Tensor of a Variable (its data, outside the graph), or the Tensor itself."""
    return x.data if isinstance(x, Variable) else x


def _shape(x):
    return tuple(x.shape)


# ----------------------------------------------------------------- linear
def linear(input, weight, bias=None):
    """``y = x W^T + b``: ``input`` (*, in_features), ``weight`` (out_features, in_features),
    ``bias`` (out_features,) or None; the result is (*, out_features).

    >>> linear(tt.ones(2, 3), tt.ones(4, 3), tt.zeros(4)).shape
    (2, 4)
    """
    if input.ndim < 1 or input.shape[-1] != weight.shape[-1]:
        raise ValueError(
            f"linear: input shape {_shape(input)} and weight shape {_shape(weight)} do not "
            f"match: the input's last dimension must be in_features = {weight.shape[-1]}"
        )
    out = input @ weight.T
    return out if bias is None else out + bias


# ----------------------------------------------------------------- activations
def _log1p(y):
    """``log(1 + y)``, accurate also for tiny ``y``, with a gradient everywhere.

    tinyTorch has no ``log1p`` op. Kahan's trick: with ``u = 1 + y`` (rounded),
    ``log(u) * y / (u - 1)`` is accurate; where ``u`` rounds to exactly 1,
    ``log1p(y) == y`` to double precision. The denominator is made safe where
    that branch is not taken, so no nan leaks into the gradient.
    """
    u = y + 1
    rounded_to_one = _tensor(u) == 1
    denominator = tt.where(rounded_to_one, 1.0, u - 1)
    return tt.where(rounded_to_one, y, u.log() * y / denominator)


def relu(input, inplace=False):
    """``max(0, x)``, elementwise."""
    return input.relu()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where ``x > 0``, else ``negative_slope * x``."""
    return tt.where(input > 0, input, input * negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x) - 1))``."""
    # exp of min(x, 0) only: exp(x) of a large x would overflow, and the inf
    # would turn the (zero) gradient of the unused branch into nan
    return input.relu() + alpha * (input.clamp(max=0.0).exp() - 1)


_SQRT1_2 = 1 / math.sqrt(2)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def gelu(input, approximate="none"):
    """``x * Phi(x)``, Phi the standard normal CDF: ``0.5 * x * (1 + erf(x / sqrt(2)))``.

    With ``approximate='tanh'``: ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))``.
    """
    if approximate == "none":
        return input * 0.5 * (1 + (input * _SQRT1_2).erf())
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (input + 0.044715 * (input * input * input))
        return 0.5 * input * (1 + inner.tanh())
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (also called swish)."""
    return input * input.sigmoid()


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``; ``x`` itself where ``beta * x > threshold``."""
    z = input * beta
    # clamped so that exp cannot overflow in the branch that is not used
    smooth = _log1p(z.clamp(max=threshold).exp()) / beta
    return tt.where(z > threshold, input, smooth)


def sigmoid(input):
    """``1 / (1 + exp(-x))``."""
    return input.sigmoid()


def tanh(input):
    """``(exp(x) - exp(-x)) / (exp(x) + exp(-x))``."""
    return input.tanh()


def _softmax_dim(name, dim, ndim):
    if dim is not None:
        return dim
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1  # PyTorch's legacy choice


def softmax(input, dim=None):
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim`` (computed stably: max subtracted first)."""
    return input.softmax(_softmax_dim("softmax", dim, input.ndim))


def log_softmax(input, dim=None):
    """``x_i - log(sum_j exp(x_j))`` along ``dim``: the log of softmax, without its rounding."""
    return input.log_softmax(_softmax_dim("log_softmax", dim, input.ndim))


# ----------------------------------------------------------------- dropout
def dropout(input, p=0.5, training=True, inplace=False, generator=None):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` (training only).

    The scaling keeps the expected value of each element unchanged, so
    nothing needs rescaling in evaluation, where the input is returned as it
    is. ``generator`` (a ``tinytorch.core.Generator``) draws the mask; by
    default the global generator does (``tt.manual_seed`` makes it repeatable).
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = tt.rand(input.shape, generator=generator) >= p  # True with probability 1 - p
    return input * (keep.float() * (1.0 / (1.0 - p)))


# ----------------------------------------------------------------- normalization
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) of ``input`` (N, C) or (N, C, L) over the batch.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, per channel. With
    ``training=True`` mean and var are the batch's (the biased variance, over
    every dim but 1) and the running statistics, if given, are updated in place:
    ``running = (1 - momentum) * running + momentum * batch_statistic``, with
    the *unbiased* batch variance for ``running_var``, as PyTorch. With
    ``training=False`` the running statistics are used.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C, *), got shape {_shape(input)}")
    channels = input.shape[1]
    per_channel = (1, channels) + (1,) * (input.ndim - 2)  # broadcasts a (C,) vector over input
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and _shape(t) != (channels,):
            raise ValueError(
                f"batch_norm: {name} has shape {_shape(t)}, but the input (shape "
                f"{_shape(input)}) has {channels} channels in dim 1"
            )
    if training:
        dims = (0,) + tuple(range(2, input.ndim))  # every dim but the channels
        count = input.numel() // channels if channels else 0
        if count <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got "
                f"input shape {_shape(input)}"
            )
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, correction=0, keepdim=True)
        if running_mean is not None:
            batch_mean = _tensor(mean).reshape(channels)
            running_mean.copy_(momentum * batch_mean + (1 - momentum) * running_mean)
        if running_var is not None:
            unbiased = _tensor(input).var(dims, correction=1).reshape(channels)
            running_var.copy_(momentum * unbiased + (1 - momentum) * running_var)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when training=False")
        mean = _tensor(running_mean).reshape(per_channel)
        var = _tensor(running_var).reshape(per_channel)
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` dims of each sample.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, mean and (biased)
    var taken over those trailing dims; ``weight`` and ``bias`` have shape
    ``normalized_shape``.
    """
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or input.ndim < k or _shape(input)[input.ndim - k:] != normalized_shape:
        raise ValueError(
            f"layer_norm: expected an input of shape (*, {', '.join(map(str, normalized_shape))}) "
            f"(normalized_shape={normalized_shape}), got shape {_shape(input)}"
        )
    dims = tuple(range(-k, 0))
    mean = input.mean(dims, keepdim=True)
    var = input.var(dims, correction=0, keepdim=True)
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


# ----------------------------------------------------------------- embedding
def _check_indices(input, num_embeddings, who):
    """The int64 Tensor of ``input``, after checking each index is in ``[0, num_embeddings)``.

    ``who`` starts the error message (``"embedding"``, or a layer, shown by its repr).
    """
    indices = _tensor(input)
    if indices.dtype is not tt.int64:
        raise TypeError(f"{who}: expected an int64 tensor of indices, got {indices.dtype}")
    if indices.numel():
        for index in (indices.min().item(), indices.max().item()):
            if not 0 <= index < num_embeddings:
                raise IndexError(
                    f"{who}: index {index} is out of range for num_embeddings={num_embeddings} "
                    f"(valid indices are 0 to {num_embeddings - 1})"
                )
    return indices


def embedding(input, weight, padding_idx=None):
    """Rows of ``weight`` (num_embeddings, embedding_dim) picked by the int64 indices ``input``.

    The result has shape ``input.shape + (embedding_dim,)``. Row
    ``padding_idx`` (if given) receives no gradient: it stays a fixed "pad".
    """
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {_shape(weight)}")
    return _lookup(_check_indices(input, weight.shape[0], "embedding"), weight, padding_idx)


def _lookup(indices, weight, padding_idx):
    """``embedding`` of indices already checked (``nn.Embedding`` checks them, naming itself)."""
    rows = weight[indices]
    if padding_idx is None or not (isinstance(rows, Variable) and rows.requires_grad):
        return rows
    if padding_idx < 0:
        padding_idx += weight.shape[0]
    # same values either way; only the rows that are not padding pass a gradient back
    keep = (indices != padding_idx).unsqueeze(-1)
    return tt.where(keep, rows, rows.detach())


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape ``tensor.shape + (num_classes,)``: 1 at each index, 0 elsewhere.

    ``num_classes=-1`` uses ``tensor.max() + 1``.
    """
    indices = _tensor(tensor)
    if indices.dtype is not tt.int64:
        raise TypeError(f"one_hot: only int64 index tensors are accepted, got {indices.dtype}")
    if num_classes == -1:
        if not indices.numel():
            raise ValueError("one_hot: cannot infer the number of classes from an empty tensor")
        num_classes = indices.max().item() + 1
    if indices.numel():
        low, high = indices.min().item(), indices.max().item()
        if low < 0:
            raise ValueError(f"one_hot: class values must be non-negative, got {low}")
        if high >= num_classes:
            raise ValueError(f"one_hot: class values must be smaller than num_classes={num_classes}, got {high}")
    out = (indices.unsqueeze(-1) == tt.arange(num_classes)).long()
    return Variable(out) if isinstance(tensor, Variable) else out


# ----------------------------------------------------------------- padding
_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):  # noqa: A002  (PyTorch's names)
    """Pad ``input``: ``pad = (left, right)`` for the last dim, then ``(left, right)`` of the one before, ...

    ``pad`` has 2 numbers per padded dim, the last dim first, as PyTorch:
    ``pad(x, (1, 1))`` adds one column on each side; ``pad(x, (0, 0, 2, 0))``
    two rows at the top. ``mode='constant'`` fills with ``value`` (default 0)
    and accepts negative amounts (they crop); ``'reflect'`` mirrors without
    repeating the edge, ``'replicate'`` repeats the edge, ``'circular'`` wraps
    around.

    >>> pad(tt.tensor([[1.0, 2.0]]), (1, 2), value=9.0)
    tensor([[9., 1., 2., 9., 9.]])
    """
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError(
            f"pad: the pad tuple must have an even length of at most 2 * input.ndim "
            f"(= {2 * input.ndim}), got {pad} for an input of shape {_shape(input)}"
        )
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(_PAD_MODES)}, got {mode!r}")
    if mode != "constant" and value not in (None, 0, 0.0):
        raise ValueError(f"pad: value is only used with mode='constant', got mode={mode!r}")
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        left, right = pad[2 * i], pad[2 * i + 1]
        if mode == "constant":
            out = _pad_constant(out, dim, left, right, 0.0 if value is None else value)
        else:
            out = _pad_by_index(out, dim, left, right, mode)
    return out


def _narrow(x, dim, start, stop):
    return x[(slice(None),) * dim + (slice(start, stop),)]


def _pad_constant(x, dim, left, right, value):
    size = x.shape[dim]
    if left < 0 or right < 0:  # negative amounts crop
        x = _narrow(x, dim, max(-left, 0), size - max(-right, 0))
        left, right = max(left, 0), max(right, 0)
    if not (left or right):
        return x
    parts = []
    for amount in (left, right):
        shape = list(x.shape)
        shape[dim] = amount
        parts.append(tt.full(tuple(shape), value, dtype=x.dtype))
    return tt.cat([parts[0], x, parts[1]], dim)


def _pad_by_index(x, dim, left, right, mode):
    size = x.shape[dim]
    if left < 0 or right < 0:
        raise ValueError(f"pad: negative padding is only supported with mode='constant', got ({left}, {right})")
    if mode == "reflect" and (left >= size or right >= size):
        raise ValueError(
            f"pad: with mode='reflect' each amount must be smaller than the size of the dim "
            f"({size}), got ({left}, {right})"
        )
    if mode == "circular" and (left > size or right > size):
        raise ValueError(
            f"pad: with mode='circular' each amount must be at most the size of the dim "
            f"({size}), got ({left}, {right})"
        )
    middle = list(range(size))
    if mode == "replicate":
        index = [0] * left + middle + [size - 1] * right
    elif mode == "reflect":
        index = list(range(left, 0, -1)) + middle + list(range(size - 2, size - 2 - right, -1))
    else:  # circular
        index = list(range(size - left, size)) + middle + list(range(right))
    # one advanced index on `dim`: a gather, whose gradient (add_at) sums repeated picks
    return x[(slice(None),) * dim + (tt.tensor(index, dtype=tt.int64),)]


# ----------------------------------------------------------------- losses
# written in losses.py; re-exported here so that F.cross_entropy etc. work as in PyTorch
from . import losses as _losses  # noqa: E402
from .losses import *  # noqa: E402, F403

__all__ += [name for name in _losses.__all__ if not isinstance(getattr(_losses, name), type)]
