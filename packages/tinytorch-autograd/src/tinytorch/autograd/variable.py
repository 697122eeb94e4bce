"""Variable: a Tensor that remembers how it was made, so that gradients can flow back.

Every op of a Variable runs the same forward kernel as the Tensor op of the
same name (``kernels[op]``, so a learner's swapped kernel is used here too)
and, when a gradient is needed, records a ``Node`` holding the op's arguments
and the gradient rule of each input (from the gradient registry).
"""

import tinytorch.core as tt
from tinytorch.core import dtypes
from tinytorch.core.dispatch import kernels as _k
from tinytorch.core.ops.reduction import MinMax
from tinytorch.core.printing import format_tensor
from tinytorch.core.strides import size_args
from tinytorch.core.tensor import Tensor, as_operand
from tinytorch.core.tensor import var_correction as _correction

from . import anomaly
from .grad_mode import state
from .graph import Node
from .registry import NOT_DIFFERENTIABLE, gradient_table

_FLOAT = dtypes.float64  # only floating-point results carry gradients, as in PyTorch


class Variable:
    """A Tensor (``.data``) in the autograd graph, with ``.grad`` after ``backward()``.

    >>> x = Variable(tt.tensor([1.0, 2.0]), requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad.tolist()
    [2.0, 4.0]
    """

    __slots__ = ("data", "grad", "requires_grad", "grad_fn", "_hooks", "_retain", "_version", "__weakref__")

    def __init__(self, data, requires_grad=False):
        if isinstance(data, Variable):
            data = data.data
        elif not isinstance(data, Tensor):
            data = tt.tensor(data)
        if requires_grad and data.dtype is not dtypes.float64:
            raise TypeError(
                f"Variable: only float64 tensors can require gradients, got {data.dtype}; "
                "convert with .float() first"
            )
        self.data = data
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.grad_fn = None
        self._hooks = None
        self._retain = False
        self._version = 0  # bumped by every in-place change; backward checks it

    # ----------------------------------------------------------- graph
    @property
    def is_leaf(self):
        return self.grad_fn is None

    def requires_grad_(self, requires_grad=True):
        if not self.is_leaf:
            raise RuntimeError(
                "requires_grad_: only leaf Variables can change requires_grad; use "
                ".detach() to get a leaf"
            )
        if requires_grad and self.data.dtype is not dtypes.float64:
            raise TypeError(f"requires_grad_: only float64 tensors can require gradients, got {self.data.dtype}")
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self):
        """The same data as a new leaf that needs no gradient."""
        return Variable(self.data)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this Variable's gradient is computed; a return value replaces it."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: this Variable does not require a gradient")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self._hooks, hook)

    def retain_grad(self):
        """Keep ``.grad`` on this non-leaf Variable after backward (leaves always keep it)."""
        self._retain = True

    def backward(self, gradient=None, retain_graph=False, create_graph=False):
        from .engine import backward

        backward([self], None if gradient is None else [gradient], retain_graph, create_graph)

    # ----------------------------------------------------------- the Tensor side
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    def dim(self):
        return self.data.ndim

    def numel(self):
        return self.data.numel()

    def size(self, dim=None):
        return self.data.size(dim)

    def stride(self, dim=None):
        return self.data.stride(dim)

    def is_contiguous(self):
        return self.data.is_contiguous()

    def item(self):
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d Variable")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __index__(self):
        return self.data.__index__()

    __hash__ = object.__hash__

    def __repr__(self):
        suffixes = []
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            suffixes.append("requires_grad=True")
        return format_tensor(self.data, suffixes)

    @classmethod
    def __tinytorch_function__(cls, name, args):
        """Serve a core function or Tensor method when one of its arguments is a Variable.

        ``tt.cat([v, w])``, ``tt.where(c, v, 0)``, ``tt.add(tensor, v)`` and
        ``tensor.mul(v)`` all end here.
        """
        if name in ("cat", "stack"):
            tensors, dim = args
            return _apply(name, ([_operand_or_raise(t, name) for t in tensors], dim))
        if name == "where":
            condition, a, b = args
            return _apply("where", (_data(condition), _operand_or_raise(a, name), _operand_or_raise(b, name)))
        first, *rest = args
        first = first if isinstance(first, Variable) else _wrap(first)
        return getattr(first, name)(*rest)

    # ----------------------------------------------------------- arithmetic
    def __add__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("add", (self, other))

    def __radd__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("add", (other, self))

    def __sub__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("sub", (self, other))

    def __rsub__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("sub", (other, self))

    def __mul__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("mul", (self, other))

    def __rmul__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("mul", (other, self))

    def __truediv__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("div", (self, other))

    def __rtruediv__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("div", (other, self))

    def __pow__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("pow", (self, other))

    def __rpow__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("pow", (other, self))

    def __matmul__(self, other):
        return _apply("matmul", (self, other)) if isinstance(other, (Variable, Tensor)) else NotImplemented

    def __rmatmul__(self, other):
        return _apply("matmul", (other, self)) if isinstance(other, (Variable, Tensor)) else NotImplemented

    def __neg__(self):
        return _apply("neg", (self,))

    def __pos__(self):
        return self

    def __abs__(self):
        return _apply("abs", (self,))

    def __invert__(self):
        return Variable(~self.data)

    def __and__(self, other):
        return Variable(self.data & _data(other))

    def __or__(self, other):
        return Variable(self.data | _data(other))

    def __xor__(self, other):
        return Variable(self.data ^ _data(other))

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__

    def any(self, dim=None, keepdim=False):
        return Variable(self.data.any(dim, keepdim))

    def all(self, dim=None, keepdim=False):
        return Variable(self.data.all(dim, keepdim))

    def __eq__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("eq", (self, other))

    def __ne__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("ne", (self, other))

    def __lt__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("lt", (self, other))

    def __le__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("le", (self, other))

    def __gt__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("gt", (self, other))

    def __ge__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else _apply("ge", (self, other))

    def add(self, other):
        return _apply("add", (self, _operand_or_raise(other, "add")))

    def sub(self, other):
        return _apply("sub", (self, _operand_or_raise(other, "sub")))

    def mul(self, other):
        return _apply("mul", (self, _operand_or_raise(other, "mul")))

    def div(self, other):
        return _apply("div", (self, _operand_or_raise(other, "div")))

    def pow(self, exponent):
        return _apply("pow", (self, _operand_or_raise(exponent, "pow")))

    def maximum(self, other):
        return _apply("maximum", (self, _operand_or_raise(other, "maximum")))

    def minimum(self, other):
        return _apply("minimum", (self, _operand_or_raise(other, "minimum")))

    def eq(self, other):
        return _apply("eq", (self, _operand_or_raise(other, "eq")))

    def ne(self, other):
        return _apply("ne", (self, _operand_or_raise(other, "ne")))

    def lt(self, other):
        return _apply("lt", (self, _operand_or_raise(other, "lt")))

    def le(self, other):
        return _apply("le", (self, _operand_or_raise(other, "le")))

    def gt(self, other):
        return _apply("gt", (self, _operand_or_raise(other, "gt")))

    def ge(self, other):
        return _apply("ge", (self, _operand_or_raise(other, "ge")))

    def matmul(self, other):
        return _apply("matmul", (self, _operand_or_raise(other, "matmul")))

    # ----------------------------------------------------------- in place
    def _in_place(self, op, other):
        """``self op= other``: in the data, or (when recording) as a new node of the graph."""
        other = _operand_or_raise(other, f"{op}_")
        if state.enabled and (self.requires_grad or _requires_grad(other)):
            if self.is_leaf and self.requires_grad:
                raise RuntimeError(
                    f"{op}_: a leaf Variable that requires grad is used in an in-place "
                    "operation; wrap the update in `with no_grad():` (as optimizers do)"
                )
            before = _snapshot(self, other)
            self._rebind(_apply(op, (before, before if other is self else other)))
        else:
            self.data._write_result(_k[op](self.data, _data(other)), f"{op}_")
            self._version += 1
        return self

    def _rebind(self, result):
        """Take over ``result``'s data and graph node, so that ``self`` is now the result."""
        self._version += 1
        self.data = result.data
        self.grad_fn = result.grad_fn
        self.requires_grad = result.requires_grad
        if self.grad_fn is not None:
            self.grad_fn.set_output(self)

    def add_(self, other):
        return self._in_place("add", other)

    def sub_(self, other):
        return self._in_place("sub", other)

    def mul_(self, other):
        return self._in_place("mul", other)

    def div_(self, other):
        return self._in_place("div", other)

    def zero_(self):
        return self.fill_(0.0)

    def fill_(self, value):
        return self.copy_(value)

    def copy_(self, src):
        self[...] = src
        return self

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # ----------------------------------------------------------- elementwise math
    def neg(self):
        return _apply("neg", (self,))

    def exp(self):
        return _apply("exp", (self,))

    def log(self):
        return _apply("log", (self,))

    def sqrt(self):
        return _apply("sqrt", (self,))

    def abs(self):
        return _apply("abs", (self,))

    def sin(self):
        return _apply("sin", (self,))

    def cos(self):
        return _apply("cos", (self,))

    def tanh(self):
        return _apply("tanh", (self,))

    def sigmoid(self):
        return _apply("sigmoid", (self,))

    def erf(self):
        return _apply("erf", (self,))

    def relu(self):
        return _apply("relu", (self,))

    def clamp(self, min=None, max=None):  # noqa: A002  (PyTorch's names)
        return _apply("clamp", (self, min, max))

    clip = clamp

    def softmax(self, dim):
        return _apply("softmax", (self, dim))

    def log_softmax(self, dim):
        return _apply("log_softmax", (self, dim))

    # ----------------------------------------------------------- reductions
    def sum(self, dim=None, keepdim=False):
        return _apply("sum", (self, dim, keepdim))

    def mean(self, dim=None, keepdim=False):
        return _apply("mean", (self, dim, keepdim))

    def prod(self, dim=None, keepdim=False):
        return _apply("prod", (self, dim, keepdim))

    def max(self, dim=None, keepdim=False):
        if isinstance(dim, (Variable, Tensor)):
            return _apply("maximum", (self, dim))
        return _apply("max", (self, dim, keepdim))

    def min(self, dim=None, keepdim=False):
        if isinstance(dim, (Variable, Tensor)):
            return _apply("minimum", (self, dim))
        return _apply("min", (self, dim, keepdim))

    def argmax(self, dim=None, keepdim=False):
        return _apply("argmax", (self, dim, keepdim))

    def argmin(self, dim=None, keepdim=False):
        return _apply("argmin", (self, dim, keepdim))

    def var(self, dim=None, unbiased=None, *, correction=None, keepdim=False):
        return _apply("var", (self, dim, _correction(unbiased, correction), keepdim))

    def std(self, dim=None, unbiased=None, *, correction=None, keepdim=False):
        return _apply("std", (self, dim, _correction(unbiased, correction), keepdim))

    # ----------------------------------------------------------- shape and layout
    def reshape(self, *shape):
        return _apply("reshape", (self, size_args(shape, "reshape")))

    def view(self, *shape):
        return _apply("view", (self, size_args(shape, "view")))

    def permute(self, *dims):
        return _apply("permute", (self, size_args(dims, "permute")))

    def transpose(self, dim0, dim1):
        return _apply("transpose", (self, dim0, dim1))

    def t(self):
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor with <= 2 dimensions, got shape {self.shape}")
        return _apply("transpose", (self, 0, -1)) if self.ndim == 2 else self

    @property
    def T(self):
        return _apply("permute", (self, tuple(range(self.ndim - 1, -1, -1))))

    def expand(self, *sizes):
        return _apply("expand", (self, size_args(sizes, "expand")))

    def expand_as(self, other):
        return _apply("expand", (self, other.shape))

    def squeeze(self, dim=None):
        return _apply("squeeze", (self, dim))

    def unsqueeze(self, dim):
        return _apply("unsqueeze", (self, dim))

    def flatten(self, start_dim=0, end_dim=-1):
        return _apply("flatten", (self, start_dim, end_dim))

    def contiguous(self):
        return _apply("contiguous", (self,))

    def clone(self):
        return _apply("clone", (self,))

    def to(self, dtype):
        return _apply("to", (self, dtypes.as_dtype(dtype)))

    def float(self):
        return self.to(dtypes.float64)

    double = float

    def long(self):
        return self.to(dtypes.int64)

    int = long

    def bool(self):
        return self.to(dtypes.bool)

    # ----------------------------------------------------------- indexing
    def __getitem__(self, key):
        return _apply("getitem", (self, _key_data(key)))

    def __setitem__(self, key, value):
        value = _operand_or_raise(value, "setitem")
        key = _key_data(key)
        recording = state.enabled and (self.requires_grad or _requires_grad(value))
        if not recording:
            _k["setitem"](self.data, key, _data(value))
            self._version += 1
            return
        if self.is_leaf and self.requires_grad:
            raise RuntimeError(
                "setitem: a leaf Variable that requires grad is used in an in-place "
                "operation; assign under `with no_grad():`, or into a clone()"
            )
        # functional form: a copy of self with value written in; self becomes that copy
        before = _snapshot(self, value)
        result = _apply("setitem", (before, key, before if value is self else value), copy_first=True)
        self._rebind(result)

    def add_at(self, key, value):
        return _apply("add_at", (self, _key_data(key), _operand_or_raise(value, "add_at")))

    def masked_fill(self, mask, value):
        return _apply("masked_fill", (self, _data(mask), _operand_or_raise(value, "masked_fill")))


