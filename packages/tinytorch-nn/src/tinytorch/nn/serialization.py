"""Saving and loading tensors in the safetensors format, with the standard library only.

>>> import tinytorch.core as tt
>>> from tinytorch import nn
>>> model = nn.Linear(3, 2)
>>> nn.save(model.state_dict(), "linear.safetensors")        # doctest: +SKIP
>>> model.load_state_dict(nn.load("linear.safetensors"))     # doctest: +SKIP

The file format
---------------
A safetensors file (https://github.com/huggingface/safetensors) is three
parts, one after the other::

    +----------+---------------------------+--------------------------------+
    | 8 bytes  | N bytes                   | the data: every tensor's bytes |
    | N (u64,  | JSON header, padded with  | one after the other, no gaps   |
    | little-  | spaces to a multiple of 8 |                                |
    | endian)  |                           |                                |
    +----------+---------------------------+--------------------------------+

The header is one JSON object. Each key is a tensor's name, each value says
how to read it::

    {"__metadata__": {"epoch": "3"},
     "weight": {"dtype": "F64", "shape": [2, 3], "data_offsets": [0, 48]},
     "bias":   {"dtype": "F64", "shape": [2],    "data_offsets": [48, 64]}}

``data_offsets`` are ``[begin, end)`` byte positions counted from the start
of the data part; the values are little-endian and in row-major order (the
last index changes fastest). The optional ``"__metadata__"`` maps strings to
strings. The dtypes written here are ``F64`` (float64), ``F32`` (float32, on
request: half the size, about 7 significant digits), ``I64`` (int64) and
``BOOL`` (one byte, 0 or 1). Reading also accepts what other writers use
for weights: ``F16`` and ``BF16`` (as float64), and ``I32``, ``I16``,
``I8``, ``U8`` ... ``U64`` (as int64); the 8-, 6- and 4-bit floats and
complex numbers are refused with an error naming the dtype.

Why not pickle
--------------
``torch.save`` writes Python's pickle format, and a pickle is a small program:
loading one may call any Python function (``os.system`` included), so loading
a downloaded ``.pt`` file runs whatever its author wanted. A safetensors file
is only numbers and a JSON description of them. :func:`load` reads the JSON,
checks every offset and size against the file, and converts bytes to numbers;
it never imports, calls or evaluates anything from the file. The same holds
for checkpoints (``checkpoint.py``): the optimizer's numbers go in as
tensors and its settings as JSON text inside ``__metadata__``, in one file.

Reading is strict: a truncated file, a header length beyond the end of the
file, a header that is not a JSON object, a duplicated key, offsets that
overlap, leave a gap or run past the data, an unknown dtype, a shape whose
size does not match its bytes, or bytes after the last tensor raise
:class:`SafetensorsError` (a ``ValueError``) naming the file and the problem,
before any tensor is built.
"""

import json
import math
import os
import struct
import sys
from array import array
from collections import OrderedDict
from collections.abc import Mapping

import tinytorch.core as tt
from tinytorch.autograd import Variable
from tinytorch.core.tensor import Tensor

__all__ = ["SafetensorsError", "load", "save"]

#: The largest header accepted, as the reference implementation (100 MB).
MAX_HEADER_SIZE = 100_000_000

_BIG_ENDIAN = sys.byteorder == "big"


class SafetensorsError(ValueError):
    """A file that is not a valid safetensors file (or not a valid checkpoint).

    ``str(error)`` is ``"<path>: <problem>"``; ``error.path`` and
    ``error.problem`` hold the two parts.
    """

    def __init__(self, path, problem):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")

    def __reduce__(self):
        return type(self), (self.path, self.problem)


# ----------------------------------------------------------------- dtypes
def _typecode(size, signed):
    """The ``array`` typecode of a C integer of ``size`` bytes on this machine."""
    for code in ("bhilq" if signed else "BHILQ"):
        if array(code).itemsize == size:
            return code
    raise RuntimeError(f"no array typecode for a {size}-byte integer")  # pragma: no cover


