"""Foundation tables: processed events (dedupe), the outbox, and instance secrets.

Feature modules add their own tables in their own modules; ``schema.py`` imports them all so
migrations and checks see the whole schema. No table ever holds a full API key or a customer's
message text, except the outbox payload of a pending action (a masked repost), which is cleared
when the action finishes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Integer, Text
from sqlmodel import Field, SQLModel

from supportbot.store.types import UtcDateTime


class ProcessedEvent(SQLModel, table=True):
    """One row per Slack ``event_id``; the primary key makes a second delivery detectable."""

    __tablename__ = "processed_events"
    __table_args__ = (Index("ix_processed_events_received", "status", "received_at"),)

    event_id: str = Field(primary_key=True, max_length=64)
    status: str = Field(max_length=16)  # processing | done
    instance: str = Field(max_length=64)
    received_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class OutboxAction(SQLModel, table=True):
    """A Slack action that must not be lost: written with its cause, carried out by the worker."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_ready", "status", "not_before"),
        Index("ix_outbox_after", "after_id"),
        Index("ix_outbox_finished", "status", "finished_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    kind: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    # waiting (for after_id) | pending | claimed | done | failed | cancelled | dead (gave up: an alert went out)
    status: str = Field(max_length=16)
    after_id: int | None = Field(default=None)
    run_if: str = Field(default="always", max_length=16)  # always | succeeded | failed
    group_key: str | None = Field(default=None, max_length=128, index=True)
    dedupe_key: str | None = Field(default=None, max_length=191, unique=True)
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=8)
    # The action's time budget: past it, a transient failure or a lost claim makes it dead, not retried.
    give_up_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    priority: int = Field(default=5)  # lower goes first: deleting a leaked key waits for nothing else
    not_before: datetime = Field(sa_type=UtcDateTime)
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = Field(default=None, max_length=255)
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class InstanceSecret(SQLModel, table=True):
    """Secrets this installation generated for itself (e.g. the key fingerprint secret)."""

    __tablename__ = "instance_secrets"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=255)
    created_at: datetime = Field(sa_type=UtcDateTime)
