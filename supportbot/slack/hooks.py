"""In-process notifications and requests between features, each named by a typed hook.

* ``emit(hook, session, payload)``: a feature announces something (a checklist ended unresolved, a
  ticket was filed, a key leaked again) inside its transaction; listeners (the FAQ-gap feature, for
  one) act in the same transaction, so the note and its effects commit or roll back together.
* ``request(hook, payload)``: a feature asks another to do something now, outside any transaction
  (the checklist's "File a ticket" button asks the tickets feature to open its modal within
  Slack's 3-second trigger window). Returns False when no feature answers, so the caller can say so.

Neither side imports the other: both name a hook declared here, whose type says what its payload is
(:data:`GAP_SIGNAL` carries a :class:`GapSignal`, and so on). With no listener an emit does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlmodel import Session

from supportbot.gaps.grouping import GapSignal
from supportbot.revoke import LeakToRevoke
from supportbot.tickets.model import OPEN_TICKET_MODAL, TicketModalRequest

T = TypeVar("T")


class Hook(str, Generic[T]):
    """The name of an announcement whose payload is a ``T`` (a ``str``, so a plain name still finds it)."""

    __slots__ = ()


class Request(str, Generic[T]):
    """The name of a request whose payload is a ``T``, answered by one feature."""

    __slots__ = ()


#: A reason the FAQ fell short (the FAQ-gap feature records it).
GAP_SIGNAL: Hook[GapSignal] = Hook("gap_signal")
#: A leak holds API keys that may be disabled at their source (the revoke feature acts on it).
LEAK_REVOCABLE: Hook[LeakToRevoke] = Hook("leak_revocable")
#: Open the ticket modal now, within the trigger's 3 seconds (the tickets feature answers).
OPEN_TICKET_FORM: Request[TicketModalRequest] = Request(OPEN_TICKET_MODAL)

Listener = Callable[[Session, Any], None]
Responder = Callable[[Any], None]


class Hooks:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        self._responders: dict[str, Responder] = {}

    def on(self, hook: Hook[T], listener: Callable[[Session, T], None]) -> None:
        self._listeners.setdefault(hook, []).append(listener)

    def emit(self, hook: Hook[T], session: Session, payload: T) -> None:
        for listener in self._listeners.get(hook, ()):
            listener(session, payload)

    def answer(self, request: Request[T], responder: Callable[[T], None]) -> None:
        if request in self._responders:
            raise ValueError(f"hook request {request!r} already has a responder")
        self._responders[request] = responder

    def request(self, request: Request[T], payload: T) -> bool:
        responder = self._responders.get(request)
        if responder is None:
            return False
        responder(payload)
        return True
