"""Module: the base class of every layer and model, and Parameter.

A Module finds its parts by attribute assignment, as PyTorch's does:
``self.fc = Linear(3, 4)`` registers a submodule, ``self.w = Parameter(...)``
a parameter, ``self.register_buffer("mean", t)`` a buffer (state that is
saved but not trained). Everything else (``parameters()``, ``state_dict()``,
``train()``, ``repr``) walks those three dicts.
"""

from collections import OrderedDict, namedtuple

import tinytorch.core as tt
from tinytorch.autograd import Variable
from tinytorch.core.strides import normalize_dim


class Parameter(Variable):
    """A Variable that is a trainable weight: it requires grad and a Module registers it.

    >>> w = Parameter(tt.zeros(2, 3))
    >>> w.requires_grad
    True
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data.data if isinstance(data, Variable) else data, requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _addindent(text, spaces):
    lines = text.split("\n")
    return lines[0] + "".join("\n" + " " * spaces + line for line in lines[1:])


class Module:
    """Base class of layers and models: subclass it, create parts in ``__init__``, write ``forward``.

    >>> class TwoLayer(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = Linear(4, 8)
    ...         self.out = Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    """

    training = True

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "training", True)

    # ----------------------------------------------------------- registration
    def _parts(self, kind):
        parts = self.__dict__.get(kind)
        if parts is None:
            raise AttributeError(
                f"{type(self).__name__}: Module.__init__() was not called, so this module has "
                "nowhere to keep its parameters and submodules; call super().__init__() first "
                "in your __init__"
            )
        return parts

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            params = self._parts("_parameters")
            self._discard(name)
            params[name] = value
        elif isinstance(value, Module):
            modules = self._parts("_modules")
            self._discard(name)
            modules[name] = value
        elif name in self.__dict__.get("_parameters", ()):
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter '{name}' of "
                    f"{type(self).__name__} (a Parameter or None is expected)"
                )
            self._parameters[name] = None
        elif name in self.__dict__.get("_buffers", ()):
            self._buffers[name] = _as_buffer(value, name)
        elif name in self.__dict__.get("_modules", ()):
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as child module '{name}'")
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def _discard(self, name):
        for kind in ("_parameters", "_buffers", "_modules"):
            self.__dict__[kind].pop(name, None)
        self.__dict__.pop(name, None)

    def __getattr__(self, name):
        # only called when normal lookup fails: look in the three registries
        d = self.__dict__
        if name in ("_parameters", "_buffers", "_modules", "_forward_hooks"):
            self._parts(name)  # raises: Module.__init__ was never called
        for kind in ("_parameters", "_buffers", "_modules"):
            parts = d.get(kind)
            if parts is not None and name in parts:
                return parts[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for kind in ("_parameters", "_buffers", "_modules"):
            parts = self.__dict__.get(kind)
            if parts is not None and name in parts:
                del parts[name]
                return
        object.__delattr__(self, name)

    def register_buffer(self, name, tensor, persistent=True):
        """Keep ``tensor`` as state of this module (saved in state_dict, not trained)."""
        self._parts("_buffers")[name] = _as_buffer(tensor, name)
        if not persistent:
            self.__dict__.setdefault("_non_persistent", set()).add(name)
        elif "_non_persistent" in self.__dict__:  # registered again as persistent
            self._non_persistent.discard(name)

    def register_parameter(self, name, param):
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be a Parameter or None")
        self._parts("_parameters")[name] = param

    def add_module(self, name, module):
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: '{name}' must be a Module, got {type(module).__name__}")
        self._parts("_modules")[name] = module

    register_module = add_module

    # ----------------------------------------------------------- walking the tree
    def named_modules(self, memo=None, prefix=""):
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _name, module in self.named_modules():
            yield module

    def named_children(self):
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self):
        for _name, module in self.named_children():
            yield module

    def _named_members(self, kind, prefix, recurse):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module._parts(kind).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix="", recurse=True):
        yield from self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse=True):
        for _name, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True):
        yield from self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse=True):
        for _name, b in self.named_buffers(recurse=recurse):
            yield b

    # ----------------------------------------------------------- modes and helpers
    def train(self, mode=True):
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Drop every parameter's gradient (or, with ``set_to_none=False``, zero it in place)."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def apply(self, fn):
        """Call ``fn(module)`` on every submodule (children first) and on self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ----------------------------------------------------------- calling
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define forward(self, ...)")

    def __call__(self, *args, **kwargs):
        result = self.forward(*args, **kwargs)
        hooks = self.__dict__.get("_forward_hooks")
        if hooks:
            for hook in list(hooks.values()):
                replaced = hook(self, args, result)
                if replaced is not None:
                    result = replaced
        return result

    def register_forward_hook(self, hook):
        """Call ``hook(module, inputs, output)`` after every forward; a return value replaces the output."""
        hooks = self._parts("_forward_hooks")
        key = object()
        hooks[key] = hook
        return _RemovableHandle(hooks, key)

    # ----------------------------------------------------------- state
    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """Every parameter and persistent buffer, by dotted name (``"0.weight"``), as Tensors."""
        out = OrderedDict() if destination is None else destination
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keep_vars else p.data
        skip = self.__dict__.get("_non_persistent", ())
        for name, b in self._buffers.items():
            if b is not None and name not in skip:
                out[prefix + name] = b
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Copy tensors from ``state_dict`` into this module's parameters and buffers.

        With ``strict`` every key must match; any missing, unexpected or
        wrongly shaped key is listed in one ``RuntimeError`` and nothing is
        changed. Returns ``(missing_keys, unexpected_keys)``.
        """
        own = self.state_dict()  # parameters' data and buffers: the Tensors to copy into
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        pairs = {key: (target, _tensor_of(state_dict[key])) for key, target in own.items() if key in state_dict}
        wrong_shape = [
            f"{key}: {tuple(source.shape)} in the file, {tuple(target.shape)} in the model"
            for key, (target, source) in pairs.items()
            if tuple(source.shape) != tuple(target.shape)
        ]
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(unexpected))
        if wrong_shape:
            problems.append("wrong shapes: " + "; ".join(wrong_shape))
        if problems:
            raise RuntimeError(
                f"load_state_dict of {type(self).__name__}: " + " | ".join(problems)
                + " (nothing was loaded)"
            )
        for target, source in pairs.values():
            target.copy_(source.to(target.dtype))
        return IncompatibleKeys(missing, unexpected)

    # ----------------------------------------------------------- printing
    def extra_repr(self):
        """The arguments shown between the parentheses of ``repr``; layers override it."""
        return ""

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, module in self._modules.items():
            lines.append(f"({name}): " + _addindent(repr(module), 2))
        main = type(self).__name__ + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))


def shape_error(layer, expected, input):  # noqa: A002  (``input`` is PyTorch's argument name)
    """The ValueError a layer raises for an input of the wrong shape: which layer, what, what it got."""
    return ValueError(f"{layer!r}: expected {expected}, got shape {tuple(input.shape)}")


def layer_dim(layer, dim, input):  # noqa: A002
    """``dim`` of ``input`` counted from 0 (core's ``normalize_dim``), or the layer's shape error."""
    try:
        return normalize_dim(dim, input.ndim, type(layer).__name__)
    except IndexError:
        needed = dim + 1 if dim >= 0 else -dim
        raise shape_error(layer, f"an input with a dim {dim} (at least {needed} dimensions)", input) from None


class _RemovableHandle:
    def __init__(self, hooks, key):
        self._hooks, self._key = hooks, key

    def remove(self):
        self._hooks.pop(self._key, None)


def _as_buffer(value, name):
    if value is None or isinstance(value, tt.Tensor):
        return value
    if isinstance(value, Variable):
        return value.data
    raise TypeError(f"buffer '{name}' must be a Tensor or None, got {type(value).__name__}")


def _tensor_of(value):
    if isinstance(value, Variable):
        return value.data
    if isinstance(value, tt.Tensor):
        return value
    raise TypeError(f"state_dict values must be Tensors, got {type(value).__name__}")
