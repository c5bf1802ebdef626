from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from supportbot.store import outbox
from supportbot.store.db import Store
from supportbot.store.tables import OutboxAction
from tests.fakes import FakeClock

LEASE = timedelta(seconds=60)


def _claim(store: Store, clock: FakeClock, instance: str = "w1", limit: int = 10) -> list[outbox.ClaimedAction]:
    with store.session() as session:
        return outbox.claim_ready(session, instance=instance, now=clock.now(), lease=LEASE, limit=limit)


def _status(store: Store, action_id: int) -> str:
    with store.session() as session:
        action = session.get(OutboxAction, action_id)
        assert action is not None
        return action.status


def test_enqueued_action_is_claimed_once_and_completed(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "chat.delete", {"channel": "C1", "ts": "1.2"}, now=clock.now())
    assert action.id is not None
    claimed = _claim(store, clock)
    assert [(item.id, item.kind, item.payload, item.attempts) for item in claimed] == [
        (action.id, "chat.delete", {"channel": "C1", "ts": "1.2"}, 1)
    ]
    assert _claim(store, clock, instance="w2") == []
    with store.session() as session:
        assert outbox.complete(
            session, action.id, instance="w1", outcome="succeeded", now=clock.now(), result={"ok": True}
        )
    assert _status(store, action.id) == "done"
    with store.session() as session:
        stored = session.get(OutboxAction, action.id)
        assert stored is not None
        assert stored.payload == "{}", "the payload is cleared once the action is done"
        assert json.loads(stored.result or "") == {"ok": True}


