"""Offers to disable a leaked key (``SUPPORTBOT_REVOKE=ask``) and revocation outcomes on incidents.

An offer holds the key's SHA-256 until someone entitled presses "Disable this key now"; the click
turns it into an outbox action and deletes it. Unanswered offers are deleted after a day, so a
digest is kept no longer than a choice is open. Never the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Index, Integer, UniqueConstraint, delete, select
from sqlmodel import Field, Session, SQLModel, col

from supportbot.revoke import RevocableKey, stronger
from supportbot.store import leaks as leak_store
from supportbot.store.types import UtcDateTime


class RevokeOffer(SQLModel, table=True):
    __tablename__ = "revoke_offers"
    __table_args__ = (
        UniqueConstraint("incident_id", "key_id", name="uq_revoke_offer_key"),
        Index("ix_revoke_offers_expires_at", "expires_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    incident_id: int = Field(foreign_key="leak_incidents.id", index=True)
    key_id: str = Field(max_length=32)
    key_sha256: str = Field(max_length=64)
    rule: str = Field(max_length=64)
    provider: str = Field(max_length=64)
    masked: str = Field(max_length=96)
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)


def offer(
    session: Session, incident_id: int, keys: Sequence[RevocableKey], *, now: datetime, expires: datetime
) -> None:
    for key in keys:
        session.add(
            RevokeOffer(
                incident_id=incident_id,
                key_id=key.key_id,
                key_sha256=key.key_sha256,
                rule=key.rule,
                provider=key.provider,
                masked=key.masked,
                created_at=now,
                expires_at=expires,
            )
        )
    session.flush()


def take_offers(session: Session, incident_id: int) -> list[RevocableKey]:
    """The incident's open offers, removed: the caller turns them into actions in this transaction."""
    rows = list(
        session.execute(
            select(RevokeOffer).where(col(RevokeOffer.incident_id) == incident_id).order_by(col(RevokeOffer.id))
        ).scalars()
    )
    if not rows:
        return []
    session.execute(delete(RevokeOffer).where(col(RevokeOffer.id).in_([row.id for row in rows])))
    return [RevocableKey(row.key_id, row.key_sha256, row.rule, row.provider, row.masked) for row in rows]


def expire_offers(session: Session, *, now: datetime) -> list[int]:
    """Delete offers past their time; returns the incidents left with none, marked ``expired``."""
    incidents = sorted(
        {
            int(value)
            for value in session.execute(
                select(col(RevokeOffer.incident_id)).where(col(RevokeOffer.expires_at) <= now)
            ).scalars()
        }
    )
    if not incidents:
        return []
    session.execute(delete(RevokeOffer).where(col(RevokeOffer.expires_at) <= now))
    for incident_id in incidents:
        record(session, incident_id, "expired", now=now)
    return incidents


def record(
    session: Session,
    incident_id: int,
    state: str,
    *,
    now: datetime,
    revokers: Sequence[str] = (),
    requested_by: str | None = None,
) -> bool:
    """Move the incident's revocation state forward (never back: see ``revoke.stronger``)."""
    incident = session.get(leak_store.LeakIncident, incident_id)
    if incident is None or not stronger(incident.revocation, state):
        return False
    values: dict[str, object] = {"revocation": state}
    if state in {"disabled", "not_ours", "failed"}:
        values["revoked_at"] = now
    if revokers:
        values["revoked_by"] = "+".join(revokers)[:32]
    if requested_by is not None:
        values["revoke_requested_by"] = requested_by
    leak_store.update_incident(session, incident_id, now=now, **values)
    session.expire(incident)
    return True
