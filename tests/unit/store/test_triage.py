"""401 checklist walks in the database: one per starting point, optimistic writes, report queries."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from supportbot.store import triage as walk_store
from supportbot.store.db import Store
from supportbot.triage import checklist
from supportbot.triage.checks import CheckId
from tests.fakes import FakeClock


def _new(
    origin: str = "1.0001", *, thread: str | None = "1.0001", walk: int = 1, at: float = 0.0
) -> walk_store.NewWalk:
    state = checklist.start([CheckId.WRONG_BASE_URL], at=at, language="zh", walk=walk)
    return walk_store.NewWalk(
        channel="C1",
        origin=origin,
        thread_ts=thread,
        requester="U1",
        started_by="U1",
        trigger="message",
        state=state,
        diagnosis=[{"check": "wrong_base_url", "reason": "missing_v1", "excerpt": "https://x.example"}],
        error_status="401",
        error_model="gpt-4o-mini",
        error_text="Invalid token",
        masked_key="sk-…abcd",
    )


def _create(store: Store, clock: FakeClock, new: walk_store.NewWalk) -> int:
    with store.session() as session:
        row = walk_store.create_walk(session, new, now=clock.now())
        assert row.id is not None
        return row.id


def _get(store: Store, walk_id: int) -> walk_store.TriageWalk:
    with store.session() as session:
        row = walk_store.get_walk(session, walk_id)
    assert row is not None
    return row


def test_a_walk_round_trips_with_its_state_and_outcome_columns(store: Store, clock: FakeClock) -> None:
    walk_id = _create(store, clock, _new())
    row = _get(store, walk_id)
    state = row.checklist()
    assert (state.steps[0], state.language, state.walk, row.version) == (CheckId.WRONG_BASE_URL, "zh", 1, 0)
    assert (row.outcome, row.last_step, row.diagnosed_first, row.first_guess_right) == (
        "open",
        "wrong_base_url",
        "wrong_base_url",
        None,
    )
    assert row.diagnosis_items() == [
        {"check": "wrong_base_url", "reason": "missing_v1", "excerpt": "https://x.example"}
    ]
    assert (row.error_status, row.error_model, row.masked_key) == ("401", "gpt-4o-mini", "sk-…abcd")


def test_one_walk_per_origin_and_per_thread_number(store: Store, clock: FakeClock) -> None:
    _create(store, clock, _new("1.0001"))
    with pytest.raises(IntegrityError):
        _create(store, clock, _new("1.0001", thread="9.9999"))
    with pytest.raises(IntegrityError):
        _create(store, clock, _new("1.0002", thread="1.0001"))  # a second walk 1 in the same thread
    _create(store, clock, _new("1.0003", thread="1.0001", walk=2))
    # Walks started by /support triage have no thread yet: any number of them may wait for one.
    _create(store, clock, _new("cmd:a", thread=None))
    _create(store, clock, _new("cmd:b", thread=None))
    with store.session() as session:
        found = walk_store.find_by_origin(session, channel="C1", origin="1.0003")
        latest = walk_store.latest_in_thread(session, channel="C1", thread_ts="1.0001")
        elsewhere = walk_store.find_by_origin(session, channel="C2", origin="1.0003")
    assert found is not None and found.walk == 2
    assert latest is not None and latest.id == found.id
    assert elsewhere is None


def test_the_thread_is_found_by_the_bots_post_too(store: Store, clock: FakeClock) -> None:
    walk_id = _create(store, clock, _new("cmd:x", thread=None))
    with store.session() as session:
        walk_store.mark_posted(session, walk_id, step_ts="5.0005", thread_ts="5.0005", now=clock.now())
        walk_store.mark_posted(session, walk_id, step_ts="6.0006", thread_ts="6.0006", now=clock.now())
    row = _get(store, walk_id)
    assert (row.step_ts, row.posted_thread_ts, row.thread_ts) == ("5.0005", "5.0005", "5.0005"), "recorded once"
    repost = _create(store, clock, _new("2.0002", thread="2.0002"))
    with store.session() as session:
        walk_store.mark_posted(session, repost, step_ts="3.0004", thread_ts="3.0003", now=clock.now())
        by_repost = walk_store.latest_in_thread(session, channel="C1", thread_ts="3.0003")
    assert by_repost is not None and by_repost.id == repost and by_repost.thread_ts == "2.0002"


def test_save_state_writes_only_over_the_version_it_read(store: Store, clock: FakeClock) -> None:
    walk_id = _create(store, clock, _new())
    state = _get(store, walk_id).checklist()
    first = checklist.apply(state, "triage_next", step=state.steps[0], at=10.0).state
    second = checklist.apply(state, "triage_fixed", step=state.steps[0], at=11.0).state
    with store.session() as session:
        assert walk_store.save_state(session, walk_id, expected_version=0, state=first, now=clock.now())
    with store.session() as session:
        assert not walk_store.save_state(session, walk_id, expected_version=0, state=second, now=clock.now())
    row = _get(store, walk_id)
    assert (row.version, row.outcome, row.checklist().position) == (1, "open", 1)


def test_two_writers_at_once_one_wins(store: Store, clock: FakeClock) -> None:
    walk_id = _create(store, clock, _new())
    state = _get(store, walk_id).checklist()
    candidates = [
        checklist.apply(state, action, step=state.steps[0], at=20.0).state
        for action in ("triage_next", "triage_fixed", "triage_next", "triage_ticket")
    ]
    start = threading.Barrier(len(candidates))
    won: list[bool] = []

    def write(candidate: checklist.ChecklistState) -> None:
        start.wait()
        with store.session() as session:
            won.append(walk_store.save_state(session, walk_id, expected_version=0, state=candidate, now=clock.now()))

    threads = [threading.Thread(target=write, args=(candidate,)) for candidate in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(won) == [False, False, False, True]
    assert _get(store, walk_id).version == 1


def test_outcome_columns_follow_the_state(store: Store, clock: FakeClock) -> None:
    walk_id = _create(store, clock, _new())
    state = _get(store, walk_id).checklist()
    moved = checklist.apply(state, "triage_next", step=state.steps[0], at=5.0).state
    fixed = checklist.apply(moved, "triage_fixed", step=moved.steps[1], at=65.0).state
    with store.session() as session:
        walk_store.save_state(session, walk_id, expected_version=0, state=moved, now=clock.now())
    assert _get(store, walk_id).finished_at is None
    clock.advance(60)
    with store.session() as session:
        walk_store.save_state(session, walk_id, expected_version=1, state=fixed, now=clock.now())
    row = _get(store, walk_id)
    assert (row.outcome, row.fixed_by, row.steps_tried, row.first_guess_right) == (
        "fixed",
        str(moved.steps[1]),
        2,
        False,
    )
    assert row.finished_at == clock.now()
    reopened = replace(moved, version=fixed.version + 1)
    with store.session() as session:
        walk_store.save_state(session, walk_id, expected_version=fixed.version, state=reopened, now=clock.now())
    assert (_get(store, walk_id).outcome, _get(store, walk_id).finished_at) == ("open", None)


def test_a_walk_signals_a_gap_once(store: Store, clock: FakeClock) -> None:
    walk_id = _create(store, clock, _new())
    with store.session() as session:
        assert walk_store.claim_gap_signal(session, walk_id)
        assert not walk_store.claim_gap_signal(session, walk_id)


def _finish(store: Store, clock: FakeClock, origin: str, *, fixed_at: int | None, steps_next: int) -> None:
    walk_id = _create(store, clock, _new(origin, thread=origin))
    state = _get(store, walk_id).checklist()
    at = 1.0
    for _ in range(steps_next):
        assert state.current is not None
        state = checklist.apply(state, "triage_next", step=state.current, at=at).state
        at += 1
    if fixed_at is not None:
        state = checklist.apply(state, "triage_fixed", step=state.steps[fixed_at], at=at).state
    with store.session() as session:
        assert walk_store.save_state(session, walk_id, expected_version=0, state=state, now=clock.now())


def test_outcomes_by_step_and_per_week(store: Store) -> None:
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
    clock = FakeClock(monday)
    _finish(store, clock, "a", fixed_at=0, steps_next=0)  # fixed by the first (diagnosed) step
    _finish(store, clock, "b", fixed_at=1, steps_next=1)
    clock.advance(7 * 86400)  # the next week
    _finish(store, clock, "c", fixed_at=None, steps_next=5)  # unresolved after the last step
    _finish(store, clock, "d", fixed_at=None, steps_next=2)  # left open on the third step
    clock.advance(30 * 86400)
    _finish(store, clock, "late", fixed_at=0, steps_next=0)  # outside the window
    steps = checklist.plan([CheckId.WRONG_BASE_URL])
    with store.session() as session:
        by_step = walk_store.outcomes_by_step(session, since=monday, until=monday + timedelta(days=14))
        weeks = walk_store.weekly_outcomes(session, since=monday, until=monday + timedelta(days=14))
        empty = walk_store.weekly_outcomes(session, since=monday - timedelta(days=30), until=monday)
    table = {item.step: (item.fixed, item.unresolved, item.open, item.total) for item in by_step}
    assert [item.step for item in by_step] == [str(check) for check in checklist.CHECK_ORDER]
    assert table[str(steps[0])] == (1, 0, 0, 1)
    assert table[str(steps[1])] == (1, 0, 0, 1)
    assert table[str(steps[2])] == (0, 0, 1, 1)
    assert table[str(steps[4])] == (0, 1, 0, 1)
    assert [(w.week.isoformat(), w.started, w.fixed, w.unresolved, w.open, w.first_guess_right) for w in weeks] == [
        ("2026-11-16", 2, 2, 0, 0, 1),
        ("2026-11-23", 2, 0, 1, 1, 0),
    ]
    assert empty == []
