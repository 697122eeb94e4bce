"""Optimizer: the base class, holding parameter groups and per-parameter state.

An optimizer updates ``p.data`` in place from ``p.grad`` (without recording
a graph). ``param_groups`` is a list of dicts, each with its own ``params``
and options (``lr``, ...), as in PyTorch; ``state[p]`` keeps what an
algorithm carries from step to step (momentum buffers, running averages).
"""

import warnings

import tinytorch.core as tt
from tinytorch.autograd import Variable


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class: subclasses set ``defaults`` in ``__init__`` and write ``step()``."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a group of parameters with its own options (the others come from the defaults)."""
        group = dict(group)
        params = group["params"]
        params = [params] if isinstance(params, Variable) else list(params)
        for p in params:
            if not isinstance(p, Variable) or not p.is_leaf:
                raise TypeError(f"{type(self).__name__}: can only optimize leaf Variables (Parameters), got {type(p).__name__}")
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                f"{type(self).__name__}: a parameter group lists a parameter more than once; "
                "it will be updated once per listing",
                UserWarning,
                stacklevel=3,
            )
        known = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in known for p in params):
            raise ValueError(f"{type(self).__name__}: some parameters appear in more than one parameter group")
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"{type(self).__name__}: parameter group didn't specify a value of required option '{name}'")
            group.setdefault(name, default)
        group["params"] = params
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Drop every gradient (or, with ``set_to_none=False``, zero it in place, as PyTorch)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    def step(self, closure=None):
        raise NotImplementedError

    def _params_with_grad(self, group, weight_decay=True):
        """``(p, g)`` for each parameter of ``group`` that has a gradient, ``g`` a Tensor.

        ``g`` is negated with ``maximize``, and with ``weight_decay=True`` (the
        L2 penalty, all but AdamW) ``g = g + weight_decay * p``.
        """
        maximize = group.get("maximize", False)
        wd = group.get("weight_decay", 0) if weight_decay else 0
        for p in group["params"]:
            if p.grad is not None:
                g = -p.grad.data if maximize else p.grad.data
                yield p, (g + wd * p.data if wd else g)

    # ----------------------------------------------------------- state
    def state_dict(self):
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`` as PyTorch."""
        index = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = _copy(self.state[p])
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: the state has {len(groups)} parameter "
                f"groups, this optimizer {len(self.param_groups)}"
            )
        params = []
        for saved, group in zip(groups, self.param_groups):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{type(self).__name__}.load_state_dict: a group has {len(saved['params'])} "
                    f"parameters in the state but {len(group['params'])} here"
                )
            params.extend(zip(saved["params"], group["params"]))
        self.state = {}
        for index, p in params:
            saved = state_dict["state"].get(index, state_dict["state"].get(str(index)))
            if saved is not None:
                self.state[p] = _copy(saved)
        for saved, group in zip(groups, self.param_groups):
            group.update({k: v for k, v in saved.items() if k != "params"})

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def _copy(state):
    """A parameter's state with its Tensors copied, so that the saved and the live state stay apart."""
    return {k: (v.clone() if isinstance(v, tt.Tensor) else v) for k, v in state.items()}


def write(p, value):
    """Store ``value`` (a Tensor) as the new value of parameter ``p``, in place.

    The parameter's version goes up, as for any in-place change: a graph recorded
    before the step can then not be backpropagated with the new values (PyTorch
    raises there too).
    """
    p.data.copy_(value)
    p._version += 1
