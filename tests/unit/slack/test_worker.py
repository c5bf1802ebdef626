from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select

from supportbot.infra.clock import SystemClock
from supportbot.slack.errors import SlackApiError, SlackRateLimited, SlackUnavailable
from supportbot.slack.metrics import Metrics
from supportbot.slack.worker import Done, Failed, FollowUp, OutboxWorker, backoff
from supportbot.store import outbox
from supportbot.store.db import Store
from supportbot.store.outbox import ClaimedAction
from supportbot.store.tables import OutboxAction
from tests.fakes import FakeClock


def _worker(store: Store, clock: FakeClock | SystemClock, instance: str = "w1") -> OutboxWorker:
    return OutboxWorker(store, clock=clock, instance=instance, metrics=Metrics(), threads=2, poll_interval=0.05)


def _enqueue(store: Store, clock: FakeClock | SystemClock, kind: str, **kwargs: object) -> int:
    with store.session() as session:
        action = outbox.enqueue(session, kind, {}, now=clock.now(), **kwargs)  # type: ignore[arg-type]
    assert action.id is not None
    return action.id


def _row(store: Store, action_id: int) -> OutboxAction:
    with store.session() as session:
        row = session.get(OutboxAction, action_id)
        assert row is not None
        return row


def test_rate_limited_action_waits_for_retry_after(sqlite_store: Store, clock: FakeClock) -> None:
    calls: list[float] = []

    def handler(action: ClaimedAction) -> Done:
        calls.append(clock.monotonic())
        if len(calls) == 1:
            raise SlackRateLimited("chat.delete", 7)
        return Done(result={"ok": True})

    worker = _worker(sqlite_store, clock)
    worker.register("delete", handler)
    action_id = _enqueue(sqlite_store, clock, "delete")
    assert worker.run_once() == 1
    assert _row(sqlite_store, action_id).status == "pending"
    clock.advance(6.9)
    assert worker.run_once() == 0, "not before Retry-After"
    clock.advance(1.2)  # Retry-After plus at most a second of jitter
    assert worker.run_once() == 1
    assert _row(sqlite_store, action_id).status == "done"
    assert calls[1] - calls[0] >= 7
    assert _row(sqlite_store, action_id).attempts == 1, "waiting for a rate limit is not an attempt"


def test_permanent_api_error_fails_and_runs_the_failure_branch(sqlite_store: Store, clock: FakeClock) -> None:
    ran: list[str] = []

    def delete(action: ClaimedAction) -> Done:
        raise SlackApiError("chat.delete", "cant_delete_message")

    def record(name: str) -> Callable[[ClaimedAction], Done]:
        def handler(action: ClaimedAction) -> Done:
            ran.append(name)
            return Done()

        return handler

    worker = _worker(sqlite_store, clock)
    worker.register("delete", delete)
    worker.register("repost", record("repost"))
    worker.register("alert", record("alert"))
    with sqlite_store.session() as session:
        first = outbox.enqueue(session, "delete", {}, now=clock.now())
        outbox.enqueue(session, "repost", {}, now=clock.now(), after=first, run_if="succeeded")
        outbox.enqueue(session, "alert", {}, now=clock.now(), after=first, run_if="failed")
    worker.run_once()
    assert ran == ["alert"]
    assert first.id is not None
    assert _row(sqlite_store, first.id).last_error == "cant_delete_message"


def test_transient_errors_back_off_and_unexpected_exceptions_do_not_kill_the_worker(
    sqlite_store: Store, clock: FakeClock
) -> None:
    attempts: list[int] = []

    def flaky(action: ClaimedAction) -> Done:
        attempts.append(action.attempts)
        if action.attempts == 1:
            raise SlackUnavailable("chat.postMessage", "timeout")
        if action.attempts == 2:
            raise RuntimeError("bug")
        return Done()

    worker = _worker(sqlite_store, clock)
    worker.register("post", flaky)
    action_id = _enqueue(sqlite_store, clock, "post")
    for _ in range(3):
        worker.run_once()
        clock.advance(600)
    assert attempts == [1, 2, 3]
    assert _row(sqlite_store, action_id).status == "done"


