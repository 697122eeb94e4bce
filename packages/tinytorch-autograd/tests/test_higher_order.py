"""Higher-order gradients: rules are Variable ops, so create_graph=True differentiates them again."""

import math

import pytest
from autograd_helpers import assert_close, leaf, tleaf

import tinytorch.core as tt
from tinytorch.autograd import Variable, grad, gradgradcheck

ELEMENTWISE = [
    pytest.param(lambda a, b: a + b, lambda: (tleaf(3, 4), leaf(4, seed=1)), id="add"),
    pytest.param(lambda a, b: a - b, lambda: (tleaf(3, 4), leaf(4, seed=1)), id="sub"),
    pytest.param(lambda a, b: a * b, lambda: (tleaf(3, 4), leaf(4, seed=1)), id="mul"),
    pytest.param(lambda a, b: a / b, lambda: (tleaf(3, 4), leaf(4, seed=1, kind="signed", low=0.5, high=2.0)), id="div"),
    pytest.param(lambda a, b: a**b, lambda: (tleaf(3, 4, low=0.5, high=2.0), leaf(4, seed=1)), id="pow"),
    pytest.param(lambda a: a**3, lambda: (tleaf(3, 4),), id="pow-number"),
    pytest.param(lambda a: 2.0**a, lambda: (tleaf(3, 4),), id="rpow"),
    pytest.param(lambda a, b: a.maximum(b), lambda: (tleaf(3, 4, kind="grid"), leaf(4, seed=1, kind="grid", offset=0.2)), id="maximum"),
    pytest.param(lambda a, b: a.minimum(b), lambda: (tleaf(3, 4, kind="grid"), leaf(4, seed=1, kind="grid", offset=0.2)), id="minimum"),
    pytest.param(lambda a: -a, lambda: (tleaf(3, 4),), id="neg"),
    pytest.param(lambda a: a.exp(), lambda: (tleaf(3, 4),), id="exp"),
    pytest.param(lambda a: a.log(), lambda: (tleaf(3, 4, low=0.5, high=3.0),), id="log"),
    pytest.param(lambda a: a.sqrt(), lambda: (tleaf(3, 4, low=0.5, high=3.0),), id="sqrt"),
    pytest.param(lambda a: a.abs(), lambda: (tleaf(3, 4, kind="grid", offset=0.2),), id="abs"),
    pytest.param(lambda a: a.sin(), lambda: (tleaf(3, 4, low=-2.0, high=2.0),), id="sin"),
    pytest.param(lambda a: a.cos(), lambda: (tleaf(3, 4, low=-2.0, high=2.0),), id="cos"),
    pytest.param(lambda a: a.tanh(), lambda: (tleaf(3, 4, low=-2.0, high=2.0),), id="tanh"),
    pytest.param(lambda a: a.sigmoid(), lambda: (tleaf(3, 4, low=-2.0, high=2.0),), id="sigmoid"),
    pytest.param(lambda a: a.erf(), lambda: (tleaf(3, 4, low=-2.0, high=2.0),), id="erf"),
    pytest.param(lambda a: a.relu(), lambda: (tleaf(3, 4, kind="grid", offset=0.2),), id="relu"),
    pytest.param(lambda a: a.clamp(-0.5, 0.5), lambda: (tleaf(3, 4, kind="grid", offset=0.2),), id="clamp"),
    pytest.param(lambda a: a.softmax(1), lambda: (tleaf(3, 4),), id="softmax"),
    pytest.param(lambda a: a.log_softmax(1), lambda: (tleaf(3, 4),), id="log_softmax"),
    pytest.param(lambda a: (a * a).exp().sum(), lambda: (tleaf(3, 4),), id="composite-scalar"),
]

MATMUL = [
    pytest.param(lambda a, b: a @ b, lambda: (tleaf(3, 4), leaf(4, 2, seed=1)), id="2d-2d"),
    pytest.param(lambda a, b: a @ b, lambda: (tleaf(4), leaf(4, seed=1)), id="1d-1d"),
    pytest.param(lambda a, b: a @ b, lambda: (leaf(2, 3), tleaf(3, seed=1)), id="2d-1d"),
    pytest.param(lambda a, b: a @ b, lambda: (leaf(3), tleaf(3, 2, seed=1)), id="1d-2d"),
    pytest.param(lambda a, b: a @ b, lambda: (leaf(2, 1, 2, 3), tleaf(2, 3, 2, seed=1)), id="batched"),
    pytest.param(lambda a, b: (a @ b).tanh() @ a.T, lambda: (tleaf(2, 3), leaf(3, 3, seed=1)), id="chain"),
]


@pytest.mark.parametrize("fn, make", ELEMENTWISE + MATMUL)
def test_gradgradcheck(fn, make):
    assert gradgradcheck(fn, make())


def test_third_derivative_of_a_cube_by_hand():
    x = Variable(tt.tensor([2.0, -1.5]), requires_grad=True)
    y = (x * x * x).sum()
    (d1,) = grad(y, x, create_graph=True)
    assert_close(d1, [12.0, 6.75])  # 3x^2
    assert d1.requires_grad and d1.grad_fn is not None
    (d2,) = grad(d1.sum(), x, create_graph=True)
    assert_close(d2, [12.0, -9.0])  # 6x
    (d3,) = grad(d2.sum(), x)
    assert_close(d3, [6.0, 6.0])  # 6


def test_second_derivative_of_a_cube_via_pow():
    x = Variable(tt.tensor(0.7), requires_grad=True)
    (d1,) = grad(x**3, x, create_graph=True)
    (d2,) = grad(d1, x)
    assert math.isclose(d1.item(), 3 * 0.49)
    assert math.isclose(d2.item(), 6 * 0.7)


def test_second_derivative_of_sin_and_exp():
    x = Variable(tt.tensor([0.3, 1.2]), requires_grad=True)
    (d1,) = grad((x.sin() * x.exp()).sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x)
    # (sin x e^x)'' = 2 cos(x) e^x
    assert_close(d2, [2 * math.cos(v) * math.exp(v) for v in (0.3, 1.2)], rel=1e-12)


def test_backward_with_create_graph_gives_a_differentiable_grad():
    x = Variable(tt.tensor([1.0, 3.0]), requires_grad=True)
    (x * x * x).sum().backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.grad_fn is not None
    g = x.grad
    x.grad = None
    g.sum().backward()
    assert_close(x.grad, [6.0, 18.0])  # d(3x^2)/dx


def test_grad_without_create_graph_gives_constants():
    x = Variable(tt.tensor([1.0, 3.0]), requires_grad=True)
    (d1,) = grad((x * x).sum(), x)
    assert not d1.requires_grad and d1.grad_fn is None
    assert_close(d1, [2.0, 6.0])


def test_hessian_vector_product_of_matmul_quadratic_form():
    # f(x) = x^T A x has Hessian A + A^T
    a = [[1.0, 2.0], [0.5, -1.0]]
    A = Variable(tt.tensor(a))
    x = Variable(tt.tensor([0.3, -0.2]), requires_grad=True)
    (g,) = grad(x @ (A @ x), x, create_graph=True)
    v = tt.tensor([1.0, 2.0])
    (hv,) = grad((g * v).sum(), x)
    h = [[a[i][j] + a[j][i] for j in range(2)] for i in range(2)]
    assert_close(hv, [h[0][0] * 1 + h[0][1] * 2, h[1][0] * 1 + h[1][1] * 2])