# file dtype -> (bytes per element, how to decode, tinyTorch dtype)
_READABLE = {
    "F64": (8, "d", tt.float64),
    "F32": (4, "f", tt.float64),
    "F16": (2, "F16", tt.float64),
    "BF16": (2, "BF16", tt.float64),
    "I64": (8, _typecode(8, True), tt.int64),
    "I32": (4, _typecode(4, True), tt.int64),
    "I16": (2, _typecode(2, True), tt.int64),
    "I8": (1, _typecode(1, True), tt.int64),
    "U64": (8, _typecode(8, False), tt.int64),
    "U32": (4, _typecode(4, False), tt.int64),
    "U16": (2, _typecode(2, False), tt.int64),
    "U8": (1, _typecode(1, False), tt.int64),
    "BOOL": (1, "BOOL", tt.bool),
}
# dtypes of the format that tinyTorch has no way to hold (8-, 6- and 4-bit floats, complex)
_UNREADABLE = ("F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ",
               "F6_E2M3", "F6_E3M2", "F4", "C64")

# the spellings of save()'s ``dtype`` argument
_FLOAT_CODES = {"float64": "F64", "F64": "F64", "double": "F64", "float32": "F32", "F32": "F32"}
# the file dtypes save() writes -> their ``array`` typecode ('f' rounds to nearest, as .float())
_WRITTEN = {"F64": "d", "F32": "f", "I64": "q", "BOOL": "B"}


def _float_code(dtype):
    if dtype is None or dtype is tt.float64:
        return "F64"
    if isinstance(dtype, str) and dtype in _FLOAT_CODES:
        return _FLOAT_CODES[dtype]
    raise ValueError(
        f"save: dtype must be None or tinytorch.float64 (float tensors written as F64, "
        f"exact) or 'float32' (written as F32: half the size, rounded to about 7 "
        f"digits), got {dtype!r}"
    )


# ----------------------------------------------------------------- save
def _encode_tensor(name, tensor, float_code):
    """(file dtype, little-endian bytes) of one tensor, in row-major order."""
    code = {tt.bool: "BOOL", tt.int64: "I64"}.get(tensor.dtype, float_code)
    values = tensor.values()  # row-major, whatever the strides
    try:
        data = array(_WRITTEN[code], values)
    except OverflowError:  # only an int: a float beyond float32's range becomes inf
        bad = next(v for v in values if not -(2**63) <= v < 2**63)
        raise ValueError(
            f"save: tensor '{name}' holds {bad}, outside the int64 range that the "
            "I64 dtype of a safetensors file can store (tinyTorch's int64 values "
            "are Python ints and never overflow)"
        ) from None
    if _BIG_ENDIAN:
        data.byteswap()
    return code, data.tobytes()


def _as_tensor(name, value, where="save"):
    if isinstance(value, Variable):  # Parameters too
        value = value.data
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{where}: the value of '{name}' is a {type(value).__name__}; "
            "only Tensors (or Variables/Parameters) can be saved"
        )
    return value


def _check_metadata(metadata):
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping):
        raise TypeError(f"save: metadata must be a dict of str to str, got {type(metadata).__name__}")
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(
                f"save: metadata must map strings to strings (the safetensors format "
                f"allows nothing else), got {key!r}: {value!r}; convert with str() or "
                "json.dumps()"
            )
    return dict(metadata)


