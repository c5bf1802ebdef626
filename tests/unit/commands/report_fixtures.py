"""A database full of activity over the last weeks, and how to read the report made from it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from click.testing import CliRunner

from supportbot.cli import cli
from supportbot.gaps.grouping import GapSignal, default_matcher
from supportbot.infra.clock import SystemClock
from supportbot.store import gaps as gap_store
from supportbot.store import migrate
from supportbot.store.db import Store
from tests.dashboard_seed import Seeded, seed_weeks
from tests.keygen import make_key

WEEKS = 4


@dataclass(frozen=True)
class Activity:
    url: str
    seeded: Seeded
    secret: str
    """A key that old data holds in a gap example (stored before a rule knew it); never in a report."""


def make_activity(folder: Path) -> Activity:
    url = f"sqlite:///{folder}/report.db"
    store = Store(url)
    migrate.upgrade(store)
    now = SystemClock().now()
    seeded = seed_weeks(store, now, weeks=WEEKS)
    secret = make_key("openai", random.Random(48))
    with store.session() as session:
        recorded = gap_store.record_signal(
            session,
            GapSignal("unanswered", f"why is {secret} refused?", now - timedelta(seconds=1), channel_id="C0SUPPORT"),
            matcher=default_matcher(),
        )
    assert recorded is not None
    seeded.weeks[-1].signals += 1
    store.close()
    return Activity(url, seeded, secret)


def write_report(activity: Activity, out: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["report", "--html", str(out), "--weeks", str(WEEKS), *args], env={"DATABASE_URL": activity.url}
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stdout
    return out.read_text(encoding="utf-8")


def chart(soup: BeautifulSoup, name: str) -> Tag:
    found = soup.find("svg", attrs={"data-chart": name})
    assert isinstance(found, Tag), f"no chart {name}"
    return found


def marks(svg: Tag, kind: str) -> list[Tag]:
    """``rect.bar`` or ``circle.point`` elements of a chart."""
    tag = "rect" if kind == "bar" else "circle"
    return [node for node in svg.find_all(tag) if kind in (node.get("class") or [])]


def weekly_rows(soup: BeautifulSoup) -> list[list[str]]:
    table = soup.find("table", id="weekly")
    assert isinstance(table, Tag)
    return [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in table.find_all("tr", attrs={"data-week": True})
    ]


def expected_rows(seeded: Seeded) -> list[list[str]]:
    """The weekly table's numbers, from what was seeded (week label and date left out)."""
    return [
        [
            str(w.signals),
            str(w.fixed + w.unresolved + w.open),
            str(w.fixed),
            str(w.unresolved),
            str(w.leaks),
            str(w.opened),
            str(w.closed),
        ]
        for w in seeded.weeks
    ]


def numbers_of(rows: list[list[str]]) -> list[list[str]]:
    """Columns: unanswered, walks, fixed, unresolved, leaks, tickets filed, closed."""
    return [[row[1], row[3], row[4], row[5], row[8], row[9], row[10]] for row in rows]
