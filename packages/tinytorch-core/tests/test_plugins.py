"""The op registry: overriding, restoring, precedence, bad registrations, discovery."""

import importlib.util
import os
import subprocess
import sys
import types
import warnings

import pytest

import tinytorch.core as tt
from tinytorch.core.dispatch import kernels
from tinytorch.core.plugins import (
    OPS,
    AmbiguousKernelWarning,
    PluginError,
    explain,
    hookimpl,
    manager,
    use_kernel,
)
from tinytorch.core.strides import broadcast_shapes


@pytest.fixture(autouse=True)
def restore_plugins():
    """Unregister whatever a test registered, so tests cannot leak kernels into each other."""
    before = set(map(id, manager.get_plugins()))
    yield
    for plugin in list(manager.get_plugins()):
        if id(plugin) not in before:
            manager.unregister(plugin)


def make_plugin(name, ops, **marks):
    """A plugin module providing ``ops`` ({op: kernel}), with optional tryfirst/trylast."""
    module = types.ModuleType(name)

    def tinytorch_register_ops(registry):
        for op, fn in ops.items():
            registry.kernel(op, fn)

    module.tinytorch_register_ops = hookimpl(**marks)(tinytorch_register_ops)
    return module


def constant_add(value):
    def add(a, b):
        return tt.full(broadcast_shapes(a.shape, b.shape), value)

    add.__name__ = f"add_{value}"
    return add


def test_registered_kernel_serves_the_operator_and_unregister_restores():
    a, b = tt.tensor([1.0, 2.0]), tt.tensor([3.0, 4.0])
    plugin = make_plugin("sevens", {"add": constant_add(7.0)})
    manager.register(plugin)
    assert (a + b).tolist() == [7.0, 7.0]
    assert a.add(b).tolist() == [7.0, 7.0]
    assert tt.add(a, b).tolist() == [7.0, 7.0]
    manager.unregister(plugin)
    assert (a + b).tolist() == [4.0, 6.0]


def test_table_is_rebuilt_lazily_after_a_change():
    tt.ones(1) + tt.ones(1)
    assert kernels  # filled by the op above
    plugin = make_plugin("lazy", {"add": constant_add(1.0)})
    manager.register(plugin)
    assert len(kernels) == 0  # emptied, not yet rebuilt
    tt.ones(1) + tt.ones(1)
    assert kernels["add"].__name__ == "add_1.0"


def test_use_kernel_swaps_for_the_block_and_restores():
    a = tt.tensor([-1.0, 2.0])
    with use_kernel("relu", lambda x: x * 0):
        assert a.relu().tolist() == [0.0, 0.0]
        assert explain("relu").provider.startswith("use_kernel(relu")
    assert a.relu().tolist() == [0.0, 2.0]


def test_use_kernel_restores_when_the_block_raises():
    a = tt.tensor([-1.0, 2.0])
    with pytest.raises(ZeroDivisionError), use_kernel("relu", lambda x: x * 0):
        1 / 0
    assert a.relu().tolist() == [0.0, 2.0]
    assert explain("relu").provider in {"core", "demo"}


def test_nested_use_kernel_of_the_same_function():
    def zero(x):
        return x * 0

    with use_kernel("neg", zero), use_kernel("neg", zero):
        assert (-tt.ones(2)).tolist() == [0.0, 0.0]
    assert (-tt.ones(2)).tolist() == [-1.0, -1.0]


def test_most_recently_registered_plugin_wins_and_ambiguity_warns():
    first = make_plugin("first", {"add": constant_add(1.0)})
    second = make_plugin("second", {"add": constant_add(2.0)})
    manager.register(first)
    manager.register(second)
    with pytest.warns(AmbiguousKernelWarning, match="'second' wins"):
        result = tt.ones(1) + tt.ones(1)
    assert result.tolist() == [2.0]
    info = explain("add")
    assert info.provider == "second"
    assert info.shadowed == ["first", "core"]


def test_tryfirst_pins_a_choice_against_later_plugins():
    pinned = make_plugin("pinned", {"add": constant_add(5.0)}, tryfirst=True)
    later = make_plugin("later", {"add": constant_add(6.0)})
    manager.register(pinned)
    manager.register(later)
    with warnings.catch_warnings():
        warnings.simplefilter("error", AmbiguousKernelWarning)  # tryfirst is not ambiguous
        assert (tt.ones(1) + tt.ones(1)).tolist() == [5.0]
    assert explain("add").shadowed == ["later", "core"]


def test_core_reference_is_last():
    loser = make_plugin("loser", {"mul": lambda a, b: tt.zeros(a.shape)}, trylast=True)
    manager.register(loser)
    # both are trylast, and the newer one would be called first; core stays last all the same
    assert explain("mul").provider == "loser"
    assert explain("mul").shadowed == ["core"]