def test_delayed_action_waits_for_its_time(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        outbox.enqueue(session, "recheck", {}, now=clock.now(), delay=timedelta(minutes=5))
        assert outbox.next_due(session) == clock.now() + timedelta(minutes=5)
    assert _claim(store, clock) == []
    clock.advance(299)
    assert _claim(store, clock) == []
    clock.advance(1)
    assert len(_claim(store, clock)) == 1


def test_chain_runs_the_branch_matching_the_outcome(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        delete = outbox.enqueue(session, "delete", {}, now=clock.now())
        repost = outbox.enqueue(session, "repost", {}, now=clock.now(), after=delete, run_if="succeeded")
        alert = outbox.enqueue(session, "alert", {}, now=clock.now(), after=delete, run_if="failed")
        after_repost = outbox.enqueue(session, "note", {}, now=clock.now(), after=repost, run_if="succeeded")
        warn = outbox.enqueue(session, "warn", {}, now=clock.now(), after=delete, run_if="always")
    ids = {
        name: action.id
        for name, action in {
            "delete": delete,
            "repost": repost,
            "alert": alert,
            "note": after_repost,
            "warn": warn,
        }.items()
    }
    assert [item.kind for item in _claim(store, clock)] == ["delete"], "dependents wait for their predecessor"
    with store.session() as session:
        assert ids["delete"] is not None
        outbox.complete(
            session, ids["delete"], instance="w1", outcome="failed", now=clock.now(), error="cant_delete_message"
        )
    statuses = {name: _status(store, action_id) for name, action_id in ids.items() if action_id is not None}
    assert statuses == {
        "delete": "failed",
        "repost": "cancelled",
        "alert": "pending",
        "note": "cancelled",
        "warn": "pending",
    }
    assert sorted(item.kind for item in _claim(store, clock)) == ["alert", "warn"]


def test_predecessor_result_is_handed_to_the_next_action(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        first = outbox.enqueue(session, "post", {}, now=clock.now())
        outbox.enqueue(session, "update", {}, now=clock.now(), after=first)
    (claimed,) = _claim(store, clock)
    with store.session() as session:
        outbox.complete(
            session, claimed.id, instance="w1", outcome="succeeded", now=clock.now(), result={"ts": "111.222"}
        )
    (second,) = _claim(store, clock)
    assert second.predecessor_result == {"ts": "111.222"}


def test_enqueue_after_a_finished_action_decides_at_once(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        first = outbox.enqueue(session, "a", {}, now=clock.now())
    (claimed,) = _claim(store, clock)
    with store.session() as session:
        outbox.complete(session, claimed.id, instance="w1", outcome="succeeded", now=clock.now())
        ok = outbox.enqueue(session, "b", {}, now=clock.now(), after=first, run_if="succeeded")
        no = outbox.enqueue(session, "c", {}, now=clock.now(), after=first, run_if="failed")
    assert (ok.status, no.status) == ("pending", "cancelled")


def test_reschedule_then_give_up_after_max_attempts(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "post", {}, now=clock.now(), max_attempts=2)
    assert action.id is not None
    _claim(store, clock)
    with store.session() as session:
        state = outbox.reschedule(
            session, action.id, instance="w1", now=clock.now(), delay=timedelta(seconds=30), error="ratelimited"
        )
    assert state == "rescheduled"
    assert _claim(store, clock) == [], "not before Retry-After has passed"
    clock.advance(30)
    (again,) = _claim(store, clock)
    assert again.attempts == 2
    with store.session() as session:
        state = outbox.reschedule(
            session, action.id, instance="w1", now=clock.now(), delay=timedelta(seconds=30), error="http_500"
        )
    assert state == "gave_up"
    assert _status(store, action.id) == "dead", "given up: the dead-letter state, not an ordinary failure"


def test_expired_lease_is_claimed_by_another_worker_and_the_first_cannot_complete(
    store: Store, clock: FakeClock
) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "delete", {}, now=clock.now())
    assert action.id is not None
    _claim(store, clock, instance="crashed")
    clock.advance(61)
    (taken,) = _claim(store, clock, instance="survivor")
    assert taken.id == action.id and taken.attempts == 2
    with store.session() as session:
        assert not outbox.complete(session, action.id, instance="crashed", outcome="succeeded", now=clock.now())
        assert outbox.complete(session, action.id, instance="survivor", outcome="succeeded", now=clock.now())


def test_release_claims_on_shutdown_returns_work_without_counting_the_attempt(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        outbox.enqueue(session, "a", {}, now=clock.now())
        outbox.enqueue(session, "b", {}, now=clock.now())
    assert len(_claim(store, clock, instance="stopping")) == 2
    with store.session() as session:
        assert outbox.release_claims(session, instance="stopping", now=clock.now()) == 2
    again = _claim(store, clock, instance="next")
    assert [item.attempts for item in again] == [1, 1]


def test_dedupe_key_rejects_a_second_copy(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        outbox.enqueue(session, "a", {}, now=clock.now(), dedupe_key="Ev1:delete")
    with pytest.raises(IntegrityError), store.session() as session:
        outbox.enqueue(session, "a", {}, now=clock.now(), dedupe_key="Ev1:delete")


def test_cancel_group_stops_pending_actions_of_a_kind(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        recheck = outbox.enqueue(
            session, "recheck", {}, now=clock.now(), group_key="leak:1", delay=timedelta(minutes=5)
        )
        other = outbox.enqueue(session, "alert", {}, now=clock.now(), group_key="leak:1")
        assert outbox.cancel_group(session, "leak:1", kinds=["recheck"], now=clock.now()) == 1
    assert recheck.id is not None and other.id is not None
    assert (_status(store, recheck.id), _status(store, other.id)) == ("cancelled", "pending")
    with store.session() as session:
        assert outbox.counts_by_status(session) == {"cancelled": 1, "pending": 1}


def test_concurrent_workers_never_claim_the_same_action(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        for index in range(40):
            outbox.enqueue(session, "a", {"n": index}, now=clock.now())
    seen: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            claimed = _claim(store, clock, instance=name, limit=3)
            if not claimed:
                return
            with lock:
                seen.extend(item.id for item in claimed)

    threads = [threading.Thread(target=worker, args=(f"w{index}",)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == sorted(set(seen))
    assert len(seen) == 40


def test_concurrent_single_claims_leave_no_orphaned_claim(store: Store, clock: FakeClock) -> None:
    """Every row marked claimed was handed to some caller (PostgreSQL can over-claim with IN + LIMIT)."""
    with store.session() as session:
        for index in range(60):
            outbox.enqueue(session, "a", {"n": index}, now=clock.now(), priority=index % 3)
    handed: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            claimed = _claim(store, clock, instance=name, limit=1)
            if not claimed:
                return
            assert len(claimed) == 1
            with lock:
                handed.append(claimed[0].id)

    threads = [threading.Thread(target=worker, args=(f"w{index}",)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.session() as session:
        claimed_rows = session.exec(select(OutboxAction).where(OutboxAction.status == "claimed")).all()
    assert sorted(row.id for row in claimed_rows if row.id is not None) == sorted(handed)
    assert len(handed) == 60


def test_action_written_claimed_belongs_to_its_writer_until_the_lease_runs_out(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "leak.delete", {"ts": "1.2"}, now=clock.now(), claimed_by="w1", lease=LEASE)
        follow = outbox.enqueue(session, "leak.repost", {"ts": "1.2"}, now=clock.now(), after=action)
    assert (action.status, follow.status) == ("claimed", "waiting")
    assert _claim(store, clock, instance="w2") == [], "another worker must not take it while the lease holds"
    with store.session() as session:
        assert outbox.complete(session, action.id, instance="w1", outcome="succeeded", now=clock.now())
    assert [item.kind for item in _claim(store, clock, instance="w2")] == ["leak.repost"]


def test_action_written_claimed_is_taken_over_when_its_writer_died(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "leak.delete", {"ts": "1.2"}, now=clock.now(), claimed_by="w1", lease=LEASE)
    clock.advance(61)
    claimed = _claim(store, clock, instance="w2")
    assert [(item.id, item.attempts) for item in claimed] == [(action.id, 2)], "the first attempt counts"


@pytest.mark.parametrize(
    "extra",
    [{"lease": None}, {"lease": LEASE, "delay": timedelta(seconds=5)}, {"lease": LEASE, "after": 1}],
)
def test_action_written_claimed_needs_a_lease_and_cannot_wait(store: Store, clock: FakeClock, extra: dict) -> None:
    with store.session() as session, pytest.raises(ValueError, match="claimed"):
        outbox.enqueue(session, "leak.delete", {}, now=clock.now(), claimed_by="w1", **extra)
