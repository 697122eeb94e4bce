"""Helpers shared by the Tensor tests: comparisons and nested-list references.

Everything here is plain Python on nested lists, so an expected value never
depends on the code under test. Test modules ``import helpers``; conftest.py
puts this folder on ``sys.path`` (``--import-mode=importlib`` does not).
"""

import math
from itertools import product

import tinytorch.core as tt


# ------------------------------------------------------------------ compare
def close(actual, expected, rel=1e-9, abs_tol=1e-12):
    """True when two numbers agree: same kind (bool / int / float), floats
    with ``math.isclose``, nan equal to nan, infinities equal by sign."""
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual == expected
    if isinstance(expected, int):
        return isinstance(actual, int) and not isinstance(actual, bool) and actual == expected
    if not isinstance(actual, float):
        return False
    if math.isnan(expected):
        return math.isnan(actual)
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_tol)


def assert_nested_close(actual, expected, rel=1e-9, abs_tol=1e-12, path=()):
    """Assert two nested lists have the same structure and close leaves."""
    if isinstance(expected, list):
        assert isinstance(actual, list), f"at {path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"at {path}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_nested_close(a, e, rel, abs_tol, path + (i,))
    else:
        assert close(actual, expected, rel, abs_tol), (
            f"at {path}: got {actual!r}, expected {expected!r}"
        )


def assert_tensor(t, expected, dtype=None, shape=None, rel=1e-9, abs_tol=1e-12):
    """Assert ``t`` is a Tensor holding ``expected`` (a nested list or a number).

    The shape is taken from ``expected`` unless given (needed for empty
    tensors such as (2, 0, 3), which a nested list cannot spell).
    """
    assert isinstance(t, tt.Tensor), f"expected a Tensor, got {type(t).__name__}"
    want_shape = nested_shape(expected) if shape is None else tuple(shape)
    assert t.shape == want_shape, f"shape {t.shape} != {want_shape}"
    if dtype is not None:
        assert t.dtype == dtype, f"dtype {t.dtype} != {dtype}"
    assert_nested_close(t.tolist(), expected, rel, abs_tol)


# ------------------------------------------------------------ nested lists
def nested_shape(data):
    """Shape of a rectangular nested list (a number has shape ())."""
    shape = []
    while isinstance(data, list):
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    return tuple(shape)


def get(data, index):
    """The element of a nested list at a tuple of ints."""
    for i in index:
        data = data[i]
    return data


def build(shape, fn):
    """A nested list of ``shape`` whose element at index ``idx`` is ``fn(idx)``."""

    def level(prefix):
        if len(prefix) == len(shape):
            return fn(prefix)
        return [level(prefix + (i,)) for i in range(shape[len(prefix)])]

    return level(())


def from_flat(flat, shape):
    """The nested list of ``shape`` holding ``flat`` in row-major order."""
    strides = [math.prod(shape[i + 1 :]) for i in range(len(shape))]
    return build(shape, lambda idx: flat[sum(i * s for i, s in zip(idx, strides))])


def flatten(data):
    """The leaves of a nested list in row-major order (a number gives [number])."""
    if not isinstance(data, list):
        return [data]
    out = []
    for item in data:
        out.extend(flatten(item))
    return out


def indices(shape):
    """Every index tuple of ``shape`` in row-major order."""
    return list(product(*(range(n) for n in shape)))


def broadcast_rule(a, b):
    """The broadcast shape of two shapes by NumPy's rule, or None if they clash."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            return None
    return tuple(out)


def broadcast_get(data, shape, out_index):
    """Element of ``data`` (of ``shape``) seen at ``out_index`` of a broadcast result."""
    lead = len(out_index) - len(shape)
    return get(data, tuple(0 if n == 1 else i for i, n in zip(out_index[lead:], shape)))


def elementwise(fn, a, b):
    """Broadcast ``fn`` over two nested lists (or numbers) as NumPy would."""
    sa, sb = nested_shape(a), nested_shape(b)
    out = broadcast_rule(sa, sb)
    return build(out, lambda idx: fn(broadcast_get(a, sa, idx), broadcast_get(b, sb, idx)))


def reduce_ref(data, dims, keepdim, fn):
    """Reduce a nested list over ``dims`` (None, an int or a tuple; negatives
    allowed) with ``fn(list_of_values)``, visiting values in row-major order."""
    shape = nested_shape(data)
    n = len(shape)
    if dims is None:
        dims = tuple(range(n))
    elif isinstance(dims, int):
        dims = (dims,)
    dims = {d % n if n else 0 for d in dims}
    if n == 0:
        return fn([data])
    kept = [d for d in range(n) if d not in dims]
    out_shape = (
        tuple(1 if d in dims else shape[d] for d in range(n))
        if keepdim
        else tuple(shape[d] for d in kept)
    )

    def value(out_idx):
        if keepdim:
            base = [out_idx[d] for d in range(n)]
        else:
            base = [0] * n
            for d, i in zip(kept, out_idx):
                base[d] = i
        vals = []
        for red in product(*(range(shape[d]) for d in sorted(dims))):
            idx = list(base)
            for d, i in zip(sorted(dims), red):
                idx[d] = i
            vals.append(get(data, idx))
        return fn(vals)

    return build(out_shape, value)
