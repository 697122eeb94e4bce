"""The recorded graph: one ``Node`` per op that produced a Variable needing a gradient.

A node holds the op's arguments and, for each argument that needs a
gradient, the rule that computes it. It holds its output only through a weak
reference, so the graph has no reference cycles: when the last Variable of a
graph is dropped, reference counting frees the whole graph at once.
"""

import weakref

from .gradients import READS_OUTPUT


def backward_name(op):
    """``"log_softmax"`` -> ``"LogSoftmaxBackward"``, as PyTorch names its nodes."""
    return "".join(part.capitalize() for part in op.split("_")) + "Backward"


class Node:
    """An op in the graph (``variable.grad_fn``): sends the output's gradient to the inputs.

    ``edges`` lists ``(rule, target)`` pairs: ``target`` is the input Variable
    (or, for a list argument such as ``cat``'s, a list with None where no
    gradient is needed) and ``rule(grad, out, *args)`` its gradient.
    """

    __slots__ = ("op", "args", "versions", "edges", "out_ref", "out_version", "extra", "trace", "__weakref__")

    def __init__(self, op, args, edges, trace=None):
        self.op = op
        self.args = args
        # the version of each input that gets a gradient: an in-place change to one before
        # backward would make the rules read its new values, so backward refuses it (as PyTorch)
        self.versions = [None if type(t) is list else t._version for _rule, t in edges]
        self.edges = edges
        self.out_ref = None
        self.out_version = 0
        self.extra = None  # a second output that needs no gradient (the indices of max)
        self.trace = trace  # where the op was called, in anomaly mode

    def name(self):
        return backward_name(self.op)

    def __repr__(self):
        return f"<{self.name()}>"

    @property
    def next_functions(self):
        """The nodes this one sends gradients to (None for a leaf input), as PyTorch's."""
        return tuple(v.grad_fn for _rule, target in self.edges or () for v in _targets(target))

    def inputs(self):
        """The input Variables that receive a gradient from this node."""
        return [v for _rule, target in self.edges or () for v in _targets(target)]

    def apply(self, grad):
        """``[(input variable, its gradient), ...]`` for the output gradient ``grad``."""
        if self.args is None:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time; its "
                "intermediate values were freed by the first backward. Pass "
                "retain_graph=True to the first backward if you need to run it twice."
            )
        for (_rule, arg), version in zip(self.edges, self.versions):
            if version is not None and arg._version != version:
                raise RuntimeError(
                    f"{self.name()}: an input of '{self.op}' (shape {arg.shape}) was changed in "
                    f"place after '{self.op}' used it (version {arg._version}, expected "
                    f"{version}), so its gradient cannot be computed; write y = y + 1 instead "
                    "of y += 1, or clone() before changing it"
                )
        out = self.out_ref() if self.out_ref is not None else None
        if self.op in READS_OUTPUT and out is not None and out._version != self.out_version:
            raise RuntimeError(
                f"{self.name()}: the output of '{self.op}' (shape {out.shape}) was changed in "
                f"place after it was computed (version {out._version}, expected "
                f"{self.out_version}), so its gradient cannot be computed; change a clone()"
            )
        if self.extra is not None:
            out = (out, self.extra)
        pairs = []
        for rule, target in self.edges:
            result = rule(grad, out, *self.args)
            if isinstance(target, list):
                pairs.extend((v, g) for v, g in zip(target, result) if v is not None and g is not None)
            elif result is not None:
                pairs.append((target, result))
        return pairs

    def release(self):
        """Free what the node keeps for backward (done after a backward without retain_graph).

        The arguments go, and each input Variable is replaced by a stub that
        keeps only its node and shape: reference counting frees the
        intermediate Variables right away, while the graph's structure
        (``next_functions``, ``to_dot``) can still be inspected, as in PyTorch.
        """
        self.args = None
        if self.edges:
            self.edges = [(None, _stub(target)) for _rule, target in self.edges]

    def set_output(self, variable):
        self.out_ref = weakref.ref(variable)
        self.out_version = variable._version


class _Stub:
    """What remains of an input Variable in a released graph."""

    __slots__ = ("grad_fn", "shape", "__weakref__")

    def __init__(self, variable):
        self.grad_fn = variable.grad_fn
        self.shape = variable.shape


def _stub(target):
    """A stub for an intermediate; a leaf stays itself (its owner keeps it alive anyway)."""
    if isinstance(target, list):
        return [None if v is None else _stub(v) for v in target]
    return target if target.grad_fn is None else _Stub(target)


def _targets(target):
    if isinstance(target, list):
        return [v for v in target if v is not None]
    return [target]
