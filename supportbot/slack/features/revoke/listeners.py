"""What the revoke feature listens to: a leak recorded (the ``leak_revocable`` hook) and offers running out."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from supportbot.revoke import LeakToRevoke, Revoker
from supportbot.slack.features.leaks.shared import update_card
from supportbot.slack.features.revoke.shared import OFFER_TTL, enqueue_order
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import revoke as revoke_store


class RevokeListeners:
    def __init__(self, runtime: Runtime, revokers: list[Revoker]) -> None:
        self.runtime = runtime
        self.revokers = revokers

    def on_leak(self, session: Session, leak: LeakToRevoke) -> None:
        """In the leak's own transaction: queue each key's revocation (auto) or keep an offer (ask)."""
        mode = self.runtime.settings.revoke_mode
        if mode == "off" or not self.revokers or not leak.keys:
            return
        now = self.runtime.clock.now()
        if mode == "ask":
            revoke_store.offer(session, leak.incident, leak.keys, now=now, expires=now + OFFER_TTL)
            revoke_store.record(session, leak.incident, "offered", now=now)
            return
        for key in leak.keys:
            enqueue_order(session, leak.incident, key, leak=leak, requested_by="auto", now=now)
        revoke_store.record(session, leak.incident, "pending", now=now, requested_by="auto")

    def expire_offers(self, now: datetime) -> None:
        with self.runtime.transaction() as session:
            for incident_id in revoke_store.expire_offers(session, now=now):
                found = session.get(leak_store.LeakIncident, incident_id)
                if found is not None and found.alert_ts:
                    update_card(session, incident_id, now=now)
