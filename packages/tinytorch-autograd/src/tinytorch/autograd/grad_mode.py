"""Switching graph recording on and off: no_grad, enable_grad, set_grad_enabled.

Each is a context manager and a decorator, as in PyTorch. The switch is one
module-level flag that every Variable op reads.
"""

import functools


class _State:
    enabled = True


state = _State()


def is_grad_enabled():
    return state.enabled


class set_grad_enabled:  # noqa: N801  (PyTorch's name)
    """Record the graph (``True``) or not (``False``) inside a ``with`` block or a decorated call."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self.previous = state.enabled
        state.enabled = self.mode  # like PyTorch: takes effect when called, too

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        state.enabled = self.previous
        return False

    def __call__(self, fn):
        mode = self.mode
        state.enabled = self.previous  # used as a decorator: undo the eager switch

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


class Switch:
    """A flag set for a ``with`` block or a decorated call: no_grad, enable_grad, detect_anomaly."""

    state = state
    mode = True

    def __enter__(self):
        self.previous = self.state.enabled
        self.state.enabled = self.mode
        return self

    def __exit__(self, *exc):
        self.state.enabled = self.previous
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(Switch):  # noqa: N801
    """Do not record operations: results have no ``grad_fn`` (evaluation, weight updates)."""

    mode = False


class enable_grad(Switch):  # noqa: N801
    """Record operations again inside a ``no_grad`` block."""

    mode = True
