"""nn.save / nn.load against the reference safetensors library and PyTorch.

A file written by ``tinytorch.nn.save`` loads with ``safetensors.torch.load_file``
with the same values, dtypes and shapes, and a file written by
``safetensors.torch.save_file`` loads with ``tinytorch.nn.load``; the damaged
files that tinyTorch refuses are refused by the reference too.
"""

import json
import math
import struct

import pytest

torch = pytest.importorskip("torch")
safetensors = pytest.importorskip("safetensors")
import safetensors.torch as st  # noqa: E402

import tinytorch.core as tt  # noqa: E402
from tinytorch import nn, optim  # noqa: E402
from tinytorch.autograd import Variable  # noqa: E402

TORCH_DTYPE = {tt.float64: torch.float64, tt.int64: torch.int64, tt.bool: torch.bool}


def _state():
    tt.manual_seed(0)
    return {
        "weight": tt.randn(4, 3),
        "bias": tt.tensor([0.5, -1.25, math.inf, -0.0]),
        "nan": tt.tensor([math.nan]),
        "transposed": tt.arange(6).reshape(2, 3).float().T,  # non-contiguous
        "steps": tt.tensor([0, -1, 2**63 - 1, -(2**63)]),
        "mask": tt.tensor([[True, False, True]]),
        "scalar": tt.tensor(2.5),
        "scalar_int": tt.tensor(7),
        "empty": tt.zeros(0, 3),
        "empty_bool": tt.zeros(0, dtype=tt.bool),
    }


def _assert_same(ours, theirs):
    assert tuple(theirs.shape) == tuple(ours.shape)
    assert theirs.dtype == TORCH_DTYPE[ours.dtype]
    got = theirs.flatten().tolist()
    want = ours.values()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, float) and math.isnan(w):
            assert math.isnan(g)
        else:
            assert g == w and (not isinstance(w, float) or math.copysign(1, g) == math.copysign(1, w))


def test_a_file_written_here_loads_in_pytorch(tmp_path):
    path = tmp_path / "ours.safetensors"
    state = _state()
    nn.save(state, path, metadata={"epoch": "3"})
    loaded = st.load_file(str(path))
    assert set(loaded) == set(state)
    for name, tensor in state.items():
        _assert_same(tensor, loaded[name])
    with safetensors.safe_open(str(path), framework="pt") as f:
        assert f.metadata() == {"epoch": "3"}


def test_float32_written_here_equals_torch_float(tmp_path):
    path = tmp_path / "f32.safetensors"
    xs = [0.1, 1 / 3, -2.5e-40, 3.4e38, 1e39, -1e39, 16777217.0, 1e-50]
    nn.save({"x": tt.tensor(xs), "n": tt.tensor([5])}, path, dtype="float32")
    loaded = st.load_file(str(path))
    assert loaded["x"].dtype == torch.float32 and loaded["n"].dtype == torch.int64
    assert torch.equal(loaded["x"], torch.tensor(xs, dtype=torch.float64).float())
    # and back: tinyTorch reads the F32 file as float64, the same values as torch's .double()
    assert nn.load(path)["x"].tolist() == torch.tensor(xs, dtype=torch.float64).float().double().tolist()


