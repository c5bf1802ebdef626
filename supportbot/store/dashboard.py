"""The leads' figures, gathered from each feature's own report queries (no tables of its own).

Every query here is bounded by an indexed time column (gap signals ``at``, leak incidents, tickets
and checklist walks ``created_at``) or is a grouped count over an index, so the App Home renders
from a handful of cheap statements however old the database is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from supportbot.gaps.dashboard import (
    AgentOverview,
    Checklist,
    Leaker,
    Overview,
    Report,
    TicketLine,
    WeekFigures,
    gap_lines,
)
from supportbot.gaps.grouping import Trend, Window
from supportbot.gaps.weekly import WEEK, bucket_by_week, week_starts
from supportbot.store import gaps as gap_store
from supportbot.store import leaks as leak_store
from supportbot.store import tickets as ticket_store
from supportbot.store import triage as triage_store
from supportbot.store.types import as_utc

Clean = Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


def overview(
    session: Session,
    window: Window,
    *,
    clean: Clean = _unchanged,
    gaps: int = 5,
    examples: int = 2,
    leakers: int = 5,
) -> Overview:
    """Gaps, checklist outcomes, leaks and tickets of ``window``, with trends against the window before."""
    previous = window.previous()
    summaries = gap_store.top_gaps(session, window, limit=gaps, examples=examples)
    repeaters = leak_store.repeat_leakers(session, since=window.start, until=window.end)
    return Overview(
        window=window,
        gaps=gap_lines(summaries, clean),
        gaps_total=gap_store.count_gaps(session, window) if len(summaries) >= gaps else len(summaries),
        gap_signals=Trend(gap_store.count_signals(session, window), gap_store.count_signals(session, previous)),
        checklist=checklist(session, window),
        leaks=Trend(
            leak_store.count_between(session, since=window.start, until=window.end),
            leak_store.count_between(session, since=previous.start, until=previous.end),
        ),
        leakers=tuple(Leaker(author, count) for author, count in repeaters[:leakers]),
        tickets_open=ticket_store.counts_by_state(session)["open"],
        tickets_opened=ticket_store.count_created(session, since=window.start, until=window.end),
        tickets_closed=ticket_store.count_closed(session, since=window.start, until=window.end),
        keys_disabled=leak_store.count_revoked_between(session, since=window.start, until=window.end),
    )


def checklist(session: Session, window: Window) -> Checklist:
    """401 checklist walks started in ``window``, by the step they ended at and how."""
    return Checklist(tuple(triage_store.outcomes_by_step(session, since=window.start, until=window.end)))


def agent_overview(session: Session, user_id: str, window: Window, *, limit: int = 10) -> AgentOverview:
    """An agent's home: the open tickets assigned to them, how many are open or unassigned, the leaks."""
    assigned = ticket_store.listing(session, state="open", assignee=user_id, limit=limit)
    total = len(assigned) if len(assigned) < limit else ticket_store.count(session, state="open", assignee=user_id)
    open_now = ticket_store.counts_by_state(session)["open"]
    return AgentOverview(
        window=window,
        assigned=tuple(
            TicketLine(
                id=ticket.id or 0,
                status=ticket.status,
                model=ticket.model,
                masked_key_id=ticket.masked_key_id,
                created_at=as_utc(ticket.created_at),
            )
            for ticket in assigned
        ),
        assigned_total=total,
        tickets_open=open_now,
        unassigned=ticket_store.count_unassigned(session),
        leaks=leak_store.count_between(session, since=window.start, until=window.end),
        keys_disabled=leak_store.count_revoked_between(session, since=window.start, until=window.end),
    )


def weekly_figures(session: Session, weeks: int, now: datetime) -> list[WeekFigures]:
    """The last ``weeks`` ISO weeks, oldest first, the current unfinished week last."""
    starts = week_starts(weeks, now)
    since, until = starts[0], starts[-1] + WEEK
    gap_weeks = gap_store.weekly_counts(session, weeks, now)
    leaks = bucket_by_week(leak_store.weekly_counts(session, since=since), starts)
    opened = dict(ticket_store.created_per_week(session, since=since, until=until))
    closed = dict(ticket_store.closed_per_week(session, since=since, until=until))
    walks = {week.week: week for week in triage_store.weekly_outcomes(session, since=since, until=until)}
    figures: list[WeekFigures] = []
    for index, start in enumerate(starts):
        day = start.date()
        walk = walks.get(day)
        figures.append(
            WeekFigures(
                start=start,
                gap_signals=gap_weeks[index].signals,
                new_gaps=gap_weeks[index].new_gaps,
                leaks=leaks[index],
                tickets_opened=opened.get(day, 0),
                tickets_closed=closed.get(day, 0),
                walks_fixed=walk.fixed if walk else 0,
                walks_unresolved=walk.unresolved if walk else 0,
                walks_ticket=walk.ticket if walk else 0,
                walks_open=walk.open if walk else 0,
            )
        )
    return figures


def report(
    session: Session, weeks: int, now: datetime, *, clean: Clean = _unchanged, gaps: int = 20, examples: int = 3
) -> Report:
    """The HTML report's data: weekly trends over ``weeks`` weeks, and that period's gaps and outcomes."""
    figures = weekly_figures(session, weeks, now)
    window = Window(figures[0].start, now)
    summaries = gap_store.top_gaps(session, window, limit=gaps, examples=examples)
    repeaters = leak_store.repeat_leakers(session, since=window.start, until=window.end)
    return Report(
        generated_at=now,
        weeks=tuple(figures),
        gaps=gap_lines(summaries, clean),
        gaps_total=gap_store.count_gaps(session, window),
        checklist=checklist(session, window),
        leakers=tuple(Leaker(author, count) for author, count in repeaters[:20]),
        tickets_open=ticket_store.counts_by_state(session)["open"],
    )
