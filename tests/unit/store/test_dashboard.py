"""The leads' figures against activity written through each feature's store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supportbot.gaps.grouping import Window
from supportbot.store import dashboard
from supportbot.store.db import Store
from tests.dashboard_seed import HOSTILE_QUESTION, INVOICE, gap_signal, leak, seed_weeks, ticket, walk

# Thursday of ISO week 48, 2026.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_weekly_figures_follow_the_activity_week_by_week(store: Store) -> None:
    seeded = seed_weeks(store, NOW, weeks=4)
    with store.session() as session:
        figures = dashboard.weekly_figures(session, 5, NOW)
    assert [week.start.date().isoformat() for week in figures] == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
    ]
    assert figures[0].leaks == figures[0].tickets_opened == figures[0].walks == 0, "before the seeded weeks"
    for week, expected in zip(figures[1:], seeded.weeks, strict=True):
        assert (week.leaks, week.tickets_opened, week.tickets_closed) == (
            expected.leaks,
            expected.opened,
            expected.closed,
        )
        assert (week.walks_fixed, week.walks_unresolved, week.walks_open) == (
            expected.fixed,
            expected.unresolved,
            expected.open,
        )
        assert week.gap_signals == expected.signals
    assert figures[-1].new_gaps == 2 and figures[-2].new_gaps == 1


def test_overview_of_the_last_seven_days_with_trends(store: Store) -> None:
    window = Window.ending(NOW, timedelta(days=7))
    before = window.start - timedelta(days=1)
    for number in range(3):
        leak(store, NOW - timedelta(hours=number + 1), "U0CUST001" if number < 2 else "U0CUST002", f"9{number}.1")
    leak(store, before, "U0CUST002", "80.1")
    ticket(store, NOW - timedelta(days=1), "t1")
    ticket(store, NOW - timedelta(days=2), "t2", closed_at=NOW - timedelta(hours=2))
    ticket(store, before - timedelta(days=3), "t0")  # filed earlier, still open
    walk(store, NOW - timedelta(hours=5), "w1", fixed_at=0, steps_next=0)
    walk(store, NOW - timedelta(hours=4), "w2", fixed_at=None, steps_next=5)
    walk(store, NOW - timedelta(hours=3), "w3", fixed_at=None, steps_next=1)
    for number, text in enumerate(INVOICE):
        gap_signal(store, text, NOW - timedelta(hours=10 + number), user=f"U0C{number:05d}")
    gap_signal(store, HOSTILE_QUESTION, NOW - timedelta(hours=9))
    gap_signal(store, INVOICE[0], before)

    with store.session() as session:
        seen = dashboard.overview(session, window, clean=str.upper, gaps=1, examples=2)

    assert (seen.leaks.current, seen.leaks.previous) == (3, 1)
    assert [(leaker.user_id, leaker.count) for leaker in seen.leakers] == [("U0CUST001", 2)]
    assert (seen.tickets_open, seen.tickets_opened, seen.tickets_closed) == (2, 2, 1)
    checklist = seen.checklist
    assert (checklist.walks, checklist.fixed, checklist.unresolved, checklist.open) == (3, 1, 1, 1)
    ended = {step.step: (step.fixed, step.unresolved, step.open) for step in checklist.steps if step.total}
    assert ended == {"whitespace": (1, 0, 0), "missing_header": (0, 0, 1), "disabled_key": (0, 1, 0)}
    assert (seen.gap_signals.current, seen.gap_signals.previous) == (4, 1)
    assert seen.gaps_total == 2, "two gaps although only the busiest is listed"
    (top,) = seen.gaps
    assert (top.count, top.previous, top.direction) == (3, 1, "up")
    assert top.title == INVOICE[0].upper(), "texts pass the caller's clean"
    # The two newest phrasings, less the one that repeats the title.
    assert top.examples == (INVOICE[1],)


def test_agent_overview_lists_only_their_open_tickets(store: Store) -> None:
    window = Window.ending(NOW, timedelta(days=7))
    mine = [ticket(store, NOW - timedelta(hours=hours), f"m{hours}", assignee="U0AGENT01") for hours in (1, 2, 3)]
    ticket(store, NOW - timedelta(hours=4), "other", assignee="U0AGENT02")
    ticket(store, NOW - timedelta(hours=5), "closed", assignee="U0AGENT01", closed_at=NOW - timedelta(hours=1))
    ticket(store, NOW - timedelta(hours=6), "nobody")
    leak(store, NOW - timedelta(hours=1), "U0CUST001", "1.1")
    with store.session() as session:
        desk = dashboard.agent_overview(session, "U0AGENT01", window, limit=2)
    assert [line.id for line in desk.assigned] == mine[:2], "newest first, at most the limit"
    assert (desk.assigned_total, desk.tickets_open, desk.unassigned, desk.leaks) == (3, 5, 1, 1)
