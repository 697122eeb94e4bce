"""Custom Functions: forward/backward, ctx.save_for_backward/saved_tensors/needs_input_grad, apply."""

import math

import pytest
from autograd_helpers import assert_close, leaf, tleaf

import tinytorch.core as tt
from tinytorch.autograd import Function, Variable, grad, gradcheck, is_grad_enabled, no_grad


def var(values, requires_grad=True):
    return Variable(tt.tensor(values), requires_grad=requires_grad)


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3.0 * x * x


class MulAdd(Function):
    """a * b + c, with c a plain number."""

    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        ctx.record = ctx.needs_input_grad
        return a * b + c

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a, None


class Exp(Function):
    """Saves its own output, as torch's documentation example does."""

    @staticmethod
    def forward(ctx, x):
        result = x.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, g):
        (result,) = ctx.saved_tensors
        return g * result


def test_apply_runs_forward_and_backward():
    x = var([1.0, -2.0])
    y = Cube.apply(x)
    assert_close(y, [1.0, -8.0])
    assert y.requires_grad and not y.is_leaf
    assert repr(y.grad_fn) == "<CubeBackward>"
    y.sum().backward()
    assert_close(x.grad, [3.0, 12.0])


def test_a_function_inside_a_larger_graph():
    x = var([1.0, 2.0])
    (Cube.apply(x * 2.0) + x).sum().backward()  # d/dx (8x^3 + x) = 24x^2 + 1
    assert_close(x.grad, [25.0, 97.0])


def test_gradcheck_of_custom_functions():
    assert gradcheck(Cube.apply, (tleaf(3, 4),))
    assert gradcheck(lambda a, b: MulAdd.apply(a, b, 2.0), (tleaf(3, 4), leaf(3, 4, seed=1)))


def test_needs_input_grad_and_none_gradients():
    a = var([1.0, 2.0])
    b = var([3.0, 4.0], requires_grad=False)
    seen = {}

    class Spy(MulAdd):
        @staticmethod
        def forward(ctx, a, b, c):
            seen["needs"] = ctx.needs_input_grad
            seen["grad_enabled"] = is_grad_enabled()
            return MulAdd.forward(ctx, a, b, c)

    y = Spy.apply(a, b, 1.0)
    assert seen == {"needs": (True, False, False), "grad_enabled": False}
    assert_close(y, [4.0, 9.0])
    y.sum().backward()
    assert_close(a.grad, [3.0, 4.0])
    assert b.grad is None


def test_saved_tensors_are_what_forward_saved():
    x = var([2.0])
    captured = {}

    class Keep(Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x, k)
            return x * k

        @staticmethod
        def backward(ctx, g):
            captured["saved"] = ctx.saved_tensors
            _x, k = ctx.saved_tensors
            return g * k, None

    k = tt.tensor([5.0])
    Keep.apply(x, k).sum().backward()
    saved_x, saved_k = captured["saved"]
    assert saved_x is x and saved_k is k
    assert_close(x.grad, [5.0])


def test_a_function_that_saves_its_output():
    x = var([0.5, 1.0])
    y = Exp.apply(x)
    assert_close(y, [math.exp(0.5), math.exp(1.0)])
    y.sum().backward()
    assert_close(x.grad, [math.exp(0.5), math.exp(1.0)])
    assert gradcheck(Exp.apply, (tleaf(2, 3),))


def test_forward_may_return_a_tensor_and_backward_a_tensor():
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x.data * 2.0  # a plain Tensor

        @staticmethod
        def backward(ctx, g):
            return g.data * 2.0

    x = var([1.0, 2.0])
    y = Double.apply(x)
    assert isinstance(y, Variable) and y.grad_fn is not None
    (y * y).sum().backward()
    assert_close(x.grad, [8.0, 16.0])  # d/dx 4x^2


def test_no_graph_without_inputs_that_need_grad_or_under_no_grad():
    c = var([1.0], requires_grad=False)
    y = Cube.apply(c)
    assert y.grad_fn is None and not y.requires_grad
    assert_close(y, [1.0])
    with no_grad():
        z = Cube.apply(var([2.0]))
    assert z.grad_fn is None and not z.requires_grad


def test_higher_order_gradients_through_a_function():
    x = var([2.0, -1.0])
    (d1,) = grad(Cube.apply(x).sum(), x, create_graph=True)
    assert_close(d1, [12.0, 3.0])
    (d2,) = grad(d1.sum(), x)
    assert_close(d2, [12.0, -6.0])  # 6x


def test_backward_returning_the_wrong_number_of_gradients_raises():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g  # one gradient for two inputs

    a, b = var([1.0]), var([2.0])
    with pytest.raises(RuntimeError, match=r"Wrong\.backward returned 1 gradient.*2 inputs"):
        Wrong.apply(a, b).sum().backward()


def test_backward_with_too_many_gradients_raises():
    class TooMany(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2.0

        @staticmethod
        def backward(ctx, g):
            return g * 2.0, g

    with pytest.raises(RuntimeError, match="returned 2 gradients"):
        TooMany.apply(var([1.0])).sum().backward()


def test_a_function_backward_twice_needs_retain_graph():
    x = var([1.0])
    y = Cube.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_function_without_forward_raises():
    class Empty(Function):
        pass

    with pytest.raises(NotImplementedError):
        Empty.apply(var([1.0]))
