"""Checkpoints: a model, its optimizer and the training progress in one safetensors file.

``save_checkpoint(path, model, optimizer, epoch=3, best=0.91)`` writes the
model's weights (``model.<name>``), the optimizer's tensors
(``optimizer.state.<i>.<name>``) and any extra tensors (``extra.<name>``) as
tensors, and everything else (the optimizer's settings and step counts, the
epoch, extra numbers and strings) as JSON text in the file's
``__metadata__`` under ``CHECKPOINT_KEY``. It is the same safe format as
``tinytorch.nn.save``: loading reads numbers and JSON, never code.
``load_checkpoint(path, model, optimizer)`` restores both and returns the
rest.
"""

import json
import math
import os
from collections import OrderedDict
from collections.abc import Mapping

from tinytorch.autograd import Variable
from tinytorch.core.tensor import Tensor

from .serialization import SafetensorsError, _as_tensor, _load, _reject_constant, save

__all__ = ["CHECKPOINT_KEY", "load_checkpoint", "save_checkpoint"]

#: The ``__metadata__`` key that holds a checkpoint's non-tensor parts (JSON text).
CHECKPOINT_KEY = "tinytorch.checkpoint"

# Non-tensor values go into JSON; the few things JSON cannot say are tagged
# one-key objects (a plain dict never has these keys: see _encode).
_TAGS = ("__tensor__", "__tuple__", "__float__", "__items__")


