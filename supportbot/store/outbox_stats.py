"""How deep the outbox is, per kind (for metrics): unfinished actions, and how long the oldest one
that is due has been waiting for a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, func, select
from sqlmodel import Session

from supportbot.store.tables import OutboxAction
from supportbot.store.types import as_utc

_TABLE = OutboxAction.__table__  # type: ignore[attr-defined]
_UNFINISHED = ("waiting", "pending", "claimed")


def _depth_statement(now: datetime) -> Select[tuple[str, int, datetime | None]]:
    # Waiting for a predecessor, or scheduled for later (a re-check in five minutes), is not late;
    # an action that is due and still not done is.
    due = and_(_TABLE.c.status.in_(("pending", "claimed")), _TABLE.c.not_before <= now)
    return (
        select(_TABLE.c.kind, func.count(), func.min(case((due, _TABLE.c.not_before), else_=None)))
        .where(_TABLE.c.status.in_(_UNFINISHED))
        .group_by(_TABLE.c.kind)
    )


@dataclass(frozen=True)
class KindDepth:
    kind: str
    unfinished: int
    oldest_due_seconds: float


def depth_by_kind(session: Session, *, now: datetime) -> list[KindDepth]:
    """One row per kind with unfinished actions (waiting for a predecessor, pending or claimed)."""
    rows = session.execute(_depth_statement(now)).all()
    return [
        KindDepth(
            kind=str(kind),
            unfinished=int(count),
            oldest_due_seconds=max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest is not None else 0.0,
        )
        for kind, count, oldest in rows
    ]
