"""The FAQ-gap tables and the records their queries return (:mod:`supportbot.store.gaps` holds the queries)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from supportbot.store.errors import StoreLayerError
from supportbot.store.types import UtcDateTime


class Gap(SQLModel, table=True):
    __tablename__ = "gaps"
    __table_args__ = (
        UniqueConstraint("key", name="uq_gaps_key"),
        Index("ix_gaps_last_seen", "last_seen"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    key: str = Field(max_length=64)
    title: str | None = Field(default=None, max_length=200)
    language: str = Field(max_length=8)
    first_seen: datetime = Field(sa_type=UtcDateTime)
    last_seen: datetime = Field(sa_type=UtcDateTime)
    signal_count: int = Field(default=0)
    # JSON list of stored signatures (Signature.dumps), at most REPRESENTATIVES.
    signatures: str = Field(sa_column=Column(Text, nullable=False))
    answered_entry_id: str | None = Field(default=None, max_length=64)
    answered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    answered_by: str | None = Field(default=None, max_length=32)
    # When the gap reopened after being answered (set once per answer; cleared by a new answer).
    reopened_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class GapSignalRow(SQLModel, table=True):
    __tablename__ = "gap_signals"
    __table_args__ = (
        Index("ix_gap_signals_gap_at", "gap_id", "at"),
        Index("ix_gap_signals_at", "at"),
        UniqueConstraint("source_ref", name="uq_gap_signals_source_ref"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    gap_id: int = Field(foreign_key="gaps.id")
    kind: str = Field(max_length=32)
    at: datetime = Field(sa_type=UtcDateTime)
    channel_id: str | None = Field(default=None, max_length=32)
    user_id: str | None = Field(default=None, max_length=32)
    entry_id: str | None = Field(default=None, max_length=64)
    checklist_step: str | None = Field(default=None, max_length=64)
    # Scrubbed by the caller before it gets here; never the raw message.
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(max_length=8)
    signature: str = Field(sa_column=Column(Text, nullable=False))
    # A natural key of what caused the signal (e.g. "q:C123:1700000000.000100"), so a retried event
    # or a second click records nothing twice. Null for signals other features emit.
    source_ref: str | None = Field(default=None, max_length=160)


@dataclass(frozen=True)
class Recorded:
    """What :func:`record_signal` did."""

    gap_key: str
    gap_id: int
    signal_id: int
    is_new_gap: bool
    count: int
    """Signals in the gap, this one included."""
    reopened: bool
    """True when this signal reopened a gap a lead had marked answered."""
    answered_entry_id: str | None = None


@dataclass(frozen=True)
class WeekCount:
    start: datetime
    """Monday 00:00 UTC."""
    signals: int
    new_gaps: int
    by_kind: dict[str, int]


class AmbiguousGap(StoreLayerError, LookupError):
    """A gap reference matches several gaps; ``keys`` lists some of them."""

    def __init__(self, ref: str, keys: Sequence[str]) -> None:
        self.ref = ref
        self.keys = tuple(keys)
        super().__init__(f"'{ref}' matches several gaps: {', '.join(self.keys)}")
