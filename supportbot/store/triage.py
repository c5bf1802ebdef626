"""401 checklist walks: one row per walk, so every replica and a restart continue the same one.

A thread can hold several walks over time (a new 401 report after the first walk ended starts
walk 2); ``walk`` numbers them. The row keeps the checklist state machine's JSON, whose
``version`` doubles as the optimistic lock: :func:`save_state` writes only over the version it
read, so of two clicks at once exactly one moves the walk on.

What is stored: the diagnosis (check ids, reason codes and short scrubbed excerpts), the ticket
facts a paste gave (status, model, scrubbed provider error text), a masked key if one was
intercepted, and the outcome columns the leads' reports count. Never a key, never the message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Field, Session, SQLModel, col

from supportbot.gaps.dashboard import StepLine
from supportbot.store.types import UtcDateTime, as_utc
from supportbot.triage.checklist import ChecklistState, outcome_record
from supportbot.triage.checks import CHECK_ORDER

OUTCOMES = ("open", "fixed", "unresolved", "ticket")


class TriageWalk(SQLModel, table=True):
    __tablename__ = "triage_walks"
    __table_args__ = (
        # One walk per starting point: a redelivered event or a second shortcut click finds it.
        UniqueConstraint("channel", "origin", name="uq_triage_walk_origin"),
        # Two reports in one thread at once cannot both open walk n+1.
        UniqueConstraint("channel", "thread_ts", "walk", name="uq_triage_walk_thread"),
        Index("ix_triage_walks_posted_thread", "channel", "posted_thread_ts"),
        Index("ix_triage_walks_created_at", "created_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    channel: str = Field(max_length=32)
    # The report's ts (message, shortcut) or "cmd:<trigger id>" for /support triage.
    origin: str = Field(max_length=64)
    # The thread the walk belongs to; for /support triage it is known once the bot has posted.
    thread_ts: str | None = Field(default=None, max_length=32)
    # Where the bot's messages really are (the masked repost's thread when a key was deleted).
    posted_thread_ts: str | None = Field(default=None, max_length=32)
    step_ts: str | None = Field(default=None, max_length=32)
    walk: int = Field(default=1)
    requester: str | None = Field(default=None, max_length=32)
    started_by: str | None = Field(default=None, max_length=32)
    # message | dm | shortcut | command
    trigger: str = Field(max_length=16)
    language: str = Field(max_length=8)
    state: str = Field(sa_column=Column(Text, nullable=False))
    version: int = Field(default=0)
    # open | fixed | unresolved | ticket, and the rest of the outcome record, for reports.
    outcome: str = Field(default="open", max_length=16)
    fixed_by: str | None = Field(default=None, max_length=24)
    last_step: str = Field(max_length=24)
    steps_tried: int = Field(default=1)
    diagnosed_first: str | None = Field(default=None, max_length=24)
    first_guess_right: bool | None = Field(default=None)
    # [{"check", "reason", "score", "evidence", "excerpt", "subject"}], all scrubbed.
    diagnosis: str = Field(sa_column=Column(Text, nullable=False))
    error_status: str = Field(default="", max_length=8)
    error_model: str = Field(default="", max_length=80)
    error_text: str = Field(default="", max_length=400)
    masked_key: str = Field(default="", max_length=96)
    gap_signalled: bool = Field(default=False)

    def checklist(self) -> ChecklistState:
        return ChecklistState.from_json(json.loads(self.state))

    def diagnosis_items(self) -> list[dict[str, Any]]:
        loaded = json.loads(self.diagnosis)
        return [item for item in loaded if isinstance(item, dict)] if isinstance(loaded, list) else []


@dataclass(frozen=True)
class NewWalk:
    channel: str
    origin: str
    thread_ts: str | None
    requester: str | None
    started_by: str | None
    trigger: str
    state: ChecklistState
    diagnosis: Sequence[Mapping[str, Any]] = ()
    error_status: str = ""
    error_model: str = ""
    error_text: str = ""
    masked_key: str = ""


def _outcome_columns(state: ChecklistState) -> dict[str, Any]:
    record = outcome_record(state)
    return {
        "outcome": record.outcome,
        "fixed_by": None if record.fixed_by is None else str(record.fixed_by),
        "last_step": str(record.last_step),
        "steps_tried": record.steps_tried,
        "diagnosed_first": None if record.diagnosed_first is None else str(record.diagnosed_first),
        "first_guess_right": record.diagnosis_right,
    }


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def create_walk(session: Session, new: NewWalk, *, now: datetime) -> TriageWalk:
    """Insert a walk; raises ``IntegrityError`` when its origin (or thread + number) exists already."""
    row = TriageWalk(
        created_at=now,
        updated_at=now,
        channel=new.channel,
        origin=new.origin,
        thread_ts=new.thread_ts,
        walk=new.state.walk,
        requester=new.requester,
        started_by=new.started_by,
        trigger=new.trigger,
        language=new.state.language,
        state=_dump(new.state.to_json()),
        version=new.state.version,
        diagnosis=_dump([dict(item) for item in new.diagnosis]),
        error_status=new.error_status[:8],
        error_model=new.error_model[:80],
        error_text=new.error_text[:400],
        masked_key=new.masked_key[:96],
        **_outcome_columns(new.state),
    )
    session.add(row)
    session.flush()
    return row


def get_walk(session: Session, walk_id: int) -> TriageWalk | None:
    return session.get(TriageWalk, walk_id, populate_existing=True)


def find_by_origin(session: Session, *, channel: str, origin: str) -> TriageWalk | None:
    found: TriageWalk | None = (
        session.execute(
            select(TriageWalk).where(col(TriageWalk.channel) == channel).where(col(TriageWalk.origin) == origin)
        )
        .scalars()
        .first()
    )
    return found


def latest_in_thread(session: Session, *, channel: str, thread_ts: str) -> TriageWalk | None:
    """The newest walk in a thread, whether the thread is named by the report or by the bot's post."""
    found: TriageWalk | None = (
        session.execute(
            select(TriageWalk)
            .where(col(TriageWalk.channel) == channel)
            .where(or_(col(TriageWalk.thread_ts) == thread_ts, col(TriageWalk.posted_thread_ts) == thread_ts))
            .order_by(col(TriageWalk.walk).desc(), col(TriageWalk.id).desc())
            .limit(1)
        )
        .scalars()
        .first()
    )
    return found


