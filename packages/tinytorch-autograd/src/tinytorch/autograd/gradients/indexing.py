"""Gradient rules of indexing (see ``tinytorch/core/ops/indexing.py``).

Indexing picks elements, so its gradient puts the output's gradient back
where those elements came from, adding where an index repeats (the
``add_at`` op). Assignment's gradient is the output's gradient with the
overwritten places zeroed (for the tensor) or picked out (for the value).
"""

import tinytorch.core as tt


def _getitem(grad, out, a, key):
    from ..variable import Variable

    return Variable(tt.zeros(a.shape)).add_at(key, grad)


def _setitem_a(grad, out, a, key, value):
    cleared = grad.clone()
    cleared[key] = 0.0
    return cleared


RULES = {
    "getitem": {"a": _getitem},
    "add_at": {
        "a": lambda grad, out, a, key, value: grad,
        "value": lambda grad, out, a, key, value: grad[key],
    },
    "setitem": {"a": _setitem_a, "value": lambda grad, out, a, key, value: grad[key]},
    "masked_fill": {
        "a": lambda grad, out, a, mask, value: grad.masked_fill(mask, 0.0),
        "value": lambda grad, out, a, mask, value: (grad * mask.float()).sum(),
    },
}
