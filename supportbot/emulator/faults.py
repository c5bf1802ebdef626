"""Faults injected per method: rate limits, server errors, API errors and slow answers."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class Fault:
    method: str
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    remaining: int | None = None  # None: until cleared

    @property
    def changes_answer(self) -> bool:
        """False for a pure delay: the call is then answered normally, only late."""
        return self.status != 200 or self.error is not None

    def describe(self) -> str:
        parts = [f"status={self.status}"] if self.status != 200 else []
        if self.error:
            parts.append(f"error={self.error}")
        if self.delay:
            parts.append(f"delay={self.delay}")
        return " ".join(parts) or "none"


class FaultInjector:
    """``inject("chat.delete", status=429, retry_after=1, times=1)``; ``"*"`` matches every method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def inject(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int | None = None,
    ) -> Fault:
        if status is None:
            status = 429 if retry_after is not None else 200
        if status == 429 and retry_after is None:
            retry_after = 1
        if status == 200 and error is None and not delay:
            raise ValueError("a fault needs a status other than 200, an error or a delay")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        fault = Fault(method, status, error, retry_after, delay, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self, method: str | None = None) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if method is not None and f.method != method]

    def take(self, method: str) -> Fault | None:
        """The fault to apply to this call of ``method``, counting it against ``times``."""
        with self._lock:
            for fault in self._faults:
                if fault.method in (method, "*"):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
            return None

    @property
    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)
