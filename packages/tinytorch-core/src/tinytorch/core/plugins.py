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
    """One plugin's entry (a kernel, a gradient rule, a layer) for one name."""

    plugin: str
    item: object
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


def check_signature(spec, fn, plugin, what="kernel", params=None):
    """Fail unless ``fn`` can be called positionally with ``params`` (default: the op's)."""
    params = spec.params if params is None else params
    if not callable(fn):
        raise PluginError(f"plugin '{plugin}': the {what} for '{spec.name}' is not callable: {fn!r}")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have no signature to check
        return
    try:
        signature.bind(*params)
    except TypeError as error:
        raise PluginError(
            f"plugin '{plugin}': the {what} {getattr(fn, '__qualname__', fn)}{signature} for "
            f"'{spec.name}' cannot be called as {spec.name}({', '.join(params)}) ({error})"
        ) from None



def require_op(name, plugin=None):
    """The OpSpec of ``name``, or a PluginError with a "did you mean" hint."""
    spec = OPS.get(name)
    if spec is None:
        prefix = f"plugin '{plugin}': " if plugin else ""
        raise PluginError(prefix + unknown_name_message("op", name, OPS) + " (`tinytorch ops` lists the ops)")
    return spec


class Registry:
    """What a ``tinytorch_register_*`` hook receives: collects one plugin's entries.

    Subclasses add the method a plugin calls (``kernel``, ``gradient``,
    ``layer``, ...), which checks its arguments and stores them in ``items``.
    """

    hook = None  # the name of the hook this registry serves
    kind = "entry"  # what one registration is called in messages

    def __init__(self, plugin, validate=True):
        self.plugin = plugin
        self.items = {}
        self.validate = validate  # checked once at register(); not again at every rebuild


class OpRegistry(Registry):
    """``tinytorch_register_ops(registry)``: ``registry.kernel(name, fn)``."""

    hook = "tinytorch_register_ops"
    kind = "kernel"

    def kernel(self, name, fn):
        """Provide ``fn`` as the kernel of op ``name``; checked here, at registration."""
        if self.validate:
            check_signature(require_op(name, self.plugin), fn, self.plugin)
        self.items[name] = fn
        return fn


def _guarded(op, provider):
    """Wrap a plugin's kernel so that an error it raises names the op and the plugin."""
    fn = provider.item

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


def _fill_kernels(table, resolved):
    for name, providers in resolved.items():
        winner = providers[0]
        table[name] = winner.item if winner.plugin == CORE else _guarded(name, winner)


