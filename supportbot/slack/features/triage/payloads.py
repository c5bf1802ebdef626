"""The triage feature's simple outbox payloads, one frozen dataclass per kind.

The field names are the JSON keys stored in the outbox table, so rows written before these classes
existed still read. ``triage.start`` and ``triage.render`` still pass through ``replies.enqueue_reply``,
which adds the reply target to their payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from supportbot.text.lang import Language, as_language


@dataclass(frozen=True)
class TriageNote:
    """``triage.note``: an ephemeral note of ``kind`` for one person, in ``lang``."""

    channel: str
    user: str
    thread_ts: str | None
    kind: str
    lang: Language
    requester: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "user": self.user,
            "thread_ts": self.thread_ts or "",
            "kind": self.kind,
            "lang": self.lang,
            "requester": self.requester or "",
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> TriageNote:
        requester = payload.get("requester")
        return cls(
            channel=payload["channel"],
            user=payload["user"],
            thread_ts=payload.get("thread_ts") or None,
            kind=str(payload.get("kind") or ""),
            lang=as_language(payload.get("lang")),
            requester=requester if isinstance(requester, str) else None,
        )


@dataclass(frozen=True)
class ProbeRequest:
    """``triage.probe``: the walk whose endpoints to probe, and the base URLs (at most ``limit`` are read)."""

    walk: int
    bases: tuple[str, ...]

    def to_payload(self) -> dict[str, Any]:
        return {"walk": self.walk, "bases": list(self.bases)}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], *, limit: int) -> ProbeRequest:
        bases = tuple(str(base) for base in payload.get("bases") or [])[:limit]
        return cls(walk=int(payload["walk"]), bases=bases)
