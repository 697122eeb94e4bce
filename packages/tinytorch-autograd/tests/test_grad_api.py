"""The functional form: grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)."""

import pytest
from autograd_helpers import assert_close

import tinytorch.core as tt
from tinytorch.autograd import Variable, grad


def var(values, requires_grad=True):
    return Variable(tt.tensor(values), requires_grad=requires_grad)


def test_values_and_a_tuple_result():
    x = var([1.0, 2.0])
    w = var([3.0, -1.0])
    y = (x * x * w).sum()
    gx, gw = grad(y, [x, w])
    assert_close(gx, [6.0, -4.0])  # 2xw
    assert_close(gw, [1.0, 4.0])  # x^2
    result = grad((x * 3.0).sum(), x)
    assert isinstance(result, tuple) and len(result) == 1
    assert_close(result[0], [3.0, 3.0])


def test_grad_leaves_dot_grad_untouched():
    x = var([1.0, 2.0])
    grad((x * x).sum(), x)
    assert x.grad is None
    (x * 1.0).sum().backward()
    before = x.grad
    grad((x * x).sum(), x)
    assert x.grad is before
    assert_close(x.grad, [1.0, 1.0])


def test_non_leaf_inputs():
    x = var([1.0, 2.0])
    y = x * 2.0
    z = (y * y + x).sum()
    gy, gx = grad(z, [y, x], retain_graph=True)
    assert_close(gy, [4.0, 8.0])  # 2y
    assert_close(gx, [9.0, 17.0])  # 8x + 1
    assert y.grad is None and x.grad is None


def test_the_output_as_its_own_input():
    x = var([1.0, 2.0])
    y = (x * 2.0).sum()
    (g,) = grad(y, y)
    assert_close(g, 1.0)


def test_unused_inputs_raise_unless_allow_unused():
    x = var([1.0, 2.0])
    unused = var([5.0])
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        grad(y, [x, unused], retain_graph=True)
    gx, gu = grad(y, [x, unused], allow_unused=True)
    assert_close(gx, [2.0, 4.0])
    assert gu is None


def test_inputs_that_do_not_require_grad_raise():
    x = var([1.0, 2.0])
    c = var([1.0, 2.0], requires_grad=False)
    with pytest.raises(RuntimeError, match="input 1"):
        grad((x * c).sum(), [x, c])


def test_grad_outputs_for_a_non_scalar_output():
    x = var([1.0, 2.0])
    y = x * x
    with pytest.raises(RuntimeError, match="scalar"):
        grad(y, x, retain_graph=True)
    (g,) = grad(y, x, grad_outputs=tt.tensor([1.0, 10.0]), retain_graph=True)
    assert_close(g, [2.0, 40.0])
    (g,) = grad([y], [x], grad_outputs=[Variable(tt.tensor([-1.0, 0.5]))])
    assert_close(g, [-2.0, 2.0])


def test_several_outputs_add_up():
    x = var([1.0, 2.0])
    (g,) = grad([(x * x).sum(), (x * 3.0).sum()], x)
    assert_close(g, [5.0, 7.0])


def test_retain_graph_defaults_to_create_graph():
    x = var([1.0, 2.0])
    y = (x.exp() * x).sum()
    grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph"):
        grad(y, x)

    y = (x.exp() * x).sum()
    grad(y, x, retain_graph=True)
    (g,) = grad(y, x)  # retained: a second pass works
    assert g.shape == (2,)

    y = (x * x).sum()
    grad(y, x, create_graph=True)
    (g,) = grad(y, x)  # create_graph=True retains the graph too
    assert_close(g, [2.0, 4.0])


def test_create_graph_makes_the_gradient_differentiable():
    x = var([1.0, 2.0])
    (g,) = grad((x * x * x).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    assert_close(g, [3.0, 12.0])
    (h,) = grad(g.sum(), x)
    assert_close(h, [6.0, 12.0])
    (g2,) = grad((x * x * x).sum(), x)
    assert not g2.requires_grad and g2.grad_fn is None


def test_broadcast_input_gradient_has_the_input_shape():
    b = var([1.0, 2.0, 3.0])
    a = var([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    (gb,) = grad((a * b).sum(), b)
    assert_close(gb, [3.0, 3.0, 3.0])