class Manager(pluggy.PluginManager):
    """A PluginManager that keeps lazily rebuilt tables in step with the plugins.

    Each kind of registration (kernels here; gradient rules, layers and
    datasets from the other distributions) is a ``Registry`` class plus a
    ``LazyTable`` that ``add_registry`` connects: registering or unregistering
    any plugin empties every table, and each refills on its next lookup.
    """

    def __init__(self):
        super().__init__(PROJECT)
        self.add_hookspecs(hookspecs)
        self._kinds = {}  # registry class -> (table, fill)
        self._resolved = {}  # registry class -> {name: [Provider, ...]}
        self._resolving = False
        self._autoload_pending = True
        self._from_entry_points = set()
        blocked = os.environ.get("TINYTORCH_DISABLE_PLUGINS", "")
        for name in filter(None, (n.strip() for n in blocked.split(","))):
            if name != CORE:  # without core there would be no kernels at all
                self.set_blocked(name)

    def add_registry(self, registry_class, table, fill):
        """Serve ``registry_class``'s hook into ``table`` via ``fill(table, resolved)``."""
        self._kinds[registry_class] = (table, fill)
        table.refill = lambda: fill(table, self.collect(registry_class))
        table.clear()

    def registries(self):
        """The registry classes connected with ``add_registry`` (kernels, gradients, layers...)."""
        return list(self._kinds)

    # -- registration -------------------------------------------------------
    def register(self, plugin, name=None):
        if name is not None and self.get_plugin(name) is plugin:
            return name  # already there (a package that registers itself on import, say)
        if name is None:
            name = self._readable_name(plugin)
        registered = super().register(plugin, name)
        if registered is None:  # blocked by name
            return None
        try:
            for registry_class in self._kinds:  # fail now, not at the next op
                self.provided_by(plugin, registry_class)
        except Exception:
            super().unregister(plugin)
            raise
        self._invalidate()
        return registered

    def _readable_name(self, plugin):
        """A module's or class's name (pluggy would use a number for an instance)."""
        base = getattr(plugin, "__name__", None) or type(plugin).__name__
        name, n = base, 1
        while self.has_plugin(name):
            n += 1
            name = f"{base}#{n}"
        return name

    def unregister(self, plugin=None, name=None):
        removed = super().unregister(plugin, name)
        self._invalidate()
        return removed

    def _invalidate(self):
        self._resolved = {}
        for table, _fill in self._kinds.values():
            table.clear()

    def load_plugins(self):
        """Load the installed plugins (entry points) now, unless that is switched off."""
        self._autoload()

    def _autoload(self):
        if not self._autoload_pending:
            return
        self._autoload_pending = False
        if os.environ.get("TINYTORCH_DISABLE_PLUGIN_AUTOLOAD"):
            return
        before = {name for name, _ in self.list_name_plugin()}
        try:
            self.load_setuptools_entrypoints(PROJECT)
        except Exception as error:
            error.add_note(
                "(while loading tinyTorch plugins from entry points; set "
                "TINYTORCH_DISABLE_PLUGIN_AUTOLOAD=1 or TINYTORCH_DISABLE_PLUGINS=name to skip)"
            )
            raise
        finally:
            self._from_entry_points |= {name for name, _ in self.list_name_plugin()} - before

    # -- resolution ---------------------------------------------------------
    @staticmethod
    def _call(impl, registry_class, validate=True):
        registry = registry_class(impl.plugin_name, validate)
        impl.function(*([registry] if impl.argnames else []))
        return registry.items

    def provided_by(self, plugin, registry_class=OpRegistry):
        """What one registered plugin provides through one kind of registry (its kernels, say)."""
        items = {}
        for impl in getattr(self.hook, registry_class.hook).get_hookimpls():
            if impl.plugin is plugin:
                items.update(self._call(impl, registry_class))
        return items

    def collect(self, registry_class=OpRegistry):
        """``{name: [Provider, ...]}`` for one kind of registration, winner first.

        Plugins are called in pluggy's order (tryfirst ones, then the most
        recently registered first); core's own entries always come last.
        """
        if registry_class not in self._resolved:
            self._autoload()
            if self._resolving:
                raise RuntimeError(
                    "a plugin ran a tensor op while registering; its tinytorch_register_* "
                    "hooks must only call the registry"
                )
            self._resolving = True
            try:
                resolved = {}
                # pluggy lists hookimpls in reverse call order: last registered first
                hook = getattr(self.hook, registry_class.hook)
                for impl in reversed(hook.get_hookimpls()):
                    for name, item in self._call(impl, registry_class, validate=False).items():
                        resolved.setdefault(name, []).append(
                            Provider(impl.plugin_name, item, impl.tryfirst, impl.trylast)
                        )
            finally:
                self._resolving = False
            for providers in resolved.values():
                providers.sort(key=self._rank)
            _warn_ambiguous(resolved, registry_class)
            self._resolved[registry_class] = resolved
        return self._resolved[registry_class]

    def _rank(self, provider):
        """Precedence beyond pluggy's order (the sort is stable: later registered stays first).

        tryfirst plugins, then plugins registered by hand, then installed ones
        (entry points, which load lazily, so their registration time says
        nothing), then trylast ones, and core's reference always last.
        """
        if provider.plugin == CORE:
            return 4
        if provider.tryfirst:
            return 0
        if provider.trylast:
            return 3
        return 2 if provider.plugin in self._from_entry_points else 1

    def resolve(self):
        """``{op: [Provider, ...]}`` for the kernels, each list winner first."""
        return self.collect(OpRegistry)

    def reference_kernel(self, name):
        """Core's own kernel for ``name``, whoever serves the op now."""
        for provider in self.resolve().get(name, ()):
            if provider.plugin == CORE:
                return provider.item
        raise LookupError(f"core provides no reference kernel for {name!r}")


def _warn_ambiguous(resolved, registry_class):
    what = registry_class.kind
    for name, providers in resolved.items():
        ordinary = [p.plugin for p in providers if not (p.tryfirst or p.trylast)]
        if len(ordinary) > 1:
            warnings.warn(
                f"'{name}' has a {what} from each of the plugins {', '.join(repr(p) for p in ordinary)}; "
                f"'{ordinary[0]}' wins (plugins registered by hand come before installed ones, "
                "and later ones before earlier ones), but the order in which installed plugins "
                "load is not stable: mark the one you want with @hookimpl(tryfirst=True), or "
                "block the other with TINYTORCH_DISABLE_PLUGINS",
                AmbiguousKernelWarning,
                stacklevel=2,
            )



def explain(name):
    """Which plugin serves op ``name``, and which plugins it shadows."""
    spec = require_op(name)
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
    require_op(name)
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

    manager_.add_registry(OpRegistry, kernels, _fill_kernels)
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
    "Registry",
    "OpRegistry",
    "check_kernel",
    "explain",
    "hookimpl",
    "manager",
    "use_kernel",
]
