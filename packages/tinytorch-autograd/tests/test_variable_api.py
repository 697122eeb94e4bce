"""The Variable API: mixing with Tensors and numbers, core functions, indexing, comparisons,
max/min with indices, repr, dtypes."""

import math

import pytest
from autograd_helpers import assert_close

import tinytorch.core as tt
from tinytorch.autograd import Variable


def var(values, requires_grad=True):
    return Variable(tt.tensor(values), requires_grad=requires_grad)


# ------------------------------------------------------------------ mixing operands
@pytest.mark.parametrize(
    "fn, expected, grad",
    [
        (lambda x, t: x + t, [4.0, 6.0], [1.0, 1.0]),
        (lambda x, t: t + x, [4.0, 6.0], [1.0, 1.0]),
        (lambda x, t: t - x, [2.0, 2.0], [-1.0, -1.0]),
        (lambda x, t: x - t, [-2.0, -2.0], [1.0, 1.0]),
        (lambda x, t: t * x, [3.0, 8.0], [3.0, 4.0]),
        (lambda x, t: t / x, [3.0, 2.0], [-3.0, -1.0]),
        (lambda x, t: x / t, [1 / 3, 0.5], [1 / 3, 0.25]),
        (lambda x, t: t**x, [3.0, 16.0], [3.0 * math.log(3.0), 16.0 * math.log(4.0)]),
        (lambda x, t: x**t, [1.0, 16.0], [3.0, 32.0]),
        (lambda x, t: 2 * x, [2.0, 4.0], [2.0, 2.0]),
        (lambda x, t: x * 2, [2.0, 4.0], [2.0, 2.0]),
        (lambda x, t: 1 - x, [0.0, -1.0], [-1.0, -1.0]),
        (lambda x, t: 1 / x, [1.0, 0.5], [-1.0, -0.25]),
        (lambda x, t: 2**x, [2.0, 4.0], [2 * math.log(2.0), 4 * math.log(2.0)]),
        (lambda x, t: x.add(t), [4.0, 6.0], [1.0, 1.0]),
        (lambda x, t: x.mul(2), [2.0, 4.0], [2.0, 2.0]),
        (lambda x, t: x.maximum(t), [3.0, 4.0], [0.0, 0.0]),
        (lambda x, t: x.minimum(t), [1.0, 2.0], [1.0, 1.0]),
    ],
)
def test_variables_tensors_and_numbers_mix(fn, expected, grad):
    x = var([1.0, 2.0])
    t = tt.tensor([3.0, 4.0])
    y = fn(x, t)
    assert isinstance(y, Variable) and y.grad_fn is not None
    assert_close(y, expected)
    y.sum().backward()
    assert_close(x.grad, grad, rel=1e-12)


def test_matmul_with_tensors_on_either_side():
    m = tt.tensor([[1.0, 2.0], [3.0, 4.0]])
    x = var([1.0, -1.0])
    y = x @ m
    assert isinstance(y, Variable)
    assert_close(y, [-2.0, -2.0])
    z = m @ x
    assert isinstance(z, Variable)
    assert_close(z, [-1.0, -1.0])
    (y.sum() + z.sum()).backward()
    assert_close(x.grad, [3.0 + 4.0, 7.0 + 6.0])  # row sums of m + column sums of m


def test_core_functions_with_a_tensor_first_and_a_variable_second():
    # tt.maximum(tensor, variable) and tensor.maximum(variable): the Variable must take over
    t = tt.tensor([3.0, 1.0])
    x = var([1.0, 2.0])
    y = tt.maximum(t, x)
    assert isinstance(y, Variable)
    assert_close(y, [3.0, 2.0])
    y.sum().backward()
    assert_close(x.grad, [0.0, 1.0])


def test_core_functions_accept_variables():
    x = var([0.5, 1.0])
    for name in ("exp", "log", "sin", "tanh", "sigmoid", "relu", "sqrt", "abs", "neg"):
        y = getattr(tt, name)(x)
        assert isinstance(y, Variable) and y.grad_fn is not None, name
    s = tt.sum(x * x)
    s.backward()
    assert_close(x.grad, [1.0, 2.0])
    assert isinstance(tt.matmul(x, x), Variable)
    assert isinstance(tt.softmax(x, 0), Variable)


def test_cat_stack_where_accept_variables_and_tensors():
    x = var([1.0, 2.0])
    t = tt.tensor([3.0, 4.0])
    c = tt.cat([t, x])
    assert isinstance(c, Variable)
    assert_close(c, [3.0, 4.0, 1.0, 2.0])
    s = tt.stack([x, t], dim=1)
    assert_close(s, [[1.0, 3.0], [2.0, 4.0]])
    w = tt.where(tt.tensor([True, False]), x, t)
    assert_close(w, [1.0, 4.0])
    w2 = tt.where(x > 1.5, 0.0, x)  # a Variable condition and a number
    assert_close(w2, [1.0, 0.0])
    (c.sum() + (s * s).sum() + w.sum() + w2.sum()).backward()
    assert_close(x.grad, [1.0 + 2.0 + 1.0 + 1.0, 1.0 + 4.0 + 0.0 + 0.0])


def test_cat_of_tensors_only_stays_a_tensor():
    c = tt.cat([tt.tensor([1.0]), tt.tensor([2.0])])
    assert isinstance(c, tt.Tensor)