def _encode(value, where, tensors):
    """``value`` as JSON-ready data; its tensors go into ``tensors`` under dotted names."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, (Tensor, Variable)):
        name, k = where, 1
        while name in tensors:
            k += 1
            name = f"{where}~{k}"
        tensors[name] = _as_tensor(where, value, "save_checkpoint")
        return {"__tensor__": name}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, f"{where}.{i}", tensors) for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [_encode(v, f"{where}.{i}", tensors) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        if all(isinstance(k, str) for k in value) and not any(k in _TAGS for k in value):
            return {k: _encode(v, f"{where}.{k}", tensors) for k, v in value.items()}
        return {"__items__": [[_encode(k, f"{where}.key", _NO_TENSORS), _encode(v, f"{where}.{k}", tensors)]
                              for k, v in value.items()]}
    raise TypeError(
        f"save_checkpoint: {where} is a {type(value).__name__}, which a checkpoint cannot "
        "store (it takes Tensors, numbers, strings, bools, None, and lists, tuples and "
        "dicts of these)"
    )


class _NoTensors(dict):
    """Where the tensors of a dict key would go: nowhere (a key cannot be a tensor)."""

    def __setitem__(self, name, value):
        raise TypeError(f"save_checkpoint: {name} is a Tensor used as a dict key, which a checkpoint cannot store")


_NO_TENSORS = _NoTensors()


def _decode_json(value, tensors, used, fail):
    if isinstance(value, list):
        return [_decode_json(v, tensors, used, fail) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "__tensor__":
            if inner not in tensors:
                raise fail(f"the checkpoint metadata refers to tensor '{inner}', which is not in the file")
            used.add(inner)
            return tensors[inner]
        if tag == "__tuple__":
            return tuple(_decode_json(inner, tensors, used, fail))
        if tag == "__float__":
            return float(inner)
        if tag == "__items__":
            return {_decode_json(k, tensors, used, fail): _decode_json(v, tensors, used, fail)
                    for k, v in inner}
    return {k: _decode_json(v, tensors, used, fail) for k, v in value.items()}


def save_checkpoint(path, model=None, optimizer=None, epoch=None, **extra):
    """Save a training run's state to one safetensors file: weights, optimizer, epoch, extras.

    >>> nn.save_checkpoint("run.safetensors", model, optimizer, epoch=3, best_loss=0.12)  # doctest: +SKIP
    >>> info = nn.load_checkpoint("run.safetensors", model, optimizer)                    # doctest: +SKIP
    >>> info["epoch"], info["best_loss"]                                                   # doctest: +SKIP
    (3, 0.12)

    Tensors are stored as tensors, exact (F64/I64/BOOL): the model's
    ``state_dict()`` as ``"model.<name>"`` (``"model.0.weight"``), the
    optimizer's state as ``"optimizer.state.<index>.<name>"``
    (``"optimizer.state.0.exp_avg"``). Everything else (the optimizer's
    ``param_groups`` with their options, step counts, ``epoch``, and each
    ``extra`` value: numbers, strings, bools, None, lists, tuples, dicts, e.g.
    ``scheduler=scheduler.state_dict()``) is JSON text in the header's
    ``__metadata__`` under ``"tinytorch.checkpoint"``; a Tensor among the
    extras is stored as a tensor named by its place (``"extra.best_weights"``)
    and referred to from the JSON.
    The file is still a plain safetensors file (PyTorch can read its
    tensors), and no pickle is involved.

    ``model`` is a Module (or a dict of tensors); ``optimizer`` anything with
    ``state_dict()`` (a ``tinytorch.optim`` optimizer).
    """
    tensors = OrderedDict()
    info = {"version": 1}
    if model is not None:
        weights = model if isinstance(model, Mapping) else model.state_dict()
        for name, value in weights.items():
            tensors["model." + name] = _as_tensor("model." + name, value, "save_checkpoint")
        info["model"] = list(weights)
    if optimizer is not None:
        info["optimizer"] = {
            "type": type(optimizer).__name__,
            "state_dict": _encode(optimizer.state_dict(), "optimizer", tensors),
        }
    info["epoch"] = _encode(epoch, "epoch", tensors)
    info["extra"] = _encode(extra, "extra", tensors)
    text = json.dumps(info, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    save(tensors, path, metadata={CHECKPOINT_KEY: text})


def load_checkpoint(path, model=None, optimizer=None):
    """Load a file written by :func:`save_checkpoint`; restore ``model`` and ``optimizer`` if given.

    Returns a dict: ``"epoch"``, each extra value by its name, ``"model"``
    (the weights, an OrderedDict of name -> Tensor, or None) and
    ``"optimizer"`` (the optimizer's state_dict, or None).

    Everything is checked before anything changes: a damaged file, a model
    whose names or shapes differ (``Module.load_state_dict`` raises
    ``RuntimeError`` and loads nothing), an optimizer of another type or
    with other parameter groups (``ValueError``) leave both objects as they
    were.
    """
    name = os.fspath(path)

    def fail(problem):
        return SafetensorsError(name, problem)

    tensors, metadata = _load(name)
    text = metadata.get(CHECKPOINT_KEY)
    if text is None:
        raise fail(
            f"not a tinyTorch checkpoint: its metadata has no '{CHECKPOINT_KEY}' entry "
            "(a file written by nn.save? read it with nn.load)"
        )
    try:
        info = json.loads(text, parse_constant=_reject_constant)
    except ValueError as e:
        raise fail(f"the checkpoint metadata is not valid JSON: {e}") from None
    if not isinstance(info, dict) or info.get("version") != 1:
        raise fail("the checkpoint metadata is not a version-1 tinyTorch checkpoint")

    try:
        weights, saved_type, opt_state, epoch, extra = _read_checkpoint(info, tensors, fail)
    except SafetensorsError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise fail(f"the checkpoint metadata is malformed ({type(e).__name__}: {e})") from None

    # check the optimizer before touching anything (the model checks itself)
    if model is not None and weights is None:
        raise fail("the checkpoint holds no model weights")
    if optimizer is not None:
        if opt_state is None:
            raise fail("the checkpoint holds no optimizer state")
        if saved_type != type(optimizer).__name__:
            raise ValueError(
                f"load_checkpoint: {name} holds the state of a {saved_type} "
                f"optimizer, not of a {type(optimizer).__name__}"
            )
        sizes = [len(g["params"]) for g in opt_state["param_groups"]]
        own = [len(g["params"]) for g in optimizer.param_groups]
        if sizes != own:
            raise ValueError(
                f"load_checkpoint: the optimizer in {name} has parameter groups of sizes "
                f"{sizes}, this one {own}"
            )
    if model is not None:
        model.load_state_dict(weights)
    if optimizer is not None:
        optimizer.load_state_dict(opt_state)
    return {"epoch": epoch, **extra, "model": weights, "optimizer": opt_state}


def _read_checkpoint(info, tensors, fail):
    """The parts of a checkpoint from its metadata ``info`` and its tensors; check that all fit."""
    used = set()
    weights = None
    if info.get("model") is not None:
        weights = OrderedDict()
        for key in info["model"]:
            if "model." + key not in tensors:
                raise fail(f"the model weight '{key}' is listed but not in the file")
            weights[key] = tensors["model." + key]
            used.add("model." + key)
    saved_opt = info.get("optimizer")
    saved_type = opt_state = None
    if saved_opt is not None:
        saved_type = str(saved_opt["type"])
        opt_state = _decode_json(saved_opt["state_dict"], tensors, used, fail)
        if not isinstance(opt_state.get("state"), dict) or not all(
            isinstance(g, dict) and isinstance(g.get("params"), list) for g in opt_state["param_groups"]
        ):
            raise fail("the optimizer state in the checkpoint metadata is malformed")
    epoch = _decode_json(info.get("epoch"), tensors, used, fail)
    extra = _decode_json(info.get("extra", {}), tensors, used, fail)
    if not isinstance(extra, dict) or any(k in ("epoch", "model", "optimizer") for k in extra):
        raise fail("the extra values in the checkpoint metadata are malformed")
    unused = [k for k in tensors if k not in used]
    if unused:
        raise fail(f"tensors that the checkpoint metadata does not account for: {', '.join(unused)}")
    return weights, saved_type, opt_state, epoch, extra
