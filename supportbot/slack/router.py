"""Routing inside the app: one Bolt listener per kind of request, fanned out to feature handlers.

Bolt runs only the first listener that matches a request, and answers 404 (which Slack retries)
when none does. So the app registers a single catch-all event listener and a single ``/support``
listener, and features subscribe here instead. Several features can then act on one message (the
key interceptor first, which hands the masked copy on to triage and the knowledge base).

Event handlers must be quick (they run before Slack gets its acknowledgement) and do their Web
API work through the outbox. They must also be idempotent: when a handler fails, the event's
dedupe claim is released and Slack's retry runs every handler again.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from supportbot.keys import Finding
from supportbot.render.templates import RenderedMessage
from supportbot.text.messages import Message, TextPart

_log = logging.getLogger(__name__)

Role = Literal["anyone", "agent", "lead"]


@dataclass(frozen=True)
class ArrivalScan:
    """The keys found in a message when it arrived (only in memory, never stored)."""

    message: Message
    findings: list[Finding]
    extra: list[tuple[TextPart, list[Finding]]]


@dataclass
class EventContext:
    envelope: Mapping[str, Any]
    event: Mapping[str, Any]
    received_at: datetime
    # What earlier handlers found out, for the handlers after them (typed: no feature reads a guessed key).
    arrival_scan: ArrivalScan | None = None  # the leak scan made on arrival: the interceptor does not scan twice
    leak_incident: int | None = None  # a key was intercepted in this message
    reply_after: int | None = None  # the outbox action replies chain after (the masked repost)
    triage_took: bool = False  # the message is a 401 report the checklist took
    knowledge: Literal["answered", "unanswered"] | None = None  # what the knowledge base made of it

    @property
    def event_id(self) -> str | None:
        value = self.envelope.get("event_id")
        return value if isinstance(value, str) else None


MessageHandler = Callable[[Message, EventContext], Message | None]
RawHandler = Callable[[EventContext], None]
ArrivalHandler = Callable[[Message, EventContext], None]


@dataclass(frozen=True)
class _MessageSubscription:
    order: int
    name: str
    handler: MessageHandler
    fail_closed: bool = False


class EventRouter:
    def __init__(self) -> None:
        self._message_handlers: list[_MessageSubscription] = []
        self._raw_handlers: dict[str, list[tuple[str, RawHandler]]] = {}
        self._arrival_handlers: list[tuple[str, ArrivalHandler]] = []

    def on_arrival(self, name: str, handler: ArrivalHandler) -> None:
        """See each message the moment it arrives, before the repeat check and before any database work.

        For what cannot wait for a database turn (starting a leaked key's deletion). The handler may see
        a repeated delivery, so what it does must be safe to do twice; it must be quick and must not
        touch the database. Notes it leaves in the context reach the message handlers.
        """
        self._arrival_handlers.append((name, handler))

    def arrival_handlers(self) -> Sequence[tuple[str, ArrivalHandler]]:
        return list(self._arrival_handlers)

    def on_message(self, name: str, handler: MessageHandler, *, order: int, fail_closed: bool = False) -> None:
        """Subscribe to messages people write (new, replies, edits, file shares).

        A handler may return a replacement :class:`Message` for the handlers after it (lower
        ``order`` runs first); returning None passes the message on unchanged. ``fail_closed``: if
        this handler raises, no later handler sees the message (it may hold what this one should
        have masked) and the event is answered so that Slack delivers it again.
        """
        self._message_handlers.append(_MessageSubscription(order, name, handler, fail_closed))
        self._message_handlers.sort(key=lambda sub: sub.order)

    def on_event(self, event_type: str, name: str, handler: RawHandler) -> None:
        """Subscribe to any other event type (``app_home_opened``, ``reaction_added``…)."""
        self._raw_handlers.setdefault(event_type, []).append((name, handler))

    def message_handlers(self) -> Sequence[tuple[str, MessageHandler]]:
        return [(sub.name, sub.handler) for sub in self._message_handlers]

    def fails_closed(self, name: str) -> bool:
        return any(sub.fail_closed for sub in self._message_handlers if sub.name == name)

    def raw_handlers(self, event_type: str) -> Sequence[tuple[str, RawHandler]]:
        return list(self._raw_handlers.get(event_type, ()))


@dataclass(frozen=True)
class CommandRequest:
    user_id: str
    channel_id: str
    team_id: str | None
    text: str
    subcommand: str
    args: tuple[str, ...]
    trigger_id: str | None
    response_url: str | None

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> CommandRequest:
        text = str(payload.get("text") or "").strip()
        args = split_args(text)
        return cls(
            user_id=str(payload.get("user_id") or ""),
            channel_id=str(payload.get("channel_id") or ""),
            team_id=payload.get("team_id") if isinstance(payload.get("team_id"), str) else None,
            text=text,
            subcommand=args[0].lower() if args else "",
            args=tuple(args[1:]),
            trigger_id=payload.get("trigger_id") if isinstance(payload.get("trigger_id"), str) else None,
            response_url=payload.get("response_url") if isinstance(payload.get("response_url"), str) else None,
        )

    @property
    def rest(self) -> str:
        """Everything after the subcommand, as typed (for free text such as ``/support scan …``)."""
        parts = self.text.split(None, 1)
        return parts[1] if len(parts) > 1 else ""


def split_args(text: str) -> list[str]:
    """Split like a shell, but never fail on unbalanced quotes (people type them in chat)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


CommandHandler = Callable[[CommandRequest], RenderedMessage | None]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: CommandHandler
    role: Role
    aliases: tuple[str, ...] = ()


class CommandRouter:
    """The subcommands of ``/support``; each feature adds its own."""

    def __init__(self) -> None:
        self._specs: dict[str, CommandSpec] = {}
        self._order: list[str] = []

    def add(self, name: str, handler: CommandHandler, *, role: Role, aliases: Sequence[str] = ()) -> None:
        spec = CommandSpec(name, handler, role, tuple(aliases))
        for key in (name, *aliases):
            if key in self._specs:
                raise ValueError(f"/support {key} is registered twice")
            self._specs[key] = spec
        self._order.append(name)

    def get(self, name: str) -> CommandSpec | None:
        return self._specs.get(name)

    def specs(self) -> list[CommandSpec]:
        return [self._specs[name] for name in self._order]
