"""History: logging metrics, reading them back, CSV, and the SVG curves."""

import csv
import math
import xml.etree.ElementTree as ET

import pytest

from tinytorch.utils.history import History

SVG = "{http://www.w3.org/2000/svg}"


def training_history(epochs=12):
    history = History()
    for epoch in range(1, epochs + 1):
        history.log(
            epoch=epoch,
            loss=1.2 * math.exp(-epoch / 4) + 0.05,
            accuracy=1 - 0.6 * math.exp(-epoch / 3),
            val_loss=1.3 * math.exp(-epoch / 5) + 0.1 if epoch % 2 == 0 else None,
            val_accuracy=1 - 0.7 * math.exp(-epoch / 4),
            lr=0.01 * 0.5 ** (epoch // 5),
        )
    return history


def test_log_and_read_back():
    history = History()
    history.log(epoch=1, loss=0.9, accuracy=0.5)
    history.log(epoch=2, loss=0.6, accuracy=0.75, val_loss=0.7)
    assert len(history) == 2
    assert history.metrics == ["loss", "accuracy", "val_loss"]
    assert history.x == [1, 2] and history.x_name == "epoch"
    assert history["loss"] == [0.9, 0.6]
    assert history["val_loss"] == [None, 0.7]
    assert history.last("accuracy") == 0.75
    assert history.last() == {"loss": 0.6, "accuracy": 0.75, "val_loss": 0.7, "epoch": 2}
    assert history.best("loss") == (2, 0.6)
    assert history.best("accuracy") == (2, 0.75)
    assert history.best("accuracy", mode="min") == (1, 0.5)
    assert "loss" in history and "f1" not in history
    with pytest.raises(KeyError, match="no metric 'f1'"):
        history["f1"]


def test_log_takes_tensors_and_rows_without_x():
    import tinytorch.core as tt
    from tinytorch.autograd import Variable

    history = History()
    history.log(loss=Variable(tt.tensor(0.5)), accuracy=tt.tensor([0.25]))
    history.log(loss=0.25)
    assert history.x == [1, 2] and history.x_name is None
    assert history["loss"] == [0.5, 0.25] and history["accuracy"] == [0.25, None]


def test_log_refuses_mixed_x_and_non_numbers():
    history = History()
    history.log(epoch=1, loss=1.0)
    with pytest.raises(ValueError, match="epoch"):
        history.log(step=5, loss=1.0)
    with pytest.raises(TypeError, match="loss must be a number"):
        history.log(epoch=2, loss="low")
    with pytest.raises(ValueError, match="at least one metric"):
        history.log(epoch=2)


def test_svg_is_well_formed_with_one_polyline_per_metric_and_a_legend(tmp_path):
    history = training_history()
    path = tmp_path / "curves.svg"
    text = history.to_svg(path, title="toy run")
    assert path.read_text(encoding="utf-8") == text
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg"
    lines = root.findall(f".//{SVG}polyline")
    assert sorted(line.get("data-metric") for line in lines) == sorted(history.metrics)
    for line in lines:
        points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        expected = len([v for v in history[line.get("data-metric")] if v is not None])
        assert len(points) == expected
        xs = [x for x, _ in points]
        assert xs == sorted(xs)
    # dashed held-out curves in their training twin's colour
    by_name = {line.get("data-metric"): line for line in lines}
    assert by_name["val_loss"].get("stroke-dasharray") and not by_name["loss"].get("stroke-dasharray")
    assert by_name["val_loss"].get("stroke") == by_name["loss"].get("stroke")
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    legend = ["".join(t.itertext()) for g in root.iter(SVG + "g") if g.get("class") == "legend"
              for t in g.iter(SVG + "text")]
    for name in history.metrics:
        assert any(label.startswith(name + " (") for label in legend), name
    for word in ("toy run", "loss", "accuracy", "lr", "epoch"):
        assert word in texts


def test_svg_panels_loss_and_accuracy_from_0_to_1():
    history = training_history()
    root = ET.fromstring(history.to_svg())
    panels = {g.get("id"): g for g in root.iter(SVG + "g") if g.get("class") == "panel"}
    assert list(panels) == ["panel-loss", "panel-accuracy", "panel-lr"]
    in_acc = {p.get("data-metric") for p in panels["panel-accuracy"].iter(SVG + "polyline")}
    in_loss = {p.get("data-metric") for p in panels["panel-loss"].iter(SVG + "polyline")}
    assert in_acc == {"accuracy", "val_accuracy"} and in_loss == {"loss", "val_loss"}
    ticks = ["".join(t.itertext()) for t in panels["panel-accuracy"].iter(SVG + "text")]
    assert {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"} <= set(ticks)
    # explicit panels
    root = ET.fromstring(history.to_svg(panels=[("training", ["loss", "accuracy"])]))
    assert len(root.findall(f".//{SVG}polyline")) == 2
    with pytest.raises(KeyError):
        history.to_svg(panels=[("x", ["nope"])])


def test_svg_never_breaks_on_odd_histories():
    one = History()
    one.log(epoch=1, loss=0.7)
    ET.fromstring(one.to_svg())
    odd = History()
    for step in range(0, 50, 5):
        odd.log(step=step, loss=math.nan if step == 10 else -1.0 / (step + 1), acc=float(step))
    ET.fromstring(odd.to_svg())
    escaped = History()
    escaped.log(epoch=1, **{"loss<&>": 1.0})
    ET.fromstring(escaped.to_svg(title="a & b < c"))
    with pytest.raises(ValueError, match="nothing logged"):
        History().to_svg()


def test_csv(tmp_path):
    history = training_history(3)
    path = history.to_csv(tmp_path / "h.csv")
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"]
    assert rows[1][0] == "1" and rows[1][3] == ""
    assert float(rows[2][3]) == history["val_loss"][1]
    assert len(rows) == 4
