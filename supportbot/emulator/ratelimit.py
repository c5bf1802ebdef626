"""Optional token-bucket rate limits, e.g. chat.postMessage at about one message a second per channel."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Rule:
    per_second: float
    burst: int
    per_channel: bool


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Off until ``enable`` is called for a method."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rules: dict[str, _Rule] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def enable(self, method: str, *, per_second: float = 1.0, burst: int = 3, per_channel: bool = True) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("per_second must be positive and burst at least 1")
        with self._lock:
            self._rules[method] = _Rule(per_second, burst, per_channel)

    def disable(self, method: str | None = None) -> None:
        with self._lock:
            if method is None:
                self._rules.clear()
                self._buckets.clear()
            else:
                self._rules.pop(method, None)
                self._buckets = {k: v for k, v in self._buckets.items() if k[0] != method}

    def check(self, method: str, channel: str | None) -> int | None:
        """Take one token; the whole seconds to wait (``Retry-After``) when none is left."""
        with self._lock:
            rule = self._rules.get(method)
            if rule is None:
                return None
            key = (method, (channel or "") if rule.per_channel else "")
            now = self._clock()
            bucket = self._buckets.setdefault(key, _Bucket(float(rule.burst), now))
            bucket.tokens = min(float(rule.burst), bucket.tokens + (now - bucket.updated) * rule.per_second)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / rule.per_second))
