"""tinytorch-nn: Module, layers, losses, ``functional`` and ``init``.

>>> import tinytorch.core as tt
>>> from tinytorch import nn
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
>>> model(tt.randn(3, 4)).shape
(3, 2)

The layers are not attributes of this module: they are registered through
the plugin hook ``tinytorch_register_layers`` (nn's own as well as those of
tinytorch-vision, tinytorch-text and any learner's plugin), and
``nn.<Name>`` looks them up; ``tinytorch layers`` lists them.
"""

import contextlib

from . import functional, init, utils
from .checkpoint import load_checkpoint, save_checkpoint
from .module import Module, Parameter
from .registry import LayerRegistry, find_layer, layer_table, register_own_layers
from .serialization import SafetensorsError, load, save

register_own_layers()

__version__ = "0.1.0"

__all__ = [
    "LayerRegistry",
    "Module",
    "Parameter",
    "SafetensorsError",
    "functional",
    "init",
    "load",
    "load_checkpoint",
    "save",
    "save_checkpoint",
    "utils",
]  # the layers (nn.Linear, ...) come from the layer registry, see __getattr__


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return find_layer(name)


def __dir__():
    with contextlib.suppress(LookupError):
        layer_table["Linear"]  # fills the table if a plugin change emptied it
    return sorted(set(globals()) | set(layer_table))
