"""Small inline SVG charts for the HTML report: bars (grouped or stacked) and lines over weeks.

Hand-written rather than a charting library: the report must be one self-contained file with no
scripts and no links, and the charting libraries we looked at embed scripts, remote references or
random element ids. The markup is deterministic and every text in it is escaped.

Every mark carries its data for readers and tests: ``<rect class="bar" data-series="…"
data-label="…" data-value="…">`` with a ``<title>`` tooltip, ``<circle class="point" …>`` on
lines. A mark is drawn for every value, zeros included, so a chart with ``n`` labels and ``s``
series holds exactly ``n * s`` bars or points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 28, 40


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]
    color: str


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5 times a power of ten that is at least ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _ticks(top: int) -> list[int]:
    step = max(1, top // 4) if top % 4 == 0 else max(1, nice_ceiling(top / 5))
    return list(range(0, top + 1, step))


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


class _Frame:
    """The plot area: maps label index and value to pixels, and draws axes, grid and legend."""

    def __init__(self, labels: Sequence[str], top: int, width: int, height: int) -> None:
        self.labels = list(labels)
        self.top = top
        self.width = width
        self.height = height
        self.plot_w = width - _LEFT - _RIGHT
        self.plot_h = height - _TOP - _BOTTOM

    def slot(self, index: int) -> tuple[float, float]:
        """Left edge and width of the slot of label ``index``."""
        width = self.plot_w / max(1, len(self.labels))
        return _LEFT + index * width, width

    def y(self, value: float) -> float:
        return _TOP + self.plot_h - (value / self.top) * self.plot_h

    def axes(self) -> list[str]:
        parts: list[str] = []
        for tick in _ticks(self.top):
            y = self.y(tick)
            parts.append(
                f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{self.width - _RIGHT}" y2="{y:.1f}" '
                f'stroke="#e3e6ea" stroke-width="1"/>'
                f'<text class="tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
            )
        every = max(1, math.ceil(len(self.labels) / 12))
        for index, label in enumerate(self.labels):
            if index % every:
                continue
            left, width = self.slot(index)
            parts.append(
                f'<text class="label" x="{left + width / 2:.1f}" y="{self.height - _BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
        parts.append(
            f'<line class="axis" x1="{_LEFT}" y1="{self.y(0):.1f}" x2="{self.width - _RIGHT}" '
            f'y2="{self.y(0):.1f}" stroke="#8a9099" stroke-width="1"/>'
        )
        return parts

    def legend(self, series: Sequence[Series]) -> list[str]:
        parts: list[str] = []
        x = float(_LEFT)
        for item in series:
            parts.append(
                f'<g class="legend-item"><rect x="{x:.1f}" y="8" width="10" height="10" fill="{_attr(item.color)}"/>'
                f'<text x="{x + 14:.1f}" y="17">{escape(item.name)}</text></g>'
            )
            x += 22 + 7 * len(item.name)
        return parts


def _open(chart_id: str, title: str, width: int, height: int) -> str:
    return (
        f'<svg class="chart" data-chart="{_attr(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{_attr(title)}">'
        f"<title>{escape(title)}</title>"
    )


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for {len(labels)} labels")
        if any(value < 0 for value in item.values):
            raise ValueError(f"series {item.name!r} has a negative value")


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """Bars per label: side by side for each series, or ``stacked`` on top of each other."""
    _check(labels, series)
    if stacked:
        highest = max((sum(item.values[index] for item in series) for index in range(len(labels))), default=0)
    else:
        highest = max((max(item.values, default=0) for item in series), default=0)
    frame = _Frame(labels, nice_ceiling(highest), width, height)
    parts = [_open(chart_id, title, width, height), *frame.axes(), *frame.legend(series)]
    for index, label in enumerate(labels):
        left, slot = frame.slot(index)
        inner = slot * 0.7
        start = left + (slot - inner) / 2
        base = 0
        for number, item in enumerate(series):
            value = item.values[index]
            if stacked:
                x, bar_w = start, inner
                bottom, top = base, base + value
                base = top
            else:
                bar_w = inner / len(series)
                x, bottom, top = start + number * bar_w, 0, value
            y_top, y_bottom = frame.y(top), frame.y(bottom)
            parts.append(
                f'<rect class="bar" data-series="{_attr(item.name)}" data-label="{_attr(label)}" '
                f'data-value="{value}" x="{x:.1f}" y="{y_top:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                f'height="{y_bottom - y_top:.1f}" fill="{_attr(item.color)}">'
                f"<title>{escape(f'{label}, {item.name}: {value}')}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """One line per series through a point per label."""
    _check(labels, series)
    highest = max((max(item.values, default=0) for item in series), default=0)
    frame = _Frame(labels, nice_ceiling(highest), width, height)
    parts = [_open(chart_id, title, width, height), *frame.axes(), *frame.legend(series)]
    for item in series:
        points = []
        for index, value in enumerate(item.values):
            left, slot = frame.slot(index)
            points.append((left + slot / 2, frame.y(value), labels[index], value))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(
            f'<polyline class="line" data-series="{_attr(item.name)}" points="{path}" fill="none" '
            f'stroke="{_attr(item.color)}" stroke-width="2"/>'
        )
        for x, y, label, value in points:
            parts.append(
                f'<circle class="point" data-series="{_attr(item.name)}" data-label="{_attr(label)}" '
                f'data-value="{value}" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{_attr(item.color)}">'
                f"<title>{escape(f'{label}, {item.name}: {value}')}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)
