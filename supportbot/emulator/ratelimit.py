"""Token-bucket rate limits like Slack's: on by default in the emulator (``slack_defaults``).

Slack publishes a tier per Web API method, applied per method per workspace per app: Tier 2 is
20+ calls a minute, Tier 3 50+, Tier 4 100+, each with some burst allowed; chat.postMessage is
special, about one message a second per channel with short bursts. The emulator answers 429 with
``Retry-After`` (whole seconds) once a bucket is empty. Tests about something else may switch the
limits off (``emulator.rate_limits.disable()``).
"""

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


# (calls per minute, burst) per tier; Slack's published floors, bursts of a fifth of a minute's worth.
TIER_2 = (20, 4)
TIER_3 = (50, 10)
TIER_4 = (100, 20)
SLACK_TIERS: dict[str, tuple[int, int]] = {
    "chat.postEphemeral": TIER_4,
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "chat.getPermalink": TIER_4,
    "files.info": TIER_4,
    "files.delete": TIER_3,
    "reactions.add": TIER_3,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "conversations.info": TIER_3,
    "conversations.members": TIER_4,
    "conversations.open": TIER_3,
    "conversations.list": TIER_2,
    "users.info": TIER_4,
    "users.list": TIER_2,
    "usergroups.list": TIER_2,
    "usergroups.users.list": TIER_2,
    "team.info": TIER_3,
    "bots.info": TIER_3,
    "views.open": TIER_4,
    "views.push": TIER_4,
    "views.update": TIER_4,
    "views.publish": TIER_4,
}
POST_PER_SECOND = 1.0
POST_BURST = 3


class RateLimiter:
    """Off until ``enable`` (one method) or ``slack_defaults`` (Slack's published limits) is called."""

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

    def slack_defaults(self) -> RateLimiter:
        """Slack's published per-method limits: per workspace, and per channel for chat.postMessage."""
        for method, (per_minute, burst) in SLACK_TIERS.items():
            self.enable(method, per_second=per_minute / 60.0, burst=burst, per_channel=False)
        self.enable("chat.postMessage", per_second=POST_PER_SECOND, burst=POST_BURST, per_channel=True)
        return self

    def enabled(self) -> set[str]:
        with self._lock:
            return set(self._rules)

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
