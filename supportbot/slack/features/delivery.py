"""Delivery upkeep: dead-letter alerts, lost claims past their budget, and retention.

An outbox action that gives up (attempts or time budget spent, see ``worker``) is kept as
``dead`` and announced in the agents' channel by an ``outbox.dead_letter`` action written in the
same transaction, so giving up is never silent. Periodically, on every replica: claims whose
process died with nothing left to spend are made dead too, and handled events and finished
actions older than their retention are deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App
from sqlmodel import Session

from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import DeadAction, Done, Failed, Outcome
from supportbot.store import events as event_store
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction

_log = logging.getLogger(__name__)
DEAD_LETTER = "outbox.dead_letter"
# Dead actions are kept longer than finished ones: someone may still look into them.
DEAD_RETENTION_FACTOR = 4


@dataclass(frozen=True)
class DeadLetter:
    """The ``outbox.dead_letter`` payload: which action died, after how many attempts, with what error code."""

    action: int
    kind: str
    attempts: int
    error: str | None

    def to_payload(self) -> dict[str, Any]:
        return {"action": self.action, "kind": self.kind, "attempts": self.attempts, "error": self.error}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> DeadLetter:
        return cls(
            action=int(payload.get("action") or 0),
            kind=str(payload.get("kind") or "?"),
            attempts=int(payload.get("attempts") or 0),
            error=str(payload.get("error") or "?"),
        )


def register(app: App, runtime: Runtime) -> None:
    del app  # no Slack listeners: outbox and scheduler only
    upkeep = Upkeep(runtime)
    runtime.worker.register(DEAD_LETTER, upkeep.do_dead_letter)
    runtime.worker.on_dead = upkeep.announce
    runtime.scheduler.add("delivery.bury_lost", upkeep.bury_lost)
    runtime.scheduler.add("delivery.retention", upkeep.prune)


class Upkeep:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def announce(self, session: Session, dead: DeadAction) -> None:
        """Queue the alert for a dead action, in the transaction that buried it."""
        if dead.kind == DEAD_LETTER:
            return  # an alert about an alert that failed would fail the same way
        payload = DeadLetter(action=dead.id, kind=dead.kind, attempts=dead.attempts, error=dead.error).to_payload()
        outbox.enqueue(session, DEAD_LETTER, payload, now=self.runtime.clock.now(), priority=outbox.URGENT + 1)

    def do_dead_letter(self, action: ClaimedAction) -> Outcome:
        channel = self.runtime.settings.agent_channel
        if not channel:
            _log.error("outbox action %s is dead and SUPPORTBOT_AGENT_CHANNEL is not set: no alert", action.payload)
            return Failed(error="no_agent_channel")
        dead = DeadLetter.from_payload(action.payload)
        text = self.runtime.renderer.text(
            "delivery/dead_letter",
            self.runtime.settings.default_language,
            kind=dead.kind,
            action=dead.action,
            attempts=dead.attempts,
            error=dead.error,
        )
        data = self.runtime.port.call("chat.postMessage", channel=channel, text=text, unfurl_links=False)
        return Done(result={"ts": str(data.get("ts") or "")})

    def bury_lost(self, now: datetime) -> None:
        del now  # the worker reads both of its clocks itself
        self.runtime.worker.bury_lost()

    def prune(self, now: datetime) -> None:
        settings = self.runtime.settings
        outbox_age = timedelta(days=settings.outbox_retention_days)
        with self.runtime.store.session() as session:
            events = event_store.prune_events(session, older_than=now - timedelta(days=settings.event_retention_days))
            actions = outbox.prune_finished(
                session, older_than=now - outbox_age, dead_older_than=now - outbox_age * DEAD_RETENTION_FACTOR
            )
        if events or actions:
            _log.info("retention: removed %d handled event(s) and %d finished outbox action(s)", events, actions)
