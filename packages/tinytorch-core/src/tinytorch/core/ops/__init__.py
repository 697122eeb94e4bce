"""The op catalogue: every op's name, the parameters its kernel is called with, and what it does.

A kernel is called positionally with exactly these parameters (Python numbers
already wrapped as 0-d Tensors for the binary ops) and returns a new Tensor.
The reference kernels live beside this file, one module per family:
``elementwise.py``, ``reduction.py``, ``linalg.py``, ``shape.py``,
``indexing.py``, ``joining.py``.

Primitive and composite ops: a learner who writes the elementwise, reduction,
shape, indexing and joining (``cat``, ``stack``, ``where``) kernels has a whole
framework; ``matmul``, ``softmax`` and ``log_softmax`` are composites with their
own fast kernels (a test checks each equals its composition of primitives).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class OpSpec:
    """One op: its name, kernel parameters, family and a one-line description."""

    name: str
    params: tuple
    family: str
    doc: str
    differentiable: bool = True

    @property
    def signature(self):
        return f"{self.name}({', '.join(self.params)})"


def _specs():
    binary = {
        "add": "a + b, broadcasting",
        "sub": "a - b, broadcasting",
        "mul": "a * b, broadcasting",
        "div": "a / b, broadcasting; always float64",
        "pow": "a ** b, broadcasting",
        "maximum": "elementwise max of a and b, broadcasting",
        "minimum": "elementwise min of a and b, broadcasting",
    }
    compare = {
        "eq": "a == b, bool result",
        "ne": "a != b, bool result",
        "lt": "a < b, bool result",
        "le": "a <= b, bool result",
        "gt": "a > b, bool result",
        "ge": "a >= b, bool result",
    }
    unary = {
        "neg": "-a",
        "exp": "e ** a",
        "log": "natural logarithm; -inf at 0, nan below",
        "sqrt": "square root; nan below 0",
        "abs": "|a|",
        "sin": "sine",
        "cos": "cosine",
        "tanh": "hyperbolic tangent",
        "erf": "the error function (for GELU)",
        "sigmoid": "1 / (1 + exp(-a)), computed stably",
        "relu": "max(a, 0)",
    }
    specs = []
    specs += [OpSpec(n, ("a", "b"), "binary", d) for n, d in binary.items()]
    specs += [OpSpec(n, ("a", "b"), "compare", d, False) for n, d in compare.items()]
    specs += [OpSpec(n, ("a",), "unary", d) for n, d in unary.items()]
    specs += [
        OpSpec("clamp", ("a", "min", "max"), "unary", "a limited to [min, max]; either may be None"),
        OpSpec("softmax", ("a", "dim"), "softmax", "exp(a) / sum(exp(a)) along dim, stably"),
        OpSpec("log_softmax", ("a", "dim"), "softmax", "a - logsumexp(a) along dim, stably"),
    ]
    reductions = {
        "sum": "sum over dim (None: all; int or tuple)",
        "mean": "mean over dim",
        "prod": "product over dim",
        "max": "max over dim; (values, indices) when dim is an int",
        "min": "min over dim; (values, indices) when dim is an int",
    }
    specs += [OpSpec(n, ("a", "dim", "keepdim"), "reduction", d) for n, d in reductions.items()]
    specs += [
        OpSpec("argmax", ("a", "dim", "keepdim"), "reduction", "index of the first max", False),
        OpSpec("argmin", ("a", "dim", "keepdim"), "reduction", "index of the first min", False),
        OpSpec("var", ("a", "dim", "correction", "keepdim"), "reduction", "variance"),
        OpSpec("std", ("a", "dim", "correction", "keepdim"), "reduction", "standard deviation"),
        OpSpec("matmul", ("a", "b"), "linalg", "matrix product: 1-D, 2-D, batched"),
        OpSpec("reshape", ("a", "shape"), "shape", "same elements, new shape; a view if possible"),
        OpSpec("view", ("a", "shape"), "shape", "a view with a new shape (contiguous input)"),
        OpSpec("permute", ("a", "dims"), "shape", "a view with the dims reordered"),
        OpSpec("transpose", ("a", "dim0", "dim1"), "shape", "a view with two dims swapped"),
        OpSpec("expand", ("a", "shape"), "shape", "a view broadcast to shape (stride 0)"),
        OpSpec("squeeze", ("a", "dim"), "shape", "a view without size-1 dims"),
        OpSpec("unsqueeze", ("a", "dim"), "shape", "a view with a size-1 dim inserted"),
        OpSpec("flatten", ("a", "start_dim", "end_dim"), "shape", "dims start..end merged"),
        OpSpec("contiguous", ("a",), "shape", "a row-major copy, or a itself if it is one"),
        OpSpec("clone", ("a",), "shape", "a copy with its own storage"),
        OpSpec("to", ("a", "dtype"), "shape", "the values converted to dtype"),
        OpSpec("getitem", ("a", "key"), "indexing", "a[key]: a view for basic keys, else a copy"),
        OpSpec("setitem", ("a", "key", "value"), "indexing", "a[key] = value, in place"),
        OpSpec("masked_fill", ("a", "mask", "value"), "indexing", "value where mask, else a"),
        OpSpec("add_at", ("a", "key", "value"), "indexing", "a copy of a with value added at a[key]"),
        OpSpec("cat", ("tensors", "dim"), "joining", "tensors joined along an existing dim"),
        OpSpec("stack", ("tensors", "dim"), "joining", "tensors joined along a new dim"),
        OpSpec("where", ("condition", "a", "b"), "joining", "a where condition, else b"),
    ]
    return {spec.name: spec for spec in specs}


OPS = _specs()
