"""In-process notifications between features, inside the caller's transaction.

A feature announces something (a checklist ended unresolved, a ticket was filed, a key leaked
again) without knowing who listens; the FAQ-gap feature, for one, turns such notes into gap
signals. Listeners run synchronously in the emitter's transaction, so the note and its effects
commit or roll back together. With no listener, an emit does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

Listener = Callable[[Session, Any], None]


class Hooks:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}

    def on(self, name: str, listener: Listener) -> None:
        self._listeners.setdefault(name, []).append(listener)

    def emit(self, name: str, session: Session, payload: Any) -> None:
        for listener in self._listeners.get(name, ()):
            listener(session, payload)
