"""Chart geometry for the report's inline SVG: pure arithmetic, no markup.

A chart is a list of shapes with coordinates in SVG user units; the HTML template draws
them, so every label (a project or user name is user-controlled text) is escaped by Jinja's
autoescape like any other text. Coordinates are rounded to 0.1 so the output is stable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from auditor.report.data import number

WIDTH = 500  # two charts side by side fit the page unscaled
# Room for a text of n characters is n * CHAR_W: SVG cannot measure text, and 11 px
# system-ui digits are about 6.1 px wide, so 7 leaves a margin for wider letters. Each chart
# sizes its label margins from its longest text: "1,000,000" needs more than "10".
CHAR_W = 7.0
PAD = 6  # between a text and what it labels
BAR_H = 18
GAP = 6
TOP = 8
MAX_LABEL = 24  # characters; the full label is in the bar's <title>


@dataclass(frozen=True)
class Bar:
    label: str  # shown, maybe shortened
    title: str  # the full label and value, as a tooltip
    x: float
    y: float
    w: float
    h: float
    value_text: str
    value_x: float
    value_y: float
    label_x: float
    label_y: float
    cls: str = "bar"


@dataclass(frozen=True)
class Tick:
    x1: float
    y1: float
    x2: float
    y2: float
    text: str
    text_x: float
    text_y: float
    anchor: str


@dataclass(frozen=True)
class Dot:
    """A point of a line chart, with its tooltip."""

    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Chart:
    key: str  # the chart's id in the page
    title: str
    unit: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, text)
    horizontal: bool = True
    line: str = ""  # a line chart's polyline, "x,y x,y ..."
    dots: list[Dot] = field(default_factory=list)
    note: str = ""  # said under the chart


def _r(x: float) -> float:
    return round(x, 1)


def _short(label: str, limit: int = MAX_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10 * power  # not reached


def text_width(text: str) -> float:
    """The room ``text`` needs in a chart, in SVG user units (see CHAR_W)."""
    return len(text) * CHAR_W


def hbar(
    key: str,
    title: str,
    unit: str,
    items: list[tuple[str, float]],
    classes: list[str] | None = None,
) -> Chart:
    """Horizontal bars, one per (label, value), in the order given; ``classes`` gives each
    bar's css class (default ``bar``)."""
    top = nice_max(max((v for _, v in items), default=0.0))
    labels = [_short(label) for label, _ in items]
    texts = [number(value) for _, value in items]
    label_w = _r(max(map(text_width, labels), default=0.0) + 2 * PAD)  # labels on the left
    value_w = _r(max(map(text_width, texts), default=0.0) + 2 * PAD)  # values on the right
    area = WIDTH - label_w - value_w
    bars = []
    for i, ((label, value), short, text) in enumerate(zip(items, labels, texts, strict=True)):
        y = TOP + i * (BAR_H + GAP)
        w = area * max(value, 0.0) / top
        bars.append(
            Bar(
                label=short,
                title=f"{label}: {text} {unit}",
                x=label_w,
                y=y,
                w=_r(w),
                h=BAR_H,
                value_text=text,
                value_x=_r(label_w + w + PAD),
                value_y=_r(y + BAR_H * 0.72),
                label_x=_r(label_w - PAD),
                label_y=_r(y + BAR_H * 0.72),
                cls=classes[i] if classes else "bar",
            )
        )
    height = TOP * 2 + max(len(items), 1) * (BAR_H + GAP)
    return Chart(key, title, unit, WIDTH, height, bars)


