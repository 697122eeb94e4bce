"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters.

Expected values are worked out by hand (a 3-4-12 gradient has norm 13);
PyTorch's results are compared in ``parity/test_parity_optim.py``.
"""

import math

import pytest
from nn_helpers import assert_close, flat, var

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.autograd import Variable
from tinytorch.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)


def with_grad(value, g):
    p = var(value)
    p.grad = Variable(tt.tensor(g, dtype=tt.float64))
    return p


def grads(*params):
    return [flat(p.grad) for p in params]


def three_four_twelve():
    return with_grad([0.0, 0.0], [3.0, -4.0]), with_grad([[0.0]], [[12.0]])


def as_float(total):
    return total.item() if hasattr(total, "item") else float(total)


# ------------------------------------------------------------------ clip_grad_norm_
def test_returns_the_total_norm_and_leaves_small_gradients():
    a, b = three_four_twelve()
    total = clip_grad_norm_([a, b], max_norm=26.0)
    assert as_float(total) == pytest.approx(13.0, rel=1e-15)
    assert grads(a, b) == [[3.0, -4.0], [12.0]]


def test_returned_norm_is_a_0d_tensor():
    a, b = three_four_twelve()
    total = clip_grad_norm_([a, b], max_norm=1.0)
    assert tuple(total.shape) == ()


def test_scales_all_gradients_together_above_max_norm():
    a, b = three_four_twelve()
    total = clip_grad_norm_([a, b], max_norm=6.5)
    assert as_float(total) == pytest.approx(13.0, rel=1e-15)  # the norm before clipping
    c = 6.5 / (13.0 + 1e-6)
    assert grads(a, b) == [pytest.approx([3 * c, -4 * c], rel=1e-14), pytest.approx([12 * c], rel=1e-14)]
    clipped = math.sqrt(sum(x * x for x in flat(a.grad) + flat(b.grad)))
    assert clipped == pytest.approx(6.5, rel=1e-6) and clipped < 6.5


def test_clipping_keeps_the_gradient_objects_and_shapes():
    a, b = three_four_twelve()
    ga, gb = a.grad, b.grad
    clip_grad_norm_([a, b], max_norm=1.0)
    assert a.grad is ga and b.grad is gb
    assert tuple(b.grad.shape) == (1, 1)


def test_norm_type_1():
    a, b = three_four_twelve()
    total = clip_grad_norm_([a, b], max_norm=9.5, norm_type=1)
    assert as_float(total) == pytest.approx(19.0, rel=1e-15)
    c = 9.5 / (19.0 + 1e-6)
    assert flat(a.grad) == pytest.approx([3 * c, -4 * c], rel=1e-14)


def test_norm_type_3():
    a, b = three_four_twelve()
    total = clip_grad_norm_([a, b], max_norm=100.0, norm_type=3.0)
    assert as_float(total) == pytest.approx((27 + 64 + 1728) ** (1 / 3), rel=1e-14)
    assert grads(a, b) == [[3.0, -4.0], [12.0]]


@pytest.mark.parametrize("inf", [math.inf, float("inf"), "inf"])
def test_inf_norm_is_the_largest_magnitude(inf):
    a, b = three_four_twelve()
    total = clip_grad_norm_([a, b], max_norm=6.0, norm_type=inf)
    assert as_float(total) == 12.0
    c = 6.0 / (12.0 + 1e-6)
    assert grads(a, b) == [pytest.approx([3 * c, -4 * c], rel=1e-14), pytest.approx([12 * c], rel=1e-14)]


def test_inf_norm_of_negative_gradients():
    a = with_grad([0.0, 0.0, 0.0], [-7.0, 2.0, 5.0])
    assert as_float(clip_grad_norm_([a], 100.0, norm_type=math.inf)) == 7.0


def test_norm_exactly_at_max_norm_barely_moves():
    # the coefficient is max_norm / (norm + 1e-6), a hair below 1
    a, b = three_four_twelve()
    clip_grad_norm_([a, b], max_norm=13.0)
    assert flat(a.grad) == pytest.approx([3.0, -4.0], rel=1e-6)


def test_parameters_without_grad_are_ignored():
    a, b = three_four_twelve()
    c = var([100.0])
    total = clip_grad_norm_([a, c, b], max_norm=1e9)
    assert as_float(total) == pytest.approx(13.0)
    assert c.grad is None


def test_a_single_parameter_and_a_generator():
    a = with_grad([0.0, 0.0], [3.0, 4.0])
    assert as_float(clip_grad_norm_(a, 1.0)) == pytest.approx(5.0)
    assert flat(a.grad) == pytest.approx([0.6, 0.8], rel=1e-6)
    model = nn.Linear(2, 1)
    for p in model.parameters():
        p.grad = Variable(tt.full(tuple(p.shape), 2.0))
    total = clip_grad_norm_(model.parameters(), 1.0)
    assert as_float(total) == pytest.approx(math.sqrt(3 * 4.0))
    assert all(flat(p.grad) == pytest.approx([2.0 / math.sqrt(12)] * p.numel(), rel=1e-6) for p in model.parameters())


def test_no_gradients_gives_zero():
    assert as_float(clip_grad_norm_([var([1.0])], 1.0)) == 0.0
    assert as_float(clip_grad_norm_([], 1.0)) == 0.0


def test_infinite_norm_is_returned():
    a = with_grad([0.0, 0.0], [math.inf, 1.0])
    assert as_float(clip_grad_norm_([a], 1.0)) == math.inf


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_error_if_nonfinite(bad):
    a = with_grad([0.0, 0.0], [bad, 1.0])
    with pytest.raises(RuntimeError):
        clip_grad_norm_([a], 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("norm_type", [1.0, 2.0, math.inf])
def test_nan_gradient_gives_a_nan_norm(norm_type):
    # as PyTorch: nan propagates through every norm, the infinity norm (a max) included
    a = with_grad([0.0, 0.0, 0.0], [1.0, math.nan, -2.0])
    assert math.isnan(as_float(clip_grad_norm_([a], 1.0, norm_type=norm_type)))


def test_nan_norm_error_with_inf_norm():
    a = with_grad([0.0, 0.0, 0.0], [1.0, math.nan, -2.0])
    with pytest.raises(RuntimeError):
        clip_grad_norm_([a], 1.0, norm_type=math.inf, error_if_nonfinite=True)


def test_nan_norm_clips_with_a_nan_coefficient():
    # as PyTorch: the coefficient max_norm / (nan + 1e-6) is nan, and it is applied
    a = with_grad([0.0, 0.0], [1.0, math.nan])
    clip_grad_norm_([a], 1.0)
    assert all(math.isnan(x) for x in flat(a.grad))


def test_infinite_norm_clips_finite_gradients_to_zero():
    # the coefficient max_norm / inf is 0: finite entries become 0, the infinite one nan (inf * 0)
    a = with_grad([0.0, 0.0], [math.inf, 3.0])
    clip_grad_norm_([a], 1.0)
    got = flat(a.grad)
    assert math.isnan(got[0]) and got[1] == 0.0


def test_error_if_nonfinite_leaves_finite_norms_alone():
    a, b = three_four_twelve()
    total = clip_grad_norm_([a, b], 26.0, error_if_nonfinite=True)
    assert as_float(total) == pytest.approx(13.0)


# ------------------------------------------------------------------ clip_grad_value_
def test_clip_grad_value():
    a = with_grad([0.0, 0.0, 0.0, 0.0], [-3.0, -0.5, 0.25, 2.0])
    b = with_grad([[0.0, 0.0]], [[1.0, -1.0]])
    assert clip_grad_value_([a, b], 1.0) is None
    assert flat(a.grad) == [-1.0, -0.5, 0.25, 1.0]
    assert flat(b.grad) == [1.0, -1.0]
    assert tuple(b.grad.shape) == (1, 2)


def test_clip_grad_value_single_parameter_and_no_grad():
    a = with_grad([0.0, 0.0], [5.0, -5.0])
    c = var([1.0])
    clip_grad_value_(a, 0.1)
    clip_grad_value_([c], 0.1)
    assert flat(a.grad) == [0.1, -0.1]
    assert c.grad is None


# ------------------------------------------------------------------ parameters_to_vector / vector_to_parameters
def test_parameters_to_vector_concatenates_in_order():
    a, b, c = var([[1.0, 2.0], [3.0, 4.0]]), var([5.0]), var([[[6.0], [7.0]]])
    vec = parameters_to_vector([a, b, c])
    assert tuple(vec.shape) == (7,)
    assert flat(vec) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]


def test_parameters_to_vector_of_a_module():
    model = nn.Linear(3, 2)
    vec = parameters_to_vector(model.parameters())
    assert flat(vec) == flat(model.weight) + flat(model.bias)


def test_vector_to_parameters_writes_back_in_order():
    a, b = var([[1.0, 2.0], [3.0, 4.0]]), var([5.0])
    vector_to_parameters(tt.tensor([10.0, 20.0, 30.0, 40.0, 50.0]), [a, b])
    assert_close(a, [[10.0, 20.0], [30.0, 40.0]])
    assert_close(b, [50.0])


def test_round_trip_after_changing_the_vector():
    model = nn.Linear(3, 2)
    vec = parameters_to_vector(model.parameters())
    doubled = [2 * x for x in flat(vec)]
    vector_to_parameters(tt.tensor(doubled), model.parameters())
    assert flat(parameters_to_vector(model.parameters())) == doubled
    assert tuple(model.weight.shape) == (2, 3) and tuple(model.bias.shape) == (2,)


def test_vector_to_parameters_accepts_a_variable():
    a = var([1.0, 2.0])
    vector_to_parameters(var([3.0, 4.0], requires_grad=False), [a])
    assert flat(a) == [3.0, 4.0]


def test_vector_to_parameters_keeps_the_parameters_usable():
    a = var([1.0, 2.0])
    vector_to_parameters(tt.tensor([3.0, 4.0]), [a])
    (a * a).sum().backward()
    assert flat(a.grad) == [6.0, 8.0]


@pytest.mark.parametrize("n", [3, 6], ids=["too short", "too long"])
def test_vector_to_parameters_wrong_length(n):
    a, b = var([1.0, 2.0]), var([3.0, 4.0])
    with pytest.raises(ValueError):
        vector_to_parameters(tt.tensor([0.0] * n), [a, b])


def test_vector_to_parameters_needs_a_tensor():
    # as PyTorch: TypeError("expected torch.Tensor, but got: list")
    with pytest.raises(TypeError):
        vector_to_parameters([1.0, 2.0], [var([0.0, 0.0])])
