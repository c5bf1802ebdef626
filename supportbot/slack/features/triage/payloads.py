"""The triage feature's outbox payloads, one frozen dataclass per kind.

The field names are the JSON keys stored in the outbox table, so rows written before these classes
existed still read. ``triage.start`` and a walk's first ``triage.render`` carry a
:class:`~supportbot.slack.replies.ReplyTarget` (stored as ``channel``/``thread_ts``/``thread_from_predecessor``)
and pass through ``replies.enqueue_reply`` when they answer a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from supportbot.slack.replies import ReplyTarget
from supportbot.slack.worker import received_at_of
from supportbot.text.lang import Language, as_language


@dataclass(frozen=True)
class StartWalk:
    """``triage.start``: a 401 report to start a walk from, replying in its conversation.

    ``text`` is the message as handed on (the masked copy when a key was intercepted); ``incident``
    the leak incident the message raised, if any; the payload is cleared once the action finishes.
    """

    KIND: ClassVar[str] = "triage.start"

    target: ReplyTarget
    origin: str
    requester: str
    text: str
    trigger: str
    incident: int | None = None
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "text": self.text,
            "requester": self.requester,
            "trigger": self.trigger,
            "incident": self.incident,
            "received_at": self.received_at,
            **self.target.to_payload(),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> StartWalk:
        incident = payload.get("incident")
        return cls(
            target=ReplyTarget.from_payload(payload),
            origin=str(payload["origin"]),
            requester=str(payload["requester"]),
            text=str(payload.get("text") or ""),
            trigger=str(payload.get("trigger") or "message"),
            incident=incident if isinstance(incident, int) else None,
            received_at=received_at_of(payload),
        )


@dataclass(frozen=True)
class RenderWalk:
    """``triage.render``: draw walk ``walk``'s message, or redraw it where it already is.

    A walk's first render carries where to post (``target``; an empty ``thread_ts`` starts a new
    thread); a redraw (``{"walk": id}``) has none and finds the message in the walk's row.
    """

    KIND: ClassVar[str] = "triage.render"

    walk: int
    target: ReplyTarget | None = None
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"walk": self.walk}
        if self.received_at is not None:
            body["received_at"] = self.received_at
        if self.target is not None:
            body.update(self.target.to_payload())
        return body

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> RenderWalk:
        target = ReplyTarget.from_payload(payload) if "channel" in payload else None
        return cls(walk=int(payload["walk"]), target=target, received_at=received_at_of(payload))


@dataclass(frozen=True)
class TriageNote:
    """``triage.note``: an ephemeral note of ``kind`` for one person, in ``lang``."""

    KIND: ClassVar[str] = "triage.note"

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

    KIND: ClassVar[str] = "triage.probe"

    walk: int
    bases: tuple[str, ...]

    def to_payload(self) -> dict[str, Any]:
        return {"walk": self.walk, "bases": list(self.bases)}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], *, limit: int) -> ProbeRequest:
        bases = tuple(str(base) for base in payload.get("bases") or [])[:limit]
        return cls(walk=int(payload["walk"]), bases=bases)