class _HookHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# ----------------------------------------------------------------- recording ops
def _operand(value):
    """A Variable or Tensor as itself; a Python number as a 0-d Tensor; else None."""
    return value if isinstance(value, Variable) else as_operand(value)


def _operand_or_raise(value, op):
    operand = _operand(value)
    if operand is None:
        raise TypeError(f"{op}: expected a Variable, Tensor or number, got {type(value).__name__}")
    return operand


def _data(value):
    return value.data if isinstance(value, Variable) else value


def _requires_grad(value):
    return isinstance(value, Variable) and value.requires_grad


def _key_data(key):
    """Indexing keys may hold Variables (indices from argmax, say): use their data."""
    if isinstance(key, Variable):
        return key.data
    if isinstance(key, tuple):
        return tuple(k.data if isinstance(k, Variable) else k for k in key)
    return key


def _snapshot(variable, other):
    """The old state of ``variable`` before an in-place op, as a Variable of its own.

    ``variable`` is about to become the op's output. Nodes recorded earlier
    that read ``variable`` (in ``other``'s graph, as in ``x.copy_(x.relu())``)
    must read the old state, so they are pointed at the snapshot.
    """
    before = _wrap(variable.data, variable.grad_fn, variable.requires_grad, variable._version)
    if isinstance(other, Variable) and other.grad_fn is not None and other is not variable:
        _redirect(other.grad_fn, variable, before)
    return before


