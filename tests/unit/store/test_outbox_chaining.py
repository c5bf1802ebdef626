"""Chaining an action after one that is finishing at that very moment (the two transactions overlap)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from supportbot.store import outbox
from supportbot.store.db import Store
from supportbot.store.tables import OutboxAction
from tests.fakes import FakeClock


def test_chaining_after_an_action_being_completed_is_released_not_stranded(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    with store.session() as session:
        first = outbox.enqueue(session, "card.post", {}, now=now)
    with store.session() as session:
        (claimed,) = outbox.claim_ready(session, instance="w1", now=now, lease=timedelta(seconds=60), limit=1)
    chained: list[int] = []

    def chain() -> None:
        with store.session() as session:
            chained.append(outbox.enqueue(session, "card.update", {}, now=now, after=first.id).id or 0)

    with store.session() as completing:
        assert outbox.complete(completing, claimed.id, instance="w1", outcome="succeeded", now=now)
        thread = threading.Thread(target=chain)
        thread.start()
        time.sleep(0.3)  # the other transaction now reads the predecessor while this one is uncommitted
    thread.join(10)
    assert chained, "the chaining transaction finished"
    with store.session() as session:
        dependent = session.get(OutboxAction, chained[0])
    assert dependent is not None and dependent.status == "pending"
