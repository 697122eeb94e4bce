"""Adam and AdamW, as PyTorch (bias-corrected moments, optional AMSGrad)."""

import math

import tinytorch.core as tt

from .optimizer import Optimizer, write


def _check(name, lr, betas, eps, weight_decay):
    if lr < 0:
        raise ValueError(f"{name}: invalid learning rate {lr}")
    if eps < 0:
        raise ValueError(f"{name}: invalid epsilon {eps}")
    if not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
        raise ValueError(f"{name}: invalid betas {betas}; each must be in [0, 1)")
    if weight_decay < 0:
        raise ValueError(f"{name}: invalid weight_decay {weight_decay}")


class Adam(Optimizer):
    """Adam: per-parameter step sizes from running averages of the gradient and its square.

    With gradient g (``g += wd * p`` when weight_decay is set) at step t::

        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)

    With ``amsgrad`` the running maximum of v is used instead of v.
    """

    decoupled = False  # AdamW: weight decay shrinks p directly instead of adding to g

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, maximize=False):
        _check(type(self).__name__, lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p, g in self._params_with_grad(group, weight_decay=not self.decoupled):
                value = p.data * (1 - lr * wd) if wd and self.decoupled else p.data
                state = self.state.setdefault(p, {})
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = tt.zeros(p.shape)
                    state["exp_avg_sq"] = tt.zeros(p.shape)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = tt.zeros(p.shape)
                state["step"] += 1
                t = state["step"]
                m = state["exp_avg"] = b1 * state["exp_avg"] + (1 - b1) * g
                v = state["exp_avg_sq"] = b2 * state["exp_avg_sq"] + (1 - b2) * g * g
                if group["amsgrad"]:
                    v = state["max_exp_avg_sq"] = state["max_exp_avg_sq"].maximum(v)
                denom = v.sqrt() / math.sqrt(1 - b2**t) + eps
                write(p, value - (lr / (1 - b1**t)) * m / denom)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p = p * (1 - lr * wd)`` before the Adam step."""

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize)
