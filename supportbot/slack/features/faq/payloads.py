"""The FAQ feature's gap-signal outbox payload (``gap.record``), as a frozen dataclass.

The field names are the JSON keys stored in the outbox table, so rows written before this class
existed still read. The signal's text is already scrubbed (``FaqServices.storable``) when queued.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportbot.gaps.grouping import GapSignal


@dataclass(frozen=True)
class GapRecord:
    """``gap.record``: a scrubbed gap signal to group later, and where it came from."""

    signal: GapSignal
    source_ref: str | None = None

    def to_payload(self) -> dict[str, Any]:
        signal = self.signal
        return {
            "kind": signal.kind,
            "text": signal.text,
            "at": signal.at.isoformat(),
            "channel_id": signal.channel_id,
            "user_id": signal.user_id,
            "entry_id": signal.entry_id,
            "checklist_step": signal.checklist_step,
            "source_ref": self.source_ref,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> GapRecord:
        signal = GapSignal(
            payload["kind"],
            str(payload.get("text") or ""),
            datetime.fromisoformat(payload["at"]),
            channel_id=payload.get("channel_id"),
            user_id=payload.get("user_id"),
            entry_id=payload.get("entry_id"),
            checklist_step=payload.get("checklist_step"),
        )
        return cls(signal=signal, source_ref=payload.get("source_ref"))
