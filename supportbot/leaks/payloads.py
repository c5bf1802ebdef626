"""The leak feature's outbox payloads, one frozen dataclass per kind (pure: no Slack, no database).

The field names are the JSON keys stored in the outbox table, so rows written before these classes
existed still read, and ``to_payload`` writes the shape the old code wrote: a key it left out
(``file_id`` for a message, ``prompted`` unless set, ``deleted`` while the deletion's outcome is
still to come) is left out here too. No payload holds a key: only masked forms, and the repost's
text is the masked, scrubbed copy.

    leak.delete       Deletion        remove the message (``chat.delete``) or file (``files.delete``)
    leak.repost       Repost          the masked copy, after a deletion that worked
    leak.warn         AuthorWarning   tell the author privately
    leak.alert        Alert           the agents' card (it keeps the warning's fields, as it always did)
    leak.recheck      Recheck         is the message still up? (a follow-up of the alert)
    leak.update_card  CardUpdate      redraw the agents' card
    leak.scan_file    FileScan        read a shared file for keys
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from supportbot.text.messages import Message

DELETE = "leak.delete"
REPOST = "leak.repost"
WARN = "leak.warn"
ALERT = "leak.alert"
RECHECK = "leak.recheck"
SCAN_FILE = "leak.scan_file"
UPDATE_CARD = "leak.update_card"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _texts(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, (list, tuple)) else ()


@dataclass(frozen=True)
class Leak:
    """Which incident and where its key was: the message, and the file when the key was in one."""

    incident: int
    channel: str
    ts: str
    thread_ts: str | None = None
    author: str | None = None
    received_at: float | None = None
    file_id: str | None = None
    file_name: str | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "incident": self.incident,
            "channel": self.channel,
            "ts": self.ts,
            "thread_ts": self.thread_ts,
            "author": self.author,
            "received_at": self.received_at,
        }
        if self.file_id is not None:
            payload.update(file_id=self.file_id, file_name=self.file_name)
        return payload

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Leak:
        return cls(
            incident=int(payload["incident"]),
            channel=str(payload["channel"]),
            ts=str(payload["ts"]),
            thread_ts=_text(payload.get("thread_ts")),
            author=_text(payload.get("author")),
            received_at=_number(payload.get("received_at")),
            file_id=_text(payload.get("file_id")),
            file_name=_text(payload.get("file_name")),
        )


@dataclass(frozen=True)
class Deletion:
    """``leak.delete``. ``prompted``: the arrival-time deletion already started it (so a "not found" was ours)."""

    KIND: ClassVar[str] = DELETE
    leak: Leak
    prompted: bool = False

    def to_payload(self) -> dict[str, Any]:
        return {**self.leak.to_payload(), "prompted": True} if self.prompted else self.leak.to_payload()

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Deletion:
        return cls(Leak.from_payload(payload), prompted=bool(payload.get("prompted")))


@dataclass(frozen=True)
class Repost:
    """``leak.repost``: the masked copy (``text``, already scrubbed and defused) posted where the message was."""

    KIND: ClassVar[str] = REPOST
    leak: Leak
    text: str
    lang: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {**self.leak.to_payload(), "text": self.text, "lang": self.lang}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Repost:
        return cls(Leak.from_payload(payload), text=str(payload.get("text") or ""), lang=_text(payload.get("lang")))


@dataclass(frozen=True)
class Repeat:
    """The key was posted before: ``times`` in all (two or more), first on ``since`` (YYYY-MM-DD)."""

    times: int
    since: str

    def to_payload(self) -> dict[str, Any]:
        return {"times": self.times, "since": self.since}

    @classmethod
    def from_payload(cls, payload: object) -> Repeat | None:
        if not isinstance(payload, Mapping) or not payload.get("times"):
            return None
        return cls(times=int(payload["times"]), since=str(payload.get("since") or ""))


@dataclass(frozen=True)
class AuthorWarning:
    """``leak.warn``: the author told privately which keys leaked and how to disable them.

    ``deleted`` None: the outcome comes from the deletion this warning waits for (then neither
    ``deleted`` nor ``reason`` is stored); otherwise no deletion was tried and ``reason`` says why.
    """

    KIND: ClassVar[str] = WARN
    leak: Leak
    keys: tuple[str, ...] = ()  # masked
    providers: tuple[str, ...] = ()
    seen: Repeat | None = None
    lang: str | None = None
    revoke: str | None = None  # the revoke mode, when the leak's keys can be disabled at their source
    deleted: bool | None = None
    reason: str | None = None

    def to_payload(self) -> dict[str, Any]:
        payload = {
            **self.leak.to_payload(),
            "keys": list(self.keys),
            "providers": list(self.providers),
            "seen": self.seen_summary(),
            "lang": self.lang,
            "revoke": self.revoke,
        }
        if self.deleted is not None:
            payload.update(deleted=self.deleted, reason=self.reason)
        return payload

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> AuthorWarning:
        deleted = payload.get("deleted")
        known = deleted is not None
        return cls(
            Leak.from_payload(payload),
            keys=_texts(payload.get("keys")),
            providers=_texts(payload.get("providers")),
            seen=Repeat.from_payload(payload.get("seen")),
            lang=_text(payload.get("lang")),
            revoke=_text(payload.get("revoke")),
            deleted=bool(deleted) if known else None,
            reason=_text(payload.get("reason")) if known else None,
        )

    def seen_summary(self) -> dict[str, Any]:
        """What the template reads: ``{}`` for a first sighting."""
        return self.seen.to_payload() if self.seen else {}


@dataclass(frozen=True)
class Alert:
    """``leak.alert``: the agents' card. ``reason``: why the key is still up (None until a deletion fails).

    The card itself is drawn from the incident row; the warning's fields ride along as they always did.
    """

    KIND: ClassVar[str] = ALERT
    warning: AuthorWarning
    reason: str | None = None

    @property
    def incident(self) -> int:
        return self.warning.leak.incident

    def to_payload(self) -> dict[str, Any]:
        return {**self.warning.to_payload(), "reason": self.reason}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Alert:
        return cls(AuthorWarning.from_payload(payload), reason=_text(payload.get("reason")))


@dataclass(frozen=True)
class Recheck:
    """``leak.recheck``: the ``check``-th look at whether the leaking message is still visible."""

    KIND: ClassVar[str] = RECHECK
    incident: int
    check: int = 1

    def to_payload(self) -> dict[str, Any]:
        return {"incident": self.incident, "check": self.check}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Recheck:
        return cls(incident=int(payload["incident"]), check=int(payload.get("check", 1)))


@dataclass(frozen=True)
class CardUpdate:
    """``leak.update_card``: redraw the incident's card from its row (handled, removed, revoked…)."""

    KIND: ClassVar[str] = UPDATE_CARD
    incident: int

    def to_payload(self) -> dict[str, Any]:
        return {"incident": self.incident}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> CardUpdate:
        return cls(incident=int(payload["incident"]))


