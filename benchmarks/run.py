"""Run tinyTorch's benchmarks and print a table of ratios against references.

    python benchmarks/run.py                  # every benchmarks/bench_*.py
    python benchmarks/run.py core autograd    # bench_core.py, bench_autograd.py
    python benchmarks/run.py -k matmul        # only cases whose name has "matmul"
    python benchmarks/run.py --json out.json  # also write the results as JSON
    python benchmarks/run.py --list           # list the cases, run nothing

Each case times tinyTorch and a plain-Python reference in this process,
interleaved (tinyTorch, reference, tinyTorch, ...), each repeat running the
callable enough times to fill ``--min-time`` seconds; the best repeat counts.
The exit status is 0 whatever the figures: this reports, it does not test.

By default the tinyTorch sources of this checkout (``packages/*/src``) come
first on ``sys.path``; ``--installed`` uses the installed distributions instead.
Stdlib only.
"""

import argparse
import gc
import importlib
import json
import math
import os
import platform
import sys
import time
import timeit
import traceback
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------- discovery


def _module_names():
    return sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("bench_") and f.endswith(".py"))


def _resolve(arg):
    """``core``, ``bench_core``, ``bench_core.py`` or a path -> module name."""
    base = os.path.basename(arg)
    if base.endswith(".py"):
        base = base[:-3]
    if not base.startswith("bench_"):
        base = "bench_" + base
    return base


def _use_checkout_sources():
    src_dirs = []
    packages = os.path.join(ROOT, "packages")
    if os.path.isdir(packages):
        for name in sorted(os.listdir(packages)):
            src = os.path.join(packages, name, "src")
            if os.path.isdir(os.path.join(src, "tinytorch")):
                src_dirs.append(src)
    sys.path[:0] = src_dirs
    # tinytorch is a namespace package: if it was imported already, its
    # portions were fixed then; recompute them.
    ns = sys.modules.get("tinytorch")
    if ns is not None and hasattr(ns.__path__, "_recalculate"):
        ns.__path__._recalculate()
    return src_dirs


# ------------------------------------------------------------------- timing

CLOCKS = {
    # CPU time of this process: time the scheduler gives to other processes
    # is not counted, so a busy machine disturbs the figures much less.
    "cpu": time.process_time,
    # Wall-clock time: for cases that wait (files, worker processes).
    "wall": time.perf_counter,
}


def _timer(fn, ctx, gc_enabled, clock):
    stmt = partial(fn, ctx)
    if gc_enabled:
        return timeit.Timer(stmt, setup="gc.enable()", timer=clock, globals={"gc": gc})
    return timeit.Timer(stmt, timer=clock)


def _calibrate(timer, min_time):
    """Loop count so that one repeat takes about ``min_time`` seconds.

    Also returns the time per call of the last calibration run, a sample like
    any other (for a side that takes seconds per call, one run saved).
    """
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= min_time / 5:
            return max(1, math.ceil(number * min_time / t)), t / number
        number *= 10 if t < min_time / 50 else 2


#: A sample that leaves more new gc-tracked objects than this alive had its
#: garbage collector off and built reference cycles (a micrograd graph, say):
#: collect them, untimed, so that the next sample starts from the same memory.
_LEFTOVER_OBJECTS = 50_000


def _collect_leftovers():
    if gc.get_count()[0] > _LEFTOVER_OBJECTS:
        gc.collect()


def _measure(case, ctx, repeat, min_time, budget, clock, first):
    """Best time per call of each side: short samples, alternating, many of them.

    Short samples are the ones most likely to run undisturbed on a busy
    machine, and alternating gives both sides the same conditions. Sampling
    stops after ``repeat`` samples per side, or once ``budget`` seconds are
    spent and at least 5 are done. The calibration run counts as a sample, and
    so does the check run (``first``) of a side slow enough to be timed alone;
    a case's own ``repeat`` caps the samples (a side that takes seconds).
    """
    if case.repeat is not None:
        repeat = min(repeat, case.repeat)
    tt = _timer(case.tinytorch, ctx, case.gc, clock)
    ref = _timer(case.reference, ctx, case.gc, clock)
    samples = 1 if min(first) < math.inf else 0  # the check run
    n_tt, best_tt = _calibrate(tt, min_time)
    _collect_leftovers()
    n_ref, best_ref = _calibrate(ref, min_time)
    _collect_leftovers()
    best_tt, best_ref = min(best_tt, first[0]), min(best_ref, first[1])
    samples += 1
    deadline = time.perf_counter() + budget
    while samples < repeat and (samples < 5 or time.perf_counter() < deadline):
        best_tt = min(best_tt, tt.timeit(n_tt) / n_tt)
        _collect_leftovers()
        best_ref = min(best_ref, ref.timeit(n_ref) / n_ref)
        _collect_leftovers()
        samples += 1
    return best_tt, best_ref, n_tt, n_ref, samples


