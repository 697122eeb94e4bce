"""Puts this folder on sys.path for its helper module; the float64 set-up is in packages/conftest.py."""

import sys
from pathlib import Path

# the helpers live next to this file in ``_nn_parity.py`` (a name distinct from core's
# ``_parity.py`` and autograd's ``_grad_parity.py``: all three run in one session)
sys.path.insert(0, str(Path(__file__).parent))
