"""Anomaly mode: find the op whose gradient became nan or inf, and where it was called.

Inside ``with detect_anomaly():`` every recorded op keeps a short stack
summary of the user's code that called it (frames of tinyTorch itself left
out). During backward each gradient is checked; the first nan or inf raises a
``RuntimeError`` that names the op and shows that place in the forward code.
"""

import math
import os
import traceback

from .grad_mode import Switch


class _State:
    enabled = False


state = _State()

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../tinytorch


def where_called():
    """The user's frames of the current stack, innermost last."""
    frames = traceback.extract_stack()[:-1]
    return [f for f in frames if not os.path.abspath(f.filename).startswith(_PACKAGE_ROOT)]


def check_gradient(node, variable, grad):
    bad = next((x for x in grad.data.values() if x != x or x in (math.inf, -math.inf)), None)
    if bad is None:
        return
    where = "".join(traceback.format_list(node.trace[-4:])) if node.trace else "  (not recorded)\n"
    raise RuntimeError(
        f"detect_anomaly: the backward of '{node.op}' ({node.name()}) produced {bad} in the "
        f"gradient of an input of shape {variable.shape}. The forward op was called at:\n{where}"
        "Look for a log or sqrt of 0, a division by 0, or an exp that overflows there."
    )


class detect_anomaly(Switch):  # noqa: N801  (PyTorch's name)
    """Context manager (and decorator) that checks every gradient for nan/inf."""

    state = state
    mode = True