def save(state_dict, path, metadata=None, dtype=None):
    """Write the tensors of ``state_dict`` to ``path`` as a safetensors file.

    Arguments:
        state_dict: a dict of name -> Tensor (or Variable/Parameter), e.g.
            ``model.state_dict()``. Views and transposed tensors are written
            in row-major order, like ``.contiguous()``.
        path: the file to write (a str or ``os.PathLike``). It is written
            next to its final name first and then renamed, so an interrupted
            save never leaves half a file behind.
        metadata: an optional dict of str -> str, stored in the header as
            ``"__metadata__"`` (read it back with ``load(path,
            with_metadata=True)``).
        dtype: how float64 tensors are written: None or ``tinytorch.float64``
            (default) as ``F64``, exact; ``"float32"`` (or ``"F32"``) as
            ``F32``, half the size, each value rounded to the nearest float32
            (about 7 significant digits; beyond +-3.4e38 it becomes inf).
            int64 tensors are always ``I64`` and bool tensors ``BOOL``.

    The header lists the tensors in the order of ``state_dict``. In the data
    part the 8-byte tensors (F64, I64) come first, then the 4-byte (F32),
    then the 1-byte (BOOL) ones, each group in ``state_dict`` order, so that
    every tensor starts at a multiple of its element size (as the reference
    writer arranges it). A tensor stored under two names is written twice.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save: expected a dict of name -> Tensor, got {type(state_dict).__name__}")
    float_code = _float_code(dtype)
    metadata = _check_metadata(metadata)
    encoded = []
    for name, value in state_dict.items():
        if not isinstance(name, str):
            raise TypeError(f"save: tensor names must be strings, got {name!r}")
        if name == "__metadata__":
            raise ValueError("save: '__metadata__' is reserved by the format; pass metadata=... instead")
        tensor = _as_tensor(name, value)
        code, data = _encode_tensor(name, tensor, float_code)
        encoded.append((name, code, list(tensor.shape), data))

    # lay the data out by element size (8, 4, 1), stable: every tensor aligned
    layout = sorted(encoded, key=lambda e: -_READABLE[e[1]][0])
    offsets = {}
    position = 0
    for name, _, _, data in layout:
        offsets[name] = [position, position + len(data)]
        position += len(data)

    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, code, shape, _ in encoded:
        header[name] = {"dtype": code, "shape": shape, "data_offsets": offsets[name]}
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)

    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: cannot write {path}: the folder {folder} does not exist")
    temporary = f"{path}.{os.getpid()}.partial"
    try:
        with open(temporary, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for *_, data in layout:
                f.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


# ----------------------------------------------------------------- load
def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


class _Duplicate(Exception):
    pass


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _is_count(x):
    return type(x) is int and x >= 0


def _read_header(f, size, path):
    """Parse and check the whole header; return ``([(name, dtype, shape, begin, end)], metadata)``."""

    def fail(problem):
        return SafetensorsError(path, problem)

    if size < 8:
        raise fail(
            f"the file is {size} bytes long, too short for the 8-byte header length "
            "that starts a safetensors file (truncated or empty file)"
        )
    start = f.read(8)
    (n,) = struct.unpack("<Q", start)
    if n > size - 8:
        hint = ""
        if start[:4] == b"PK\x03\x04":
            hint = ("; it looks like a zip archive, which is what torch.save writes (a "
                    "pickle): tinyTorch reads safetensors files only")
        elif start[:1] == b"\x80":
            hint = ("; it looks like a Python pickle, which is never loaded because loading "
                    "a pickle can run code: save with tinytorch.nn.save (safetensors) instead")
        raise fail(
            f"the header length says {n} bytes, but the file has only {size - 8} bytes "
            f"after the 8-byte length (truncated file, or not a safetensors file){hint}"
        )
    if n > MAX_HEADER_SIZE:
        raise fail(f"the header length {n} is beyond the format's limit of {MAX_HEADER_SIZE} bytes")
    raw = f.read(n)
    if len(raw) != n:
        raise fail("the file ended while the header was being read (it changed while loading?)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise fail(f"the header is not UTF-8 text (byte {e.start} of the header)") from None
    try:
        header = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except _Duplicate as e:
        raise fail(f"the header names '{e.args[0]}' twice (duplicate keys are not allowed)") from None
    except ValueError as e:
        raise fail(f"the header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise fail(f"the header must be a JSON object, got a JSON {_json_kind(header)}")

    metadata = header.pop("__metadata__", None)
    if metadata is not None and (
        not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
    ):
        raise fail("'__metadata__' must be an object whose values are all strings")

    entries = []
    for name, info in header.items():
        def bad(problem, name=name):
            return fail(f"tensor '{name}': {problem}")

        if not isinstance(info, dict):
            raise bad(f"its entry must be a JSON object, got a JSON {_json_kind(info)}")
        for key in ("dtype", "shape", "data_offsets"):
            if key not in info:
                raise bad(f"its entry has no '{key}'")
        code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if code in _UNREADABLE:
            raise bad(
                f"dtype {code} cannot be read by tinyTorch (it reads "
                f"{', '.join(_READABLE)}; convert the tensor to float32 or float64 first)"
            )
        if not isinstance(code, str) or code not in _READABLE:
            raise bad(f"unknown dtype {code!r} (safetensors dtypes are "
                      f"{', '.join([*_READABLE, *_UNREADABLE])})")
        if not isinstance(shape, list) or not all(map(_is_count, shape)):
            raise bad(f"shape must be a list of non-negative integers, got {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(map(_is_count, offsets))):
            raise bad(f"data_offsets must be [begin, end], two non-negative integers, got {offsets!r}")
        begin, end = offsets
        if end < begin:
            raise bad(f"data_offsets {offsets} end before they begin")
        itemsize = _READABLE[code][0]
        count = math.prod(shape)
        if (end - begin) != count * itemsize:
            raise bad(
                f"shape {shape} of {code} needs {count} x {itemsize} = {count * itemsize} "
                f"bytes, but data_offsets {offsets} hold {end - begin}"
            )
        entries.append((name, code, tuple(shape), begin, end))

    # the tensors must tile the data part exactly, in offset order: no overlap, no gap
    data_size = size - 8 - n
    position, previous = 0, None
    for name, _, _, begin, end in sorted(entries, key=lambda e: (e[3], e[4])):
        if begin < position:
            raise fail(
                f"tensor '{name}' (bytes {begin}..{end}) overlaps tensor '{previous}' "
                f"(which ends at byte {position})"
            )
        if begin > position:
            raise fail(
                f"bytes {position}..{begin} of the data belong to no tensor (a gap before "
                f"tensor '{name}'); the tensors must follow each other without gaps"
            )
        position, previous = end, name
    if position > data_size:
        raise fail(
            f"tensor '{previous}' ends at byte {position} of the data, but the file "
            f"holds only {data_size} bytes of data (truncated file?)"
        )
    if position < data_size:
        raise fail(
            f"{data_size - position} bytes of trailing data after the last tensor "
            f"(the header accounts for {position} of the {data_size} bytes)"
        )
    return entries, metadata if metadata is not None else {}


def _json_kind(value):
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _decode(code, shape, view):
    """A Tensor from the little-endian bytes ``view`` of one tensor."""
    _, how, dtype = _READABLE[code]
    if how == "BOOL":
        values = list(map(bool, view))
    elif how == "F16":
        values = list(struct.unpack(f"<{len(view) // 2}e", view))
    elif how == "BF16":  # the top half of a float32
        halves = array("H")
        halves.frombytes(view)
        if _BIG_ENDIAN:
            halves.byteswap()
        floats = array("f")
        floats.frombytes(array(_typecode(4, False), [h << 16 for h in halves]).tobytes())
        values = floats.tolist()
    else:
        data = array(how)
        data.frombytes(view)
        if _BIG_ENDIAN:
            data.byteswap()
        values = data.tolist()
    return Tensor(values, shape, dtype=dtype)


def _load(path):
    name = os.fspath(path)
    with open(name, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        entries, metadata = _read_header(f, size, name)
        data = f.read()
    # the header was checked against the file's size: the data part is exactly the tensors
    if len(data) != sum(end - begin for *_, begin, end in entries):
        raise SafetensorsError(name, "the file changed while it was being loaded")
    view = memoryview(data)
    tensors = OrderedDict(
        (tensor_name, _decode(code, shape, view[begin:end]))
        for tensor_name, code, shape, begin, end in entries
    )
    return tensors, metadata


def load(path, *, with_metadata=False):
    """Read a safetensors file: an ``OrderedDict`` of name -> Tensor, in the header's order.

    ``F64`` and ``F32`` (also ``F16`` and ``BF16``) become float64 tensors,
    ``I64`` (and the other integer dtypes) int64, ``BOOL`` bool. With
    ``with_metadata=True`` the result is ``(tensors, metadata)``, metadata a
    dict of str -> str (empty when the file has none).

    Loading only reads numbers: nothing in the file is ever run. The whole
    header is checked before any tensor is built, so a bad file raises
    :class:`SafetensorsError` (a ``ValueError``) naming the file and the
    problem, and nothing is half-loaded. Files written by
    ``safetensors.torch.save_file`` load here, and files written by
    :func:`save` load there.
    """
    tensors, metadata = _load(path)
    return (tensors, metadata) if with_metadata else tensors
