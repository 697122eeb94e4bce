"""The gradient registry: one rule per differentiable input of each op.

A plugin's ``tinytorch_register_gradients(registry)`` hook calls
``registry.gradient("mul", a=rule_a, b=rule_b)``. Each rule computes the
gradient for one input and is called as ``rule(grad, out, *args)``: ``grad``
is the gradient of the op's output, ``out`` the output itself, ``args`` the
op's arguments exactly as the forward kernel received them (Variables where
the caller passed Variables). Rules are written with Variable ops, so that
``backward(create_graph=True)`` can differentiate them again. A rule may
return a gradient of the output's (broadcast) shape: the engine sums it back
to its input's shape.

Rules are registered apart from forward kernels, as in ``torch.library``: a
learner's own ``conv2d`` kernel keeps the reference gradient until the
learner registers a rule too.
"""

from tinytorch.core.dispatch import LazyTable
from tinytorch.core.plugins import OPS, PluginError, Registry, check_signature, manager, require_op

# the parameters of an op that can carry a gradient (the others are dims, keys, masks...)
_GRADIENT_PARAMS = ("a", "b", "value", "tensors")
NOT_DIFFERENTIABLE = ()


def gradient_params(spec):
    """The names of ``spec``'s parameters that take a gradient, e.g. ``("a", "b")``."""
    return tuple(p for p in spec.params if p in _GRADIENT_PARAMS) if spec.differentiable else ()


class GradientRegistry(Registry):
    """``tinytorch_register_gradients(registry)``: ``registry.gradient(name, **rules)``."""

    hook = "tinytorch_register_gradients"
    kind = "gradient rule"

    def gradient(self, name, rule=None, /, **rules):
        """Provide the gradient rules of op ``name``, one keyword per differentiable input.

        An op with one such input (``exp``, ``sum``...) also takes the rule positionally.
        """
        spec = require_op(name, self.plugin)
        wanted = gradient_params(spec)
        if not wanted:
            raise PluginError(f"plugin '{self.plugin}': op '{name}' is not differentiable")
        if rule is not None:
            if len(wanted) != 1 or rules:
                raise PluginError(
                    f"plugin '{self.plugin}': '{name}' has the inputs {', '.join(wanted)}; give "
                    "one rule per input by keyword: "
                    + ", ".join(f"{p}=rule_{p}" for p in wanted)
                )
            rules = {wanted[0]: rule}
        unknown = sorted(set(rules) - set(wanted))
        missing = [p for p in wanted if p not in rules]
        if unknown or missing:
            raise PluginError(
                f"plugin '{self.plugin}': the gradient of '{name}' needs one rule for each of "
                f"{', '.join(wanted)}" + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
            )
        if self.validate:
            for param, fn in rules.items():
                check_signature(spec, fn, self.plugin, f"gradient rule (input {param})", ("grad", "out", *spec.params))
        self.items[name] = {p: rules[p] for p in wanted}


gradient_table = LazyTable(
    "gradient rule", "manager.collect(GradientRegistry) lists the rules and their plugins"
)


def _fill(table, resolved):
    """op -> ((argument position, rule, is a list argument), ...); () for ops without one."""
    for name, spec in OPS.items():
        providers = resolved.get(name)
        if not providers:
            table[name] = NOT_DIFFERENTIABLE
            continue
        rules = providers[0].item
        table[name] = tuple(
            (spec.params.index(p), rule, p == "tensors") for p, rule in rules.items()
        )


def register_reference_rules():
    """Register autograd's own plugin (unless blocked); found by its entry point too."""
    from . import plugin

    if not manager.is_registered(plugin) and not manager.is_blocked(plugin.NAME):
        manager.register(plugin, name=plugin.NAME)


manager.add_registry(GradientRegistry, gradient_table, _fill)
