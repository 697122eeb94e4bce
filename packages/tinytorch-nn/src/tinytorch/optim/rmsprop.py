"""RMSprop and Adagrad, as PyTorch."""

import tinytorch.core as tt

from .optimizer import Optimizer, write


class RMSprop(Optimizer):
    """Divide the gradient by a running root-mean-square of recent gradients.

    ::

        s = alpha * s + (1 - alpha) * g * g
        avg = sqrt(s - a * a) + eps   (centered, with a = alpha * a + (1 - alpha) * g)
        avg = sqrt(s) + eps           (otherwise)
        b = momentum * b + g / avg;  p = p - lr * b     (momentum > 0)
        p = p - lr * g / avg                             (otherwise)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, maximize=False):
        if lr < 0 or eps < 0 or alpha < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError("RMSprop: lr, alpha, eps, momentum and weight_decay must be >= 0")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, alpha, eps, momentum = (group[k] for k in ("lr", "alpha", "eps", "momentum"))
            for p, g in self._params_with_grad(group):  # maximize and weight decay applied
                state = self.state.setdefault(p, {})
                if not state:
                    state["step"] = 0
                    state["square_avg"] = tt.zeros(p.shape)
                    if momentum > 0:
                        state["momentum_buffer"] = tt.zeros(p.shape)
                    if group["centered"]:
                        state["grad_avg"] = tt.zeros(p.shape)
                state["step"] += 1
                square_avg = state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * g * g
                if group["centered"]:
                    grad_avg = state["grad_avg"] = alpha * state["grad_avg"] + (1 - alpha) * g
                    avg = (square_avg - grad_avg * grad_avg).sqrt() + eps
                else:
                    avg = square_avg.sqrt() + eps
                if momentum > 0:
                    buf = state["momentum_buffer"] = momentum * state["momentum_buffer"] + g / avg
                    write(p, p.data - lr * buf)
                else:
                    write(p, p.data - lr * g / avg)
        return loss


class Adagrad(Optimizer):
    """Step sizes that shrink with the sum of all past squared gradients.

    ::

        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        p = p - clr * g / (sqrt(s) + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10, maximize=False):
        if lr < 0 or lr_decay < 0 or weight_decay < 0 or eps < 0 or initial_accumulator_value < 0:
            raise ValueError("Adagrad: lr, lr_decay, weight_decay, eps and initial_accumulator_value must be >= 0")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      maximize=maximize))
        for group in self.param_groups:  # PyTorch creates the accumulators up front
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group):
        self.state[p] = {"step": 0, "sum": tt.full(p.shape, float(group["initial_accumulator_value"]))}
        return self.state[p]

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p, g in self._params_with_grad(group):  # maximize and weight decay applied
                state = self.state.get(p) or self._init_state(p, group)  # groups added later
                state["step"] += 1
                clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                total = state["sum"] = state["sum"] + g * g
                write(p, p.data - clr * g / (total.sqrt() + group["eps"]))
        return loss
