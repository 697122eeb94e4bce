"""Every layer of tinytorch.nn (and its functional form) against plain-Python references, and gradcheck."""

import math

import pytest
from nn_helpers import (
    assert_close,
    data,
    flat,
    grad_of,
    log_softmax_row,
    matmul,
    mean,
    rand_var,
    sigmoid,
    softmax_row,
    transpose,
    var,
    var_pop,
    var_unbiased,
)

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.autograd import Variable, gradcheck
from tinytorch.nn import functional as F


def check(fn, *inputs):
    """gradcheck of ``fn`` with respect to every input that requires grad (raises on a mismatch)."""
    assert gradcheck(fn, tuple(inputs), eps=1e-6, atol=1e-6, rtol=1e-4)


def set_param(p, value):
    p.data.copy_(tt.tensor(value))


def mapped(fn, nested):
    if isinstance(nested, list):
        return [mapped(fn, v) for v in nested]
    return fn(nested)


# ================================================================== Linear
W = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]  # (out=2, in=3)
B = [0.1, -0.2]
X = [[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]


def linear_ref(x, w, b):
    return [[v + b[j] for j, v in enumerate(row)] for row in matmul(x, transpose(w))]


def make_linear(bias=True):
    layer = nn.Linear(3, 2, bias=bias)
    set_param(layer.weight, W)
    if bias:
        set_param(layer.bias, B)
    return layer


def test_linear_parameters_layout():
    layer = nn.Linear(3, 2)
    assert tuple(layer.weight.shape) == (2, 3)  # (out, in) as PyTorch
    assert tuple(layer.bias.shape) == (2,)
    assert layer.in_features == 3 and layer.out_features == 2
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert isinstance(layer.weight, nn.Parameter) and layer.weight.requires_grad


def test_linear_without_bias():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    assert list(layer.state_dict()) == ["weight"]
    set_param(layer.weight, W)
    assert_close(layer(var(X)), linear_ref(X, W, [0.0, 0.0]))


def test_linear_forward_by_hand():
    assert_close(make_linear()(var(X)), linear_ref(X, W, B))
    # row 0: 0.5 - 2 + 6 + 0.1 = 4.6; 1.5 + 0.5 - 1.5 - 0.2 = 0.3
    assert_close(make_linear()(var(X))[0], [4.6, 0.3])


def test_linear_1d_and_batched_inputs():
    layer = make_linear()
    assert_close(layer(var(X[0])), linear_ref([X[0]], W, B)[0])
    x3 = [X, [[0.0, 0.0, 1.0], [2.0, -2.0, 1.0]]]
    out = layer(var(x3))
    assert tuple(out.shape) == (2, 2, 2)
    assert_close(out, [linear_ref(x3[0], W, B), linear_ref(x3[1], W, B)])


def test_linear_accepts_a_plain_tensor():
    out = make_linear()(tt.tensor(X))
    assert_close(out, linear_ref(X, W, B))


def test_linear_functional():
    assert_close(F.linear(var(X), var(W), var(B)), linear_ref(X, W, B))
    assert_close(F.linear(var(X), var(W)), linear_ref(X, W, [0.0, 0.0]))


def test_linear_gradients_by_hand():
    layer = make_linear()
    x = var(X)
    layer(x).sum().backward()
    # d/dx of sum(x W^T + b) = sum over outputs of W rows; d/dW = column sums of x; d/db = N
    col = [sum(W[j][i] for j in range(2)) for i in range(3)]
    assert_close(grad_of(x), [col, col])
    xs = [sum(X[n][i] for n in range(2)) for i in range(3)]
    assert_close(grad_of(layer.weight), [xs, xs])
    assert_close(grad_of(layer.bias), [2.0, 2.0])


def test_linear_gradcheck():
    layer = make_linear()
    check(lambda x, w, b: layer(x), rand_var(2, 3), layer.weight, layer.bias)


def test_linear_default_init_bounds():
    tt.manual_seed(0)
    layer = nn.Linear(25, 400)
    bound = 1 / math.sqrt(25)
    w, b = flat(layer.weight), flat(layer.bias)
    assert all(abs(v) <= bound for v in w)
    assert all(abs(v) <= bound for v in b)
    # U(-bound, bound): fills the interval, std bound/sqrt(3)
    assert max(abs(v) for v in w) > 0.98 * bound
    sd = math.sqrt(var_pop(w))
    assert abs(sd - bound / math.sqrt(3)) < 0.03 * bound / math.sqrt(3)
    assert max(abs(v) for v in b) > 0.9 * bound
    assert len(set(b)) == len(b)


def test_linear_init_depends_on_in_features_only():
    tt.manual_seed(0)
    layer = nn.Linear(4, 500)
    assert all(abs(v) <= 0.5 for v in flat(layer.weight))
    assert max(abs(v) for v in flat(layer.weight)) > 0.45


def test_linear_wrong_shape_names_the_layer_and_shapes():
    with pytest.raises(ValueError) as info:
        nn.Linear(3, 4)(rand_var(2, 5))
    message = str(info.value)
    assert "Linear" in message
    assert "(2, 5)" in message
    assert "3" in message.replace("(2, 5)", "")


def test_linear_repr():
    assert repr(nn.Linear(3, 4)) == "Linear(in_features=3, out_features=4, bias=True)"
    assert repr(nn.Linear(3, 4, bias=False)) == "Linear(in_features=3, out_features=4, bias=False)"


# ================================================================== Identity, Flatten, Unflatten
def test_identity_returns_its_input_and_takes_any_arguments():
    x = var(X)
    assert_close(nn.Identity()(x), X)
    assert_close(nn.Identity(54, unused="x")(x), X)
    assert list(nn.Identity().parameters()) == []
    assert repr(nn.Identity()) == "Identity()"


def test_flatten_default_keeps_the_batch_dim():
    x = rand_var(2, 3, 4)
    out = nn.Flatten()(x)
    assert tuple(out.shape) == (2, 12)
    assert flat(out) == flat(x)


def test_flatten_start_and_end_dims():
    x = rand_var(2, 3, 4, 5)
    assert tuple(nn.Flatten(0, -1)(x).shape) == (120,)
    assert tuple(nn.Flatten(1, 2)(x).shape) == (2, 12, 5)
    assert tuple(nn.Flatten(start_dim=2)(x).shape) == (2, 3, 20)
    assert flat(nn.Flatten(1, 2)(x)) == flat(x)


def test_unflatten():
    x = rand_var(4, 6)
    out = nn.Unflatten(1, (2, 3))(x)
    assert tuple(out.shape) == (4, 2, 3)
    assert flat(out) == flat(x)
    assert tuple(nn.Unflatten(-1, (3, 2))(x).shape) == (4, 3, 2)
    assert tuple(nn.Unflatten(0, (2, 2))(x).shape) == (2, 2, 6)


def test_flatten_unflatten_gradcheck():
    check(lambda x: nn.Flatten()(x) * tt.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), rand_var(2, 2, 3))
    check(lambda x: nn.Unflatten(1, (3, 2))(x) * tt.tensor([[1.0, 2.0]]), rand_var(2, 6))


