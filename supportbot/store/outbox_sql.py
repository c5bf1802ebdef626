"""The outbox's SQL statements, built once at import: constructing a statement costs more than running
it on SQLite. :mod:`supportbot.store.outbox` runs them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, case, insert, or_, select, update

from supportbot.store.tables import OutboxAction

TABLE = OutboxAction.__table__  # type: ignore[attr-defined]
INSERT = insert(TABLE).returning(TABLE.c.id)
STATUS = select(TABLE.c.status).where(TABLE.c.id == bindparam("id"))
STATUS_LOCKED = STATUS.with_for_update()
WITHIN_BUDGET = or_(TABLE.c.give_up_at.is_(None), TABLE.c.give_up_at > bindparam("now"))
LOST = and_(TABLE.c.status == "claimed", TABLE.c.lease_until < bindparam("lease_now"))
READY = or_(
    and_(TABLE.c.status == "pending", TABLE.c.not_before <= bindparam("now")),
    and_(LOST, TABLE.c.attempts < TABLE.c.max_attempts, WITHIN_BUDGET),
)


def claim_statement(skip_locked: bool) -> Any:
    chosen = (
        select(TABLE.c.id)
        .where(READY)
        .where(TABLE.c.priority <= bindparam("max_priority"))
        .order_by(TABLE.c.priority, TABLE.c.id)
        .limit(bindparam("limit"))
    )
    if skip_locked:
        # PostgreSQL may run an IN (subquery … LIMIT n FOR UPDATE SKIP LOCKED) more than once and so
        # claim more than n rows; a MATERIALIZED CTE is evaluated exactly once.
        picked = chosen.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        target = select(picked.c.id).scalar_subquery()
    else:
        target = chosen.scalar_subquery()
    return (
        update(TABLE)
        .where(TABLE.c.id.in_(target))
        .where(READY)
        .values(
            status="claimed",
            claimed_by=bindparam("instance"),
            lease_until=bindparam("lease_until"),
            attempts=TABLE.c.attempts + 1,
            updated_at=bindparam("now"),
        )
        .returning(
            TABLE.c.id,
            TABLE.c.kind,
            TABLE.c.payload,
            TABLE.c.attempts,
            TABLE.c.max_attempts,
            TABLE.c.group_key,
            TABLE.c.after_id,
            TABLE.c.priority,
            TABLE.c.last_error,
        )
    )


CLAIM = claim_statement(skip_locked=False)
CLAIM_PG = claim_statement(skip_locked=True)
UNCLAIM = (
    update(TABLE)
    .where(TABLE.c.id.in_(bindparam("ids", expanding=True)))
    .where(TABLE.c.status == "claimed")
    .where(TABLE.c.claimed_by == bindparam("instance"))
    .values(
        status="pending", claimed_by=None, lease_until=None, attempts=TABLE.c.attempts - 1, updated_at=bindparam("now")
    )
)
RESULTS = select(TABLE.c.id, TABLE.c.result).where(TABLE.c.id.in_(bindparam("ids", expanding=True)))
COMPLETE = (
    update(TABLE)
    .where(TABLE.c.id == bindparam("action_id"))
    .where(TABLE.c.status == "claimed")
    .where(TABLE.c.claimed_by == bindparam("instance"))
    .values(
        status=bindparam("new_status"),
        finished_at=bindparam("now"),
        updated_at=bindparam("now"),
        lease_until=None,
        payload="{}",
        result=bindparam("new_result"),
        last_error=bindparam("error"),
    )
)
RUNS = TABLE.c.run_if.in_(bindparam("runs", expanding=True))
RELEASE = (
    update(TABLE)
    .where(TABLE.c.after_id.in_(bindparam("ids", expanding=True)))
    .where(TABLE.c.status == "waiting")
    .values(
        status=case((RUNS, "pending"), else_="cancelled"),
        finished_at=case((RUNS, None), else_=bindparam("now")),
        payload=case((RUNS, TABLE.c.payload), else_="{}"),
        # A dependent's budget starts when it can first run, not when its chain was written.
        give_up_at=case((RUNS, bindparam("give_up_at")), else_=TABLE.c.give_up_at),
        updated_at=bindparam("now"),
    )
    .returning(TABLE.c.id, TABLE.c.status)
)
RENEW = (
    update(TABLE)
    .where(TABLE.c.id.in_(bindparam("ids", expanding=True)))
    .where(TABLE.c.status == "claimed")
    .where(TABLE.c.claimed_by == bindparam("instance"))
    .values(lease_until=bindparam("lease_until"))
    .returning(TABLE.c.id)
)
BURY = (
    update(TABLE)
    .where(LOST)
    .where(or_(TABLE.c.attempts >= TABLE.c.max_attempts, ~WITHIN_BUDGET))
    .values(
        status="dead",
        claimed_by=None,
        lease_until=None,
        finished_at=bindparam("now"),
        updated_at=bindparam("now"),
        payload="{}",
        last_error="lease_lost",
    )
    .returning(TABLE.c.id, TABLE.c.kind, TABLE.c.attempts)
)