def test_forward_kernel_swap_leaves_other_ops_alone():
    with use_kernel("exp", lambda a: tt.zeros(a.shape)):
        assert tt.tensor([0.0]).exp().tolist() == [0.0]
        assert tt.tensor([2.0]).sqrt().tolist() == [pytest.approx(2**0.5)]


def test_unknown_op_name_fails_at_registration_with_a_hint():
    plugin = make_plugin("typo", {"matmull": lambda a, b: a})
    with pytest.raises(PluginError, match=r"unknown op 'matmull'; did you mean 'matmul'"):
        manager.register(plugin)
    assert not manager.is_registered(plugin)  # nothing half-registered


def test_kernel_with_the_wrong_signature_fails_at_registration():
    plugin = make_plugin("arity", {"matmul": lambda a: a})
    with pytest.raises(PluginError, match=r"cannot be called as matmul\(a, b\)"):
        manager.register(plugin)
    assert not manager.is_registered(plugin)


def test_non_callable_kernel_is_refused():
    with pytest.raises(PluginError, match="not callable"):
        manager.register(make_plugin("notfn", {"add": 3}))


def test_a_kernel_that_raises_names_the_op_and_the_plugin():
    def broken(a, b):
        raise ValueError("my bug")

    manager.register(make_plugin("buggy", {"mul": broken}))
    with pytest.raises(ValueError, match="my bug") as caught:
        tt.ones(2) * tt.ones(2)
    notes = " ".join(getattr(caught.value, "__notes__", []))
    assert "'mul'" in notes
    assert "'buggy'" in notes


def test_explain_unknown_op():
    with pytest.raises(PluginError, match="did you mean 'softmax'"):
        explain("sofmax")


def test_explain_reads_as_a_sentence():
    text = str(explain("matmul"))
    assert text.startswith("matmul(a, b):")
    assert "Served by plugin 'core'" in text


def test_every_op_has_a_reference_kernel():
    resolved = manager.resolve()
    for name in OPS:
        assert any(p.plugin == "core" for p in resolved[name]), name


# ---------------------------------------------------------------- discovery and the env variables
DEMO_INSTALLED = importlib.util.find_spec("tinytorch_demo_plugin") is not None
needs_demo = pytest.mark.skipif(not DEMO_INSTALLED, reason="the demo plugin distribution is installed by tox -e core")


def provider_in_subprocess(op, **env):
    code = f"from tinytorch.core.plugins import explain; print(explain({op!r}).provider)"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TINYTORCH_")}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@needs_demo
def test_installed_plugin_is_discovered_through_its_entry_point():
    assert provider_in_subprocess("abs") == "demo"
    info = explain("abs")
    assert info.provider == "demo"
    assert info.shadowed == ["core"]
    assert (tt.tensor([-2.0, 3.0]).abs()).tolist() == [2.0, 3.0]


@needs_demo
def test_disable_plugins_blocks_a_plugin_by_name():
    assert provider_in_subprocess("abs", TINYTORCH_DISABLE_PLUGINS="demo") == "core"
    assert provider_in_subprocess("abs", TINYTORCH_DISABLE_PLUGINS="other, demo") == "core"


@needs_demo
def test_disable_autoload_skips_entry_points():
    assert provider_in_subprocess("abs", TINYTORCH_DISABLE_PLUGIN_AUTOLOAD="1") == "core"


def test_core_cannot_be_disabled():
    assert provider_in_subprocess("add", TINYTORCH_DISABLE_PLUGINS="core") == "core"


@needs_demo
def test_a_plugin_registered_by_hand_beats_an_installed_one_whenever_it_was_registered():
    # entry points load lazily, at the first op: registration time must not decide
    code = (
        "import types, tinytorch.core as tt\n"
        "from tinytorch.core.plugins import hookimpl, manager, explain\n"
        "mine = types.ModuleType('mine')\n"
        "mine.tinytorch_register_ops = hookimpl(lambda registry: registry.kernel('abs', lambda a: a))\n"
        "manager.register(mine)\n"
        "print(explain('abs').provider, explain('abs').shadowed)\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TINYTORCH_")}
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "mine ['demo', 'core']"


def test_an_unnamed_instance_plugin_gets_its_class_name():
    class Kernels:
        @hookimpl
        def tinytorch_register_ops(self, registry):
            registry.kernel("neg", lambda a: a)

    first, second = Kernels(), Kernels()
    assert manager.register(first) == "Kernels"
    assert manager.register(second) == "Kernels#2"
