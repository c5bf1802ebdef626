"""Secrets the installation makes for itself when the operator has not set one."""

from __future__ import annotations

import secrets as _secrets
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from supportbot.store.tables import InstanceSecret

FINGERPRINT = "fingerprint"


def get_or_create(session: Session, name: str, *, now: datetime) -> str:
    """Return the stored secret ``name``, creating a random one the first time (race-safe)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(InstanceSecret)
        .values(name=name, value=_secrets.token_hex(32), created_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    row = session.get(InstanceSecret, name, populate_existing=True)
    assert row is not None
    return row.value
