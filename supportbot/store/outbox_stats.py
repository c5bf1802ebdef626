"""How deep the outbox is: unfinished actions and the age of the oldest, per kind (for metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from supportbot.store.tables import OutboxAction
from supportbot.store.types import as_utc

_TABLE = OutboxAction.__table__  # type: ignore[attr-defined]
_UNFINISHED = ("waiting", "pending", "claimed")
_DEPTH = (
    select(_TABLE.c.kind, func.count(), func.min(_TABLE.c.created_at))
    .where(_TABLE.c.status.in_(_UNFINISHED))
    .group_by(_TABLE.c.kind)
)


@dataclass(frozen=True)
class KindDepth:
    kind: str
    unfinished: int
    oldest_seconds: float


def depth_by_kind(session: Session, *, now: datetime) -> list[KindDepth]:
    """One row per kind with unfinished actions (waiting for a predecessor, pending or claimed)."""
    rows = session.execute(_DEPTH).all()
    return [
        KindDepth(
            kind=str(kind),
            unfinished=int(count),
            oldest_seconds=max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest is not None else 0.0,
        )
        for kind, count, oldest in rows
    ]
