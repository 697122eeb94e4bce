"""A progress display for training loops, with the standard library only.

Wrap the batches of an epoch in a ``Progress`` and report each step's loss::

    from tinytorch.utils.progress import Progress

    progress = Progress(desc="train", unit="sample")
    for epoch in range(1, epochs + 1):
        for x, y in progress(loader, epoch=epoch, epochs=epochs):
            loss = loss_fn(model(x), y)
            ...
            progress.update(loss=loss, n=len(y))
        history.log(epoch=epoch, **progress.metrics)   # the epoch's mean loss

It shows the epoch, the step and the total number of steps, the running mean
of every metric given to ``update`` (loss, accuracy, ...), items per second
and the time left::

    train epoch 3/20  step 12/32  38%  loss 0.4312  2,345 sample/s  left 0:02 (run 0:41)

On a terminal (``file.isatty()``) that is one line rewritten in place with
``\\r``; elsewhere (a pipe, a CI log, a notebook) it prints a plain line every
``every`` seconds, and at the end of each pass one summary line::

    train epoch 3/20  step 32/32  100%  loss 0.4012  2,345 sample/s  done in 1.2s (run left 0:20)

Counting: when a Progress wraps an iterable, each item the iterable yields is
one *step*; without an iterable (``bar = Progress(total=100)``) each
``update()`` call is one step. ``update(n=...)`` counts the items of a step
(a batch's samples) for the items-per-second figure and weights the running
means, so that ``metrics["loss"]`` is the mean over samples; without ``n``
each step counts as one item. An iterable without ``len()`` (a generator, an
``IterableDataset``) gives an unknown total: then there is no percentage and
no time left, and nothing else changes.
"""

import math
import shutil
import sys
import time

__all__ = ["Progress"]


def _number(value):
    """A float from a number, a one-element Tensor or Variable (``.item()``), or a numeric string."""
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    return float(value)


