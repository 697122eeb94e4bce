"""backward(): accumulation, retain_graph, gradients of non-scalars, broadcasting, grad
modes, hooks, retain_grad, detach, leaves, long chains, freeing the graph, in-place ops."""

import gc
import math
import sys
import time
import weakref

import pytest
from autograd_helpers import assert_close

import tinytorch.core as tt
from tinytorch.autograd import (
    Variable,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)


def var(values, requires_grad=True):
    return Variable(tt.tensor(values), requires_grad=requires_grad)


# ------------------------------------------------------------------ basics
def test_backward_of_a_product_by_hand():
    x = var([1.0, 2.0, 3.0])
    w = var([4.0, 5.0, 6.0])
    (x * w + x).sum().backward()
    assert_close(x.grad, [5.0, 6.0, 7.0])
    assert_close(w.grad, [1.0, 2.0, 3.0])


def test_grad_is_a_variable_without_a_graph():
    x = var([1.0, 2.0])
    assert x.grad is None
    (x * x).sum().backward()
    assert isinstance(x.grad, Variable)
    assert not x.grad.requires_grad
    assert x.grad.grad_fn is None


def test_gradients_accumulate_over_two_backward_calls():
    x = var([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    assert_close(x.grad, [2.0 + 3.0, 4.0 + 3.0])


def test_a_variable_used_twice_gets_the_sum_of_both_paths():
    x = var([2.0])
    y = x * 3.0
    (y * y + y).sum().backward()  # d/dx (9x^2 + 3x) = 18x + 3
    assert_close(x.grad, [39.0])


def test_second_backward_without_retain_graph_raises():
    x = var([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = var([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert_close(x.grad, [4.0, 8.0])


def test_backward_of_a_non_scalar_without_gradient_raises():
    x = var([1.0, 2.0])
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2.0).backward()


def test_backward_of_a_one_element_non_0d_output_is_allowed():
    x = var([3.0])
    (x * x).backward()
    assert_close(x.grad, [6.0])


def test_backward_with_an_explicit_gradient():
    x = var([1.0, 2.0])
    (x * 3.0).backward(tt.tensor([1.0, 10.0]))
    assert_close(x.grad, [3.0, 30.0])
    x.grad = None
    (x * x).backward(Variable(tt.tensor([2.0, -1.0])))
    assert_close(x.grad, [4.0, -4.0])


def test_backward_with_a_gradient_of_the_wrong_shape_raises():
    x = var([1.0, 2.0])
    with pytest.raises((ValueError, RuntimeError), match="shape"):
        (x * 3.0).backward(tt.tensor([1.0, 2.0, 3.0]))


def test_backward_of_an_output_that_needs_no_grad_raises():
    x = var([1.0, 2.0], requires_grad=False)
    with pytest.raises(RuntimeError, match="grad"):
        (x * 2.0).sum().backward()


def test_broadcast_inputs_get_gradients_of_their_own_shape():
    a = var([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # (2, 3)
    b = var([10.0, 20.0, 30.0])  # (3,)
    c = var([[1.0], [2.0]])  # (2, 1)
    d = var(0.5)  # ()
    (a * b + c * d).sum().backward()
    assert_close(a.grad, [[10.0, 20.0, 30.0], [10.0, 20.0, 30.0]])
    assert_close(b.grad, [5.0, 7.0, 9.0])
    assert_close(c.grad, [[1.5], [1.5]])
    assert_close(d.grad, 9.0)  # 3 * (1 + 2)


def test_broadcast_with_leading_and_size_one_dims():
    a = var([[[1.0, 2.0]]])  # (1, 1, 2)
    b = var([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])  # (3, 2)
    (a * b).sum().backward()
    assert a.grad.shape == (1, 1, 2)
    assert_close(a.grad, [[[6.0, 6.0]]])
    assert_close(b.grad, [[1.0, 2.0]] * 3)


def test_ops_that_reuse_their_output_in_backward_when_the_user_keeps_no_reference():
    # exp, tanh, sigmoid, sqrt... read their own output in backward; the user holds none
    # of those intermediates, and their consumer is not the node processed just before.
    values = [0.4, 1.3]
    x = var(values)
    (x.sin().cos() * x.exp()).sum().backward()
    expected = [math.exp(v) * (math.cos(math.sin(v)) - math.sin(math.sin(v)) * math.cos(v)) for v in values]
    assert_close(x.grad, expected, rel=1e-12)

    x = var(values)
    ((x * 2.0).sin() * x.tanh()).sum().backward()
    expected = [2 * math.cos(2 * v) * math.tanh(v) + math.sin(2 * v) * (1 - math.tanh(v) ** 2) for v in values]
    assert_close(x.grad, expected, rel=1e-12)

    x = var(values)
    (x.sqrt().sin() * x.sigmoid().cos()).sum().backward()
    s = [1 / (1 + math.exp(-v)) for v in values]
    expected = [
        math.cos(math.sqrt(v)) / (2 * math.sqrt(v)) * math.cos(si)
        - math.sin(math.sqrt(v)) * math.sin(si) * si * (1 - si)
        for v, si in zip(values, s)
    ]
    assert_close(x.grad, expected, rel=1e-12)


# ------------------------------------------------------------------ grad modes
def test_no_grad_as_a_context_manager():
    x = var([1.0, 2.0])
    with no_grad():
        assert not is_grad_enabled()
        y = x * 2.0
    assert is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad
    assert_close(y, [2.0, 4.0])
    z = x * 2.0
    assert z.grad_fn is not None


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ZeroDivisionError), no_grad():
        1 / 0
    assert is_grad_enabled()


def test_no_grad_as_a_decorator():
    @no_grad()
    def double(v):
        """doc"""
        assert not is_grad_enabled()
        return v * 2.0

    x = var([1.0])
    y = double(x)
    assert y.grad_fn is None and not y.requires_grad
    assert is_grad_enabled()
    assert double.__name__ == "double" and double.__doc__ == "doc"


def test_enable_grad_inside_no_grad():
    x = var([1.0, 2.0])
    with no_grad():
        with enable_grad():
            assert is_grad_enabled()
            y = x * 2.0
        z = x * 2.0
    assert y.grad_fn is not None
    assert z.grad_fn is None

    @enable_grad()
    def record(v):
        return v * 3.0

    with no_grad():
        w = record(x)
    assert w.grad_fn is not None
    w.sum().backward()
    assert_close(x.grad, [3.0, 3.0])


def test_set_grad_enabled_as_context_manager_and_decorator():
    x = var([1.0])
    with set_grad_enabled(False):
        y = x * 2.0
    with set_grad_enabled(True):
        z = x * 2.0
    assert y.grad_fn is None and z.grad_fn is not None
    assert is_grad_enabled()

    @set_grad_enabled(False)
    def f(v):
        return v * 2.0

    assert is_grad_enabled()  # decorating does not switch the mode
    assert f(x).grad_fn is None
    assert is_grad_enabled()


def test_set_grad_enabled_called_as_a_function_switches_the_mode():
    try:
        set_grad_enabled(False)
        assert not is_grad_enabled()
        assert (var([1.0]) * 2.0).grad_fn is None
    finally:
        set_grad_enabled(True)
    assert is_grad_enabled()


# ------------------------------------------------------------------ hooks
def test_hook_on_a_leaf_sees_and_replaces_its_gradient():
    x = var([1.0, 2.0])
    seen = []

    def hook(g):
        seen.append(g.tolist())
        return g + 1.0

    x.register_hook(hook)
    (x * x + x).sum().backward()
    assert seen == [[3.0, 5.0]]  # called once, with the total
    assert_close(x.grad, [4.0, 6.0])


def test_hook_on_an_intermediate_changes_what_flows_back():
    x = var([1.0, 2.0])
    y = x * 2.0
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.register_hook(lambda g: g * 10.0)
    (y * y).sum().backward()
    assert seen == [[4.0, 8.0]]  # d(y^2)/dy = 2y, before the second hook
    assert_close(x.grad, [80.0, 160.0])  # 2y * 10 * 2
    assert y.grad is None  # hooks do not make it keep .grad


def test_hook_handle_remove():
    x = var([1.0, 2.0])
    calls = []
    handle = x.register_hook(lambda g: calls.append(1) or g * 0.0)
    (x * 1.0).sum().backward()
    assert calls == [1]
    assert_close(x.grad, [0.0, 0.0])
    handle.remove()
    (x * 1.0).sum().backward()
    assert calls == [1]
    assert_close(x.grad, [1.0, 1.0])
    handle.remove()  # a second remove is harmless


def test_register_hook_on_a_variable_without_grad_raises():
    with pytest.raises(RuntimeError):
        var([1.0], requires_grad=False).register_hook(lambda g: g)


# ------------------------------------------------------------------ Variable state
def test_retain_grad_keeps_the_gradient_of_an_intermediate():
    x = var([1.0, 2.0])
    y = x * 2.0
    z = x * 3.0
    y.retain_grad()
    (y * y + z).sum().backward()
    assert_close(y.grad, [4.0, 8.0])
    assert isinstance(y.grad, Variable) and y.grad.grad_fn is None
    assert z.grad is None


def test_detach_shares_data_and_stops_gradients():
    x = var([1.0, 2.0])
    d = (x * 2.0).detach()
    assert d.requires_grad is False and d.is_leaf and d.grad_fn is None
    assert x.detach().data is x.data
    (x.detach() * x).sum().backward()
    assert_close(x.grad, [1.0, 2.0])  # only the non-detached factor


def test_requires_grad_():
    x = var([1.0, 2.0], requires_grad=False)
    assert x.requires_grad_() is x
    assert x.requires_grad
    (x * x).sum().backward()
    assert_close(x.grad, [2.0, 4.0])
    x.requires_grad_(False)
    assert not x.requires_grad
    assert (x * 2.0).grad_fn is None
    y = var([1.0]) * 2.0
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad_(False)


def test_is_leaf():
    x = var([1.0])
    c = var([1.0], requires_grad=False)
    assert x.is_leaf and c.is_leaf
    assert not (x * 2.0).is_leaf
    assert (c * 2.0).is_leaf  # no graph: a leaf, as in PyTorch
    assert x.detach().is_leaf


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda x: x * 2.0, "<MulBackward>"),
        (lambda x: x + 2.0, "<AddBackward>"),
        (lambda x: x / 2.0, "<DivBackward>"),
        (lambda x: x.sum(), "<SumBackward>"),
        (lambda x: x.exp(), "<ExpBackward>"),
        (lambda x: x.log_softmax(0), "<LogSoftmaxBackward>"),
        (lambda x: x @ x, "<MatmulBackward>"),
        (lambda x: x[0], "<GetitemBackward>"),
        (lambda x: x.reshape(2, 1), "<ReshapeBackward>"),
        (lambda x: x.max(0).values, "<MaxBackward>"),
    ],
)
def test_grad_fn_names(fn, name):
    y = fn(var([1.0, 2.0]))
    assert repr(y.grad_fn) == name


def test_next_functions_link_to_the_inputs_nodes():
    x = var([1.0, 2.0])
    y = x * 2.0
    z = y.exp() + x
    assert repr(z.grad_fn) == "<AddBackward>"
    nexts = z.grad_fn.next_functions
    assert len(nexts) == 2
    assert repr(nexts[0]) == "<ExpBackward>"
    assert nexts[0].next_functions == (y.grad_fn,)
    assert nexts[1] is None  # x is a leaf


# ------------------------------------------------------------------ long chains
def test_a_chain_of_100000_ops_backwards_without_recursion_error():
    limit = sys.getrecursionlimit()
    x = var([1.0, 2.0])
    start = time.perf_counter()
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y = y * 3.0
    y.sum().backward()
    elapsed = time.perf_counter() - start
    assert_close(x.grad, [3.0, 3.0])
    assert sys.getrecursionlimit() == limit
    assert elapsed < 30, f"100,000 ops forward and backward took {elapsed:.1f} s"


def test_dropping_a_chain_of_100000_ops_without_backward():
    x = var([1.0])
    y = x
    for _ in range(100_000):
        y = y + 0.0
    ref = weakref.ref(y.grad_fn)
    del y  # freeing a long chain must not overflow the stack
    assert ref() is None


# ------------------------------------------------------------------ freeing the graph
@pytest.fixture
def no_gc():
    """With the cyclic collector off, only reference counting frees the graph."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_the_graph_is_freed_when_the_output_is_dropped(no_gc):
    x = var([1.0, 2.0])
    y = x * 2.0
    z = y.exp()
    out = z.sum()
    refs = [weakref.ref(y), weakref.ref(z), weakref.ref(y.grad_fn), weakref.ref(out.grad_fn)]
    del y, z
    assert refs[0]() is not None  # the graph keeps the intermediate alive
    del out
    assert [r() for r in refs] == [None] * 4


def test_the_graph_is_freed_by_backward_without_retain_graph(no_gc):
    x = var([1.0, 2.0])
    y = x * 2.0
    out = (y.exp() * y).sum()
    ref = weakref.ref(y)
    del y
    out.backward()
    assert ref() is None  # the saved intermediate is gone, the output is not
    assert out.grad_fn is not None
    assert_close(x.grad, [2 * (math.exp(2.0) * 2.0 + math.exp(2.0)), 2 * (math.exp(4.0) * 4.0 + math.exp(4.0))])


def test_retain_graph_keeps_the_intermediates(no_gc):
    x = var([1.0, 2.0])
    y = x * 2.0
    out = (y * y).sum()
    ref = weakref.ref(y)
    del y
    out.backward(retain_graph=True)
    assert ref() is not None
    del out
    assert ref() is None


def test_the_graph_of_a_custom_function_is_freed(no_gc):
    from tinytorch.autograd import Function

    class Square(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * 2.0 * a

    x = var([3.0])
    y = x * 1.0
    out = Square.apply(y)
    refs = [weakref.ref(y), weakref.ref(out), weakref.ref(out.grad_fn)]
    del y
    out.sum().backward()
    assert_close(x.grad, [6.0])
    del out
    assert [r() for r in refs] == [None] * 3


def test_the_graph_of_a_higher_order_gradient_is_freed(no_gc):
    from tinytorch.autograd import grad

    x = var([1.0, 2.0])
    y = (x * x * x).sum()
    (g,) = grad(y, x, create_graph=True)
    refs = [weakref.ref(y), weakref.ref(y.grad_fn), weakref.ref(g.grad_fn)]
    del y
    del g
    assert [r() for r in refs] == [None] * 3


# ------------------------------------------------------------------ in place
def test_in_place_on_a_leaf_that_requires_grad_raises():
    x = var([1.0, 2.0])
    with pytest.raises(RuntimeError, match="in-place"):
        x += 1.0
    with pytest.raises(RuntimeError, match="in-place"):
        x.mul_(2.0)
    with pytest.raises(RuntimeError, match="in-place"):
        x[0] = 5.0
    assert_close(x, [1.0, 2.0])


def test_in_place_under_no_grad_updates_the_data():
    x = var([1.0, 2.0])
    before, storage = x, x.data.storage
    with no_grad():
        x += 1.0
        x *= 2.0
        x.sub_(1.0)
        x[0] = 10.0
    assert x is before and x.data.storage is storage  # in place, no copy
    assert x.is_leaf and x.requires_grad and x.grad_fn is None
    assert_close(x, [10.0, 5.0])
    with no_grad():
        x.zero_()
    assert_close(x, [0.0, 0.0])


def test_in_place_on_a_non_leaf_is_recorded():
    x = var([1.0, 2.0])
    y = x * 2.0
    y += 1.0
    assert repr(y.grad_fn) == "<AddBackward>"
    assert_close(y, [3.0, 5.0])
    y.sum().backward()
    assert_close(x.grad, [2.0, 2.0])  # the x * 2 before the += still counts


def test_in_place_method_on_a_non_leaf_is_recorded():
    x = var([1.0, 2.0])
    y = x * 2.0
    y.add_(1.0).mul_(3.0)  # 3 (2x + 1)
    (y * y).sum().backward()  # d/dx 9 (2x + 1)^2 = 36 (2x + 1)
    assert_close(x.grad, [108.0, 180.0])


def test_in_place_with_itself_on_a_non_leaf():
    x = var([1.0, 2.0])
    y = x * 2.0 + 1.0
    y *= y  # (2x + 1)^2
    assert_close(y, [9.0, 25.0])
    y.sum().backward()
    assert_close(x.grad, [4 * 3.0, 4 * 5.0])  # 2 (2x + 1) * 2


def test_setitem_on_a_non_leaf_is_recorded():
    x = var([1.0, 2.0, 3.0])
    y = x * 1.0
    y[0] = 0.0
    assert repr(y.grad_fn) == "<SetitemBackward>"
    y.sum().backward()
    assert_close(x.grad, [0.0, 1.0, 1.0])
    assert_close(x, [1.0, 2.0, 3.0])  # the leaf is untouched


def test_setitem_with_a_variable_value():
    x = var([1.0, 2.0, 3.0])
    w = var([5.0])
    y = x * 2.0
    y[1:2] = w * 3.0
    assert_close(y, [2.0, 15.0, 6.0])
    (y * y).sum().backward()
    assert_close(x.grad, [8.0, 0.0, 24.0])  # 2y * 2 outside the slot
    assert_close(w.grad, [90.0])  # 2 * 15 * 3


def test_setitem_of_a_grad_value_into_a_plain_variable():
    base = var([0.0, 0.0, 0.0], requires_grad=False)
    w = var(2.0)
    base[2] = w
    assert base.requires_grad and base.grad_fn is not None
    (base * 4.0).sum().backward()
    assert_close(w.grad, 4.0)


def test_in_place_write_of_a_value_computed_from_the_target_itself():
    # x.copy_(x.relu()): the relu node read the old x, and must keep reading it
    w = Variable(tt.tensor([-1.0, 2.0]), requires_grad=True)
    x = w * 3
    x.copy_(x.relu())
    x.sum().backward()
    assert w.grad.tolist() == [0.0, 3.0]


def test_in_place_add_of_a_function_of_the_target():
    w = Variable(tt.tensor([0.5, -0.25]), requires_grad=True)
    x = w * 3
    x += x.exp()  # d/dw (3w + exp(3w)) = 3 + 3 exp(3w)
    x.sum().backward()
    expected = [3 + 3 * math.exp(3 * v) for v in (0.5, -0.25)]
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(w.grad.tolist(), expected))


def test_changing_a_saved_input_in_place_before_backward_raises():
    # z = y * y keeps y; y += 10 afterwards would make its gradient wrong: PyTorch refuses too
    a = Variable(tt.tensor([1.0, 2.0]), requires_grad=True)
    y = a * 1
    z = y * y
    y += 10
    with pytest.raises(RuntimeError, match=r"changed in place after 'mul' used it"):
        z.sum().backward()


def test_backward_accepts_one_variable_as_well_as_a_list():
    from tinytorch.autograd import backward

    a = Variable(tt.tensor([1.0, 2.0]), requires_grad=True)
    backward((a * a).sum())
    assert a.grad.tolist() == [2.0, 4.0]


def test_leaves_never_share_gradient_storage():
    # add passes its gradient on unchanged: a and b (and the caller's gradient) must still
    # get .grad storage of their own, or in-place work on one would change the others
    a = Variable(tt.tensor([1.0, 2.0]), requires_grad=True)
    b = Variable(tt.tensor([3.0, 4.0]), requires_grad=True)
    g = Variable(tt.tensor([5.0, 6.0]))
    (a + b).backward(g)
    assert a.grad.tolist() == b.grad.tolist() == [5.0, 6.0]
    assert a.grad.data.storage is not b.grad.data.storage
    assert a.grad.data.storage is not g.data.storage and b.grad.data.storage is not g.data.storage
    a.grad.zero_()
    assert b.grad.tolist() == [5.0, 6.0] and g.tolist() == [5.0, 6.0]


def test_changing_an_output_its_rule_reads_raises_but_others_may_change():
    w = Variable(tt.tensor([1.0, 2.0]), requires_grad=True)
    y = w.exp()  # exp's gradient is grad * out: out must not change
    with no_grad():
        y += 1
    with pytest.raises(RuntimeError, match="output of 'exp'"):
        y.sum().backward()
    h = w * 3  # mul's gradient does not read its output: changing it is fine (as PyTorch)
    with no_grad():
        h += 1
    h.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]
