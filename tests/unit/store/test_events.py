from __future__ import annotations

import threading
from datetime import timedelta

from supportbot.store import events
from supportbot.store.db import Store
from tests.fakes import FakeClock

STALE = timedelta(seconds=60)


def _claim(store: Store, clock: FakeClock, event_id: str, instance: str = "a") -> bool:
    with store.session() as session:
        return events.claim(session, event_id, instance=instance, now=clock.now(), stale_after=STALE) == "claimed"


def test_an_event_is_claimed_once(store: Store, clock: FakeClock) -> None:
    assert _claim(store, clock, "Ev1")
    assert not _claim(store, clock, "Ev1", instance="b")
    with store.session() as session:
        events.finish_event(session, "Ev1", now=clock.now())
    clock.advance(3600)
    assert not _claim(store, clock, "Ev1", instance="b"), "a finished event is never handled again"


def test_a_stale_claim_of_a_dead_process_is_taken_over(store: Store, clock: FakeClock) -> None:
    assert _claim(store, clock, "Ev2", instance="dead")
    clock.advance(30)
    assert not _claim(store, clock, "Ev2", instance="live"), "still fresh: the first instance may be working"
    clock.advance(31)
    assert _claim(store, clock, "Ev2", instance="live")
    assert not _claim(store, clock, "Ev2", instance="third")


def test_a_released_claim_can_be_retried(store: Store, clock: FakeClock) -> None:
    assert _claim(store, clock, "Ev3")
    with store.session() as session:
        events.release_event(session, "Ev3")
    assert _claim(store, clock, "Ev3")


def test_concurrent_claims_have_exactly_one_winner(store: Store, clock: FakeClock) -> None:
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker(index: int) -> None:
        barrier.wait()
        won = _claim(store, clock, "EvRace", instance=f"i{index}")
        with lock:
            results.append(won)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_prune_removes_only_old_finished_events(store: Store, clock: FakeClock) -> None:
    _claim(store, clock, "EvOld")
    with store.session() as session:
        events.finish_event(session, "EvOld", now=clock.now())
    _claim(store, clock, "EvOpen")
    clock.advance(2 * 86400)
    _claim(store, clock, "EvNew")
    with store.session() as session:
        events.finish_event(session, "EvNew", now=clock.now())
        removed = events.prune_events(session, older_than=clock.now() - timedelta(days=1))
    assert removed == 1
    assert _claim(store, clock, "EvOld"), "pruned rows are gone"
    assert not _claim(store, clock, "EvNew")


def test_a_delivery_finding_another_still_processing_is_told_so(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        assert events.claim(session, "Ev9", instance="a", now=clock.now(), stale_after=STALE) == "claimed"
        assert events.claim(session, "Ev9", instance="b", now=clock.now(), stale_after=STALE) == "processing"
        events.finish_event(session, "Ev9", now=clock.now())
        assert events.claim(session, "Ev9", instance="b", now=clock.now(), stale_after=STALE) == "done"
