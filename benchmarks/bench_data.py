"""Data loading: what the DataLoader adds to a training loop (issue 5, section "Speed").

* ``DataLoader overhead per batch vs one MLP step``: one epoch of
  ``DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)`` over
  10,000 samples (``X`` float64 (10000, 64), ``y`` int64 labels), every batch
  fetched and nothing done with it, divided by its 313 batches, as a
  percentage of one training step of the MLP of issue 3 (``bench_autograd``'s
  step: batch 32, 64 -> 128 -> ReLU -> 10, written with Variables: forward,
  cross-entropy as ``log_softmax`` and indexing, ``backward()``, an SGD
  update) on a batch of the same shape. The target: at most 5%. The default collate takes the TensorDataset
  fast path (one ``t[indices]`` per tensor per batch); the epoch includes the
  shuffle (``randperm`` of 10,000) and the BatchSampler.
* ``DataLoader per-sample path per batch`` (informational): the same epoch
  with ``collate_fn=lambda b: default_collate(b)``, which is not the default
  function and so takes the general path (``dataset[i]`` for each sample, then
  ``stack``): what the fast path saves.

Both check once, untimed, that the epoch holds every sample exactly once in
batches of the right shapes, and that the fast and the general path give the
same batches for the same seed, and that the MLP step's loss is that of
``bench_autograd``'s step written by hand on flat lists.

Run: ``python benchmarks/run.py data``.
"""

import math
import random

import tinytorch.core as tt
from tinytorch.utils.data import DataLoader, TensorDataset, default_collate

from bench_autograd import B, D, O, _problem, _ref_setup, _ref_step, _tt_setup, _tt_step
from benchlib import Case

N = 10_000  # samples; batch, inputs and classes are bench_autograd's
BATCHES = math.ceil(N / B)  # 313, the last one of 16 samples


def _loaders(dataset, seed):
    """Two loaders shuffled alike: the default collate (fast path) and a copy of it (general path)."""

    def loader(**kwargs):
        return DataLoader(
            dataset, batch_size=B, shuffle=True, generator=tt.Generator(seed), **kwargs
        )

    return loader(), loader(collate_fn=lambda batch: default_collate(batch))


def _setup(seed=5):
    rnd = random.Random(seed)
    X = tt.Tensor([rnd.uniform(-1.0, 1.0) for _ in range(N * D)], (N, D))
    y = tt.Tensor([rnd.randrange(O) for _ in range(N)], (N,), dtype=tt.int64)
    dataset = TensorDataset(X, y)
    fast, general = _loaders(dataset, seed=0)
    p = _problem()
    return {
        "dataset": dataset,
        "label_sum": sum(y.tolist()),
        "fast": fast,
        "general": general,
        "step": _tt_setup(p),
        "step_loss": _ref_step(_ref_setup(p)),  # what the first step must give
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


def _check(epoch, loss, c):
    n_batches, n_items, first = epoch
    assert n_batches == BATCHES, (n_batches, BATCHES)
    assert n_items == N, (n_items, N)
    assert first == ((B, D), (B,), tt.float64, tt.int64), first
    # the fast path and the general path: the same batches for the same seed
    seen = []
    for (xa, ya), (xb, yb) in zip(*_loaders(c["dataset"], seed=1), strict=True):
        assert (xa.shape, ya.shape) == (xb.shape, yb.shape), (xa.shape, xb.shape)
        assert (xa.tolist(), ya.tolist()) == (xb.tolist(), yb.tolist()), "paths differ"
        seen += ya.tolist()
    assert sum(seen) == c["label_sum"], "an epoch must hold every label once"
    # the step: its first run (the check run) against the hand-written one
    assert math.isclose(loss, c["step_loss"], rel_tol=1e-9), (loss, c["step_loss"])


CASES = [
    Case(
        "DataLoader overhead per batch vs one MLP step",
        _setup,
        lambda c: _epoch(c["fast"]),
        lambda c: _tt_step(c["step"]),
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
        lambda c: _epoch(c["general"]),
        lambda c: _tt_step(c["step"]),
        "percent<=",
        None,  # informational: what the TensorDataset fast path saves
        check=_check,
        gc=True,
        ops=BATCHES,
        reference_code="the same, collate_fn=lambda b: default_collate(b) (ds[i] + stack)",
    ),
]
