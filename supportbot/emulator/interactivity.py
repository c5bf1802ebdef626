"""Short-lived handles Slack gives an app with each interaction: trigger ids and response URLs."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

TRIGGER_LIFETIME: Final = 3.0
RESPONSE_URL_USES: Final = 5
RESPONSE_URL_LIFETIME: Final = 30 * 60.0


@dataclass
class Trigger:
    id: str
    user_id: str
    issued: float
    used: bool = False


class TriggerRegistry:
    """Trigger ids the driver handed out; each opens one view within three seconds."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._triggers: dict[str, Trigger] = {}

    def issue(self, user_id: str) -> str:
        now = self.clock()
        trigger_id = f"{int(now * 1000)}.{secrets.randbelow(10**10):010d}.{secrets.token_hex(16)}"
        with self._lock:
            self._triggers[trigger_id] = Trigger(trigger_id, user_id, now)
        return trigger_id

    def exchange(self, trigger_id: str) -> tuple[str | None, str | None]:
        """(user id, None) when usable, else (None, Slack's error name); a usable trigger is spent."""
        with self._lock:
            trigger = self._triggers.get(trigger_id)
            if trigger is None:
                return None, "invalid_trigger_id"
            if trigger.used:
                return None, "exchanged_trigger_id"
            if self.clock() - trigger.issued > TRIGGER_LIFETIME:
                return None, "expired_trigger_id"
            trigger.used = True
            return trigger.user_id, None


@dataclass
class ResponseTarget:
    """Where an interaction's response_url writes: the conversation, who acted, and the source message."""

    id: str
    channel: str | None
    user_id: str
    message_ts: str | None
    ephemeral: bool
    thread_ts: str | None
    issued: float
    uses: int = 0


class ResponseUrlRegistry:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._targets: dict[str, ResponseTarget] = {}

    def issue(
        self,
        *,
        channel: str | None,
        user_id: str,
        message_ts: str | None = None,
        ephemeral: bool = False,
        thread_ts: str | None = None,
    ) -> ResponseTarget:
        target = ResponseTarget(
            secrets.token_urlsafe(12), channel, user_id, message_ts, ephemeral, thread_ts, self.clock()
        )
        with self._lock:
            self._targets[target.id] = target
        return target

    def use(self, target_id: str) -> tuple[ResponseTarget | None, str | None]:
        """Spend one use; (target, None) or (None, ``used_url`` / ``expired_url`` / ``invalid_url``)."""
        with self._lock:
            target = self._targets.get(target_id)
            if target is None:
                return None, "invalid_url"
            if self.clock() - target.issued > RESPONSE_URL_LIFETIME:
                return None, "expired_url"
            if target.uses >= RESPONSE_URL_USES:
                return None, "used_url"
            target.uses += 1
            return target, None