def save_state(session: Session, walk_id: int, *, expected_version: int, state: ChecklistState, now: datetime) -> bool:
    """Store ``state`` if the row still holds ``expected_version``; False when another write won."""
    values: dict[str, Any] = {
        "state": _dump(state.to_json()),
        "version": state.version,
        "updated_at": now,
        **_outcome_columns(state),
    }
    values["finished_at"] = now if state.finished else None
    result = session.execute(
        update(TriageWalk)
        .where(col(TriageWalk.id) == walk_id)
        .where(col(TriageWalk.version) == expected_version)
        .values(**values)
    )
    return _rows(result) == 1


def mark_posted(
    session: Session, walk_id: int, *, step_ts: str, thread_ts: str, now: datetime, again: bool = False
) -> None:
    """Remember the bot's checklist message: the first one, or (``again``) the one that replaced it."""
    statement = update(TriageWalk).where(col(TriageWalk.id) == walk_id)
    if not again:
        statement = statement.where(col(TriageWalk.step_ts).is_(None))
    session.execute(statement.values(step_ts=step_ts, posted_thread_ts=thread_ts, updated_at=now))
    session.execute(
        update(TriageWalk)
        .where(col(TriageWalk.id) == walk_id)
        .where(col(TriageWalk.thread_ts).is_(None))
        .values(thread_ts=thread_ts)
    )


def set_diagnosis(session: Session, walk_id: int, diagnosis: Sequence[Mapping[str, Any]], *, now: datetime) -> None:
    session.execute(
        update(TriageWalk)
        .where(col(TriageWalk.id) == walk_id)
        .values(diagnosis=_dump([dict(item) for item in diagnosis]), updated_at=now)
    )


def claim_gap_signal(session: Session, walk_id: int) -> bool:
    """True the first time only: a walk reports itself as a documentation gap at most once."""
    result = session.execute(
        update(TriageWalk)
        .where(col(TriageWalk.id) == walk_id)
        .where(col(TriageWalk.gap_signalled).is_(False))
        .values(gap_signalled=True)
    )
    return _rows(result) == 1


# ---------------------------------------------------------------------------------------- reports


# Walks that ended at one step: fixed by it, given up on (unresolved/ticket) or left there. The
# leads' views use the same record.
StepOutcomes = StepLine


@dataclass(frozen=True)
class WeekOutcomes:
    """Walks started in the ISO week beginning ``week`` (a Monday), by how they ended."""

    week: date
    started: int = 0
    fixed: int = 0
    unresolved: int = 0
    ticket: int = 0
    open: int = 0
    first_guess_right: int = 0


def _window(session: Session, since: datetime, until: datetime) -> list[Any]:
    return list(
        session.execute(
            select(
                col(TriageWalk.created_at),
                col(TriageWalk.outcome),
                col(TriageWalk.fixed_by),
                col(TriageWalk.last_step),
                col(TriageWalk.first_guess_right),
            )
            .where(col(TriageWalk.created_at) >= since)
            .where(col(TriageWalk.created_at) < until)
        ).all()
    )


def outcomes_by_step(session: Session, *, since: datetime, until: datetime) -> list[StepOutcomes]:
    """Per checklist step, in checklist order: how walks started in [since, until) came out there.

    A fixed walk counts at the step that fixed it; any other at the last step it reached.
    """
    counts: dict[str, dict[str, int]] = {str(step): dict.fromkeys(OUTCOMES, 0) for step in CHECK_ORDER}
    for _, outcome, fixed_by, last_step, _ in _window(session, since, until):
        step = fixed_by if outcome == "fixed" and fixed_by else last_step
        if step in counts and outcome in OUTCOMES:
            counts[step][outcome] += 1
    return [StepOutcomes(step, **values) for step, values in counts.items()]


def weekly_outcomes(session: Session, *, since: datetime, until: datetime) -> list[WeekOutcomes]:
    """Per ISO week (Monday, UTC) with walks started in [since, until), oldest first."""
    weeks: dict[date, dict[str, int]] = {}
    for created_at, outcome, _, _, right in _window(session, since, until):
        moment = as_utc(created_at)
        monday = (moment - timedelta(days=moment.weekday())).date()
        bucket = weeks.setdefault(monday, {"started": 0, "first_guess_right": 0, **dict.fromkeys(OUTCOMES, 0)})
        bucket["started"] += 1
        if outcome in OUTCOMES:
            bucket[outcome] += 1
        if right:
            bucket["first_guess_right"] += 1
    return [WeekOutcomes(week, **weeks[week]) for week in sorted(weeks)]


def _rows(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
