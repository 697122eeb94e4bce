"""The progress display: plain lines off a terminal, one line rewritten with \\r on one."""

import io
import re

import pytest

from tinytorch.utils.progress import Progress


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def tick(self, seconds=1.0):
        self.now += seconds


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_epochs(out, clock, epochs=2, batches=4, batch_size=8, **kw):
    progress = Progress(desc="train", unit="sample", file=out, clock=clock, **kw)
    seen = []
    for epoch in range(1, epochs + 1):
        for batch in progress(range(batches), epoch=epoch, epochs=epochs):
            clock.tick(0.5)
            progress.update(loss=1.0 + batch, n=batch_size)
        seen.append(dict(progress.metrics))
    return progress, seen


def test_plain_lines_show_epoch_step_loss_rate_and_time_left():
    out, clock = io.StringIO(), FakeClock()
    progress, seen = run_epochs(out, clock, every=1.0)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    # a line every second of the fake clock (every second step) plus a summary per epoch
    assert lines == progress.lines
    assert lines[0] == "train epoch 1/2  step 2/4  50%  loss 1.5000  16.0 sample/s  left 0:01 (run 0:03)"
    assert lines[2].startswith("train epoch 1/2  step 4/4  100%  loss 2.5000  16.0 sample/s  done in 2.00s")
    assert lines[2].endswith("(run left 0:02)")
    assert lines[-1] == "train epoch 2/2  step 4/4  100%  loss 2.5000  16.0 sample/s  done in 2.00s"
    assert len(lines) == 6
    # the running mean is weighted by n and starts again each epoch
    assert seen == [{"loss": 2.5}, {"loss": 2.5}]
    assert progress.items == 32 and progress.steps == 4 and progress.rate == 16.0


def test_plain_mode_is_quiet_between_intervals_but_always_prints_the_summary():
    out, clock = io.StringIO(), FakeClock()
    run_epochs(out, clock, epochs=3)  # every=10 s by default; each epoch takes 2 s
    lines = out.getvalue().splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "train epoch 1/3", "train epoch 2/3", "train epoch 3/3"]
    assert all("done in" in line for line in lines)


def test_terminal_mode_rewrites_one_line_with_carriage_returns():
    out, clock = Terminal(), FakeClock()
    progress = Progress(desc="fit", file=out, clock=clock, refresh=0)
    for _ in progress(range(3), epoch=1, epochs=1):
        clock.tick(1)
        progress.update(loss=0.5)
    text = out.getvalue()
    assert text.startswith("\rfit epoch 1/1  step 1/3")
    assert text.count("\r") == 4  # three steps and the final line
    assert text.endswith("done in 3.00s\n") and text.count("\n") == 1
    assert progress.lines == []  # nothing went out as a plain line


def test_terminal_mode_pads_a_shorter_line_over_a_longer_one():
    out, clock = Terminal(), FakeClock()
    progress = Progress(total=3, file=out, clock=clock, refresh=0)
    clock.tick(1)
    progress.update(n=1000)  # 1,000 item/s
    clock.tick(99)
    progress.update(n=0)  # 10.0 item/s: one character shorter
    first, second = out.getvalue().split("\r")[1:]
    assert first == "step 1/3  33%  1,000 item/s  left 0:02"
    assert second == "step 2/3  66%  10.0 item/s  left 0:50 "  # the old last character blanked


def test_leave_false_clears_the_line_at_the_end():
    out, clock = Terminal(), FakeClock()
    progress = Progress(range(2), file=out, clock=clock, refresh=0, leave=False)
    for _ in progress:
        progress.update(loss=1.0)
    assert out.getvalue().endswith("\r")
    assert "\n" not in out.getvalue()


def test_write_clears_the_terminal_line_and_the_bar_comes_back():
    out, clock = Terminal(), FakeClock()
    progress = Progress(range(2), file=out, clock=clock, refresh=0)
    for step in progress:
        clock.tick(1)
        progress.update(loss=1.0)
        if step == 0:
            progress.write("checkpoint saved")
    text = out.getvalue()
    drawn = "step 1/2  50%  loss 1.0000  1.00 item/s  left 0:01"
    assert text.startswith("\r" + drawn + "\r" + " " * len(drawn) + "\rcheckpoint saved\n\rstep 2/2")


def test_unknown_total_never_crashes():
    out, clock = io.StringIO(), FakeClock()
    progress = Progress((i for i in range(5)), desc="stream", file=out, clock=clock, every=0)
    for _ in progress:
        clock.tick(0.25)
        progress.update(loss=2.0, n=4)
    lines = out.getvalue().splitlines()
    assert progress.total is None
    assert lines[0] == "stream  step 1  loss 2.0000  16.0 item/s"
    assert lines[-1] == "stream  step 5  loss 2.0000  16.0 item/s  done in 1.25s"
    assert "%" not in out.getvalue() and "left" not in out.getvalue()


def test_iterating_without_update_counts_steps_as_items():
    out, clock = io.StringIO(), FakeClock()
    progress = Progress(range(4), file=out, clock=clock, every=0)
    for _ in progress:
        clock.tick(0.5)
    assert progress.items == 4 and progress.metrics == {}
    assert out.getvalue().splitlines()[-1] == "step 4/4  100%  2.00 item/s  done in 2.00s"


def test_manual_mode_each_update_is_a_step():
    out, clock = io.StringIO(), FakeClock()
    with Progress(total=3, file=out, clock=clock, every=0) as bar:
        for value in (1, 2, 3):
            clock.tick(1)
            bar.update(accuracy=value / 4)
    assert bar.steps == 3 and bar.metrics == {"accuracy": 0.5}
    assert out.getvalue().splitlines()[-1].startswith("step 3/3  100%  accuracy 0.5000")


def test_values_may_be_tensors_and_the_epoch_counts_on():
    import tinytorch.core as tt
    from tinytorch.autograd import Variable

    out, clock = io.StringIO(), FakeClock()
    progress = Progress(file=out, clock=clock, epochs=2)
    for _ in progress([0], epoch=1):
        progress.update(loss=Variable(tt.tensor(0.25)), n=tt.tensor(3))
    for _ in progress([0]):  # epoch 2 of 2, carried over
        progress.update(loss=tt.tensor([0.75]))
    assert progress.epoch == 2 and progress.metrics == {"loss": 0.75}
    assert re.match(r"epoch 1/2  step 1/1  100%  loss 0\.2500", out.getvalue())
    assert "epoch 2/2" in out.getvalue()


def test_breaking_out_of_the_loop_still_prints_the_summary():
    out, clock = io.StringIO(), FakeClock()
    progress = Progress(range(10), file=out, clock=clock)
    for step in progress:
        progress.update(loss=1.0)
        if step == 2:
            break
    assert out.getvalue().splitlines() == ["step 3/10  30%  loss 1.0000  done in 0.00s"]


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="every"):
        Progress(every=-1)
    with pytest.raises(TypeError, match="nothing to iterate"):
        iter(Progress())
    with pytest.raises(ValueError, match="n must be"):
        Progress(file=io.StringIO()).update(n=-1)
