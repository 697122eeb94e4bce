"""Helpers for training loops: gradient clipping and flattening parameters, as ``torch.nn.utils``."""

import math

import tinytorch.core as tt
from tinytorch.autograd import Variable


def _with_grads(parameters):
    parameters = [parameters] if isinstance(parameters, Variable) else list(parameters)
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The norm is taken over every gradient as if they were one vector. Returns
    that norm (before clipping) as a 0-d tensor.
    """
    params = _with_grads(parameters)
    if not params:
        return tt.tensor(0.0)
    norm_type = float(norm_type)
    if norm_type == math.inf:
        values = [abs(x) for p in params for x in p.grad.data.values()]
        total = math.nan if any(x != x for x in values) else max(values, default=0.0)
    elif norm_type == 0:
        total = float(sum(x != 0 for p in params for x in p.grad.data.values()))
    else:
        total = sum(sum(abs(x) ** norm_type for x in p.grad.data.values()) for p in params) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of the gradients is {total}; "
            "set error_if_nonfinite=False to clip anyway"
        )
    coefficient = max_norm / (total + 1e-6)
    if not coefficient >= 1:  # also a nan norm: the gradients become nan, as in PyTorch
        for p in params:
            p.grad.data.copy_(p.grad.data * coefficient)
    return tt.tensor(float(total))


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient element into ``[-clip_value, clip_value]``."""
    for p in _with_grads(parameters):
        p.grad.data.copy_(p.grad.data.clamp(-clip_value, clip_value))


def parameters_to_vector(parameters):
    """All parameters as one flat 1-D tensor (in order)."""
    return tt.cat([p.data.reshape(-1) for p in parameters])


def vector_to_parameters(vector, parameters):
    """Write the values of a flat vector back into the parameters (in order)."""
    values = vector.data if isinstance(vector, Variable) else vector
    if not isinstance(values, tt.Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vector).__name__}")
    start = 0
    for p in parameters:
        n = p.numel()
        if start + n > values.numel():
            raise ValueError(f"vector_to_parameters: the vector has {values.numel()} elements, too few for the parameters")
        p.data.copy_(values[start : start + n].reshape(p.shape))
        start += n
    if start != values.numel():
        raise ValueError(f"vector_to_parameters: the vector has {values.numel()} elements, the parameters {start}")
