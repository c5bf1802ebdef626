"""The revoke feature's outbox payloads (``leak.revoke``, ``leak.revoke_notify``), as frozen dataclasses.

The field names are the JSON keys stored in the outbox table, so rows written before these classes
existed still read. They hold the key's SHA-256 and masked form, never the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from supportbot.revoke import LeakToRevoke, RevocableKey, RevokeRequest


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class RevokeOrder:
    """``leak.revoke``: one key to disable and who asked; ``channel`` and the rest say where the leak was
    (None for an order queued without its leak)."""

    incident: int
    key: RevocableKey
    requested_by: str | None
    reply_channel: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    author: str | None = None
    leaked_at: float | None = None
    lang: str | None = None
    received_at: float | None = None

    @classmethod
    def of(
        cls,
        incident: int,
        key: RevocableKey,
        *,
        leak: LeakToRevoke | None,
        requested_by: str,
        reply_channel: str | None,
    ) -> RevokeOrder:
        if leak is None:
            return cls(incident, key, requested_by, reply_channel)
        return cls(
            incident,
            key,
            requested_by,
            reply_channel,
            channel=leak.channel,
            thread_ts=leak.thread_ts,
            author=leak.author,
            leaked_at=leak.leaked_at.timestamp(),
            lang=leak.lang,
            received_at=leak.received_at,
        )

    def to_payload(self) -> dict[str, Any]:
        key = self.key
        payload: dict[str, Any] = {
            "incident": self.incident,
            "key_id": key.key_id,
            "key_sha256": key.key_sha256,
            "rule": key.rule,
            "provider": key.provider,
            "masked": key.masked,
            "requested_by": self.requested_by,
            "reply_channel": self.reply_channel,
        }
        if self.channel is not None:  # a leak's channel is never None: the order came with its leak
            payload.update(
                channel=self.channel,
                thread_ts=self.thread_ts,
                author=self.author,
                leaked_at=self.leaked_at,
                lang=self.lang,
                received_at=self.received_at,
            )
        return payload

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> RevokeOrder:
        key = RevocableKey(
            key_id=str(payload.get("key_id") or ""),
            key_sha256=str(payload["key_sha256"]),
            rule=str(payload.get("rule") or ""),
            provider=str(payload.get("provider") or ""),
            masked=str(payload.get("masked") or ""),
        )
        leaked_at, received_at = payload.get("leaked_at"), payload.get("received_at")
        return cls(
            incident=int(payload["incident"]),
            key=key,
            requested_by=_text(payload.get("requested_by")),
            reply_channel=_text(payload.get("reply_channel")),
            channel=_text(payload.get("channel")),
            thread_ts=_text(payload.get("thread_ts")),
            author=_text(payload.get("author")),
            leaked_at=float(leaked_at) if leaked_at is not None else None,
            lang=_text(payload.get("lang")),
            received_at=float(received_at) if received_at is not None else None,
        )

    def request(self) -> RevokeRequest:
        """What the revokers are asked."""
        return RevokeRequest(
            key_sha256=self.key.key_sha256,
            provider=self.key.provider,
            rule=self.key.rule,
            masked=self.key.masked,
            incident=self.incident,
            channel=self.channel or "",
            leaked_at=datetime.fromtimestamp(self.leaked_at or 0, UTC),
        )

    def notice(self, outcome: str) -> RevokeNotice | None:
        """Who hears about the outcome: the author when it worked or failed unasked; the person who asked."""
        asked = self.requested_by is not None and self.requested_by != "auto"
        if outcome == "disabled" or (outcome == "failed" and not asked):
            to, channel = self.author, self.channel
        elif asked:
            to, channel = self.requested_by, self.reply_channel or self.channel
        else:
            return None  # auto mode, not one of our keys: the warning already says to rotate it
        if to is None or not channel:
            return None
        return RevokeNotice(
            incident=self.incident,
            to=to,
            channel=channel,
            thread_ts=self.thread_ts if channel == self.channel else None,
            outcome=outcome,
            masked=self.key.masked,
            lang=self.lang if to == self.author else None,
        )


@dataclass(frozen=True)
class RevokeNotice:
    """``leak.revoke_notify``: tell ``to`` privately how the revocation ended."""

    incident: int | None
    to: str
    channel: str
    thread_ts: str | None
    outcome: str
    masked: str
    lang: str | None

    def to_payload(self) -> dict[str, Any]:
        return {
            "incident": self.incident,
            "to": self.to,
            "channel": self.channel,
            "thread_ts": self.thread_ts,
            "outcome": self.outcome,
            "masked": self.masked,
            "lang": self.lang,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> RevokeNotice:
        incident = payload.get("incident")
        return cls(
            incident=int(incident) if incident is not None else None,
            to=str(payload["to"]),
            channel=str(payload["channel"]),
            thread_ts=payload.get("thread_ts"),
            outcome=str(payload.get("outcome")),
            masked=str(payload.get("masked") or ""),
            lang=_text(payload.get("lang")),
        )