# ------------------------------------------------------------------ running


def _short_error(exc):
    text = f"{type(exc).__name__}: {exc}".strip()
    text = text.splitlines()[0] if text else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _run_check(case, ctx, clock, min_time):
    """Run each side once (also a warm-up) and compare the results.

    Returns ``(problem, (tt_s, ref_s))``: None or what differs, and the time
    of each run where it lasted at least ``min_time`` (so it counts as a
    sample; else inf). The garbage collector is on or off as it will be while
    timing: a side that builds millions of objects in cycles (micrograd)
    takes ~10x longer with it on.
    """
    from benchlib import assert_close

    was_enabled = gc.isenabled()
    if not case.gc:
        gc.disable()
    try:
        t0 = clock()
        tt_out = case.tinytorch(ctx)
        t1 = clock()
        _collect_leftovers()
        t2 = clock()
        ref_out = case.reference(ctx)
        t3 = clock()
    finally:
        if was_enabled:
            gc.enable()
    _collect_leftovers()
    first = tuple(t if t >= min_time else math.inf for t in (t1 - t0, t3 - t2))
    if case.check is False:
        return None, first
    try:
        if case.check is None:
            assert_close(tt_out, ref_out)
        elif case.check(tt_out, ref_out, ctx) is False:
            return "results differ", first
    except AssertionError as exc:
        return "results differ: " + (str(exc) or "check failed"), first
    return None, first


def run_case(module, case, args):
    from benchlib import KINDS, Skip

    clock = case.clock or args.clock
    row = {
        "module": module,
        "case": case.name,
        "reference_code": case.reference_code,
        "clock": clock,
        "kind": case.kind,
        "target": case.target,
        "ops": case.ops,
        "status": None,
        "tinytorch_s": None,
        "reference_s": None,
        "figure": None,
        "samples": None,
        "tinytorch_loops": None,
        "reference_loops": None,
        "message": "",
    }
    try:
        ctx = case.setup() if case.setup is not None else None
        problem, first = _run_check(case, ctx, CLOCKS[clock], args.min_time)
        if problem:
            row["status"], row["message"] = "WRONG", problem
        tt_s, ref_s, n_tt, n_ref, pairs = _measure(
            case, ctx, args.repeat, args.min_time, args.budget, CLOCKS[clock], first
        )
    except Skip as exc:
        row["status"], row["message"] = "SKIP", str(exc)
        return row
    except Exception as exc:  # a broken case is reported, not raised
        row["status"], row["message"] = "ERROR", _short_error(exc)
        if args.verbose:
            traceback.print_exc()
        return row
    row.update(
        tinytorch_s=tt_s,
        reference_s=ref_s,
        samples=pairs,
        tinytorch_loops=n_tt,
        reference_loops=n_ref,
    )
    if case.kind is not None:
        compute, passes, _, _ = KINDS[case.kind]
        fig = compute(tt_s, ref_s, case.ops)
        row["figure"] = fig
        if row["status"] is None:
            if case.target is None:
                row["status"] = "info"
            else:
                row["status"] = "PASS" if passes(fig, case.target) else "MISS"
    else:
        row["figure"] = ref_s / tt_s
        if row["status"] is None:
            row["status"] = "info"
    return row


def run_module(name, args, emit):
    """Import benchmarks/<name>.py and run its CASES; rows go to ``emit``."""
    short = name[len("bench_") :]
    if not os.path.exists(os.path.join(HERE, name + ".py")):
        emit(
            {
                "module": short,
                "case": "(module)",
                "status": "ERROR",
                "message": f"no file benchmarks/{name}.py; have: "
                + ", ".join(m[len("bench_") :] for m in _module_names()),
            }
        )
        return
    try:
        mod = importlib.import_module(name)
        cases = list(mod.CASES)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or ""
        status = "SKIP" if missing.startswith("tinytorch") else "ERROR"
        emit({"module": short, "case": "(module)", "status": status, "message": _short_error(exc)})
        if args.verbose:
            traceback.print_exc()
        return
    except Exception as exc:
        emit({"module": short, "case": "(module)", "status": "ERROR", "message": _short_error(exc)})
        if args.verbose:
            traceback.print_exc()
        return
    for case in cases:
        if args.k and args.k.lower() not in case.name.lower():
            continue
        if args.list:
            emit(
                {
                    "module": short,
                    "case": case.name,
                    "status": "listed",
                    "kind": case.kind,
                    "target": case.target,
                    "reference_code": case.reference_code,
                    "message": "",
                }
            )
            continue
        emit(run_case(short, case, args))


# ------------------------------------------------------------------ display


def _fmt_time(s):
    if s is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}" if s / scale < 100 else f"{s / scale:.0f} {unit}"
    return f"{s * 1e9:.3g} ns"


