"""The `tinytorch` command: ops, plugins, check."""

import io
import subprocess
import sys
import textwrap

import pytest

from tinytorch.core.cli import main
from tinytorch.core.plugins import manager

GOOD = '''
import tinytorch.core as tt
from tinytorch.core.plugins import hookimpl

def my_relu(a):
    return tt.where(a > 0, a, 0.0) if a.dtype is tt.float64 else tt.where(a > 0, a, 0)

@hookimpl
def tinytorch_register_ops(registry):
    registry.kernel("relu", my_relu)
'''

BAD = '''
import tinytorch.core as tt
from tinytorch.core.plugins import hookimpl

def storage_relu(a):  # ignores strides and dtype
    return tt.Tensor([x if x > 0 else 0.0 for x in a.storage[: a.numel()]], a.shape)

@hookimpl
def tinytorch_register_ops(registry):
    registry.kernel("relu", storage_relu)
'''


def run(*argv):
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    (tmp_path / "good_relu.py").write_text(textwrap.dedent(GOOD))
    (tmp_path / "bad_relu.py").write_text(textwrap.dedent(BAD))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_ops_lists_every_op_with_its_provider():
    status, text = run("ops")
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split() == ["op", "family", "served", "by", "shadows"]
    matmul = next(line for line in lines if line.startswith("matmul "))
    assert matmul.split()[1:3] == ["linalg", "core"]


def test_plugins_lists_core():
    status, text = run("plugins")
    assert status == 0
    assert any(line.startswith("core ") and "tinytorch_register_ops" in line for line in text.splitlines())


def test_check_passes_a_correct_plugin_and_leaves_no_trace(plugin_dir):
    before = len(manager.get_plugins())
    status, text = run("check", "good_relu")
    assert status == 0, text
    assert "PASS" in text
    assert len(manager.get_plugins()) == before  # unregistered again


def test_check_fails_a_wrong_plugin_with_the_smallest_case(plugin_dir):
    status, text = run("check", "bad_relu")
    assert status == 1
    assert "FAIL" in text
    assert "smallest failing input" in text


def test_check_of_a_missing_module_exits_2(plugin_dir, capsys):
    status, _ = run("check", "no_such_module_here")
    assert status == 2
    assert "cannot load" in capsys.readouterr().err


def test_console_script_module_runs():
    result = subprocess.run([sys.executable, "-m", "tinytorch.core.cli", "ops"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "softmax" in result.stdout
