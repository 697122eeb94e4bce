"""Layers enter tinytorch.nn through the layer registry (nn's own, other distributions', a learner's)."""

import importlib.util
import io
import types

import pytest

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.core.cli import main
from tinytorch.core.plugins import PluginError, hookimpl, manager
from tinytorch.nn import LayerRegistry, Module

NN_LAYERS = [
    "Linear", "Identity", "Flatten", "Unflatten", "ReLU", "LeakyReLU", "ELU", "GELU", "SiLU",
    "Softplus", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Dropout", "BatchNorm1d",
    "LayerNorm", "Embedding", "Sequential", "ModuleList", "ModuleDict",
]
NN_LOSSES = [
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
    "BCELoss", "BCEWithLogitsLoss",
]


def installed(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture
def plugin_cleanup():
    """Unregister every plugin a test registers, even when it fails."""
    registered = []
    yield registered
    for plugin in registered:
        if manager.is_registered(plugin):
            manager.unregister(plugin)


class MyLayer(Module):
    def forward(self, x):
        return x * 2.0


def make_plugin(name, layers):
    plugin = types.ModuleType(name)

    @hookimpl
    def tinytorch_register_layers(registry):
        for layer_name, cls in layers.items():
            registry.layer(layer_name, cls)

    plugin.tinytorch_register_layers = tinytorch_register_layers
    return plugin


# ------------------------------------------------------------------ nn's own layers
@pytest.mark.parametrize("name", NN_LAYERS + NN_LOSSES)
def test_nn_layers_come_from_the_layer_registry(name):
    providers = manager.collect(LayerRegistry)[name]
    assert providers[0].plugin == "nn"
    assert providers[0].item is getattr(nn, name)
    assert isinstance(getattr(nn, name), type) and issubclass(getattr(nn, name), Module)


def test_linear_is_provided_by_nn():
    assert manager.collect(LayerRegistry)["Linear"][0].plugin == "nn"


def test_module_and_parameter_are_not_layers():
    resolved = manager.collect(LayerRegistry)
    assert "Module" not in resolved and "Parameter" not in resolved


def test_dir_of_nn_lists_the_layers():
    d = dir(nn)
    for name in ("Linear", "ReLU", "CrossEntropyLoss", "Sequential", "Module", "functional", "init"):
        assert name in d


# ------------------------------------------------------------------ layers of other distributions
@pytest.mark.skipif(installed("tinytorch.vision"), reason="tinytorch-vision is installed here")
@pytest.mark.parametrize("name", ["Conv2d", "MaxPool2d", "BatchNorm2d"])
def test_vision_layer_without_vision_names_the_distribution(name):
    with pytest.raises(AttributeError, match="tinytorch-vision") as info:
        getattr(nn, name)
    assert name in str(info.value)
    assert not hasattr(nn, name)


@pytest.mark.skipif(installed("tinytorch.text"), reason="tinytorch-text is installed here")
@pytest.mark.parametrize("name", ["LSTM", "RNN", "GRU", "MultiheadAttention"])
def test_text_layer_without_text_names_the_distribution(name):
    with pytest.raises(AttributeError, match="tinytorch-text") as info:
        getattr(nn, name)
    assert name in str(info.value)


def test_a_typo_suggests_the_layer():
    with pytest.raises(AttributeError, match="Linear") as info:
        nn.Linaer
    message = str(info.value)
    assert "Linaer" in message
    assert "did you mean" in message


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="Zzzqqq"):
        nn.Zzzqqq
    assert not hasattr(nn, "Zzzqqq")


def test_dunder_lookup_is_a_plain_attribute_error():
    # copy, pickle and doctest probe module dunders: no registry lookup, no suggestions
    with pytest.raises(AttributeError):
        nn.__wrapped__


