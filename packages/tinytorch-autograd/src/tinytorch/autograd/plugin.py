"""tinytorch-autograd's plugin: the reference gradient rules, and gradchecks for check_kernel.

Found through the entry point ``autograd`` (or registered on first use), and
marked ``trylast`` so that any rule a learner registers shadows these.
"""

from tinytorch.core.plugins import hookimpl

from .gradients import REFERENCE_RULES

NAME = "autograd"


@hookimpl(trylast=True)
def tinytorch_register_gradients(registry):
    for name, rules in REFERENCE_RULES.items():
        registry.gradient(name, **rules)


@hookimpl
def tinytorch_check_kernel(name, kernel, report):
    from .checks import gradcheck_candidate

    gradcheck_candidate(name, kernel, report)
