"""``supportbot report --html``: a self-contained file whose charts and tables match the activity."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from supportbot.cli import cli
from tests.dashboard_seed import HOSTILE_QUESTION, INVOICE
from tests.unit.commands.report_fixtures import (
    WEEKS,
    Activity,
    chart,
    expected_rows,
    make_activity,
    marks,
    numbers_of,
    weekly_rows,
    write_report,
)


@pytest.fixture
def activity(tmp_path: Path) -> Activity:
    return make_activity(tmp_path)


def test_the_report_charts_every_week_and_lists_the_gaps(activity: Activity, tmp_path: Path) -> None:
    html = write_report(activity, tmp_path / "report.html")
    soup = BeautifulSoup(html, "html.parser")

    assert numbers_of(weekly_rows(soup)) == expected_rows(activity.seeded)
    # One mark per week and series, zeros included.
    assert len(marks(chart(soup, "leaks"), "bar")) == WEEKS
    assert len(marks(chart(soup, "tickets"), "bar")) == 2 * WEEKS
    assert len(marks(chart(soup, "checklist"), "bar")) == 4 * WEEKS
    assert len(marks(chart(soup, "gaps"), "point")) == 2 * WEEKS
    leak_bars = [int(str(bar["data-value"])) for bar in marks(chart(soup, "leaks"), "bar")]
    assert leak_bars == [week.leaks for week in activity.seeded.weeks]

    gaps = soup.find("table", id="gaps")
    assert gaps is not None
    rows = gaps.find_all("tr", attrs={"data-gap": True})
    assert rows[0]["data-gap"] == activity.seeded.gap_keys["invoice"]
    assert rows[0].find_all("td")[2].get_text(strip=True) == "3"
    shown = gaps.get_text(" ")
    assert INVOICE[0] in shown and INVOICE[1] in shown
    assert HOSTILE_QUESTION in shown, "the question is shown as text"
    totals = {card["data-total"]: card.find("span").get_text() for card in soup.find_all(attrs={"data-total": True})}
    assert totals["leaks"] == str(sum(week.leaks for week in activity.seeded.weeks))


def test_the_report_is_self_contained_escaped_and_keyless(activity: Activity, tmp_path: Path) -> None:
    html = write_report(activity, tmp_path / "report.html")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("link") is None and soup.find("img") is None
    assert soup.find("b") is None, "customer text never becomes markup"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for outside in ("http://", "https://", "src=", "url(", "@import"):
        assert outside not in html, outside
    assert activity.secret not in html
    assert activity.secret[-4:] in html, "the key is masked, its end kept"


def test_weeks_and_errors(activity: Activity, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"DATABASE_URL": activity.url}
    one = runner.invoke(cli, ["report", "--html", str(tmp_path / "one.html"), "--weeks", "1"], env=env)
    assert one.exit_code == 0 and "1 week," in one.stdout
    soup = BeautifulSoup((tmp_path / "one.html").read_text(encoding="utf-8"), "html.parser")
    assert len(marks(chart(soup, "leaks"), "bar")) == 1

    missing = runner.invoke(cli, ["report", "--html", str(tmp_path / "nowhere" / "r.html")], env=env)
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
    bad_weeks = runner.invoke(cli, ["report", "--html", str(tmp_path / "r.html"), "--weeks", "0"], env=env)
    assert bad_weeks.exit_code == 2 and "--weeks" in bad_weeks.stderr
    no_db = runner.invoke(
        cli, ["report", "--html", str(tmp_path / "r.html")], env={"DATABASE_URL": f"sqlite:///{tmp_path}/none.db"}
    )
    assert no_db.exit_code == 2 and "no database" in no_db.stderr
    assert not (tmp_path / "r.html").exists()
    assert not list(tmp_path.glob(".report-*")), "no temporary file left behind"