# ------------------------------------------------------------------ a learner's plugin
def test_a_learners_plugin_adds_a_layer_and_unregistering_removes_it(plugin_cleanup):
    assert not hasattr(nn, "MyLayer")
    plugin = make_plugin("my_layers", {"MyLayer": MyLayer})
    plugin_cleanup.append(plugin)
    assert manager.register(plugin, name="my_layers") == "my_layers"
    assert nn.MyLayer is MyLayer
    assert nn.MyLayer()(tt.tensor([1.5])).tolist() == [3.0]
    providers = manager.collect(LayerRegistry)["MyLayer"]
    assert [p.plugin for p in providers] == ["my_layers"]
    assert "MyLayer" in dir(nn)
    manager.unregister(plugin)
    with pytest.raises(AttributeError, match="MyLayer"):
        nn.MyLayer
    assert "MyLayer" not in manager.collect(LayerRegistry)


def test_a_learners_plugin_with_the_decorated_function_form(plugin_cleanup):
    # the form a learner writes in a module: a function decorated with @hookimpl
    class Plugin:
        @hookimpl
        def tinytorch_register_layers(self, registry):
            registry.layer("MyLayer", MyLayer)

    plugin = Plugin()
    plugin_cleanup.append(plugin)
    manager.register(plugin, name="my_class_plugin")
    assert nn.MyLayer is MyLayer
    manager.unregister(name="my_class_plugin")
    assert not hasattr(nn, "MyLayer")


def test_a_learners_plugin_shadows_nns_layer_until_removed(plugin_cleanup):
    class MyReLU(Module):
        def forward(self, x):
            return x

    original = nn.ReLU
    plugin = make_plugin("my_relu", {"ReLU": MyReLU})
    plugin_cleanup.append(plugin)
    manager.register(plugin, name="my_relu")
    assert nn.ReLU is MyReLU
    assert [p.plugin for p in manager.collect(LayerRegistry)["ReLU"]] == ["my_relu", "nn"]
    manager.unregister(plugin)
    assert nn.ReLU is original


def test_a_plugin_can_provide_a_missing_distributions_layer(plugin_cleanup):
    class FakeConv(Module):
        pass

    if installed("tinytorch.vision"):
        pytest.skip("tinytorch-vision is installed here")
    plugin = make_plugin("fake_vision", {"Conv2d": FakeConv})
    plugin_cleanup.append(plugin)
    manager.register(plugin, name="fake_vision")
    assert nn.Conv2d is FakeConv
    manager.unregister(plugin)
    with pytest.raises(AttributeError, match="tinytorch-vision"):
        nn.Conv2d


@pytest.mark.parametrize(
    "name, item",
    [("not an identifier", MyLayer), ("Fine", 42), ("Fine", lambda x: x)],
)
def test_a_bad_registration_raises_plugin_error_and_is_not_left_registered(plugin_cleanup, name, item):
    plugin = make_plugin("bad_layers", {name: item})
    plugin_cleanup.append(plugin)
    with pytest.raises(PluginError, match="bad_layers"):
        manager.register(plugin, name="bad_layers")
    assert not manager.is_registered(plugin)
    assert nn.Linear is manager.collect(LayerRegistry)["Linear"][0].item


# ------------------------------------------------------------------ the `tinytorch layers` command
def _layers_output():
    out = io.StringIO()
    assert main(["layers"], out=out) == 0
    return out.getvalue()


def _rows(text):
    return {line.split()[0]: line.split() for line in text.splitlines() if line.strip()}


def test_layers_command_lists_linear_with_provider_nn():
    rows = _rows(_layers_output())
    assert "Linear" in rows
    assert rows["Linear"][1] == "nn"
    for name in NN_LAYERS + NN_LOSSES:
        assert name in rows and rows[name][1] == "nn", name


def test_layers_command_shows_a_learners_layer_and_what_it_shadows(plugin_cleanup):
    plugin = make_plugin("my_relu2", {"ReLU": MyLayer, "MyLayer": MyLayer})
    plugin_cleanup.append(plugin)
    manager.register(plugin, name="my_relu2")
    rows = _rows(_layers_output())
    assert rows["MyLayer"][1] == "my_relu2"
    assert rows["ReLU"][1] == "my_relu2"
    assert "nn" in rows["ReLU"][2:]
    manager.unregister(plugin)
    rows = _rows(_layers_output())
    assert "MyLayer" not in rows and rows["ReLU"][1] == "nn"
