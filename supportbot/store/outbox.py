"""The outbox: Slack actions that must not be lost, stored with their cause and carried out later.

An action is written in the same transaction as whatever caused it (a leak incident, a ticket).
Workers claim ready actions with a lease, carry them out, and record the outcome. Actions can be
chained: an action ``after`` another waits for it and then runs or is cancelled depending on
``run_if`` (``always``, ``succeeded`` or ``failed``), so "repost the masked copy only if the
deletion worked, else alert the agents" is decided by data written up front. A claim whose lease
ran out (its process died) is claimed again, so a restart resumes pending work.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from supportbot.store.tables import OutboxAction
from supportbot.store.types import as_utc

RunIf = Literal["always", "succeeded", "failed"]
Outcome = Literal["succeeded", "failed"]
_FINISHED = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class ClaimedAction:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    group_key: str | None
    predecessor_result: dict[str, Any] | None


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    now: datetime,
    after: OutboxAction | int | None = None,
    run_if: RunIf = "always",
    delay: timedelta = timedelta(0),
    group_key: str | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 8,
) -> OutboxAction:
    """Add an action in the caller's transaction and return it (with its id)."""
    after_id = after.id if isinstance(after, OutboxAction) else after
    status = "pending"
    if after_id is not None:
        # Lock the predecessor (PostgreSQL; SQLite transactions are serialised anyway): if it is being
        # completed right now, wait for that and read the outcome. Otherwise the completion could run
        # before this row is committed, release no dependents, and leave this one waiting for ever.
        predecessor = session.get(OutboxAction, after_id, with_for_update=True, populate_existing=True)
        if predecessor is None:
            raise ValueError(f"outbox action {after_id} does not exist")
        if predecessor.status not in _FINISHED:
            status = "waiting"
        else:
            status = "pending" if _should_run(run_if, _outcome_of(predecessor.status)) else "cancelled"
    action = OutboxAction(
        kind=kind,
        payload=json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":")),
        status=status,
        after_id=after_id,
        run_if=run_if,
        group_key=group_key,
        dedupe_key=dedupe_key,
        max_attempts=max_attempts,
        not_before=now + delay,
        created_at=now,
        updated_at=now,
        finished_at=now if status == "cancelled" else None,
    )
    session.add(action)
    session.flush()
    return action


