"""tinytorch-nn's plugin: registers nn's own layers into ``tinytorch.nn``, marked ``trylast``.

Found through the entry point ``nn`` (or registered when ``tinytorch.nn`` is
imported). A learner's plugin that registers a layer of the same name
shadows the one here.
"""

from tinytorch.core.plugins import hookimpl

NAME = "nn"


@hookimpl(trylast=True)
def tinytorch_register_layers(registry):
    from .layers import LAYERS

    for name, cls in LAYERS.items():
        registry.layer(name, cls)
