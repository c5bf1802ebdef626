"""Leads' views speed: the App Home's figures, the weekly digest and the HTML report on a busy database.

Run from the repository root:  python benchmarks/leads_views.py [--days N] [--per-day N] [--database URL]

Fills a fresh database (a temporary SQLite file unless --database names an empty one) with --days
days of activity, --per-day of each kind a day (leak incidents, tickets, 401 checklist walks and
FAQ gap signals over a few hundred gaps), then prints the median and p99 time of what each view
reads and renders: a lead's App Home (figures + Block Kit), an agent's, the digest message, and
`supportbot report`'s data and HTML for 8 and 26 weeks.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from benchmarks.timing import report, timed
from supportbot.formats.report_html import render_report
from supportbot.gaps.dashboard import Overview
from supportbot.gaps.grouping import GapMatcher, GapSignal, Window
from supportbot.knowledge.base import KnowledgeBase
from supportbot.render.templates import Renderer
from supportbot.store import dashboard, migrate
from supportbot.store import gaps as gap_store
from supportbot.store import leaks as leak_store
from supportbot.store import tickets as ticket_store
from supportbot.store import triage as walk_store
from supportbot.store.db import Store
from supportbot.triage import checklist
from supportbot.triage.checks import CheckId

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TOPICS = ["invoice", "refund", "claude", "streaming", "timeout", "embedding", "sla", "alipay", "region", "webhooks"]


def _fill(store: Store, days: int, per_day: int, rng: random.Random) -> None:
    matcher = GapMatcher.for_knowledge(KnowledgeBase.shipped())
    for day in range(days):
        base = NOW - timedelta(days=day)
        with store.session() as session:
            for number in range(per_day):
                at = base - timedelta(minutes=rng.randrange(24 * 60))
                ref = f"{day}.{number}"
                leak_store.record_incident(
                    session,
                    now=at,
                    channel="C0SUPPORT",
                    channel_type="channel",
                    message_ts=ref,
                    thread_ts=None,
                    source="text",
                    author=f"U0C{rng.randrange(200):05d}",
                    author_team=None,
                    keys=[leak_store.KeySighting("openai", "openai", "sk-…abcd", f"k{ref}")],
                    deletion="deleted",
                    deletion_reason=None,
                )
                ticket, _ = ticket_store.create(
                    session,
                    ticket_store.NewTicket(at, "gpt-4o-mini", 401, "Invalid token", "sk-…abcd", f"s{ref}", "command"),
                    now=at,
                )
                if rng.random() < 0.7 and ticket.id is not None:
                    ticket_store.close(session, ticket.id, by="U0AGENT01", reason=None, now=at + timedelta(hours=2))
                state = checklist.start([CheckId.WHITESPACE], at=0.0, language="en", walk=1)
                for step in range(rng.randrange(6)):
                    if state.current is None:
                        break
                    state = checklist.apply(state, "triage_next", step=state.current, at=float(step + 1)).state
                walk_store.create_walk(
                    session,
                    walk_store.NewWalk("C0SUPPORT", f"w{ref}", f"w{ref}", "U0C00001", "U0C00001", "message", state),
                    now=at,
                )
                topic = TOPICS[rng.randrange(len(TOPICS))]
                text = f"question about {topic} for product{rng.randrange(30)}"
                gap_store.record_signal(
                    session, GapSignal("unanswered", text, at, channel_id="C0SUPPORT"), matcher=matcher
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--per-day", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", help="an empty database to use (default: a temporary SQLite file)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    store = Store(args.database or f"sqlite:///{folder.name}/bench.db")
    migrate.upgrade(store)
    started = time.perf_counter()
    _fill(store, args.days, args.per_day, random.Random(7))
    print(
        f"filled {args.days} days x {args.per_day} leaks, tickets, walks and gap signals a day "
        f"in {time.perf_counter() - started:.1f} s ({store.display_url.split(':')[0]})"
    )
    renderer = Renderer()
    window = Window.ending(NOW, timedelta(days=7))

    def lead_home() -> dict[str, object]:
        with store.session() as session:
            figures: Overview = dashboard.overview(session, window, gaps=5)
        return renderer.view("home/lead", "en", updated=NOW, leakers=[], **figures.as_context())

    def agent_home() -> object:
        with store.session() as session:
            return dashboard.agent_overview(session, "U0AGENT01", window)

    def digest() -> object:
        with store.session() as session:
            figures = dashboard.overview(session, window, gaps=5)
        return renderer.message(
            "digest/weekly", "en", preview=False, channel="", day=0, hour=9, leakers=[], **figures.as_context()
        )

    def html_report(weeks: int) -> Callable[[], str]:
        def run() -> str:
            with store.session() as session:
                data = dashboard.report(session, weeks, NOW)
            return render_report(data)

        return run

    report("lead's App Home (figures + view)", timed(lead_home, args.repeat))
    report("agent's App Home (figures)", timed(agent_home, args.repeat))
    report("weekly digest (figures + message)", timed(digest, args.repeat))
    report("report, 8 weeks (data + HTML)", timed(html_report(8), max(3, args.repeat // 5)))
    report("report, 26 weeks (data + HTML)", timed(html_report(26), max(3, args.repeat // 5)))
    store.close()
    folder.cleanup()


if __name__ == "__main__":
    main()
