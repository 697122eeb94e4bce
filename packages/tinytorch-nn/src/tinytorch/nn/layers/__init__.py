"""nn's own layers, one module per family; ``LAYERS`` is what nn's plugin registers.

Every Module subclass defined in these modules (and the containers and
losses) is registered under its class name, so ``tinytorch.nn.Linear`` is
found the same way as ``tinytorch.nn.Conv2d`` from tinytorch-vision.
"""

import inspect

from .. import containers, losses
from ..module import Module
from . import activation, dropout, embedding, linear, normalization

_FAMILIES = (containers, linear, activation, dropout, normalization, embedding, losses)


def _layers_of(module):
    return {
        name: obj
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and issubclass(obj, Module) and obj.__module__ == module.__name__
        and not name.startswith("_")
    }


LAYERS = {}
for _family in _FAMILIES:
    LAYERS.update(_layers_of(_family))
