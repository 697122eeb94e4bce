"""nn.init: bounds and statistics of every initialiser, and calculate_gain as PyTorch's."""

import math

import pytest
from nn_helpers import flat, mean

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.autograd import Variable
from tinytorch.nn import Parameter, init


def param(*shape):
    return Parameter(tt.zeros(*shape))


def std(xs):
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))


# ------------------------------------------------------------------ calculate_gain
@pytest.mark.parametrize(
    "name, param_, expected",
    [
        ("linear", None, 1.0),
        ("conv1d", None, 1.0),
        ("conv2d", None, 1.0),
        ("conv3d", None, 1.0),
        ("conv_transpose1d", None, 1.0),
        ("conv_transpose2d", None, 1.0),
        ("conv_transpose3d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5.0 / 3),
        ("relu", None, math.sqrt(2.0)),
        ("leaky_relu", None, math.sqrt(2.0 / (1 + 0.01**2))),  # default slope 0.01
        ("leaky_relu", 0.2, math.sqrt(2.0 / (1 + 0.2**2))),
        ("leaky_relu", 0, math.sqrt(2.0)),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain_as_pytorch(name, param_, expected):
    assert math.isclose(init.calculate_gain(name, param_), expected, rel_tol=1e-12)


def test_calculate_gain_values_printed_by_torch():
    # torch 2.13: calculate_gain('tanh'), ('leaky_relu'), ('leaky_relu', 0.2)
    assert init.calculate_gain("tanh") == 1.6666666666666667
    assert init.calculate_gain("leaky_relu") == 1.4141428569978354
    assert init.calculate_gain("leaky_relu", 0.2) == 1.3867504905630728


def test_calculate_gain_unknown_nonlinearity():
    with pytest.raises(ValueError, match="foo"):
        init.calculate_gain("foo")


def test_calculate_gain_bad_slope():
    with pytest.raises(ValueError):
        init.calculate_gain("leaky_relu", "x")


def test_fan_in_and_fan_out():
    assert init.calculate_fan_in_and_fan_out(tt.zeros(4, 3)) == (3, 4)
    assert init.calculate_fan_in_and_fan_out(tt.zeros(4, 3, 2, 5)) == (30, 40)  # as torch
    with pytest.raises(ValueError):
        init.calculate_fan_in_and_fan_out(tt.zeros(3))


# ------------------------------------------------------------------ constant fills
def test_zeros_ones_constant_in_place_and_returned():
    p = Parameter(tt.randn(3, 4))
    assert init.zeros_(p) is p
    assert flat(p) == [0.0] * 12
    assert init.ones_(p) is p
    assert flat(p) == [1.0] * 12
    assert init.constant_(p, -2.5) is p
    assert flat(p) == [-2.5] * 12
    assert p.requires_grad and p.is_leaf and p.grad_fn is None


def test_init_keeps_the_same_storage_of_a_parameter():
    layer = nn.Linear(3, 2)
    weight = layer.weight
    init.constant_(layer.weight, 0.5)
    assert layer.weight is weight
    assert layer(tt.ones(1, 3)).tolist() == [[1.5 + b for b in layer.bias.tolist()]]


def test_init_on_a_plain_tensor():
    t = tt.zeros(2, 2)
    assert init.constant_(t, 3.0) is t
    assert t.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    init.uniform_(t, 5.0, 6.0)
    assert all(5.0 <= v < 6.0 for v in flat(t))


# ------------------------------------------------------------------ random fills: statistics
N_ROWS, N_COLS = 100, 100  # 10,000 values: sample mean/std are within a few percent


def test_uniform_bounds_and_statistics():
    tt.manual_seed(0)
    p = param(N_ROWS, N_COLS)
    assert init.uniform_(p, -2.0, 4.0) is p
    xs = flat(p)
    assert all(-2.0 <= x <= 4.0 for x in xs)
    assert abs(mean(xs) - 1.0) < 0.06
    assert abs(std(xs) - 6.0 / math.sqrt(12)) < 0.03 * (6.0 / math.sqrt(12))
    assert min(xs) < -1.9 and max(xs) > 3.9  # fills the whole interval


def test_uniform_default_is_zero_one():
    tt.manual_seed(1)
    xs = flat(init.uniform_(param(50, 20)))
    assert all(0.0 <= x <= 1.0 for x in xs)
    assert abs(mean(xs) - 0.5) < 0.03


def test_normal_statistics():
    tt.manual_seed(0)
    p = param(N_ROWS, N_COLS)
    assert init.normal_(p, mean=3.0, std=0.5) is p
    xs = flat(p)
    assert abs(mean(xs) - 3.0) < 0.03
    assert abs(std(xs) - 0.5) < 0.03 * 0.5


def test_random_init_is_repeatable_from_the_seed():
    tt.manual_seed(7)
    a = flat(init.normal_(param(5, 5)))
    tt.manual_seed(7)
    b = flat(init.normal_(param(5, 5)))
    assert a == b
    c = flat(init.normal_(param(5, 5)))
    assert a != c


def test_generator_argument():
    a = flat(init.uniform_(param(4, 4), generator=tt.Generator(3)))
    b = flat(init.uniform_(param(4, 4), generator=tt.Generator(3)))
    assert a == b


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier_uniform(gain):
    tt.manual_seed(0)
    p = param(200, 50)  # fan_out 200, fan_in 50
    assert init.xavier_uniform_(p, gain=gain) is p
    bound = gain * math.sqrt(6.0 / (50 + 200))
    xs = flat(p)
    assert all(abs(x) <= bound for x in xs)
    assert max(abs(x) for x in xs) > 0.98 * bound
    assert abs(std(xs) - bound / math.sqrt(3)) < 0.03 * bound / math.sqrt(3)
    assert abs(mean(xs)) < 0.03 * bound


def test_xavier_normal():
    tt.manual_seed(0)
    p = param(200, 50)
    assert init.xavier_normal_(p, gain=1.5) is p
    expected = 1.5 * math.sqrt(2.0 / (50 + 200))
    xs = flat(p)
    assert abs(std(xs) - expected) < 0.03 * expected
    assert abs(mean(xs)) < 0.03 * expected


@pytest.mark.parametrize(
    "kwargs, fan, gain",
    [
        ({}, 50, math.sqrt(2.0)),  # a=0, leaky_relu: gain sqrt(2)
        ({"nonlinearity": "relu"}, 50, math.sqrt(2.0)),
        ({"a": math.sqrt(5)}, 50, math.sqrt(2.0 / 6.0)),  # Linear's default: bound 1/sqrt(fan_in)
        ({"mode": "fan_out", "nonlinearity": "relu"}, 200, math.sqrt(2.0)),
        ({"nonlinearity": "tanh"}, 50, 5.0 / 3),
    ],
)
def test_kaiming_uniform(kwargs, fan, gain):
    tt.manual_seed(0)
    p = param(200, 50)
    assert init.kaiming_uniform_(p, **kwargs) is p
    bound = gain * math.sqrt(3.0 / fan)
    xs = flat(p)
    assert all(abs(x) <= bound for x in xs)
    assert max(abs(x) for x in xs) > 0.98 * bound
    assert abs(std(xs) - bound / math.sqrt(3)) < 0.03 * bound / math.sqrt(3)


@pytest.mark.parametrize(
    "kwargs, fan, gain",
    [
        ({}, 50, math.sqrt(2.0)),
        ({"mode": "fan_out", "nonlinearity": "relu"}, 200, math.sqrt(2.0)),
        ({"a": 0.2}, 50, math.sqrt(2.0 / 1.04)),
    ],
)
def test_kaiming_normal(kwargs, fan, gain):
    tt.manual_seed(0)
    p = param(200, 50)
    assert init.kaiming_normal_(p, **kwargs) is p
    expected = gain / math.sqrt(fan)
    xs = flat(p)
    assert abs(std(xs) - expected) < 0.03 * expected
    assert abs(mean(xs)) < 0.03 * expected


def test_kaiming_bad_mode():
    with pytest.raises(ValueError, match="fan_avg"):
        init.kaiming_uniform_(param(3, 3), mode="fan_avg")


@pytest.mark.parametrize("fn", [init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_, init.kaiming_normal_])
def test_fan_based_init_of_a_1d_tensor_is_refused(fn):
    with pytest.raises(ValueError):
        fn(param(5))


def test_fan_of_a_higher_dim_weight_counts_the_receptive_field():
    tt.manual_seed(0)
    p = param(8, 4, 5, 5)  # fan_in = 4*25 = 100, fan_out = 8*25 = 200
    init.xavier_uniform_(p)
    bound = math.sqrt(6.0 / 300)
    xs = flat(p)
    assert all(abs(x) <= bound for x in xs) and max(abs(x) for x in xs) > 0.95 * bound


def test_init_records_no_graph():
    p = param(3, 3)
    init.normal_(p)
    assert p.is_leaf and p.grad_fn is None and p.grad is None
    assert isinstance(p, Variable) and p.requires_grad
    (p * 2.0).sum().backward()
    assert flat(p.grad) == [2.0] * 9
