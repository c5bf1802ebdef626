"""The outbox: Slack actions that must not be lost, stored with their cause and carried out later.

An action is written in the same transaction as whatever caused it (a leak incident, a ticket).
Workers claim ready actions with a lease, carry them out, and record the outcome. Actions can be
chained: an action ``after`` another waits for it and then runs or is cancelled depending on
``run_if`` (``always``, ``succeeded`` or ``failed``), so "repost the masked copy only if the
deletion worked, else alert the agents" is decided by data written up front. A claim whose lease
ran out (its process died) is claimed again, so a restart resumes pending work, unless its
attempts or its time budget (``give_up_at``) are spent: then it is ``dead``, like an action that
kept failing past its budget, and the worker raises an alert. Lower ``priority`` goes first: a
deletion waits for no repost.

Two clocks: ``now`` (the runtime's clock) schedules work and budgets; ``lease_now`` (the database
server's clock, see ``store.dbclock``) writes and compares leases, so replicas whose wall clocks
disagree never take each other's live claims.

This runs on every event and every action, so it uses single SQL statements (``RETURNING``) rather
than ORM objects.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session

from supportbot.store.outbox_sql import (
    BURY,
    CLAIM,
    CLAIM_PG,
    COMPLETE,
    INSERT,
    RELEASE,
    RENEW,
    RESULTS,
    STATUS,
    STATUS_LOCKED,
    TABLE,
    UNCLAIM,
)
from supportbot.store.tables import OutboxAction
from supportbot.store.types import as_utc

RunIf = Literal["always", "succeeded", "failed"]
Outcome = Literal["succeeded", "failed"]
_FINISHED = ("done", "failed", "cancelled", "dead")
_RELEASABLE = ("done", "failed", "cancelled")  # what retention prunes; dead rows are kept longer
URGENT = 0
NORMAL = 5
# How long an action keeps trying through transient failures, from when it could first run.
DEFAULT_BUDGET = timedelta(hours=2)
DEFAULT_MAX_ATTEMPTS = 50


@dataclass(frozen=True)
class Enqueued:
    """An action just written: its id and initial status (``pending``, ``waiting`` or ``cancelled``)."""

    id: int
    kind: str
    status: str
    # The transaction it was written in: within it, ``status`` is still true (nobody else can see
    # the row yet), so chaining another action after it needs no read.
    transaction: int = field(default=0, compare=False, repr=False)
    # Written already claimed (``claimed_by``): the action for that instance's worker to carry out.
    claimed: ClaimedAction | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ClaimedAction:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    group_key: str | None
    predecessor_result: dict[str, Any] | None
    priority: int = NORMAL
    # Why the previous attempt ended, if there was one: ``unavailable`` (no answer) or a claim taken
    # over after its lease ran out means a call of that attempt may have taken effect.
    last_error: str | None = None

    @property
    def outcome_unknown(self) -> bool:
        """Whether an earlier attempt may have done the work without our knowing (a timeout, a crash)."""
        return self.attempts > 1 and self.last_error not in _KNOWN_FAILURES


@dataclass(frozen=True)
class Buried:
    """An action whose claim was lost (its process died) with its attempts or budget spent."""

    id: int
    kind: str
    attempts: int


# Failures after which the call certainly did not take effect. Anything else (no answer, a 5xx, a crash)
# may have posted: the next attempt looks first. Waits that made no call keep the earlier error.
_KNOWN_FAILURES = frozenset({"ratelimited"})


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    now: datetime,
    after: Enqueued | OutboxAction | int | None = None,
    run_if: RunIf = "always",
    delay: timedelta = timedelta(0),
    group_key: str | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    priority: int = NORMAL,
    claimed_by: str | None = None,
    lease: timedelta | None = None,
    lease_now: datetime | None = None,
    budget: timedelta = DEFAULT_BUDGET,
) -> Enqueued:
    """Add an action in the caller's transaction.

    ``claimed_by`` writes it already claimed by that instance for ``lease`` (from ``lease_now``, the
    database's clock; ``now`` if not given): for an action that instance will carry out itself as
    soon as the transaction commits. Should it die first, the lease runs out and any worker takes
    the action over. ``budget``: how long it may keep retrying transient failures once it can run.
    """
    after_id = after if isinstance(after, int) or after is None else after.id
    if claimed_by is not None and (after_id is not None or lease is None or delay):
        raise ValueError("an action written claimed needs a lease and can neither wait nor be delayed")
    status = "pending" if claimed_by is None else "claimed"
    transaction = id(session.get_transaction())
    if after_id is not None:
        if isinstance(after, Enqueued) and after.transaction == transaction:
            predecessor_status: str | None = after.status
        else:
            # A handle from an earlier transaction may be out of date: read the row, and on PostgreSQL
            # lock it, so the predecessor cannot finish between this read and our commit and miss
            # releasing a dependent it cannot see yet. (SQLite writers already take turns.)
            statement = STATUS_LOCKED if session.get_bind().dialect.name == "postgresql" else STATUS
            predecessor_status = session.connection().execute(statement, {"id": after_id}).scalar()
        if predecessor_status is None:
            raise ValueError(f"outbox action {after_id} does not exist")
        if predecessor_status not in _FINISHED:
            status = "waiting"
        else:
            status = "pending" if _should_run(run_if, _outcome_of(predecessor_status)) else "cancelled"
    new_id = (
        session.connection()
        .execute(
            INSERT,
            {
                "kind": kind,
                "payload": json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":")),
                "status": status,
                "after_id": after_id,
                "run_if": run_if,
                "group_key": group_key,
                "dedupe_key": dedupe_key,
                "attempts": 0 if claimed_by is None else 1,
                "claimed_by": claimed_by,
                "lease_until": (lease_now or now) + lease if claimed_by is not None and lease is not None else None,
                "max_attempts": max_attempts,
                "give_up_at": None if status == "waiting" else now + delay + budget,
                "priority": priority,
                "not_before": now + delay,
                "created_at": now,
                "updated_at": now,
                "finished_at": now if status == "cancelled" else None,
            },
        )
        .scalar_one()
    )
    claimed = None
    if claimed_by is not None:
        claimed = ClaimedAction(
            id=int(new_id),
            kind=kind,
            payload=dict(payload),
            attempts=1,
            max_attempts=max_attempts,
            group_key=group_key,
            predecessor_result=None,
            priority=priority,
        )
    return Enqueued(id=int(new_id), kind=kind, status=status, transaction=transaction, claimed=claimed)


def claim_ready(
    session: Session,
    *,
    instance: str,
    now: datetime,
    lease: timedelta,
    limit: int = 10,
    max_priority: int = 1_000_000,
    lease_now: datetime | None = None,
) -> list[ClaimedAction]:
    """Claim up to ``limit`` ready actions for this instance, most urgent and oldest first."""
    lease_now = lease_now or now
    statement = CLAIM_PG if session.get_bind().dialect.name == "postgresql" else CLAIM
    rows = (
        session.connection()
        .execute(
            statement,
            {
                "now": now,
                "lease_now": lease_now,
                "limit": limit,
                "instance": instance,
                "lease_until": lease_now + lease,
                "max_priority": max_priority,
            },
        )
        .all()
    )
    rows = sorted(rows, key=lambda row: (row.priority, row.id))
    if len(rows) > limit:
        # Never keep a claim nobody will carry out: hand back anything beyond what was asked for.
        extra = [row.id for row in rows[limit:]]
        session.connection().execute(UNCLAIM, {"ids": extra, "now": now, "instance": instance})
        rows = rows[:limit]
    after_ids = {row.after_id for row in rows if row.after_id is not None}
    results: dict[int, Any] = {}
    if after_ids:
        found = session.connection().execute(RESULTS, {"ids": sorted(after_ids)}).all()
        results = {row.id: row.result for row in found}
    return [
        ClaimedAction(
            id=row.id,
            kind=row.kind,
            payload=json.loads(row.payload),
            attempts=row.attempts,
            max_attempts=row.max_attempts,
            group_key=row.group_key,
            predecessor_result=_loads(results.get(row.after_id)) if row.after_id is not None else None,
            priority=row.priority,
            last_error=row.last_error,
        )
        for row in rows
    ]


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
    owned, _ = finish(session, action_id, instance=instance, outcome=outcome, now=now, result=result, error=error)
    return owned


def finish(
    session: Session,
    action_id: int,
    *,
    instance: str,
    outcome: Outcome,
    now: datetime,
    result: Mapping[str, Any] | None = None,
    error: str | None = None,
    dead: bool = False,
) -> tuple[bool, int]:
    """:func:`complete`, also saying how many waiting actions it started. ``dead``: it gave up."""
    status = "done" if outcome == "succeeded" else "dead" if dead else "failed"
    updated = session.connection().execute(
        COMPLETE,
        {
            "action_id": action_id,
            "instance": instance,
            "new_status": status,
            "now": now,
            # The payload may hold a masked copy of a customer's message: keep it no longer than needed.
            "new_result": json.dumps(dict(result), separators=(",", ":")) if result is not None else None,
            "error": _clip(error),
        },
    )
    if _rows(updated) != 1:
        return False, 0
    return True, _release_dependents(session, [action_id], outcome, now)


def reschedule(
    session: Session,
    action_id: int,
    *,
    instance: str,
    now: datetime,
    delay: timedelta,
    error: str,
    counted: bool = True,
) -> Literal["rescheduled", "gave_up", "lost"]:
    """Put a claimed action back for a later attempt, or make it ``dead`` once its budget is spent.

    ``counted=False`` (a rate limit, a paused queue): the attempt is handed back and only the time
    budget can end the action. A counted failure also ends it when its attempts are spent.
    """
    row = session.execute(
        select(TABLE.c.status, TABLE.c.claimed_by, TABLE.c.attempts, TABLE.c.max_attempts, TABLE.c.give_up_at).where(
            TABLE.c.id == action_id
        )
    ).first()
    if row is None or row.status != "claimed" or row.claimed_by != instance:
        return "lost"
    deadline = as_utc(row.give_up_at) if row.give_up_at is not None else None
    if (deadline is not None and deadline <= now) or (counted and row.attempts >= row.max_attempts):
        finish(session, action_id, instance=instance, outcome="failed", now=now, error=error, dead=True)
        return "gave_up"
    # One last try at the deadline rather than none after it.
    not_before = now + delay if deadline is None else min(now + delay, deadline)
    result = session.execute(
        update(TABLE)
        .where(TABLE.c.id == action_id)
        .where(TABLE.c.status == "claimed")
        .where(TABLE.c.claimed_by == instance)
        .values(
            status="pending",
            claimed_by=None,
            lease_until=None,
            not_before=not_before,
            # A wait that made no call keeps the earlier error: it may say an earlier call's outcome is unknown.
            last_error=_clip(error) if counted else TABLE.c.last_error,
            updated_at=now,
            attempts=TABLE.c.attempts if counted else TABLE.c.attempts - 1,
        )
    )
    return "rescheduled" if _rows(result) == 1 else "lost"


def renew_leases(session: Session, action_ids: Collection[int], *, instance: str, lease_until: datetime) -> set[int]:
    """Extend this instance's claims on ``action_ids`` (work still running); the ids it still holds."""
    if not action_ids:
        return set()
    rows = session.connection().execute(
        RENEW, {"ids": sorted(action_ids), "instance": instance, "lease_until": lease_until}
    )
    return {int(row.id) for row in rows}


def release_claims(session: Session, *, instance: str, now: datetime, keep: Collection[int] = ()) -> int:
    """On a clean shutdown: hand this instance's unstarted claims back (the attempt is not counted).

    ``keep``: actions still running (a slow Slack call that outlived the stop's wait). They stay
    claimed: if they finish, they record it; if the process dies, their lease runs out.
    """
    statement = (
        update(TABLE)
        .where(TABLE.c.status == "claimed")
        .where(TABLE.c.claimed_by == instance)
        .values(status="pending", claimed_by=None, lease_until=None, attempts=TABLE.c.attempts - 1, updated_at=now)
    )
    if keep:
        statement = statement.where(TABLE.c.id.not_in(sorted(keep)))
    return _rows(session.execute(statement))


def bury_lost(session: Session, *, now: datetime, lease_now: datetime | None = None) -> list[Buried]:
    """Make claims whose lease ran out with attempts or budget spent ``dead`` (nobody may claim them)."""
    rows = session.connection().execute(BURY, {"now": now, "lease_now": lease_now or now}).all()
    buried = [Buried(int(row.id), str(row.kind), int(row.attempts)) for row in rows]
    if buried:
        _release_dependents(session, [item.id for item in buried], "failed", now)
    return buried


def prune_finished(session: Session, *, older_than: datetime, dead_older_than: datetime) -> int:
    """Delete finished actions (dead ones after their own, longer, time) that nothing still waits on."""
    waiting = OutboxAction.__table__.alias("dependent")  # type: ignore[attr-defined]
    still_needed = (
        select(waiting.c.id)
        .where(waiting.c.after_id == TABLE.c.id)
        .where(waiting.c.status.in_(["waiting", "pending", "claimed"]))
        .exists()
    )
    old = or_(
        and_(TABLE.c.status.in_(_RELEASABLE), TABLE.c.finished_at < older_than),
        and_(TABLE.c.status == "dead", TABLE.c.finished_at < dead_older_than),
    )
    return _rows(session.execute(delete(TABLE).where(old).where(~still_needed)))


def dead_letters(session: Session, *, limit: int = 50) -> list[tuple[int, str, str | None, datetime | None]]:
    """The most recent dead actions: (id, kind, last error, when)."""
    rows = session.execute(
        select(TABLE.c.id, TABLE.c.kind, TABLE.c.last_error, TABLE.c.finished_at)
        .where(TABLE.c.status == "dead")
        .order_by(TABLE.c.id.desc())
        .limit(limit)
    ).all()
    return [
        (int(row.id), str(row.kind), row.last_error, as_utc(row.finished_at) if row.finished_at else None)
        for row in rows
    ]


def cancel_group(session: Session, group_key: str, *, kinds: Sequence[str], now: datetime) -> int:
    """Cancel not-yet-started actions of some kinds in a group (e.g. a re-check made moot)."""
    result = session.execute(
        update(TABLE)
        .where(TABLE.c.group_key == group_key)
        .where(TABLE.c.kind.in_(list(kinds)))
        .where(TABLE.c.status.in_(["pending", "waiting"]))
        .values(status="cancelled", finished_at=now, updated_at=now, payload="{}")
    )
    return _rows(result)


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(TABLE.c.status, func.count()).group_by(TABLE.c.status)).all()
    return {status: int(count) for status, count in rows}


