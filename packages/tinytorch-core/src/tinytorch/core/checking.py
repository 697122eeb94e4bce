"""``check_kernel``: run a candidate kernel against core's reference on generated inputs.

The inputs are what trips a first kernel: odd shapes, broadcasting, 0-d and
empty tensors, and non-contiguous views (a transpose, a stepped slice) whose
storage order is not their element order. The report shows the smallest
failing input with the expected and the actual output, so a learner sees one
small, concrete mistake rather than a wall of numbers.
"""

import math
import random
from dataclasses import dataclass, field

from . import dtypes
from .ops import OPS
from .tensor import Tensor


@dataclass
class Case:
    """One generated input: the kernel's positional arguments and how they were made."""

    args: tuple
    label: str

    @property
    def size(self):
        return sum(_numel(a) for a in self.args)


@dataclass
class Failure:
    case: Case
    message: str
    expected: object = None
    actual: object = None


@dataclass
class KernelReport:
    """What ``check_kernel`` found. ``ok`` is True when every case matched."""

    name: str
    cases: list = field(default_factory=list)
    failures: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failures

    def add_failure(self, case, message, expected=None, actual=None):
        self.failures.append(Failure(case, message, expected, actual))

    def smallest_failure(self):
        return min(self.failures, key=lambda f: f.case.size) if self.failures else None

    def __bool__(self):
        return self.ok

    def __str__(self):
        if self.ok:
            return f"check_kernel('{self.name}'): all {len(self.cases)} cases match the reference"
        worst = self.smallest_failure()
        lines = [
            f"check_kernel('{self.name}'): {len(self.failures)} of {len(self.cases)} cases "
            "differ from the reference. The smallest failing input:",
            f"  case:     {worst.case.label}",
        ]
        params = OPS[self.name].params if self.name in OPS else ()
        for pname, arg in zip(params, worst.case.args):
            lines.append(f"  {pname + ':':<9} {_show(arg)}")
        lines.append(f"  problem:  {worst.message}")
        if worst.expected is not None:
            lines.append(f"  expected: {_show(worst.expected)}")
        if worst.actual is not None:
            lines.append(f"  actual:   {_show(worst.actual)}")
        return "\n".join(lines)

    __repr__ = __str__


def _numel(value):
    if isinstance(value, Tensor):
        return value.numel()
    if isinstance(value, (list, tuple)):
        return sum(_numel(v) for v in value)
    return 0


def _show(value):
    """A tensor's repr, indented to sit after a 12-character label, with shape and layout."""
    if isinstance(value, Tensor):
        layout = "" if value.is_contiguous() else f"  (non-contiguous view, strides {value.strides})"
        text = repr(value).replace("\n", "\n" + " " * 12)
        return f"{text}  shape {value.shape}{layout}"
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Tensor) for v in value):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


# ----------------------------------------------------------------- comparing results
def _close(x, y):
    if isinstance(x, float) or isinstance(y, float):
        if x != x or y != y:
            return x != x and y != y
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    return x == y


def compare(expected, actual):
    """None if ``actual`` matches ``expected``, else a sentence saying how it differs."""
    if isinstance(expected, tuple):
        if not isinstance(actual, tuple) or len(actual) != len(expected):
            return f"expected a tuple of {len(expected)} tensors, got {type(actual).__name__}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            problem = compare(e, a)
            if problem:
                return f"element {i} of the result: {problem}"
        return None
    if not isinstance(actual, Tensor):
        return f"expected a Tensor, got {type(actual).__name__}"
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    if actual.dtype is not expected.dtype:
        return f"dtype {actual.dtype}, expected {expected.dtype}"
    for i, (e, a) in enumerate(zip(expected.values(), actual.values())):
        if not _close(e, a):
            return f"element {i} (row-major) is {a!r}, expected {e!r}"
    return None


