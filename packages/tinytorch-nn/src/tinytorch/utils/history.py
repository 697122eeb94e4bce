"""A training history: metrics per epoch (or per step), drawn as SVG curves with the standard library.

    from tinytorch.utils.history import History

    history = History()
    for epoch in range(1, epochs + 1):
        ...
        history.log(epoch=epoch, loss=train_loss, accuracy=train_acc,
                    val_loss=val_loss, val_accuracy=val_acc)
    history.to_svg("curves.svg")     # open it in a browser
    history.to_csv("curves.csv")     # or in a spreadsheet

``log`` takes any metrics by name; the x value is ``epoch=`` or ``step=``
(else the row's number, from 1). A metric may be missing from some rows (a
validation loss every fifth epoch): its curve joins the points it has.

``to_svg`` groups the metrics into panels by name: every metric with
``loss`` in its name goes in the "loss" panel, every one with ``acc`` in the
"accuracy" panel (y from 0 to 1, or 0 to 100 for percentages), and any other
metric (a learning rate, ...) gets a panel of its own. A ``val_`` (or
``test_``) metric is drawn dashed, in the colour of its training twin.
"""

import csv
import math
from xml.sax.saxutils import escape, quoteattr

__all__ = ["History"]

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#7f7f7f", "#bcbd22"]
_HELD_OUT = ("val_", "valid_", "validation_", "test_", "eval_")
_X_KEYS = ("epoch", "step")


def _number(name, value):
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"History.log: {name} must be a number, got {value!r}") from None


def _twin(name):
    """``val_loss`` -> (``loss``, True); ``loss`` -> (``loss``, False)."""
    for prefix in _HELD_OUT:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):], True
    return name, False