def _redirect(root, old, new):
    """In the graph below ``root``, make every node that reads ``old`` read ``new``."""
    from .engine import topological_order

    for node in topological_order([root]):
        if node.args and any(a is old for a in node.args):
            node.args = tuple(new if a is old else a for a in node.args)
        if node.edges:
            node.edges = [
                (rule, [new if t is old else t for t in target] if isinstance(target, list)
                 else (new if target is old else target))
                for rule, target in node.edges
            ]


def _wrap(data, node=None, requires_grad=None, version=0):
    """A new Variable around ``data`` (a Tensor), the output of ``node`` if given.

    Variables made by ops come from here (``__init__`` is the learner's
    constructor, with its checks); ``requires_grad`` defaults to "has a node".
    """
    v = Variable.__new__(Variable)
    v.data = data
    v.grad = None
    v.grad_fn = node
    v.requires_grad = node is not None if requires_grad is None else requires_grad
    v._hooks = None
    v._retain = False
    v._version = version
    if node is not None:
        node.set_output(v)
    return v


def _apply(op, args, copy_first=False):
    """Run op ``op`` on ``args`` (Variables, Tensors, plain values) and record it if needed."""
    data = [
        [_data(t) for t in a] if type(a) is list else (a.data if isinstance(a, Variable) else a)
        for a in args
    ]
    if copy_first:  # setitem writes in place: into a copy here, so the graph stays functional
        data[0] = data[0].clone()
        _k[op](*data)
        out = data[0]
    else:
        out = _k[op](*data)
    if state.enabled and (out.dtype is _FLOAT if type(out) is Tensor else isinstance(out, tuple)):
        entry = gradient_table[op]
        edges = _edges(entry, args) if entry is not NOT_DIFFERENTIABLE else None
        if edges:
            node = Node(op, args, edges, anomaly.where_called() if anomaly.state.enabled else None)
            if isinstance(out, tuple):
                node.extra = out[1]  # the rule of max/min(dim) reads the indices
                return MinMax(_wrap(out[0], node), _wrap(out[1]))
            return _wrap(out, node)
    if isinstance(out, tuple):
        return MinMax(_wrap(out[0]), _wrap(out[1]))
    return _wrap(out)


def _edges(entry, args):
    edges = []
    for index, rule, is_list in entry:
        arg = args[index]
        if is_list:
            targets = [t if isinstance(t, Variable) and t.requires_grad else None for t in arg]
            if any(t is not None for t in targets):
                edges.append((rule, targets))
        elif isinstance(arg, Variable) and arg.requires_grad:
            edges.append((rule, arg))
    return edges