def _duration(seconds):
    """``0:07``, ``12:03``, ``1:02:03``."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "?"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _seconds(seconds):
    """A short elapsed time: ``0.42s``, ``12.3s``, ``2:05``."""
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return _duration(seconds)


def _rate(value):
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _metric(value):
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.3e}"
    return f"{value:.4f}"


def _length(iterable):
    try:
        n = len(iterable)
    except Exception:  # no __len__, or an IterableDataset that refuses one
        return None
    return n if isinstance(n, int) and n >= 0 else None


class Progress:
    """Shows how a loop is going: epoch, step/total, running-mean metrics, items/s, time left.

    Parameters (all keyword but ``iterable``):

    - ``iterable``: what to loop over (a DataLoader, a range, ...); it can also
      be given per pass with ``progress(iterable, epoch=..., epochs=...)``.
    - ``total``: the number of steps of one pass; taken from ``len(iterable)``
      when not given; ``None`` (unknown) is fine.
    - ``desc``: a word at the start of the line (``"train"``).
    - ``unit``: what ``update(n=...)`` counts, for the rate (``"sample"``).
    - ``epoch``, ``epochs``: shown as ``epoch 3/20``; with ``epochs`` the
      time left covers the rest of the run too.
    - ``file``: where to write (default: ``sys.stderr`` at the time of writing).
    - ``every``: seconds between plain lines when ``file`` is not a terminal
      (default 10); ``0`` prints a line at every step.
    - ``refresh``: seconds between redraws on a terminal (default 0.1).
    - ``leave``: keep each pass's last line on a terminal (default True);
      ``False`` clears it at the end.
    - ``tty``: force terminal mode on (True) or off (False); default: ``file.isatty()``.
    - ``clock``: a function giving seconds, ``time.perf_counter`` by default
      (tests pass a fake one).

    After a pass, ``metrics`` holds the means of what ``update`` was given,
    ``steps``, ``items``, ``elapsed`` and ``rate`` its counts, and ``lines``
    every plain line printed so far.

    >>> import io
    >>> out = io.StringIO()
    >>> progress = Progress(desc="train", unit="sample", file=out)
    >>> for batch in progress([[1, 2], [3, 4], [5]], epoch=1, epochs=1):
    ...     progress.update(loss=sum(batch) / len(batch), n=len(batch))
    >>> progress.metrics
    {'loss': 3.0}
    >>> print(out.getvalue().split("  ")[:4])
    ['train epoch 1/1', 'step 3/3', '100%', 'loss 3.0000']
    """

    def __init__(self, iterable=None, *, total=None, desc="", unit="item", epoch=None,
                 epochs=None, file=None, every=10.0, refresh=0.1, leave=True, tty=None,
                 clock=time.perf_counter):
        if every is not None and every < 0:
            raise ValueError(f"Progress: every must be >= 0 seconds, got {every!r}")
        if epochs is not None and epochs < 1:
            raise ValueError(f"Progress: epochs must be >= 1, got {epochs!r}")
        self.desc = desc
        self.unit = unit
        self.file = file
        self.every = 10.0 if every is None else every
        self.refresh = refresh
        self.leave = leave
        self.tty = tty
        self.clock = clock
        self.lines = []
        self._epoch_seconds = []  # durations of finished passes, for the run's time left
        self._reset(iterable, total, epoch, epochs)

    # ------------------------------------------------------------ the loop
    def __call__(self, iterable=None, *, total=None, epoch=None, epochs=None):
        """Start a new pass over ``iterable`` (counts and means start again from zero).

        ``epochs`` carries over from the last pass when not given, and
        ``epoch`` counts on from the last pass's.
        """
        if self._open and self._started:
            self.close()
        if epoch is None and self.epoch is not None:
            epoch = self.epoch + 1  # the next epoch, when the last pass had one
        self._reset(iterable, total, epoch, epochs if epochs is not None else self.epochs)
        return self

    def __iter__(self):
        if self._iterable is None:
            raise TypeError("Progress: nothing to iterate; give an iterable: progress(loader)")
        iterable, self._iterable = self._iterable, None
        return self._run(iterable)

    def _run(self, iterable):
        self._iterating = True
        self._start(restart=True)
        try:
            for item in iterable:
                if self.steps and not self._updated:
                    self._maybe_show()  # the last step reported nothing: show the count
                self.steps += 1
                self._updated = False
                yield item
        finally:
            self._iterating = False
            self.close()

    def __enter__(self):
        self._start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def update(self, n=None, **metrics):
        """Report the current step: ``n`` items (a batch's size) and its metrics (``loss=...``).

        Metric values may be numbers or one-element Tensors/Variables; their
        running means, weighted by ``n``, are shown and kept in ``metrics``.
        Inside ``for ... in progress(...)`` this does not advance the step;
        without an iterable each call is one step.
        """
        self._start()
        self._updated = True
        if n is not None:
            n = _number(n)
            if n < 0:
                raise ValueError(f"Progress.update: n must be >= 0, got {n!r}")
        if not self._iterating:
            self.steps += 1
        if n is not None:
            self._items = (self._items or 0.0) + n
        weight = 1.0 if n is None else n
        for name, value in metrics.items():
            value = _number(value)
            total, count = self._sums.get(name, (0.0, 0.0))
            if weight:
                self._sums[name] = (total + value * weight, count + weight)
            elif name not in self._sums:
                self._sums[name] = (0.0, 0.0)
        self._maybe_show()

    def write(self, text):
        """Print a message without breaking the updating line on a terminal."""
        out = self._file()
        if self._is_tty() and self._drawn:
            out.write("\r" + " " * self._drawn + "\r")
            self._drawn = 0
        out.write(str(text) + "\n")
        out.flush()
        self._last_draw = None  # redraw at the next update

    def close(self):
        """End the pass: print its summary line (once)."""
        if not self._open:
            return
        self._open = False
        if not self._started:
            return
        self.elapsed = self.clock() - self._t0
        self._epoch_seconds.append(self.elapsed)
        line = self.line(final=True)
        out = self._file()
        if self._is_tty():
            if self.leave:
                self._draw(line)
                out.write("\n")
            else:
                out.write("\r" + " " * self._drawn + "\r")
            self._drawn = 0
        else:
            self._plain(line)
        out.flush()

    # ----------------------------------------------------------- the numbers
    @property
    def metrics(self):
        """The running mean of each metric given to ``update``, in the order first seen."""
        return {name: (total / count if count else math.nan)
                for name, (total, count) in self._sums.items()}

    @property
    def items(self):
        """Items counted so far this pass: the sum of ``n``, or the steps when ``n`` was never given."""
        return self.steps if self._items is None else self._items

    @property
    def rate(self):
        """Items per second this pass (``None`` before any time has passed)."""
        elapsed = self._elapsed()
        return self.items / elapsed if elapsed > 0 else None

    def time_left(self):
        """Seconds left in this pass (``None`` when the total is unknown), and in the whole run."""
        elapsed = self._elapsed()
        if self.total is None or self.steps == 0 or elapsed <= 0:
            return None, None
        per_step = elapsed / self.steps
        left = max(self.total - self.steps, 0) * per_step
        if self.epoch is None or self.epochs is None:
            return left, None
        finished = self._epoch_seconds
        per_epoch = sum(finished) / len(finished) if finished else self.total * per_step
        return left, left + max(self.epochs - self.epoch, 0) * per_epoch

    def line(self, final=False):
        """The status line as text (what is printed)."""
        parts = [self.desc] if self.desc else []
        if self.epoch is not None:
            head = f"epoch {self.epoch}" + (f"/{self.epochs}" if self.epochs else "")
            if parts:
                parts[0] += " " + head
            else:
                parts.append(head)
        if self.total is not None:
            parts.append(f"step {self.steps}/{self.total}")
            if self.total:
                parts.append(f"{min(100 * self.steps // self.total, 100):3d}%".strip())
        else:
            parts.append(f"step {self.steps}")
        parts.extend(f"{name} {_metric(value)}" for name, value in self.metrics.items())
        rate = self.rate
        if rate is not None:
            parts.append(f"{_rate(rate)} {self.unit}/s")
        if final:
            done = f"done in {_seconds(self.elapsed)}"
            if self.epoch is not None and self.epochs is not None and self.epoch < self.epochs:
                per_epoch = sum(self._epoch_seconds) / len(self._epoch_seconds)
                run_left = (self.epochs - self.epoch) * per_epoch
                if run_left >= 0.5:  # not "0:00"
                    done += f" (run left {_duration(run_left)})"
            parts.append(done)
        else:
            left, run = self.time_left()
            if left is not None:
                text = f"left {_duration(left)}"
                if run is not None and self.epoch < self.epochs and run - left >= 0.5:
                    text += f" (run {_duration(run)})"
                parts.append(text)
        return "  ".join(parts)

    # ------------------------------------------------------------- internals
    def _reset(self, iterable, total, epoch, epochs):
        self._iterable = iterable
        self.total = total if total is not None else (
            _length(iterable) if iterable is not None else None)
        if self.total is not None and self.total < 0:
            raise ValueError(f"Progress: total must be >= 0, got {self.total!r}")
        self.epoch = epoch
        self.epochs = epochs
        self.steps = 0
        self.elapsed = 0.0
        self._items = None  # the sum of update()'s n, once one is given
        self._sums = {}
        self._iterating = False
        self._updated = False
        self._started = False
        self._open = True
        self._drawn = 0
        self._last_draw = None
        self._t0 = self._last_line = self.clock()

    def _start(self, restart=False):
        """Mark the pass as begun; a loop restarts the clock, which otherwise runs from creation."""
        if not self._started:
            self._started = True
            self._open = True
            if restart:
                self._t0 = self._last_line = self.clock()

    def _elapsed(self):
        if not self._started:
            return 0.0
        return (self.clock() - self._t0) if self._open else self.elapsed

    def _file(self):
        return self.file if self.file is not None else sys.stderr

    def _is_tty(self):
        if self.tty is not None:
            return self.tty
        isatty = getattr(self._file(), "isatty", None)
        try:
            return bool(isatty()) if callable(isatty) else False
        except (ValueError, OSError):  # a closed file
            return False

    def _maybe_show(self):
        now = self.clock()
        if self._is_tty():
            if self._last_draw is None or now - self._last_draw >= self.refresh:
                self._last_draw = now
                self._draw(self.line())
                self._file().flush()
        elif now - self._last_line >= self.every:
            self._last_line = now
            self._plain(self.line())

    def _draw(self, line):
        width = shutil.get_terminal_size((100, 24)).columns - 1
        if len(line) > width > 10:
            line = line[: width - 1] + "…"
        pad = max(self._drawn - len(line), 0)
        self._file().write("\r" + line + " " * pad)
        self._drawn = len(line)

    def _plain(self, line):
        self.lines.append(line)
        out = self._file()
        out.write(line + "\n")
        out.flush()
