"""Puts this folder on sys.path so test modules can ``import nn_helpers``.

pytest runs with ``--import-mode=importlib``, which imports test modules
without touching sys.path. The helpers module has its own name (not core's
``helpers`` nor autograd's ``autograd_helpers``) so that the suites can run
in one session.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
