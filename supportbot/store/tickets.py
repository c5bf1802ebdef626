"""Tickets: the five customer fields plus workflow fields, and the changes agents make to them.

A row holds exactly the customer's time, model, status, error text (scrubbed) and masked key id;
the rest is workflow: state, who asked, who filed, who works on it, times, a scrubbed close reason,
and where it lives in Slack (the customer's thread and the agents' card). Never message text.

Every change is one conditional UPDATE, so concurrent clicks resolve to one consistent outcome on
SQLite and PostgreSQL alike: the row changes only if it is still in the state the change expects
(open to close, closed to reopen, unassigned for "assign to me"), and the loser is told why.
A submission key (the modal's view id, or the reacted-to message) makes filing idempotent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, Session, SQLModel, col

from supportbot.store.tables import OutboxAction
from supportbot.store.types import UtcDateTime, as_utc

State = Literal["open", "closed"]
Outcome = Literal["changed", "unchanged", "not_found", "closed", "open", "taken"]
StateFilter = Literal["open", "closed", "all"]


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("submission_key", name="uq_tickets_submission"),
        Index("ix_tickets_state_created", "state", "created_at"),
        Index("ix_tickets_created_at", "created_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    # The five fields from the customer.
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    model: str | None = Field(default=None, max_length=80)
    status: int | None = Field(default=None)
    error_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    masked_key_id: str | None = Field(default=None, max_length=48)
    # Workflow.
    submission_key: str = Field(max_length=128)
    source: str = Field(max_length=16)  # triage | command | shortcut | reaction
    state: str = Field(default="open", max_length=8)
    requester: str | None = Field(default=None, max_length=32)
    filed_by: str | None = Field(default=None, max_length=32)
    assignee: str | None = Field(default=None, max_length=32, index=True)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    closed_by: str | None = Field(default=None, max_length=32)
    close_reason: str | None = Field(default=None, max_length=200)
    channel: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    card_channel: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)


@dataclass(frozen=True)
class NewTicket:
    occurred_at: datetime
    model: str | None
    status: int | None
    error_text: str | None
    masked_key_id: str | None
    submission_key: str
    source: str
    requester: str | None = None
    filed_by: str | None = None
    channel: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class Change:
    """What a change did: ``changed``, or why not (``not_found``, ``closed``, ``open``, ``taken``, ``unchanged``)."""

    outcome: Outcome
    ticket: Ticket | None

    @property
    def changed(self) -> bool:
        return self.outcome == "changed"


def create(session: Session, new: NewTicket, *, now: datetime) -> tuple[Ticket, bool]:
    """Insert the ticket unless one with the same submission key exists; (ticket, created?)."""
    values = {
        "occurred_at": new.occurred_at,
        "model": new.model,
        "status": new.status,
        "error_text": new.error_text,
        "masked_key_id": new.masked_key_id,
        "submission_key": new.submission_key,
        "source": new.source,
        "state": "open",
        "requester": new.requester,
        "filed_by": new.filed_by,
        "channel": new.channel,
        "thread_ts": new.thread_ts,
        "created_at": now,
        "updated_at": now,
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Ticket)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["submission_key"])
        .returning(col(Ticket.id))
    )
    row = session.execute(statement).first()
    ticket = by_submission(session, new.submission_key)
    if ticket is None:  # pragma: no cover - the insert or the conflicting row must be there
        raise RuntimeError("ticket vanished right after it was filed")
    return ticket, row is not None


def by_submission(session: Session, submission_key: str) -> Ticket | None:
    found: Ticket | None = (
        session.execute(
            select(Ticket).where(col(Ticket.submission_key) == submission_key),
            execution_options={"populate_existing": True},
        )
        .scalars()
        .first()
    )
    return found


def get(session: Session, ticket_id: int) -> Ticket | None:
    return session.get(Ticket, ticket_id, populate_existing=True)


def assign(
    session: Session, ticket_id: int, assignee: str, *, now: datetime, only_if_unassigned: bool = False
) -> Change:
    """Give an open ticket to ``assignee``; with ``only_if_unassigned`` ("assign to me") the first click wins."""
    conditions = [col(Ticket.id) == ticket_id, col(Ticket.state) == "open"]
    if only_if_unassigned:
        conditions.append(col(Ticket.assignee).is_(None))
    else:
        conditions.append((col(Ticket.assignee).is_(None)) | (col(Ticket.assignee) != assignee))
    changed = _update(session, conditions, assignee=assignee, updated_at=now)
    return _explain(session, ticket_id, changed, wanted_assignee=assignee)


def close(session: Session, ticket_id: int, *, by: str, reason: str | None, now: datetime) -> Change:
    conditions = [col(Ticket.id) == ticket_id, col(Ticket.state) == "open"]
    changed = _update(
        session, conditions, state="closed", closed_at=now, closed_by=by, close_reason=reason, updated_at=now
    )
    return _explain(session, ticket_id, changed)


def reopen(session: Session, ticket_id: int, *, now: datetime) -> Change:
    conditions = [col(Ticket.id) == ticket_id, col(Ticket.state) == "closed"]
    changed = _update(
        session, conditions, state="open", closed_at=None, closed_by=None, close_reason=None, updated_at=now
    )
    return _explain(session, ticket_id, changed, reopening=True)


def set_card(session: Session, ticket_id: int, *, channel: str, ts: str) -> None:
    session.execute(update(Ticket).where(col(Ticket.id) == ticket_id).values(card_channel=channel, card_ts=ts))


def _update(session: Session, conditions: Sequence[ColumnElement[bool]], **values: object) -> bool:
    statement = update(Ticket).where(*conditions).values(**values).returning(col(Ticket.id))
    return session.execute(statement).first() is not None


def _explain(
    session: Session, ticket_id: int, changed: bool, *, wanted_assignee: str | None = None, reopening: bool = False
) -> Change:
    ticket = get(session, ticket_id)
    if ticket is None:
        return Change("not_found", None)
    if changed:
        return Change("changed", ticket)
    if reopening:
        return Change("open", ticket)
    if ticket.state == "closed":
        return Change("closed", ticket)
    if wanted_assignee is not None and ticket.assignee == wanted_assignee:
        return Change("unchanged", ticket)
    if wanted_assignee is not None:
        return Change("taken", ticket)
    return Change("unchanged", ticket)


def listing(
    session: Session, *, state: StateFilter = "open", assignee: str | None = None, limit: int = 25
) -> list[Ticket]:
    """Newest first."""
    query = select(Ticket)
    if state != "all":
        query = query.where(col(Ticket.state) == state)
    if assignee is not None:
        query = query.where(col(Ticket.assignee) == assignee)
    query = query.order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc()).limit(limit)
    return list(session.execute(query).scalars())


def count(session: Session, *, state: StateFilter = "all", assignee: str | None = None) -> int:
    query = select(func.count()).select_from(Ticket)
    if state != "all":
        query = query.where(col(Ticket.state) == state)
    if assignee is not None:
        query = query.where(col(Ticket.assignee) == assignee)
    return int(session.execute(query).scalar_one())


def count_unassigned(session: Session) -> int:
    """Open tickets nobody has taken yet."""
    query = (
        select(func.count())
        .select_from(Ticket)
        .where(col(Ticket.state) == "open")
        .where(col(Ticket.assignee).is_(None))
    )
    return int(session.execute(query).scalar_one())


def counts_by_state(session: Session) -> dict[str, int]:
    """For a dashboard: ``{"open": n, "closed": m}`` (both keys always present)."""
    counts = {"open": 0, "closed": 0}
    for state, number in session.execute(select(col(Ticket.state), func.count()).group_by(col(Ticket.state))).all():
        counts[str(state)] = int(number)
    return counts


def created_per_week(session: Session, *, since: datetime, until: datetime) -> list[tuple[date, int]]:
    """Tickets filed per ISO week (Monday, UTC) from ``since`` to ``until``, empty weeks included."""
    return _per_week(session, col(Ticket.created_at), since, until)


def closed_per_week(session: Session, *, since: datetime, until: datetime) -> list[tuple[date, int]]:
    """Tickets closed per ISO week (Monday, UTC) from ``since`` to ``until``, empty weeks included."""
    return _per_week(session, col(Ticket.closed_at), since, until)


def count_created(session: Session, *, since: datetime, until: datetime) -> int:
    """Tickets filed in [since, until)."""
    return _count_between(session, col(Ticket.created_at), since, until)


def count_closed(session: Session, *, since: datetime, until: datetime) -> int:
    """Tickets closed in [since, until) and not reopened since."""
    return _count_between(session, col(Ticket.closed_at), since, until)


def _count_between(session: Session, column: Any, since: datetime, until: datetime) -> int:
    query = select(func.count()).select_from(Ticket).where(column >= since).where(column < until)
    return int(session.execute(query).scalar_one())


def _per_week(session: Session, column: Any, since: datetime, until: datetime) -> list[tuple[date, int]]:
    moments = [
        as_utc(value)
        for value in session.execute(select(column).where(column >= since).where(column < until)).scalars()
    ]
    counts = Counter(_monday(moment.date()) for moment in moments)
    weeks: list[tuple[date, int]] = []
    week = _monday(as_utc(since).date())
    last = _monday(as_utc(until).date())
    while week <= last:
        weeks.append((week, counts.get(week, 0)))
        week += timedelta(days=7)
    return weeks


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def card_actions(session: Session, ticket_id: int) -> list[int]:
    """Outbox actions that post or update this ticket's card, oldest first (updates chain after them)."""
    return list(
        session.execute(
            select(col(OutboxAction.id))
            .where(col(OutboxAction.group_key) == group_key(ticket_id))
            .order_by(col(OutboxAction.id))
        ).scalars()
    )


def group_key(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"
