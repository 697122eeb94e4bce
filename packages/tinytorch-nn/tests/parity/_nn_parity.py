"""Helpers for nn's parity tests: the same module in tinyTorch and PyTorch, weights
copied from PyTorch's state_dict, the same input and upstream gradient, one comparison.

A module is written once as ``make(nn)`` where ``nn`` is ``tinytorch.nn`` or
``torch.nn``, so ``lambda nn: nn.Linear(3, 4)`` serves both sides.
"""

import zlib

import torch

import tinytorch.core as tt
from tinytorch.autograd import Variable

RTOL = 1e-9
ATOL = 1e-12

TT_DTYPES = {torch.float64: tt.float64, torch.int64: tt.int64, torch.bool: tt.bool}


def generator(*key):
    return torch.Generator().manual_seed(zlib.crc32(repr(key).encode()))


def from_torch(t):
    """A PyTorch tensor as a tinyTorch Tensor, through tolist()."""
    ours = tt.tensor(t.detach().tolist(), dtype=TT_DTYPES[t.dtype])
    if tuple(ours.shape) != tuple(t.shape):  # empty tensors
        ours = ours.reshape(tuple(t.shape))
    return ours


def to_torch(x):
    """A tinyTorch Tensor or Variable as a PyTorch tensor."""
    if isinstance(x, Variable):
        x = x.data
    dtype = {"float64": torch.float64, "int64": torch.int64, "bool": torch.bool}[x.dtype.name]
    return torch.tensor(x.tolist(), dtype=dtype).reshape(tuple(x.shape))


def leaf_pair(t, requires_grad=True):
    """(tinyTorch Variable, torch leaf) holding the values of torch tensor ``t``."""
    requires_grad = requires_grad and t.dtype == torch.float64
    ours = Variable(from_torch(t), requires_grad=requires_grad)
    theirs = t.detach().clone().requires_grad_(requires_grad)
    return ours, theirs


def assert_same(ours, theirs, rtol=RTOL, atol=ATOL, what="value"):
    assert ours is not None, f"{what}: tinyTorch has None, PyTorch {theirs!r}"
    if isinstance(ours, (Variable, tt.Tensor)):
        ours = to_torch(ours)
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)} != torch's {tuple(theirs.shape)}"
    torch.testing.assert_close(ours, theirs.detach().to(ours.dtype), rtol=rtol, atol=atol, equal_nan=True,
                               msg=lambda m: f"{what}: {m}")


def copy_weights(ours, theirs):
    """Load PyTorch's state_dict into the tinyTorch module (the key names must agree)."""
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})


def compare_grads(ours_module, theirs_module, rtol=RTOL, atol=ATOL):
    ours_params = dict(ours_module.named_parameters())
    theirs_params = dict(theirs_module.named_parameters())
    assert list(ours_params) == list(theirs_params)
    for name, p in theirs_params.items():
        if p.grad is None:
            assert ours_params[name].grad is None, name
            continue
        assert_same(ours_params[name].grad, p.grad, rtol, atol, what=f"gradient of {name}")


def compare_buffers(ours_module, theirs_module, rtol=RTOL, atol=ATOL):
    ours_buffers = dict(ours_module.named_buffers())
    theirs_buffers = dict(theirs_module.named_buffers())
    assert list(ours_buffers) == list(theirs_buffers)
    for name, b in theirs_buffers.items():
        assert_same(ours_buffers[name], b, rtol, atol, what=f"buffer {name}")
