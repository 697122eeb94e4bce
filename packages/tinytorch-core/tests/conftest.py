"""Puts this folder on sys.path so test modules can ``import helpers``.

pytest runs with ``--import-mode=importlib``, which imports test modules
without touching sys.path; the shared helpers are imported by name instead.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