@dataclass(frozen=True)
class FileScan:
    """``leak.scan_file``: a file shared with a message, to read for keys (the message's fields rebuild it)."""

    KIND: ClassVar[str] = SCAN_FILE
    channel: str
    ts: str
    file_id: str
    thread_ts: str | None = None
    channel_type: str = "channel"
    author: str | None = None
    team: str | None = None
    received_at: float | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "ts": self.ts,
            "thread_ts": self.thread_ts,
            "channel_type": self.channel_type,
            "author": self.author,
            "team": self.team,
            "file_id": self.file_id,
            "received_at": self.received_at,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FileScan:
        return cls(
            channel=str(payload["channel"]),
            ts=str(payload["ts"]),
            file_id=str(payload["file_id"]),
            thread_ts=_text(payload.get("thread_ts")),
            channel_type=str(payload.get("channel_type") or "channel"),
            author=_text(payload.get("author")),
            team=_text(payload.get("team")),
            received_at=_number(payload.get("received_at")),
        )

    def message(self) -> Message:
        """The message the file came with, text left out (the file's own text is what is scanned)."""
        return Message(
            channel=self.channel,
            ts=self.ts,
            user=self.author,
            text="",
            channel_type=self.channel_type,
            thread_ts=self.thread_ts,
            team=self.team,
        )


LeakPayload = Deletion | Repost | AuthorWarning | Alert | Recheck | CardUpdate | FileScan