def columns(key: str, title: str, unit: str, items: list[tuple[str, float]]) -> Chart:
    """Vertical columns over time (months), with a value axis of four steps."""
    peak = nice_max(max((v for _, v in items), default=0.0))
    tick_texts = [number(peak * k / 4) for k in range(5)]
    # the axis labels end PAD left of the axis: room for the longest, and as much again
    left = _r(max(48.0, max(map(text_width, tick_texts)) + 2 * PAD))
    right, top, bottom = 24, 16, 28
    height = 240
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom
    n = max(len(items), 1)
    slot = plot_w / n
    bar_w = max(min(slot * 0.7, 48), 2)
    bars = []
    every = max(1, math.ceil(n / 8))  # at most about eight month labels
    # values over the columns only when each fits its column's slot: large ones would overlap
    texts = [number(value) for _, value in items]
    show_values = n <= 12 and max(map(text_width, texts), default=0.0) <= slot
    for i, ((label, value), text) in enumerate(zip(items, texts, strict=True)):
        h = plot_h * max(value, 0.0) / peak
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        bars.append(
            Bar(
                label=label if i % every == 0 else "",
                title=f"{label}: {text} {unit}",
                x=_r(x),
                y=_r(y),
                w=_r(bar_w),
                h=_r(h),
                value_text=text if show_values else "",
                value_x=_r(x + bar_w / 2),
                value_y=_r(y - 3),
                label_x=_r(x + bar_w / 2),
                label_y=_r(top + plot_h + 16),
            )
        )
    ticks = []
    for k, text in enumerate(tick_texts):
        y = _r(top + plot_h - plot_h * k / 4)
        ticks.append(Tick(left, y, WIDTH - right, y, text, _r(left - PAD), _r(y + 4), "end"))
    return Chart(key, title, unit, WIDTH, height, bars, ticks, horizontal=False)


def split_bar(key: str, title: str, unit: str, parts: list[tuple[str, str, float]]) -> Chart:
    """One bar split into parts (css class, label, value), with a legend: shares of a whole."""
    total = sum(max(v, 0.0) for _, _, v in parts)
    x = 0.0
    bars = []
    for cls, label, value in parts:
        w = WIDTH * max(value, 0.0) / total if total > 0 else 0.0
        share = 100 * value / total if total > 0 else 0.0
        text = f"{number(value)} {unit} ({share:.1f}%)"
        bars.append(
            Bar(
                label=label,
                title=f"{label}: {text}",
                x=_r(x),
                y=TOP,
                w=_r(w),
                h=28,
                value_text="",
                value_x=0,
                value_y=0,
                label_x=0,
                label_y=0,
                cls=cls,
            )
        )
        x += w
    legend = [
        (b.cls, f"{label}: {number(v)} {unit}")
        for b, (_, label, v) in zip(bars, parts, strict=True)
    ]
    return Chart(key, title, unit, WIDTH, 28 + TOP * 2, bars, legend=legend)


def line(
    key: str,
    title: str,
    x_unit: str,
    y_unit: str,
    points: list[tuple[float, float, str]],
    note: str = "",
) -> Chart:
    """A line through ``points`` (x, y, tooltip) in the order given, x from 0 to a round
    maximum, y between round steps around the values; four steps on each axis."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x_top = nice_max(max(xs, default=0.0))
    low, high = min(ys, default=0.0), max(ys, default=0.0)
    # four round steps from a multiple of the step below the lowest value past the highest
    step = nice_max((high - low) / 4) if high > low else nice_max(abs(high) / 4 or 1.0)
    y_low = math.floor(low / step + 1e-9) * step
    while y_low + 4 * step < high - 1e-12 * abs(high):
        step = nice_max(step * 1.5)
        y_low = math.floor(low / step + 1e-9) * step
    y_high = y_low + 4 * step
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))  # a step is 1, 2 or 5 x 10^k
    y_texts = [number(y_low + step * k, decimals) for k in range(5)]
    left = _r(max(48.0, max(map(text_width, y_texts)) + 2 * PAD))
    right, top, bottom = 24, 16, 44
    height = 240
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom

    def at(x: float, y: float) -> tuple[float, float]:
        return (
            _r(left + plot_w * x / x_top),
            _r(top + plot_h - plot_h * (y - y_low) / (y_high - y_low)),
        )

    placed = [(*at(x, y), text) for x, y, text in points]
    ticks = []
    for k, text in enumerate(y_texts):
        y = _r(top + plot_h - plot_h * k / 4)
        ticks.append(Tick(left, y, WIDTH - right, y, text, _r(left - PAD), _r(y + 4), "end"))
    for k in range(5):
        x = _r(left + plot_w * k / 4)
        ticks.append(
            Tick(x, top, x, top + plot_h, number(x_top * k / 4), x, top + plot_h + 16, "middle")
        )
    return Chart(
        key,
        title,
        f"{y_unit} against {x_unit}",
        WIDTH,
        height,
        ticks=ticks,
        horizontal=False,
        line=" ".join(f"{x},{y}" for x, y, _ in placed),
        dots=[Dot(x, y, text) for x, y, text in placed],
        note=note,
    )
