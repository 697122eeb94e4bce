"""The plugin manager: who provides each op's kernel, and how a learner swaps one.

``manager`` is a ``pluggy.PluginManager`` for the project ``"tinytorch"``.
Core's reference kernels are its own plugin, named ``"core"`` and marked
``trylast``; installed distributions are found through the entry-point group
``tinytorch``; a learner registers a module with ``manager.register(module)``.

pluggy is only asked when plugins change. ``resolve()`` calls every plugin's
``tinytorch_register_ops`` hook in precedence order and keeps, per op, the
list of providers (winner first); the winners go into the plain dict
``tinytorch.core.dispatch.kernels`` that every op looks up. Registering or
unregistering a plugin empties that dict, and the next op refills it.
"""

import difflib
import inspect
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import pluggy

from . import hookspecs
from .dispatch import kernels
from .ops import OPS

PROJECT = "tinytorch"
CORE = "core"

hookimpl = pluggy.HookimplMarker(PROJECT)


class PluginError(ValueError):
    """A plugin registered something that cannot work (unknown op, wrong signature)."""


class AmbiguousKernelWarning(UserWarning):
    """Two ordinary plugins provide the same op; which one wins depends on load order."""


@dataclass(frozen=True)
class Provider:
    """One plugin's kernel for one op."""

    plugin: str
    kernel: object
    tryfirst: bool = False
    trylast: bool = False


@dataclass
class OpInfo:
    """The answer of ``explain(name)``: who serves an op and whom it shadows."""

    name: str
    signature: str
    doc: str
    provider: str
    shadowed: list = field(default_factory=list)

    def __str__(self):
        text = f"{self.signature}: {self.doc}. Served by plugin '{self.provider}'"
        if self.shadowed:
            text += "; it shadows " + ", ".join(f"'{p}'" for p in self.shadowed)
        return text + "."


