"""The FAQ feature's outbox payloads, one frozen dataclass per kind.

The field names are the JSON keys stored in the outbox table, so rows written before these classes
existed still read. A gap signal's text is already scrubbed (``FaqServices.storable``) when queued.
``faq.answer`` and ``faq.post`` carry a :class:`~supportbot.slack.replies.ReplyTarget` (an answer, or a
reply to a message, passes through ``replies.enqueue_reply``); ``blocks`` and ``thread_ts`` are left
out of the stored JSON when empty, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from supportbot.gaps.grouping import GapSignal
from supportbot.slack.replies import ReplyTarget
from supportbot.slack.worker import received_at_of

Blocks = list[dict[str, Any]]


def present(**fields: Any) -> dict[str, Any]:
    """The keyword arguments whose value is set (not empty): what a Web API call is given."""
    return {name: value for name, value in fields.items() if value}


@dataclass(frozen=True)
class FaqPost:
    """``faq.post``: a message from the bot at ``target`` (an empty ``thread_ts``: not in a thread)."""

    KIND: ClassVar[str] = "faq.post"

    target: ReplyTarget
    text: str
    blocks: Blocks | None = None
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        body = {"text": self.text, "received_at": self.received_at, **self.target.to_payload()}
        if not self.target.thread_ts:
            del body["thread_ts"]
        return body | present(blocks=self.blocks)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FaqPost:
        return cls(
            target=ReplyTarget.from_payload(payload),
            text=str(payload.get("text") or ""),
            blocks=payload.get("blocks") or None,
            received_at=received_at_of(payload),
        )


@dataclass(frozen=True)
class FaqEphemeral:
    """``faq.ephemeral``: a private message to ``user`` in ``channel`` (and thread)."""

    KIND: ClassVar[str] = "faq.ephemeral"

    channel: str
    user: str
    text: str
    blocks: Blocks | None = None
    thread_ts: str | None = None
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        body = {"channel": self.channel, "user": self.user, "text": self.text, "received_at": self.received_at}
        return body | present(blocks=self.blocks, thread_ts=self.thread_ts)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FaqEphemeral:
        return cls(
            channel=str(payload.get("channel") or ""),
            user=str(payload.get("user") or ""),
            text=str(payload.get("text") or ""),
            blocks=payload.get("blocks") or None,
            thread_ts=payload.get("thread_ts") or None,
            received_at=received_at_of(payload),
        )


@dataclass(frozen=True)
class FaqAnswer:
    """``faq.answer``: a knowledge-base answer (rendered when queued) to question ``question_id``."""

    KIND: ClassVar[str] = "faq.answer"

    target: ReplyTarget
    text: str
    blocks: Blocks
    question_id: int
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "blocks": self.blocks,
            "question_id": self.question_id,
            "received_at": self.received_at,
            **self.target.to_payload(),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FaqAnswer:
        return cls(
            target=ReplyTarget.from_payload(payload),
            text=payload["text"],
            blocks=payload["blocks"],
            question_id=int(payload["question_id"]),
            received_at=received_at_of(payload),
        )


@dataclass(frozen=True)
class AgentAlert:
    """``faq.agent_alert``: tell the agents' ``channel`` that a person is wanted in a question's thread.

    The alert's text is rendered when it runs; the stored ``text`` key is always empty (rows have it).
    """

    KIND: ClassVar[str] = "faq.agent_alert"

    channel: str
    question_channel: str
    thread_ts: str
    entry_id: str = ""
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "text": "",
            "question_channel": self.question_channel,
            "thread_ts": self.thread_ts,
            "entry_id": self.entry_id,
            "received_at": self.received_at,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> AgentAlert:
        return cls(
            channel=str(payload["channel"]),
            question_channel=str(payload["question_channel"]),
            thread_ts=str(payload["thread_ts"]),
            entry_id=str(payload.get("entry_id") or ""),
            received_at=received_at_of(payload),
        )


@dataclass(frozen=True)
class GapRecord:
    """``gap.record``: a scrubbed gap signal to group later, and where it came from."""

    KIND: ClassVar[str] = "gap.record"

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
