"""In-process notifications and requests between features.

* ``emit(name, session, payload)``: a feature announces something (a checklist ended unresolved, a
  ticket was filed, a key leaked again) inside its transaction; listeners (the FAQ-gap feature, for
  one) act in the same transaction, so the note and its effects commit or roll back together.
* ``request(name, payload)``: a feature asks another to do something now, outside any transaction
  (the checklist's "File a ticket" button asks the tickets feature to open its modal within
  Slack's 3-second trigger window). Returns False when no feature answers, so the caller can say so.

Neither side imports the other; with no listener an emit does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

Listener = Callable[[Session, Any], None]
Responder = Callable[[Any], None]


class Hooks:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        self._responders: dict[str, Responder] = {}

    def on(self, name: str, listener: Listener) -> None:
        self._listeners.setdefault(name, []).append(listener)

    def emit(self, name: str, session: Session, payload: Any) -> None:
        for listener in self._listeners.get(name, ()):
            listener(session, payload)

    def answer(self, name: str, responder: Responder) -> None:
        if name in self._responders:
            raise ValueError(f"hook request {name!r} already has a responder")
        self._responders[name] = responder

    def request(self, name: str, payload: Any) -> bool:
        responder = self._responders.get(name)
        if responder is None:
            return False
        responder(payload)
        return True