def test_flatten_unflatten_repr():
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Flatten(0, 2)) == "Flatten(start_dim=0, end_dim=2)"
    assert repr(nn.Unflatten(1, (2, 3))) == "Unflatten(dim=1, unflattened_size=(2, 3))"


# ================================================================== activations
# values kept away from 0 (the kink of relu and leaky_relu) so that finite differences agree
ACT_X = [[-2.5, -1.2, -0.3, 0.4], [0.9, 1.7, -0.7, 3.1]]
SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def _softplus(x, beta=1.0, threshold=20.0):
    return x if beta * x > threshold else math.log1p(math.exp(beta * x)) / beta


ELEMENTWISE = [
    # id, module, functional, plain-Python reference
    ("relu", nn.ReLU, lambda x: F.relu(x), lambda v: max(v, 0.0)),
    ("leaky_relu", nn.LeakyReLU, lambda x: F.leaky_relu(x), lambda v: v if v > 0 else 0.01 * v),
    ("leaky_relu_0.2", lambda: nn.LeakyReLU(0.2), lambda x: F.leaky_relu(x, 0.2),
     lambda v: v if v > 0 else 0.2 * v),
    ("elu", nn.ELU, lambda x: F.elu(x), lambda v: v if v > 0 else math.exp(v) - 1),
    ("elu_0.5", lambda: nn.ELU(alpha=0.5), lambda x: F.elu(x, alpha=0.5),
     lambda v: v if v > 0 else 0.5 * (math.exp(v) - 1)),
    ("gelu", nn.GELU, lambda x: F.gelu(x), lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2)))),
    ("gelu_tanh", lambda: nn.GELU(approximate="tanh"), lambda x: F.gelu(x, approximate="tanh"),
     lambda v: 0.5 * v * (1 + math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v**3)))),
    ("silu", nn.SiLU, lambda x: F.silu(x), lambda v: v * sigmoid(v)),
    ("softplus", nn.Softplus, lambda x: F.softplus(x), _softplus),
    ("softplus_beta2", lambda: nn.Softplus(beta=2.0, threshold=3.0),
     lambda x: F.softplus(x, beta=2.0, threshold=3.0), lambda v: _softplus(v, 2.0, 3.0)),
    ("sigmoid", nn.Sigmoid, lambda x: F.sigmoid(x), sigmoid),
    ("tanh", nn.Tanh, lambda x: F.tanh(x), math.tanh),
]
ELEMENTWISE_IDS = [row[0] for row in ELEMENTWISE]


