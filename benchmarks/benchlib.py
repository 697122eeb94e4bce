"""The small vocabulary a benchmark module uses: ``Case``, ``Skip``, ``assert_close``.

A benchmark module is a file ``benchmarks/bench_<topic>.py`` that defines a
list ``CASES`` of :class:`Case`.  ``run.py`` finds the module, builds each case
once (``setup``), checks once that tinyTorch and the reference agree, then times
both sides in the same process, interleaved, best of N, and prints the figure
against the case's target.  Nothing here is timed-asserted: a miss is reported,
never raised.

Example (a whole module)::

    import tinytorch.core as tt
    from benchlib import Case

    def setup():
        xs = [float(i) for i in range(10_000)]
        return {"xs": xs, "t": tt.tensor(xs)}

    CASES = [
        Case(
            name="neg 10k",
            setup=setup,
            tinytorch=lambda c: -c["t"],
            reference=lambda c: [-x for x in c["xs"]],
            reference_code="[-x for x in xs]",
            kind="ratio>=",
            target=0.7,
        ),
    ]

Stdlib only: this runs wherever Python does.
"""

import math

__all__ = ["Case", "Skip", "assert_close", "KINDS"]


class Skip(Exception):
    """Raise from a case's ``setup`` when the case cannot run here.

    The runner prints the case as SKIP with the message (e.g. "needs
    tinytorch-autograd") instead of an error.
    """


#: Target kinds: how the figure is computed from the two best times (seconds)
#: and the case's ``ops`` (operations per call), and how it is compared with
#: the target.
#:
#: ``"ratio>="``  figure = reference_time / tinytorch_time (the speed of
#:                tinyTorch relative to the reference; 1.0 = as fast, 0.5 = half
#:                as fast); PASS when figure >= target.
#: ``"diff_us<="`` figure = (tinytorch_time - reference_time) in microseconds
#:                (what tinyTorch adds on top of the reference); PASS when
#:                figure <= target.
#: ``"us_per_op<="`` figure = tinytorch_time / ops in microseconds: an absolute
#:                cost per operation (e.g. per op of a 10,000-op graph), for
#:                targets stated that way; the reference is shown for context
#:                only. PASS when figure <= target.
#: ``"percent<="`` figure = (tinytorch_time / ops) / reference_time * 100: the
#:                cost of one of the ``ops`` operations of the tinyTorch side as
#:                a percentage of the reference (e.g. the DataLoader's overhead
#:                per batch, one epoch's batches per call, against one training
#:                step); PASS when figure <= target.
#: ``"seconds<="`` figure = tinytorch_time in seconds: an absolute time, for
#:                targets stated that way (e.g. saving a 1-million-parameter
#:                state_dict in at most 2 s). Unlike a ratio it depends on the
#:                machine; the reference is shown for context only. PASS when
#:                figure <= target.
KINDS = {
    "ratio>=": (
        lambda tt_s, ref_s, ops: ref_s / tt_s,
        lambda fig, target: fig >= target,
        lambda fig: f"{fig:.2f}x",
        lambda target: f">= {target:g}x",
    ),
    "diff_us<=": (
        lambda tt_s, ref_s, ops: (tt_s - ref_s) * 1e6,
        lambda fig, target: fig <= target,
        lambda fig: f"{fig:+.2f} us",
        lambda target: f"<= {target:g} us",
    ),
    "us_per_op<=": (
        lambda tt_s, ref_s, ops: tt_s / ops * 1e6,
        lambda fig, target: fig <= target,
        lambda fig: f"{fig:.3g} us/op",
        lambda target: f"<= {target:g} us/op",
    ),
    "percent<=": (
        lambda tt_s, ref_s, ops: tt_s / ops / ref_s * 100.0,
        lambda fig, target: fig <= target,
        lambda fig: f"{fig:.3g}%",
        lambda target: f"<= {target:g}%",
    ),
    "seconds<=": (
        lambda tt_s, ref_s, ops: tt_s,
        lambda fig, target: fig <= target,
        lambda fig: f"{fig:.3g} s" if fig >= 1 else f"{fig * 1e3:.3g} ms",
        lambda target: f"<= {target:g} s",
    ),
}