COLUMNS = [
    ("module", "<"),
    ("case", "<"),
    ("tinyTorch", ">"),
    ("reference", ">"),
    ("figure", ">"),
    ("target", ">"),
    ("result", "<"),
    ("reference code", "<"),
]
WIDTHS = [13, 28, 9, 9, 11, 12, 6, 0]


def _cells(row):
    from benchlib import KINDS

    kind = row.get("kind")
    fig, target = row.get("figure"), row.get("target")
    if kind is not None:
        _, _, fmt_fig, fmt_target = KINDS[kind]
        fig_s = fmt_fig(fig) if fig is not None else "-"
        target_s = fmt_target(target) if target is not None else "-"
    else:
        fig_s = f"{fig:.2f}x" if fig is not None else "-"
        target_s = "-"
    note = row.get("reference_code", "")
    if row.get("message"):
        note = row["message"] if not note else f"{row['message']}  [{note}]"
    return [
        row["module"],
        row["case"],
        _fmt_time(row.get("tinytorch_s")),
        _fmt_time(row.get("reference_s")),
        fig_s,
        target_s,
        row["status"],
        note,
    ]


def _line(cells):
    out = []
    for (_, align), width, cell in zip(COLUMNS, WIDTHS, cells):
        out.append(f"{cell:{align}{width}}" if width else cell)
    return "  ".join(out).rstrip()


def _load():
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _header(args, src_dirs):
    impl = platform.python_implementation()
    lines = [
        f"tinyTorch benchmarks: {impl} {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"best of up to {args.repeat} samples of ~{args.min_time:g} s per side, "
        f"~{args.budget:g} s per case; {args.clock} clock"
    ]
    load = _load()
    if load is not None and load > (os.cpu_count() or 1) * 0.75:
        lines.append(
            f"WARNING: load average {load:.1f} on {os.cpu_count()} CPUs: other "
            "processes compete for the CPU, figures are unreliable"
        )
    try:
        import tinytorch.core as core

        where = os.path.dirname(os.path.dirname(os.path.dirname(core.__file__)))
        lines.append(
            f"tinytorch.core from {os.path.relpath(where, ROOT) if where.startswith(ROOT) else where}"
        )
    except Exception as exc:
        lines.append(f"tinytorch.core not importable ({_short_error(exc)})")
    lines.append(
        "figure: ratio = reference time / tinyTorch time (higher is faster); "
        "diff = tinyTorch time - reference time; us/op = tinyTorch time / ops per call; "
        "% = (tinyTorch time / ops) / reference time"
    )
    return lines


# --------------------------------------------------------------------- main


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Time tinyTorch against plain-Python references; always exits 0."
    )
    p.add_argument(
        "modules",
        nargs="*",
        help="benchmark modules to run (core, bench_core, bench_core.py); default all",
    )
    p.add_argument("-k", metavar="TEXT", help="only cases whose name contains TEXT")
    p.add_argument(
        "--repeat",
        type=int,
        default=50,
        help="at most this many samples per side; the best counts (default 50)",
    )
    p.add_argument(
        "--min-time",
        type=float,
        default=0.01,
        help="seconds per sample; loop counts are chosen to fill it (default 0.01)",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=2.0,
        help="seconds of sampling per case, after at least 5 samples (default 2)",
    )
    p.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: this process's CPU time (default; steadier on a busy "
        "machine); wall: elapsed time. A case may ask for its own",
    )
    p.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    p.add_argument("--list", action="store_true", help="list the cases, time nothing")
    p.add_argument(
        "--installed",
        action="store_true",
        help="import tinytorch from the installed distributions, not this checkout",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print tracebacks of errors")
    args = p.parse_args(argv)
    args.repeat = max(1, args.repeat)

    sys.path.insert(0, HERE)
    src_dirs = [] if args.installed else _use_checkout_sources()
    names = [_resolve(m) for m in args.modules] or _module_names()

    for line in _header(args, src_dirs):
        print(line)
    print()
    print(_line([c for c, _ in COLUMNS]))
    print(_line(["-" * (w or len(c)) for (c, _), w in zip(COLUMNS, WIDTHS)]))

    rows = []

    def emit(row):
        rows.append(row)
        row.setdefault("reference_code", "")
        print(_line(_cells(row)), flush=True)

    started = time.perf_counter()
    for name in names:
        run_module(name, args, emit)
    elapsed = time.perf_counter() - started

    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    print()
    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f" in {elapsed:.0f} s")
    misses = [r for r in rows if r["status"] in ("MISS", "WRONG", "ERROR")]
    for r in misses:
        print(
            f"  {r['status']}: {r['module']} / {r['case']}"
            + (f": {r['message']}" if r.get("message") else "")
        )

    if args.json:
        doc = {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "repeat": args.repeat,
            "min_time": args.min_time,
            "budget": args.budget,
            "clock": args.clock,
            "load_average": _load(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "elapsed_s": elapsed,
            "cases": rows,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\ninterrupted")
    sys.exit(0)