def unknown_name_message(kind, name, known):
    """"unknown op 'matmull'; did you mean 'matmul'?" for any kind of registered name."""
    close = difflib.get_close_matches(str(name), list(known), n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown {kind} {name!r}{hint}"


def _check_signature(spec, fn, plugin):
    if not callable(fn):
        raise PluginError(f"plugin '{plugin}': the kernel for '{spec.name}' is not callable: {fn!r}")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have no signature to check
        return
    try:
        signature.bind(*spec.params)
    except TypeError as error:
        raise PluginError(
            f"plugin '{plugin}': the kernel {getattr(fn, '__qualname__', fn)}{signature} for "
            f"'{spec.name}' cannot be called as {spec.signature} ({error})"
        ) from None


class OpRegistry:
    """What ``tinytorch_register_ops(registry)`` receives: collects one plugin's kernels."""

    def __init__(self, plugin):
        self.plugin = plugin
        self.kernels = {}

    def kernel(self, name, fn):
        """Provide ``fn`` as the kernel of op ``name``; checked here, at registration."""
        spec = OPS.get(name)
        if spec is None:
            raise PluginError(
                f"plugin '{self.plugin}': "
                + unknown_name_message("op", name, OPS)
                + " (`tinytorch ops` lists the ops)"
            )
        _check_signature(spec, fn, self.plugin)
        self.kernels[name] = fn
        return fn


def _guarded(op, provider):
    """Wrap a plugin's kernel so that an error it raises names the op and the plugin."""
    fn = provider.kernel

    def kernel(*args):
        try:
            return fn(*args)
        except Exception as error:
            error.add_note(
                f"(raised in the kernel for '{op}' from plugin '{provider.plugin}'; "
                f"`tinytorch ops` shows what it replaced)"
            )
            raise

    kernel.__wrapped__ = fn
    kernel.__name__ = getattr(fn, "__name__", op)
    return kernel


class Manager(pluggy.PluginManager):
    """A PluginManager that keeps the kernel table in step with the plugins."""

    def __init__(self, table=kernels):
        super().__init__(PROJECT)
        self.add_hookspecs(hookspecs)
        self._table = table
        self._resolved = None
        self._resolving = False
        self._autoload_pending = True
        table.refill = self._refill
        blocked = os.environ.get("TINYTORCH_DISABLE_PLUGINS", "")
        for name in filter(None, (n.strip() for n in blocked.split(","))):
            if name != CORE:  # without core there would be no kernels at all
                self.set_blocked(name)

    # -- registration -------------------------------------------------------
    def register(self, plugin, name=None):
        registered = super().register(plugin, name)
        if registered is None:  # blocked by name
            return None
        try:
            for impl in self.hook.tinytorch_register_ops.get_hookimpls():
                if impl.plugin is plugin:
                    self._call_register_ops(impl)  # fail now, not at the next op
        except Exception:
            super().unregister(plugin)
            raise
        self._invalidate()
        return registered

    def unregister(self, plugin=None, name=None):
        removed = super().unregister(plugin, name)
        self._invalidate()
        return removed

    def _invalidate(self):
        self._resolved = None
        self._table.clear()

    def _autoload(self):
        if not self._autoload_pending:
            return
        self._autoload_pending = False
        if os.environ.get("TINYTORCH_DISABLE_PLUGIN_AUTOLOAD"):
            return
        try:
            self.load_setuptools_entrypoints(PROJECT)
        except Exception as error:
            error.add_note(
                "(while loading tinyTorch plugins from entry points; set "
                "TINYTORCH_DISABLE_PLUGIN_AUTOLOAD=1 or TINYTORCH_DISABLE_PLUGINS=name to skip)"
            )
            raise

    # -- resolution ---------------------------------------------------------
    @staticmethod
    def _call_register_ops(impl):
        registry = OpRegistry(impl.plugin_name)
        impl.function(*([registry] if impl.argnames else []))
        return registry.kernels

    def resolve(self):
        """``{op: [Provider, ...]}``, each list in precedence order (winner first)."""
        if self._resolved is None:
            self._autoload()
            if self._resolving:
                raise RuntimeError(
                    "a plugin ran a tensor op while registering its kernels; "
                    "tinytorch_register_ops must only call registry.kernel(...)"
                )
            self._resolving = True
            try:
                resolved = {}
                # pluggy lists hookimpls in reverse call order: last registered first
                for impl in reversed(self.hook.tinytorch_register_ops.get_hookimpls()):
                    for name, fn in self._call_register_ops(impl).items():
                        resolved.setdefault(name, []).append(
                            Provider(impl.plugin_name, fn, impl.tryfirst, impl.trylast)
                        )
            finally:
                self._resolving = False
            for providers in resolved.values():  # core's reference is always the last resort
                providers.sort(key=lambda p: p.plugin == CORE)
            _warn_ambiguous(resolved)
            self._resolved = resolved
        return self._resolved

    def _refill(self):
        for name, providers in self.resolve().items():
            winner = providers[0]
            self._table[name] = winner.kernel if winner.plugin == CORE else _guarded(name, winner)

    def reference_kernel(self, name):
        """Core's own kernel for ``name``, whoever serves the op now."""
        for provider in self.resolve().get(name, ()):
            if provider.plugin == CORE:
                return provider.kernel
        raise LookupError(f"core provides no reference kernel for {name!r}")


def _warn_ambiguous(resolved):
    for name, providers in resolved.items():
        ordinary = [p.plugin for p in providers if not (p.tryfirst or p.trylast)]
        if len(ordinary) > 1:
            warnings.warn(
                f"op '{name}' has kernels from plugins {', '.join(repr(p) for p in ordinary)}; "
                f"'{ordinary[0]}' wins because it was registered last, but the order in which "
                "installed plugins load is not stable: mark the one you want with "
                "@hookimpl(tryfirst=True), or block the other with TINYTORCH_DISABLE_PLUGINS",
                AmbiguousKernelWarning,
                stacklevel=2,
            )


def _require_op(name):
    if name not in OPS:
        raise PluginError(unknown_name_message("op", name, OPS) + " (`tinytorch ops` lists the ops)")
    return OPS[name]


def explain(name):
    """Which plugin serves op ``name``, and which plugins it shadows."""
    spec = _require_op(name)
    providers = manager.resolve().get(name, [])
    if not providers:
        raise LookupError(f"no plugin provides a kernel for {name!r}")
    return OpInfo(
        name=name,
        signature=spec.signature,
        doc=spec.doc,
        provider=providers[0].plugin,
        shadowed=[p.plugin for p in providers[1:]],
    )


class _OneKernel:
    """A throwaway plugin that provides one kernel, ahead of everything else."""

    def __init__(self, name, fn):
        self.name = name
        self.fn = fn

    @hookimpl(tryfirst=True)
    def tinytorch_register_ops(self, registry):
        registry.kernel(self.name, self.fn)


@contextmanager
def use_kernel(name, fn):
    """Serve op ``name`` with ``fn`` inside the ``with`` block, then restore the previous kernel.

    >>> with use_kernel("relu", my_relu):   # doctest: +SKIP
    ...     y = x.relu()                    # my_relu runs here
    """
    _require_op(name)
    plugin = _OneKernel(name, fn)
    label = f"use_kernel({name}, {getattr(fn, '__name__', 'fn')})"
    if manager.has_plugin(label):  # nested swaps of the same op with the same function
        label += f" #{id(plugin)}"
    manager.register(plugin, name=label)
    try:
        yield fn
    finally:
        manager.unregister(plugin)


def _register_core(manager_):
    from . import reference

    manager_.register(reference, name=CORE)


manager = Manager()
_register_core(manager)

from .checking import KernelReport, check_kernel  # noqa: E402  (needs `manager`)

__all__ = [
    "OPS",
    "AmbiguousKernelWarning",
    "KernelReport",
    "Manager",
    "OpInfo",
    "PluginError",
    "Provider",
    "check_kernel",
    "explain",
    "hookimpl",
    "manager",
    "use_kernel",
]
