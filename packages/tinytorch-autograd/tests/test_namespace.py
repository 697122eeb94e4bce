"""tinytorch.autograd joins through the plugin manager: its plugin, its reference rules."""

import importlib
import sys

import tinytorch.autograd as autograd
from tinytorch.autograd.gradients import REFERENCE_RULES
from tinytorch.autograd.registry import (
    NOT_DIFFERENTIABLE,
    GradientRegistry,
    gradient_params,
    gradient_table,
)
from tinytorch.core.plugins import OPS, manager


def test_the_plugin_is_registered_under_the_name_autograd():
    plugin = sys.modules["tinytorch.autograd.plugin"]
    assert manager.get_plugin("autograd") is plugin
    assert manager.get_name(plugin) == "autograd"


def test_the_entry_point_names_the_same_plugin_module():
    from pathlib import Path

    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert 'autograd = "tinytorch.autograd.plugin"' in pyproject
    assert importlib.import_module("tinytorch.autograd.plugin").NAME == "autograd"


def test_every_differentiable_op_has_a_reference_rule():
    differentiable = {name for name, spec in OPS.items() if spec.differentiable}
    assert len(differentiable) >= 46  # guards against an empty catalogue
    assert set(REFERENCE_RULES) == differentiable
    for name in differentiable:
        assert set(REFERENCE_RULES[name]) == set(gradient_params(OPS[name])), name


def test_the_reference_rules_are_served_by_the_autograd_plugin():
    resolved = manager.collect(GradientRegistry)
    for name, spec in OPS.items():
        if spec.differentiable:
            assert resolved[name][-1].plugin == "autograd", name
            assert gradient_table[name] is not NOT_DIFFERENTIABLE, name
        else:
            assert name not in resolved, name
            assert gradient_table[name] is NOT_DIFFERENTIABLE, name


def test_comparisons_and_arg_reductions_are_not_differentiable():
    names = [n for n, s in OPS.items() if s.family == "compare"] + ["argmax", "argmin"]
    assert len(names) >= 8
    for name in names:
        assert not OPS[name].differentiable, name
        assert gradient_params(OPS[name]) == (), name


def test_public_names_are_what_they_claim():
    for name in autograd.__all__:
        assert hasattr(autograd, name), name
    # the subpackage `gradients` (the reference rules) must not be confused with the table
    assert "gradients" not in autograd.__all__
    assert hasattr(autograd.gradients, "REFERENCE_RULES")
    assert autograd.gradient_table is gradient_table
