"""Set-up shared by the parity tests of every distribution (tinyTorch against PyTorch).

PyTorch's default float dtype is float32; tinyTorch's is float64 (a documented
difference). For the tests in a ``parity/`` folder PyTorch's default is set to
float64, so that ``torch.tensor([1.5])``, ``torch.zeros(2)`` and torch.nn's
parameters are float64 too and the two speak the same language.
"""

import warnings

import pytest


@pytest.fixture(autouse=True)
def _torch_float64_default(request):
    if "parity" not in request.node.path.parts:
        yield
        return
    try:
        import torch
    except ImportError:  # the parity modules skip themselves
        yield
        return
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    with warnings.catch_warnings():
        # x.T on a tensor that is not 2-D is deprecated in PyTorch (it still reverses all
        # dims, as tinyTorch's T does); var of one element warns
        warnings.simplefilter("ignore", UserWarning)
        yield
    torch.set_default_dtype(previous)
