"""SGD, with momentum, dampening, Nesterov momentum and weight decay, as PyTorch."""

from .optimizer import Optimizer, required, write


class SGD(Optimizer):
    """Stochastic gradient descent.

    For each parameter p with gradient g (after weight decay ``g += wd * p``)::

        b = g                        (first step)
        b = momentum * b + (1 - dampening) * g
        g = g + momentum * b   if nesterov else   b
        p = p - lr * g

    >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)   # doctest: +SKIP
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, maximize=False):
        if lr is not required and lr < 0:
            raise ValueError(f"SGD: invalid learning rate {lr}")
        if momentum < 0:
            raise ValueError(f"SGD: invalid momentum {momentum}")
        if weight_decay < 0:
            raise ValueError(f"SGD: invalid weight_decay {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, momentum = group["lr"], group["momentum"]
            for p, g in self._params_with_grad(group):  # maximize and weight decay applied
                if momentum:
                    state = self.state.setdefault(p, {})
                    buf = state.get("momentum_buffer")
                    buf = g.clone() if buf is None else momentum * buf + (1 - group["dampening"]) * g
                    state["momentum_buffer"] = buf
                    g = g + momentum * buf if group["nesterov"] else buf
                write(p, p.data - lr * g)
        return loss