@pytest.mark.parametrize("name, make, functional, ref", ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_activation_by_hand(name, make, functional, ref):
    expected = mapped(ref, ACT_X)
    assert_close(make()(var(ACT_X)), expected, rel=1e-12, abs_tol=1e-14)
    assert_close(functional(var(ACT_X)), expected, rel=1e-12, abs_tol=1e-14)


@pytest.mark.parametrize("name, make, functional, ref", ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_activation_gradcheck(name, make, functional, ref):
    layer = make()
    check(lambda x: layer(x), var(ACT_X))


@pytest.mark.parametrize("name, make, functional, ref", ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_activation_has_no_parameters_and_keeps_the_shape(name, make, functional, ref):
    layer = make()
    assert list(layer.parameters()) == []
    assert tuple(layer(rand_var(2, 3, 4)).shape) == (2, 3, 4)


@pytest.mark.parametrize("name, make, functional, ref", ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_activation_of_a_plain_tensor(name, make, functional, ref):
    assert_close(make()(tt.tensor(ACT_X)), mapped(ref, ACT_X), rel=1e-12, abs_tol=1e-14)


def test_activation_gradients_by_hand():
    x = var([-2.0, 0.5, 3.0])
    nn.ReLU()(x).sum().backward()
    assert_close(grad_of(x), [0.0, 1.0, 1.0])
    x = var([-2.0, 0.5])
    nn.LeakyReLU(0.1)(x).sum().backward()
    assert_close(grad_of(x), [0.1, 1.0])
    x = var([-1.0, 2.0])
    nn.ELU(alpha=2.0)(x).sum().backward()
    assert_close(grad_of(x), [2.0 * math.exp(-1.0), 1.0])
    x = var([0.3])
    nn.Sigmoid()(x).sum().backward()
    assert_close(grad_of(x), [sigmoid(0.3) * (1 - sigmoid(0.3))])
    x = var([0.3])
    nn.SiLU()(x).sum().backward()
    s = sigmoid(0.3)
    assert_close(grad_of(x), [s + 0.3 * s * (1 - s)])


def test_softplus_is_linear_above_the_threshold_and_stable():
    out = nn.Softplus()(var([25.0, 1000.0, -1000.0]))
    assert_close(out, [25.0, 1000.0, 0.0], abs_tol=1e-300)
    x = var([1000.0, -1000.0])
    nn.Softplus()(x).sum().backward()
    assert_close(grad_of(x), [1.0, 0.0])


def test_sigmoid_and_tanh_saturate_without_overflow():
    assert_close(nn.Sigmoid()(var([1000.0, -1000.0])), [1.0, 0.0])
    assert_close(nn.Tanh()(var([1000.0, -1000.0])), [1.0, -1.0])
    assert_close(nn.SiLU()(var([-1000.0, 1000.0])), [0.0, 1000.0], abs_tol=1e-300)


SOFT_X = [[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]]


@pytest.mark.parametrize("dim", [1, -1, 0])
def test_softmax_and_log_softmax_by_hand(dim):
    rows = SOFT_X if dim != 0 else transpose(SOFT_X)
    sm = [softmax_row(r) for r in rows]
    lsm = [log_softmax_row(r) for r in rows]
    if dim == 0:
        sm, lsm = transpose(sm), transpose(lsm)
    assert_close(nn.Softmax(dim=dim)(var(SOFT_X)), sm)
    assert_close(nn.LogSoftmax(dim=dim)(var(SOFT_X)), lsm)
    assert_close(F.softmax(var(SOFT_X), dim=dim), sm)
    assert_close(F.log_softmax(var(SOFT_X), dim=dim), lsm)


def test_softmax_rows_sum_to_one_and_are_stable():
    out = nn.Softmax(dim=1)(var([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 1000.0]]))
    assert_close(out, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    lsm = nn.LogSoftmax(dim=1)(var([[1000.0, 0.0]]))
    assert_close(lsm, [[0.0, -1000.0]])


def test_softmax_gradcheck():
    check(lambda x: nn.Softmax(dim=1)(x), var(SOFT_X))
    check(lambda x: nn.LogSoftmax(dim=0)(x), var(SOFT_X))
    check(lambda x: nn.Softmax(dim=-1)(x), rand_var(2, 2, 3))


ACT_REPRS = [
    (nn.ReLU(), "ReLU()"),
    (nn.LeakyReLU(), "LeakyReLU(negative_slope=0.01)"),
    (nn.LeakyReLU(0.2), "LeakyReLU(negative_slope=0.2)"),
    (nn.ELU(), "ELU(alpha=1.0)"),
    (nn.ELU(alpha=0.5), "ELU(alpha=0.5)"),
    (nn.GELU(), "GELU(approximate='none')"),
    (nn.GELU(approximate="tanh"), "GELU(approximate='tanh')"),
    (nn.SiLU(), "SiLU()"),
    (nn.Softplus(), "Softplus(beta=1.0, threshold=20.0)"),
    (nn.Softplus(beta=2.0, threshold=10.0), "Softplus(beta=2.0, threshold=10.0)"),
    (nn.Sigmoid(), "Sigmoid()"),
    (nn.Tanh(), "Tanh()"),
    (nn.Softmax(dim=1), "Softmax(dim=1)"),
    (nn.LogSoftmax(dim=-1), "LogSoftmax(dim=-1)"),
]


@pytest.mark.parametrize("layer, expected", ACT_REPRS, ids=[r[1] for r in ACT_REPRS])
def test_activation_repr_as_pytorch(layer, expected):
    assert repr(layer) == expected


# ================================================================== Dropout
def test_dropout_eval_is_the_identity():
    layer = nn.Dropout(0.5).eval()
    x = rand_var(4, 5)
    assert layer(x).tolist() == x.tolist()
    assert F.dropout(x, 0.5, training=False).tolist() == x.tolist()


def test_dropout_train_zeroes_and_scales():
    tt.manual_seed(0)
    layer = nn.Dropout(0.25)
    assert layer.training
    out = flat(layer(Variable(tt.ones(100, 100))))
    assert set(out) <= {0.0, 1 / 0.75}
    dropped = out.count(0.0) / len(out)
    assert abs(dropped - 0.25) < 0.02
    assert abs(mean(out) - 1.0) < 0.03  # the expected value is kept


def test_dropout_scales_each_kept_value():
    tt.manual_seed(1)
    x = rand_var(20, 20, low=0.5, high=1.5)
    out = nn.Dropout(0.5)(x)
    for o, v in zip(flat(out), flat(x)):
        assert o == 0.0 or math.isclose(o, 2 * v, rel_tol=1e-12)
    assert 0.0 in flat(out) and any(o != 0.0 for o in flat(out))


def test_dropout_functional_defaults_to_training():
    tt.manual_seed(2)
    out = flat(F.dropout(Variable(tt.ones(50, 50))))
    assert set(out) == {0.0, 2.0}


def test_dropout_p0_and_p1():
    x = rand_var(10, 10, low=0.5, high=1.5)
    assert nn.Dropout(0.0)(x).tolist() == x.tolist()
    assert flat(nn.Dropout(1.0)(x)) == [0.0] * 100


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_probability_out_of_range(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(rand_var(2), p)


def test_dropout_gradient_is_the_mask_scaled():
    tt.manual_seed(3)
    x = Variable(tt.ones(10, 10), requires_grad=True)
    out = nn.Dropout(0.4)(x)
    out.sum().backward()
    assert_close(grad_of(x), out.tolist())  # x is ones: out is mask / (1 - p)


def test_dropout_is_repeatable_from_the_seed():
    x = rand_var(6, 6)
    tt.manual_seed(5)
    a = nn.Dropout(0.5)(x).tolist()
    tt.manual_seed(5)
    b = nn.Dropout(0.5)(x).tolist()
    assert a == b
    assert nn.Dropout(0.5)(x).tolist() != a


def test_dropout_gradcheck_with_a_fixed_mask():
    layer = nn.Dropout(0.3)

    def fn(x):
        tt.manual_seed(11)  # the same mask on every call
        return layer(x)

    check(fn, rand_var(3, 4))


def test_dropout_repr():
    assert repr(nn.Dropout()) == "Dropout(p=0.5, inplace=False)"
    assert repr(nn.Dropout(0.1)) == "Dropout(p=0.1, inplace=False)"


# ================================================================== BatchNorm1d
BN_X = [[1.0, 2.0, -1.0], [3.0, 0.0, 0.5], [-2.0, 1.0, 2.0], [0.5, -1.5, 1.0]]  # (N=4, C=3)
BN_X2 = [[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [1.0, -1.0, 4.0]]


def columns(x):
    return transpose(x)


def bn_ref(x, means, variances, weight, bias, eps=1e-5):
    return [
        [(v - means[c]) / math.sqrt(variances[c] + eps) * weight[c] + bias[c] for c, v in enumerate(row)]
        for row in x
    ]


def test_batchnorm_parameters_and_buffers():
    bn = nn.BatchNorm1d(3)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert flat(bn.weight) == [1.0, 1.0, 1.0] and flat(bn.bias) == [0.0, 0.0, 0.0]
    buffers = dict(bn.named_buffers())
    assert flat(buffers["running_mean"]) == [0.0, 0.0, 0.0]
    assert flat(buffers["running_var"]) == [1.0, 1.0, 1.0]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert bn.state_dict()["num_batches_tracked"].item() == 0
    assert bn.num_features == 3 and bn.eps == 1e-5 and bn.momentum == 0.1


def test_batchnorm_train_uses_batch_statistics():
    bn = nn.BatchNorm1d(3)
    set_param(bn.weight, [2.0, 0.5, 1.0])
    set_param(bn.bias, [0.1, -0.2, 0.3])
    cols = columns(BN_X)
    expected = bn_ref(BN_X, [mean(c) for c in cols], [var_pop(c) for c in cols], [2.0, 0.5, 1.0], [0.1, -0.2, 0.3])
    assert_close(bn(var(BN_X)), expected)


def test_batchnorm_running_statistics_momentum_and_unbiased_variance():
    bn = nn.BatchNorm1d(3, momentum=0.2)
    rm, rv = [0.0] * 3, [1.0] * 3
    for batch in (BN_X, BN_X2):
        bn(var(batch))
        cols = columns(batch)
        rm = [0.8 * r + 0.2 * mean(c) for r, c in zip(rm, cols)]
        rv = [0.8 * r + 0.2 * var_unbiased(c) for r, c in zip(rv, cols)]
    assert_close(bn.running_mean, rm)
    assert_close(bn.running_var, rv)
    assert bn.num_batches_tracked.item() == 2


def test_batchnorm_default_momentum_is_0_1():
    bn = nn.BatchNorm1d(3)
    bn(var(BN_X))
    cols = columns(BN_X)
    assert_close(bn.running_mean, [0.1 * mean(c) for c in cols])
    assert_close(bn.running_var, [0.9 + 0.1 * var_unbiased(c) for c in cols])


def test_batchnorm_eval_uses_running_statistics_and_does_not_update_them():
    bn = nn.BatchNorm1d(3)
    bn(var(BN_X))
    rm, rv = flat(bn.running_mean), flat(bn.running_var)
    bn.eval()
    out = bn(var(BN_X2))
    assert_close(out, bn_ref(BN_X2, rm, rv, [1.0] * 3, [0.0] * 3))
    assert flat(bn.running_mean) == rm and flat(bn.running_var) == rv
    assert bn.num_batches_tracked.item() == 1


def test_batchnorm_running_stats_are_not_in_the_graph():
    bn = nn.BatchNorm1d(3)
    bn(var(BN_X)).sum().backward()
    assert isinstance(bn.running_mean, tt.Tensor)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]


def test_batchnorm_3d_input_normalises_over_batch_and_length():
    x = data(2, 2, 3, seed=4)  # (N, C, L)
    bn = nn.BatchNorm1d(2)
    out = bn(var(x))
    per_channel = [[x[n][c][l] for n in range(2) for l in range(3)] for c in range(2)]
    m = [mean(v) for v in per_channel]
    vp = [var_pop(v) for v in per_channel]
    expected = [[[(x[n][c][l] - m[c]) / math.sqrt(vp[c] + 1e-5) for l in range(3)] for c in range(2)] for n in range(2)]
    assert_close(out, expected)
    assert_close(bn.running_mean, [0.1 * v for v in m])
    assert_close(bn.running_var, [0.9 + 0.1 * var_unbiased(v) for v in per_channel])


def test_batchnorm_without_affine():
    bn = nn.BatchNorm1d(3, affine=False)
    assert list(bn.parameters()) == []
    assert list(bn.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]
    cols = columns(BN_X)
    assert_close(bn(var(BN_X)), bn_ref(BN_X, [mean(c) for c in cols], [var_pop(c) for c in cols], [1.0] * 3, [0.0] * 3))


def test_batchnorm_eps():
    bn = nn.BatchNorm1d(3, eps=0.5)
    cols = columns(BN_X)
    assert_close(bn(var(BN_X)), bn_ref(BN_X, [mean(c) for c in cols], [var_pop(c) for c in cols], [1.0] * 3, [0.0] * 3, eps=0.5))


def test_batchnorm_gradcheck_train_and_eval():
    bn = nn.BatchNorm1d(3)
    set_param(bn.weight, [2.0, 0.5, 1.0])
    set_param(bn.bias, [0.1, -0.2, 0.3])
    check(lambda x, w, b: bn(x), var(BN_X), bn.weight, bn.bias)
    bn.eval()
    check(lambda x, w, b: bn(x), var(BN_X), bn.weight, bn.bias)


def test_batchnorm_gradcheck_3d():
    bn = nn.BatchNorm1d(2)
    check(lambda x, w, b: bn(x) * tt.tensor([[[1.0, 2.0, 3.0]]]), rand_var(2, 2, 3), bn.weight, bn.bias)


def test_batchnorm_functional():
    rm, rv = tt.zeros(3), tt.ones(3)
    out = F.batch_norm(var(BN_X), rm, rv, training=True, momentum=0.5)
    cols = columns(BN_X)
    assert_close(out, bn_ref(BN_X, [mean(c) for c in cols], [var_pop(c) for c in cols], [1.0] * 3, [0.0] * 3))
    assert_close(rm, [0.5 * mean(c) for c in cols])  # updated in place
    assert_close(rv, [0.5 + 0.5 * var_unbiased(c) for c in cols])
    out = F.batch_norm(var(BN_X2), tt.tensor([1.0, 0.0, -1.0]), tt.tensor([4.0, 1.0, 0.25]),
                       weight=tt.tensor([1.0, 2.0, 3.0]), bias=tt.tensor([0.0, 1.0, 0.0]), training=False)
    assert_close(out, bn_ref(BN_X2, [1.0, 0.0, -1.0], [4.0, 1.0, 0.25], [1.0, 2.0, 3.0], [0.0, 1.0, 0.0]))


def test_batchnorm_wrong_number_of_features():
    with pytest.raises(ValueError) as info:
        nn.BatchNorm1d(3)(rand_var(4, 5))
    message = str(info.value)
    assert "BatchNorm1d" in message and "(4, 5)" in message and "3" in message.replace("(4, 5)", "")


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4, 5)])
def test_batchnorm_wrong_number_of_dims(shape):
    with pytest.raises(ValueError) as info:
        nn.BatchNorm1d(3)(rand_var(*shape))
    assert "BatchNorm1d" in str(info.value) and str(shape) in str(info.value)


def test_batchnorm_one_value_per_channel_in_training():
    # as PyTorch: "Expected more than 1 value per channel when training"
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(rand_var(1, 3))
    bn = nn.BatchNorm1d(3).eval()
    assert tuple(bn(rand_var(1, 3)).shape) == (1, 3)


def test_batchnorm_repr():
    assert repr(nn.BatchNorm1d(5)) == (
        "BatchNorm1d(5, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    )
    assert repr(nn.BatchNorm1d(5, eps=1e-3, momentum=0.2, affine=False)) == (
        "BatchNorm1d(5, eps=0.001, momentum=0.2, affine=False, bias=False, track_running_stats=True)"
    )


# ================================================================== LayerNorm
LN_X = [[1.0, 2.0, 4.0], [-1.0, 0.5, 3.0]]


def ln_rows(rows, weight, bias, eps=1e-5):
    out = []
    for row in rows:
        m, v = mean(row), var_pop(row)
        out.append([(x - m) / math.sqrt(v + eps) * w + b for x, w, b in zip(row, weight, bias)])
    return out


def test_layernorm_parameters():
    ln = nn.LayerNorm(3)
    assert [n for n, _ in ln.named_parameters()] == ["weight", "bias"]
    assert flat(ln.weight) == [1.0] * 3 and flat(ln.bias) == [0.0] * 3
    assert tuple(ln.normalized_shape) == (3,)
    assert list(ln.state_dict()) == ["weight", "bias"]


def test_layernorm_by_hand():
    ln = nn.LayerNorm(3)
    set_param(ln.weight, [1.0, 2.0, 0.5])
    set_param(ln.bias, [0.0, -1.0, 1.0])
    assert_close(ln(var(LN_X)), ln_rows(LN_X, [1.0, 2.0, 0.5], [0.0, -1.0, 1.0]))


def test_layernorm_is_the_same_in_train_and_eval():
    ln = nn.LayerNorm(3)
    a = ln(var(LN_X)).tolist()
    assert ln.eval()(var(LN_X)).tolist() == a


def test_layernorm_over_two_dims():
    x = data(2, 2, 3, seed=5)
    ln = nn.LayerNorm((2, 3))
    assert tuple(ln.weight.shape) == (2, 3)
    out = ln(var(x))
    expected = []
    for sample in x:
        values = flat(sample)
        m, v = mean(values), var_pop(values)
        expected.append([[(e - m) / math.sqrt(v + 1e-5) for e in row] for row in sample])
    assert_close(out, expected)


def test_layernorm_without_affine_and_eps():
    ln = nn.LayerNorm(3, eps=0.1, elementwise_affine=False)
    assert list(ln.parameters()) == []
    assert_close(ln(var(LN_X)), ln_rows(LN_X, [1.0] * 3, [0.0] * 3, eps=0.1))


def test_layernorm_functional():
    out = F.layer_norm(var(LN_X), (3,), weight=var([1.0, 2.0, 0.5]), bias=var([0.0, -1.0, 1.0]))
    assert_close(out, ln_rows(LN_X, [1.0, 2.0, 0.5], [0.0, -1.0, 1.0]))
    assert_close(F.layer_norm(var(LN_X), [3]), ln_rows(LN_X, [1.0] * 3, [0.0] * 3))


def test_layernorm_gradcheck():
    ln = nn.LayerNorm(3)
    set_param(ln.weight, [1.0, 2.0, 0.5])
    set_param(ln.bias, [0.0, -1.0, 1.0])
    check(lambda x, w, b: ln(x), var(LN_X), ln.weight, ln.bias)
    ln2 = nn.LayerNorm((2, 2))
    check(lambda x, w, b: ln2(x) * tt.tensor([[1.0, 2.0], [3.0, 4.0]]), rand_var(2, 2, 2), ln2.weight, ln2.bias)


def test_layernorm_wrong_shape_names_the_layer_and_shapes():
    with pytest.raises(ValueError) as info:
        nn.LayerNorm(4)(rand_var(2, 3))
    message = str(info.value)
    assert "LayerNorm" in message and "(2, 3)" in message and "4" in message


def test_layernorm_repr():
    assert repr(nn.LayerNorm(8)) == "LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.LayerNorm((2, 3), elementwise_affine=False)) == (
        "LayerNorm((2, 3), eps=1e-05, elementwise_affine=False, bias=False)"
    )
    assert repr(nn.LayerNorm(4, eps=1e-6)) == "LayerNorm((4,), eps=1e-06, elementwise_affine=True, bias=True)"


# ================================================================== Embedding
EMB = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]  # (num_embeddings=4, dim=2)


def make_embedding(padding_idx=None):
    emb = nn.Embedding(4, 2, padding_idx=padding_idx)
    set_param(emb.weight, EMB)
    return emb


def test_embedding_lookup():
    emb = make_embedding()
    idx = tt.tensor([[0, 2, 3], [1, 1, 0]])
    out = emb(idx)
    assert tuple(out.shape) == (2, 3, 2)
    assert_close(out, [[EMB[0], EMB[2], EMB[3]], [EMB[1], EMB[1], EMB[0]]])
    assert_close(emb(tt.tensor([3])), [EMB[3]])


def test_embedding_parameters_and_init():
    tt.manual_seed(0)
    emb = nn.Embedding(200, 50)
    assert [n for n, _ in emb.named_parameters()] == ["weight"]
    assert tuple(emb.weight.shape) == (200, 50)
    values = flat(emb.weight)
    assert abs(mean(values)) < 0.03
    assert abs(math.sqrt(var_pop(values)) - 1.0) < 0.03  # N(0, 1) as PyTorch
    assert emb.num_embeddings == 200 and emb.embedding_dim == 50


def test_embedding_gradient_accumulates_repeated_indices():
    emb = make_embedding()
    out = emb(tt.tensor([1, 3, 1]))
    (out * tt.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    assert_close(grad_of(emb.weight), [[0.0, 0.0], [6.0, 8.0], [0.0, 0.0], [3.0, 4.0]])


def test_embedding_padding_row_is_zero_and_gets_no_gradient():
    tt.manual_seed(0)
    emb = nn.Embedding(5, 3, padding_idx=0)
    assert flat(emb.weight)[:3] == [0.0, 0.0, 0.0]
    assert any(v != 0.0 for v in flat(emb.weight)[3:])
    out = emb(tt.tensor([[0, 2], [4, 0]]))
    assert flat(out[0, 0]) == [0.0, 0.0, 0.0]
    (out * 3.0).sum().backward()
    g = grad_of(emb.weight).tolist()
    assert g[0] == [0.0, 0.0, 0.0]
    assert g[2] == [3.0, 3.0, 3.0] and g[4] == [3.0, 3.0, 3.0]
    assert g[1] == [0.0, 0.0, 0.0] and g[3] == [0.0, 0.0, 0.0]


def test_embedding_padding_idx_with_nonzero_row_still_gets_no_gradient():
    emb = make_embedding(padding_idx=2)
    set_param(emb.weight, EMB)  # the padding row is not zero now
    out = emb(tt.tensor([2, 1, 2]))
    assert_close(out, [EMB[2], EMB[1], EMB[2]])  # still looked up as PyTorch does
    out.sum().backward()
    assert_close(grad_of(emb.weight), [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])


def test_embedding_negative_padding_idx():
    emb = nn.Embedding(4, 2, padding_idx=-1)
    assert emb.padding_idx == 3  # as PyTorch: normalised
    assert flat(emb.weight)[-2:] == [0.0, 0.0]


def test_embedding_negative_padding_idx_gets_no_gradient():
    w = var(EMB)
    F.embedding(tt.tensor([3, 0, 3]), w, padding_idx=-1).sum().backward()
    assert_close(grad_of(w), [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    emb = nn.Embedding(4, 2, padding_idx=-1)
    emb(tt.tensor([3, 1])).sum().backward()
    assert_close(grad_of(emb.weight), [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])


def test_embedding_functional():
    w = var(EMB)
    out = F.embedding(tt.tensor([3, 0]), w, padding_idx=0)
    assert_close(out, [EMB[3], EMB[0]])
    out.sum().backward()
    assert_close(grad_of(w), [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])


def test_embedding_gradcheck():
    emb = make_embedding()
    check(lambda w: emb(tt.tensor([[0, 3], [3, 1]])) * tt.tensor([1.0, -2.0]), emb.weight)
    # with a padding_idx (not looked up here: the padding row's zero gradient is by design,
    # finite differences would see its values)
    pad = make_embedding(padding_idx=1)
    check(lambda w: pad(tt.tensor([2, 0, 2, 3])) * tt.tensor([1.0, -2.0]), pad.weight)


def test_embedding_index_out_of_range():
    with pytest.raises(IndexError, match="4"):
        make_embedding()(tt.tensor([0, 4]))
    with pytest.raises(IndexError):
        make_embedding()(tt.tensor([-1]))


def test_embedding_refuses_float_indices():
    with pytest.raises(TypeError):
        make_embedding()(tt.tensor([0.0, 1.0]))


def test_embedding_repr():
    assert repr(nn.Embedding(10, 3)) == "Embedding(10, 3)"
    assert repr(nn.Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"


# ================================================================== one_hot and pad
def test_one_hot():
    out = F.one_hot(tt.tensor([0, 2, 1]), num_classes=4)
    assert out.dtype == tt.int64
    assert out.tolist() == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]
    assert F.one_hot(tt.tensor([[1], [3]])).tolist() == [[[0, 1, 0, 0]], [[0, 0, 0, 1]]]


def test_one_hot_out_of_range():
    with pytest.raises(ValueError):
        F.one_hot(tt.tensor([0, 3]), num_classes=3)


def test_pad_constant():
    x = var([[1.0, 2.0], [3.0, 4.0]])
    assert_close(F.pad(x, (1, 2)), [[0.0, 1.0, 2.0, 0.0, 0.0], [0.0, 3.0, 4.0, 0.0, 0.0]])
    assert_close(F.pad(x, (0, 0, 1, 0), value=9.0), [[9.0, 9.0], [1.0, 2.0], [3.0, 4.0]])
    assert_close(F.pad(x, (1, 1, 1, 1), mode="constant", value=-1.0), [
        [-1.0, -1.0, -1.0, -1.0], [-1.0, 1.0, 2.0, -1.0], [-1.0, 3.0, 4.0, -1.0], [-1.0, -1.0, -1.0, -1.0],
    ])


def test_pad_gradcheck():
    check(lambda x: F.pad(x, (1, 2, 0, 1)) * tt.arange(1.0, 6.0), rand_var(2, 2))


# ================================================================== layers in a network
def test_every_layer_joins_a_sequential_and_backpropagates():
    tt.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(4, 6), nn.BatchNorm1d(6), nn.GELU(), nn.Dropout(0.2),
        nn.Linear(6, 6), nn.LayerNorm(6), nn.SiLU(), nn.Linear(6, 3), nn.LogSoftmax(dim=1),
    )
    x = rand_var(5, 4)
    out = model(x)
    assert tuple(out.shape) == (5, 3)
    out.sum().backward()
    assert grad_of(x) is not None
    for name, p in model.named_parameters():
        assert p.grad is not None, name
    model.eval()
    first = model(x).tolist()
    assert model(x).tolist() == first  # eval: no dropout, running statistics


def test_batchnorm_in_training_with_one_value_per_channel_names_the_layer_and_changes_nothing():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3.*more than 1 value per channel"):
        bn(tt.randn(1, 3))
    assert bn.num_batches_tracked.item() == 0
    bn.eval()
    assert bn(tt.randn(1, 3)).shape == (1, 3)  # evaluation uses the running statistics
