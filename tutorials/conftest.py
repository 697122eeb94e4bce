"""Run every tutorial (``tutorials/*.md``) as a test, with Sybil.

- Each file gets one namespace; its ```` ```python ```` fences run once, in
  order, so a later fence sees what an earlier one defined.
- ``<!-- skip: next -->`` on the line before a fence skips that fence (Sybil's
  skip syntax, so ``<!-- skip: start -->`` / ``<!-- skip: end -->`` work too).
- Each file runs in a fresh temporary working directory, so files a tutorial
  writes do not land in the repository.
- A tutorial needs the distributions whose parts it imports
  (``import tinytorch.nn`` needs tinytorch-nn). In an environment that lacks one
  (the ``core`` tox environment, say), that file is skipped, so each tutorial
  also runs under its own distribution's environment. With
  ``TINYTORCH_TUTORIALS_STRICT=1`` (the ``tutorials`` environment, which has
  everything) nothing is skipped.
- The demo plugin of core's tests is switched off: tutorials see only the real
  distributions.
"""

import importlib.util
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

_disabled = [p for p in os.environ.get("TINYTORCH_DISABLE_PLUGINS", "").split(",") if p]
if "demo" not in _disabled:
    os.environ["TINYTORCH_DISABLE_PLUGINS"] = ",".join([*_disabled, "demo"])

HERE = Path(__file__).parent

# part of the tinytorch namespace -> the distribution that ships it
DISTRIBUTION = {
    "core": "tinytorch-core",
    "autograd": "tinytorch-autograd",
    "nn": "tinytorch-nn",
    "optim": "tinytorch-nn",
    "utils": "tinytorch-nn",
    "vision": "tinytorch-vision",
    "text": "tinytorch-text",
}

_IMPORT = re.compile(r"^\s*(?:>>>\s*)?(?:import|from)\s+tinytorch\.(\w+)", re.MULTILINE)
_FROM = re.compile(r"^\s*(?:>>>\s*)?from\s+tinytorch\s+import\s+\(?([\w\s,]+)", re.MULTILINE)


def parts_needed(text):
    """The parts of ``tinytorch`` that a tutorial's code imports."""
    parts = set(_IMPORT.findall(text))
    for names in _FROM.findall(text):
        parts.update(n.split()[0] for n in names.split(",") if n.strip())
    return {p for p in parts if p in DISTRIBUTION}


def _importable(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # the parent package is missing
        return False


def missing_distributions(path):
    """The distributions that a tutorial needs and this environment lacks."""
    text = Path(path).read_text(encoding="utf-8")
    needed = {DISTRIBUTION[p] for p in parts_needed(text) if not _importable(f"tinytorch.{p}")}
    return sorted(needed)


def _setup(namespace):
    namespace["_tutorial_cwd"] = os.getcwd()
    namespace["_tutorial_tmp"] = tmp = tempfile.mkdtemp(prefix="tinytorch-tutorial-")
    os.chdir(tmp)


def _teardown(namespace):
    os.chdir(namespace["_tutorial_cwd"])
    shutil.rmtree(namespace["_tutorial_tmp"], ignore_errors=True)


pytest_collect_file = Sybil(
    parsers=[SkipParser(), PythonCodeBlockParser()],
    patterns=["*.md"],
    setup=_setup,
    teardown=_teardown,
).pytest()


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TINYTORCH_TUTORIALS_STRICT") == "1":
        return
    cache = {}
    for item in items:
        path = Path(item.path)
        if path.suffix != ".md" or HERE not in path.parents:
            continue
        if path not in cache:
            cache[path] = missing_distributions(path)
        if cache[path]:
            item.add_marker(pytest.mark.skip(reason="needs " + ", ".join(cache[path])))
