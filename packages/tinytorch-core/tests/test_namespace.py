"""`tinytorch` is a PEP 420 namespace package: no distribution ships tinytorch/__init__.py."""

import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]  # tests -> tinytorch-core -> packages -> repo
PACKAGES = REPO / "packages"


def test_repo_layout_is_where_this_test_expects():
    # Guards the walk below: if the path were wrong, finding nothing would prove nothing.
    assert (PACKAGES / "tinytorch-core" / "src" / "tinytorch" / "core").is_dir()


@pytest.mark.parametrize("dist", sorted(p.name for p in PACKAGES.iterdir() if (p / "src").is_dir()))
def test_no_tinytorch_init_in_any_distribution(dist):
    src = PACKAGES / dist / "src"
    strays = [
        p.relative_to(REPO) for p in src.rglob("__init__.py") if p.parent == src / "tinytorch"
    ]
    assert strays == [], (
        f"{dist} ships {strays}: it would make every other tinytorch part unimportable"
    )


def test_tinytorch_is_a_namespace_package():
    tinytorch = importlib.import_module("tinytorch")
    assert getattr(tinytorch, "__file__", None) is None
    assert tinytorch.__spec__.origin is None
    assert type(tinytorch.__path__).__name__ == "_NamespacePath"


def test_core_is_a_regular_package_inside_the_namespace():
    # Wherever it is installed (the repo's src/ or a site-packages), core sits in one
    # of the namespace's folders and is an ordinary package with its own __init__.py.
    tinytorch = importlib.import_module("tinytorch")
    core = importlib.import_module("tinytorch.core")
    assert Path(core.__file__).name == "__init__.py"
    folders = [Path(p).resolve() for p in tinytorch.__path__]
    assert Path(core.__file__).resolve().parent.parent in folders
