"""The HTML report as a browser shows it: headless Chromium builds the DOM and takes a screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from supportbot.formats.report_html import COLOURS
from tests import browser
from tests.dashboard_seed import HOSTILE_QUESTION
from tests.unit.commands.report_fixtures import (
    WEEKS,
    chart,
    expected_rows,
    make_activity,
    marks,
    numbers_of,
    weekly_rows,
    write_report,
)

pytestmark = pytest.mark.skipif(
    browser.chromium() is None,
    reason="no chromium on PATH: install Debian's 'chromium' package to check the HTML report in a browser",
)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def test_chromium_renders_the_report_with_its_charts(tmp_path: Path) -> None:
    activity = make_activity(tmp_path)
    page = tmp_path / "report.html"
    write_report(activity, page)

    rendered = browser.dump_dom(page, tmp_path / "profile")
    assert browser.console_errors(rendered.log) == []
    soup = BeautifulSoup(rendered.dom, "html.parser")
    # The browser parsed the inline SVG as SVG: every mark is there, with its data.
    assert len(marks(chart(soup, "leaks"), "bar")) == WEEKS
    assert len(marks(chart(soup, "tickets"), "bar")) == 2 * WEEKS
    assert len(marks(chart(soup, "checklist"), "bar")) == 4 * WEEKS
    assert len(marks(chart(soup, "gaps"), "point")) == 2 * WEEKS
    assert numbers_of(weekly_rows(soup)) == expected_rows(activity.seeded)
    assert soup.find("script") is None
    assert HOSTILE_QUESTION in soup.get_text(" "), "shown as text, not run"

    shot = tmp_path / "report.png"
    taken = browser.screenshot(page, tmp_path / "profile", shot)
    assert browser.console_errors(taken.log) == []
    size, colours = browser.colour_counts(shot)
    assert size == (1400, 2200)
    # The charts were painted: each series colour covers a visible area.
    for name in ("vermillion", "blue", "green"):
        assert colours[_rgb(COLOURS[name])] > 500, name
    assert colours[(255, 255, 255)] < size[0] * size[1] * 0.95, "more than a blank page"


def test_a_script_error_would_be_noticed(tmp_path: Path) -> None:
    """The console check above can fail: a page that throws is reported."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><p>hi</p><script>throw new Error("report-check")</script>', encoding="utf-8")
    rendered = browser.dump_dom(page, tmp_path / "profile")
    assert any("report-check" in line for line in browser.console_errors(rendered.log))