def claim_ready(
    session: Session, *, instance: str, now: datetime, lease: timedelta, limit: int = 10
) -> list[ClaimedAction]:
    """Claim up to ``limit`` ready actions for this instance, oldest first."""
    ready = or_(
        and_(col(OutboxAction.status) == "pending", col(OutboxAction.not_before) <= now),
        and_(col(OutboxAction.status) == "claimed", col(OutboxAction.lease_until) < now),
    )
    query = select(col(OutboxAction.id)).where(ready).order_by(col(OutboxAction.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.execute(query).scalars())
    claimed: list[ClaimedAction] = []
    for action_id in ids:
        result = session.execute(
            update(OutboxAction)
            .where(col(OutboxAction.id) == action_id)
            .where(ready)
            .values(
                status="claimed",
                claimed_by=instance,
                lease_until=now + lease,
                attempts=OutboxAction.attempts + 1,
                updated_at=now,
            )
        )
        if _rows(result) != 1:
            continue  # another worker got there first
        action = session.get(OutboxAction, action_id, populate_existing=True)
        assert action is not None
        claimed.append(
            ClaimedAction(
                id=action_id,
                kind=action.kind,
                payload=json.loads(action.payload),
                attempts=action.attempts,
                max_attempts=action.max_attempts,
                group_key=action.group_key,
                predecessor_result=_predecessor_result(session, action.after_id),
            )
        )
    return claimed


def complete(
    session: Session,
    action_id: int,
    *,
    instance: str,
    outcome: Outcome,
    now: datetime,
    result: Mapping[str, Any] | None = None,
    error: str | None = None,
) -> bool:
    """Record the outcome and release the actions that were waiting for this one.

    Returns False when this instance no longer holds the claim (its lease ran out and another
    worker took the action over); the caller must then not apply side effects twice.
    """
    status = "done" if outcome == "succeeded" else "failed"
    updated = session.execute(
        update(OutboxAction)
        .where(col(OutboxAction.id) == action_id)
        .where(col(OutboxAction.status) == "claimed")
        .where(col(OutboxAction.claimed_by) == instance)
        .values(
            status=status,
            finished_at=now,
            updated_at=now,
            lease_until=None,
            # The payload may hold a masked copy of a customer's message: keep it no longer than needed.
            payload="{}",
            result=json.dumps(dict(result), separators=(",", ":")) if result is not None else None,
            last_error=_clip(error),
        )
    )
    if _rows(updated) != 1:
        return False
    _release_dependents(session, action_id, outcome, now)
    return True


def reschedule(
    session: Session, action_id: int, *, instance: str, now: datetime, delay: timedelta, error: str
) -> Literal["rescheduled", "gave_up", "lost"]:
    """Put a claimed action back for a later attempt, or fail it once its attempts are spent."""
    action = session.get(OutboxAction, action_id, populate_existing=True)
    if action is None or action.status != "claimed" or action.claimed_by != instance:
        return "lost"
    if action.attempts >= action.max_attempts:
        complete(session, action_id, instance=instance, outcome="failed", now=now, error=error)
        return "gave_up"
    action.status = "pending"
    action.claimed_by = None
    action.lease_until = None
    action.not_before = now + delay
    action.last_error = _clip(error)
    action.updated_at = now
    session.add(action)
    return "rescheduled"


def release_claims(session: Session, *, instance: str, now: datetime) -> int:
    """On a clean shutdown: hand this instance's unfinished claims back (the attempt is not counted)."""
    result = session.execute(
        update(OutboxAction)
        .where(col(OutboxAction.status) == "claimed")
        .where(col(OutboxAction.claimed_by) == instance)
        .values(
            status="pending",
            claimed_by=None,
            lease_until=None,
            attempts=OutboxAction.attempts - 1,
            updated_at=now,
        )
    )
    return _rows(result)


def cancel_group(session: Session, group_key: str, *, kinds: Sequence[str], now: datetime) -> int:
    """Cancel not-yet-started actions of some kinds in a group (e.g. a re-check made moot)."""
    result = session.execute(
        update(OutboxAction)
        .where(col(OutboxAction.group_key) == group_key)
        .where(col(OutboxAction.kind).in_(list(kinds)))
        .where(col(OutboxAction.status).in_(["pending", "waiting"]))
        .values(status="cancelled", finished_at=now, updated_at=now, payload="{}")
    )
    return _rows(result)


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(col(OutboxAction.status), func.count()).group_by(col(OutboxAction.status))).all()
    return {status: int(count) for status, count in rows}


def next_due(session: Session) -> datetime | None:
    """When the earliest pending action becomes ready (lets the worker sleep exactly that long)."""
    value = session.execute(
        select(func.min(col(OutboxAction.not_before))).where(col(OutboxAction.status) == "pending")
    ).scalar()
    if value is None:
        return None
    return as_utc(value)


def _release_dependents(session: Session, action_id: int, outcome: Outcome, now: datetime) -> None:
    waiting = (
        session.execute(
            select(OutboxAction)
            .where(col(OutboxAction.after_id) == action_id)
            .where(col(OutboxAction.status) == "waiting")
        )
        .scalars()
        .all()
    )
    for dependent in waiting:
        if _should_run(dependent.run_if, outcome):
            dependent.status = "pending"
            dependent.not_before = max(dependent.not_before, now)
            dependent.updated_at = now
            session.add(dependent)
        else:
            dependent.status = "cancelled"
            dependent.finished_at = now
            dependent.updated_at = now
            dependent.payload = "{}"
            session.add(dependent)
            session.flush()
            # A cancelled action counts as "not succeeded" for whatever waits on it.
            assert dependent.id is not None
            _release_dependents(session, dependent.id, "failed", now)


def _should_run(run_if: str, outcome: Outcome) -> bool:
    return run_if in {"always", outcome}


def _outcome_of(status: str) -> Outcome:
    return "succeeded" if status == "done" else "failed"


def _predecessor_result(session: Session, after_id: int | None) -> dict[str, Any] | None:
    if after_id is None:
        return None
    predecessor = session.get(OutboxAction, after_id)
    if predecessor is None or not predecessor.result:
        return None
    loaded = json.loads(predecessor.result)
    return loaded if isinstance(loaded, dict) else None


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:255]


def _rows(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
