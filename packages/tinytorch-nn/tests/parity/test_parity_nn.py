"""tinytorch.nn against torch.nn: the same weights, inputs and upstream gradients must give
the same outputs, input and parameter gradients, running statistics, state_dict names and reprs."""

import pytest

torch = pytest.importorskip("torch")

from collections import OrderedDict  # noqa: E402

from _nn_parity import (  # noqa: E402
    assert_same,
    compare_buffers,
    compare_grads,
    copy_weights,
    from_torch,
    generator,
    leaf_pair,
    to_torch,
)

import tinytorch.core as tt  # noqa: E402
from tinytorch import nn as tnn  # noqa: E402
from tinytorch.autograd import Variable  # noqa: E402
from tinytorch.nn import functional as TF  # noqa: E402
from tinytorch.nn import init as tinit  # noqa: E402

F = torch.nn.functional
torch.set_num_threads(1)


def pair(make):
    """The module built by ``make(nn)`` on both sides, tinyTorch's loaded with PyTorch's weights."""
    theirs = make(torch.nn)
    ours = make(tnn)
    copy_weights(ours, theirs)
    return ours, theirs


def randomise(module, gen):
    """Parameters away from their default (ones/zeros) so that every one of them matters."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))


def run(make, x, train=True, seed=0, randomise_params=True):
    """Forward and backward on both sides; compare output, gradients, buffers."""
    gen = generator(seed, x.shape)
    theirs = make(torch.nn)
    if randomise_params:
        randomise(theirs, gen)
    ours = make(tnn)
    copy_weights(ours, theirs)
    ours.train(train)
    theirs.train(train)
    xo, xt = leaf_pair(x)
    yo, yt = ours(xo), theirs(xt)
    assert_same(yo, yt, what="output")
    g = torch.randn(yt.shape, generator=gen)
    yt.backward(g)
    yo.backward(Variable(from_torch(g)))
    if xt.requires_grad:
        assert_same(xo.grad, xt.grad, what="input gradient")
    compare_grads(ours, theirs)
    compare_buffers(ours, theirs)
    return ours, theirs


def randn(*shape, seed=0):
    return torch.randn(shape, generator=generator("x", seed, shape))


# ================================================================== layers
LAYERS = [
    ("Linear", lambda nn: nn.Linear(3, 4), (5, 3)),
    ("Linear-nobias", lambda nn: nn.Linear(3, 4, bias=False), (5, 3)),
    ("Linear-1d", lambda nn: nn.Linear(3, 2), (3,)),
    ("Linear-3d", lambda nn: nn.Linear(3, 2), (2, 4, 3)),
    ("Identity", lambda nn: nn.Identity(), (2, 3)),
    ("Flatten", lambda nn: nn.Flatten(), (2, 3, 4)),
    ("Flatten-0", lambda nn: nn.Flatten(0, -1), (2, 3, 4)),
    ("Flatten-1-2", lambda nn: nn.Flatten(1, 2), (2, 3, 4, 2)),
    ("Unflatten", lambda nn: nn.Unflatten(1, (2, 3)), (4, 6)),
    ("ReLU", lambda nn: nn.ReLU(), (3, 4)),
    ("LeakyReLU", lambda nn: nn.LeakyReLU(), (3, 4)),
    ("LeakyReLU-0.2", lambda nn: nn.LeakyReLU(0.2), (3, 4)),
    ("ELU", lambda nn: nn.ELU(), (3, 4)),
    ("ELU-0.7", lambda nn: nn.ELU(alpha=0.7), (3, 4)),
    ("GELU", lambda nn: nn.GELU(), (3, 4)),
    ("GELU-tanh", lambda nn: nn.GELU(approximate="tanh"), (3, 4)),
    ("SiLU", lambda nn: nn.SiLU(), (3, 4)),
    ("Softplus", lambda nn: nn.Softplus(), (3, 4)),
    ("Softplus-beta", lambda nn: nn.Softplus(beta=2.0, threshold=1.0), (3, 4)),
    ("Sigmoid", lambda nn: nn.Sigmoid(), (3, 4)),
    ("Tanh", lambda nn: nn.Tanh(), (3, 4)),
    ("Softmax-1", lambda nn: nn.Softmax(dim=1), (3, 4)),
    ("Softmax-0", lambda nn: nn.Softmax(dim=0), (3, 4)),
    ("Softmax-3d", lambda nn: nn.Softmax(dim=-1), (2, 3, 4)),
    ("LogSoftmax", lambda nn: nn.LogSoftmax(dim=1), (3, 4)),
    ("LogSoftmax-0", lambda nn: nn.LogSoftmax(dim=0), (3, 4)),
    ("BatchNorm1d", lambda nn: nn.BatchNorm1d(3), (5, 3)),
    ("BatchNorm1d-3d", lambda nn: nn.BatchNorm1d(3), (4, 3, 2)),
    ("BatchNorm1d-noaffine", lambda nn: nn.BatchNorm1d(3, affine=False), (5, 3)),
    ("BatchNorm1d-eps-momentum", lambda nn: nn.BatchNorm1d(3, eps=0.1, momentum=0.4), (5, 3)),
    ("LayerNorm", lambda nn: nn.LayerNorm(4), (3, 4)),
    ("LayerNorm-2d", lambda nn: nn.LayerNorm((3, 4)), (2, 3, 4)),
    ("LayerNorm-noaffine", lambda nn: nn.LayerNorm(4, elementwise_affine=False, eps=0.01), (3, 4)),
]


@pytest.mark.parametrize("make, shape", [row[1:] for row in LAYERS], ids=[row[0] for row in LAYERS])
def test_layer_train(make, shape):
    run(make, randn(*shape))


@pytest.mark.parametrize("make, shape", [row[1:] for row in LAYERS], ids=[row[0] for row in LAYERS])
def test_layer_eval(make, shape):
    run(make, randn(*shape), train=False)


@pytest.mark.parametrize("make, shape", [row[1:] for row in LAYERS], ids=[row[0] for row in LAYERS])
def test_layer_state_dict_names_and_shapes(make, shape):
    ours, theirs = make(tnn), make(torch.nn)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
    ]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


@pytest.mark.parametrize("make, shape", [row[1:] for row in LAYERS], ids=[row[0] for row in LAYERS])
def test_layer_repr(make, shape):
    assert repr(make(tnn)) == repr(make(torch.nn))


def test_softmax_and_log_softmax_of_large_logits():
    x = torch.tensor([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, 5.0]])
    run(lambda nn: nn.Softmax(dim=1), x)
    run(lambda nn: nn.LogSoftmax(dim=1), x)


@pytest.mark.parametrize("make", [lambda nn: nn.Softplus(), lambda nn: nn.Sigmoid(), lambda nn: nn.SiLU(),
                                  lambda nn: nn.Tanh(), lambda nn: nn.ELU(), lambda nn: nn.GELU()])
def test_activation_of_extreme_values(make):
    run(make, torch.tensor([-1000.0, -30.0, -20.5, 20.5, 30.0, 1000.0]))


# ------------------------------------------------------------------ Embedding
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
def test_embedding(padding_idx):
    theirs = torch.nn.Embedding(6, 3, padding_idx=padding_idx)
    ours = tnn.Embedding(6, 3, padding_idx=padding_idx)
    assert ours.padding_idx == theirs.padding_idx
    copy_weights(ours, theirs)
    idx = torch.tensor([[0, 2, 5], [2, 2, 1]])
    yo, yt = ours(from_torch(idx)), theirs(idx)
    assert_same(yo, yt)
    g = torch.randn(yt.shape, generator=generator("emb", padding_idx))
    yt.backward(g)
    yo.backward(Variable(from_torch(g)))
    compare_grads(ours, theirs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_embedding_padding_row_initialised_to_zero():
    ours = tnn.Embedding(4, 3, padding_idx=1)
    assert ours.weight.tolist()[1] == torch.nn.Embedding(4, 3, padding_idx=1).weight[1].tolist()


# ------------------------------------------------------------------ Dropout
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_dropout_eval_and_extreme_probabilities(p):
    run(lambda nn: nn.Dropout(p), randn(4, 5), train=False)
    if p in (0.0, 1.0):
        run(lambda nn: nn.Dropout(p), randn(4, 5), train=True)
    assert repr(tnn.Dropout(p)) == repr(torch.nn.Dropout(p))


def test_dropout_train_statistics_match():
    # the random numbers differ; the distribution is the same
    tt.manual_seed(0)
    x = Variable(tt.ones(200, 100))
    ours = tnn.Dropout(0.3)(x).tolist()
    theirs = torch.nn.Dropout(0.3)(torch.ones(200, 100))
    values = {v for row in ours for v in row}
    assert values == set(theirs.unique().tolist())
    frac = sum(v == 0.0 for row in ours for v in row) / 20000
    assert abs(frac - (theirs == 0).double().mean().item()) < 0.03


# ------------------------------------------------------------------ BatchNorm1d running statistics
@pytest.mark.parametrize("momentum", [0.1, 0.3])
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
def test_batchnorm_running_statistics_after_training_steps(momentum, shape):
    theirs = torch.nn.BatchNorm1d(3, momentum=momentum)
    randomise(theirs, generator("bn", momentum))
    ours = tnn.BatchNorm1d(3, momentum=momentum)
    copy_weights(ours, theirs)
    for step in range(4):
        x = randn(*shape, seed=step) * (step + 1) + step
        xo, xt = leaf_pair(x)
        yo, yt = ours(xo), theirs(xt)
        assert_same(yo, yt, what=f"output of step {step}")
        (yt * yt).sum().backward()
        (yo * yo).sum().backward()
        assert_same(xo.grad, xt.grad, what=f"input gradient of step {step}")
        compare_buffers(ours, theirs)
    compare_grads(ours, theirs)  # accumulated over the steps
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 4
    ours.eval()
    theirs.eval()
    x = randn(*shape, seed=99)
    assert_same(ours(from_torch(x)), theirs(x), what="eval output")


def test_batchnorm_state_dict_round_trip_from_torch():
    theirs = torch.nn.BatchNorm1d(3)
    theirs(randn(8, 3) * 3 + 1)
    ours = tnn.BatchNorm1d(3)
    copy_weights(ours, theirs)
    compare_buffers(ours, theirs)
    ours.eval()
    theirs.eval()
    x = randn(2, 3, seed=5)
    assert_same(ours(from_torch(x)), theirs(x))


# ------------------------------------------------------------------ functional forms
@pytest.mark.parametrize(
    "name, fn",
    [
        ("linear", lambda F, x, w, b: F.linear(x, w, b)),
        ("relu", lambda F, x, w, b: F.relu(x)),
        ("leaky_relu", lambda F, x, w, b: F.leaky_relu(x, 0.3)),
        ("elu", lambda F, x, w, b: F.elu(x, 0.5)),
        ("gelu", lambda F, x, w, b: F.gelu(x)),
        ("gelu_tanh", lambda F, x, w, b: F.gelu(x, approximate="tanh")),
        ("silu", lambda F, x, w, b: F.silu(x)),
        ("softplus", lambda F, x, w, b: F.softplus(x, beta=3.0, threshold=2.0)),
        ("sigmoid", lambda F, x, w, b: F.sigmoid(x)),
        ("tanh", lambda F, x, w, b: F.tanh(x)),
        ("softmax", lambda F, x, w, b: F.softmax(x, dim=0)),
        ("log_softmax", lambda F, x, w, b: F.log_softmax(x, dim=1)),
        ("layer_norm", lambda F, x, w, b: F.layer_norm(x, (4,), b, b, eps=1e-3)),
    ],
)
def test_functional(name, fn):
    gen = generator("functional", name)
    x = torch.randn(3, 4, generator=gen)
    w = torch.randn(2, 4, generator=gen)
    b = torch.randn(4 if name == "layer_norm" else 2, generator=gen)
    (xo, xt), (wo, wt), (bo, bt) = leaf_pair(x), leaf_pair(w), leaf_pair(b)
    yo, yt = fn(TF, xo, wo, bo), fn(F, xt, wt, bt)
    assert_same(yo, yt)
    g = torch.randn(yt.shape, generator=gen)
    yt.backward(g)
    yo.backward(Variable(from_torch(g)))
    for ours, theirs, what in ((xo, xt, "x"), (wo, wt, "w"), (bo, bt, "b")):
        if theirs.grad is None:
            assert ours.grad is None, what
        else:
            assert_same(ours.grad, theirs.grad, what=f"gradient of {what}")


def test_functional_batch_norm_updates_the_running_statistics():
    x = randn(5, 3) * 2 + 1
    rm_t, rv_t = torch.zeros(3), torch.ones(3)
    rm_o, rv_o = tt.zeros(3), tt.ones(3)
    yt = F.batch_norm(x, rm_t, rv_t, training=True, momentum=0.25, eps=1e-3)
    yo = TF.batch_norm(from_torch(x), rm_o, rv_o, training=True, momentum=0.25, eps=1e-3)
    assert_same(yo, yt)
    assert_same(rm_o, rm_t, what="running_mean")
    assert_same(rv_o, rv_t, what="running_var")


def test_functional_dropout_eval():
    x = randn(3, 3)
    assert_same(TF.dropout(from_torch(x), 0.5, training=False), F.dropout(x, 0.5, training=False))


def test_one_hot():
    idx = torch.tensor([[0, 3], [2, 1]])
    assert_same(TF.one_hot(from_torch(idx)), F.one_hot(idx))
    assert_same(TF.one_hot(from_torch(idx), num_classes=6), F.one_hot(idx, num_classes=6))


@pytest.mark.parametrize(
    "pad, mode, value, shape",
    [
        ((1, 2), "constant", 0.0, (2, 3)),
        ((1, 0, 2, 1), "constant", -1.5, (2, 3)),
        ((-1, 1), "constant", 0.0, (2, 3)),
        ((0, 0, 0, 0, 1, 1), "constant", 2.0, (1, 2, 3)),
        ((2, 1), "reflect", None, (1, 2, 4)),
        ((1, 2, 1, 0), "reflect", None, (1, 3, 4)),
        ((2, 3), "replicate", None, (1, 2, 4)),
        ((1, 1, 2, 0), "replicate", None, (1, 3, 4)),
        ((2, 1), "circular", None, (1, 2, 4)),
        ((1, 2, 1, 1), "circular", None, (1, 3, 4)),
    ],
)
def test_pad(pad, mode, value, shape):
    x = randn(*shape)
    xo, xt = leaf_pair(x)
    kwargs = {} if value is None else {"value": value}
    yo, yt = TF.pad(xo, pad, mode=mode, **kwargs), F.pad(xt, pad, mode=mode, **kwargs)
    assert_same(yo, yt)
    g = torch.randn(yt.shape, generator=generator("pad", pad, mode))
    yt.backward(g)
    yo.backward(Variable(from_torch(g)))
    assert_same(xo.grad, xt.grad, what="input gradient")


# ================================================================== losses
def _targets(kind, shape, gen):
    if kind == "regression":
        return torch.randn(shape, generator=gen)
    if kind == "prob":
        return torch.rand(shape, generator=gen)
    if kind == "binary":
        return (torch.rand(shape, generator=gen) > 0.5).double()
    raise ValueError(kind)


REGRESSION_LOSSES = [
    ("MSELoss", lambda nn, r: nn.MSELoss(reduction=r)),
    ("L1Loss", lambda nn, r: nn.L1Loss(reduction=r)),
    ("SmoothL1Loss", lambda nn, r: nn.SmoothL1Loss(reduction=r)),
    ("SmoothL1Loss-beta", lambda nn, r: nn.SmoothL1Loss(reduction=r, beta=0.4)),
    ("HuberLoss", lambda nn, r: nn.HuberLoss(reduction=r)),
    ("HuberLoss-delta", lambda nn, r: nn.HuberLoss(reduction=r, delta=0.4)),
]


def run_loss(ours_loss, theirs_loss, x, target, target_grad=False, x_domain=None):
    xo, xt = leaf_pair(x)
    to, tt_ = leaf_pair(target, requires_grad=target_grad)
    if not target_grad:
        to = to.data if to.dtype is tt.int64 else Variable(to.data)
    lo, lt = ours_loss(xo, to), theirs_loss(xt, tt_)
    assert_same(lo, lt, rtol=1e-9, atol=1e-12, what="loss")
    g = torch.randn(lt.shape, generator=generator("loss-grad", tuple(lt.shape)))
    lt.backward(g)
    lo.backward(Variable(from_torch(g)))
    assert_same(xo.grad, xt.grad, what="input gradient")
    if target_grad:
        assert_same(to.grad, tt_.grad, what="target gradient")


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("make", [row[1] for row in REGRESSION_LOSSES], ids=[row[0] for row in REGRESSION_LOSSES])
def test_regression_losses(make, reduction):
    gen = generator("regression", reduction)
    x, y = torch.randn(4, 3, generator=gen) * 2, torch.randn(4, 3, generator=gen)
    run_loss(make(tnn, reduction), make(torch.nn, reduction), x, y, target_grad=True)


CE_CASES = [
    ("plain", {}),
    ("weight", {"weight": [0.3, 1.0, 2.5, 0.7]}),
    ("ignore_index", {"ignore_index": 1}),
    ("label_smoothing", {"label_smoothing": 0.15}),
    ("all", {"weight": [0.3, 1.0, 2.5, 0.7], "ignore_index": 0, "label_smoothing": 0.25}),
]


def _loss_kwargs(kwargs, to_tensor):
    return {k: (to_tensor(torch.tensor(v)) if k in ("weight", "pos_weight") else v) for k, v in kwargs.items()}


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("kwargs", [c[1] for c in CE_CASES], ids=[c[0] for c in CE_CASES])
def test_cross_entropy_class_indices(kwargs, reduction):
    gen = generator("ce", reduction, repr(kwargs))
    x = torch.randn(6, 4, generator=gen) * 3
    target = torch.tensor([0, 1, 2, 3, 1, 0])
    ours = tnn.CrossEntropyLoss(reduction=reduction, **_loss_kwargs(kwargs, from_torch))
    theirs = torch.nn.CrossEntropyLoss(reduction=reduction, **_loss_kwargs(kwargs, lambda t: t))
    run_loss(ours, theirs, x, target)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("kwargs", [c[1] for c in CE_CASES if "ignore_index" not in c[1]],
                         ids=[c[0] for c in CE_CASES if "ignore_index" not in c[1]])
def test_cross_entropy_probabilities(kwargs, reduction):
    gen = generator("ce-prob", reduction, repr(kwargs))
    x = torch.randn(5, 4, generator=gen) * 3
    target = torch.softmax(torch.randn(5, 4, generator=gen), dim=1)
    ours = tnn.CrossEntropyLoss(reduction=reduction, **_loss_kwargs(kwargs, from_torch))
    theirs = torch.nn.CrossEntropyLoss(reduction=reduction, **_loss_kwargs(kwargs, lambda t: t))
    run_loss(ours, theirs, x, target, target_grad=True)


def test_cross_entropy_large_logits():
    x = torch.tensor([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0], [-1000.0, -1000.0, -1000.0]])
    target = torch.tensor([2, 0, 1])
    for reduction in ("none", "mean"):
        run_loss(tnn.CrossEntropyLoss(reduction=reduction, label_smoothing=0.1),
                 torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=0.1), x, target)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("kwargs", [c[1] for c in CE_CASES if "label_smoothing" not in c[1]],
                         ids=[c[0] for c in CE_CASES if "label_smoothing" not in c[1]])
def test_nll_loss(kwargs, reduction):
    gen = generator("nll", reduction, repr(kwargs))
    x = torch.log_softmax(torch.randn(6, 4, generator=gen), dim=1)
    target = torch.tensor([3, 1, 2, 0, 1, 1])
    ours = tnn.NLLLoss(reduction=reduction, **_loss_kwargs(kwargs, from_torch))
    theirs = torch.nn.NLLLoss(reduction=reduction, **_loss_kwargs(kwargs, lambda t: t))
    run_loss(ours, theirs, x, target)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_loss(weighted, reduction):
    gen = generator("bce", reduction, weighted)
    x = torch.rand(4, 3, generator=gen) * 0.9 + 0.05
    y = torch.rand(4, 3, generator=gen)
    w = torch.rand(3, generator=gen) + 0.5
    kwargs_o = {"weight": from_torch(w)} if weighted else {}
    kwargs_t = {"weight": w} if weighted else {}
    run_loss(tnn.BCELoss(reduction=reduction, **kwargs_o), torch.nn.BCELoss(reduction=reduction, **kwargs_t),
             x, y, target_grad=True)


def test_bce_loss_at_0_and_1():
    x = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5])
    y = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.3])
    run_loss(tnn.BCELoss(reduction="none"), torch.nn.BCELoss(reduction="none"), x, y)
    run_loss(tnn.BCELoss(), torch.nn.BCELoss(), x, y)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("options", ["plain", "weight", "pos_weight", "both"])
def test_bce_with_logits(options, reduction):
    gen = generator("bcel", reduction, options)
    x = torch.randn(4, 3, generator=gen) * 3
    y = torch.rand(4, 3, generator=gen)
    kwargs = {}
    if options in ("weight", "both"):
        kwargs["weight"] = (torch.rand(4, 3, generator=gen) + 0.5).tolist()
    if options in ("pos_weight", "both"):
        kwargs["pos_weight"] = (torch.rand(3, generator=gen) * 3).tolist()
    ours = tnn.BCEWithLogitsLoss(reduction=reduction, **_loss_kwargs(kwargs, from_torch))
    theirs = torch.nn.BCEWithLogitsLoss(reduction=reduction, **_loss_kwargs(kwargs, lambda t: t))
    run_loss(ours, theirs, x, y, target_grad=True)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_bce_with_logits_of_1000():
    x = torch.tensor([1000.0, 1000.0, -1000.0, -1000.0, 0.0])
    y = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.5])
    run_loss(tnn.BCEWithLogitsLoss(reduction="none", pos_weight=from_torch(torch.tensor([2.0]))),
             torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor([2.0])), x, y)


@pytest.mark.parametrize(
    "name, make",
    [
        ("MSELoss", lambda nn: nn.MSELoss(reduction="sum")),
        ("L1Loss", lambda nn: nn.L1Loss()),
        ("SmoothL1Loss", lambda nn: nn.SmoothL1Loss(beta=0.5)),
        ("HuberLoss", lambda nn: nn.HuberLoss(delta=2.0)),
        ("CrossEntropyLoss", lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1, reduction="sum")),
        ("NLLLoss", lambda nn: nn.NLLLoss(ignore_index=3)),
        ("BCELoss", lambda nn: nn.BCELoss()),
        ("BCEWithLogitsLoss", lambda nn: nn.BCEWithLogitsLoss(reduction="none")),
    ],
)
def test_loss_repr(name, make):
    assert repr(make(tnn)) == repr(make(torch.nn))


# ================================================================== models
class _Block:
    @staticmethod
    def build(nn):
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 4)
                self.act = nn.ReLU()

            def forward(self, x):
                return self.act(self.fc(x))

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5))
                self.norm = nn.LayerNorm(8)
                self.heads = nn.ModuleDict({"a": nn.Linear(8, 2, bias=False)})
                self.blocks = nn.ModuleList([Block(), nn.BatchNorm1d(8)])
                self.emb = nn.Embedding(10, 3, padding_idx=0)

        return Net()


def test_nested_model_state_dict_names_shapes_and_repr():
    ours, theirs = _Block.build(tnn), _Block.build(torch.nn)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
    ]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize(
    "make",
    [
        lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()]),
        lambda nn: nn.Sequential(OrderedDict([("enc", nn.Linear(2, 3)), ("act", nn.Tanh())])),
        lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)),
        lambda nn: nn.Sequential(),
        lambda nn: nn.ModuleDict({"x": nn.Identity(), "y": nn.Sequential(nn.ReLU())}),
    ],
    ids=["modulelist-repeated", "sequential-named", "sequential-repeated", "sequential-empty", "moduledict"],
)
def test_container_repr(make):
    assert repr(make(tnn)) == repr(make(torch.nn))


def test_sequential_slice_names_as_torch():
    ours = tnn.Sequential(tnn.Linear(2, 3), tnn.ReLU(), tnn.Linear(3, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    assert list(ours[1:].state_dict()) == list(theirs[1:].state_dict())
    assert list(ours[::2].state_dict()) == list(theirs[::2].state_dict())


def _mlp(nn):
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3))


def test_mlp_forward_backward():
    gen = generator("mlp")
    theirs = _mlp(torch.nn)
    ours = _mlp(tnn)
    copy_weights(ours, theirs)
    x = torch.randn(6, 4, generator=gen)
    y = torch.tensor([0, 2, 1, 1, 0, 2])
    xo, xt = leaf_pair(x)
    lo = tnn.CrossEntropyLoss()(ours(xo), from_torch(y))
    lt = torch.nn.CrossEntropyLoss()(theirs(xt), y)
    assert_same(lo, lt, what="loss")
    lt.backward()
    lo.backward()
    assert_same(xo.grad, xt.grad, what="input gradient")
    compare_grads(ours, theirs)


def test_mlp_training_steps_with_batchnorm_and_sgd_by_hand():
    def model(nn):
        return nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.GELU(), nn.Linear(6, 3))

    gen = generator("mlp-train")
    theirs = model(torch.nn)
    ours = model(tnn)
    copy_weights(ours, theirs)
    for step in range(3):
        x = torch.randn(8, 4, generator=gen)
        y = torch.randint(0, 3, (8,), generator=gen)
        lt = torch.nn.CrossEntropyLoss()(theirs(x), y)
        lo = tnn.CrossEntropyLoss()(ours(from_torch(x)), from_torch(y))
        assert_same(lo, lt, rtol=1e-8, atol=1e-10, what=f"loss at step {step}")
        theirs.zero_grad()
        ours.zero_grad()
        lt.backward()
        lo.backward()
        with torch.no_grad():
            for p in theirs.parameters():
                p -= 0.1 * p.grad
        for p in ours.parameters():
            p.data.sub_(p.grad.data * 0.1)
    for (name, po), (_, pt) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert_same(po, pt, rtol=1e-8, atol=1e-10, what=name)
    ours.eval()
    theirs.eval()
    x = torch.randn(3, 4, generator=gen)
    assert_same(ours(from_torch(x)), theirs(x), rtol=1e-8, atol=1e-10, what="eval output")


def test_torch_state_dict_loads_into_tinytorch_and_back():
    theirs = _mlp(torch.nn)
    ours = _mlp(tnn)
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    again = _mlp(torch.nn)
    again.load_state_dict({k: to_torch(v) for k, v in ours.state_dict().items()})
    x = randn(2, 4)
    assert_same(again(x), theirs(x))


# ================================================================== init
@pytest.mark.parametrize(
    "name, param",
    [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
     ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("selu", None)],
)
def test_calculate_gain(name, param):
    assert tinit.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


def test_linear_init_bounds_as_torch():
    # both draw U(-1/sqrt(in), 1/sqrt(in)); compare the observed ranges
    tt.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = tnn.Linear(16, 300), torch.nn.Linear(16, 300)
    wo, wt = to_torch(ours.weight), theirs.weight.detach()
    assert wo.abs().max() <= 0.25 and wt.abs().max() <= 0.25
    assert abs(wo.std().item() - wt.std().item()) < 0.01
