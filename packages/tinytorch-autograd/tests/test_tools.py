"""Debugging tools: gradcheck's failure message, detect_anomaly, to_dot, and the plugin side
(check_kernel's gradcheck, a learner's own gradient rule, a swapped forward kernel)."""

import inspect
import math
import os
import re
import shutil
import subprocess

import pytest
from autograd_helpers import assert_close, leaf, tleaf

import tinytorch.core as tt
from tinytorch.autograd import (
    Function,
    GradcheckError,
    GradientRegistry,
    Variable,
    detect_anomaly,
    gradcheck,
    gradgradcheck,
    to_dot,
)
from tinytorch.core.plugins import check_kernel, hookimpl, manager, use_kernel
from tinytorch.core.tensor import Tensor


def var(values, requires_grad=True):
    return Variable(tt.tensor(values), requires_grad=requires_grad)


# ------------------------------------------------------------------ gradcheck
class HalfWrongMul(Function):
    """a * b whose gradient for b is halved at element 2 only."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a * tt.tensor([1.0, 1.0, 0.5])


def test_gradcheck_failure_names_input_element_numeric_and_analytic():
    a = var([1.0, 2.0, 4.0])
    b = var([3.0, 5.0, 7.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(HalfWrongMul.apply, (a, b))
    message = str(info.value)
    assert "input 1" in message
    assert "element 2" in message
    numbers = [float(n) for n in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", message)]
    assert any(math.isclose(n, 2.0) for n in numbers), message  # analytic: 0.5 * a[2]
    assert any(math.isclose(n, 4.0, rel_tol=1e-6) for n in numbers), message  # numeric: a[2]
    assert "backward" in message and "finite differences" in message
    assert isinstance(info.value, RuntimeError)


def test_gradcheck_without_raise_exception_returns_false():
    assert gradcheck(HalfWrongMul.apply, (var([1.0, 2.0, 4.0]), var([3.0, 5.0, 7.0])), raise_exception=False) is False
    assert gradcheck(HalfWrongMul.apply, (var([1.0, 2.0, 4.0]), var([3.0, 5.0, 7.0], requires_grad=False))) is True


def test_gradcheck_restores_the_inputs():
    x = tleaf(3, 4)
    before = x.tolist()
    gradcheck(lambda a: a.exp(), (x,))
    assert x.tolist() == before


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda a: a * 2.0, (var([1.0], requires_grad=False),))


def test_gradcheck_of_several_outputs():
    assert gradcheck(lambda a: (a.exp(), a.sin() * 2.0), (tleaf(2, 3),))


def test_gradcheck_skips_outputs_without_gradients():
    # max(dim) returns (values, indices); the int64 indices have no gradient to check
    assert gradcheck(lambda a: a.max(1), (leaf(3, 4, kind="distinct"),))


def test_gradgradcheck_detects_a_wrong_second_derivative():
    class FirstOrderOnly(Function):
        """sin whose backward is right in value but built from a constant: no second derivative."""

        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a.sin()

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * Variable(a.data.cos())  # detached from a

    x = tleaf(2, 2)
    assert gradcheck(FirstOrderOnly.apply, (x,))
    with pytest.raises(GradcheckError):
        gradgradcheck(FirstOrderOnly.apply, (x,))


# ------------------------------------------------------------------ anomaly mode
def _line_of(marker):
    source, start = inspect.getsourcelines(inspect.currentframe().f_back.f_code)
    return start + next(i for i, line in enumerate(source) if marker in line)


def test_detect_anomaly_names_the_op_and_the_forward_line():
    x = var([0.0, 1.0])
    with detect_anomaly():
        y = (x * 1.0).sqrt()  # FORWARD-SQRT
        z = (y * 2.0).sum()
        with pytest.raises(RuntimeError) as info:
            z.backward()
    message = str(info.value)
    assert "sqrt" in message and "SqrtBackward" in message
    assert "MulBackward" not in message  # the first op that went bad, not its followers
    assert os.path.basename(__file__) in message
    assert f"line {_line_of('FORWARD-SQRT')}" in message


def test_detect_anomaly_catches_nan_from_log_at_zero():
    x = var([0.0, 2.0])
    with detect_anomaly():
        y = x.log() * 0.0  # FORWARD-LOG: log(0) = -inf, times 0 = nan
        with pytest.raises(RuntimeError, match="log") as info:
            y.sum().backward()
    assert f"line {_line_of('FORWARD-LOG')}" in str(info.value)


def test_without_anomaly_mode_the_bad_gradient_passes_silently():
    x = var([0.0, 1.0])
    (x * 1.0).sqrt().sum().backward()
    assert x.grad.tolist()[0] == math.inf


def test_detect_anomaly_as_a_decorator_and_restored_after():
    @detect_anomaly()
    def run():
        x = var([0.0])
        x.sqrt().sum().backward()

    with pytest.raises(RuntimeError, match="sqrt"):
        run()
    x = var([0.0])
    x.sqrt().sum().backward()  # outside: no error
    assert x.grad.tolist() == [math.inf]


def test_detect_anomaly_lets_good_gradients_through():
    x = var([1.0, 4.0])
    with detect_anomaly():
        x.sqrt().sum().backward()
    assert_close(x.grad, [0.5, 0.25])


# ------------------------------------------------------------------ to_dot
def _declarations(dot):
    """{node id: label} of the node statements."""
    return dict(re.findall(r'^\s*(\w+) \[label="([^"]*)"', dot, flags=re.M))


def _edges(dot):
    return re.findall(r"^\s*(\w+) -> (\w+);", dot, flags=re.M)


def test_to_dot_has_one_node_per_op_and_per_leaf_with_shapes():
    a = var([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    w = var([1.0, 2.0, 3.0])
    out = (a * w).exp().sum()
    dot = to_dot(out)
    assert dot.lstrip().startswith("digraph") and dot.rstrip().endswith("}")
    labels = sorted(_declarations(dot).values())
    ops = [l for l in labels if "Backward" in l]
    leaves = [l for l in labels if l.startswith("leaf")]
    assert sorted(ops) == ["ExpBackward\\n(2, 3)", "MulBackward\\n(2, 3)", "SumBackward\\n()"]
    assert sorted(leaves) == ["leaf\\n(2, 3)", "leaf\\n(3,)"]
    ids = {label: node for node, label in _declarations(dot).items()}
    edges = set(_edges(dot))
    assert (ids["leaf\\n(3,)"], ids["MulBackward\\n(2, 3)"]) in edges
    assert (ids["MulBackward\\n(2, 3)"], ids["ExpBackward\\n(2, 3)"]) in edges
    assert (ids["ExpBackward\\n(2, 3)"], ids["SumBackward\\n()"]) in edges


def test_to_dot_declares_a_leaf_used_twice_once():
    w = var([1.0, 2.0, 3.0])
    dot = to_dot((w * w + w).sum())
    labels = list(_declarations(dot).values())
    assert labels.count("leaf\\n(3,)") == 1
    assert sorted(l for l in labels if "Backward" in l) == [
        "AddBackward\\n(3,)", "MulBackward\\n(3,)", "SumBackward\\n()"]


def test_to_dot_of_a_leaf():
    dot = to_dot(var([1.0]))
    assert dot.rstrip().endswith("}") and "Backward" not in dot


DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def test_to_dot_is_valid_dot_syntax():
    dot = to_dot((var([1.0, 2.0]) * 2.0).sum())
    name = re.match(r'\s*digraph\s+("[^"]*"|\w+)?\s*\{', dot)
    assert name is not None, dot[:40]
    graph_id = name.group(1)
    assert graph_id is None or graph_id.startswith('"') or graph_id.lower() not in DOT_KEYWORDS, (
        f"the graph is named {graph_id!r}, a DOT keyword: Graphviz rejects it unquoted"
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_accepts_the_dot_text():
    dot = to_dot((var([1.0, 2.0]).exp() * 2.0).sum())
    run = subprocess.run(["dot", "-Tcanon"], input=dot, capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr


# ------------------------------------------------------------------ plugins
def exp_kernel(a):
    return Tensor([math.exp(v) for v in a.values()], a.shape, dtype=tt.float64)


def test_check_kernel_passes_a_correct_kernel():
    report = check_kernel("exp", exp_kernel)
    assert report.ok, str(report)
    assert len(report.cases) > 0


def test_check_kernel_gradchecks_a_kernel_right_only_at_the_test_inputs():
    seen = {}

    def stepped_exp(a):
        """exact at the values it has seen, constant within 1e-3 of them: no derivative"""
        out = []
        for v in a.values():
            near = next((s for s in seen if abs(s - v) < 1e-3), None)
            if near is None:
                seen[v] = math.exp(v)
                near = v
            out.append(seen[near])
        return Tensor(out, a.shape, dtype=tt.float64)

    report = check_kernel("exp", stepped_exp)
    assert not report.ok
    assert report.failures and all(f.message.startswith("gradcheck") for f in report.failures)
    assert "by finite differences" in str(report)


class WrongExpGradient:
    """A learner's plugin whose gradient rule for exp is wrong."""

    @hookimpl
    def tinytorch_register_gradients(self, registry):
        registry.gradient("exp", a=lambda grad, out, a: grad * 2)