def next_due(session: Session) -> datetime | None:
    """When the earliest pending action becomes ready (lets the worker sleep exactly that long)."""
    value = session.execute(select(func.min(TABLE.c.not_before)).where(TABLE.c.status == "pending")).scalar()
    return None if value is None else as_utc(value)


def _release_dependents(session: Session, action_ids: list[int], outcome: Outcome, now: datetime) -> int:
    """Start the actions waiting on ``action_ids`` whose ``run_if`` matches; cancel the others (and theirs)."""
    changed = (
        session.connection()
        .execute(
            RELEASE,
            {"ids": action_ids, "runs": ["always", outcome], "now": now, "give_up_at": now + DEFAULT_BUDGET},
        )
        .all()
    )
    started = sum(1 for row in changed if row.status == "pending")
    cancelled = [int(row.id) for row in changed if row.status == "cancelled"]
    if cancelled:
        # A cancelled action counts as "not succeeded" for whatever waits on it.
        started += _release_dependents(session, cancelled, "failed", now)
    return started


def _should_run(run_if: str, outcome: Outcome) -> bool:
    return run_if in {"always", outcome}


def _outcome_of(status: str) -> Outcome:
    return "succeeded" if status == "done" else "failed"


def _loads(value: Any) -> dict[str, Any] | None:
    if not value:
        return None
    loaded = json.loads(value)
    return loaded if isinstance(loaded, dict) else None


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:255]


def _rows(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
