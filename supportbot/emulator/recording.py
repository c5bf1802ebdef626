"""Every request the emulator answered, kept for tests to inspect and to wait on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from supportbot.emulator.model import JSONDict


@dataclass(frozen=True)
class Call:
    """One answered request: a Web API method, a ``response_url`` post or a file download.

    ``raw`` is the request body and query string exactly as received, so tests can search it for
    planted secrets; ``params`` is what the emulator parsed from them.
    """

    seq: int
    method: str
    status: int
    params: JSONDict
    raw: str
    token_kind: str
    acting_user: str | None
    ok: bool
    error: str | None
    response: JSONDict
    wall: float
    monotonic: float
    duration: float
    fault: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class CallLog:
    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._changed = threading.Condition()

    def add(self, **fields: Any) -> Call:
        with self._changed:
            call = Call(seq=len(self._calls) + 1, **fields)
            self._calls.append(call)
            self._changed.notify_all()
            return call

    @property
    def calls(self) -> list[Call]:
        with self._changed:
            return list(self._calls)

    def calls_for(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def clear(self) -> None:
        with self._changed:
            self._calls.clear()

    def last_change(self) -> float:
        """Monotonic time of the latest call (0.0 when none)."""
        with self._changed:
            return self._calls[-1].monotonic if self._calls else 0.0

    def wait_for_call(
        self,
        method: str,
        *,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
        since: int = 0,
    ) -> Call:
        """The first call of ``method`` (after sequence number ``since``) matching ``predicate``."""

        def match() -> Call | None:
            for call in self._calls:
                if call.seq > since and call.method == method and (predicate is None or predicate(call)):
                    return call
            return None

        deadline = time.monotonic() + timeout
        with self._changed:
            while (found := match()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(f"{c.method}:{c.error or 'ok'}" for c in self._calls[-10:]) or "none"
                    raise TimeoutError(f"no {method} call within {timeout:.1f}s (last calls: {seen})")
                self._changed.wait(remaining)
            return found

    def wait_until(self, predicate: Callable[[], bool], *, timeout: float = 5.0) -> None:
        """Block until ``predicate()`` holds, re-checking on every call and at least every 50 ms."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout:.1f}s")
                self._changed.wait(min(remaining, 0.05))

    def recorded_text(self) -> str:
        """All raw request bodies and query strings, one per line, for secret-leak assertions."""
        return "\n".join(c.raw for c in self.calls)
