"""Saving and loading: ``nn.save`` / ``nn.load`` of a 1-million-parameter state_dict.

Issue 5, section "Speed": save and load of a 1-million-parameter state_dict
each take at most 2 s. That target is an absolute time (kind
``"seconds<="``), so unlike the ratios elsewhere it depends on the machine.

The state_dict is that of two Linear layers, 1000 -> 500 -> 1000 (weights
(500, 1000) and (1000, 500), biases 500 and 1000: 1,001,500 float64 values),
written to a temporary directory.

* ``save 1M params F64``: ``nn.save(state_dict, path)``: the row-major values
  of each tensor into an ``array('d')``, the JSON header, one file write
  (to a temporary name, then renamed).
* ``load 1M params F64``: ``nn.load(path)``: the header parsed and checked,
  each tensor's bytes into an ``array('d')``, ``.tolist()``, a Tensor.
* ``save`` / ``load 1M params F32`` (``dtype="float32"``): the same at half
  the file size.

The reference side is the bare minimum of the same job in plain Python, for
context: for saving, ``array('d', values).tobytes()`` of each tensor written
after a ``json.dumps`` header; for loading, one ``read()`` and
``array('d').frombytes(...).tolist()`` per tensor, without any checking. The
timing is wall-clock (``clock="wall"``): the cost includes the file system.

Each case checks once, untimed, that the two sides agree: the file tinyTorch
saved decodes (with the reference reader) to the original values, and the
tensors it loads equal the reference's lists.

Run: ``python benchmarks/run.py serialization``.
"""

import atexit
import json
import random
import shutil
import struct
import sys
import tempfile
from array import array

import tinytorch.core as tt
from tinytorch import nn

from benchlib import Case

SHAPES = {"0.weight": (500, 1000), "0.bias": (500,), "1.weight": (1000, 500), "1.bias": (1000,)}
_DIR = tempfile.mkdtemp(prefix="tinytorch-bench-")
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def _setup(code):
    rnd = random.Random(11)
    values = {}
    for name, shape in SHAPES.items():
        n = shape[0] * (shape[1] if len(shape) > 1 else 1)
        values[name] = [rnd.uniform(-0.05, 0.05) for _ in range(n)]
    state = {name: tt.Tensor(values[name], SHAPES[name]) for name in SHAPES}
    tag = code.lower()
    ctx = {
        "values": values,
        "state": state,
        "code": code,
        "typecode": "d" if code == "F64" else "f",
        "dtype": None if code == "F64" else "float32",
        "path": f"{_DIR}/tt-{tag}.safetensors",
        "ref_path": f"{_DIR}/ref-{tag}.safetensors",
    }
    nn.save(state, ctx["path"], dtype=ctx["dtype"])  # for the load cases
    _reference_save(ctx)
    return ctx


def _reference_save(ctx):
    """The plain-Python minimum: header JSON, then each tensor's bytes."""
    header, blobs, position = {}, [], 0
    for name, vals in ctx["values"].items():
        data = array(ctx["typecode"], vals)
        if sys.byteorder == "big":
            data.byteswap()
        blob = data.tobytes()
        header[name] = {"dtype": ctx["code"], "shape": list(SHAPES[name]),
                        "data_offsets": [position, position + len(blob)]}
        position += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(ctx["ref_path"], "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def _reference_load(path):
    """The plain-Python minimum: one read, each tensor's bytes into a list, no checks."""
    with open(path, "rb") as f:
        content = f.read()
    (n,) = struct.unpack("<Q", content[:8])
    header = json.loads(content[8 : 8 + n])
    view = memoryview(content)[8 + n :]
    out = {}
    for name, info in header.items():
        data = array("d" if info["dtype"] == "F64" else "f")
        begin, end = info["data_offsets"]
        data.frombytes(view[begin:end])
        if sys.byteorder == "big":
            data.byteswap()
        out[name] = data.tolist()
    return out


def _check_saved(tt_result, ref_result, ctx):
    decoded = _reference_load(ctx["path"])
    for name, vals in ctx["values"].items():
        want = vals if ctx["code"] == "F64" else array("f", vals).tolist()
        assert decoded[name] == want, name


def _check_loaded(tt_result, ref_result, ctx):
    assert list(tt_result) == list(ref_result)
    for name, tensor in tt_result.items():
        assert tensor.shape == SHAPES[name]
        assert tensor.values() == ref_result[name], name


def _cases(code):
    setup = lambda: _setup(code)  # noqa: E731
    return [
        Case(
            f"save 1M params {code}",
            setup,
            tinytorch=lambda c: nn.save(c["state"], c["path"], dtype=c["dtype"]),
            reference=_reference_save,
            kind="seconds<=",
            target=2.0,
            check=_check_saved,
            clock="wall",
            repeat=10,
            reference_code=f"array('{'d' if code == 'F64' else 'f'}', values).tobytes() per tensor after a json.dumps header",
        ),
        Case(
            f"load 1M params {code}",
            setup,
            tinytorch=lambda c: nn.load(c["path"]),
            reference=lambda c: _reference_load(c["ref_path"]),
            kind="seconds<=",
            target=2.0,
            check=_check_loaded,
            clock="wall",
            repeat=10,
            reference_code="one read(), array.frombytes(...).tolist() per tensor, no checks",
        ),
    ]


CASES = _cases("F64") + _cases("F32")
