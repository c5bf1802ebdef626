"""Event deduplication: Slack retries, and several replicas, must never run a listener twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from supportbot.store.tables import ProcessedEvent

_TABLE = ProcessedEvent.__table__  # type: ignore[attr-defined]
# Built once: these run on every event Slack delivers.
_CLAIM = {
    name: dialect_insert(_TABLE)
    .values(
        event_id=bindparam("event_id"),
        status="processing",
        instance=bindparam("instance"),
        received_at=bindparam("now"),
    )
    .on_conflict_do_nothing(index_elements=["event_id"])
    .returning(_TABLE.c.event_id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_TAKEOVER = (
    update(_TABLE)
    .where(_TABLE.c.event_id == bindparam("b_event_id"))
    .where(_TABLE.c.status == "processing")
    .where(_TABLE.c.received_at < bindparam("cutoff"))
    .values(instance=bindparam("b_instance"), received_at=bindparam("now"))
)
_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.event_id == bindparam("b_event_id"))
    .values(status="done", finished_at=bindparam("now"))
)
_RELEASE = delete(_TABLE).where(_TABLE.c.event_id == bindparam("b_event_id"))
_STATUS = select(_TABLE.c.status).where(_TABLE.c.event_id == bindparam("b_event_id"))
Claim = Literal["claimed", "processing", "done"]


def claim(session: Session, event_id: str, *, instance: str, now: datetime, stale_after: timedelta) -> Claim:
    """Record that this instance is handling ``event_id``.

    ``claimed``: go ahead. ``done``: handled already (drop the delivery). ``processing``: another
    delivery is handling it right now; the caller answers non-2xx so Slack delivers it again, in
    case that handling fails. A claim left in ``processing`` for longer than ``stale_after``
    belongs to a process that died before finishing; a later delivery takes it over. ``now`` is
    the database's clock (``DatabaseClock``), since another host judges the claim stale.
    """
    connection = session.connection()
    dialect = "postgresql" if connection.dialect.name == "postgresql" else "sqlite"
    # RETURNING rather than rowcount: PostgreSQL drivers report -1 for INSERT … ON CONFLICT here.
    if connection.execute(_CLAIM[dialect], {"event_id": event_id, "instance": instance, "now": now}).first():
        return "claimed"
    taken = connection.execute(
        _TAKEOVER, {"b_event_id": event_id, "b_instance": instance, "now": now, "cutoff": now - stale_after}
    )
    if _rows(taken) == 1:
        return "claimed"
    status = connection.execute(_STATUS, {"b_event_id": event_id}).scalar()
    # Released between our insert and this read: the next delivery will find it free.
    return "done" if status == "done" else "processing"


def finish_event(session: Session, event_id: str, *, now: datetime) -> None:
    session.connection().execute(_FINISH, {"b_event_id": event_id, "now": now})


def release_event(session: Session, event_id: str) -> None:
    """Forget a claim whose handling failed, so Slack's retry can run it again."""
    session.connection().execute(_RELEASE, {"b_event_id": event_id})


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
