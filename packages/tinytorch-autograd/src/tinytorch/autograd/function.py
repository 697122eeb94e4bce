"""Function: write an op's forward and backward yourself, as with ``torch.autograd.Function``.

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x * x

    y = Cube.apply(x)

``forward`` runs without recording a graph; ``backward`` receives one
gradient per output and returns one per input of ``forward`` (None for an
input that needs none).
"""

import weakref

from .grad_mode import no_grad, state
from .graph import Node


class FunctionCtx:
    """The ``ctx`` of a Function: what forward keeps for backward."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self._saved = ()

    def save_for_backward(self, *tensors):
        self._saved = tensors

    @property
    def saved_tensors(self):
        return tuple(t() if isinstance(t, weakref.ref) else t for t in self._saved)

    def _forget_outputs(self, returned, output):
        """Hold a saved output weakly: an output keeping its own node alive would be a cycle.

        ``returned`` is what forward returned, ``output`` the Variable that
        ``apply`` hands out in its place (the one backward must see).
        """
        ids = {id(returned), id(output)}
        self._saved = tuple(weakref.ref(output) if id(t) in ids else t for t in self._saved)


class FunctionNode(Node):
    """A graph node whose gradients come from a Function's ``backward``."""

    __slots__ = ("function", "ctx")

    def __init__(self, function, ctx, args, variables):
        super().__init__(function.__name__, args, [(None, v) for v in variables])
        self.function = function
        self.ctx = ctx

    def name(self):
        return f"{self.function.__name__}Backward"

    def apply(self, grad):
        if self.args is None:
            return super().apply(grad)  # raises the "second backward" error
        grads = self.function.backward(self.ctx, grad)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(self.args):
            raise RuntimeError(
                f"{self.function.__name__}.backward returned {len(grads)} gradients, but "
                f"forward took {len(self.args)} inputs; return None for inputs without one"
            )
        return [
            (arg, g)
            for arg, g, needed in zip(self.args, grads, self.ctx.needs_input_grad)
            if needed and g is not None
        ]

    def release(self):
        super().release()
        self.ctx = None


class Function:
    """Base class of custom ops: subclass it with static ``forward`` and ``backward``."""

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("a Function subclass must define backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args):
        from .variable import Variable, _wrap

        needs = tuple(isinstance(a, Variable) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        with no_grad():
            result = cls.forward(ctx, *args)
        if isinstance(result, tuple):
            raise TypeError(f"{cls.__name__}.forward: return one output (several are not supported)")
        data = result.data if isinstance(result, Variable) else result
        if not (state.enabled and any(needs)):
            return _wrap(data)
        node = FunctionNode(cls, ctx, args, [a for a, n in zip(args, needs) if n])
        out = _wrap(data, node)
        ctx._forget_outputs(result, out)
        return out
