"""The hooks through which tinyTorch's parts, and a learner's plugins, join.

This is the one page a plugin author reads. A plugin is any module or object
with functions named like the hooks below, marked with
``tinytorch.core.plugins.hookimpl``. Each hook receives a *registry* and
registers things into it; the hooks return nothing. Every plugin's
implementation is called (none stops at the first result). When two plugins
register the same name, the first in precedence order wins: ``tryfirst``
plugins, then plugins registered by hand (``manager.register``, the most
recently registered first), then installed ones (entry points), then
``trylast`` ones, and core's own reference plugin always last. The others are
kept as "shadowed", so that ``explain(name)`` and ``tinytorch ops`` can say
who serves what; two ordinary plugins (neither ``tryfirst`` nor ``trylast``)
registering one name raise an ``AmbiguousKernelWarning``.

A plugin installed with pip is found through the entry-point group
``tinytorch``::

    [project.entry-points.tinytorch]
    my_kernels = "my_package.kernels"

A plugin in a session is registered by hand::

    from tinytorch.core.plugins import manager
    manager.register(my_module)
"""

import pluggy

hookspec = pluggy.HookspecMarker("tinytorch")


@hookspec
def tinytorch_register_ops(registry):
    """Register forward kernels: ``registry.kernel(name, fn)``.

    Called once when the plugin is registered (so that a bad registration
    fails there), then each time the kernel table is rebuilt (after any plugin
    is registered or unregistered). ``name`` must be an op of
    ``tinytorch.core.plugins.OPS`` (an unknown name fails with a "did you
    mean" hint); ``fn`` is called positionally with the op's parameters
    (``OPS[name].params``) and returns a new Tensor. Example::

        from tinytorch.core.plugins import hookimpl

        def my_relu(a):
            return a * (a > 0)

        @hookimpl
        def tinytorch_register_ops(registry):
            registry.kernel("relu", my_relu)
    """


@hookspec
def tinytorch_register_gradients(registry):
    """Register gradient rules: ``registry.gradient(name, a=rule_a, b=rule_b)`` (tinytorch-autograd).

    One rule per differentiable input of the op (its parameters named ``a``,
    ``b``, ``value`` or ``tensors``), given by keyword; an op with one such
    input (``exp``, ``sum``...) also takes its rule positionally,
    ``registry.gradient("exp", rule)``. Each rule is called as
    ``rule(grad, out, *args)`` and returns that input's gradient. A gradient
    rule is registered apart from the forward kernel, so a learner's own kernel
    keeps the reference gradient until the learner registers a rule too.
    Example::

        @hookimpl
        def tinytorch_register_gradients(registry):
            registry.gradient("tanh", lambda grad, out, a: grad * (1 - out * out))
            registry.gradient("mul", a=lambda grad, out, a, b: grad * b,
                                     b=lambda grad, out, a, b: grad * a)
    """


@hookspec
def tinytorch_register_layers(registry):
    """Register layers into ``tinytorch.nn``: ``registry.layer(name, cls)`` (tinytorch-nn).

    With tinytorch-vision installed, ``nn.Conv2d`` exists because its plugin
    registers it here.
    """


@hookspec
def tinytorch_register_datasets(registry):
    """Register datasets: ``registry.dataset(name, factory)`` (tinytorch-vision, -text).

    Planned: no installed distribution connects a registry to this hook yet,
    so an implementation of it is not called.
    """


@hookspec
def tinytorch_check_kernel(name, kernel, report):
    """Add checks of a candidate kernel to a ``check_kernel`` report.

    Called by ``check_kernel(name, kernel)`` after core has compared the
    kernel's outputs with the reference's. ``report.cases`` holds the inputs
    that were used; a plugin appends what it finds with
    ``report.add_failure(...)``. tinytorch-autograd uses it to gradcheck.
    """
