"""The report's SVG charts: one mark per value, scales that fit, escaped texts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from supportbot.formats.svgchart import Series, bar_chart, line_chart, nice_ceiling

LABELS = ["2026-W46", "2026-W47", "2026-W48"]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own markup


def _marks(root: ET.Element, tag: str) -> list[ET.Element]:
    return [node for node in root.iter(tag) if node.get("class") in {"bar", "point"}]


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (260, 500)])
def test_nice_ceiling(value: float, ceiling: int) -> None:
    assert nice_ceiling(value) == ceiling


def test_grouped_bars_one_per_value_zeros_included() -> None:
    svg = bar_chart(
        "tickets", "Tickets", LABELS, [Series("filed", (4, 0, 2), "#00f"), Series("closed", (1, 1, 0), "#0f0")]
    )
    bars = _marks(_parse(svg), "rect")
    assert len(bars) == 6
    assert [(bar.get("data-series"), bar.get("data-value")) for bar in bars[:2]] == [("filed", "4"), ("closed", "1")]
    heights = {(bar.get("data-series"), bar.get("data-label")): float(bar.get("height") or 0) for bar in bars}
    assert heights[("filed", "2026-W47")] == 0
    assert heights[("filed", "2026-W46")] == pytest.approx(4 * heights[("closed", "2026-W46")])


def test_stacked_bars_sit_on_each_other() -> None:
    svg = bar_chart(
        "c", "Checklist", LABELS, [Series("a", (1, 2, 3), "#111"), Series("b", (2, 2, 0), "#222")], stacked=True
    )
    bars = _marks(_parse(svg), "rect")
    first = [bar for bar in bars if bar.get("data-label") == "2026-W46"]
    lower, upper = sorted(first, key=lambda bar: -float(bar.get("y") or 0))
    assert float(upper.get("y") or 0) + float(upper.get("height") or 0) == pytest.approx(float(lower.get("y") or 0))
    # The tallest stack (4) fits under the top tick (5).
    assert [tick.text for tick in _parse(svg).iter("text") if tick.get("class") == "tick"][-1] == "5"


def test_lines_have_a_point_per_value() -> None:
    svg = line_chart("gaps", "Gaps", LABELS, [Series("asked", (3, 9, 1), "#123"), Series("new", (0, 2, 1), "#456")])
    root = _parse(svg)
    assert len(_marks(root, "circle")) == 6
    assert len([node for node in root.iter("polyline") if node.get("class") == "line"]) == 2
    values = [point.get("data-value") for point in _marks(root, "circle")]
    assert values == ["3", "9", "1", "0", "2", "1"]


def test_texts_are_escaped() -> None:
    svg = bar_chart("x", '<script>"t"</script>', ["<b>w</b>"], [Series("a&b", (1,), "red")])
    assert "<script>" not in svg and "<b>" not in svg
    root = _parse(svg)
    assert root.get("aria-label") == '<script>"t"</script>'
    assert re.search(r"a&amp;b", svg)


def test_bad_series_are_refused() -> None:
    with pytest.raises(ValueError, match="3 labels"):
        bar_chart("x", "t", LABELS, [Series("a", (1, 2), "red")])
    with pytest.raises(ValueError, match="negative"):
        line_chart("x", "t", LABELS, [Series("a", (1, -2, 0), "red")])
    with pytest.raises(ValueError, match="at least one series"):
        line_chart("x", "t", LABELS, [])