def test_a_file_written_by_pytorch_loads_here(tmp_path):
    pytest.importorskip("numpy", reason="safetensors.torch.save_file needs numpy")
    path = tmp_path / "theirs.safetensors"
    torch.manual_seed(0)
    tensors = {
        "f64": torch.randn(3, 4, dtype=torch.float64),
        "f32": torch.randn(5, dtype=torch.float32),
        "f16": torch.tensor([1.5, -0.25, 65504.0], dtype=torch.float16),
        "bf16": torch.tensor([1.5, -3.0e38, 1e-3], dtype=torch.bfloat16),
        "i64": torch.tensor([[1, -2], [2**62, -(2**63)]]),
        "i32": torch.tensor([-7, 2**31 - 1], dtype=torch.int32),
        "i16": torch.tensor([-300], dtype=torch.int16),
        "i8": torch.tensor([-5, 7], dtype=torch.int8),
        "u8": torch.tensor([200, 0], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(3.0, dtype=torch.float64),
        "empty": torch.zeros(2, 0, dtype=torch.float64),
    }
    st.save_file(tensors, str(path), metadata={"format": "pt"})
    loaded, metadata = nn.load(path, with_metadata=True)
    assert metadata == {"format": "pt"}
    assert set(loaded) == set(tensors)
    for name, theirs in tensors.items():
        ours = loaded[name]
        assert ours.shape == tuple(theirs.shape), name
        if theirs.dtype.is_floating_point:
            assert ours.dtype is tt.float64
            assert ours.values() == theirs.double().flatten().tolist(), name
        elif theirs.dtype == torch.bool:
            assert ours.dtype is tt.bool and ours.values() == theirs.flatten().tolist()
        else:
            assert ours.dtype is tt.int64 and ours.values() == theirs.flatten().tolist(), name


def test_a_torch_model_state_dict_loads_into_a_tinytorch_model(tmp_path):
    pytest.importorskip("numpy", reason="safetensors.torch.save_file needs numpy")
    path = tmp_path / "mlp.safetensors"
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
    st.save_file(theirs.state_dict(), str(path))
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    ours.load_state_dict(nn.load(path))
    x = [[0.5, -1.0, 2.0], [0.0, 0.25, -0.75]]
    want = theirs(torch.tensor(x, dtype=torch.float64)).tolist()
    got = ours(Variable(tt.tensor(x))).data.tolist()
    for g_row, w_row in zip(got, want):
        for g, w in zip(g_row, w_row):
            assert math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12)
    # and the other way: a tinyTorch model's weights into the torch model
    nn.save(ours.state_dict(), path)
    theirs.load_state_dict(st.load_file(str(path)))


def test_a_checkpoint_is_readable_by_pytorch(tmp_path):
    path = tmp_path / "run.safetensors"
    model = nn.Sequential(nn.Linear(3, 2))
    opt = optim.Adam(model.parameters(), lr=0.01)
    x = Variable(tt.ones(4, 3))
    ((model(x)) ** 2).mean().backward()
    opt.step()
    nn.save_checkpoint(path, model, opt, epoch=1)
    loaded = st.load_file(str(path))
    assert set(loaded) == {"model.0.weight", "model.0.bias", "optimizer.state.0.exp_avg",
                           "optimizer.state.0.exp_avg_sq", "optimizer.state.1.exp_avg",
                           "optimizer.state.1.exp_avg_sq"}
    assert loaded["model.0.weight"].tolist() == model.state_dict()["0.weight"].tolist()
    with safetensors.safe_open(str(path), framework="pt") as f:
        info = json.loads(f.metadata()["tinytorch.checkpoint"])
    assert info["epoch"] == 1


def _file(header, data):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize("header, data", [
    ({"a": {"dtype": "F64", "shape": [3], "data_offsets": [0, 24]}}, bytes(16)),           # out of range
    ({"a": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]}}, bytes(16)),           # gap
    ({"a": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},
      "b": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]}}, bytes(16)),           # overlap
    ({"a": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}, bytes(16)),            # trailing bytes
    ({"a": {"dtype": "F64", "shape": [3], "data_offsets": [0, 16]}}, bytes(16)),           # shape vs bytes
    ({"a": {"dtype": "F65", "shape": [2], "data_offsets": [0, 16]}}, bytes(16)),           # unknown dtype
    ({"__metadata__": {"k": 1}}, b""),                                                     # metadata not str
])
def test_files_refused_here_are_refused_by_the_reference(tmp_path, header, data):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(_file(header, data))
    with pytest.raises(nn.SafetensorsError):
        nn.load(path)
    with pytest.raises(Exception):  # noqa: B017, PT011  (safetensors_rust.SafetensorError)
        st.load_file(str(path))