@pytest.fixture
def wrong_exp_plugin():
    plugin = WrongExpGradient()
    manager.register(plugin, name="learner-exp")
    try:
        yield plugin
    finally:
        if manager.is_registered(plugin):
            manager.unregister(plugin)


def test_a_learners_gradient_rule_is_used_and_can_be_unregistered(wrong_exp_plugin):
    providers = manager.collect(GradientRegistry)["exp"]
    assert providers[0].plugin == "learner-exp"
    assert "autograd" in [p.plugin for p in providers[1:]]
    x = var([0.5, 1.0])
    x.exp().sum().backward()
    assert_close(x.grad, [2.0, 2.0])
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: a.exp(), (tleaf(3, 2),))
    report = check_kernel("exp", exp_kernel)
    assert not report.ok
    assert all(f.message.startswith("gradcheck") for f in report.failures)
    assert (x * x).grad_fn is not None  # other ops keep their reference rules
    assert gradcheck(lambda a: a.sin(), (tleaf(3, 2),))

    manager.unregister(wrong_exp_plugin)
    assert manager.collect(GradientRegistry)["exp"][0].plugin == "autograd"
    assert gradcheck(lambda a: a.exp(), (tleaf(3, 2),))
    assert check_kernel("exp", exp_kernel).ok


def test_a_gradient_rule_for_a_non_differentiable_op_is_refused():
    from tinytorch.core.plugins import PluginError

    class Bad:
        @hookimpl
        def tinytorch_register_gradients(self, registry):
            registry.gradient("argmax", a=lambda grad, out, a, dim, keepdim: grad)

    with pytest.raises(PluginError, match="argmax"):
        manager.register(Bad(), name="bad-argmax")
    assert manager.get_plugin("bad-argmax") is None


def test_a_gradient_rule_with_the_wrong_parameters_is_refused():
    from tinytorch.core.plugins import PluginError

    class Bad:
        @hookimpl
        def tinytorch_register_gradients(self, registry):
            registry.gradient("mul", a=lambda grad, out, a, b: grad * b)  # no rule for b

    with pytest.raises(PluginError, match="b"):
        manager.register(Bad(), name="bad-mul")
    assert manager.get_plugin("bad-mul") is None


def test_a_swapped_forward_kernel_is_used_by_variable_ops():
    def seven(a):
        return Tensor([7.0] * a.numel(), a.shape, dtype=tt.float64)

    x = var([0.5, 1.0])
    with use_kernel("exp", seven):
        y = x.exp()
        assert y.tolist() == [7.0, 7.0]
        z = tt.exp(x)
        assert z.tolist() == [7.0, 7.0]
    y.sum().backward()
    assert_close(x.grad, [7.0, 7.0])  # exp's rule grad * out reads the swapped kernel's output
    assert_close(x.exp(), [math.exp(0.5), math.exp(1.0)])  # restored after the block
