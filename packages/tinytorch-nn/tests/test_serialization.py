"""nn.save / nn.load (the safetensors format) and nn.save_checkpoint / nn.load_checkpoint.

Every expected file is built by hand here (``struct`` and ``json``), never by
the code under test: the exact bytes of small files, and every kind of
damaged file the loader must refuse.
"""

import json
import math
import os
import re
import struct

import pytest

import tinytorch.core as tt
from tinytorch import nn, optim
from tinytorch.autograd import Variable
from tinytorch.nn import Parameter, SafetensorsError, checkpoint, serialization


# ------------------------------------------------------------------ helpers
def file_bytes(header, data=b"", pad=True, raw_header=None):
    """A safetensors file: u64 little-endian length, JSON header (space-padded), data."""
    text = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def write(tmp_path, content, name="bad.safetensors"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def f64(*xs):
    return struct.pack(f"<{len(xs)}d", *xs)


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def same(a, b):
    """Equal values (nan equals nan, -0.0 differs from 0.0), shape and dtype."""
    assert a.shape == b.shape and a.dtype is b.dtype
    for x, y in zip(a.values(), b.values(), strict=True):
        if isinstance(x, float) and math.isnan(x):
            assert math.isnan(y)
        else:
            assert x == y and type(x) is type(y)
            if isinstance(x, float):
                assert math.copysign(1, x) == math.copysign(1, y)


def round_trip(tmp_path, state, **kwargs):
    path = tmp_path / "t.safetensors"
    nn.save(state, path, **kwargs)
    return nn.load(path)


# ------------------------------------------------------------------ round trips
def test_round_trip_every_dtype_and_shape(tmp_path):
    state = {
        "f": tt.tensor([[1.5, -2.25, 0.1], [math.inf, -math.inf, 5e-324]]),
        "nan_and_negative_zero": tt.tensor([math.nan, -0.0, 0.0]),
        "i": tt.tensor([0, -1, 2**63 - 1, -(2**63)]),
        "b": tt.tensor([[True, False], [False, True]]),
        "scalar_f": tt.tensor(3.25),
        "scalar_i": tt.tensor(-7),
        "scalar_b": tt.tensor(False),
        "empty": tt.zeros(0),
        "empty_2x0x3": tt.zeros(2, 0, 3),
        "empty_int": tt.zeros(0, 4, dtype=tt.int64),
        "empty_bool": tt.zeros(3, 0, dtype=tt.bool),
        "cube": tt.arange(24).reshape(2, 3, 4).float(),
    }
    loaded = round_trip(tmp_path, state)
    assert list(loaded) == list(state)  # the header keeps the state_dict's order
    for name, tensor in state.items():
        same(loaded[name], tensor)
    assert loaded["scalar_f"].shape == () and loaded["scalar_f"].item() == 3.25
    assert loaded["empty_2x0x3"].shape == (2, 0, 3)


def test_non_contiguous_tensors_are_written_row_major(tmp_path):
    base = tt.arange(12).reshape(3, 4).float()
    state = {
        "transposed": base.T,                 # strides (1, 4)
        "stepped": base[:, ::2],              # a strided view
        "offset": base[1:],                   # a view starting inside its storage
        "expanded": tt.tensor([1, 2]).expand(3, 2),  # stride 0
        "row": base[2],
    }
    assert not state["transposed"].is_contiguous()
    loaded = round_trip(tmp_path, state)
    assert loaded["transposed"].tolist() == [[0.0, 4.0, 8.0], [1.0, 5.0, 9.0], [2.0, 6.0, 10.0], [3.0, 7.0, 11.0]]
    assert loaded["stepped"].tolist() == [[0.0, 2.0], [4.0, 6.0], [8.0, 10.0]]
    assert loaded["offset"].tolist() == [[4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]
    assert loaded["expanded"].tolist() == [[1, 2], [1, 2], [1, 2]]
    assert loaded["row"].tolist() == [8.0, 9.0, 10.0, 11.0]
    for tensor in loaded.values():
        assert tensor.is_contiguous()


def test_variables_parameters_and_a_model(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    state = {"p": Parameter(tt.tensor([1.0, 2.0])), "v": Variable(tt.tensor([3.0])), **model.state_dict()}
    loaded = round_trip(tmp_path, state)
    assert loaded["p"].tolist() == [1.0, 2.0] and type(loaded["p"]) is tt.Tensor
    assert loaded["v"].tolist() == [3.0]
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    del loaded["p"], loaded["v"]
    fresh.load_state_dict(loaded)
    for name, tensor in model.state_dict().items():
        same(fresh.state_dict()[name], tensor)
    # the model's own state_dict(keep_vars=True) (Parameters) saves too
    nn.save(model.state_dict(keep_vars=True), tmp_path / "vars.safetensors")
    assert nn.load(tmp_path / "vars.safetensors").keys() == model.state_dict().keys()


def test_float32_rounds_to_nearest_and_halves_the_size(tmp_path):
    xs = [0.1, 1 / 3, -2.5, 1e-50, 3.4e38, 1e39, -1e39, math.nan, 16777217.0]
    # the plain-Python float32 rounding of each (struct refuses to pack beyond the range: inf)
    expected = [struct.unpack("<f", struct.pack("<f", x))[0] if abs(x) < 3.5e38 else math.copysign(math.inf, x)
                for x in xs]
    assert expected[0] == 0.10000000149011612 and expected[3] == 0.0 and expected[-1] == 16777216.0
    state = {"x": tt.tensor(xs), "i": tt.tensor([2**40]), "b": tt.tensor([True])}
    loaded = round_trip(tmp_path, state, dtype="float32")
    got = loaded["x"].tolist()
    assert loaded["x"].dtype is tt.float64
    assert got[:7] + got[8:] == expected[:7] + expected[8:] and math.isnan(got[7])
    assert loaded["i"].tolist() == [2**40] and loaded["i"].dtype is tt.int64  # ints stay exact
    assert loaded["b"].tolist() == [True]
    big = {"w": tt.zeros(100)}
    nn.save(big, tmp_path / "64.st")
    nn.save(big, tmp_path / "32.st", dtype="F32")
    assert os.path.getsize(tmp_path / "64.st") - os.path.getsize(tmp_path / "32.st") == 400
    header = json.loads((tmp_path / "32.st").read_bytes()[8:].split(b"}}")[0] + b"}}")
    assert header["w"]["dtype"] == "F32"


@pytest.mark.parametrize("dtype, code", [(None, "F64"), (tt.float64, "F64"), ("float64", "F64"),
                                         ("F64", "F64"), ("float32", "F32"), ("F32", "F32")])
def test_dtype_spellings(tmp_path, dtype, code):
    nn.save({"w": tt.tensor([1.0])}, tmp_path / "w.st", dtype=dtype)
    content = (tmp_path / "w.st").read_bytes()
    assert f'"dtype":"{code}"'.encode() in content


@pytest.mark.parametrize("dtype", ["float16", tt.int64, "f32", float])
def test_bad_dtype_argument(tmp_path, dtype):
    with pytest.raises(ValueError, match="float32"):
        nn.save({"w": tt.tensor([1.0])}, tmp_path / "w.st", dtype=dtype)


def test_metadata_round_trip(tmp_path):
    path = tmp_path / "m.safetensors"
    nn.save({"w": tt.ones(2)}, path, metadata={"epoch": "3", "note": "héllo"})
    tensors, metadata = nn.load(path, with_metadata=True)
    assert metadata == {"epoch": "3", "note": "héllo"}
    assert tensors["w"].tolist() == [1.0, 1.0]
    nn.save({"w": tt.ones(2)}, path)
    assert nn.load(path, with_metadata=True)[1] == {}
    assert list(nn.load(path)) == ["w"]


def test_save_refuses_what_the_format_cannot_hold(tmp_path):
    path = tmp_path / "x.st"
    with pytest.raises(TypeError, match="strings to strings"):
        nn.save({"w": tt.ones(1)}, path, metadata={"epoch": 3})
    with pytest.raises(TypeError, match="only Tensors"):
        nn.save({"w": [1.0, 2.0]}, path)
    with pytest.raises(TypeError, match="names must be strings"):
        nn.save({0: tt.ones(1)}, path)
    with pytest.raises(ValueError, match="reserved"):
        nn.save({"__metadata__": tt.ones(1)}, path)
    with pytest.raises(ValueError, match="outside the int64 range"):
        nn.save({"big": tt.tensor([1, 2**63])}, path)
    with pytest.raises(TypeError, match="dict of name"):
        nn.save([tt.ones(1)], path)
    assert not path.exists()


def test_a_failed_save_leaves_the_old_file(tmp_path):
    path = tmp_path / "keep.st"
    nn.save({"w": tt.tensor([1.0])}, path)
    with pytest.raises(ValueError):
        nn.save({"w": tt.tensor([2.0]), "big": tt.tensor([2**64])}, path)
    assert nn.load(path)["w"].tolist() == [1.0]
    assert os.listdir(tmp_path) == ["keep.st"]  # no temporary file left behind


def test_paths_may_be_strings(tmp_path):
    path = str(tmp_path / "s.st")
    nn.save({"w": tt.tensor([1.0])}, path)
    assert nn.load(path)["w"].tolist() == [1.0]


# ------------------------------------------------------------------ exact bytes
def test_exact_bytes_of_a_tiny_file(tmp_path):
    path = tmp_path / "tiny.safetensors"
    nn.save({"w": tt.tensor([1.5, -2.0]), "b": tt.tensor(True), "n": tt.tensor([3])}, path,
            metadata={"k": "v"})
    # the header by hand: compact JSON, tensors in the given order; in the
    # data the 8-byte tensors first (w, n), then the 1-byte one (b)
    header = (b'{"__metadata__":{"k":"v"},'
              b'"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},'
              b'"b":{"dtype":"BOOL","shape":[],"data_offsets":[24,25]},'
              b'"n":{"dtype":"I64","shape":[1],"data_offsets":[16,24]}}')
    assert len(header) == 190
    padded = header + b"  "  # 2 spaces: 192 = 24 * 8
    expected = (
        bytes([192, 0, 0, 0, 0, 0, 0, 0])
        + padded
        + bytes([0, 0, 0, 0, 0, 0, 0xF8, 0x3F])  # 1.5: sign 0, exponent 0x3FF, mantissa .1
        + bytes([0, 0, 0, 0, 0, 0, 0x00, 0xC0])  # -2.0: sign 1, exponent 0x400
        + bytes([3, 0, 0, 0, 0, 0, 0, 0])        # 3 as a little-endian int64
        + bytes([1])                             # True
    )
    assert path.read_bytes() == expected


def test_exact_bytes_float32_and_empty(tmp_path):
    path = tmp_path / "f32.safetensors"
    nn.save({"x": tt.tensor([[1.5], [-2.0]])}, path, dtype="float32")
    header = b'{"x":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]}}'
    assert len(header) == 56  # already a multiple of 8: no padding
    assert path.read_bytes() == (bytes([56, 0, 0, 0, 0, 0, 0, 0]) + header
                                 + bytes([0, 0, 0xC0, 0x3F]) + bytes([0, 0, 0, 0xC0]))
    nn.save({}, path)  # as the reference implementation writes an empty file
    assert path.read_bytes() == bytes([8, 0, 0, 0, 0, 0, 0, 0]) + b"{}      "
    assert nn.load(path) == {}


def test_every_tensor_is_aligned_to_its_element_size(tmp_path):
    path = tmp_path / "a.st"
    nn.save({"b": tt.tensor([True, False, True]), "f": tt.tensor([1.0]), "i": tt.tensor([1, 2]),
             "g": tt.tensor([2.0, 3.0])}, path, dtype="float32")
    content = path.read_bytes()
    (n,) = struct.unpack("<Q", content[:8])
    assert n % 8 == 0
    header = json.loads(content[8:8 + n])
    assert list(header) == ["b", "f", "i", "g"]
    assert header["i"]["data_offsets"] == [0, 16]
    assert header["f"]["data_offsets"] == [16, 20] and header["g"]["data_offsets"] == [20, 28]
    assert header["b"]["data_offsets"] == [28, 31]


# ------------------------------------------------------------------ reading other writers' files
def test_reads_every_readable_dtype_from_bytes_built_by_hand(tmp_path):
    parts = [
        ("f16", "F16", [2], struct.pack("<2e", 1.5, -0.25)),
        ("bf16", "BF16", [2], bytes([0xC0, 0x3F, 0x80, 0xBF])),  # 1.5, -1.0: top halves of float32
        ("i32", "I32", [2], struct.pack("<2i", -1, 2**31 - 1)),
        ("i16", "I16", [1], struct.pack("<h", -300)),
        ("i8", "I8", [2], struct.pack("<2b", -5, 7)),
        ("u8", "U8", [2], bytes([200, 0])),
        ("u16", "U16", [1], struct.pack("<H", 65535)),
        ("u32", "U32", [1], struct.pack("<I", 2**32 - 1)),
        ("u64", "U64", [1], struct.pack("<Q", 2**64 - 1)),
        ("bools", "BOOL", [3], bytes([1, 0, 2])),  # any nonzero byte is True, as in PyTorch
    ]
    header, data = {}, b""
    for name, code, shape, raw in parts:
        header[name] = entry(code, shape, len(data), len(data) + len(raw))
        data += raw
    loaded = nn.load(write(tmp_path, file_bytes(header, data)))
    assert loaded["f16"].tolist() == [1.5, -0.25] and loaded["f16"].dtype is tt.float64
    assert loaded["bf16"].tolist() == [1.5, -1.0] and loaded["bf16"].dtype is tt.float64
    assert loaded["i32"].tolist() == [-1, 2**31 - 1] and loaded["i32"].dtype is tt.int64
    assert loaded["i16"].tolist() == [-300]
    assert loaded["i8"].tolist() == [-5, 7]
    assert loaded["u8"].tolist() == [200, 0]
    assert loaded["u16"].tolist() == [65535]
    assert loaded["u32"].tolist() == [2**32 - 1]
    assert loaded["u64"].tolist() == [2**64 - 1]
    assert loaded["bools"].tolist() == [True, False, True]


def test_accepted_variations_of_valid_files(tmp_path):
    # header order need not be offset order; no padding; newline padding; extra keys; empty tensors anywhere
    header = {"second": entry("F64", [1], 8, 16), "first": entry("F64", [1], 0, 8)}
    loaded = nn.load(write(tmp_path, file_bytes(header, f64(1.0, 2.0))))
    assert list(loaded) == ["second", "first"] and loaded["first"].tolist() == [1.0]
    raw = b'{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}'  # 55 bytes, not padded
    assert nn.load(write(tmp_path, file_bytes(None, f64(4.0), pad=False, raw_header=raw)))["a"].tolist() == [4.0]
    loaded = nn.load(write(tmp_path, file_bytes(None, f64(4.0), pad=False, raw_header=raw + b"\n\t ")))
    assert loaded["a"].tolist() == [4.0]
    header = {"a": {**entry("F64", [1], 0, 8), "comment": "ignored"}, "e": entry("F64", [0, 5], 8, 8)}
    loaded = nn.load(write(tmp_path, file_bytes(header, f64(4.0))))
    assert loaded["e"].shape == (0, 5)


# ------------------------------------------------------------------ corrupt files
GOOD = {"a": entry("F64", [2], 0, 16)}

CORRUPT = {
    "empty file": (b"", "too short"),
    "truncated length": (b"\x10\x00\x00\x00\x00", "too short"),
    "header length larger than the file": (struct.pack("<Q", 1000) + b"{}", "header length says 1000"),
    "a zip (torch.save)": (b"PK\x03\x04" + bytes(60), "torch.save"),
    "not UTF-8": (file_bytes(None, raw_header=b'{"\xff":1}'), "not UTF-8"),
    "invalid JSON": (file_bytes(None, f64(1, 2), raw_header=b'{"a":{"dtype":'), "not valid JSON"),
    "NaN in the JSON": (file_bytes(None, raw_header=b'{"__metadata__":{"k":NaN}}'), "not valid JSON"),
    "NUL padding": (file_bytes(None, f64(1, 2), pad=False,
                               raw_header=b'{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}\0'),
                    "not valid JSON"),
    "header is a list": (file_bytes([1, 2]), "must be a JSON object, got a JSON array"),
    "header is a string": (file_bytes("x"), "must be a JSON object, got a JSON string"),
    "duplicate key": (file_bytes(None, f64(1, 2), raw_header=b'{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},'
                                                             b'"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}'),
                      "'a' twice"),
    "metadata value not a string": (file_bytes({"__metadata__": {"epoch": 3}, **GOOD}, f64(1, 2)),
                                    "values are all strings"),
    "metadata not an object": (file_bytes({"__metadata__": "x"}), "values are all strings"),
    "entry not an object": (file_bytes({"a": [0, 16]}, f64(1, 2)), "tensor 'a': its entry must be a JSON object"),
    "no data_offsets": (file_bytes({"a": {"dtype": "F64", "shape": [2]}}, f64(1, 2)), "no 'data_offsets'"),
    "unknown dtype": (file_bytes({"a": entry("F65", [2], 0, 16)}, f64(1, 2)), "unknown dtype 'F65'"),
    "dtype not a string": (file_bytes({"a": entry(8, [2], 0, 16)}, f64(1, 2)), "unknown dtype 8"),
    "unreadable dtype": (file_bytes({"a": entry("F8_E4M3", [2], 0, 2)}, b"\0\0"),
                         "dtype F8_E4M3 cannot be read"),
    "negative shape": (file_bytes({"a": entry("F64", [-2], 0, 16)}, f64(1, 2)), "non-negative integers"),
    "float shape": (file_bytes({"a": entry("F64", [2.0], 0, 16)}, f64(1, 2)), "non-negative integers"),
    "bool shape": (file_bytes({"a": entry("F64", [True, 2], 0, 16)}, f64(1, 2)), "non-negative integers"),
    "shape not a list": (file_bytes({"a": entry("F64", 2, 0, 16)}, f64(1, 2)), "non-negative integers"),
    "three offsets": (file_bytes({"a": {"dtype": "F64", "shape": [2], "data_offsets": [0, 8, 16]}}, f64(1, 2)),
                      "data_offsets must be"),
    "negative offset": (file_bytes({"a": entry("F64", [0], -8, -8)}, b""), "data_offsets must be"),
    "offsets end before they begin": (file_bytes({"a": entry("F64", [2], 16, 0)}, f64(1, 2)),
                                      "end before they begin"),
    "shape does not match the bytes": (file_bytes({"a": entry("F64", [3], 0, 16)}, f64(1, 2)),
                                       "needs 3 x 8 = 24 bytes, but data_offsets [0, 16] hold 16"),
    "overlapping": (file_bytes({"a": entry("F64", [2], 0, 16), "b": entry("F64", [1], 8, 16)}, f64(1, 2)),
                    "overlaps tensor 'a'"),
    "the same bytes twice": (file_bytes({"a": entry("F64", [2], 0, 16), "b": entry("F64", [2], 0, 16)}, f64(1, 2)),
                             "overlaps"),
    "empty tensor inside another": (file_bytes({"a": entry("F64", [2], 0, 16), "e": entry("F64", [0], 8, 8)},
                                               f64(1, 2)), "overlaps"),
    "gap at the start": (file_bytes({"a": entry("F64", [1], 8, 16)}, f64(1, 2)), "bytes 0..8 of the data belong to no tensor"),
    "gap between, unordered": (file_bytes({"b": entry("F64", [1], 16, 24), "a": entry("F64", [1], 0, 8)},
                                          f64(1, 2, 3)), "bytes 8..16"),
    "out of range": (file_bytes({"a": entry("F64", [3], 0, 24)}, f64(1, 2)), "holds only 16 bytes of data"),
    "trailing garbage": (file_bytes(GOOD, f64(1, 2) + b"junk"), "4 bytes of trailing data"),
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_corrupt_files_raise_a_clear_error(tmp_path, case):
    content, message = CORRUPT[case]
    path = write(tmp_path, content)
    with pytest.raises(SafetensorsError, match=re.escape(str(path)) + ".*" + re.escape(message)) as info:
        nn.load(path)
    assert isinstance(info.value, ValueError)
    assert info.value.path == str(path) and message in info.value.problem


def test_header_length_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(serialization, "MAX_HEADER_SIZE", 16)
    path = write(tmp_path, file_bytes(GOOD, f64(1, 2)))
    with pytest.raises(SafetensorsError, match="beyond the format's limit of 16 bytes"):
        nn.load(path)


def test_every_truncation_of_a_valid_file_is_refused(tmp_path):
    path = tmp_path / "ok.st"
    nn.save({"w": tt.tensor([[1.0, 2.0]]), "n": tt.tensor([1]), "b": tt.tensor(True)}, path, metadata={"k": "v"})
    content = path.read_bytes()
    nn.load(path)
    for length in range(len(content)):
        with pytest.raises(SafetensorsError):
            nn.load(write(tmp_path, content[:length], "cut.st"))


def test_nothing_is_built_before_the_whole_file_is_checked(tmp_path, monkeypatch):
    built = []
    real = serialization._decode
    monkeypatch.setattr(serialization, "_decode", lambda *a: built.append(a) or real(*a))
    # the first tensor is fine; the last one is damaged
    header = {"good": entry("F64", [2], 0, 16), "bad": entry("F64", [2], 16, 32)}
    with pytest.raises(SafetensorsError, match="tensor 'bad' ends at byte 32"):
        nn.load(write(tmp_path, file_bytes(header, f64(1, 2, 3))))
    assert built == []
    model = nn.Linear(2, 1)
    before = [t.tolist() for t in model.state_dict().values()]
    good = {"weight": entry("F64", [1, 2], 0, 16), "bias": entry("F64", [1], 16, 24)}
    with pytest.raises(SafetensorsError):
        model.load_state_dict(nn.load(write(tmp_path, file_bytes(good, f64(1, 2, 3) + b"x"))))
    assert [t.tolist() for t in model.state_dict().values()] == before
    assert built == []


def test_loading_never_runs_code(tmp_path):
    # a pickle that would call os.system: not a safetensors file, refused unread
    import pickle

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned > " + str(tmp_path / "pwned"),))

    path = write(tmp_path, pickle.dumps(Evil()), "evil.pt")
    with pytest.raises(SafetensorsError):
        nn.load(path)
    assert not (tmp_path / "pwned").exists()


# ------------------------------------------------------------------ checkpoints
def _problem():
    tt.manual_seed(0)
    return Variable(tt.randn(8, 3)), Variable(tt.randn(8, 2))


def _model(seed):
    tt.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def _step(model, opt, x, y):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    return loss.item()


def _weights(model):
    return {k: v.tolist() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("make", [
    lambda ps: optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), amsgrad=True),
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    lambda ps: optim.AdamW(ps, lr=0.01),
    lambda ps: optim.Adagrad(ps, lr=0.1),
])
def test_checkpoint_resumes_training_exactly(tmp_path, make):
    x, y = _problem()
    model = _model(1)
    opt = make(model.parameters())
    _step(model, opt, x, y)
    _step(model, opt, x, y)
    path = tmp_path / "run.safetensors"
    nn.save_checkpoint(path, model, opt, epoch=2, best_loss=0.25, note="warm-up done")

    fresh = _model(2)
    fresh_opt = make(fresh.parameters())
    fresh_opt.param_groups[0]["lr"] = 123.0  # overwritten by the checkpoint
    assert _weights(fresh) != _weights(model)
    info = nn.load_checkpoint(path, fresh, fresh_opt)
    assert info["epoch"] == 2 and info["best_loss"] == 0.25 and info["note"] == "warm-up done"
    assert _weights(fresh) == _weights(model)
    assert fresh_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for key in opt.param_groups[0]:
        if key != "params":
            assert fresh_opt.param_groups[0][key] == opt.param_groups[0][key]
            assert type(fresh_opt.param_groups[0][key]) is type(opt.param_groups[0][key])  # betas stay a tuple

    # the next step is identical, bit for bit
    assert _step(fresh, fresh_opt, x, y) == _step(model, opt, x, y)
    assert _weights(fresh) == _weights(model)


def test_checkpoint_is_a_plain_safetensors_file(tmp_path):
    x, y = _problem()
    model = _model(1)
    opt = optim.Adam(model.parameters(), lr=0.01)
    _step(model, opt, x, y)
    path = tmp_path / "run.safetensors"
    nn.save_checkpoint(path, model, opt, epoch=1)
    tensors, metadata = nn.load(path, with_metadata=True)
    assert list(tensors)[:4] == ["model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"]
    assert "optimizer.state.0.exp_avg" in tensors and "optimizer.state.3.exp_avg_sq" in tensors
    assert tensors["optimizer.state.0.exp_avg"].shape == (4, 3)
    info = json.loads(metadata[checkpoint.CHECKPOINT_KEY])  # the non-tensor parts, as JSON
    assert info["epoch"] == 1 and info["optimizer"]["type"] == "Adam"
    assert info["optimizer"]["state_dict"]["param_groups"][0]["lr"] == 0.01
    assert set(metadata) == {checkpoint.CHECKPOINT_KEY}


def test_checkpoint_extras_and_returned_state(tmp_path):
    model = _model(1)
    path = tmp_path / "c.st"
    extra = {
        "history": [0.5, 0.25, math.inf],
        "scheduler": {"last_epoch": 3, "base_lrs": [0.1], "_last_lr": (0.05,)},
        "by_int": {1: "one", 2: (2.0, None)},
        "odd_keys": {"__tensor__": "not a tensor", "__tuple__": 1},
        "nan": math.nan,
        "mask": tt.tensor([True, False]),
        "nested": {"w": [tt.tensor([1.0]), Variable(tt.tensor([2, 3]))]},
        "flag": False,
        "nothing": None,
    }
    nn.save_checkpoint(path, model, epoch=7, **extra)
    info = nn.load_checkpoint(path)
    assert info["epoch"] == 7 and info["optimizer"] is None
    assert info["history"] == [0.5, 0.25, math.inf]
    assert info["scheduler"] == {"last_epoch": 3, "base_lrs": [0.1], "_last_lr": (0.05,)}
    assert info["by_int"] == {1: "one", 2: (2.0, None)}
    assert info["odd_keys"] == {"__tensor__": "not a tensor", "__tuple__": 1}
    assert math.isnan(info["nan"])
    assert info["mask"].tolist() == [True, False] and info["mask"].dtype is tt.bool
    assert info["nested"]["w"][0].tolist() == [1.0] and info["nested"]["w"][1].tolist() == [2, 3]
    assert info["flag"] is False and info["nothing"] is None
    assert {k: v.tolist() for k, v in info["model"].items()} == _weights(model)
    # a checkpoint of an epoch only
    nn.save_checkpoint(path, epoch=0)
    assert nn.load_checkpoint(path) == {"epoch": 0, "model": None, "optimizer": None}


def test_checkpoint_refuses_values_json_cannot_hold(tmp_path):
    with pytest.raises(TypeError, match=r"extra\.fn is a function"):
        nn.save_checkpoint(tmp_path / "c.st", epoch=1, fn=lambda: 1)
    with pytest.raises(TypeError, match=r"extra\.s\.0 is a set"):
        nn.save_checkpoint(tmp_path / "c.st", s=[{1, 2}])
    with pytest.raises(TypeError, match="Tensor used as a dict key"):
        nn.save_checkpoint(tmp_path / "c.st", d={tt.ones(1): 1})
    assert not (tmp_path / "c.st").exists()


def test_checkpoint_extra_names_that_look_like_tags(tmp_path):
    nn.save_checkpoint(tmp_path / "c.st", __tensor__="x", __tuple__=[1])
    info = nn.load_checkpoint(tmp_path / "c.st")
    assert info["__tensor__"] == "x" and info["__tuple__"] == [1]


def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save({"w": tt.ones(1)}, tmp_path / "nowhere" / "w.st")


def test_load_checkpoint_changes_nothing_on_a_mismatch(tmp_path):
    x, y = _problem()
    model = _model(1)
    opt = optim.Adam(model.parameters(), lr=0.01)
    _step(model, opt, x, y)
    path = tmp_path / "run.st"
    nn.save_checkpoint(path, model, opt, epoch=1)

    def untouched(m, o, lr):
        return _weights(m) == _weights(_model(2)) and o.state == {} and o.param_groups[0]["lr"] == lr

    # an optimizer of another type
    m = _model(2)
    o = optim.SGD(m.parameters(), lr=0.3)
    with pytest.raises(ValueError, match="Adam optimizer, not of a SGD"):
        nn.load_checkpoint(path, m, o)
    assert untouched(m, o, 0.3)
    # an optimizer with other parameter groups
    m = _model(2)
    o = optim.Adam([{"params": list(m.parameters())[:2]}, {"params": list(m.parameters())[2:]}], lr=0.3)
    with pytest.raises(ValueError, match=r"sizes \[4\], this one \[2, 2\]"):
        nn.load_checkpoint(path, m, o)
    assert untouched(m, o, 0.3)
    # a model of another shape: Module.load_state_dict refuses, the optimizer is not touched
    m = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    o = optim.Adam(m.parameters(), lr=0.3)
    with pytest.raises(RuntimeError, match="wrong shapes"):
        nn.load_checkpoint(path, m, o)
    assert o.state == {} and o.param_groups[0]["lr"] == 0.3
    # asking for parts the file does not have
    nn.save_checkpoint(path, epoch=1)
    with pytest.raises(SafetensorsError, match="no model weights"):
        nn.load_checkpoint(path, _model(2))
    nn.save_checkpoint(path, model, epoch=1)
    with pytest.raises(SafetensorsError, match="no optimizer state"):
        nn.load_checkpoint(path, _model(2), optim.Adam(_model(2).parameters()))


def test_load_checkpoint_refuses_files_that_are_not_checkpoints(tmp_path):
    path = tmp_path / "w.st"
    nn.save({"w": tt.ones(1)}, path)
    with pytest.raises(SafetensorsError, match=r"not a tinyTorch checkpoint.*nn\.load"):
        nn.load_checkpoint(path)
    key = checkpoint.CHECKPOINT_KEY
    nn.save({}, path, metadata={key: "{oops"})
    with pytest.raises(SafetensorsError, match="checkpoint metadata is not valid JSON"):
        nn.load_checkpoint(path)
    nn.save({}, path, metadata={key: '{"version": 2}'})
    with pytest.raises(SafetensorsError, match="version-1"):
        nn.load_checkpoint(path)
    nn.save({}, path, metadata={key: '{"version": 1, "epoch": {"__tensor__": "gone"}}'})
    with pytest.raises(SafetensorsError, match="tensor 'gone', which is not in the file"):
        nn.load_checkpoint(path)
    nn.save({"stray": tt.ones(1)}, path, metadata={key: '{"version": 1}'})
    with pytest.raises(SafetensorsError, match="does not account for: stray"):
        nn.load_checkpoint(path)
    nn.save({}, path, metadata={key: '{"version": 1, "model": ["w"]}'})
    with pytest.raises(SafetensorsError, match="'w' is listed but not in the file"):
        nn.load_checkpoint(path)
    for malformed in ['{"version": 1, "optimizer": {"type": "Adam"}}',
                      '{"version": 1, "optimizer": {"type": "Adam", "state_dict": {"state": {}}}}',
                      '{"version": 1, "optimizer": {"type": "Adam", "state_dict": [1]}}',
                      '{"version": 1, "model": 5}',
                      '{"version": 1, "epoch": {"__float__": "lots"}}',
                      '{"version": 1, "extra": {"__items__": [[1]]}}',
                      '{"version": 1, "extra": [1]}']:
        nn.save({}, path, metadata={key: malformed})
        with pytest.raises(SafetensorsError, match="malformed"):
            nn.load_checkpoint(path, _model(2), optim.Adam(_model(2).parameters()))


def test_a_pickle_is_refused_with_a_hint(tmp_path):
    import pickle

    path = tmp_path / "model.pt"
    path.write_bytes(pickle.dumps({"weight": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="looks like a Python pickle"):
        nn.load(path)
