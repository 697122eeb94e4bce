"""Shared set-up for nn's parity tests (layers and losses against torch.nn, float64).

PyTorch's default float dtype is float32, tinyTorch's float64: the fixture
below makes PyTorch's float64 for every test, so that torch.nn layers are
created with float64 parameters, as tinyTorch's are.
"""

import sys
import warnings
from pathlib import Path

import pytest

# the helpers live next to this file in ``_nn_parity.py`` (a name distinct from core's
# ``_parity.py`` and autograd's ``_grad_parity.py``: all three run in one session)
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
        warnings.simplefilter("ignore", UserWarning)
        yield
    torch.set_default_dtype(previous)