# ------------------------------------------------------------------ indexing
def test_indexing_with_a_variable_of_indices():
    v = var([[1.0, 5.0], [7.0, 2.0]])
    idx = v.argmax(1)
    assert isinstance(idx, Variable) and not idx.requires_grad
    assert idx.tolist() == [1, 0]
    picked = v[tt.arange(2), idx]
    assert_close(picked, [5.0, 7.0])
    rows = v[Variable(tt.tensor([1, 1, 0]))]
    assert_close(rows, [[7.0, 2.0], [7.0, 2.0], [1.0, 5.0]])
    (picked.sum() + rows.sum()).backward()
    assert_close(v.grad, [[1.0, 2.0], [3.0, 2.0]])


def test_indexing_with_a_variable_mask():
    v = var([1.0, -2.0, 3.0])
    kept = v[v > 0]
    assert_close(kept, [1.0, 3.0])
    kept.sum().backward()
    assert_close(v.grad, [1.0, 0.0, 1.0])


def test_iteration_and_item():
    v = var([[1.0, 2.0], [3.0, 4.0]])
    rows = list(v)
    assert len(rows) == 2 and all(isinstance(r, Variable) for r in rows)
    (rows[1] * 2.0).sum().backward()
    assert_close(v.grad, [[0.0, 0.0], [2.0, 2.0]])
    assert v.sum().item() == 10.0
    assert float(v[0, 1]) == 2.0
    assert v.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert v.shape == (2, 2) and v.ndim == 2 and len(v) == 2 and v.numel() == 4
    with pytest.raises(TypeError):
        iter(var(1.0))


# ------------------------------------------------------------------ comparisons
@pytest.mark.parametrize(
    "fn, expected",
    [
        (lambda x: x > 1.5, [False, True, True]),
        (lambda x: x >= 2.0, [False, True, True]),
        (lambda x: x < 2.0, [True, False, False]),
        (lambda x: x <= 2.0, [True, True, False]),
        (lambda x: x == 2.0, [False, True, False]),
        (lambda x: x != 2.0, [True, False, True]),
        (lambda x: 1.5 < x, [False, True, True]),  # noqa: SIM300  (the reflected operator)
        (lambda x: x.eq(tt.tensor([1.0, 0.0, 3.0])), [True, False, True]),
        (lambda x: x > x * 0.5, [True, True, True]),
    ],
)
def test_comparisons_return_variables_without_grad(fn, expected):
    x = var([1.0, 2.0, 3.0])
    result = fn(x)
    assert isinstance(result, Variable)
    assert result.dtype == tt.bool
    assert not result.requires_grad and result.grad_fn is None
    assert result.tolist() == expected


# ------------------------------------------------------------------ max / min
def test_max_with_dim_returns_values_and_indices_only_values_carry_gradients():
    v = var([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    result = v.max(1)
    values, indices = result
    assert result.values is values and result.indices is indices
    assert_close(values, [5.0, 7.0])
    assert indices.tolist() == [1, 0]
    assert values.requires_grad and values.grad_fn is not None
    assert not indices.requires_grad and indices.grad_fn is None
    (values * tt.tensor([1.0, 10.0])).sum().backward()
    assert_close(v.grad, [[0.0, 1.0, 0.0], [10.0, 0.0, 0.0]])


def test_min_with_dim_and_keepdim():
    v = var([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    values, indices = v.min(0, keepdim=True)
    assert values.shape == (1, 3) and indices.tolist() == [[0, 1, 0]]
    values.sum().backward()
    assert_close(v.grad, [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])


def test_max_without_dim_and_with_a_tensor():
    v = var([1.0, 5.0, 2.0])
    m = v.max()
    assert isinstance(m, Variable) and m.shape == ()
    m.backward()
    assert_close(v.grad, [0.0, 1.0, 0.0])
    v.grad = None
    other = v.max(tt.tensor([3.0, 3.0, 3.0]))  # the elementwise maximum
    assert_close(other, [3.0, 5.0, 3.0])
    other.sum().backward()
    assert_close(v.grad, [0.0, 1.0, 0.0])


def test_max_with_ties_splits_the_gradient():
    v = var([2.0, 2.0, 1.0])
    v.max().backward()
    assert_close(v.grad, [0.5, 0.5, 0.0])


# ------------------------------------------------------------------ repr and dtypes
def test_repr_like_pytorch():
    x = var([1.0, 2.0])
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2.0) == "tensor([2., 4.], grad_fn=<MulBackward>)"
    assert repr(x.sum()) == "tensor(3., grad_fn=<SumBackward>)"
    assert repr(var([1.0, 2.0], requires_grad=False)) == "tensor([1., 2.])"
    assert repr(var([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)"


def test_requires_grad_on_int_or_bool_tensors_raises_type_error():
    with pytest.raises(TypeError, match="float"):
        Variable(tt.tensor([1, 2]), requires_grad=True)
    with pytest.raises(TypeError):
        Variable(tt.tensor([True, False]), requires_grad=True)
    with pytest.raises(TypeError):
        Variable(tt.tensor([1, 2])).requires_grad_()
    Variable(tt.tensor([1, 2]))  # without requires_grad an int Variable is fine


def test_int_results_carry_no_gradient():
    x = var([1.5, 2.5])
    i = x.long()
    assert i.dtype == tt.int64
    assert not i.requires_grad and i.grad_fn is None
    assert x.argmax().grad_fn is None


def test_variable_from_lists_numbers_and_variables():
    a = Variable([1.0, 2.0])
    assert a.shape == (2,) and not a.requires_grad
    assert Variable(3.0).shape == ()
    b = Variable(a, requires_grad=True)
    assert b.data is a.data and b.requires_grad


def test_attributes_forward_to_the_tensor():
    t = tt.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v = Variable(t, requires_grad=True)
    assert v.data is t
    assert v.size() == (2, 3) and v.size(1) == 3 and v.dim() == 2
    assert v.stride() == t.stride() and v.is_contiguous()
    assert not v.T.is_contiguous()
