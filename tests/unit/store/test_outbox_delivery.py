"""The outbox's delivery rules: uncounted waits, time budgets, the dead state, leases, retention."""

from __future__ import annotations

from datetime import timedelta

from supportbot.store import outbox
from supportbot.store.db import Store
from supportbot.store.tables import OutboxAction
from tests.fakes import FakeClock

LEASE = timedelta(seconds=60)


def _claim(store: Store, clock: FakeClock, instance: str = "w1") -> list[outbox.ClaimedAction]:
    with store.session() as session:
        return outbox.claim_ready(session, instance=instance, now=clock.now(), lease=LEASE, limit=10)


def _row(store: Store, action_id: int) -> OutboxAction:
    with store.session() as session:
        row = session.get(OutboxAction, action_id)
        assert row is not None
        return row


def _reschedule(store: Store, clock: FakeClock, action_id: int, error: str, *, counted: bool = True) -> str:
    with store.session() as session:
        return outbox.reschedule(
            session,
            action_id,
            instance="w1",
            now=clock.now(),
            delay=timedelta(seconds=5),
            error=error,
            counted=counted,
        )


def test_a_rate_limit_wait_is_no_attempt_and_keeps_the_earlier_error(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "post", {}, now=clock.now(), max_attempts=2)
    _claim(store, clock)
    assert _reschedule(store, clock, action.id, "unavailable") == "rescheduled"
    for _ in range(5):
        clock.advance(5)
        (claimed,) = _claim(store, clock)
        assert claimed.attempts == 2
        assert claimed.outcome_unknown, "the first attempt got no answer: its post may have gone through"
        assert _reschedule(store, clock, action.id, "ratelimited", counted=False) == "rescheduled"
    row = _row(store, action.id)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "unavailable")


def test_transient_failures_give_up_when_the_time_budget_is_spent_and_the_failure_branch_runs(
    store: Store, clock: FakeClock
) -> None:
    with store.session() as session:
        first = outbox.enqueue(session, "repost", {}, now=clock.now(), budget=timedelta(minutes=10))
        alert = outbox.enqueue(session, "alert", {}, now=clock.now(), after=first, run_if="failed")
    _claim(store, clock)
    assert _reschedule(store, clock, first.id, "http_503") == "rescheduled"
    clock.advance(9 * 60 + 58)
    _claim(store, clock)
    with store.session() as session:
        state = outbox.reschedule(
            session, first.id, instance="w1", now=clock.now(), delay=timedelta(minutes=5), error="http_503"
        )
    assert state == "rescheduled"
    assert _row(store, first.id).not_before == clock.now() + timedelta(seconds=2), "one last try at the deadline"
    clock.advance(2)
    _claim(store, clock)
    assert _reschedule(store, clock, first.id, "http_503") == "gave_up"
    assert _row(store, first.id).status == "dead"
    assert _row(store, alert.id).status == "pending", "giving up counts as failed for what waits on it"


def test_a_lost_claim_with_nothing_left_to_spend_is_not_claimed_again_but_buried(
    store: Store, clock: FakeClock
) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "warn", {}, now=clock.now(), max_attempts=2)
        waiting = outbox.enqueue(session, "after", {}, now=clock.now(), after=action, run_if="always")
    _claim(store, clock, instance="crashed-1")
    clock.advance(61)
    (again,) = _claim(store, clock, instance="crashed-2")
    assert again.attempts == 2 and again.outcome_unknown
    clock.advance(61)
    assert _claim(store, clock, instance="w3") == [], "attempts spent: nobody may take it again"
    with store.session() as session:
        buried = outbox.bury_lost(session, now=clock.now())
    assert [(item.id, item.kind) for item in buried] == [(action.id, "warn")]
    assert _row(store, action.id).status == "dead"
    assert _row(store, waiting.id).status == "pending"


def test_renewing_a_lease_keeps_the_claim_and_checks_the_owner(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        action = outbox.enqueue(session, "slow", {}, now=clock.now())
    _claim(store, clock, instance="w1")
    clock.advance(50)
    with store.session() as session:
        assert outbox.renew_leases(session, [action.id], instance="w1", lease_until=clock.now() + LEASE) == {action.id}
        assert outbox.renew_leases(session, [action.id], instance="intruder", lease_until=clock.now()) == set()
    clock.advance(50)
    assert _claim(store, clock, instance="w2") == [], "renewed: still w1's"
    with store.session() as session:
        assert _reschedule(store, clock, action.id, "http_500") == "rescheduled"
        assert (
            outbox.reschedule(session, action.id, instance="w2", now=clock.now(), delay=timedelta(0), error="x")
            == "lost"
        ), "only the owner may put it back"


def test_stop_hands_back_only_what_has_not_started(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        running = outbox.enqueue(session, "a", {}, now=clock.now())
        unstarted = outbox.enqueue(session, "b", {}, now=clock.now())
    _claim(store, clock, instance="stopping")
    with store.session() as session:
        assert outbox.release_claims(session, instance="stopping", now=clock.now(), keep={running.id}) == 1
    assert (_row(store, running.id).status, _row(store, unstarted.id).status) == ("claimed", "pending")


def test_retention_removes_old_finished_actions_but_not_what_a_dependent_still_needs(
    store: Store, clock: FakeClock
) -> None:
    with store.session() as session:
        old = outbox.enqueue(session, "old", {}, now=clock.now())
        anchor = outbox.enqueue(session, "anchor", {}, now=clock.now())
        outbox.enqueue(session, "dependent", {}, now=clock.now(), after=anchor, delay=timedelta(0))
    for action in _claim(store, clock):
        with store.session() as session:
            outbox.complete(session, action.id, instance="w1", outcome="succeeded", now=clock.now())
    clock.advance(15 * 86400)
    with store.session() as session:
        removed = outbox.prune_finished(
            session, older_than=clock.now() - timedelta(days=14), dead_older_than=clock.now() - timedelta(days=56)
        )
    assert removed == 1
    with store.session() as session:
        assert session.get(OutboxAction, old.id) is None
        assert session.get(OutboxAction, anchor.id) is not None, "its dependent has not run yet"