# ----------------------------------------------------------------- generating inputs
class _Maker:
    """Builds seeded random tensors, contiguous or as non-contiguous views."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def floats(self, shape, low=-2.0, high=2.0):
        n = math.prod(shape)
        return Tensor([self.rng.uniform(low, high) for _ in range(n)], tuple(shape), dtype=dtypes.float64)

    def ints(self, shape, low=-3, high=4):
        n = math.prod(shape)
        return Tensor([self.rng.randrange(low, high) for _ in range(n)], tuple(shape), dtype=dtypes.int64)

    def bools(self, shape):
        n = math.prod(shape)
        return Tensor([self.rng.random() < 0.5 for _ in range(n)], tuple(shape), dtype=dtypes.bool)

    def transposed(self, shape, **kw):
        """A tensor of ``shape`` whose last two dims are a transposed view."""
        swapped = tuple(shape[:-2]) + (shape[-1], shape[-2])
        base = self.floats(swapped, **kw)
        strides = list(base.strides)
        strides[-1], strides[-2] = strides[-2], strides[-1]
        return Tensor(base.storage, tuple(shape), tuple(strides), 0, base.dtype)

    def stepped(self, shape, **kw):
        """A tensor of ``shape`` that is every other column of a wider one."""
        wide = tuple(shape[:-1]) + (2 * shape[-1] + 1,)
        base = self.floats(wide, **kw)
        strides = base.strides[:-1] + (2,)
        return Tensor(base.storage, tuple(shape), strides, 1, base.dtype)


def _label(*parts):
    return ", ".join(parts)


def _describe(t):
    if not isinstance(t, Tensor):
        return repr(t)
    kind = "" if t.is_contiguous() else " view"
    return f"{t.dtype.name}{list(t.shape)}{kind}"


def _binary_cases(mk, name):
    low, high = (0.3, 2.0) if name == "pow" else (-2.0, 2.0)
    value = {"low": low, "high": high}
    shape_pairs = [
        ((), ()),
        ((1,), (1,)),
        ((5,), (5,)),
        ((2, 3), (2, 3)),
        ((2, 3), (3,)),
        ((3, 1), (1, 4)),
        ((2, 1, 3), (4, 1)),
        ((), (2, 3)),
        ((5, 7), ()),
        ((0, 3), (3,)),
    ]
    cases = [(mk.floats(a, **value), mk.floats(b, **value)) for a, b in shape_pairs]
    if name == "div":
        cases = [(a, _away_from_zero(b)) for a, b in cases]
    cases.append((mk.transposed((3, 4), **value), mk.floats((3, 4), **value)))
    cases.append((mk.floats((2, 3), **value), mk.stepped((2, 3), **value)))
    if name != "pow":
        cases.append((mk.ints((2, 3)), mk.ints((3,))))
        cases.append((mk.ints((4,)), mk.floats((4,))))
    return [Case(c, _label(*map(_describe, c))) for c in cases]


def _away_from_zero(t):
    values = [x if abs(x) > 0.25 else x + (0.5 if x >= 0 else -0.5) for x in t.values()]
    return Tensor(values, t.shape, dtype=t.dtype)


def _compare_cases(mk, name):
    def ties(shape):
        return Tensor([float(mk.rng.randrange(-1, 2)) for _ in range(math.prod(shape))], shape)

    cases = [(ties(a), ties(b)) for a, b in [((), ()), ((6,), (6,)), ((2, 3), (3,)), ((3, 1), (1, 2))]]
    cases.append((mk.ints((2, 3)), mk.ints((2, 3))))
    cases.append((mk.transposed((3, 2)), mk.floats((3, 2))))
    return [Case(c, _label(*map(_describe, c))) for c in cases]


_POSITIVE = {"log", "sqrt"}


def _unary_tensors(mk, name):
    value = {"low": 0.1, "high": 3.0} if name in _POSITIVE else {"low": -3.0, "high": 3.0}
    tensors = [mk.floats(s, **value) for s in [(), (1,), (7,), (3, 4), (0,), (2, 0), (2, 3, 4)]]
    tensors += [mk.transposed((4, 3), **value), mk.stepped((3, 5), **value)]
    if name in {"neg", "abs", "relu"}:
        tensors.append(mk.ints((3, 3)))
    return tensors


def _unary_cases(mk, name):
    tensors = _unary_tensors(mk, name)
    if name == "clamp":
        bounds = [(-0.5, 0.5), (None, 0.3), (-0.2, None)]
        return [Case((t, lo, hi), _label(_describe(t), f"min={lo}", f"max={hi}"))
                for t in tensors for lo, hi in bounds]
    return [Case((t,), _describe(t)) for t in tensors]


def _softmax_cases(mk, name):
    cases = [(mk.floats((5,)), 0), (mk.floats((3, 4)), 1), (mk.floats((3, 4)), 0),
             (mk.floats((2, 3, 4)), 1), (mk.floats((2, 3, 4)), -1), (mk.transposed((4, 3)), 1),
             (mk.floats((2, 3), low=-1000.0, high=1000.0), 1), (mk.floats((0, 3)), 1)]
    return [Case(c, _label(_describe(c[0]), f"dim={c[1]}")) for c in cases]


def _reduction_cases(mk, name):
    single_dim = name in {"max", "min"}
    tensors = [mk.floats((7,)), mk.floats((3, 4)), mk.floats((2, 3, 4)),
               mk.transposed((4, 3)), mk.stepped((3, 4)), mk.floats(())]
    dims = [None, 0, -1, 1] if single_dim or name in {"argmax", "argmin"} else [None, 0, -1, (0, 2), 1]
    cases = []
    for t in tensors:
        for dim in dims:
            if not _dims_fit(dim, t.ndim):
                continue
            for keepdim in (False, True):
                if name in {"var", "std"}:
                    for correction in (1, 0):
                        cases.append(Case((t, dim, correction, keepdim), _label(
                            _describe(t), f"dim={dim}", f"correction={correction}", f"keepdim={keepdim}")))
                else:
                    cases.append(Case((t, dim, keepdim),
                                      _label(_describe(t), f"dim={dim}", f"keepdim={keepdim}")))
    if name in {"sum", "mean", "prod"}:
        cases.append(Case((mk.floats((0, 3)), 1, False), "float64[0, 3], dim=1"))
        cases.append(Case((mk.ints((3, 4)), 0, False), "int64[3, 4], dim=0"))
    return cases


def _dims_fit(dim, ndim):
    if dim is None:
        return True
    dims = dim if isinstance(dim, tuple) else (dim,)
    bound = max(ndim, 1)
    return all(-bound <= d < bound for d in dims) and (ndim > 0 or not isinstance(dim, tuple))


def _matmul_cases(mk, name):
    pairs = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 1), (1, 5)),
             ((1, 1), (1, 1)), ((2, 2, 3), (3, 4)), ((2, 1, 3, 4), (5, 4, 2)), ((2, 0), (0, 3))]
    cases = [(mk.floats(a), mk.floats(b)) for a, b in pairs]
    cases.append((mk.transposed((3, 5)), mk.floats((5, 2))))
    cases.append((mk.floats((4, 3)), mk.transposed((3, 4))))
    cases.append((mk.ints((2, 3)), mk.ints((3, 2))))
    return [Case(c, _label(*map(_describe, c))) for c in cases]


def _shape_cases(mk, name):
    t3 = mk.floats((2, 3, 4))
    view = mk.transposed((4, 3))
    table = {
        "reshape": [(t3, (6, 4)), (t3, (-1,)), (view, (3, -1)), (mk.floats(()), (1, 1)), (mk.floats((0, 4)), (4, 0))],
        "view": [(t3, (6, 4)), (t3, (4, -1)), (mk.floats((5,)), (5, 1))],
        "permute": [(t3, (2, 0, 1)), (t3, (-1, 0, 1)), (view, (1, 0)), (mk.floats(()), ())],
        "transpose": [(t3, 0, 2), (t3, -1, -2), (view, 0, 1)],
        "expand": [(mk.floats((3, 1)), (2, 3, 4)), (mk.floats((1,)), (5,)), (mk.floats((2, 1)), (-1, 3))],
        "squeeze": [(mk.floats((1, 3, 1)), None), (mk.floats((1, 3, 1)), 0), (mk.floats((1, 3, 1)), (0, 2)),
                    (mk.floats((1, 3, 1)), 1)],
        "unsqueeze": [(t3, 0), (t3, -1), (view, 1), (mk.floats(()), 0)],
        "flatten": [(t3, 0, -1), (t3, 1, 2), (view, 0, 1), (mk.floats(()), 0, -1)],
        "contiguous": [(view,), (t3,), (mk.stepped((2, 3)),)],
        "clone": [(view,), (t3,), (mk.floats(()),)],
        "to": [(t3, dtypes.int64), (mk.ints((3,)), dtypes.float64), (view, dtypes.bool)],
    }
    return [Case(c, _label(*map(_describe, c))) for c in table[name]]


def _indexing_cases(mk, name):
    t = mk.floats((4, 5))
    t3 = mk.floats((2, 3, 4))
    view = mk.transposed((4, 5))
    keys = [(t, 1), (t, -1), (t, slice(None, None, 2)), (t, (Ellipsis, 0)), (t, (None, slice(1, 3))),
            (t, [0, 2, 2]), (t, Tensor([3, 0], (2,), dtype=dtypes.int64)), (view, (slice(1, 4), 2)),
            (t, mk.bools((4, 5))), (t3, ([0, 1], slice(None), [1, 0])), (t3, (Ellipsis, [2, 0]))]
    if name == "getitem":
        return [Case(c, _label(_describe(c[0]), f"key={_key_text(c[1])}")) for c in keys]
    if name == "add_at":
        cases = [(t, [0, 2, 2], mk.floats((3, 5))), (t, (slice(None), 1), mk.floats((4,))),
                 (view, ([1, 1], [0, 0]), mk.floats(())), (t3, (Ellipsis, [2, 0, 2]), mk.floats((2, 3, 3)))]
        return [Case(c, _label(_describe(c[0]), f"key={_key_text(c[1])}", _describe(c[2]))) for c in cases]
    if name == "setitem":
        cases = [(t, 1, mk.floats(())), (t, (slice(None), 2), mk.floats((4,))), (view, (0, slice(1, 3)), mk.floats((2,))),
                 (t, [0, 3], mk.floats((5,))), (t, mk.bools((4, 5)), mk.floats(())), (t, Ellipsis, mk.floats((5,)))]
        return [Case(c, _label(_describe(c[0]), f"key={_key_text(c[1])}", _describe(c[2]))) for c in cases]
    cases = [(t, mk.bools((4, 5)), mk.floats(())), (view, mk.bools((5,)), mk.floats(())),
             (t3, mk.bools((3, 1)), mk.floats(()))]
    return [Case(c, _label(*map(_describe, c))) for c in cases]


def _key_text(key):
    if isinstance(key, Tensor):
        return f"<{_describe(key)}>"
    if isinstance(key, tuple):
        return "(" + ", ".join(_key_text(k) for k in key) + ")"
    if isinstance(key, slice):
        return ":".join("" if v is None else str(v) for v in (key.start, key.stop, key.step))
    return repr(key)


def _joining_cases(mk, name):
    if name == "cat":
        cases = [([mk.floats((2, 3)), mk.floats((4, 3))], 0), ([mk.floats((2, 3)), mk.floats((2, 1))], 1),
                 ([mk.transposed((3, 2)), mk.floats((3, 2))], -1), ([mk.floats((0, 3)), mk.floats((2, 3))], 0)]
    elif name == "stack":
        cases = [([mk.floats((2, 3)) for _ in range(3)], 0), ([mk.floats((2, 3)), mk.transposed((2, 3))], -1),
                 ([mk.floats(()), mk.floats(())], 0)]
    else:
        cases = [(mk.bools((2, 3)), mk.floats((2, 3)), mk.floats((2, 3))),
                 (mk.bools((3, 1)), mk.floats((1, 4)), mk.floats(())),
                 (mk.bools((4,)), mk.transposed((3, 4)), mk.ints((4,)))]
    return [Case(c, _label(*(_describe_arg(a) for a in c))) for c in cases]


def _describe_arg(arg):
    if isinstance(arg, list):
        return "[" + ", ".join(map(_describe, arg)) + "]"
    return _describe(arg)


_GENERATORS = {
    "binary": _binary_cases,
    "compare": _compare_cases,
    "unary": _unary_cases,
    "softmax": _softmax_cases,
    "reduction": _reduction_cases,
    "linalg": _matmul_cases,
    "shape": _shape_cases,
    "indexing": _indexing_cases,
    "joining": _joining_cases,
}


def generate_cases(name, seed=0):
    """The inputs ``check_kernel`` uses for op ``name`` (deterministic for a seed)."""
    spec = OPS[name]
    return _GENERATORS[spec.family](_Maker(seed), name)


# ----------------------------------------------------------------- the check
def _fresh(value):
    """A copy of an argument with its own storage but the same layout (views stay views)."""
    if isinstance(value, Tensor):
        return Tensor(list(value.storage), value.shape, value.strides, value.offset, value.dtype)
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    return value


def check_kernel(name, fn, seed=0):
    """Run ``fn`` as op ``name`` on generated inputs and compare with core's reference kernel.

    Returns a ``KernelReport``; ``report.ok`` is True when every case matched.
    With tinytorch-autograd installed, the candidate is also gradchecked.
    """
    from .plugins import check_signature, manager, require_op

    spec = require_op(name)
    check_signature(spec, fn, "check_kernel")
    reference = manager.reference_kernel(name)
    report = KernelReport(name)
    for case in generate_cases(name, seed):
        report.cases.append(case)
        expected = reference(*map(_fresh, case.args))
        try:
            actual = fn(*map(_fresh, case.args))
        except Exception as error:  # a crash is a failure to report, not to propagate
            report.add_failure(case, f"raised {type(error).__name__}: {error}", expected)
            continue
        problem = compare(expected, actual)
        if problem:
            report.add_failure(case, problem, expected, actual)
    manager.hook.tinytorch_check_kernel(name=name, kernel=fn, report=report)
    return report
