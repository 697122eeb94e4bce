"""The examples in examples/ run, briefly, and say what they should.

Each runs in a fresh interpreter (as a learner runs it), with few epochs to
stay fast; the full runs are what the examples' docstrings describe.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ is not beside this checkout")


def _tinytorch_path():
    """The folders the ``tinytorch`` namespace comes from here, absolute (PYTHONPATH may be relative)."""
    import tinytorch

    roots = [str(Path(p).resolve().parent) for p in tinytorch.__path__]
    return os.pathsep.join([*roots, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)


def run(name, *args, cwd):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=_tinytorch_path())
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def test_linear_regression_fits_the_line(tmp_path):
    code, out, err = run("linear_regression.py", "--epochs", "8", cwd=tmp_path)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith("fit epoch 1/8  step 13/13  100%  loss ")
    assert "sample/s" in lines[0] and "done in" in lines[0]
    assert lines[7].startswith("fit epoch 8/8")
    assert any(line.startswith("learned y = ") for line in lines)
    assert lines[-1].startswith("done in ")


def test_linear_regression_fails_loudly_when_it_does_not_converge(tmp_path):
    code, _out, err = run("linear_regression.py", "--epochs", "1", cwd=tmp_path)
    assert code == 1
    assert "did not converge" in err


def test_classify_spirals_trains_saves_reloads_and_draws(tmp_path):
    out_dir = tmp_path / "run"
    code, out, err = run("classify_spirals.py", "--epochs", "2", "--min-accuracy", "0",
                         "--out", str(out_dir), cwd=tmp_path)
    assert code == 0, out + err
    assert "train epoch 1/2  step 15/15  100%  loss " in out
    assert "train epoch 2/2" in out and "accuracy " in out and "sample/s" in out
    assert "val_accuracy" in out
    assert "same predictions: yes" in out
    assert "validation accuracy " in out
    root = ET.parse(out_dir / "spirals_curves.svg").getroot()
    metrics = {p.get("data-metric") for p in root.iter("{http://www.w3.org/2000/svg}polyline")}
    assert metrics == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert (out_dir / "spirals_mlp.safetensors").stat().st_size > 0
    assert (out_dir / "spirals_history.csv").read_text().startswith("epoch,loss,accuracy,")


def test_classify_spirals_exits_non_zero_below_the_threshold(tmp_path):
    code, _out, err = run("classify_spirals.py", "--epochs", "1", "--min-accuracy", "0.999",
                         "--samples", "150", cwd=tmp_path)
    assert code == 1
    assert "below --min-accuracy" in err
    assert (tmp_path / "spirals_curves.svg").exists()  # the default --out is the current directory
