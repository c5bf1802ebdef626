"""What the leads' views show, as plain data: the App Home, the weekly digest and the HTML report.

The store fills these (``supportbot.store.dashboard``); templates and the report render them.
Nothing here holds a customer's words except gap titles and examples, which were scrubbed when
stored and pass the caller's ``clean`` again on the way out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from supportbot.gaps.grouping import GapSummary, Trend, Window


@dataclass(frozen=True)
class GapLine:
    key: str
    title: str
    count: int
    previous: int
    direction: str
    """``new``, ``up``, ``down`` or ``flat`` against the window before."""
    state: str
    """``open``, ``answered`` or ``reopened``."""
    examples: tuple[str, ...]

    def as_context(self) -> dict[str, object]:
        return {
            "key": self.key,
            "title": self.title,
            "count": self.count,
            "previous": self.previous,
            "direction": self.direction,
            "state": self.state,
            "examples": list(self.examples),
        }


def gap_lines(summaries: Iterable[GapSummary], clean: Callable[[str], str]) -> tuple[GapLine, ...]:
    """Gap summaries as shown to leads: texts cleaned once more, examples that repeat the title dropped."""
    lines: list[GapLine] = []
    for summary in summaries:
        title = clean(summary.title)
        examples = tuple(shown for shown in (clean(text) for text in summary.examples) if shown and shown != title)
        lines.append(
            GapLine(
                key=summary.key,
                title=title,
                count=summary.count,
                previous=summary.trend.previous,
                direction=summary.trend.direction,
                state=summary.status.state,
                examples=examples,
            )
        )
    return tuple(lines)


@dataclass(frozen=True)
class StepLine:
    """401 checklist walks that ended at ``step``: fixed there, given up (unresolved, ticket) or still open."""

    step: str
    fixed: int = 0
    unresolved: int = 0
    ticket: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.fixed + self.unresolved + self.ticket + self.open

    def as_context(self) -> dict[str, object]:
        return {
            "step": self.step,
            "fixed": self.fixed,
            "unresolved": self.unresolved,
            "ticket": self.ticket,
            "open": self.open,
            "total": self.total,
        }


@dataclass(frozen=True)
class Checklist:
    steps: tuple[StepLine, ...]

    @property
    def walks(self) -> int:
        return sum(step.total for step in self.steps)

    @property
    def fixed(self) -> int:
        return sum(step.fixed for step in self.steps)

    @property
    def unresolved(self) -> int:
        return sum(step.unresolved for step in self.steps)

    @property
    def ticket(self) -> int:
        return sum(step.ticket for step in self.steps)

    @property
    def open(self) -> int:
        return sum(step.open for step in self.steps)

    def as_context(self) -> dict[str, object]:
        return {
            "walks": self.walks,
            "fixed": self.fixed,
            "unresolved": self.unresolved,
            "ticket": self.ticket,
            "open": self.open,
            # Steps nobody reached are noise in a chat view; the report shows them all.
            "steps": [step.as_context() for step in self.steps if step.total],
        }


@dataclass(frozen=True)
class Leaker:
    user_id: str
    count: int


@dataclass(frozen=True)
class Overview:
    """One window of everything a lead looks at (the App Home: the last 7 days; the digest: its week)."""

    window: Window
    gaps: tuple[GapLine, ...]
    gaps_total: int
    """Gaps asked about in the window (``gaps`` lists the busiest of them)."""
    gap_signals: Trend
    checklist: Checklist
    leaks: Trend
    leakers: tuple[Leaker, ...]
    tickets_open: int
    """Open now, whenever they were filed."""
    tickets_opened: int
    tickets_closed: int
    keys_disabled: int = 0
    """Leaked keys of the window disabled at their source (SUPPORTBOT_REVOKE)."""

    def as_context(self) -> dict[str, object]:
        """The template context (leakers become Slack mentions in the caller)."""
        return {
            "start": self.window.start,
            "end": self.window.end,
            "gaps": [gap.as_context() for gap in self.gaps],
            "gaps_total": self.gaps_total,
            "signals": self.gap_signals.current,
            "signals_previous": self.gap_signals.previous,
            "checklist": self.checklist.as_context(),
            "leaks": self.leaks.current,
            "leaks_previous": self.leaks.previous,
            "tickets_open": self.tickets_open,
            "tickets_opened": self.tickets_opened,
            "tickets_closed": self.tickets_closed,
            "keys_disabled": self.keys_disabled,
        }


@dataclass(frozen=True)
class TicketLine:
    """A ticket as an agent's home lists it: only the safe ticket fields, never the error text."""

    id: int
    status: int | None
    model: str | None
    masked_key_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class AgentOverview:
    """The smaller home of an agent who is not a lead: their tickets and the week's leak count."""

    window: Window
    assigned: tuple[TicketLine, ...]
    assigned_total: int
    tickets_open: int
    unassigned: int
    leaks: int
    keys_disabled: int = 0


@dataclass(frozen=True)
class WeekFigures:
    """One ISO week (Monday 00:00 UTC onwards) for the report's trend charts."""

    start: datetime
    gap_signals: int = 0
    new_gaps: int = 0
    leaks: int = 0
    tickets_opened: int = 0
    tickets_closed: int = 0
    walks_fixed: int = 0
    walks_unresolved: int = 0
    walks_ticket: int = 0
    walks_open: int = 0

    @property
    def walks(self) -> int:
        return self.walks_fixed + self.walks_unresolved + self.walks_ticket + self.walks_open


@dataclass(frozen=True)
class Report:
    """Everything ``supportbot report`` draws: weekly trends, and the period's gaps, steps and leakers."""

    generated_at: datetime
    weeks: tuple[WeekFigures, ...]
    gaps: tuple[GapLine, ...]
    gaps_total: int
    checklist: Checklist
    leakers: tuple[Leaker, ...]
    tickets_open: int

    @property
    def window(self) -> Window:
        return Window(self.weeks[0].start, self.generated_at)