def _nice_step(span, ticks=5):
    """A step of 1, 2 or 5 times a power of ten giving about ``ticks`` ticks over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _ticks(lo, hi, ticks=5, integer=False):
    """A tidy axis: (low end, high end, tick values) covering [lo, hi]."""
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice_step(hi - lo, ticks)
    if integer:
        step = max(1.0, round(step))
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    count = round((end - start) / step)
    return start, end, [start + i * step for i in range(count + 1)]


def _label(value, step):
    if step >= 1 and abs(value - round(value)) < 1e-9:
        return str(round(value))
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    if step * 10 ** decimals % 1 > 1e-6:  # 0.25
        decimals += 1
    text = f"{value:.{decimals}f}"
    return text.replace("-", "") if float(text) == 0 else text  # no "-0.0"


def _fmt(value):
    return f"{value:.3g}"


def _line(x1, y1, x2, y2, stroke, rest=""):
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{stroke}"{rest}/>')


class History:
    """Metrics logged per epoch (or step): ``log`` them, read them back, draw them.

    >>> history = History()
    >>> history.log(epoch=1, loss=0.9, accuracy=0.6)
    >>> history.log(epoch=2, loss=0.5, accuracy=0.8, val_loss=0.6)
    >>> history["loss"], history["val_loss"]
    ([0.9, 0.5], [None, 0.6])
    >>> history.metrics, history.x
    (['loss', 'accuracy', 'val_loss'], [1, 2])
    >>> history.best("accuracy")
    (2, 0.8)
    """

    def __init__(self):
        self.rows = []       # one dict per log() call, values as floats
        self.x_name = None   # "epoch", "step" or None (row numbers)
        self._names = {}     # metric names in the order logged

    # ----------------------------------------------------------------- logging
    def log(self, epoch=None, step=None, **metrics):
        """Record one row: ``log(epoch=3, loss=0.41, accuracy=0.87, val_loss=...)``.

        Values may be numbers or one-element Tensors/Variables; ``None`` means
        "not measured this time". Use the same x name (``epoch`` or ``step``)
        in every row.
        """
        x_name, x = ("epoch", epoch) if epoch is not None else ("step", step)
        if x is None:
            x_name = None
        if self.rows and x_name != self.x_name:
            raise ValueError(
                f"History.log: the earlier rows were logged with "
                f"{self.x_name or 'no epoch/step'}, this one with {x_name or 'no epoch/step'}"
            )
        if not metrics:
            raise ValueError("History.log: give at least one metric, as in log(epoch=1, loss=0.5)")
        self.x_name = x_name
        for name in metrics:
            self._names.setdefault(name, None)  # the order of the log() calls, None included
        row = {name: _number(name, value) for name, value in metrics.items() if value is not None}
        if x is not None:
            x = _number(x_name, x)
            row[x_name] = int(x) if x == int(x) else x
        self.rows.append(row)

    # ----------------------------------------------------------------- reading
    def __len__(self):
        return len(self.rows)

    @property
    def metrics(self):
        """The metric names, in the order they were first logged."""
        return list(self._names)

    @property
    def x(self):
        """The x values: the epochs, the steps, or 1, 2, 3... ."""
        if self.x_name is None:
            return list(range(1, len(self.rows) + 1))
        return [row[self.x_name] for row in self.rows]

    def __getitem__(self, name):
        """The values of one metric, ``None`` where a row lacks it."""
        if name not in self._names and name != self.x_name:
            raise KeyError(f"History: no metric {name!r}; logged: {self.metrics}")
        return [row.get(name) for row in self.rows]

    def __contains__(self, name):
        return name in self._names

    def last(self, name=None):
        """The last value of ``name``, or the last row as a dict."""
        if name is None:
            return dict(self.rows[-1]) if self.rows else {}
        values = [v for v in self[name] if v is not None]
        return values[-1] if values else None

    def best(self, name, mode=None):
        """``(x, value)`` of the best value of ``name``: the lowest for a loss, the highest otherwise.

        ``mode="min"`` or ``"max"`` says which explicitly.
        """
        mode = mode or ("min" if "loss" in name or "error" in name else "max")
        if mode not in ("min", "max"):
            raise ValueError(f"History.best: mode must be 'min' or 'max', got {mode!r}")
        points = [(x, v) for x, v in zip(self.x, self[name]) if v is not None]
        if not points:
            return None
        pick = min if mode == "min" else max
        return pick(points, key=lambda p: p[1])

    def __repr__(self):
        return f"History({len(self.rows)} rows, metrics={self.metrics})"

    # ----------------------------------------------------------------- writing
    def to_csv(self, path):
        """Write one row per ``log`` call, one column per metric (empty where missing)."""
        columns = ([self.x_name] if self.x_name else []) + self.metrics
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for row in self.rows:
                writer.writerow(["" if row.get(c) is None else repr(row[c]) for c in columns])
        return path

    def panels(self):
        """The default grouping of metrics into panels: ``[(title, [metric, ...]), ...]``."""
        loss, acc, other = [], [], []
        for name in self.metrics:
            lowered = name.lower()
            if "loss" in lowered:
                loss.append(name)
            elif "acc" in lowered:
                acc.append(name)
            else:
                other.append(name)
        result = []
        if loss:
            result.append(("loss", loss))
        if acc:
            result.append(("accuracy", acc))
        result.extend((name, [name]) for name in other)
        return result

    def to_svg(self, path=None, title=None, panels=None, width=None, panel_size=(440, 300)):
        """Draw the curves as an SVG file at ``path`` (and return the SVG text).

        ``panels`` overrides the grouping: ``[("loss", ["loss", "val_loss"]), ...]``.
        Panels sit two to a row, each ``panel_size`` pixels.
        """
        panels = self.panels() if panels is None else [(t, list(m)) for t, m in panels]
        if not panels:
            raise ValueError("History.to_svg: nothing logged yet")
        for _title, names in panels:
            for name in names:
                if name not in self._names:
                    raise KeyError(f"History.to_svg: no metric {name!r}; logged: {self.metrics}")
        pw, ph = panel_size
        columns = min(2, len(panels))
        rows = math.ceil(len(panels) / columns)
        top = 36 if title else 8
        total_w = width or columns * pw
        total_h = top + rows * ph
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{total_h}" '
            f'viewBox="0 0 {total_w} {total_h}" font-family="Helvetica, Arial, sans-serif" '
            f'font-size="12">',
            f'<rect x="0" y="0" width="{total_w}" height="{total_h}" fill="white"/>',
        ]
        if title:
            out.append(f'<text x="{total_w / 2:.1f}" y="24" text-anchor="middle" font-size="16" '
                       f'font-weight="bold">{escape(str(title))}</text>')
        for i, (panel_title, names) in enumerate(panels):
            ox = (i % columns) * pw
            oy = top + (i // columns) * ph
            out.extend(self._panel(panel_title, names, ox, oy, pw, ph))
        out.append("</svg>")
        svg = "\n".join(out) + "\n"
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(svg)
        return svg

    def _panel(self, title, names, ox, oy, pw, ph):
        left, right, upper, lower = 58, 16, 30, 44
        x0, x1 = ox + left, ox + pw - right
        y0, y1 = oy + upper, oy + ph - lower  # y0 top, y1 bottom
        xs = self.x
        series = []
        for name in names:
            points = [(x, v) for x, v in zip(xs, self[name]) if v is not None and math.isfinite(v)]
            series.append((name, points))
        values = [v for _, pts in series for _, v in pts]
        used_x = [x for _, pts in series for x, _ in pts] or xs

        # x axis: integers for epochs/steps
        integer_x = all(float(x).is_integer() for x in used_x)
        xlo, xhi, xticks = _ticks(min(used_x), max(used_x), 6, integer=integer_x)
        # y axis: accuracy from 0 to 1 (or 100), the rest from the data
        if title == "accuracy" and values and min(values) >= 0 and max(values) <= 1:
            ylo, yhi, yticks = 0.0, 1.0, [i / 5 for i in range(6)]
        elif title == "accuracy" and values and min(values) >= 0 and max(values) <= 100:
            ylo, yhi, yticks = 0.0, 100.0, [i * 20.0 for i in range(6)]
        elif values:
            lo, hi = min(values), max(values)
            if lo >= 0 and lo < 0.25 * hi:
                lo = 0.0  # a loss falling towards zero: show the zero
            ylo, yhi, yticks = _ticks(lo, hi, 5)
        else:
            ylo, yhi, yticks = 0.0, 1.0, [0.0, 0.5, 1.0]

        def px(x):
            return x0 + (x - xlo) / (xhi - xlo) * (x1 - x0)

        def py(y):
            return y1 - (y - ylo) / (yhi - ylo) * (y1 - y0)

        ystep = yticks[1] - yticks[0] if len(yticks) > 1 else 1.0
        xstep = xticks[1] - xticks[0] if len(xticks) > 1 else 1.0
        out = [f'<g class="panel" id={quoteattr("panel-" + title)}>']
        out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{oy + 18}" text-anchor="middle" '
                   f'font-size="14" font-weight="bold">{escape(title)}</text>')
        # grid, ticks and tick labels
        thin = ' stroke-width="1"'
        for t in yticks:
            y = py(t)
            out += [_line(x0, y, x1, y, "#e5e5e5", thin), _line(x0 - 4, y, x0, y, "#333"),
                    f'<text x="{x0 - 7:.1f}" y="{y + 4:.1f}" text-anchor="end" '
                    f'fill="#333">{_label(t, ystep)}</text>']
        for t in xticks:
            x = px(t)
            out += [_line(x, y0, x, y1, "#f0f0f0", thin), _line(x, y1, x, y1 + 4, "#333"),
                    f'<text x="{x:.1f}" y="{y1 + 17:.1f}" text-anchor="middle" '
                    f'fill="#333">{_label(t, xstep)}</text>']
        # the axes
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
                   f'fill="none" stroke="#333" stroke-width="1"/>')
        out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y1 + 35:.1f}" text-anchor="middle" '
                   f'fill="#333">{escape(self.x_name or "row")}</text>')
        out.append(f'<text transform="translate({ox + 14},{(y0 + y1) / 2:.1f}) rotate(-90)" '
                   f'text-anchor="middle" fill="#333">{escape(title)}</text>')
        # the curves
        colours = {}
        for name, _ in series:
            colours.setdefault(_twin(name)[0], _COLOURS[len(colours) % len(_COLOURS)])
        legend = []
        for name, points in series:
            base, held_out = _twin(name)
            colour = colours[base]
            dash = ' stroke-dasharray="6,4"' if held_out else ""
            coords = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in points)
            out.append(f'<polyline class="curve" data-metric={quoteattr(name)} points="{coords}" '
                       f'fill="none" stroke="{colour}" stroke-width="2"{dash} '
                       f'stroke-linejoin="round" stroke-linecap="round"/>')
            if len(points) <= 40:
                for x, v in points:
                    out.append(f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="2.5" '
                               f'fill="{colour}"/>')
            legend.append((name, colour, dash, self.last(name)))  # nan shows as nan
        # the legend, top right inside the plot (bottom right for rising curves)
        rising = title == "accuracy" or all(
            len(p) > 1 and p[-1][1] > p[0][1] for _, p in series if p)
        text_w = max(len(name) + (len(_fmt(last)) + 3 if last is not None else 0)
                     for name, _, _, last in legend) * 6.6 + 36
        lx = x1 - text_w - 6
        lh = 16 * len(legend) + 8
        ly = y1 - lh - 6 if rising else y0 + 6
        out.append(f'<g class="legend"><rect x="{lx:.1f}" y="{ly:.1f}" width="{text_w:.1f}" '
                   f'height="{lh}" fill="white" fill-opacity="0.85" stroke="#bbb"/>')
        for k, (name, colour, dash, last) in enumerate(legend):
            y = ly + 14 + 16 * k
            out.append(_line(lx + 6, y - 4, lx + 28, y - 4, colour, f' stroke-width="2"{dash}'))
            label = name if last is None else f"{name} ({_fmt(last)})"
            out.append(f'<text x="{lx + 33:.1f}" y="{y:.1f}" fill="#222">{escape(label)}</text>')
        out.append("</g>")
        out.append("</g>")
        return out
