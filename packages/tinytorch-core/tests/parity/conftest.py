"""Shared set-up for the parity tests (tinyTorch against PyTorch, float64).

PyTorch's default float dtype is float32; tinyTorch's is float64 (a documented
difference). Setting PyTorch's default to float64 for these tests makes the
two speak the same language: ``torch.tensor([1.5])``, ``torch.zeros(2)``,
``torch.arange(0.5, 3)`` are then float64 too, and ``repr`` omits the dtype
exactly as tinyTorch's does.
"""

import sys
import warnings
from pathlib import Path

import pytest

# The helpers live next to this file in ``_parity.py``; with
# ``--import-mode=importlib`` the test directory is not on sys.path by itself.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _torch_float64_default():
    try:
        import torch
    except ImportError:  # the test modules skip themselves
        yield
        return
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    with warnings.catch_warnings():
        # x.T on a tensor that is not 2-D is deprecated in PyTorch (it still
        # reverses all dims, as tinyTorch's T does); var of one element warns.
        warnings.simplefilter("ignore", UserWarning)
        yield
    torch.set_default_dtype(previous)
