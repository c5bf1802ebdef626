"""Leak incidents: what leaked where and what was done about it. Never the key, never the message text.

One incident per leaking message (or file), with one row per key found in it. A key is known by
its masked form and its keyed fingerprint (``key_id``), so a key pasted again, by anyone, is
recognised without being stored.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Integer, UniqueConstraint, bindparam, func, insert, select, update
from sqlmodel import Field, Session, SQLModel, col

from supportbot.store.types import UtcDateTime, as_utc


class LeakIncident(SQLModel, table=True):
    __tablename__ = "leak_incidents"
    __table_args__ = (
        UniqueConstraint("channel", "message_ts", "source", name="uq_leak_incident_message"),
        Index("ix_leak_incidents_created_at", "created_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    channel: str = Field(max_length=32)
    channel_type: str = Field(max_length=16)
    message_ts: str = Field(max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    # text | edit | file:<file id> | sweep
    source: str = Field(max_length=48)
    author: str | None = Field(default=None, max_length=32, index=True)
    author_team: str | None = Field(default=None, max_length=32)
    keys_found: int = Field(default=1)
    # deleted | not_attempted | failed | removed_by_author | pending
    deletion: str = Field(default="pending", max_length=24)
    # why deletion was impossible or failed: no_admin_token, dm, external_member, cant_delete_message…
    deletion_reason: str | None = Field(default=None, max_length=64)
    reposted: bool = Field(default=False)
    # ephemeral | dm | failed | pending
    warned: str = Field(default="pending", max_length=16)
    alerted: bool = Field(default=False)
    alert_channel: str | None = Field(default=None, max_length=32)
    alert_ts: str | None = Field(default=None, max_length=32)
    still_visible_checks: int = Field(default=0)
    handled_by: str | None = Field(default=None, max_length=32)
    handled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Disabling the key at its source (None: not tried): offered | pending | disabled | not_ours | failed | expired
    revocation: str | None = Field(default=None, max_length=16)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # when the outcome came
    revoked_by: str | None = Field(default=None, max_length=32)  # the revoker(s) that disabled it
    # who asked: "auto", or the user who pressed "Disable this key now"
    revoke_requested_by: str | None = Field(default=None, max_length=32)


class LeakKey(SQLModel, table=True):
    __tablename__ = "leak_keys"
    __table_args__ = (Index("ix_leak_keys_key_id_seen", "key_id", "seen_at"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    incident_id: int = Field(foreign_key="leak_incidents.id", index=True)
    seen_at: datetime = Field(sa_type=UtcDateTime)
    rule: str = Field(max_length=64)
    provider: str = Field(max_length=64)
    masked: str = Field(max_length=96)
    key_id: str = Field(max_length=32)
    author: str | None = Field(default=None, max_length=32)


_INSERT_INCIDENT = insert(LeakIncident.__table__).returning(LeakIncident.__table__.c.id)  # type: ignore[attr-defined]
_INSERT_KEY = insert(LeakKey.__table__)  # type: ignore[attr-defined]
_INCIDENTS = LeakIncident.__table__  # type: ignore[attr-defined]
_KEYS = LeakKey.__table__  # type: ignore[attr-defined]
_FIND_ID = (
    select(_INCIDENTS.c.id)
    .where(_INCIDENTS.c.channel == bindparam("b_channel"))
    .where(_INCIDENTS.c.message_ts == bindparam("b_message_ts"))
    .where(_INCIDENTS.c.source == bindparam("b_source"))
)
_SIGHTINGS = select(_KEYS.c.key_id, _KEYS.c.author, _KEYS.c.seen_at).where(
    _KEYS.c.key_id.in_(bindparam("ids", expanding=True))
)
_BY_AUTHOR = select(_INCIDENTS.c.id).where(_INCIDENTS.c.author == bindparam("b_author")).limit(1)


@dataclass(frozen=True)
class KeySighting:
    rule: str
    provider: str
    masked: str
    key_id: str


@dataclass(frozen=True)
class KeyHistory:
    key_id: str
    times_seen_before: int
    first_seen_at: datetime | None
    authors_before: tuple[str, ...]


def find_incident(session: Session, *, channel: str, message_ts: str, source: str) -> LeakIncident | None:
    row: LeakIncident | None = (
        session.execute(
            select(LeakIncident)
            .where(col(LeakIncident.channel) == channel)
            .where(col(LeakIncident.message_ts) == message_ts)
            .where(col(LeakIncident.source) == source)
        )
        .scalars()
        .first()
    )
    return row


def find_incident_id(session: Session, *, channel: str, message_ts: str, source: str) -> int | None:
    """The id of the incident for this message, if there is one (the hot-path form of find_incident)."""
    found = (
        session.connection()
        .execute(_FIND_ID, {"b_channel": channel, "b_message_ts": message_ts, "b_source": source})
        .scalar()
    )
    return None if found is None else int(found)


def history(session: Session, key_ids: Sequence[str]) -> dict[str, KeyHistory]:
    """How often each key was seen before now (any author), and since when."""
    if not key_ids:
        return {}
    counts: dict[str, int] = {}
    first: dict[str, datetime] = {}
    authors: dict[str, set[str]] = {}
    for key_id, author, seen_at in session.connection().execute(_SIGHTINGS, {"ids": list(key_ids)}):
        counts[key_id] = counts.get(key_id, 0) + 1
        moment = as_utc(seen_at)
        if key_id not in first or moment < first[key_id]:
            first[key_id] = moment
        if author:
            authors.setdefault(key_id, set()).add(author)
    return {
        key_id: KeyHistory(key_id, counts.get(key_id, 0), first.get(key_id), tuple(sorted(authors.get(key_id, set()))))
        for key_id in key_ids
    }


def record_incident(
    session: Session,
    *,
    now: datetime,
    channel: str,
    channel_type: str,
    message_ts: str,
    thread_ts: str | None,
    source: str,
    author: str | None,
    author_team: str | None,
    keys: Sequence[KeySighting],
    deletion: str,
    deletion_reason: str | None,
) -> int:
    """Insert the incident and its keys; return the incident id."""
    # Core statements, not ORM objects: this runs on the hot path of every leaking message.
    connection = session.connection()
    incident_id = connection.execute(
        _INSERT_INCIDENT,
        {
            "created_at": now,
            "updated_at": now,
            "channel": channel,
            "channel_type": channel_type,
            "message_ts": message_ts,
            "thread_ts": thread_ts,
            "source": source,
            "author": author,
            "author_team": author_team,
            "keys_found": len(keys),
            "deletion": deletion,
            "deletion_reason": deletion_reason,
            "reposted": False,
            "warned": "pending",
            "alerted": False,
            "still_visible_checks": 0,
        },
    ).scalar_one()
    _insert_keys(session, int(incident_id), keys, author=author, now=now)
    return int(incident_id)


def add_keys(
    session: Session, incident_id: int, keys: Sequence[KeySighting], *, author: str | None, now: datetime
) -> list[KeySighting]:
    """Add the keys an edit of the message brought in; return those the incident did not hold yet."""
    known = {key.key_id for key in keys_of(session, incident_id)}
    added = [key for key in keys if key.key_id not in known]
    if added:
        _insert_keys(session, incident_id, added, author=author, now=now)
        update_incident(session, incident_id, now=now, keys_found=len(known) + len(added))
    return added


def _insert_keys(
    session: Session, incident_id: int, keys: Sequence[KeySighting], *, author: str | None, now: datetime
) -> None:
    if not keys:
        return
    session.connection().execute(
        _INSERT_KEY,
        [
            {
                "incident_id": incident_id,
                "seen_at": now,
                "rule": key.rule,
                "provider": key.provider,
                "masked": key.masked,
                "key_id": key.key_id,
                "author": author,
            }
            for key in keys
        ],
    )


def update_incident(session: Session, incident_id: int, *, now: datetime, **values: object) -> None:
    statement = _update_statement(tuple(sorted(values)))
    session.connection().execute(
        statement, {"incident_id": incident_id, "v_updated_at": now, **{f"v_{k}": v for k, v in values.items()}}
    )


@functools.lru_cache(maxsize=64)
def _update_statement(columns: tuple[str, ...]) -> Any:
    """One prepared UPDATE per set of columns: the outbox updates incidents after every action."""
    table = LeakIncident.__table__  # type: ignore[attr-defined]
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValueError(f"leak_incidents has no column {', '.join(unknown)}")
    assignments: dict[str, Any] = {name: bindparam(f"v_{name}") for name in (*columns, "updated_at")}
    return update(table).where(table.c.id == bindparam("incident_id")).values(assignments)


def keys_of(session: Session, incident_id: int) -> list[LeakKey]:
    return list(
        session.execute(
            select(LeakKey).where(col(LeakKey.incident_id) == incident_id).order_by(col(LeakKey.id))
        ).scalars()
    )


def recent(session: Session, *, since: datetime, limit: int = 200) -> list[tuple[LeakIncident, list[LeakKey]]]:
    incidents: list[LeakIncident] = list(
        session.execute(
            select(LeakIncident)
            .where(col(LeakIncident.created_at) >= since)
            .order_by(col(LeakIncident.created_at).desc())
            .limit(limit)
        ).scalars()
    )
    return [(incident, keys_of(session, incident.id or 0)) for incident in incidents]


def repeat_leakers(
    session: Session, *, since: datetime, until: datetime | None = None, minimum: int = 2
) -> list[tuple[str, int]]:
    """Authors with at least ``minimum`` incidents in [since, until), most first (for leads)."""
    query = select(col(LeakIncident.author), func.count()).where(col(LeakIncident.created_at) >= since)
    if until is not None:
        query = query.where(col(LeakIncident.created_at) < until)
    rows = session.execute(
        query.where(col(LeakIncident.author).is_not(None))
        .group_by(col(LeakIncident.author))
        .having(func.count() >= minimum)
        .order_by(func.count().desc())
    ).all()
    return [(str(author), int(count)) for author, count in rows]


def author_has_incidents(session: Session, author: str) -> bool:
    """Whether this person leaked a key before (a second paste means the guidance did not land)."""
    return session.connection().execute(_BY_AUTHOR, {"b_author": author}).first() is not None


def weekly_counts(session: Session, *, since: datetime) -> list[datetime]:
    """Creation times of incidents since ``since`` (callers bucket them by week)."""
    return [
        as_utc(value)
        for value in session.execute(
            select(col(LeakIncident.created_at)).where(col(LeakIncident.created_at) >= since)
        ).scalars()
    ]


def count_between(session: Session, *, since: datetime, until: datetime) -> int:
    """Incidents created in [since, until) (the leads' views)."""
    count = session.execute(
        select(func.count())
        .select_from(LeakIncident)
        .where(col(LeakIncident.created_at) >= since)
        .where(col(LeakIncident.created_at) < until)
    ).scalar()
    return int(count or 0)


def count_revoked_between(session: Session, *, since: datetime, until: datetime) -> int:
    """Incidents created in [since, until) whose key was disabled at its source (the leads' views)."""
    count = session.execute(
        select(func.count())
        .select_from(LeakIncident)
        .where(col(LeakIncident.created_at) >= since)
        .where(col(LeakIncident.created_at) < until)
        .where(col(LeakIncident.revocation) == "disabled")
    ).scalar()
    return int(count or 0)
