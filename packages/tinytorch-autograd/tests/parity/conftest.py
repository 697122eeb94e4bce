"""Shared set-up for autograd's parity tests (gradients against PyTorch, float64).

PyTorch's default float dtype is float32, tinyTorch's float64: the fixture
below makes PyTorch's float64 for every test, so that literals such as
``torch.tensor([1.5])`` and Python numbers mixed into expressions are float64
on both sides.
"""

import sys
import warnings
from pathlib import Path

import pytest

# the helpers live next to this file in ``_grad_parity.py`` (a name distinct from
# core's ``_parity.py``: both directories run in one session under tox's parity env)
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
        # x.T on a tensor that is not 2-D is deprecated in PyTorch (it still reverses all dims)
        warnings.simplefilter("ignore", UserWarning)
        yield
    torch.set_default_dtype(previous)