def test_done_applies_side_effects_and_enqueues_follow_ups_atomically(sqlite_store: Store, clock: FakeClock) -> None:
    def first(action: ClaimedAction) -> Done:
        def apply(session: Session) -> None:
            outbox.enqueue(session, "marker", {"from": action.id}, now=clock.now(), delay=timedelta(hours=1))

        return Done(
            result={"ts": "1.1"}, apply=apply, follow_ups=[FollowUp("recheck", {"n": 1}, delay=timedelta(minutes=5))]
        )

    worker = _worker(sqlite_store, clock)
    worker.register("first", first)
    _enqueue(sqlite_store, clock, "first")
    worker.run_once()
    with sqlite_store.session() as session:
        kinds = sorted(row.kind for row in session.exec(select(OutboxAction)).all())
    assert kinds == ["first", "marker", "recheck"]


def test_unknown_kind_fails_rather_than_looping(sqlite_store: Store, clock: FakeClock) -> None:
    worker = _worker(sqlite_store, clock)
    action_id = _enqueue(sqlite_store, clock, "mystery")
    worker.run_once()
    assert _row(sqlite_store, action_id).status == "failed"


def test_background_worker_is_woken_at_once_and_stop_keeps_pending_work(sqlite_store: Store) -> None:
    clock = SystemClock()
    started = threading.Event()
    release = threading.Event()

    def slow(action: ClaimedAction) -> Done:
        started.set()
        release.wait(5)
        return Done()

    worker = OutboxWorker(sqlite_store, clock=clock, instance="bg", metrics=Metrics(), threads=1, poll_interval=5)
    worker.register("slow", slow)
    worker.register("later", lambda action: Failed(error="never runs"))
    worker.start()
    try:
        time.sleep(0.1)
        begin = time.monotonic()
        _enqueue(sqlite_store, clock, "slow")
        worker.wake()
        assert started.wait(2), "woken without waiting for the 5 s poll"
        assert time.monotonic() - begin < 1.0
        later = _enqueue(sqlite_store, clock, "later", delay=timedelta(hours=1))
        release.set()
    finally:
        worker.stop()
    assert _row(sqlite_store, later).status == "pending", "pending work survives a stop"


def test_backoff_grows_and_is_capped() -> None:
    assert 0.5 <= backoff(0) <= 1
    assert 150 <= backoff(9) <= 300
    assert backoff(50) <= 300


def test_handed_over_action_runs_without_being_claimed_again(sqlite_store: Store, clock: FakeClock) -> None:
    seen: list[tuple[int, int]] = []

    def handler(action: ClaimedAction) -> Done:
        seen.append((action.id, action.attempts))
        return Done(result={"deleted": True})

    worker = _worker(sqlite_store, clock)
    worker.register("delete", handler)
    with sqlite_store.session() as session:
        written = outbox.enqueue(session, "delete", {}, now=clock.now(), claimed_by="w1", lease=worker.lease)
    assert worker.run_once() == 0, "a claimed action is not ready for the table's claim"
    worker.hand_over(ClaimedAction(written.id, "delete", {}, 1, 8, None, None, priority=outbox.URGENT))
    assert worker.run_once() == 1
    assert seen == [(written.id, 1)]
    assert _row(sqlite_store, written.id).status == "done"


def test_stopping_hands_back_an_action_handed_over_but_not_run(sqlite_store: Store, clock: FakeClock) -> None:
    worker = _worker(sqlite_store, clock)
    worker.register("delete", lambda action: Done())
    with sqlite_store.session() as session:
        written = outbox.enqueue(session, "delete", {}, now=clock.now(), claimed_by="w1", lease=worker.lease)
    worker.hand_over(ClaimedAction(written.id, "delete", {}, 1, 8, None, None))
    worker.stop()
    assert _row(sqlite_store, written.id).status == "pending", "released for any worker to take"
    other = _worker(sqlite_store, clock, instance="w2")
    other.register("delete", lambda action: Done())
    assert other.run_once() == 1
