"""The layer registry: how layers (nn's own, vision's, text's, a learner's) enter ``tinytorch.nn``.

A plugin's ``tinytorch_register_layers(registry)`` calls
``registry.layer("Conv2d", Conv2d)``; ``tinytorch.nn.Conv2d`` then looks the
name up here. A layer whose distribution is not installed gives an error
that says which one to install.
"""

import inspect

from tinytorch.core.dispatch import LazyTable
from tinytorch.core.plugins import PluginError, Registry, manager, unknown_name_message

# layers that other distributions provide: the error for a missing one names the distribution
PROVIDED_ELSEWHERE = {
    **dict.fromkeys(
        ["Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm2d", "Dropout2d", "LeNet5", "AlexNet"],
        "tinytorch-vision",
    ),
    **dict.fromkeys(
        ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention",
         "TransformerEncoderLayer", "TransformerEncoder", "PositionalEncoding"],
        "tinytorch-text",
    ),
}


class LayerRegistry(Registry):
    """``tinytorch_register_layers(registry)``: ``registry.layer(name, cls)``."""

    hook = "tinytorch_register_layers"
    kind = "layer"

    def layer(self, name, cls):
        """Make ``cls`` available as ``tinytorch.nn.<name>``."""
        if not (isinstance(name, str) and name.isidentifier()):
            raise PluginError(f"plugin '{self.plugin}': layer name {name!r} is not a Python identifier")
        if not inspect.isclass(cls):
            raise PluginError(f"plugin '{self.plugin}': layer '{name}' must be a class, got {cls!r}")
        self.items[name] = cls
        return cls


layer_table = LazyTable("layer", "`tinytorch layers` lists the layers and who provides them")


def _fill(table, resolved):
    for name, providers in resolved.items():
        table[name] = providers[0].item


manager.add_registry(LayerRegistry, layer_table, _fill)


def register_own_layers():
    """Register nn's own plugin (unless blocked); it is found by its entry point too."""
    from . import plugin

    if not manager.is_registered(plugin) and not manager.is_blocked(plugin.NAME):
        manager.register(plugin, name=plugin.NAME)


def find_layer(name):
    """``tinytorch.nn.<name>``: the registered layer, or an error naming what to install."""
    try:
        return layer_table[name]
    except LookupError:
        pass
    if name in PROVIDED_ELSEWHERE:
        dist = PROVIDED_ELSEWHERE[name]
        raise AttributeError(
            f"nn.{name} is provided by {dist}, which is not installed (or its plugin is "
            f"disabled): pip install {dist}"
        )
    raise AttributeError(
        f"module 'tinytorch.nn' has no attribute {name!r} ("
        + unknown_name_message("layer", name, list(layer_table) + list(PROVIDED_ELSEWHERE))
        + "; `tinytorch layers` lists the layers)"
    )