class Case:
    """One benchmark: a tinyTorch callable against a plain-Python reference.

    Arguments:
        name: what the table shows, e.g. ``"matmul 64x64"``.
        setup: ``setup() -> ctx``, called once, untimed; builds the inputs of
            both sides.  ``ctx`` is anything (a dict is handy).  May raise
            :class:`Skip`.
        tinytorch: ``tinytorch(ctx) -> result``; the timed tinyTorch code.
        reference: ``reference(ctx) -> result``; the timed reference code.
            Both callables are called the same way, so the call overhead is
            the same on each side (it cancels out of a ``diff_us<=`` figure).
        kind: ``"ratio>="``, ``"diff_us<="``, ``"us_per_op<="``,
            ``"percent<="`` or ``"seconds<="`` (see :data:`KINDS`), or None (the default) for an informational row
            that shows the ratio.
        target: the number the figure is compared with.  A kind without a
            target is an informational row that shows that kind's figure.
        check: ``check(tt_result, ref_result, ctx)``, called once before
            timing; raise ``AssertionError`` (or return False) when the results
            differ.  Default: :func:`assert_close` on the two results.  Pass
            ``check=False`` to skip checking.
        reference_code: a short description of the reference, shown in the
            table (``"sum(map(mul, row, col))"``).
        gc: keep the cyclic garbage collector enabled while timing (timeit
            turns it off by default; turn it on where collecting garbage is
            part of the real cost, e.g. autograd graphs).
        clock: ``"cpu"`` (this process's CPU time) or ``"wall"`` (elapsed
            time); None takes the runner's ``--clock`` (cpu by default). Use
            ``"wall"`` where the cost includes waiting or other processes (file
            I/O, DataLoader workers): CPU time does not see them.
        ops: how many operations one call of ``tinytorch`` performs, for the
            ``"us_per_op<="`` and ``"percent<="`` kinds (default 1).
        repeat: at most this many samples per side, whatever ``--repeat`` says
            (None: no cap).  For a side so slow (seconds per call) that the
            usual five samples would take minutes.
    """

    __slots__ = (
        "name",
        "setup",
        "tinytorch",
        "reference",
        "kind",
        "target",
        "check",
        "reference_code",
        "gc",
        "clock",
        "ops",
        "repeat",
    )

    def __init__(
        self,
        name,
        setup,
        tinytorch,
        reference,
        kind=None,
        target=None,
        check=None,
        reference_code="",
        gc=False,
        clock=None,
        ops=1,
        repeat=None,
    ):
        if kind is not None and kind not in KINDS:
            raise ValueError(
                f"Case {name!r}: unknown kind {kind!r}; use one of {sorted(KINDS)} or None"
            )
        if clock not in (None, "cpu", "wall"):
            raise ValueError(f"Case {name!r}: clock must be 'cpu', 'wall' or None")
        if ops <= 0:
            raise ValueError(f"Case {name!r}: ops must be positive")
        if repeat is not None and repeat < 1:
            raise ValueError(f"Case {name!r}: repeat must be at least 1")
        self.name = name
        self.setup = setup
        self.tinytorch = tinytorch
        self.reference = reference
        self.kind = kind
        self.target = target
        self.check = check
        self.reference_code = reference_code
        self.gc = gc
        self.clock = clock
        self.ops = ops
        self.repeat = repeat

    def __repr__(self):
        return f"Case({self.name!r}, kind={self.kind!r}, target={self.target!r})"


def _flatten(x):
    """A flat list of numbers from a Tensor-like, a nested list/tuple or a number."""
    if hasattr(x, "tolist") and not isinstance(x, (list, tuple)):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        out = []
        stack = [iter(x)]
        while stack:
            for item in stack[-1]:
                if isinstance(item, (list, tuple)):
                    stack.append(iter(item))
                    break
                out.append(item)
            else:
                stack.pop()
        return out
    return [x]


def assert_close(actual, expected, rel_tol=1e-9, abs_tol=1e-12):
    """Assert two results hold the same numbers (in row-major order).

    Either side may be a Tensor (anything with ``tolist()``), a nested or flat
    list, or a number; only the flattened values are compared, with
    ``math.isclose`` (NaNs equal NaNs).  Shapes are the case's business: check
    them in a custom ``check`` when it matters.
    """
    a = _flatten(actual)
    e = _flatten(expected)
    if len(a) != len(e):
        raise AssertionError(f"{len(a)} values, expected {len(e)}")
    for i, (x, y) in enumerate(zip(a, e)):
        if x == y or math.isclose(x, y, rel_tol=rel_tol, abs_tol=abs_tol):
            continue
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            continue
        raise AssertionError(f"value {i}: {x!r} != {y!r}")
