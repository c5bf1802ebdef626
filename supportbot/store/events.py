"""Event deduplication: Slack retries, and several replicas, must never run a listener twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from supportbot.store.tables import ProcessedEvent


def claim_event(session: Session, event_id: str, *, instance: str, now: datetime, stale_after: timedelta) -> bool:
    """Record that this instance is handling ``event_id``; False when someone already is or did.

    A claim left in ``processing`` for longer than ``stale_after`` belongs to a process that died
    before finishing; a later delivery takes it over, so a crash does not lose the event.
    """
    values = {"event_id": event_id, "status": "processing", "instance": instance, "received_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedEvent)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(col(ProcessedEvent.event_id))
    )
    # RETURNING rather than rowcount: PostgreSQL drivers report -1 for INSERT … ON CONFLICT here.
    if session.execute(statement).first() is not None:
        return True
    takeover = (
        update(ProcessedEvent)
        .where(col(ProcessedEvent.event_id) == event_id)
        .where(col(ProcessedEvent.status) == "processing")
        .where(col(ProcessedEvent.received_at) < now - stale_after)
        .values(instance=instance, received_at=now)
    )
    return _rows(session.execute(takeover)) == 1


def finish_event(session: Session, event_id: str, *, now: datetime) -> None:
    session.execute(
        update(ProcessedEvent).where(col(ProcessedEvent.event_id) == event_id).values(status="done", finished_at=now)
    )


def release_event(session: Session, event_id: str) -> None:
    """Forget a claim whose handling failed, so Slack's retry can run it again."""
    session.execute(delete(ProcessedEvent).where(col(ProcessedEvent.event_id) == event_id))


def prune_events(session: Session, *, older_than: datetime) -> int:
    """Slack retries for at most about five minutes; rows older than a day serve no one."""
    result = session.execute(
        delete(ProcessedEvent)
        .where(col(ProcessedEvent.status) == "done")
        .where(col(ProcessedEvent.received_at) < older_than)
    )
    return _rows(result)


def _rows(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
