"""Data loading: what the DataLoader adds to a training loop (issue 5, section "Speed").

* ``DataLoader overhead per batch vs one MLP step``: one epoch of
  ``DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)`` over
  10,000 samples (``X`` float64 (10000, 64), ``y`` int64 labels), every batch
  fetched and nothing done with it, divided by its 313 batches, as a
  percentage of one training step of the MLP of issue 3 (batch 32,
  64 -> 128 -> ReLU -> 10, written with Variables: forward, cross-entropy as
  ``log_softmax`` and indexing, ``backward()``, an SGD update) on one of those
  batches. The target: at most 5%. The default collate takes the TensorDataset
  fast path (one ``t[indices]`` per tensor per batch); the epoch includes the
  shuffle (``randperm`` of 10,000) and the BatchSampler.
* ``DataLoader per-sample path per batch`` (informational): the same epoch
  with ``collate_fn=lambda b: default_collate(b)``, which is not the default
  function and so takes the general path (``dataset[i]`` for each sample, then
  ``stack``): what the fast path saves.

Both check once, untimed, that the epoch holds every sample exactly once in
batches of the right shapes, and that the fast and the general path give the
same batches for the same seed; the MLP step's loss is checked against a
plain-Python log-softmax of the same logits.

Run: ``python benchmarks/run.py data``.
"""

import math
import random

import tinytorch.core as tt
from tinytorch.autograd import Variable
from tinytorch.utils.data import DataLoader, TensorDataset, default_collate

from benchlib import Case

N, B, D, H, O = 10_000, 32, 64, 128, 10  # samples, batch, inputs, hidden units, classes
LR = 0.05
BATCHES = math.ceil(N / B)  # 313, the last one of 16 samples


def _setup(seed=5):
    rnd = random.Random(seed)
    X = tt.Tensor([rnd.uniform(-1.0, 1.0) for _ in range(N * D)], (N, D))
    y = tt.Tensor([rnd.randrange(O) for _ in range(N)], (N,), dtype=tt.int64)
    dataset = TensorDataset(X, y)

    def uniform(n, scale, shape):
        return Variable(
            tt.Tensor([rnd.uniform(-scale, scale) for _ in range(n)], shape), requires_grad=True
        )

    params = [
        uniform(D * H, 1 / math.sqrt(D), (D, H)),
        uniform(H, 0.1, (H,)),
        uniform(H * O, 1 / math.sqrt(H), (H, O)),
        uniform(O, 0.1, (O,)),
    ]
    xb, yb = dataset[list(range(B))]  # the batch the step trains on
    return {
        "dataset": dataset,
        "label_sum": sum(y.tolist()),
        "fast": DataLoader(dataset, batch_size=B, shuffle=True, generator=tt.Generator(0)),
        "general": DataLoader(
            dataset,
            batch_size=B,
            shuffle=True,
            generator=tt.Generator(0),
            collate_fn=lambda batch: default_collate(batch),  # not the default: general path
        ),
        "x": xb,
        "targets": yb,
        "rows": tt.arange(B),
        "params": params,
    }


def _epoch(loader):
    """Iterate one epoch; a summary for the check (cheap next to fetching)."""
    n_batches = n_items = 0
    first = None
    for xb, yb in loader:
        if first is None:
            first = (xb.shape, yb.shape, xb.dtype, yb.dtype)
        n_batches += 1
        n_items += yb.shape[0]
    return n_batches, n_items, first


def _fast_epoch(c):
    return _epoch(c["fast"])


def _general_epoch(c):
    return _epoch(c["general"])


def _mlp_step(c):
    """One training step of issue 3's MLP with Variables, as a learner writes it."""
    params = c["params"]
    W1, b1, W2, b2 = params
    h = (c["x"] @ W1 + b1).relu()
    logp = (h @ W2 + b2).log_softmax(dim=1)
    loss = -logp[c["rows"], c["targets"]].mean()
    for p in params:
        p.grad = None
    loss.backward()
    for p in params:
        p.data -= LR * p.grad.data
    return loss.item(), [p.data for p in params]


def _check(epoch, step, c):
    n_batches, n_items, first = epoch
    assert n_batches == BATCHES, (n_batches, BATCHES)
    assert n_items == N, (n_items, N)
    assert first == ((B, D), (B,), tt.float64, tt.int64), first
    # the fast path and the general path: the same batches for the same seed
    a = DataLoader(c["dataset"], batch_size=B, shuffle=True, generator=tt.Generator(1))
    b = DataLoader(
        c["dataset"],
        batch_size=B,
        shuffle=True,
        generator=tt.Generator(1),
        collate_fn=lambda batch: default_collate(batch),
    )
    seen = []
    for (xa, ya), (xb, yb) in zip(a, b, strict=True):
        assert (xa.shape, ya.shape) == (xb.shape, yb.shape), (xa.shape, xb.shape)
        assert (xa.tolist(), ya.tolist()) == (xb.tolist(), yb.tolist()), "paths differ"
        seen += ya.tolist()
    assert sum(seen) == c["label_sum"], "an epoch must hold every label once"
    # the step (its first loss was checked against plain Python in setup)
    loss, _ = step
    assert 0.0 < loss < 10.0, loss  # finite
    return True


def _check_step_loss(c):
    """Setup-time check of the step's loss (a plain-Python forward of the same weights)."""
    W1, b1, W2, b2 = (p.data.tolist() for p in c["params"])
    x, t = c["x"].tolist(), c["targets"].tolist()
    total = 0.0
    for row, target in zip(x, t):
        h = [max(0.0, sum(row[k] * W1[k][j] for k in range(D)) + b1[j]) for j in range(H)]
        z = [sum(h[k] * W2[k][j] for k in range(H)) + b2[j] for j in range(O)]
        m = max(z)
        total -= z[target] - m - math.log(sum(math.exp(v - m) for v in z))
    return total / B


def _setup_checked():
    c = _setup()
    expected = _check_step_loss(c)
    probe = {**c, "params": [Variable(p.data.clone(), requires_grad=True) for p in c["params"]]}
    got, _ = _mlp_step(probe)
    assert math.isclose(got, expected, rel_tol=1e-9), (got, expected)
    return c


CASES = [
    Case(
        "DataLoader overhead per batch vs one MLP step",
        _setup_checked,
        _fast_epoch,
        _mlp_step,
        "percent<=",
        5,
        check=_check,
        gc=True,
        ops=BATCHES,
        reference_code="one MLP step 32x64-128-10 CE with Variables, fwd+bwd+SGD",
    ),
    Case(
        "DataLoader per-sample path per batch",
        _setup,
        _general_epoch,
        _mlp_step,
        "percent<=",
        None,  # informational: what the TensorDataset fast path saves
        check=_check,
        gc=True,
        ops=BATCHES,
        reference_code="the same, collate_fn=lambda b: default_collate(b) (ds[i] + stack)",
    ),
]
