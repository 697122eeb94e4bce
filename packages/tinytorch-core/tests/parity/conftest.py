"""Puts this folder on sys.path for its helper module; the float64 set-up is in packages/conftest.py."""

import sys
from pathlib import Path

# The helpers live next to this file in ``_parity.py``; with
# ``--import-mode=importlib`` the test directory is not on sys.path by itself.
sys.path.insert(0, str(Path(__file__).parent))
