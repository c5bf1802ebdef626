"""The ticket feature's outbox payloads, one frozen dataclass per kind.

The field names are the JSON keys stored in the outbox table, so rows written before these classes
existed still read. No payload holds message text: a note's text is ours, rendered from a template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TicketRef:
    """``ticket.card``, ``ticket.update_card`` and ``ticket.confirm``: which ticket, read fresh when run."""

    ticket: int

    def to_payload(self) -> dict[str, Any]:
        return {"ticket": self.ticket}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> TicketRef:
        return cls(ticket=int(payload["ticket"]))


@dataclass(frozen=True)
class Note:
    """``ticket.note``: an ephemeral outcome for one person."""

    channel: str
    user: str
    text: str
    thread_ts: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"channel": self.channel, "user": self.user, "text": self.text, "thread_ts": self.thread_ts}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Note:
        return cls(
            channel=str(payload["channel"]),
            user=str(payload["user"]),
            text=str(payload["text"]),
            thread_ts=payload.get("thread_ts") or None,
        )


@dataclass(frozen=True)
class FromReaction:
    """``ticket.from_reaction``: the message an agent reacted to; ``received_at`` feeds the latency metric."""

    channel: str
    ts: str
    agent: str
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"channel": self.channel, "ts": self.ts, "agent": self.agent, "received_at": self.received_at}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FromReaction:
        received = payload.get("received_at")
        return cls(
            channel=str(payload["channel"]),
            ts=str(payload["ts"]),
            agent=str(payload["agent"]),
            received_at=float(received) if received is not None else None,
        )
