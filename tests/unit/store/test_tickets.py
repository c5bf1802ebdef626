"""Ticket storage on SQLite and PostgreSQL: filing, changes, dashboard queries, and concurrent clicks."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from supportbot.store import tickets as ticket_store
from supportbot.store.db import Store
from tests.fakes import FakeClock

T = TypeVar("T")
AGENTS = [f"U0AGENT{n:02d}" for n in range(8)]


def new(key: str = "view:V1", **changes: object) -> ticket_store.NewTicket:
    values: dict[str, object] = {
        "occurred_at": datetime(2026, 11, 23, 1, 14, tzinfo=UTC),
        "model": "gpt-4o-mini",
        "status": 401,
        "error_text": "Error code: 401",
        "masked_key_id": "sk-…x9Qa",
        "submission_key": key,
        "source": "command",
        "requester": "U0CUST001",
        "filed_by": "U0AGENT01",
        "channel": "C0SUPPORT",
        "thread_ts": "1795400000.000100",
    }
    values.update(changes)
    return ticket_store.NewTicket(**values)  # type: ignore[arg-type]


def file(store: Store, clock: FakeClock, key: str = "view:V1", **changes: object) -> ticket_store.Ticket:
    with store.session() as session:
        ticket, _ = ticket_store.create(session, new(key, **changes), now=clock.now())
    return ticket


def at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run the calls in threads released together; their results in call order."""
    start = threading.Barrier(len(calls))
    results: list[T | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            start.wait()
            results[index] = call()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return [result for result in results if result is not None]


def test_filing_stores_the_five_fields_and_the_workflow(store: Store, clock: FakeClock) -> None:
    ticket = file(store, clock)
    with store.session() as session:
        stored = ticket_store.get(session, ticket.id or 0)
    assert stored is not None
    assert (stored.occurred_at, stored.model, stored.status, stored.error_text, stored.masked_key_id) == (
        datetime(2026, 11, 23, 1, 14, tzinfo=UTC),
        "gpt-4o-mini",
        401,
        "Error code: 401",
        "sk-…x9Qa",
    )
    assert (stored.state, stored.assignee, stored.created_at, stored.closed_at) == ("open", None, clock.now(), None)
    assert (stored.channel, stored.thread_ts, stored.card_ts) == ("C0SUPPORT", "1795400000.000100", None)
    with store.session() as session:
        ticket_store.set_card(session, stored.id or 0, channel="G0AGENTS1", ts="1795400001.000200")
        carded = ticket_store.get(session, stored.id or 0)
    assert carded is not None and (carded.card_channel, carded.card_ts) == ("G0AGENTS1", "1795400001.000200")


def test_the_same_submission_files_once(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        first, created = ticket_store.create(session, new(), now=clock.now())
        again, created_again = ticket_store.create(session, new(model="other"), now=clock.now())
    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.model == "gpt-4o-mini"


def test_a_double_submission_from_threads_files_one_ticket(store: Store, clock: FakeClock) -> None:
    def submit() -> bool:
        with store.session() as session:
            return ticket_store.create(session, new("view:DOUBLE"), now=clock.now())[1]

    created = at_once([submit] * 6)
    assert sorted(created) == [False] * 5 + [True]
    with store.session() as session:
        assert ticket_store.count(session) == 1


def test_two_agents_pressing_assign_at_once(store: Store, clock: FakeClock) -> None:
    ticket_id = file(store, clock).id or 0

    def press(agent: str) -> Callable[[], ticket_store.Change]:
        def run() -> ticket_store.Change:
            with store.session() as session:
                return ticket_store.assign(session, ticket_id, agent, now=clock.now(), only_if_unassigned=True)

        return run

    changes = at_once([press(agent) for agent in AGENTS])
    outcomes = Counter(change.outcome for change in changes)
    assert outcomes == {"changed": 1, "taken": len(AGENTS) - 1}
    (winner,) = [change.ticket.assignee for change in changes if change.changed and change.ticket]
    assert all(change.ticket and change.ticket.assignee == winner for change in changes)
    with store.session() as session:
        stored = ticket_store.get(session, ticket_id)
    assert stored is not None and stored.assignee == winner


def test_a_close_racing_an_assign_ends_consistent(store: Store, clock: FakeClock) -> None:
    for round_number in range(6):
        ticket_id = file(store, clock, key=f"view:RACE{round_number}").id or 0

        def assign(ticket_id: int = ticket_id) -> ticket_store.Change:
            with store.session() as session:
                return ticket_store.assign(session, ticket_id, "U0AGENT01", now=clock.now(), only_if_unassigned=True)

        def close(ticket_id: int = ticket_id) -> ticket_store.Change:
            with store.session() as session:
                return ticket_store.close(session, ticket_id, by="U0AGENT02", reason=None, now=clock.now())

        assigned, closed = at_once([assign, close])
        assert closed.outcome == "changed"
        assert assigned.outcome in {"changed", "closed"}
        with store.session() as session:
            stored = ticket_store.get(session, ticket_id)
        assert stored is not None and stored.state == "closed" and stored.closed_by == "U0AGENT02"
        assert (stored.assignee == "U0AGENT01") == (assigned.outcome == "changed")


def test_two_closes_and_a_reopen(store: Store, clock: FakeClock) -> None:
    ticket_id = file(store, clock).id or 0

    def close(by: str) -> Callable[[], ticket_store.Change]:
        def run() -> ticket_store.Change:
            with store.session() as session:
                return ticket_store.close(session, ticket_id, by=by, reason=f"done by {by}", now=clock.now())

        return run

    changes = at_once([close("U0AGENT01"), close("U0AGENT02")])
    assert sorted(change.outcome for change in changes) == ["changed", "closed"]
    winner = next(change for change in changes if change.changed)
    assert winner.ticket is not None and winner.ticket.close_reason == f"done by {winner.ticket.closed_by}"
    clock.advance(60)
    with store.session() as session:
        reopened = ticket_store.reopen(session, ticket_id, now=clock.now())
        again = ticket_store.reopen(session, ticket_id, now=clock.now())
    assert (reopened.outcome, again.outcome) == ("changed", "open")
    assert reopened.ticket is not None
    assert (reopened.ticket.state, reopened.ticket.closed_at, reopened.ticket.close_reason) == ("open", None, None)
    assert reopened.ticket.updated_at == clock.now()


def test_assigning_explains_what_happened(store: Store, clock: FakeClock) -> None:
    ticket_id = file(store, clock).id or 0
    with store.session() as session:
        assert ticket_store.assign(session, ticket_id, "U0AGENT01", now=clock.now()).outcome == "changed"
        assert ticket_store.assign(session, ticket_id, "U0AGENT01", now=clock.now()).outcome == "unchanged"
        taken = ticket_store.assign(session, ticket_id, "U0AGENT02", now=clock.now(), only_if_unassigned=True)
        assert taken.outcome == "taken" and taken.ticket and taken.ticket.assignee == "U0AGENT01"
        assert ticket_store.assign(session, ticket_id, "U0AGENT02", now=clock.now()).outcome == "changed"
        assert ticket_store.assign(session, 999, "U0AGENT02", now=clock.now()).outcome == "not_found"
        assert ticket_store.close(session, 999, by="U0AGENT02", reason=None, now=clock.now()).outcome == "not_found"
        ticket_store.close(session, ticket_id, by="U0AGENT02", reason=None, now=clock.now())
        assert ticket_store.assign(session, ticket_id, "U0AGENT01", now=clock.now()).outcome == "closed"


def test_listing_and_dashboard_queries(store: Store, clock: FakeClock) -> None:
    start = clock.now()  # Monday 2026-11-23
    for number in range(5):
        file(store, clock, key=f"view:L{number}")
        clock.advance(3 * 86400)
    with store.session() as session:
        ticket_store.assign(session, 2, "U0AGENT01", now=clock.now())
        ticket_store.close(session, 3, by="U0AGENT01", reason=None, now=clock.now())
        assert ticket_store.counts_by_state(session) == {"open": 4, "closed": 1}
        assert [t.id for t in ticket_store.listing(session)] == [5, 4, 2, 1]
        assert [t.id for t in ticket_store.listing(session, state="closed")] == [3]
        assert [t.id for t in ticket_store.listing(session, state="all", limit=2)] == [5, 4]
        assert [t.id for t in ticket_store.listing(session, assignee="U0AGENT01")] == [2]
        assert ticket_store.count(session, state="open", assignee="U0AGENT01") == 1
        weeks = ticket_store.created_per_week(session, since=start - timedelta(days=7), until=clock.now())
    assert weeks == [
        (date(2026, 11, 16), 0),
        (date(2026, 11, 23), 3),  # Monday, Thursday, Sunday
        (date(2026, 11, 30), 2),
        (date(2026, 12, 7), 0),
    ]


def test_an_empty_database_has_zero_counts(store: Store, clock: FakeClock) -> None:
    with store.session() as session:
        assert ticket_store.counts_by_state(session) == {"open": 0, "closed": 0}
        weeks = ticket_store.created_per_week(session, since=clock.now(), until=clock.now() + timedelta(days=1))
    assert weeks == [(date(2026, 11, 23), 0)]
